//! The CSV fixer behind `normalize csv`: streams a CSV file, resolves the chosen columns and
//! writes the same file with the fixed cells, byte for byte elsewhere. Never prints.
//!
//! - Records are read with the `csv` crate (flexible, no header handling of its own) from a
//!   reader that keeps the bytes it has read; each record's byte range comes from the parser's
//!   positions, so a record with nothing to change is copied as it was read (quoting,
//!   delimiters, line endings, blank lines). A record that changes is spliced: its unchanged
//!   fields keep their original bytes, changed and inserted (id) fields are written quoted only
//!   when they need it, and its line ending is kept.
//! - Work goes in batches of rows; the distinct values of a batch not seen before are
//!   resolved in parallel (rayon) and cached, so each distinct value is resolved once. Memory
//!   grows with the number of distinct values, not of rows (without a report the cache is
//!   emptied when it grows large).
//! - Bad input (a ragged row, an unterminated quoted field, a selected cell that is not UTF-8)
//!   is an error naming the row and byte offset, or, leniently, a row copied through.

use std::collections::HashMap;
use std::io::{self, Read, Write};

use rayon::prelude::*;

use crate::engine::{Candidate, Fix, Normalizer};

/// The UTF-8 byte-order mark.
pub const BOM: &[u8] = b"\xEF\xBB\xBF";

/// Rows per batch.
pub const BATCH_ROWS: usize = 1 << 16;

/// Without a report, the value cache is emptied beyond this many distinct values.
const CACHE_LIMIT: usize = 1 << 20;

/// A problem with the input or the options.
#[derive(Debug, thiserror::Error)]
pub enum CsvError {
    /// Malformed input at a row (1-based, the header included) and byte offset (0-based, in
    /// the file as read, byte-order mark included).
    #[error("row {row} (byte {byte}): {reason}")]
    Bad { row: u64, byte: u64, reason: String },
    /// Options that do not fit the file (an unknown column, ...).
    #[error("{0}")]
    Usage(String),
    #[error(transparent)]
    Io(#[from] io::Error),
}

/// What to do with the file.
#[derive(Debug, Clone)]
pub struct Config {
    /// Columns to fix: header names or 1-based indexes.
    pub columns: Vec<String>,
    /// Id columns to add: `NAME` (after every selected column) or `COLUMN=NAME`.
    pub ids: Vec<String>,
    /// The first row is a header.
    pub has_header: bool,
    /// The delimiter; `None` to detect it (see [`sniff_delimiter`]).
    pub delimiter: Option<u8>,
    /// Treat cells as running text (find names inside) rather than one name each.
    pub text: bool,
    /// Copy bad rows through instead of failing.
    pub lenient: bool,
    /// Write the data (false for `--propose`, which only collects values).
    pub write_data: bool,
    /// Collect the distinct values with their counts and outcomes (for reports).
    pub collect_values: bool,
    /// Rows per batch.
    pub batch_rows: usize,
    /// Worker threads (0: all cores).
    pub threads: usize,
    /// Review decisions: when set, exactly these are applied.
    pub decisions: Option<Decisions>,
    /// The configuration whose `ignore` words are never rewritten.
    pub ignore: Option<crate::config::Config>,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            columns: Vec::new(),
            ids: Vec::new(),
            has_header: true,
            delimiter: None,
            text: false,
            lenient: false,
            write_data: true,
            collect_values: false,
            batch_rows: BATCH_ROWS,
            threads: 0,
            decisions: None,
            ignore: None,
        }
    }
}

/// What happened to one distinct value (a whole cell in cell mode, a name found in text mode).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Status {
    /// Changed to its canonical name (or to the decided one).
    Fixed,
    /// Several entities: left alone.
    Ambiguous,
    /// No entity: left alone.
    Unresolved,
    /// A weaker finding in running text, not applied.
    Suggested,
    /// Left alone by a `reject` decision.
    Rejected,
    /// A fix the decisions file does not decide: left alone.
    Undecided,
    /// Already the canonical name.
    Correct,
    /// An empty cell.
    Empty,
}

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Fixed => "fixed",
            Status::Ambiguous => "ambiguous",
            Status::Unresolved => "unresolved",
            Status::Suggested => "suggested",
            Status::Rejected => "rejected",
            Status::Undecided => "undecided",
            Status::Correct => "correct",
            Status::Empty => "empty",
        }
    }
}

/// A finding about one value, with its evidence.
#[derive(Debug, Clone, PartialEq)]
pub struct Finding {
    /// The value as found (trimmed cell, or the span of text).
    pub value: String,
    pub status: Status,
    /// The canonical name written (or proposed).
    pub canonical: String,
    pub id: String,
    pub kind: &'static str,
    /// How it matched: exact, folded, translit, fuzzy, ambiguous, none, or `decision`.
    pub how: &'static str,
    pub score: f32,
    pub candidates: Vec<Candidate>,
}

/// The outcome for one distinct cell value.
#[derive(Debug, Clone)]
struct Outcome {
    /// The new cell bytes, when the cell changes.
    new: Option<String>,
    /// The id column's value.
    id: String,
    /// Cell mode: one finding; text mode: one per name found that is worth reporting.
    findings: Vec<Finding>,
    status: Status,
    /// Cell mode: the entity was found only through `weak` names (GeoNames alternate names).
    weak: bool,
    /// Cell mode: found only through `weak` names, and the cell is itself the main name of a
    /// real town the tables do not hold (`Landen`, a town in Belgium and an alternate name of
    /// London).
    town: bool,
}

/// One line of a report: a distinct value, how often it occurred, and what happened.
#[derive(Debug, Clone, PartialEq)]
pub struct ValueReport {
    pub count: u64,
    pub finding: Finding,
}

/// Counts of a run.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Summary {
    /// Data rows (the header not included), bad rows included.
    pub rows: u64,
    pub cells_fixed: u64,
    pub ambiguous: u64,
    pub unresolved: u64,
    /// Bad rows copied through (`lenient`).
    pub bad_rows: u64,
    /// Cells left alone because the decisions did not decide them.
    pub undecided: u64,
    pub rejected: u64,
}

/// The result of a run.
#[derive(Debug, Clone)]
pub struct Run {
    pub summary: Summary,
    /// The delimiter used.
    pub delimiter: u8,
    /// With `collect_values`: the distinct values worth reporting (fixed, ambiguous,
    /// unresolved, ...), most frequent first.
    pub values: Vec<ValueReport>,
}

/// Progress after a batch.
#[derive(Debug, Clone, Copy)]
pub struct Progress {
    /// Input bytes consumed.
    pub bytes: u64,
    /// Data rows done.
    pub rows: u64,
}

/// The delimiter of a CSV file from its first line: the most frequent of `,`, `;`, tab and
/// `|` outside quotes (`,` when none or on a tie with it).
pub fn sniff_delimiter(first: &[u8]) -> u8 {
    let mut counts = [0usize; 4];
    let cands = [b',', b';', b'\t', b'|'];
    let mut quoted = false;
    for &b in first {
        if b == b'"' {
            quoted = !quoted;
        } else if !quoted {
            if b == b'\n' || b == b'\r' {
                break;
            }
            if let Some(i) = cands.iter().position(|&c| c == b) {
                counts[i] += 1;
            }
        }
    }
    let mut best = 0;
    for i in 1..4 {
        if counts[i] > counts[best] {
            best = i;
        }
    }
    cands[best]
}

