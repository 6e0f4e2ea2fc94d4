//! `normalize tables`: list the loaded tables; `normalize tables check FILE...`: validate.

use std::path::PathBuf;

use anyhow::Result;
use clap::{Args, Subcommand};
use normalize::load::{load_table, DEFAULT_STATS};

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
}

pub fn run(args: &TablesArgs, tables: &TableArgs) -> Result<u8> {
    match &args.action {
        Some(Action::Check { files }) => check(files),
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
        let (_, s) = load_table(t)?;
        println!("{}\t{}\t{}\t{}", t.display(), s.entities, s.rows, s.aliases);
    }
    let _ = DEFAULT_STATS;
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
