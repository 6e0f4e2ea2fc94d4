//! Diagnostics: findings of the matcher placed in a file (line, column, byte offsets),
//! explained in one sentence, and rendered as `human`, `short`, `json` or `sarif`.
//!
//! Positions: `line` and `column` are 1-based, columns count Unicode scalar values; the end
//! (`end_line`, `end_column`) is exclusive, the position just after the last character, as in
//! LSP and SARIF. Byte offsets are 0-based, `byte_end` exclusive.
//!
//! Renderers write to a `Write`; this module never prints.

use std::io::{self, Write};

use serde::Serialize;

use crate::engine::{Candidate, Fix, Match, MatchKind, Note};
use crate::position::Mapper;

/// Characters in `bytes` (Unicode scalar values; an invalid sequence counts as one).
fn chars(bytes: &[u8]) -> usize {
    match std::str::from_utf8(bytes) {
        Ok(s) => s.chars().count(),
        Err(_) => String::from_utf8_lossy(bytes).chars().count(),
    }
}

/// One finding in one file.
#[derive(Debug, Clone, Serialize)]
pub struct Diagnostic {
    pub path: String,
    pub line: usize,
    pub column: usize,
    pub end_line: usize,
    pub end_column: usize,
    pub byte_start: usize,
    pub byte_end: usize,
    /// The text found.
    pub found: String,
    /// The proposed text (the canonical name in the case style of the text); `None` when
    /// ambiguous.
    pub canonical: Option<String>,
    /// The entity id; `None` when ambiguous.
    pub id: Option<String>,
    /// The entity type; `None` when ambiguous.
    #[serde(rename = "type")]
    pub kind: Option<&'static str>,
    /// How it matched: `exact`, `folded`, `translit`, `fuzzy`, or `ambiguous` (as `lookup`).
    #[serde(rename = "match")]
    pub how: &'static str,
    /// 0..1, two decimals.
    pub score: f64,
    /// `safe`, `suggested`, `ambiguous` or `info`.
    pub fix: &'static str,
    pub candidates: Vec<Candidate>,
    /// One sentence for humans.
    pub reason: String,
    /// The rule: `misspelling`, `romanisation`, `variant`, `styling`, `former-name`,
    /// `other-language` or `ambiguous`.
    #[serde(skip)]
    pub rule: &'static str,
    #[serde(skip)]
    pub fix_class: Fix,
}

impl Diagnostic {
    /// The diagnostic for `m`, a match in `text` (the whole file), named `path`; `pos` is a
    /// [`Mapper::for_file`] over `text` (asked for increasing offsets, it reads the file once).
    pub fn new(path: &str, text: &[u8], pos: &mut Mapper<'_>, m: &Match) -> Diagnostic {
        let (line, column) = pos.position(m.start);
        let (end_line, end_column) = pos.position(m.end);
        let (line, column, end_line, end_column) =
            (line + 1, column + 1, end_line + 1, end_column + 1);
        let ambiguous = m.fix == Fix::Ambiguous;
        let first = m.candidates.first().filter(|_| !ambiguous);
        Diagnostic {
            path: path.to_string(),
            line,
            column,
            end_line,
            end_column,
            byte_start: m.start,
            byte_end: m.end,
            found: String::from_utf8_lossy(&text[m.start..m.end]).into_owned(),
            canonical: canonical(m),
            id: first.map(|c| c.id.clone()),
            kind: first.map(|c| c.kind.as_str()),
            how: how(m),
            score: (m.score as f64 * 100.0).round() / 100.0,
            fix: m.fix.as_str(),
            candidates: m.candidates.clone(),
            reason: reason(m),
            rule: rule(m),
            fix_class: m.fix,
        }
    }

    /// Places a diagnostic made on a part of a file (with [`Diagnostic::new`] over that part)
    /// in the whole file: the part starts at byte `offset`, 0-based `line` and `column`.
    pub fn shift(&mut self, offset: usize, line: usize, column: usize) {
        if self.line == 1 {
            self.column += column;
        }
        if self.end_line == 1 {
            self.end_column += column;
        }
        self.line += line;
        self.end_line += line;
        self.byte_start += offset;
        self.byte_end += offset;
    }

