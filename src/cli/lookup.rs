//! `normalize lookup`: one resolution per name, as TSV or JSON lines.

use std::io::{self, BufRead, BufWriter, Write};

use anyhow::Result;
use clap::{Args, ValueEnum};
use normalize::{Normalizer, Resolution};

use super::TableArgs;

#[derive(Clone, Copy, Debug, ValueEnum)]
enum Format {
    Tsv,
    Json,
}

#[derive(Args, Debug)]
pub struct LookupArgs {
    /// Names to resolve; each line of standard input when none.
    #[arg(value_name = "NAME")]
    names: Vec<String>,
    /// Output format: tsv (header row, then `input canonical id type match score`) or json
    /// (one object per line).
    #[arg(long, value_enum, default_value = "tsv")]
    format: Format,
}

fn clean(s: &str) -> String {
    s.replace(['\t', '\n', '\r'], " ")
}

fn row(nz: &Normalizer, input: &str, format: Format, out: &mut impl Write) -> io::Result<()> {
    let r: Resolution = nz.resolve(input);
    let (canonical, id, kind) = match (&r.entity, r.how) {
        (Some(e), _) => (e.canonical.clone(), e.id.clone(), e.kind.to_string()),
        (None, normalize::Outcome::Ambiguous) => {
            let ids: Vec<&str> = r.candidates.iter().map(|c| c.id.as_str()).collect();
            (String::new(), ids.join("|"), String::new())
        }
        _ => (String::new(), String::new(), String::new()),
    };
    match format {
        Format::Tsv => writeln!(
            out,
            "{}\t{}\t{}\t{}\t{}\t{:.2}",
            clean(input),
            clean(&canonical),
            clean(&id),
            kind,
            r.how,
            r.score
        ),
        Format::Json => {
            let v = serde_json::json!({
                "input": input,
                "canonical": canonical,
                "id": id,
                "type": kind,
                "match": r.how.as_str(),
                "score": (r.score * 100.0).round() / 100.0,
                "candidates": r.candidates,
            });
            writeln!(out, "{v}")
        }
    }
}

pub fn run(args: &LookupArgs, tables: &TableArgs) -> Result<u8> {
    let nz = tables.normalizer()?;
    let stdout = io::stdout();
    let mut out = BufWriter::new(stdout.lock());
    if let Format::Tsv = args.format {
        writeln!(out, "input\tcanonical\tid\ttype\tmatch\tscore")?;
    }
    if args.names.is_empty() {
        let stdin = io::stdin();
        for line in stdin.lock().split(b'\n') {
            let line = line?;
            let line = String::from_utf8_lossy(&line);
            let line = line.strip_suffix('\r').unwrap_or(&line);
            row(&nz, line, args.format, &mut out)?;
        }
    } else {
        for n in &args.names {
            row(&nz, n, args.format, &mut out)?;
        }
    }
    out.flush()?;
    Ok(0)
}
