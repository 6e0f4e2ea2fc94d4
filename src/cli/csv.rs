//! `normalize csv`: fix name columns of a CSV file (the work is in `normalize::csvfix`).

use std::fs::{self, File};
use std::io::{self, BufWriter, IsTerminal, Read, Write};
use std::path::{Path, PathBuf};

use anyhow::{bail, Context, Result};
use clap::Args;
use normalize::csvfix::{self, Config, CsvError, Decisions, Progress, Summary};
use normalize::load::AtomicFile;

use super::{ConfigArgs, TableArgs};

#[derive(Args, Debug)]
#[command(after_help = "Examples:
  normalize csv --column country --column leader donors.csv > donors.fixed.csv
  normalize csv --column country --id country_id --report changes.tsv --in-place donors.csv
  normalize csv --column 3 --text notes.csv             # names inside free text
  normalize csv --column country --propose review.tsv donors.csv   # edit the decision column
  normalize csv --column country --decisions review.tsv donors.csv > donors.fixed.csv
  normalize csv --decisions review.tsv --export-table my-names.tsv  # then: --table my-names.tsv

Exit status: 0 on success, 2 on an error (bad row, unknown column, unwritable output).")]
pub struct CsvArgs {
    /// The CSV file ("-" or none: standard input).
    #[arg(value_name = "INPUT")]
    input: Option<PathBuf>,
    /// Column to fix, by header name or 1-based number (repeatable).
    #[arg(short = 'c', long = "column", value_name = "NAME|INDEX")]
    columns: Vec<String>,
    /// Write the result to FILE (atomically) instead of standard output.
    #[arg(short = 'o', long, value_name = "FILE", conflicts_with = "in_place")]
    output: Option<PathBuf>,
    /// Replace INPUT with the result (temporary file + rename: untouched on any error).
    #[arg(long)]
    in_place: bool,
    /// The file has no header row: columns are numbers.
    #[arg(long)]
    no_header: bool,
    /// Treat cells as running text: fix the names inside them, as the text filter does.
    #[arg(long)]
    text: bool,
    /// Field delimiter (a character, or `tab`); default: tab for .tsv files, else detected
    /// from the first line (`,` `;` tab `|`).
    #[arg(short = 'd', long, value_name = "CHAR")]
    delimiter: Option<String>,
    /// Add an id column after the fixed column: NAME (one column) or COLUMN=NAME (repeatable).
    #[arg(long = "id", value_name = "NAME|COLUMN=NAME")]
    ids: Vec<String>,
    /// Write the distinct fixed, ambiguous and unresolved values to FILE (TSV).
    #[arg(long, value_name = "FILE")]
    report: Option<PathBuf>,
    /// Write the distinct values with proposals and a `decision` column to FILE, and no data.
    #[arg(long, value_name = "FILE", conflicts_with_all = ["output", "in_place", "decisions"])]
    propose: Option<PathBuf>,
    /// Apply exactly the decisions of FILE (an edited --propose file) instead of the proposals.
    #[arg(long, value_name = "FILE")]
    decisions: Option<PathBuf>,
    /// With --decisions: write them as a user alias table (for --table) and read no CSV.
    #[arg(long, value_name = "FILE", requires = "decisions")]
    export_table: Option<PathBuf>,
    /// Copy bad rows (ragged, unterminated quote, invalid UTF-8) through instead of failing.
    #[arg(long)]
    lenient: bool,
    /// Worker threads (default: all cores).
    #[arg(long, value_name = "N")]
    threads: Option<usize>,
    /// No summary line on standard error.
    #[arg(short = 'q', long)]
    quiet: bool,
    /// Rows per batch (tests use small batches to cross batch boundaries).
    #[arg(long, hide = true, default_value_t = csvfix::BATCH_ROWS)]
    batch_rows: usize,
    #[command(flatten)]
    config: ConfigArgs,
}

/// Standard output, held in memory up to a limit so that a bad row in a small file leaves
/// nothing written; beyond it, streamed.
struct Held<W: Write> {
    inner: W,
    buf: Vec<u8>,
    held: bool,
}

const HOLD_LIMIT: usize = 32 << 20;