/// A reader that keeps every byte read, so that records can be copied as they were.
struct Tee<R> {
    inner: R,
    buf: Vec<u8>,
    /// Offset (in the parser's coordinates) of `buf[0]`.
    base: u64,
}

impl<R: Read> Read for Tee<R> {
    fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(out)?;
        self.buf.extend_from_slice(&out[..n]);
        Ok(n)
    }
}

impl<R> Tee<R> {
    fn slice(&self, start: u64, end: u64) -> &[u8] {
        &self.buf[(start - self.base) as usize..(end - self.base) as usize]
    }
    fn forget_before(&mut self, at: u64) {
        let n = (at - self.base) as usize;
        self.buf.drain(..n);
        self.base = at;
    }
}

/// The field layout of one record's raw bytes.
struct Layout {
    /// Start of the record proper (after blank lines or a stray line feed).
    body_start: usize,
    /// End of the record proper (its line ending, if any, follows).
    body_end: usize,
    /// Raw byte ranges of the fields, quotes included.
    fields: Vec<(usize, usize)>,
}

/// Splits the raw bytes of one record into fields, as the `csv` crate's parser does
/// (RFC 4180 quoting with doubled quotes; a quote inside an unquoted field is a character).
/// `Err(offset)` when a quoted field is not terminated (the offset of its opening quote).
fn layout(
    raw: &[u8],
    delim: u8,
    fields: &mut Vec<(usize, usize)>,
) -> Result<(usize, usize), usize> {
    #[derive(PartialEq)]
    enum S {
        Start,
        Unquoted,
        Quoted,
        AfterQuote,
    }
    let mut i = 0;
    while i < raw.len() && (raw[i] == b'\r' || raw[i] == b'\n') {
        i += 1;
    }
    let body_start = i;
    fields.clear();
    let mut start = i;
    let mut s = S::Start;
    let mut open = 0;
    while i < raw.len() {
        let b = raw[i];
        let eol = b == b'\r' || b == b'\n';
        match s {
            S::Start | S::Unquoted | S::AfterQuote if b == delim => {
                fields.push((start, i));
                start = i + 1;
                s = S::Start;
            }
            S::Start | S::Unquoted | S::AfterQuote if eol => break,
            S::Start if b == b'"' => {
                s = S::Quoted;
                open = i;
            }
            S::Start => s = S::Unquoted,
            S::Unquoted => {}
            S::Quoted => {
                if b == b'"' {
                    s = S::AfterQuote;
                }
            }
            S::AfterQuote => {
                s = if b == b'"' { S::Quoted } else { S::Unquoted };
            }
        }
        i += 1;
    }
    if s == S::Quoted {
        return Err(open);
    }
    fields.push((start, i));
    Ok((body_start, i))
}

fn layout_of(raw: &[u8], delim: u8) -> Result<Layout, usize> {
    let mut fields = Vec::new();
    let (body_start, body_end) = layout(raw, delim, &mut fields)?;
    Ok(Layout {
        body_start,
        body_end,
        fields,
    })
}

/// Writes one field, quoted only when it must be.
fn write_field(v: &[u8], delim: u8, out: &mut Vec<u8>) {
    let needs = v
        .iter()
        .any(|&b| b == delim || b == b'"' || b == b'\r' || b == b'\n');
    if !needs {
        out.extend_from_slice(v);
        return;
    }
    out.push(b'"');
    for &b in v {
        if b == b'"' {
            out.push(b'"');
        }
        out.push(b);
    }
    out.push(b'"');
}

/// Parsed review decisions (`--decisions`), keyed by the trimmed cell value.
#[derive(Debug, Clone, Default)]
pub struct Decisions {
    map: HashMap<String, Choice>,
}

/// One decision.
#[derive(Debug, Clone, PartialEq)]
pub enum Choice {
    /// Leave the value alone.
    Reject,
    /// Write `canonical` (with `id`, possibly empty, of type `kind`).
    Write {
        canonical: String,
        id: String,
        kind: String,
    },
}

/// Escapes a value for a TSV cell: backslash, tab, line feed and carriage return.
pub fn tsv_escape(s: &str) -> String {
    let mut o = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '\\' => o.push_str("\\\\"),
            '\t' => o.push_str("\\t"),
            '\n' => o.push_str("\\n"),
            '\r' => o.push_str("\\r"),
            c => o.push(c),
        }
    }
    o
}

/// The inverse of [`tsv_escape`].
pub fn tsv_unescape(s: &str) -> String {
    let mut o = String::with_capacity(s.len());
    let mut it = s.chars();
    while let Some(c) = it.next() {
        if c != '\\' {
            o.push(c);
            continue;
        }
        match it.next() {
            Some('t') => o.push('\t'),
            Some('n') => o.push('\n'),
            Some('r') => o.push('\r'),
            Some(c) => o.push(c),
            None => o.push('\\'),
        }
    }
    o
}

impl Decisions {
    /// Parses a decisions file (a `--propose` file edited by the user). Columns are found by
    /// header name: `value` and `decision` are required; `proposal`, `id` and `type` are used
    /// by `accept`. A decision is `accept`, `reject`, empty (undecided), an entity id of the
    /// loaded tables, or any other text: the canonical name to write.
    pub fn parse(nz: &Normalizer, label: &str, text: &str) -> Result<Decisions, String> {
        let text = text.strip_prefix('\u{FEFF}').unwrap_or(text);
        let mut lines = text.lines().enumerate();
        let header: Vec<&str> = loop {
            match lines.next() {
                None => return Err(format!("{label}: empty decisions file")),
                Some((_, l)) if l.trim().is_empty() || l.starts_with('#') => continue,
                Some((_, l)) => break l.trim_end_matches('\r').split('\t').collect(),
            }
        };
        let col = |name: &str| header.iter().position(|h| *h == name);
        let (Some(cv), Some(cd)) = (col("value"), col("decision")) else {
            return Err(format!(
                "{label}:1: expected a header with `value` and `decision` columns (a --propose file)"
            ));
        };
        let (cp, ci, ct) = (col("proposal"), col("id"), col("type"));
        let mut map = HashMap::new();
        for (n, line) in lines {
            let line = line.trim_end_matches('\r');
            if line.trim().is_empty() || line.starts_with('#') {
                continue;
            }
            let cols: Vec<&str> = line.split('\t').collect();
            let get = |c: Option<usize>| c.and_then(|c| cols.get(c)).copied().unwrap_or("");
            let value = tsv_unescape(get(Some(cv)));
            let value = value.trim().to_string();
            let decision = tsv_unescape(get(Some(cd))).trim().to_string();
            let lineno = n + 1;
            if value.is_empty() {
                return Err(format!("{label}:{lineno}: empty value"));
            }
            let choice = match decision.as_str() {
                "" => continue,
                "reject" => Choice::Reject,
                "accept" => {
                    let canonical = tsv_unescape(get(cp));
                    if canonical.is_empty() {
                        return Err(format!(
                            "{label}:{lineno}: `accept` but no proposal for {value:?}; write a candidate id or a canonical name instead"
                        ));
                    }
                    Choice::Write {
                        canonical,
                        id: tsv_unescape(get(ci)),
                        kind: get(ct).to_string(),
                    }
                }
                d => match nz.entity_type(d) {
                    Some(kind) => Choice::Write {
                        canonical: nz.canonical(d, &nz.options().lang),
                        id: d.to_string(),
                        kind: kind.to_string(),
                    },
                    None => {
                        let r = nz.resolve(d);
                        match r.entity.filter(|e| e.canonical == d) {
                            Some(e) => Choice::Write {
                                canonical: d.to_string(),
                                id: e.id,
                                kind: e.kind.to_string(),
                            },
                            None => Choice::Write {
                                canonical: d.to_string(),
                                id: String::new(),
                                kind: String::new(),
                            },
                        }
                    }
                },
            };
            if let Some(old) = map.insert(value.clone(), choice.clone()) {
                if old != choice {
                    return Err(format!(
                        "{label}:{lineno}: {value:?} is decided twice, differently"
                    ));
                }
            }
        }
        Ok(Decisions { map })
    }

