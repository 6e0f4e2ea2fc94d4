//! Alias tables: the row model and the TSV loader with file:line validation.
//!
//! Two formats share one loader (see `data/README.md`):
//! - the full format, header `id  type  name  aliases  lang  flags` (last three optional): one
//!   row per name form of an entity;
//! - the simple format, header `alias  canonical`: "this spelling becomes that one"; the
//!   canonical also serves as the id. An empty canonical marks the alias as never to be rewritten.
//!
//! Also compiled into `build.rs`, which loads the default tables with it.

use std::fmt;

/// Row flags (bit set).
pub mod flag {
    pub const ALT: u32 = 1;
    pub const FORMER: u32 = 2;
    pub const WEAK: u32 = 4;
    pub const NOFUZZY: u32 = 8;
    pub const AMBIGUOUS: u32 = 16;
    pub const NEVER: u32 = 32;
    pub const NAMES: [(&str, u32); 6] = [
        ("alt", ALT),
        ("former", FORMER),
        ("weak", WEAK),
        ("nofuzzy", NOFUZZY),
        ("ambiguous", AMBIGUOUS),
        ("never", NEVER),
    ];
}

/// Entity types, stored as one byte (the index of the name here).
pub const TYPES: [&str; 6] = ["country", "city", "person", "org", "place", "other"];

/// The byte code of a type name.
pub fn type_code(name: &str) -> Option<u8> {
    TYPES.iter().position(|t| *t == name).map(|i| i as u8)
}

/// One name form of an entity.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Row {
    pub id: String,
    pub kind: u8,
    pub name: String,
    pub aliases: Vec<String>,
    /// Comma-separated language codes; empty for language-neutral names.
    pub lang: String,
    pub flags: u32,
    pub line: usize,
}

/// A problem in a table, with its place.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub struct TableError {
    pub path: String,
    pub line: usize,
    pub reason: String,
}

impl fmt::Display for TableError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.line == 0 {
            write!(f, "{}: {}", self.path, self.reason)
        } else {
            write!(f, "{}:{}: {}", self.path, self.line, self.reason)
        }
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Format {
    Full,
    Simple,
}

fn valid_lang(code: &str) -> bool {
    let mut parts = code.split('-');
    let first = parts.next().unwrap_or("");
    let first_ok = (2..=3).contains(&first.len()) && first.bytes().all(|b| b.is_ascii_alphabetic());
    first_ok
        && parts.all(|p| (2..=8).contains(&p.len()) && p.bytes().all(|b| b.is_ascii_alphanumeric()))
}

fn check_text(s: &str, what: &str) -> Result<(), String> {
    if s.chars().any(|c| c.is_control()) {
        return Err(format!("{what} {s:?} contains a control character"));
    }
    if s.trim() != s {
        return Err(format!("{what} {s:?} has leading or trailing spaces"));
    }
    Ok(())
}