    /// `found -> canonical`, or `found -> one of A, B` when ambiguous, on one line.
    pub fn message(&self) -> String {
        message(&self.found, self.canonical.as_deref(), &self.candidates)
    }

    fn level(&self) -> &'static str {
        match self.fix_class {
            Fix::Safe | Fix::Suggested => "warning",
            Fix::Ambiguous | Fix::Info => "note",
        }
    }
}

/// The proposed text of a match: its replacement (or its entity's canonical name); `None`
/// when ambiguous.
pub fn canonical(m: &Match) -> Option<String> {
    if m.fix == Fix::Ambiguous {
        return None;
    }
    m.replacement
        .clone()
        .or_else(|| m.candidates.first().map(|c| c.canonical.clone()))
}

/// `found -> canonical`, or `found -> one of A, B` when there is no canonical (ambiguous), on
/// one line (see [`one_line`]).
pub fn message(found: &str, canonical: Option<&str>, candidates: &[Candidate]) -> String {
    let found = one_line(found);
    match canonical {
        Some(c) => format!("{found} -> {}", one_line(c)),
        None => {
            let mut names: Vec<&str> = Vec::new();
            for c in candidates {
                if !names.contains(&c.canonical.as_str()) {
                    names.push(&c.canonical);
                }
            }
            format!("{found} -> one of {}", names.join(", "))
        }
    }
}

/// A text that may hold line breaks (a name wrapped across lines, a multi-line error) shown
/// on one line: the lines trimmed and joined by a space, or joined directly after a hyphen
/// that ends a line (a word hyphenated across the break).
pub fn one_line(s: &str) -> String {
    if !s.contains(['\n', '\r']) {
        return s.to_string();
    }
    let mut out = String::with_capacity(s.len());
    for part in s
        .split(['\n', '\r'])
        .map(str::trim)
        .filter(|p| !p.is_empty())
    {
        if !out.is_empty() && !out.ends_with('-') {
            out.push(' ');
        }
        out.push_str(part);
    }
    out
}

/// How the match was made, in `lookup`'s words.
pub fn how(m: &Match) -> &'static str {
    if m.fix == Fix::Ambiguous {
        "ambiguous"
    } else {
        m.kind.as_str()
    }
}

/// The rule a match falls under (SARIF rule id, human header).
pub fn rule(m: &Match) -> &'static str {
    match m.note {
        Note::Misspelling => "misspelling",
        Note::Romanisation => "romanisation",
        Note::Variant => "variant",
        Note::Styling => "styling",
        Note::Former => "former-name",
        Note::OtherLanguage => "other-language",
        Note::Ambiguous => "ambiguous",
        Note::MixedScript => "mixed-script",
    }
}

/// All rules, with a description, for SARIF.
pub const RULES: &[(&str, &str)] = &[
    (
        "misspelling",
        "A misspelling of a name, within a small edit distance.",
    ),
    (
        "romanisation",
        "Another romanisation or transliteration of a name.",
    ),
    (
        "variant",
        "A variant spelling of a name listed in the tables.",
    ),
    (
        "styling",
        "A name that differs only in case, diacritics, dashes, quotes or spacing.",
    ),
    ("former-name", "A former or historical name."),
    (
        "mixed-script",
        "A name spelt with look-alike letters of another script (Cyrillic а in Kаzakhstan).",
    ),
    ("other-language", "The name in another language or script."),
    (
        "ambiguous",
        "A name that may refer to several entities; never fixed automatically.",
    ),
];

