//! `normalize tables`: list the loaded tables; `tables check FILE...`: validate user tables;
//! `tables fold DECISIONS --into TABLE`: fold reviewed CSV decisions into a user table.

use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use clap::{Args, Subcommand};
use normalize::load::load_table;

use super::TableArgs;

#[derive(Args, Debug)]
pub struct TablesArgs {
    #[command(subcommand)]
    action: Option<Action>,
}

#[derive(Subcommand, Debug)]
enum Action {
    /// Validate user tables: report every problem as FILE:LINE: reason (exit 1 if any).
    Check {
        #[arg(value_name = "FILE", required = true)]
        files: Vec<PathBuf>,
    },
    /// Fold the decisions of a `normalize csv --propose` review into a user table: accepted
    /// values become aliases of their canonical, rejected ones are protected (`never`). The
    /// table is created when missing and rewritten atomically; values it already has are kept.
    Fold {
        /// The edited review file (`normalize csv --propose`).
        #[arg(value_name = "DECISIONS")]
        decisions: PathBuf,
        /// The user table to fold them into (simple or full format).
        #[arg(long, value_name = "TABLE")]
        into: PathBuf,
    },
}

pub fn run(args: &TablesArgs, tables: &TableArgs) -> Result<u8> {
    match &args.action {
        Some(Action::Check { files }) => check(files),
        Some(Action::Fold { decisions, into }) => fold(decisions, into, tables),
        None => list(tables),
    }
}

fn list(tables: &TableArgs) -> Result<u8> {
    println!("table\tentities\trows\taliases");
    if !tables.no_default_tables {
        let ix = normalize::load::default_index();
        println!(
            "(embedded defaults)\t{}\t{}\t{}",
            ix.entity_count(),
            ix.row_count(),
            ix.alias_count()
        );
    }
    for t in &tables.tables {
        let loaded = load_table(t)?;
        super::report_warnings(&loaded.warnings);
        let s = loaded.stats;
        println!("{}\t{}\t{}\t{}", t.display(), s.entities, s.rows, s.aliases);
    }
    Ok(0)
}

fn check(files: &[PathBuf]) -> Result<u8> {
    let mut problems = 0;
    for f in files {
        let label = f.display().to_string();
        let bytes = match std::fs::read(f) {
            Ok(b) => b,
            Err(e) => {
                eprintln!("{label}: {e}");
                problems += 1;
                continue;
            }
        };
        let text = match std::str::from_utf8(&bytes) {
            Ok(t) => t,
            Err(e) => {
                let line = bytes[..e.valid_up_to()]
                    .iter()
                    .filter(|&&b| b == b'\n')
                    .count()
                    + 1;
                eprintln!("{label}:{line}: not UTF-8 text");
                problems += 1;
                continue;
            }
        };
        let (rows, errors) = normalize::table::parse_all(&label, text);
        for e in &errors {
            eprintln!("{e}");
        }
        problems += errors.len();
        if errors.is_empty() {
            let mut ids: Vec<&str> = rows.iter().map(|r| r.id.as_str()).collect();
            ids.sort_unstable();
            ids.dedup();
            eprintln!("{label}: ok ({} rows, {} entities)", rows.len(), ids.len());
        }
    }
    Ok(if problems > 0 { 1 } else { 0 })
}

fn fold(decisions: &Path, into: &Path, tables: &TableArgs) -> Result<u8> {
    let nz = tables.normalizer()?;
    let text = std::fs::read_to_string(decisions)
        .with_context(|| format!("{}: cannot read", decisions.display()))?;
    let d = normalize::csvfix::Decisions::parse(&nz, &decisions.display().to_string(), &text)
        .map_err(anyhow::Error::msg)?;
    let (rows, skipped) = d.to_table();
    let existing = match std::fs::read_to_string(into) {
        Ok(t) => Some(t),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
        Err(e) => return Err(e).with_context(|| format!("{}: cannot read", into.display())),
    };
    let label = into.display().to_string();
    let (out, added) = normalize::table::fold_rows(&label, existing.as_deref(), &rows)
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    if added > 0 {
        normalize::load::write_atomic(into, out.as_bytes())
            .with_context(|| format!("{}: cannot write", into.display()))?;
    }
    eprintln!(
        "normalize: {added} decisions folded into {}{}",
        into.display(),
        if skipped > 0 {
            format!(" ({skipped} values a table cannot hold skipped)")
        } else {
            String::new()
        }
    );
    Ok(0)
}