fn parse_full(cols: &[&str], line: usize) -> Result<Row, String> {
    if cols.len() < 3 {
        return Err(format!(
            "expected at least 3 tab-separated columns (id, type, name), found {}",
            cols.len()
        ));
    }
    if cols.len() > 6 {
        return Err(format!(
            "expected at most 6 tab-separated columns (id, type, name, aliases, lang, flags), found {}",
            cols.len()
        ));
    }
    let id = cols[0];
    if id.is_empty() {
        return Err("empty id".into());
    }
    check_text(id, "id")?;
    let kind = type_code(cols[1]).ok_or_else(|| {
        format!(
            "unknown type {:?} (expected one of: {})",
            cols[1],
            TYPES.join(", ")
        )
    })?;
    let name = cols[2];
    check_text(name, "name")?;
    let mut aliases = Vec::new();
    if let Some(a) = cols.get(3).filter(|a| !a.is_empty()) {
        for alias in a.split('|') {
            if alias.is_empty() {
                return Err("empty alias (two `|` in a row, or `|` at an end)".into());
            }
            check_text(alias, "alias")?;
            aliases.push(alias.to_string());
        }
    }
    if name.is_empty() && aliases.is_empty() {
        return Err("row has neither a name nor aliases".into());
    }
    let lang = cols.get(4).copied().unwrap_or("");
    if !lang.is_empty() {
        for code in lang.split(',') {
            if !valid_lang(code) {
                return Err(format!(
                    "invalid language code {code:?} (expected BCP 47, e.g. en, de, zh-Hant)"
                ));
            }
        }
    }
    let mut flags = 0;
    if let Some(f) = cols.get(5).filter(|f| !f.is_empty()) {
        for word in f.split(',') {
            let word = word.trim();
            let bit = flag::NAMES
                .iter()
                .find(|(n, _)| *n == word)
                .map(|(_, b)| *b)
                .ok_or_else(|| {
                    let known: Vec<&str> = flag::NAMES.iter().map(|(n, _)| *n).collect();
                    format!("unknown flag {word:?} (expected: {})", known.join(", "))
                })?;
            flags |= bit;
        }
    }
    Ok(Row {
        id: id.to_string(),
        kind,
        name: name.to_string(),
        aliases,
        lang: lang.to_string(),
        flags,
        line,
    })
}

fn parse_simple(cols: &[&str], line: usize) -> Result<Row, String> {
    if cols.len() != 2 {
        return Err(format!(
            "expected 2 tab-separated columns (alias, canonical), found {}",
            cols.len()
        ));
    }
    let (alias, canonical) = (cols[0], cols[1]);
    if alias.is_empty() {
        return Err("empty alias".into());
    }
    check_text(alias, "alias")?;
    check_text(canonical, "canonical")?;
    let other = type_code("other").unwrap();
    if canonical.is_empty() {
        return Ok(Row {
            id: alias.to_string(),
            kind: other,
            name: alias.to_string(),
            aliases: Vec::new(),
            lang: String::new(),
            flags: flag::NEVER,
            line,
        });
    }
    Ok(Row {
        id: canonical.to_string(),
        kind: other,
        name: canonical.to_string(),
        aliases: if alias == canonical {
            Vec::new()
        } else {
            vec![alias.to_string()]
        },
        lang: String::new(),
        flags: 0,
        line,
    })
}

/// Parses a table, collecting every problem (for `normalize tables check`).
pub fn parse_all(path: &str, text: &str) -> (Vec<Row>, Vec<TableError>) {
    let mut rows = Vec::new();
    let mut errors = Vec::new();
    let err = |line: usize, reason: String| TableError {
        path: path.to_string(),
        line,
        reason,
    };
    let text = text.strip_prefix('\u{FEFF}').unwrap_or(text);
    let mut format = None;
    for (i, raw) in text.split('\n').enumerate() {
        let line = i + 1;
        let raw = raw.strip_suffix('\r').unwrap_or(raw);
        if raw.is_empty() || raw.starts_with('#') {
            continue;
        }
        let cols: Vec<&str> = raw.split('\t').collect();
        let Some(fmt) = format else {
            let header: Vec<&str> = cols.iter().map(|c| c.trim()).collect();
            if header.len() >= 3 && header[..3] == ["id", "type", "name"] {
                let expected = ["id", "type", "name", "aliases", "lang", "flags"];
                if header.len() > 6 || header != expected[..header.len()] {
                    errors.push(err(
                        line,
                        format!(
                            "header must be `{}` (trailing columns optional)",
                            expected.join("\\t")
                        ),
                    ));
                    return (rows, errors);
                }
                format = Some(Format::Full);
            } else if header == ["alias", "canonical"] {
                format = Some(Format::Simple);
            } else {
                errors.push(err(
                    line,
                    "missing header: expected `id\\ttype\\tname\\taliases\\tlang\\tflags` or `alias\\tcanonical`".into(),
                ));
                return (rows, errors);
            }
            continue;
        };
        let parsed = match fmt {
            Format::Full => parse_full(&cols, line),
            Format::Simple => parse_simple(&cols, line),
        };
        match parsed {
            Ok(row) => rows.push(row),
            Err(reason) => errors.push(err(line, reason)),
        }
    }
    if format.is_none() {
        errors.push(err(0, "empty table: no header row".into()));
    }
    (rows, errors)
}