/// One human sentence explaining `m`: "misspelling of country KZ, edit distance 1",
/// "romanisation variant, person".
pub fn reason(m: &Match) -> String {
    let entity = m
        .candidates
        .first()
        .map(|c| format!("{} {}", c.kind, c.id))
        .unwrap_or_default();
    let distance = if m.kind == MatchKind::Fuzzy {
        format!(", edit distance {}", m.distance)
    } else {
        String::new()
    };
    match m.note {
        Note::Misspelling => format!("misspelling of {entity}{distance}"),
        Note::Romanisation => format!(
            "romanisation variant, {}",
            m.candidates.first().map_or("name", |c| c.kind.as_str())
        ),
        Note::Variant => format!("variant spelling of {entity}{distance}"),
        Note::Styling => format!("styling variant of {entity}{distance}"),
        Note::Former => format!("former name of {entity}{distance}"),
        Note::OtherLanguage => format!("name in another language of {entity}{distance}"),
        Note::MixedScript => format!("mixed scripts: look-alike letters spelling {entity}"),
        Note::Ambiguous => {
            let list: Vec<String> = m
                .candidates
                .iter()
                .map(|c| format!("{} {}", c.kind, c.id))
                .collect();
            let how = match m.kind {
                MatchKind::Fuzzy => format!("edit distance {}", m.distance),
                MatchKind::Translit => "romanisation".to_string(),
                _ => "alias".to_string(),
            };
            format!("ambiguous {how}: {}", list.join(" or "))
        }
    }
}

/// The output formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Human,
    Short,
    Json,
    Sarif,
}

/// `path:line:col: found -> canonical (reason)`.
pub fn write_short(out: &mut impl Write, d: &Diagnostic) -> io::Result<()> {
    writeln!(
        out,
        "{}:{}:{}: {} ({})",
        d.path,
        d.line,
        d.column,
        d.message(),
        d.reason
    )
}

/// One JSON object on one line.
pub fn write_json(out: &mut impl Write, d: &Diagnostic) -> io::Result<()> {
    serde_json::to_writer(&mut *out, d)?;
    out.write_all(b"\n")
}

/// ANSI styles of the human format.
struct Style {
    on: bool,
}

impl Style {
    fn paint(&self, code: &str, s: &str) -> String {
        if self.on {
            format!("\x1b[{code}m{s}\x1b[0m")
        } else {
            s.to_string()
        }
    }
}

const BOLD: &str = "1";
const BLUE: &str = "1;34";
const YELLOW: &str = "1;33";
const CYAN: &str = "1;36";
const GREEN: &str = "32";

/// An annotated source excerpt, like rustc or ruff:
///
/// ```text
/// warning[misspelling]: Kazakhastan -> Kazakhstan
///  --> drafts/kz.md:3:15
///   |
/// 3 | The talks in Kazakhastan ended.
///   |              ^^^^^^^^^^^ misspelling of country KZ, edit distance 1
///   |
///   = safe fix: Kazakhstan
/// ```
///
/// `text` is the whole file the diagnostic was made on; `color` adds ANSI colours.
pub fn write_human(
    out: &mut impl Write,
    d: &Diagnostic,
    text: &[u8],
    color: bool,
) -> io::Result<()> {
    write_human_at(out, d, text, 0, color)
}

