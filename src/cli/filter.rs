//! The text filter: `normalize [FILE...]` and `normalize --diff FILE...`.

use std::collections::HashMap;
use std::fs::File;
use std::io::{self, BufWriter, Read, Write};
use std::path::{Path, PathBuf};
use std::rc::Rc;

use anyhow::{Context, Result};
use clap::Args;
use normalize::config::Config;
use normalize::stream::{normalize_bytes, normalize_stream_parallel, Apply, Stats};
use normalize::{Normalizer, Scanner};

use super::{ConfigArgs, TableArgs};

#[derive(Args, Debug)]
pub struct FilterArgs {
    /// Files to read ("-" for standard input); standard input when none.
    #[arg(value_name = "FILE")]
    files: Vec<PathBuf>,
    /// Print a unified diff of the changes instead of the text.
    #[arg(long)]
    diff: bool,
    /// Also apply suggested fixes (weaker evidence: short misspellings, styling differences).
    #[arg(long)]
    unsafe_fixes: bool,
    /// Threads that normalise a large input at once (default: all cores). The output is the
    /// same bytes, in the same order, whatever the number.
    #[arg(long, short = 'j', value_name = "N", value_parser = clap::value_parser!(u16).range(1..))]
    threads: Option<u16>,
    #[command(flatten)]
    config: ConfigArgs,
}

fn open(path: &PathBuf) -> Result<Box<dyn Read + Send>> {
    if path.as_os_str() == "-" {
        return Ok(Box::new(io::stdin()));
    }
    let f = File::open(path).with_context(|| format!("{}: cannot open", path.display()))?;
    Ok(Box::new(f))
}

pub fn run(args: &FilterArgs, tables: &TableArgs) -> Result<u8> {
    let apply = if args.unsafe_fixes {
        Apply::Suggested
    } else {
        Apply::Safe
    };
    let stdout = io::stdout();
    let mut out = BufWriter::with_capacity(1 << 16, stdout.lock());
    let files = if args.files.is_empty() {
        vec![PathBuf::from("-")]
    } else {
        args.files.clone()
    };
    // The configuration of each input (found from its directory; the current directory for
    // standard input), and a normalizer per configuration.
    let mut normalizers: HashMap<Option<PathBuf>, Rc<Normalizer>> = HashMap::new();
    let mut setup = |path: &Path| -> Result<(Rc<Normalizer>, Option<Config>)> {
        let anchor = (path.as_os_str() != "-").then_some(path);
        let cfg = args.config.load(anchor)?;
        let key = cfg.as_ref().map(|c| c.path.clone());
        let nz = match normalizers.get(&key) {
            Some(n) => n.clone(),
            None => {
                let t = tables.with_config(cfg.as_ref());
                let n = match &cfg {
                    Some(c) => t
                        .normalizer_with(args.unsafe_fixes)
                        .with_context(|| format!("with the configuration {}", c.path.display()))?,
                    None => t.normalizer_with(args.unsafe_fixes)?,
                };
                let n = Rc::new(n);
                normalizers.insert(key, n.clone());
                n
            }
        };
        Ok((nz, cfg))
    };
    if args.diff {
        for path in &files {
            let (nz, cfg) = setup(path)?;
            let mut input = Vec::new();
            open(path)?
                .read_to_end(&mut input)
                .with_context(|| format!("{}: read failed", path.display()))?;
            let mut fixed = Vec::with_capacity(input.len());
            let mut sc = Scanner::new();
            normalize_bytes(
                &nz,
                &mut sc,
                &input,
                apply,
                cfg.as_ref(),
                &mut fixed,
                &mut Stats::default(),
            )?;
            if fixed != input {
                let old = String::from_utf8_lossy(&input);
                let new = String::from_utf8_lossy(&fixed);
                let name = path.display().to_string();
                let diff = similar::TextDiff::from_lines(old.as_ref(), new.as_ref());
                write!(
                    out,
                    "{}",
                    diff.unified_diff().context_radius(3).header(&name, &name)
                )?;
            }
        }
        out.flush()?;
        return Ok(0);
    }
    let threads = match args.threads {
        Some(n) => usize::from(n),
        None => std::thread::available_parallelism().map_or(1, |n| n.get()),
    };
    for path in &files {
        let (nz, cfg) = setup(path)?;
        let mut input = open(path)?;
        normalize_stream_parallel(&nz, &mut input, &mut out, apply, cfg.as_ref(), threads)
            .with_context(|| format!("{}: failed", path.display()))?;
    }
    out.flush()?;
    Ok(0)
}