    pub fn get(&self, value: &str) -> Option<&Choice> {
        self.map.get(value)
    }

    pub fn len(&self) -> usize {
        self.map.len()
    }

    pub fn is_empty(&self) -> bool {
        self.map.is_empty()
    }

    /// The decisions as a user alias table (full format, see data/README.md): each written
    /// value becomes an alias of its canonical name (under its id, or with the canonical as
    /// id and type `other` when there is none); each rejected value a `never` row. Values a
    /// table cannot hold (control characters, `|`) are skipped; returns the table and the
    /// number of values skipped.
    pub fn to_table(&self) -> (String, usize) {
        let mut out = String::from("id\ttype\tname\taliases\tlang\tflags\n");
        let mut keys: Vec<&String> = self.map.keys().collect();
        keys.sort();
        let ok = |s: &str| !s.is_empty() && !s.chars().any(|c| c.is_control()) && s.trim() == s;
        let mut skipped = 0;
        for value in keys {
            if !ok(value) || value.contains('|') {
                skipped += 1;
                continue;
            }
            match &self.map[value] {
                Choice::Reject => {
                    out.push_str(&format!("{value}\tother\t{value}\t\t\tnever\n"));
                }
                Choice::Write {
                    canonical,
                    id,
                    kind,
                } => {
                    if !ok(canonical) || canonical.contains('|') {
                        skipped += 1;
                        continue;
                    }
                    let (id, kind) = if id.is_empty() || !ok(id) {
                        (canonical.as_str(), "other")
                    } else {
                        let k = if crate::table::type_code(kind).is_some() {
                            kind.as_str()
                        } else {
                            "other"
                        };
                        (id.as_str(), k)
                    };
                    let aliases = if value == canonical { "" } else { value };
                    out.push_str(&format!("{id}\t{kind}\t{canonical}\t{aliases}\t\t\n"));
                }
            }
        }
        (out, skipped)
    }
}

fn split_ws(cell: &str) -> (&str, &str, &str) {
    let t = cell.trim_start();
    let lead = &cell[..cell.len() - t.len()];
    let name = t.trim_end();
    let trail = &t[name.len()..];
    (lead, name, trail)
}

/// The entity type of a column, from the cells that resolved with confidence (a correct name,
/// or an exact or folded alias): the type of at least four fifths of them, and of three or
/// more. A column of places whose cells include a country's name (`Singapore`) is a column of
/// cities all the same.
fn column_type<'a>(outcomes: impl Iterator<Item = &'a Outcome>) -> Option<&'static str> {
    let mut tally: Vec<(&'static str, usize)> = Vec::new();
    let mut total = 0;
    for o in outcomes {
        let Some(f) = o.findings.first() else {
            continue;
        };
        let confident = o.status == Status::Correct
            || (o.status == Status::Fixed && matches!(f.how, "exact" | "folded"));
        if !confident || f.kind.is_empty() {
            continue;
        }
        total += 1;
        match tally.iter_mut().find(|(k, _)| *k == f.kind) {
            Some((_, n)) => *n += 1,
            None => tally.push((f.kind, 1)),
        }
    }
    let &(kind, n) = tally.iter().max_by_key(|(_, n)| *n)?;
    (n >= 3 && n * 5 >= total * 4).then_some(kind)
}

/// Whether a column names its places by their own names: whether at least four fifths of the
/// cells that resolved with confidence (as for [`column_type`]), and three or more, found
/// their entity through a name that is not `weak`. The cells in question (`town`: another
/// town's own name) are not counted. A column of GeoNames main names (a donors or events
/// table) is; a column of French names of cities (`Moscou`, `Pékin`, found through GeoNames
/// alternate names) is not.
fn column_own_names<'a>(outcomes: impl Iterator<Item = &'a Outcome>) -> bool {
    let (mut total, mut own) = (0usize, 0usize);
    for o in outcomes {
        let Some(f) = o.findings.first() else {
            continue;
        };
        let confident = o.status == Status::Correct
            || (o.status == Status::Fixed && matches!(f.how, "exact" | "folded"));
        if !confident || f.kind.is_empty() || o.town {
            continue;
        }
        total += 1;
        own += usize::from(!o.weak);
    }
    own >= 3 && own * 5 >= total * 4
}

/// Whether a cell's outcome may be written to a column whose cells name places by their own
/// names (`own`, see [`column_own_names`]): a cell found only through an alternate name of a
/// city that is itself the name of another real town is that town (`Landen` in such a column
/// is the Belgian town, not London; `Mystic` the village, not Medford).
fn fits_own_names(o: &Outcome, own: bool) -> bool {
    !(own && o.town && o.status == Status::Fixed)
}

/// Whether a column holds country codes: its header says so (`iso`, `country`, `alpha-2`,
/// `cc`, ...), or four fifths of its cells are ISO 3166-1 codes in any case (`de`, `DEU`,
/// `276`), ten different ones or more: a column of a few two-letter codes may hold
/// departments (`IT`, `HR`, `PR`, `QA` are countries' codes too). Only there are codes in
/// lower case read as codes.
fn code_column<'a>(header: &str, cells: impl Iterator<Item = &'a [u8]>) -> bool {
    let h = header.to_ascii_lowercase();
    let words: Vec<&str> = h.split(|c: char| !c.is_ascii_alphanumeric()).collect();
    let said = h.contains("country")
        || h.contains("iso")
        || h.contains("alpha")
        || words
            .iter()
            .any(|w| matches!(*w, "cc" | "nation" | "pays" | "land" | "staat"));
    if said {
        return true;
    }
    let (mut n, mut codes) = (0usize, 0usize);
    let mut distinct = std::collections::HashSet::new();
    for c in cells {
        let Ok(v) = std::str::from_utf8(c) else {
            continue;
        };
        if v.trim().is_empty() {
            continue;
        }
        n += 1;
        if let Some(code) = crate::country_styles::code(v, true) {
            codes += 1;
            distinct.insert(code.id);
        }
    }
    distinct.len() >= 10 && codes * 5 >= n * 4
}