/// [`write_human`] with `text` a part of the file that starts at byte `base` of it and holds
/// the whole of the finding's lines (a block of a file read in blocks cut at line ends).
pub fn write_human_at(
    out: &mut impl Write,
    d: &Diagnostic,
    text: &[u8],
    base: usize,
    color: bool,
) -> io::Result<()> {
    let (byte_start, byte_end) = (d.byte_start - base, d.byte_end - base);
    let st = Style { on: color };
    let level_color = if d.level() == "warning" { YELLOW } else { CYAN };
    writeln!(
        out,
        "{}{}",
        st.paint(level_color, &format!("{}[{}]", d.level(), d.rule)),
        st.paint(BOLD, &format!(": {}", d.message()))
    )?;
    let width = d.end_line.to_string().len();
    let pad = " ".repeat(width);
    writeln!(
        out,
        "{pad}{} {}:{}:{}",
        st.paint(BLUE, "-->"),
        d.path,
        d.line,
        d.column
    )?;
    let bar = st.paint(BLUE, "|");
    writeln!(out, "{pad} {bar}")?;
    let first = d.line - 1;
    let last = d.end_line - 1;
    let mut line_start =
        memchr::memrchr(b'\n', &text[..byte_start.min(text.len())]).map_or(0, |p| p + 1);
    for l in first..=last {
        if line_start > text.len() {
            break;
        }
        let r = line_range(text, line_start);
        line_start = match memchr::memchr(b'\n', &text[r.start..]) {
            Some(p) => r.start + p + 1,
            None => text.len() + 1,
        };
        let src = String::from_utf8_lossy(&text[r.clone()]);
        // Underline from the start (or the line start) to the end (or the line end).
        let from = if l == first { byte_start } else { r.start }.clamp(r.start, r.end);
        let to = if l == last { byte_end } else { r.end }.clamp(r.start, r.end);
        let num = format!("{:>width$}", l + 1);
        writeln!(out, "{} {bar} {}", st.paint(BLUE, &num), src)?;
        if to <= from {
            continue;
        }
        // Keep tabs so that the carets line up under the text.
        let lead: String = String::from_utf8_lossy(&text[r.start..from])
            .chars()
            .map(|c| if c == '\t' { '\t' } else { ' ' })
            .collect();
        let carets = "^".repeat(chars(&text[from..to]).max(1));
        let label = if l == last {
            format!(" {}", d.reason)
        } else {
            String::new()
        };
        writeln!(
            out,
            "{pad} {bar} {lead}{}",
            st.paint(level_color, &format!("{carets}{label}"))
        )?;
    }
    writeln!(out, "{pad} {bar}")?;
    let canonical = d.canonical.as_deref().map(one_line);
    let help = match (d.fix_class, &canonical) {
        (Fix::Safe, Some(c)) => format!("safe fix: {c}"),
        (Fix::Suggested, Some(c)) => format!("suggested fix (--unsafe-fixes): {c}"),
        (Fix::Info, Some(c)) => format!("current name: {c} (not fixed; --former rewrites it)"),
        _ => "not fixed: choose the entity by hand".to_string(),
    };
    writeln!(
        out,
        "{pad} {} {}",
        st.paint(BLUE, "="),
        st.paint(GREEN, &help)
    )?;
    writeln!(out)
}

/// The byte range of the line starting at `start`, without its line break (and `\r`), and
/// without a byte-order mark at the start of the file.
fn line_range(text: &[u8], start: usize) -> std::ops::Range<usize> {
    let mut end = memchr::memchr(b'\n', &text[start..]).map_or(text.len(), |p| start + p);
    if end > start && text[end - 1] == b'\r' {
        end -= 1;
    }
    let start = if start == 0 && text.starts_with(b"\xEF\xBB\xBF") {
        3.min(end)
    } else {
        start
    };
    start..end
}

/// The closing line of the human format: counts by fix class.
pub fn write_human_summary(
    out: &mut impl Write,
    diags: usize,
    files: usize,
    safe: usize,
    suggested: usize,
    color: bool,
) -> io::Result<()> {
    let st = Style { on: color };
    if diags == 0 {
        return writeln!(out, "{}", st.paint(BOLD, "No findings."));
    }
    let s = |n: usize, one: &str, many: &str| {
        if n == 1 {
            format!("{n} {one}")
        } else {
            format!("{n} {many}")
        }
    };
    let mut line = format!(
        "Found {} in {}.",
        s(diags, "name to check", "names to check"),
        s(files, "file", "files")
    );
    if safe > 0 {
        line.push_str(&format!(
            " {} (--write).",
            s(safe, "safe fix available", "safe fixes available")
        ));
    }
    if suggested > 0 {
        line.push_str(&format!(
            " {} (--write --unsafe-fixes).",
            s(suggested, "suggested fix", "suggested fixes")
        ));
    }
    writeln!(out, "{}", st.paint(BOLD, &line))
}