impl<W: Write> Write for Held<W> {
    fn write(&mut self, b: &[u8]) -> io::Result<usize> {
        if self.held {
            self.buf.extend_from_slice(b);
            if self.buf.len() > HOLD_LIMIT {
                self.inner.write_all(&self.buf)?;
                self.buf = Vec::new();
                self.held = false;
            }
            Ok(b.len())
        } else {
            self.inner.write(b)
        }
    }
    fn flush(&mut self) -> io::Result<()> {
        if self.held {
            Ok(())
        } else {
            self.inner.flush()
        }
    }
}

impl<W: Write> Held<W> {
    /// Writes out what is held and returns the inner writer.
    fn finish(mut self) -> io::Result<W> {
        self.inner.write_all(&self.buf)?;
        self.inner.flush()?;
        Ok(self.inner)
    }
}

/// What identifies a file: device and inode when it exists, else its absolute path.
#[derive(PartialEq, Eq)]
enum FileKey {
    Inode(u64, u64),
    Path(PathBuf),
}

/// The identity of `p`; `None` for an existing file that is not a regular file (a device or
/// a pipe, which several outputs may share).
fn file_key(p: &Path) -> Option<FileKey> {
    match fs::metadata(p) {
        Ok(m) if !m.is_file() => None,
        Ok(m) => {
            #[cfg(unix)]
            {
                use std::os::unix::fs::MetadataExt;
                Some(FileKey::Inode(m.dev(), m.ino()))
            }
            #[cfg(not(unix))]
            {
                let _ = m;
                Some(FileKey::Path(
                    fs::canonicalize(p).unwrap_or_else(|_| p.to_path_buf()),
                ))
            }
        }
        Err(_) => {
            let abs = normalize::config::absolute(p);
            let dir = abs
                .parent()
                .map(|d| fs::canonicalize(d).unwrap_or_else(|_| d.to_path_buf()));
            Some(FileKey::Path(match (dir, abs.file_name()) {
                (Some(d), Some(n)) => d.join(n),
                _ => abs,
            }))
        }
    }
}

/// Refuses an output that is the same file as an input or as another output.
fn check_distinct(inputs: &[(&str, &Path)], outputs: &[(&str, &Path)]) -> Result<()> {
    for (i, (oname, o)) in outputs.iter().enumerate() {
        let Some(ko) = file_key(o) else { continue };
        for (iname, p) in inputs {
            if file_key(p).as_ref() == Some(&ko) {
                bail!(
                    "{oname} {} is the same file as {iname} {}: choose another path",
                    o.display(),
                    p.display()
                );
            }
        }
        for (oname2, o2) in &outputs[..i] {
            if file_key(o2).as_ref() == Some(&ko) {
                bail!(
                    "{oname} {} is the same file as {oname2} {}: choose another path",
                    o.display(),
                    o2.display()
                );
            }
        }
    }
    Ok(())
}

/// Starts an atomic output file, with the error naming it.
fn create_out(p: &Path) -> Result<AtomicFile> {
    AtomicFile::create(p).with_context(|| format!("{}: cannot write", p.display()))
}

fn parse_delimiter(s: &str) -> Result<u8> {
    match s {
        "tab" | "\\t" | "\t" => Ok(b'\t'),
        s if s.len() == 1 && s.is_ascii() && s != "\"" && s != "\n" && s != "\r" => {
            Ok(s.as_bytes()[0])
        }
        _ => bail!("--delimiter {s:?}: expected one ASCII character (or `tab`)"),
    }
}

/// 1234567 -> "1,234,567".
fn thousands(n: u64) -> String {
    let s = n.to_string();
    let groups: Vec<&str> = s
        .as_bytes()
        .rchunks(3)
        .rev()
        .map(|g| std::str::from_utf8(g).unwrap_or(""))
        .collect();
    groups.join(",")
}

/// `n` and the noun, plural unless `n` is 1: "1 row", "1,024 rows".
fn count(n: u64, one: &str, many: &str) -> String {
    format!("{} {}", thousands(n), if n == 1 { one } else { many })
}

fn summary_line(s: &Summary, report: Option<&Path>, text: bool) -> String {
    let mut line = format!(
        "normalize: {}, {} fixed, {} ambiguous",
        count(s.rows, "row", "rows"),
        count(s.cells_fixed, "cell", "cells"),
        thousands(s.ambiguous)
    );
    if !text {
        line.push_str(&format!(", {} unresolved", thousands(s.unresolved)));
    }
    if s.undecided > 0 || s.rejected > 0 {
        line.push_str(&format!(
            ", {} rejected, {} undecided",
            thousands(s.rejected),
            thousands(s.undecided)
        ));
    }
    if s.bad_rows > 0 {
        line.push_str(&format!(
            ", {} copied unchanged",
            count(s.bad_rows, "bad row", "bad rows")
        ));
    }
    if s.ambiguous + s.unresolved + s.undecided > 0 {
        match report {
            Some(p) => line.push_str(&format!(" (see {})", p.display())),
            None => line.push_str(" (see --report)"),
        }
    }
    line
}