/// Whether an outcome is a country code (match kind `code`).
fn is_code(o: &Outcome) -> bool {
    let code = crate::engine::Outcome::Matched(crate::engine::MatchKind::Code).as_str();
    o.findings.first().is_some_and(|f| f.how == code)
}

/// Whether a cell's outcome may be written to a column of type `ty`: a finding of another
/// type is not (`Tunis` in a column of cities is not Tunisia, `Nihon` not a person).
fn fits_column(o: &Outcome, ty: Option<&'static str>) -> bool {
    let Some(ty) = ty else {
        return true;
    };
    match o.findings.first() {
        Some(f) if !f.kind.is_empty() && o.status != Status::Correct => f.kind == ty,
        Some(f) if !f.kind.is_empty() => f.kind == ty || o.new.is_none() && o.id.is_empty(),
        _ => true,
    }
}

/// Resolves one cell (cell mode).
fn resolve_cell(
    nz: &Normalizer,
    cell: &str,
    decisions: Option<&Decisions>,
    ignore: Option<&crate::config::Config>,
) -> Outcome {
    let (lead, name, trail) = split_ws(cell);
    if name.is_empty() {
        return Outcome {
            new: None,
            id: String::new(),
            findings: Vec::new(),
            status: Status::Empty,
            weak: false,
            town: false,
        };
    }
    let r = nz.resolve(name);
    let mut f = Finding {
        value: name.to_string(),
        status: Status::Unresolved,
        canonical: String::new(),
        id: String::new(),
        kind: "",
        how: r.how.as_str(),
        score: r.score,
        candidates: r.candidates,
    };
    let mut new = None;
    let mut id = String::new();
    if let Some(e) = r.entity {
        f.canonical = e.canonical;
        f.id = e.id.clone();
        f.kind = e.kind.as_str();
        id = e.id;
        if f.canonical == name {
            f.status = Status::Correct;
        } else {
            f.status = Status::Fixed;
            new = Some(format!("{lead}{}{trail}", f.canonical));
        }
    } else if r.how == crate::engine::Outcome::Ambiguous {
        f.status = Status::Ambiguous;
    }
    if let Some(d) = decisions {
        match d.get(name) {
            Some(Choice::Reject) => {
                f.status = Status::Rejected;
                new = None;
                id.clear();
            }
            Some(Choice::Write {
                canonical,
                id: did,
                kind,
            }) => {
                f.canonical = canonical.clone();
                f.id = did.clone();
                f.kind = crate::table::type_code(kind)
                    .map(|k| crate::table::TYPES[k as usize])
                    .unwrap_or("");
                f.how = "decision";
                id = did.clone();
                if canonical == name {
                    f.status = Status::Correct;
                    new = None;
                } else {
                    f.status = Status::Fixed;
                    new = Some(format!("{lead}{canonical}{trail}"));
                }
            }
            None => {
                if f.status == Status::Fixed {
                    f.status = Status::Undecided;
                    new = None;
                    id.clear();
                }
            }
        }
    }
    if f.status == Status::Fixed && ignore.is_some_and(|c| c.ignores(name)) {
        // An `ignore` word of the configuration: never rewritten.
        f.status = Status::Rejected;
        new = None;
        id.clear();
    }
    let status = f.status;
    // What a decision of the user's writes is the user's own evidence, not a weak name.
    let weak = r.weak && f.how != "decision" && !id.is_empty();
    let town = weak && crate::lexicon::lookup(&crate::tokens::name_key(name)).is_town();
    Outcome {
        new,
        id,
        findings: vec![f],
        status,
        weak,
        town,
    }
}

/// Resolves a cell of a column of codes as a code in any case (`de`, `Deu`).
fn code_cell(nz: &Normalizer, cell: &str) -> Outcome {
    let (lead, name, trail) = split_ws(cell);
    let r = crate::country_styles::code(name, true)
        .and_then(|c| crate::country_styles::resolve_code(nz, name, c));
    let Some(e) = r.as_ref().and_then(|r| r.entity.clone()) else {
        return Outcome {
            new: None,
            id: String::new(),
            findings: vec![Finding {
                value: name.to_string(),
                status: Status::Unresolved,
                canonical: String::new(),
                id: String::new(),
                kind: "",
                how: crate::engine::Outcome::None.as_str(),
                score: 0.0,
                candidates: Vec::new(),
            }],
            status: Status::Unresolved,
            weak: false,
            town: false,
        };
    };
    let code = crate::engine::Outcome::Matched(crate::engine::MatchKind::Code);
    Outcome {
        new: Some(format!("{lead}{}{trail}", e.canonical)),
        id: e.id.clone(),
        findings: vec![Finding {
            value: name.to_string(),
            status: Status::Fixed,
            canonical: e.canonical,
            id: e.id,
            kind: e.kind.as_str(),
            how: code.as_str(),
            score: 1.0,
            candidates: Vec::new(),
        }],
        status: Status::Fixed,
        weak: false,
        town: false,
    }
}

/// Resolves one cell as running text (text mode): the safe fixes are applied.
fn resolve_text(
    nz: &Normalizer,
    sc: &mut crate::Scanner,
    cell: &str,
    ignore: Option<&crate::config::Config>,
) -> Outcome {
    let mut matches = nz.find_with(cell, sc);
    if let Some(c) = ignore {
        matches.retain(|m| !c.ignores(&cell[m.start..m.end]));
    }
    let text = crate::apply(cell, &matches, |m| m.fix == Fix::Safe);
    let mut findings = Vec::new();
    let mut status = Status::Correct;
    for m in &matches {
        let st = match m.fix {
            Fix::Safe => Status::Fixed,
            Fix::Ambiguous => Status::Ambiguous,
            Fix::Suggested => Status::Suggested,
            Fix::Info => continue,
        };
        if st == Status::Ambiguous && status == Status::Correct {
            status = Status::Ambiguous;
        }
        let (canonical, id, kind) = match (&m.replacement, m.candidates.as_slice()) {
            (Some(r), [c]) => (r.clone(), c.id.clone(), c.kind.as_str()),
            _ => (String::new(), String::new(), ""),
        };
        findings.push(Finding {
            value: cell[m.start..m.end].to_string(),
            status: st,
            canonical,
            id,
            kind,
            how: if st == Status::Ambiguous {
                "ambiguous"
            } else {
                m.kind.as_str()
            },
            score: m.score,
            candidates: if st == Status::Ambiguous {
                m.candidates.clone()
            } else {
                Vec::new()
            },
        });
    }
    let new = (text != cell).then_some(text);
    if new.is_some() {
        status = Status::Fixed;
    }
    Outcome {
        new,
        id: String::new(),
        findings,
        status,
        weak: false,
        town: false,
    }
}

/// One record of a batch.
struct Rec {
    rec: csv::ByteRecord,
    start: u64,
    end: u64,
    row: u64,
    bad: bool,
}

struct Cache {
    map: HashMap<Box<[u8]>, u32>,
    outcomes: Vec<Outcome>,
    counts: Vec<u64>,
}