/// Percent-encodes a path for a SARIF `uri` (forward slashes kept).
fn uri(path: &str) -> String {
    let mut s = String::with_capacity(path.len());
    for b in path.replace('\\', "/").bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~' | b'/') {
            s.push(b as char);
        } else {
            s.push_str(&format!("%{b:02X}"));
        }
    }
    s
}

/// One SARIF 2.1.0 document with every diagnostic.
pub fn write_sarif(out: &mut impl Write, diags: &[Diagnostic]) -> io::Result<()> {
    let mut w = SarifWriter::begin(out)?;
    for d in diags {
        w.result(out, d)?;
    }
    w.end(out)
}

/// A SARIF 2.1.0 document written as its results come: the header (with every rule of
/// [`RULES`], so that a result's `ruleIndex` is known before the end), then each result, then
/// the closing brackets. Nothing is kept between results.
pub struct SarifWriter {
    results: usize,
}

impl SarifWriter {
    /// Writes the document's start.
    pub fn begin(out: &mut impl Write) -> io::Result<SarifWriter> {
        use serde_json::json;
        let rules: Vec<_> = RULES
            .iter()
            .map(|(id, text)| {
                json!({
                    "id": id,
                    "name": id,
                    "shortDescription": { "text": text },
                })
            })
            .collect();
        let tool = json!({
            "driver": {
                "name": "normalize",
                "version": env!("CARGO_PKG_VERSION"),
                "rules": rules,
            }
        });
        let tool = serde_json::to_string_pretty(&tool)?.replace('\n', "\n      ");
        write!(
            out,
            "{{\n  \"$schema\": \"https://json.schemastore.org/sarif-2.1.0.json\",\n  \"version\": \"2.1.0\",\n  \"runs\": [\n    {{\n      \"tool\": {tool},\n      \"columnKind\": \"unicodeCodePoints\",\n      \"results\": ["
        )?;
        Ok(SarifWriter { results: 0 })
    }

    /// Writes one result.
    pub fn result(&mut self, out: &mut impl Write, d: &Diagnostic) -> io::Result<()> {
        self.result_value(out, &sarif_result(d))
    }

    /// Writes one result made by [`sarif_result`].
    pub fn result_value(&mut self, out: &mut impl Write, v: &serde_json::Value) -> io::Result<()> {
        let r = serde_json::to_string_pretty(v)?.replace('\n', "\n        ");
        let sep = if self.results == 0 { "" } else { "," };
        write!(out, "{sep}\n        {r}")?;
        self.results += 1;
        Ok(())
    }

    /// Writes the document's end.
    pub fn end(self, out: &mut impl Write) -> io::Result<()> {
        if self.results > 0 {
            write!(out, "\n      ")?;
        }
        writeln!(out, "]\n    }}\n  ]\n}}")
    }
}

/// The SARIF result of one diagnostic.
pub fn sarif_result(d: &Diagnostic) -> serde_json::Value {
    use serde_json::json;
    let region = json!({
        "startLine": d.line,
        "startColumn": d.column,
        "endLine": d.end_line,
        "endColumn": d.end_column,
        "byteOffset": d.byte_start,
        "byteLength": d.byte_end - d.byte_start,
    });
    let location = json!({
        "physicalLocation": {
            "artifactLocation": { "uri": uri(&d.path) },
            "region": region,
        }
    });
    let mut r = json!({
        "ruleId": d.rule,
        "ruleIndex": RULES.iter().position(|(id, _)| *id == d.rule).unwrap_or(0),
        "level": d.level(),
        "message": { "text": format!("{} ({})", d.message(), d.reason) },
        "locations": [location],
        "properties": {
            "found": d.found,
            "canonical": d.canonical,
            "id": d.id,
            "type": d.kind,
            "match": d.how,
            "score": d.score,
            "fix": d.fix,
            "candidates": d.candidates,
        },
    });
    if let (Fix::Safe | Fix::Suggested, Some(c)) = (d.fix_class, &d.canonical) {
        r["fixes"] = json!([{
            "description": { "text": format!("{} fix: {}", d.fix, c) },
            "artifactChanges": [{
                "artifactLocation": { "uri": uri(&d.path) },
                "replacements": [{
                    "deletedRegion": {
                        "startLine": d.line,
                        "startColumn": d.column,
                        "endLine": d.end_line,
                        "endColumn": d.end_column,
                    },
                    "insertedContent": { "text": c },
                }],
            }],
        }]);
    }
    r
}

