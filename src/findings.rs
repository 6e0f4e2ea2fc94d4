//! The findings of one document as `normalize check` and the language server report them:
//! prose-aware matching over the whole text, then the filters of the configuration and of the
//! text itself (minimum severity, `ignore` words, inline directives), after the path filters
//! (`exclude`, and the table files in use, which are full of variants by design).

use std::path::{Path, PathBuf};

use crate::config::{Config, Severity};
use crate::engine::{Match, Normalizer};
use crate::prose::{self, Syntax};
use crate::scanner::Scanner;

/// What to check a document with.
#[derive(Debug, Clone, Copy)]
pub struct Rules<'a> {
    /// The document's path, for `exclude` and the table files (None: standard input or an
    /// unsaved editor buffer).
    pub path: Option<&'a Path>,
    pub syntax: Syntax,
    /// The configuration that applies.
    pub config: Option<&'a Config>,
    /// The least certain finding reported.
    pub min: Severity,
    /// The table files the normalizer loaded (the command line's and the configuration's).
    pub tables: &'a [PathBuf],
}

/// True when a document at `path` is not checked at all: excluded by the configuration, or
/// one of the table files in use (compared as canonical paths).
pub fn skips(rules: &Rules<'_>) -> bool {
    let Some(p) = rules.path else {
        return false;
    };
    if rules.config.is_some_and(|c| c.excludes(p)) {
        return true;
    }
    if rules.tables.is_empty() {
        return false;
    }
    let Ok(canon) = std::fs::canonicalize(p) else {
        return false;
    };
    rules
        .tables
        .iter()
        .any(|t| std::fs::canonicalize(t).is_ok_and(|t| t == canon))
}

/// The findings in `text` (the whole document; invalid UTF-8 allowed), in order; `None` when
/// the document is not checked (see [`skips`]).
pub fn find(
    nz: &Normalizer,
    sc: &mut Scanner,
    text: &[u8],
    rules: &Rules<'_>,
) -> Option<Vec<Match>> {
    if skips(rules) {
        return None;
    }
    let mut ms = prose::find_bytes(nz, sc, text, rules.syntax);
    let suppressed = crate::directives::suppressed(text);
    let (mut line, mut at) = (0, 0);
    ms.retain(|m| {
        if !rules.min.admits(m.fix) {
            return false;
        }
        if rules
            .config
            .is_some_and(|c| c.ignores(&String::from_utf8_lossy(&text[m.start..m.end])))
        {
            return false;
        }
        if !suppressed.is_empty() {
            if m.start >= at {
                line += memchr::memchr_iter(b'\n', &text[at..m.start]).count();
            } else {
                line = memchr::memchr_iter(b'\n', &text[..m.start]).count();
            }
            at = m.start;
            if suppressed.line(line) {
                return false;
            }
        }
        true
    });
    Some(ms)
}