pub fn run(args: &CsvArgs, tables: &TableArgs) -> Result<u8> {
    let input_path = args.input.as_ref().filter(|p| p.as_os_str() != "-");
    // The configuration: found from the input file (the current directory for standard
    // input, or for --export-table, the decisions file).
    let anchor = input_path.or(args
        .decisions
        .as_ref()
        .filter(|_| args.export_table.is_some()));
    let config = args.config.load(anchor.map(PathBuf::as_path))?;
    let nz = tables.with_config(config.as_ref()).normalizer()?;
    // No output may be an input (or another output).
    let mut inputs: Vec<(&str, &Path)> = Vec::new();
    if let Some(p) = input_path {
        inputs.push(("the input", p));
    }
    if let Some(p) = &args.decisions {
        inputs.push(("--decisions", p));
    }
    let mut outputs: Vec<(&str, &Path)> = Vec::new();
    if let Some(p) = &args.output {
        outputs.push(("-o", p));
    }
    for (name, p) in [
        ("--report", &args.report),
        ("--propose", &args.propose),
        ("--export-table", &args.export_table),
    ] {
        if let Some(p) = p {
            outputs.push((name, p));
        }
    }
    check_distinct(&inputs, &outputs)?;
    let decisions = match &args.decisions {
        None => None,
        Some(p) => {
            let text =
                fs::read_to_string(p).with_context(|| format!("{}: cannot read", p.display()))?;
            let d = Decisions::parse(&nz, &p.display().to_string(), &text)
                .map_err(anyhow::Error::msg)?;
            Some(d)
        }
    };
    if let Some(out) = &args.export_table {
        let d = decisions.as_ref().expect("clap: requires --decisions");
        let (table, skipped) = d.to_table();
        let mut f = create_out(out)?;
        f.write_all(table.as_bytes())
            .and_then(|()| f.commit())
            .with_context(|| format!("{}: cannot write", out.display()))?;
        if !args.quiet {
            eprintln!(
                "normalize: {} decisions written to {}{}",
                thousands(d.len() as u64 - skipped as u64),
                out.display(),
                if skipped > 0 {
                    format!(" ({skipped} values a table cannot hold skipped)")
                } else {
                    String::new()
                }
            );
        }
        return Ok(0);
    }
    if args.columns.is_empty() {
        bail!("csv: give at least one --column NAME|INDEX");
    }
    if args.in_place && input_path.is_none() {
        bail!("--in-place needs an INPUT file");
    }
    let label = input_path.map_or_else(|| "<stdin>".to_string(), |p| p.display().to_string());
    let delimiter = match &args.delimiter {
        Some(d) => Some(parse_delimiter(d)?),
        None => input_path
            .and_then(|p| p.extension())
            .filter(|e| e.eq_ignore_ascii_case("tsv") || e.eq_ignore_ascii_case("tab"))
            .map(|_| b'\t'),
    };
    let cfg = Config {
        columns: args.columns.clone(),
        ids: args.ids.clone(),
        has_header: !args.no_header,
        delimiter,
        text: args.text,
        lenient: args.lenient,
        write_data: args.propose.is_none(),
        collect_values: args.report.is_some() || args.propose.is_some(),
        batch_rows: args.batch_rows.max(1),
        threads: args.threads.unwrap_or(0),
        decisions,
        ignore: config.filter(|c| !c.ignore.is_empty()),
    };
    if cfg.text && (args.propose.is_some() || cfg.decisions.is_some()) {
        bail!("--propose and --decisions work in cell mode only, not with --text");
    }
    let dest: Option<PathBuf> = if args.in_place {
        input_path.cloned()
    } else {
        args.output.clone()
    };
    if args.in_place {
        if let Some(p) = input_path.filter(|p| fs::metadata(p).is_ok_and(|m| !m.is_file())) {
            bail!("{}: --in-place needs a regular file", p.display());
        }
    }
    let (input, size): (Box<dyn Read>, Option<u64>) = match input_path {
        None => (Box::new(io::stdin().lock()), None),
        Some(p) => {
            let f = File::open(p).with_context(|| format!("{}: cannot open", p.display()))?;
            let size = f.metadata().ok().map(|m| m.len());
            (Box::new(f), size)
        }
    };
    // Every output is opened before the run (a bad path fails at once), written to its
    // temporary file, and committed only when all are written: the data last.
    let report_out = args.report.as_deref().map(create_out).transpose()?;
    let propose_out = args.propose.as_deref().map(create_out).transpose()?;
    let data_out = match (&args.propose, &dest) {
        (Some(_), _) | (None, None) => None,
        (None, Some(d)) => Some(create_out(d)?),
    };
    let bar = if io::stderr().is_terminal() && !args.quiet {
        let b = match size {
            Some(n) => indicatif::ProgressBar::new(n).with_style(
                indicatif::ProgressStyle::with_template(
                    "{bar:40} {bytes}/{total_bytes} {msg} rows ({eta})",
                )
                .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
            ),
            None => indicatif::ProgressBar::new_spinner(),
        };
        b.set_draw_target(indicatif::ProgressDrawTarget::stderr());
        Some(b)
    } else {
        None
    };
    let progress = |p: Progress| {
        if let Some(b) = &bar {
            b.set_position(p.bytes);
            b.set_message(thousands(p.rows));
        }
    };
    let map_err = |e: CsvError| -> anyhow::Error {
        match e {
            CsvError::Io(e) => anyhow::Error::new(e).context(format!("{label}: failed")),
            e => anyhow::anyhow!("{label}: {e}"),
        }
    };
    enum Data {
        None,
        Stdout(Held<BufWriter<io::StdoutLock<'static>>>),
        File(Held<AtomicFile>),
    }
    let mut data = if args.propose.is_some() {
        Data::None
    } else {
        match data_out {
            Some(f) => {
                // A device or pipe (`-o /dev/stdout`) is written directly: held like standard
                // output so that a bad row leaves nothing written.
                let special = dest
                    .as_deref()
                    .is_some_and(|d| fs::metadata(d).is_ok_and(|m| !m.is_file()));
                Data::File(Held {
                    inner: f,
                    buf: Vec::new(),
                    held: special,
                })
            }
            None => Data::Stdout(Held {
                inner: BufWriter::with_capacity(1 << 16, io::stdout().lock()),
                buf: Vec::new(),
                held: true,
            }),
        }
    };
    let result = match &mut data {
        Data::None => csvfix::run(&nz, &cfg, input, &mut io::sink(), progress),
        Data::Stdout(h) => csvfix::run(&nz, &cfg, input, h, progress),
        Data::File(h) => csvfix::run(&nz, &cfg, input, h, progress),
    }
    .map_err(map_err);
    if let Some(b) = &bar {
        b.finish_and_clear();
    }
    let run = result?;
    let mut pending: Vec<(&Path, AtomicFile)> = Vec::new();
    if let (Some(p), Some(mut f)) = (&args.report, report_out) {
        csvfix::write_report(&run.values, &mut f)
            .with_context(|| format!("{}: cannot write", p.display()))?;
        pending.push((p, f));
    }
    if let (Some(p), Some(mut f)) = (&args.propose, propose_out) {
        csvfix::write_proposals(&run.values, &mut f)
            .with_context(|| format!("{}: cannot write", p.display()))?;
        pending.push((p, f));
    }
    let data_file = match data {
        Data::None => None,
        Data::Stdout(h) => {
            // Standard output cannot be taken back: written once the reports are complete.
            for (p, f) in pending.drain(..) {
                f.commit()
                    .with_context(|| format!("{}: cannot write", p.display()))?;
            }
            h.finish()?;
            None
        }
        Data::File(h) => Some(h.finish().with_context(|| {
            format!(
                "{}: cannot write",
                dest.as_deref().unwrap_or(Path::new("-")).display()
            )
        })?),
    };
    for (p, f) in pending {
        f.commit()
            .with_context(|| format!("{}: cannot write", p.display()))?;
    }
    if let Some(f) = data_file {
        let d = f.dest().to_path_buf();
        f.commit()
            .with_context(|| format!("{}: cannot replace", d.display()))?;
    }
    if !args.quiet {
        let report = args.report.as_deref().or(args.propose.as_deref());
        eprintln!("{}", summary_line(&run.summary, report, args.text));
    }
    Ok(0)
}
