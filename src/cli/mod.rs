//! Command-line definition and dispatch.

mod check;
mod csv;
mod filter;
mod lookup;
mod lsp;
mod tables;

use std::path::{Path, PathBuf};

use anyhow::{Context as _, Result};
use clap::{Args, Parser, Subcommand};
use normalize::config::Config;
use normalize::{Normalizer, Options};

const ABOUT: &str = "Normalise names of countries, cities, people and organisations.

With no command, reads the FILEs (or standard input) and writes the text with variant names
rewritten to their canonical form: misspellings (Kazakhastan), other romanisations (Qasim Jomart
Tokayev, Toqaev), variant aliases. Correct names, ambiguous names, former names (Alma-Ata) and
names in other languages (Kasachstan) are left alone unless asked.";

const AFTER: &str = "Examples:
  echo \"Talks in Kazakhastan\" | normalize
  normalize --diff draft.txt
  normalize --lang de article.txt          # write names in German, translating foreign forms
  normalize lookup \"Kasym-Zhomart Tokaev\" Токаев Alma-Ata
  normalize --table my-names.tsv tables
  normalize tables check my-names.tsv
  normalize check drafts/                  # diagnostics; --write applies the safe fixes

Exit status: 0 on success, 1 when `check` found something, 2 on an error (bad table, unreadable file).";

#[derive(Parser, Debug)]
#[command(name = "normalize", version, about = ABOUT, after_help = AFTER)]
pub struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
    #[command(flatten)]
    filter: filter::FilterArgs,
    #[command(flatten)]
    tables: TableArgs,
}

/// Options shared by every command: which tables, which output language.
#[derive(Args, Debug, Clone)]
pub struct TableArgs {
    /// Add a user alias table (TSV; repeatable). See data/README.md for the format.
    #[arg(long = "table", value_name = "FILE", global = true)]
    pub tables: Vec<PathBuf>,
    /// Use only the --table files, not the embedded default tables.
    #[arg(long, global = true)]
    pub no_default_tables: bool,
    /// Language of the canonical names written out (e.g. en, de, fr). Naming it also rewrites
    /// names written in other languages or scripts in running text.
    #[arg(long, value_name = "CODE", global = true)]
    pub lang: Option<String>,
    /// Also rewrite former names (Alma-Ata, Bombay) in running text.
    #[arg(long, global = true)]
    pub former: bool,
    /// Only match entities of this type (country, city, person, org, place, other).
    #[arg(long = "type", value_name = "TYPE", global = true)]
    pub only_type: Option<String>,
}

/// `--config FILE` and `--no-config`, for the commands that discover `.normalize.toml`.
#[derive(Args, Debug, Clone)]
pub struct ConfigArgs {
    /// Use this configuration file instead of discovering .normalize.toml.
    #[arg(long, value_name = "FILE", conflicts_with = "no_config")]
    pub config: Option<PathBuf>,
    /// Do not read any .normalize.toml.
    #[arg(long)]
    pub no_config: bool,
}

impl ConfigArgs {
    /// The configuration for an input: `--config FILE`, else the nearest `.normalize.toml`
    /// walking up from `path` (the current directory for standard input), else none.
    pub fn load(&self, path: Option<&Path>) -> Result<Option<Config>> {
        if self.no_config {
            return Ok(None);
        }
        if let Some(p) = &self.config {
            return Ok(Some(Config::load(p)?));
        }
        let file = match path {
            Some(p) => normalize::config::find_file(p),
            None => normalize::config::find_file(Path::new(".")),
        };
        Ok(match file {
            Some(f) => Some(Config::load(&f)?),
            None => None,
        })
    }
}

impl TableArgs {
    /// The command line's table options with a configuration's on top: its tables are added,
    /// `default_tables = false` drops the defaults, `lang` and `former` apply unless the
    /// command line sets them.
    pub fn with_config(&self, config: Option<&Config>) -> TableArgs {
        let mut t = self.clone();
        if let Some(c) = config {
            t.tables.extend(c.tables.iter().cloned());
            if c.default_tables == Some(false) {
                t.no_default_tables = true;
            }
            if t.lang.is_none() {
                t.lang.clone_from(&c.lang);
            }
            t.former |= c.former == Some(true);
        }
        t
    }

    pub fn normalizer(&self) -> Result<Normalizer> {
        self.normalizer_with(true)
    }

    /// A normalizer; `suggestions: false` skips work that can only find suggestions.
    pub fn normalizer_with(&self, suggestions: bool) -> Result<Normalizer> {
        let only_type = match &self.only_type {
            None => None,
            Some(t) => Some(normalize::table::type_code(t).with_context(|| {
                format!(
                    "unknown --type {t:?} (expected one of: {})",
                    normalize::table::TYPES.join(", ")
                )
            })?),
        };
        if let Some(l) = &self.lang {
            let ok = !l.is_empty()
                && l.split('-')
                    .all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_alphanumeric()));
            anyhow::ensure!(
                ok,
                "invalid --lang {l:?} (expected a language code such as en, de, fr, zh-Hant)"
            );
        }
        if self.no_default_tables && self.tables.is_empty() {
            anyhow::bail!("--no-default-tables needs at least one --table FILE");
        }
        let opts = Options {
            lang: self.lang.clone().unwrap_or_else(|| "en".into()),
            explicit_lang: self.lang.is_some(),
            former: self.former,
            only_type,
            suggestions,
        };
        let (nz, warnings) =
            Normalizer::load_with_warnings(!self.no_default_tables, &self.tables, opts)?;
        report_warnings(&warnings);
        Ok(nz)
    }
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Resolve names: one tab-separated row per name (or per line of standard input).
    Lookup(lookup::LookupArgs),
    /// Fix name columns of a CSV file: byte-exact elsewhere, with ids, reports and a review loop.
    Csv(csv::CsvArgs),
    /// Report variant and misspelt names in files, with line:column, evidence and fixes.
    Check(check::CheckArgs),
    /// List the loaded tables, check user tables (`tables check FILE...`), or fold reviewed CSV
    /// decisions into a table (`tables fold DECISIONS --into TABLE`).
    Tables(tables::TablesArgs),
    /// Language server on standard input and output (diagnostics, quick fixes, hover).
    Lsp(lsp::LspArgs),
}

pub fn run() -> Result<u8> {
    let cli = Cli::parse();
    match cli.command {
        None => filter::run(&cli.filter, &cli.tables),
        Some(Command::Lookup(a)) => lookup::run(&a, &cli.tables),
        Some(Command::Csv(a)) => csv::run(&a, &cli.tables),
        Some(Command::Check(a)) => check::run(&a, &cli.tables),
        Some(Command::Tables(a)) => tables::run(&a, &cli.tables),
        Some(Command::Lsp(a)) => lsp::run(&a, &cli.tables),
    }
}

/// Prints what loading the tables recovered from, one line each, on standard error.
pub fn report_warnings(warnings: &[normalize::load::CacheWarning]) {
    for w in warnings {
        eprintln!("normalize: {w}");
    }
}

/// True when the error is a closed output pipe (`normalize | head`): exit quietly.
pub fn is_broken_pipe(e: &anyhow::Error) -> bool {
    e.chain().any(|c| {
        c.downcast_ref::<std::io::Error>()
            .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
    })
}
