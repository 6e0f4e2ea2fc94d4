//! `.normalize.toml`: the project configuration, discovered by walking up from a checked path
//! (like `.typos.toml` or `.vale.ini`), so that the command line, editors and CI see the same
//! tables and settings.
//!
//! ```toml
//! tables = ["names/ours.tsv"]         # user tables, relative to this file
//! default_tables = true               # false: only `tables`
//! ignore = ["Borat", "Kazakh SSR"]    # words and names never flagged
//! exclude = ["vendor/**", "*.min.md"] # paths never checked, relative to this file
//! min_severity = "suggested"          # safe | suggested | ambiguous | info
//! lang = "en"                         # language of the canonical names
//! former = false                      # also rewrite former names
//! ```

use std::fs;
use std::path::{Component, Path, PathBuf};

use globset::{GlobBuilder, GlobSet, GlobSetBuilder};
use serde::Deserialize;

use crate::engine::Fix;

/// The configuration file's name.
pub const FILE_NAME: &str = ".normalize.toml";

/// How certain a finding must be to be reported, from least to most certain.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// Everything, former names included (correct in their context).
    Info,
    /// Also names with several candidate entities.
    Ambiguous,
    /// Also weaker evidence (suggested fixes).
    Suggested,
    /// Only safe fixes.
    Safe,
}

impl Severity {
    /// The severity of a fix class.
    pub fn of(fix: Fix) -> Severity {
        match fix {
            Fix::Safe => Severity::Safe,
            Fix::Suggested => Severity::Suggested,
            Fix::Ambiguous => Severity::Ambiguous,
            Fix::Info => Severity::Info,
        }
    }

    /// True when a finding with `fix` is reported at this minimum severity.
    pub fn admits(self, fix: Fix) -> bool {
        Severity::of(fix) >= self
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Ambiguous => "ambiguous",
            Severity::Suggested => "suggested",
            Severity::Safe => "safe",
        }
    }

    /// Parses `safe`, `suggested`, `ambiguous` or `info`.
    pub fn parse(s: &str) -> Option<Severity> {
        Some(match s {
            "info" => Severity::Info,
            "ambiguous" => Severity::Ambiguous,
            "suggested" => Severity::Suggested,
            "safe" => Severity::Safe,
            _ => return None,
        })
    }
}

/// Problems reading a configuration file.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("{path}: {err}")]
    Io { path: String, err: std::io::Error },
    #[error("{path}: {msg}")]
    Parse { path: String, msg: String },
    #[error("{path}: bad exclude pattern {pattern:?}: {msg}")]
    Glob {
        path: String,
        pattern: String,
        msg: String,
    },
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct Raw {
    #[serde(default)]
    tables: Vec<PathBuf>,
    default_tables: Option<bool>,
    #[serde(default)]
    ignore: Vec<String>,
    #[serde(default)]
    exclude: Vec<String>,
    min_severity: Option<Severity>,
    lang: Option<String>,
    former: Option<bool>,
}

/// A loaded configuration.
#[derive(Debug, Clone, Default)]
pub struct Config {
    /// The configuration file (absolute when discovered).
    pub path: PathBuf,
    /// User tables, resolved against the configuration file's directory.
    pub tables: Vec<PathBuf>,
    /// `Some(false)`: do not load the embedded default tables.
    pub default_tables: Option<bool>,
    /// Words and names never flagged.
    pub ignore: Vec<String>,
    ignore_keys: Vec<String>,
    /// Exclude patterns as written.
    pub exclude: Vec<String>,
    exclude_set: GlobSet,
    /// Exclude patterns without a `/`: matched against every path component.
    exclude_names: GlobSet,
    pub min_severity: Option<Severity>,
    pub lang: Option<String>,
    pub former: Option<bool>,
}

impl Config {
    /// The directory the configuration's relative paths are resolved against.
    pub fn dir(&self) -> &Path {
        self.path.parent().unwrap_or(Path::new("."))
    }