/// Parses a table, failing on the first problem.
pub fn parse(path: &str, text: &str) -> Result<Vec<Row>, TableError> {
    let (rows, mut errors) = parse_all(path, text);
    if errors.is_empty() {
        Ok(rows)
    } else {
        Err(errors.swap_remove(0))
    }
}

/// Folds `rows` (a full-format table with its header, as `Decisions::to_table` writes it) into
/// the table text `existing` (full or simple format; `None`: a new table). Rows whose alias
/// (or, for protected names, whose name) the table already holds are left out. Returns the new
/// table text and the number of rows added; fails when `existing` is not a valid table.
pub fn fold_rows(
    path: &str,
    existing: Option<&str>,
    rows: &str,
) -> Result<(String, usize), TableError> {
    let new_rows = parse(path, rows)?;
    let Some(existing) = existing.filter(|t| {
        t.lines()
            .any(|l| !l.trim().is_empty() && !l.starts_with('#'))
    }) else {
        return Ok((rows.to_string(), new_rows.len()));
    };
    let old = parse(path, existing)?;
    let header = existing
        .trim_start_matches('\u{FEFF}')
        .lines()
        .find(|l| !l.is_empty() && !l.starts_with('#'))
        .unwrap_or("");
    let simple = header.trim() == "alias\tcanonical";
    let known: std::collections::HashSet<&str> = old
        .iter()
        .flat_map(|r| std::iter::once(r.name.as_str()).chain(r.aliases.iter().map(String::as_str)))
        .collect();
    let mut out = existing.to_string();
    if !out.is_empty() && !out.ends_with('\n') {
        out.push('\n');
    }
    let mut added = 0;
    for r in &new_rows {
        let protect = r.flags & flag::NEVER != 0;
        let value = if protect {
            r.name.as_str()
        } else {
            r.aliases.first().map_or(r.name.as_str(), String::as_str)
        };
        if known.contains(value) && (protect || value != r.name) {
            continue;
        }
        if simple {
            let canonical = if protect { "" } else { r.name.as_str() };
            out.push_str(&format!("{value}\t{canonical}\n"));
        } else {
            let kind = TYPES[r.kind as usize];
            let flags = if protect { "never" } else { "" };
            let aliases = r.aliases.join("|");
            out.push_str(&format!(
                "{}\t{kind}\t{}\t{aliases}\t{}\t{flags}\n",
                r.id, r.name, r.lang
            ));
        }
        added += 1;
    }
    Ok((out, added))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn full_and_simple_formats() {
        let t = "id\ttype\tname\taliases\tlang\tflags\nKZ\tcountry\tKazakhstan\tKazakstan|Qazaqstan\ten\n";
        let rows = parse("t.tsv", t).unwrap();
        assert_eq!(rows[0].aliases, vec!["Kazakstan", "Qazaqstan"]);
        let s = "alias\tcanonical\nKazakstan\tKazakhstan\nBorel\t\n";
        let rows = parse("s.tsv", s).unwrap();
        assert_eq!(rows[0].id, "Kazakhstan");
        assert_eq!(rows[1].flags, flag::NEVER);
    }

    #[test]
    fn errors_name_file_and_line() {
        let t = "id\ttype\tname\nKZ\tcountree\tKazakhstan\n";
        let e = parse("t.tsv", t).unwrap_err();
        assert_eq!(e.to_string(), "t.tsv:2: unknown type \"countree\" (expected one of: country, city, person, org, place, other)");
        let (_, errs) = parse_all("t.tsv", "id\ttype\tname\taliases\tlang\tflags\nA\tcity\t\t\nB\tcity\tX\ta||b\nC\tcity\tY\t\txx_1\n");
        let lines: Vec<usize> = errs.iter().map(|e| e.line).collect();
        assert_eq!(lines, vec![2, 3, 4]);
    }
}