/// The column plan, once the header (or the first row) is known.
struct Plan {
    /// Selected column indexes (0-based), in file order.
    cols: Vec<usize>,
    /// Per column of the file: the id column's header name, when one is added after it.
    ids: Vec<Option<String>>,
    /// Expected field count.
    width: usize,
    /// Column labels for messages.
    labels: Vec<String>,
    /// The first row is a header.
    header: bool,
    /// The header names (empty without a header).
    names: Vec<String>,
}

fn plan(cfg: &Config, first: &csv::ByteRecord) -> Result<Plan, CsvError> {
    let width = first.len();
    let names: Vec<String> = if cfg.has_header {
        first
            .iter()
            .map(|f| String::from_utf8_lossy(f).trim().to_string())
            .collect()
    } else {
        Vec::new()
    };
    let find = |spec: &str| -> Result<usize, CsvError> {
        if cfg.has_header {
            if let Some(i) = names.iter().position(|n| n == spec) {
                return Ok(i);
            }
            let i = names.iter().position(|n| n.eq_ignore_ascii_case(spec));
            if let Some(i) = i {
                return Ok(i);
            }
        }
        match spec.parse::<usize>() {
            Ok(n) if n >= 1 && n <= width => Ok(n - 1),
            Ok(n) => Err(CsvError::Usage(format!(
                "column {n} is out of range (the file has {width} columns)"
            ))),
            Err(_) if !cfg.has_header => Err(CsvError::Usage(format!(
                "--column {spec:?}: with --no-header, columns are 1-based numbers"
            ))),
            Err(_) => Err(CsvError::Usage(format!(
                "no column named {spec:?} (columns: {})",
                names.join(", ")
            ))),
        }
    };
    let mut cols = Vec::new();
    for spec in &cfg.columns {
        let i = find(spec)?;
        if !cols.contains(&i) {
            cols.push(i);
        }
    }
    if cols.is_empty() {
        return Err(CsvError::Usage("no --column given".into()));
    }
    let mut ids: Vec<Option<String>> = vec![None; width];
    for spec in &cfg.ids {
        let (targets, name) = if let Some((c, name)) = spec.split_once('=') {
            let i = find(c)?;
            if !cols.contains(&i) {
                return Err(CsvError::Usage(format!(
                    "--id {spec:?}: column {c:?} is not one of the --column columns"
                )));
            }
            (vec![i], name)
        } else {
            if cols.len() > 1 && cfg.has_header {
                return Err(CsvError::Usage(format!(
                    "--id {spec:?} with several columns would repeat a header name: write --id COLUMN={spec} for each"
                )));
            }
            (cols.clone(), spec.as_str())
        };
        if cfg.has_header {
            if names.iter().any(|n| n == name) {
                return Err(CsvError::Usage(format!(
                    "--id {spec:?}: the header already has a column named {name:?}"
                )));
            }
            if ids.iter().flatten().any(|n| n == name) {
                return Err(CsvError::Usage(format!(
                    "--id {spec:?}: the id column name {name:?} is given twice"
                )));
            }
        }
        for i in targets {
            if ids[i].is_some() {
                return Err(CsvError::Usage(format!(
                    "--id {spec:?}: column {} already has an id column",
                    i + 1
                )));
            }
            ids[i] = Some(name.to_string());
        }
    }
    if cfg.text && ids.iter().any(Option::is_some) {
        return Err(CsvError::Usage(
            "--id works in cell mode only, not with --text".into(),
        ));
    }
    cols.sort_unstable();
    let labels = (0..width)
        .map(|i| {
            if cfg.has_header && !names[i].is_empty() {
                format!("{} ({:?})", i + 1, names[i])
            } else {
                format!("{}", i + 1)
            }
        })
        .collect();
    Ok(Plan {
        cols,
        ids,
        width,
        labels,
        header: cfg.has_header,
        names,
    })
}

/// Checks one record: unterminated quote, field count, UTF-8 of the selected cells.
fn check(r: &Rec, raw: &[u8], delim: u8, plan: &Plan, off: u64) -> Result<(), CsvError> {
    let bad = |byte: u64, reason: String| CsvError::Bad {
        row: r.row,
        byte: off + byte,
        reason,
    };
    if memchr::memchr(b'"', raw).is_some() {
        if let Err(open) = layout_of(raw, delim) {
            return Err(bad(
                r.start + open as u64,
                "unterminated quoted field (the quote is never closed)".into(),
            ));
        }
    }
    if r.rec.len() != plan.width {
        let body = raw
            .iter()
            .take_while(|&&b| b == b'\r' || b == b'\n')
            .count();
        return Err(bad(
            r.start + body as u64,
            format!(
                "{} fields where the {} has {}",
                r.rec.len(),
                if plan.header { "header" } else { "first row" },
                plan.width
            ),
        ));
    }
    for &c in &plan.cols {
        let cell = &r.rec[c];
        if std::str::from_utf8(cell).is_err() {
            let at = match layout_of(raw, delim) {
                Ok(l) => {
                    let (s, e) = l.fields[c];
                    s + std::str::from_utf8(&raw[s..e])
                        .err()
                        .map_or(0, |e| e.valid_up_to())
                }
                Err(_) => 0,
            };
            return Err(bad(
                r.start + at as u64,
                format!("invalid UTF-8 in column {}", plan.labels[c]),
            ));
        }
    }
    Ok(())
}

/// Writes a record with fields replaced (`new[i]`) and id fields inserted (`ins[i]`, after
/// field `i`), keeping the raw bytes of every other field and the line ending.
fn splice(
    raw: &[u8],
    rec: &csv::ByteRecord,
    delim: u8,
    new: &[Option<&[u8]>],
    ins: &[Option<&[u8]>],
    out: &mut Vec<u8>,
) {
    let lay = match layout_of(raw, delim) {
        Ok(l) if l.fields.len() == rec.len() => Some(l),
        _ => None,
    };
    let (body_start, body_end) = lay.as_ref().map_or_else(
        || {
            let s = raw
                .iter()
                .take_while(|&&b| b == b'\r' || b == b'\n')
                .count();
            let e = raw.len()
                - raw[s..]
                    .iter()
                    .rev()
                    .take_while(|&&b| b == b'\r' || b == b'\n')
                    .count();
            (s, e)
        },
        |l| (l.body_start, l.body_end),
    );
    out.extend_from_slice(&raw[..body_start]);
    for i in 0..rec.len() {
        if i > 0 {
            out.push(delim);
        }
        match (new.get(i).copied().flatten(), &lay) {
            (Some(v), _) => write_field(v, delim, out),
            (None, Some(l)) => out.extend_from_slice(&raw[l.fields[i].0..l.fields[i].1]),
            (None, None) => write_field(&rec[i], delim, out),
        }
        if let Some(v) = ins.get(i).copied().flatten() {
            out.push(delim);
            write_field(v, delim, out);
        }
    }
    out.extend_from_slice(&raw[body_end..]);
}