    /// Parses configuration `text` found at `path`.
    pub fn parse(path: &Path, text: &str) -> Result<Config, ConfigError> {
        let label = path.display().to_string();
        let raw: Raw = toml::from_str(text).map_err(|e| ConfigError::Parse {
            path: label.clone(),
            msg: crate::report::one_line(&e.to_string()),
        })?;
        let dir = path.parent().unwrap_or(Path::new("."));
        let mut set = GlobSetBuilder::new();
        let mut names = GlobSetBuilder::new();
        for p in &raw.exclude {
            let trimmed = p.trim_start_matches("./").trim_end_matches('/');
            let glob = GlobBuilder::new(trimmed)
                .literal_separator(true)
                .build()
                .map_err(|e| ConfigError::Glob {
                    path: label.clone(),
                    pattern: p.clone(),
                    msg: e.kind().to_string(),
                })?;
            if trimmed.contains('/') {
                set.add(glob);
            } else {
                names.add(glob);
            }
        }
        let build = |b: GlobSetBuilder| {
            b.build().map_err(|e| ConfigError::Glob {
                path: label.clone(),
                pattern: String::new(),
                msg: e.to_string(),
            })
        };
        if let Some(l) = &raw.lang {
            let ok = !l.is_empty()
                && l.split('-')
                    .all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_alphanumeric()));
            if !ok {
                return Err(ConfigError::Parse {
                    path: label,
                    msg: format!("invalid lang {l:?} (expected a language code such as en, de)"),
                });
            }
        }
        Ok(Config {
            path: path.to_path_buf(),
            tables: raw.tables.iter().map(|t| dir.join(t)).collect(),
            default_tables: raw.default_tables,
            ignore_keys: raw
                .ignore
                .iter()
                .map(|w| crate::tokens::name_key(w))
                .collect(),
            ignore: raw.ignore,
            exclude: raw.exclude,
            exclude_set: build(set)?,
            exclude_names: build(names)?,
            min_severity: raw.min_severity,
            lang: raw.lang,
            former: raw.former,
        })
    }

    /// Reads the configuration file at `path`.
    pub fn load(path: &Path) -> Result<Config, ConfigError> {
        let text = fs::read_to_string(path).map_err(|err| ConfigError::Io {
            path: path.display().to_string(),
            err,
        })?;
        Config::parse(path, &text)
    }

    /// The nearest `.normalize.toml` in the directory of `path` (or `path` itself when it is a
    /// directory) and its ancestors, loaded; `None` when there is none.
    pub fn discover(path: &Path) -> Result<Option<Config>, ConfigError> {
        match find_file(path) {
            Some(p) => Config::load(&p).map(Some),
            None => Ok(None),
        }
    }

    /// True when `found` (the text of a finding) is one of the words never to flag (compared
    /// after folding case, diacritics and punctuation).
    pub fn ignores(&self, found: &str) -> bool {
        if self.ignore_keys.is_empty() {
            return false;
        }
        let key = crate::tokens::name_key(found);
        self.ignore_keys.contains(&key)
    }

    /// True when `path` is excluded: its path relative to the configuration's directory
    /// matches a pattern with a `/`, or one of its components matches a pattern without one.
    /// Paths outside the configuration's directory are never excluded.
    pub fn excludes(&self, path: &Path) -> bool {
        if self.exclude.is_empty() {
            return false;
        }
        let abs = absolute(path);
        let Ok(rel) = abs.strip_prefix(absolute(self.dir())) else {
            return false;
        };
        if self.exclude_set.is_match(rel) {
            return true;
        }
        // A directory pattern excludes everything below it.
        let mut prefix = PathBuf::new();
        for c in rel.components() {
            prefix.push(c);
            if self.exclude_names.is_match(Path::new(c.as_os_str())) {
                return true;
            }
            if prefix.as_path() != rel && self.exclude_set.is_match(&prefix) {
                return true;
            }
        }
        false
    }
}

/// `path` made absolute (against the working directory) and lexically cleaned, without
/// resolving symbolic links.
pub fn absolute(path: &Path) -> PathBuf {
    let joined = if path.is_absolute() {
        path.to_path_buf()
    } else {
        std::env::current_dir()
            .unwrap_or_else(|_| PathBuf::from("/"))
            .join(path)
    };
    let mut out = PathBuf::new();
    for c in joined.components() {
        match c {
            Component::CurDir => {}
            Component::ParentDir => {
                out.pop();
            }
            other => out.push(other),
        }
    }
    out
}

/// The path of the nearest configuration file for `path`.
pub fn find_file(path: &Path) -> Option<PathBuf> {
    let abs = absolute(path);
    let start = if abs.is_dir() {
        abs.as_path()
    } else {
        abs.parent()?
    };
    start
        .ancestors()
        .map(|d| d.join(FILE_NAME))
        .find(|p| p.is_file())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_resolves() {
        let c = Config::parse(
            Path::new("/p/.normalize.toml"),
            "tables = [\"t/a.tsv\"]\nignore = [\"Borat\"]\nexclude = [\"vendor\", \"docs/*.md\"]\nmin_severity = \"safe\"\n",
        )
        .unwrap();
        assert_eq!(c.tables, vec![PathBuf::from("/p/t/a.tsv")]);
        assert!(c.ignores("BORAT"));
        assert!(!c.ignores("Bora"));
        assert!(c.excludes(Path::new("/p/vendor/x/y.md")));
        assert!(c.excludes(Path::new("/p/docs/a.md")));
        assert!(!c.excludes(Path::new("/p/docs/sub/a.md")));
        assert!(!c.excludes(Path::new("/q/vendor/a.md")));
        assert_eq!(c.min_severity, Some(Severity::Safe));
    }

    #[test]
    fn rejects_unknown_keys() {
        let e = Config::parse(Path::new("c.toml"), "tabels = []").unwrap_err();
        assert!(e.to_string().starts_with("c.toml: "), "{e}");
    }

    #[test]
    fn severity_order() {
        assert!(Severity::Suggested.admits(Fix::Safe));
        assert!(!Severity::Safe.admits(Fix::Suggested));
        assert!(!Severity::Ambiguous.admits(Fix::Info));
        assert!(Severity::Info.admits(Fix::Info));
    }
}