#[cfg(test)]
mod tests {
    use super::*;

    fn m(start: usize, end: usize) -> Match {
        Match {
            start,
            end,
            replacement: Some("Kazakhstan".into()),
            kind: MatchKind::Fuzzy,
            distance: 1,
            score: 0.909,
            fix: Fix::Safe,
            note: Note::Misspelling,
            candidates: vec![Candidate {
                canonical: "Kazakhstan".into(),
                id: "KZ".into(),
                kind: crate::entity::EntityType::Country,
            }],
            weak: false,
        }
    }

    #[test]
    fn positions_in_scalar_values() {
        let text = "a\nÉté à Kazakhastan\n".as_bytes();
        let start = text.windows(3).position(|w| w == b"Kaz").unwrap();
        let d = Diagnostic::new(
            "x.md",
            text,
            &mut Mapper::for_file(text),
            &m(start, start + 11),
        );
        assert_eq!((d.line, d.column, d.end_line, d.end_column), (2, 7, 2, 18));
        assert_eq!(d.reason, "misspelling of country KZ, edit distance 1");
        assert_eq!(d.score, 0.91);
        let mut out = Vec::new();
        write_short(&mut out, &d).unwrap();
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "x.md:2:7: Kazakhastan -> Kazakhstan (misspelling of country KZ, edit distance 1)\n"
        );
    }

    #[test]
    fn human_excerpt() {
        let text = b"The talks in\tKazakhastan ended.";
        let d = Diagnostic::new("k.txt", text, &mut Mapper::for_file(text), &m(13, 24));
        let mut out = Vec::new();
        write_human(&mut out, &d, text, false).unwrap();
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "warning[misspelling]: Kazakhastan -> Kazakhstan\n --> k.txt:1:14\n  |\n1 | The talks in\tKazakhastan ended.\n  |             \t^^^^^^^^^^^ misspelling of country KZ, edit distance 1\n  |\n  = safe fix: Kazakhstan\n\n"
        );
    }

    #[test]
    fn wrapped_names_on_one_line() {
        assert_eq!(
            one_line("Kassym-Jomart\n  Tokayev"),
            "Kassym-Jomart Tokayev"
        );
        assert_eq!(one_line("Kazakha-\nstan"), "Kazakha-stan");
        assert_eq!(one_line("a\r\nb"), "a b");
    }

    /// The streamed document is valid JSON, with the results in order.
    #[test]
    fn sarif_streams_valid_json() {
        let text = b"Kazakhastan and Kazakhastan";
        let mut pos = Mapper::for_file(text);
        let a = Diagnostic::new("k.txt", text, &mut pos, &m(0, 11));
        let b = Diagnostic::new("k.txt", text, &mut pos, &m(16, 27));
        for diags in [vec![], vec![a.clone()], vec![a, b]] {
            let mut out = Vec::new();
            write_sarif(&mut out, &diags).unwrap();
            let v: serde_json::Value = serde_json::from_slice(&out).unwrap();
            let results = v["runs"][0]["results"].as_array().unwrap();
            assert_eq!(results.len(), diags.len());
            for (r, d) in results.iter().zip(&diags) {
                assert_eq!(
                    r["locations"][0]["physicalLocation"]["region"]["byteOffset"],
                    d.byte_start
                );
                let i = r["ruleIndex"].as_u64().unwrap() as usize;
                assert_eq!(
                    v["runs"][0]["tool"]["driver"]["rules"][i]["id"],
                    "misspelling"
                );
            }
        }
    }

    #[test]
    fn sarif_uri() {
        assert_eq!(uri("a b/ü.md"), "a%20b/%C3%BC.md");
    }
}
