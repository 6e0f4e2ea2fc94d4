//! `normalize`: maps variant spellings of names of countries, cities, people and organisations
//! to canonical names, in running text and in single values.
//!
//! The library never prints. Build a [`Normalizer`] from the embedded default tables and/or
//! user tables, then [`Normalizer::find`] matches in text, [`Normalizer::resolve`] single names,
//! and [`apply`] rewrites text with the matches whose fix is to be applied.

pub mod config;
pub mod country_styles;
pub mod csvfix;
pub mod designators;
pub mod dict;
pub mod directives;
pub mod engine;
pub mod entity;
pub mod evidence;
pub mod findings;
pub mod fold;
pub mod index;
mod initials;
pub mod jsonrpc;
pub mod lexicon;
pub mod load;
pub mod lsp;
pub mod matcher;
pub mod memo;
pub mod position;
pub mod prose;
pub mod report;
pub mod scanner;
pub mod table;
pub mod tokens;
pub mod translit;

pub use engine::{
    Candidate, Context, Fix, Match, MatchKind, Normalizer, Note, Options, Outcome, Resolution,
};
pub use matcher::apply;
pub use scanner::Scanner;

use std::path::Path;

impl Normalizer {
    /// A normalizer over the embedded default tables (unless `defaults` is false) and the
    /// user tables at `tables`, in that order. Cache problems that were recovered from are
    /// dropped; [`Normalizer::load_with_warnings`] returns them.
    pub fn load(
        defaults: bool,
        tables: &[impl AsRef<Path>],
        opts: Options,
    ) -> Result<Normalizer, load::LoadError> {
        Ok(Normalizer::load_with_warnings(defaults, tables, opts)?.0)
    }

    /// [`Normalizer::load`], with the cache problems recovered from on the way (a damaged
    /// cached index, rebuilt), for the caller to report.
    pub fn load_with_warnings(
        defaults: bool,
        tables: &[impl AsRef<Path>],
        opts: Options,
    ) -> Result<(Normalizer, Vec<load::CacheWarning>), load::LoadError> {
        let mut indexes = Vec::new();
        let mut warnings = Vec::new();
        if defaults {
            indexes.push(load::default_index());
        }
        for t in tables {
            let l = load::load_table(t.as_ref())?;
            indexes.push(l.index);
            warnings.extend(l.warnings);
        }
        Ok((Normalizer::from_indexes(indexes, opts), warnings))
    }
}
pub mod stream;