/// Reads up to 64 KiB or the first line break of `input`.
fn read_head(input: &mut impl Read) -> io::Result<Vec<u8>> {
    let mut head = Vec::new();
    let mut chunk = [0u8; 8192];
    while head.len() < 1 << 16 {
        let n = match input.read(&mut chunk) {
            Ok(n) => n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        if n == 0 {
            break;
        }
        head.extend_from_slice(&chunk[..n]);
        let body = head.strip_prefix(BOM).unwrap_or(&head);
        let mut q = false;
        if body.iter().any(|&b| {
            if b == b'"' {
                q = !q;
            }
            !q && b == b'\n'
        }) {
            break;
        }
    }
    Ok(head)
}

/// Fixes the CSV `input` into `out` (when `cfg.write_data`), reporting progress after each
/// batch. On an error, what was written to `out` is incomplete: write to a temporary place.
pub fn run(
    nz: &Normalizer,
    cfg: &Config,
    mut input: impl Read,
    out: &mut impl Write,
    mut progress: impl FnMut(Progress),
) -> Result<Run, CsvError> {
    let mut pool = rayon::ThreadPoolBuilder::new();
    if cfg.threads > 0 {
        pool = pool.num_threads(cfg.threads);
    }
    let pool = pool
        .build()
        .map_err(|e| CsvError::Usage(format!("cannot start worker threads: {e}")))?;
    let head = read_head(&mut input)?;
    let bom = head.starts_with(BOM);
    let off = if bom { BOM.len() as u64 } else { 0 };
    let body_head = if bom {
        head[BOM.len()..].to_vec()
    } else {
        head
    };
    let delim = cfg.delimiter.unwrap_or_else(|| sniff_delimiter(&body_head));
    if bom && cfg.write_data {
        out.write_all(BOM)?;
    }
    let tee = Tee {
        inner: io::Cursor::new(body_head).chain(input),
        buf: Vec::new(),
        base: 0,
    };
    let mut rdr = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(delim)
        .buffer_capacity(1 << 16)
        .from_reader(tee);
    let mut summary = Summary::default();
    let mut run = Run {
        summary: Summary::default(),
        delimiter: delim,
        values: Vec::new(),
    };

    let read_err = |e: csv::Error, row: u64| -> CsvError {
        match e.into_kind() {
            csv::ErrorKind::Io(e) => CsvError::Io(e),
            k => CsvError::Bad {
                row,
                byte: off,
                reason: format!("{k:?}"),
            },
        }
    };

    // The first record: the header, or the first data row.
    let mut first = csv::ByteRecord::new();
    if !rdr
        .read_byte_record(&mut first)
        .map_err(|e| read_err(e, 1))?
    {
        let tail = rdr.get_ref().buf.clone();
        if cfg.write_data {
            out.write_all(&tail)?;
        }
        run.summary = summary;
        return Ok(run);
    }
    let plan = plan(cfg, &first)?;
    let mut row_no = 1u64;
    let mut done = 0u64; // parser offset up to which output is written
    let mut obuf: Vec<u8> = Vec::with_capacity(1 << 20);
    let first_rec = Rec {
        start: first.position().map_or(0, |p| p.byte()),
        end: rdr.position().byte(),
        rec: first,
        row: 1,
        bad: false,
    };
    let mut pending_first = None;
    {
        let raw = rdr.get_ref().slice(first_rec.start, first_rec.end);
        check(&first_rec, raw, delim, &plan, off)?;
        if cfg.has_header {
            if cfg.write_data {
                if plan.ids.iter().any(Option::is_some) {
                    let ins: Vec<Option<&[u8]>> = plan
                        .ids
                        .iter()
                        .map(|o| o.as_deref().map(str::as_bytes))
                        .collect();
                    splice(raw, &first_rec.rec, delim, &[], &ins, &mut obuf);
                } else {
                    obuf.extend_from_slice(raw);
                }
            }
            done = first_rec.end;
        } else {
            pending_first = Some(first_rec);
        }
    }

    let mut cache = Cache {
        map: HashMap::new(),
        outcomes: Vec::new(),
        counts: Vec::new(),
    };
    let mut batch: Vec<Rec> = Vec::new();
    let mut col_types: Option<Vec<Option<&'static str>>> = None;
    let mut col_own: Option<Vec<bool>> = None;
    // Per selected column: a column of country codes (codes in any case are read as codes).
    let mut col_codes: Vec<bool> = Vec::new();
    let mut code_cells: HashMap<Box<[u8]>, Outcome> = HashMap::new();
    let mut code_counts: HashMap<Box<[u8]>, u64> = HashMap::new();
    let mut cells: Vec<u32> = Vec::new();
    let mut fresh: Vec<Box<[u8]>> = Vec::new();
    let decisions = cfg.decisions.as_ref();
    let mut eof = false;
    while !eof {
        // Read a batch.
        let mut n = 0;
        if let Some(r) = pending_first.take() {
            batch.push(r);
            n = 1;
        }
        while n < cfg.batch_rows.max(1) {
            if n == batch.len() {
                batch.push(Rec {
                    rec: csv::ByteRecord::new(),
                    start: 0,
                    end: 0,
                    row: 0,
                    bad: false,
                });
            }
            let r = &mut batch[n];
            let more = rdr
                .read_byte_record(&mut r.rec)
                .map_err(|e| read_err(e, row_no + 1))?;
            if !more {
                eof = true;
                break;
            }
            row_no += 1;
            r.row = row_no;
            r.start = r.rec.position().map_or(0, |p| p.byte());
            r.end = rdr.position().byte();
            r.bad = false;
            n += 1;
        }
        let batch_now = &mut batch[..n];
        // Check the rows.
        {
            let tee = rdr.get_ref();
            for r in batch_now.iter_mut() {
                if let Err(e) = check(r, tee.slice(r.start, r.end), delim, &plan, off) {
                    if !cfg.lenient {
                        // Write nothing more; the caller discards the output.
                        return Err(e);
                    }
                    r.bad = true;
                }
            }
        }
        // Look up the cells; collect values not seen before.
        cells.clear();
        fresh.clear();
        for r in batch_now.iter() {
            for &c in &plan.cols {
                if r.bad {
                    cells.push(u32::MAX);
                    continue;
                }
                let cell = &r.rec[c];
                let idx = match cache.map.get(cell) {
                    Some(&i) => i,
                    None => {
                        let i = (cache.outcomes.len() + fresh.len()) as u32;
                        let key: Box<[u8]> = cell.into();
                        cache.map.insert(key.clone(), i);
                        fresh.push(key);
                        i
                    }
                };
                cells.push(idx);
            }
        }
        // Resolve them in parallel, in order.
        if !fresh.is_empty() {
            let outcomes: Vec<Outcome> = pool.install(|| {
                fresh
                    .par_iter()
                    .map_init(crate::Scanner::new, |sc, v| {
                        // Checked above: selected cells are UTF-8.
                        let s = std::str::from_utf8(v).unwrap_or("");
                        if cfg.text {
                            resolve_text(nz, sc, s, cfg.ignore.as_ref())
                        } else {
                            resolve_cell(nz, s, decisions, cfg.ignore.as_ref())
                        }
                    })
                    .collect()
            });
            cache.counts.extend(std::iter::repeat_n(0, outcomes.len()));
            cache.outcomes.extend(outcomes);
        }
        // The first batch settles each column's entity type, from its confident cells.
        let ncols = plan.cols.len();
        if col_types.is_none() {
            col_types = Some(if cfg.text || nz.options().only_type.is_some() {
                vec![None; ncols]
            } else {
                (0..ncols)
                    .map(|j| {
                        column_type(
                            (0..n)
                                .map(|k| cells[k * ncols + j])
                                .filter(|&i| i != u32::MAX)
                                .map(|i| &cache.outcomes[i as usize]),
                        )
                    })
                    .collect()
            });
        }
        // ... and whether it names places by their own names.
        if col_own.is_none() {
            col_own = Some(
                (0..ncols)
                    .map(|j| {
                        !cfg.text
                            && column_own_names(
                                (0..n)
                                    .map(|k| cells[k * ncols + j])
                                    .filter(|&i| i != u32::MAX)
                                    .map(|i| &cache.outcomes[i as usize]),
                            )
                    })
                    .collect(),
            );
        }
        if col_codes.is_empty() {
            col_codes = plan
                .cols
                .iter()
                .map(|&c| {
                    !cfg.text
                        && code_column(
                            plan.names.get(c).map_or("", String::as_str),
                            batch_now.iter().filter(|r| !r.bad).map(|r| &r.rec[c]),
                        )
                })
                .collect();
        }
        for (j, &c) in plan.cols.iter().enumerate() {
            if !col_codes[j] {
                continue;
            }
            for r in batch_now.iter().filter(|r| !r.bad) {
                let cell = &r.rec[c];
                if !code_cells.contains_key(cell) && cell.len() <= 8 {
                    let v = std::str::from_utf8(cell).unwrap_or("");
                    code_cells.insert(cell.into(), code_cell(nz, v));
                }
            }
        }
        let types = col_types.as_deref().unwrap_or(&[]);
        let own = col_own.as_deref().unwrap_or(&[]);
        // Write the batch.
        let tee = rdr.get_ref();
        let with_ids = plan.ids.iter().any(Option::is_some);
        let mut new: Vec<Option<&[u8]>> = vec![None; plan.width];
        let mut ins: Vec<Option<&[u8]>> = vec![None; plan.width];
        for (k, r) in batch_now.iter().enumerate() {
            summary.rows += 1;
            let raw = tee.slice(r.start, r.end);
            if r.bad {
                summary.bad_rows += 1;
                if cfg.write_data {
                    obuf.extend_from_slice(raw);
                }
                continue;
            }
            let mut changed = with_ids;
            for (j, &c) in plan.cols.iter().enumerate() {
                let idx = cells[k * ncols + j] as usize;
                let mut o = &cache.outcomes[idx];
                cache.counts[idx] += 1;
                if col_codes[j]
                    && decisions.is_none()
                    && o.findings.first().is_some_and(|f| {
                        f.id.is_empty() && !cfg.ignore.as_ref().is_some_and(|c| c.ignores(&f.value))
                    })
                {
                    // `de` in a column of codes: the code, in any case.
                    if let Some(oc) = code_cells.get(&r.rec[c]).filter(|oc| !oc.id.is_empty()) {
                        o = oc;
                        cache.counts[idx] -= 1;
                        *code_counts.entry(r.rec[c].into()).or_default() += 1;
                    }
                }
                if is_code(o) && !col_codes[j] && types.get(j).copied().flatten() != Some("country")
                {
                    // A code is read as a code only in a column of codes or of countries
                    // (`CAN` in a column of cities, `IT` in a column of departments).
                    summary.unresolved += 1;
                    if plan.ids[c].is_some() {
                        ins[c] = Some(b"");
                    }
                    continue;
                }
                if !fits_column(o, types.get(j).copied().flatten()) {
                    // Another type's entity in a typed column: neither rewritten nor given an id.
                    summary.unresolved += 1;
                    if plan.ids[c].is_some() {
                        ins[c] = Some(b"");
                    }
                    continue;
                }
                if !fits_own_names(o, own.get(j).copied().unwrap_or(false)) {
                    // Another town's own name in a column of own names: the town.
                    summary.ambiguous += 1;
                    if plan.ids[c].is_some() {
                        ins[c] = Some(b"");
                    }
                    continue;
                }
                match o.status {
                    Status::Fixed => summary.cells_fixed += 1,
                    Status::Ambiguous => summary.ambiguous += 1,
                    Status::Unresolved => summary.unresolved += 1,
                    Status::Undecided => summary.undecided += 1,
                    Status::Rejected => summary.rejected += 1,
                    _ => {}
                }
                new[c] = o.new.as_deref().map(str::as_bytes);
                changed |= o.new.is_some();
                if let Some(_name) = &plan.ids[c] {
                    ins[c] = Some(o.id.as_bytes());
                }
            }
            if cfg.write_data {
                if changed {
                    splice(raw, &r.rec, delim, &new, &ins, &mut obuf);
                } else {
                    obuf.extend_from_slice(raw);
                }
            }
            for &c in &plan.cols {
                new[c] = None;
                ins[c] = None;
            }
        }
        if n > 0 {
            done = batch_now[n - 1].end;
        }
        if eof {
            // Blank lines after the last record.
            let end = tee.base + tee.buf.len() as u64;
            if cfg.write_data {
                obuf.extend_from_slice(tee.slice(done, end));
            }
            done = end;
        }
        if cfg.write_data {
            out.write_all(&obuf)?;
        }
        obuf.clear();
        rdr.get_mut().forget_before(done);
        progress(Progress {
            bytes: off + done,
            rows: summary.rows,
        });
        if !cfg.collect_values && cache.outcomes.len() > CACHE_LIMIT {
            cache.map.clear();
            cache.outcomes.clear();
            cache.counts.clear();
        }
    }
    out.flush()?;

    if cfg.collect_values {
        let codes = code_counts
            .iter()
            .filter_map(|(k, &n)| code_cells.get(k).map(|o| (o, n)));
        run.values = collect(
            cache
                .outcomes
                .iter()
                .zip(cache.counts.iter().copied())
                .chain(codes),
        );
    }
    run.summary = summary;
    Ok(run)
}

/// The distinct findings worth reporting, merged by value, most frequent first.
/// The report's values: each distinct outcome with the number of cells it was used for.
fn collect<'a>(outcomes: impl Iterator<Item = (&'a Outcome, u64)>) -> Vec<ValueReport> {
    let mut merged: HashMap<(String, Status), ValueReport> = HashMap::new();
    for (o, count) in outcomes {
        if count == 0 {
            continue;
        }
        for f in &o.findings {
            if matches!(f.status, Status::Correct | Status::Empty) {
                continue;
            }
            merged
                .entry((f.value.clone(), f.status))
                .and_modify(|v| v.count += count)
                .or_insert_with(|| ValueReport {
                    count,
                    finding: f.clone(),
                });
        }
    }
    let mut v: Vec<ValueReport> = merged.into_values().collect();
    v.sort_by(|a, b| {
        b.count
            .cmp(&a.count)
            .then_with(|| a.finding.status.cmp(&b.finding.status))
            .then_with(|| a.finding.value.cmp(&b.finding.value))
    });
    v
}

