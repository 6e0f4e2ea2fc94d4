//! The text filter: `normalize [FILE...]` and `normalize --diff FILE...`.

use std::fs::File;
use std::io::{self, BufWriter, Read, Write};
use std::path::PathBuf;

use anyhow::{Context, Result};
use clap::Args;
use normalize::stream::{normalize_bytes, normalize_stream, Apply, Stats};
use normalize::Scanner;

use super::TableArgs;

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
}

fn open(path: &PathBuf) -> Result<Box<dyn Read>> {
    if path.as_os_str() == "-" {
        return Ok(Box::new(io::stdin().lock()));
    }
    let f = File::open(path).with_context(|| format!("{}: cannot open", path.display()))?;
    Ok(Box::new(f))
}

pub fn run(args: &FilterArgs, tables: &TableArgs) -> Result<u8> {
    let nz = tables.normalizer_with(args.unsafe_fixes)?;
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
    if args.diff {
        for path in &files {
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
    for path in &files {
        let mut input = open(path)?;
        normalize_stream(&nz, &mut input, &mut out, apply)
            .with_context(|| format!("{}: failed", path.display()))?;
    }
    out.flush()?;
    Ok(0)
}
