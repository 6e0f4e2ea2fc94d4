//! `normalize csv`: fix name columns of a CSV file (the work is in `normalize::csvfix`).

use std::fs::{self, File};
use std::io::{self, BufWriter, IsTerminal, Read, Write};
use std::path::{Path, PathBuf};

use anyhow::{bail, Context, Result};
use clap::Args;
use normalize::csvfix::{self, Config, CsvError, Decisions, Progress, Summary};

use super::TableArgs;

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
    fn finish(mut self) -> io::Result<()> {
        self.inner.write_all(&self.buf)?;
        self.inner.flush()
    }
}

/// A temporary file next to `dest`, renamed over it on success and removed otherwise.
struct TempOut {
    tmp: PathBuf,
    dest: PathBuf,
    file: Option<BufWriter<File>>,
}

impl TempOut {
    fn create(dest: &Path) -> Result<TempOut> {
        let dir = match dest.parent() {
            Some(d) if !d.as_os_str().is_empty() => d,
            _ => Path::new("."),
        };
        let name = dest
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| "out.csv".into());
        let tmp = dir.join(format!(".{name}.normalize-{}.tmp", std::process::id()));
        let file = File::create(&tmp).with_context(|| {
            format!(
                "{}: cannot create a temporary file in {} (the output is written there, then renamed)",
                dest.display(),
                dir.display()
            )
        })?;
        Ok(TempOut {
            tmp,
            dest: dest.to_path_buf(),
            file: Some(BufWriter::with_capacity(1 << 20, file)),
        })
    }

    fn commit(mut self, keep_mode_of: Option<&Path>) -> Result<()> {
        let w = self.file.take().expect("open");
        let f = w.into_inner().map_err(|e| e.into_error())?;
        f.sync_all()?;
        if let Some(orig) = keep_mode_of {
            if let Ok(m) = fs::metadata(orig) {
                let _ = fs::set_permissions(&self.tmp, m.permissions());
            }
        }
        drop(f);
        fs::rename(&self.tmp, &self.dest)
            .with_context(|| format!("{}: cannot replace", self.dest.display()))?;
        Ok(())
    }
}

impl Drop for TempOut {
    fn drop(&mut self) {
        if self.file.is_some() || self.tmp.exists() {
            self.file = None;
            let _ = fs::remove_file(&self.tmp);
        }
    }
}

impl Write for TempOut {
    fn write(&mut self, b: &[u8]) -> io::Result<usize> {
        self.file.as_mut().expect("open").write(b)
    }
    fn flush(&mut self) -> io::Result<()> {
        self.file.as_mut().expect("open").flush()
    }
}

/// True for an existing path that is not a regular file (a device, a pipe, a directory).
fn is_special(p: &Path) -> bool {
    fs::metadata(p).is_ok_and(|m| !m.is_file())
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

fn summary_line(s: &Summary, report: Option<&Path>, text: bool) -> String {
    let mut line = format!(
        "normalize: {} rows, {} cells fixed, {} ambiguous",
        thousands(s.rows),
        thousands(s.cells_fixed),
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
            ", {} bad rows copied unchanged",
            thousands(s.bad_rows)
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
    let nz = tables.normalizer()?;
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
        normalize::load::write_atomic(out, table.as_bytes())
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
    let input_path = args.input.as_ref().filter(|p| p.as_os_str() != "-");
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
    };
    if cfg.text && (args.propose.is_some() || cfg.decisions.is_some()) {
        bail!("--propose and --decisions work in cell mode only, not with --text");
    }
    let (input, size): (Box<dyn Read>, Option<u64>) = match input_path {
        None => (Box::new(io::stdin().lock()), None),
        Some(p) => {
            let f = File::open(p).with_context(|| format!("{}: cannot open", p.display()))?;
            let size = f.metadata().ok().map(|m| m.len());
            (Box::new(f), size)
        }
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
    let dest: Option<PathBuf> = if args.in_place {
        input_path.cloned()
    } else {
        args.output.clone()
    };
    let result = if args.propose.is_some() {
        csvfix::run(&nz, &cfg, input, &mut io::sink(), progress).map_err(map_err)
    } else if let Some(dest) = dest.as_ref().filter(|d| is_special(d)) {
        // A device or pipe (`-o /dev/stdout`): written directly, never replaced.
        anyhow::ensure!(
            !args.in_place,
            "{}: --in-place needs a regular file",
            dest.display()
        );
        let f = fs::OpenOptions::new()
            .write(true)
            .open(dest)
            .with_context(|| format!("{}: cannot open for writing", dest.display()))?;
        let mut held = Held {
            inner: BufWriter::with_capacity(1 << 16, f),
            buf: Vec::new(),
            held: true,
        };
        match csvfix::run(&nz, &cfg, input, &mut held, progress).map_err(map_err) {
            Ok(run) => {
                held.finish()?;
                Ok(run)
            }
            Err(e) => Err(e),
        }
    } else if let Some(dest) = &dest {
        // Through a symbolic link: replace the file it points to, not the link.
        let dest = match fs::symlink_metadata(dest) {
            Ok(m) if m.file_type().is_symlink() => {
                fs::canonicalize(dest).unwrap_or_else(|_| dest.clone())
            }
            _ => dest.clone(),
        };
        let mut tmp = TempOut::create(&dest)?;
        let r = csvfix::run(&nz, &cfg, input, &mut tmp, progress).map_err(map_err);
        match r {
            Ok(run) => {
                tmp.commit(if args.in_place {
                    input_path.map(|p| p.as_path())
                } else {
                    None
                })?;
                Ok(run)
            }
            Err(e) => Err(e),
        }
    } else {
        let mut held = Held {
            inner: BufWriter::with_capacity(1 << 16, io::stdout().lock()),
            buf: Vec::new(),
            held: true,
        };
        match csvfix::run(&nz, &cfg, input, &mut held, progress).map_err(map_err) {
            Ok(run) => {
                held.finish()?;
                Ok(run)
            }
            Err(e) => Err(e),
        }
    };
    if let Some(b) = &bar {
        b.finish_and_clear();
    }
    let run = result?;
    if let Some(p) = &args.report {
        let mut buf = Vec::new();
        csvfix::write_report(&run.values, &mut buf)?;
        normalize::load::write_atomic(p, &buf)
            .with_context(|| format!("{}: cannot write", p.display()))?;
    }
    if let Some(p) = &args.propose {
        let mut buf = Vec::new();
        csvfix::write_proposals(&run.values, &mut buf)?;
        normalize::load::write_atomic(p, &buf)
            .with_context(|| format!("{}: cannot write", p.display()))?;
    }
    if !args.quiet {
        let report = args.report.as_deref().or(args.propose.as_deref());
        eprintln!("{}", summary_line(&run.summary, report, args.text));
    }
    Ok(0)
}