fn candidates_text(c: &[Candidate]) -> String {
    c.iter()
        .map(|c| format!("{}={} ({})", c.id, c.canonical, c.kind))
        .collect::<Vec<_>>()
        .join(" | ")
}

/// The nine cells every report row starts with, tab-separated: `value count status canonical id
/// type match score candidates` (`canonical` is the proposal in a `--propose` file).
struct FindingCells<'a>(&'a ValueReport);

impl std::fmt::Display for FindingCells<'_> {
    fn fmt(&self, out: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let v = self.0;
        let f = &v.finding;
        write!(
            out,
            "{}\t{}\t{}\t{}\t{}\t{}\t{}\t{:.2}\t{}",
            tsv_escape(&f.value),
            v.count,
            f.status.as_str(),
            tsv_escape(&f.canonical),
            tsv_escape(&f.id),
            f.kind,
            f.how,
            f.score,
            tsv_escape(&candidates_text(&f.candidates))
        )
    }
}

/// The `--report` TSV: `value count status canonical id type match score candidates`.
pub fn write_report(values: &[ValueReport], out: &mut impl Write) -> io::Result<()> {
    writeln!(
        out,
        "value\tcount\tstatus\tcanonical\tid\ttype\tmatch\tscore\tcandidates"
    )?;
    for v in values {
        writeln!(out, "{}", FindingCells(v))?;
    }
    Ok(())
}

/// The `--propose` TSV: `value count status proposal id type match score candidates decision`,
/// with `decision` set to `accept` where there is a proposal and empty elsewhere, for the
/// user to edit.
pub fn write_proposals(values: &[ValueReport], out: &mut impl Write) -> io::Result<()> {
    writeln!(
        out,
        "value\tcount\tstatus\tproposal\tid\ttype\tmatch\tscore\tcandidates\tdecision"
    )?;
    for v in values {
        let proposal = matches!(v.finding.status, Status::Fixed | Status::Undecided);
        writeln!(
            out,
            "{}\t{}",
            FindingCells(v),
            if proposal { "accept" } else { "" }
        )?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sniffs() {
        assert_eq!(sniff_delimiter(b"a;b;c\n1,5;2;3"), b';');
        assert_eq!(sniff_delimiter(b"a,b,c\n"), b',');
        assert_eq!(sniff_delimiter(b"a\tb\n"), b'\t');
        assert_eq!(sniff_delimiter(b"\"x;y\",b\n"), b',');
        assert_eq!(sniff_delimiter(b"abc\n"), b',');
    }

    #[test]
    fn layouts() {
        let mut f = Vec::new();
        assert_eq!(layout(b"a,\"b,\"\"c\",d\r\n", b',', &mut f), Ok((0, 11)));
        assert_eq!(f, vec![(0, 1), (2, 9), (10, 11)]);
        assert_eq!(layout(b"\na,\"x\ny\"", b',', &mut f), Ok((1, 8)));
        assert_eq!(f, vec![(1, 2), (3, 8)]);
        assert_eq!(layout(b"a,\"bc\n", b',', &mut f), Err(2));
        assert_eq!(layout(b"a,b\"c\n", b',', &mut f), Ok((0, 5)));
    }

    #[test]
    fn escapes() {
        for s in ["a\tb", "x\\ny", "line\nbreak\r", "plain"] {
            assert_eq!(tsv_unescape(&tsv_escape(s)), s);
        }
    }

    /// A cell's outcome: `status`, matched `how`, found only through weak names or not, and
    /// whether the cell is another town's own name.
    fn outcome(status: Status, how: &'static str, weak: bool, town: bool) -> Outcome {
        Outcome {
            new: (status == Status::Fixed).then(|| "Canonical".to_string()),
            id: "1".to_string(),
            findings: vec![Finding {
                value: "value".to_string(),
                status,
                canonical: "Canonical".to_string(),
                id: "1".to_string(),
                kind: "city",
                how,
                score: 1.0,
                candidates: Vec::new(),
            }],
            status,
            weak,
            town,
        }
    }

    #[test]
    fn own_names_of_a_column() {
        use Status::{Correct, Fixed};
        let main = || outcome(Correct, "exact", false, false);
        let alternate = || outcome(Fixed, "exact", true, false);
        let misspelt = || outcome(Fixed, "fuzzy", true, false);
        let town = || outcome(Fixed, "exact", true, true);
        // (cells, own names?): four fifths of the confident cells and three or more.
        let cases: [(Vec<Outcome>, bool); 8] = [
            (vec![main(), main(), main(), main(), alternate()], true),
            (
                vec![main(), main(), main(), alternate(), alternate()],
                false,
            ),
            (vec![main(), main()], false),
            (vec![alternate(), alternate(), alternate()], false),
            // Fuzzy matches are not confident: they do not count.
            (vec![main(), main(), main(), misspelt(), misspelt()], true),
            (
                vec![
                    main(),
                    main(),
                    main(),
                    outcome(Fixed, "folded", false, false),
                ],
                true,
            ),
            // The cells in question do not decide.
            (vec![main(), main(), main(), town(), town()], true),
            (vec![town(), town(), town(), alternate()], false),
        ];
        for (i, (cells, want)) in cases.iter().enumerate() {
            assert_eq!(column_own_names(cells.iter()), *want, "case {i}");
        }
    }

    #[test]
    fn another_towns_own_name() {
        use Status::{Correct, Fixed};
        // (outcome, column of own names, may be written)
        let cases = [
            (outcome(Fixed, "exact", true, true), true, false),
            (outcome(Fixed, "exact", true, true), false, true),
            (outcome(Fixed, "exact", true, false), true, true),
            (outcome(Fixed, "exact", false, false), true, true),
            (outcome(Correct, "exact", true, true), true, true),
        ];
        for (i, (o, own, want)) in cases.iter().enumerate() {
            assert_eq!(fits_own_names(o, *own), *want, "case {i}");
        }
    }

    #[test]
    fn writes_fields() {
        let mut o = Vec::new();
        write_field(b"a,b", b',', &mut o);
        write_field(b"say \"x\"", b',', &mut o);
        write_field(b"plain", b',', &mut o);
        assert_eq!(o, b"\"a,b\"\"say \"\"x\"\"\"plain");
    }

    #[test]
    fn columns_of_codes() {
        let cases: &[(&str, &[&str], bool)] = &[
            ("iso2", &["de"], true),
            ("Country", &["Germany"], true),
            ("cc", &[], true),
            (
                "",
                &["de", "fr", "it", "es", "pl", "cz", "at", "ch", "nl", "be"],
                true,
            ),
            (
                "",
                &[
                    "DEU", "FRA", "ITA", "ESP", "POL", "CZE", "AUT", "CHE", "NLD", "BEL", "276", "",
                ],
                true,
            ),
            ("dept", &["IT", "HR", "PR", "QA", "FI", "IT", "HR"], false),
            ("", &["de", "fr"], false),
            ("", &["de", "fr", "Germany", "Paris", "x"], false),
            ("city", &["Paris", "CAN", "TUR", "Lyon"], false),
            ("area code", &["212", "415", "Paris"], false),
        ];
        for (header, cells, want) in cases {
            let got = code_column(header, cells.iter().map(|c| c.as_bytes()));
            assert_eq!(got, *want, "{header:?} {cells:?}");
        }
    }
}
