//! Prose-aware input for `check` and editors: what of a file is text to check.
//!
//! - Every file: URLs and e-mail addresses are skipped.
//! - Markdown: also code spans, fenced code blocks, link targets (`[text](target)`, `[text][ref]`)
//!   and reference definitions (`[ref]: https://...`); block-quote markers at the start of a line
//!   are read as spaces, so that a name wrapped inside a quote is still one name.
//! - A word hyphenated across a line break (`Kazakha-\nstan`) is read joined, so it is found;
//!   a name wrapped across a line break (`Kassym-Jomart\nTokayev`) is already one name to the
//!   matcher.
//!
//! [`prepare`] returns a view of the text with skipped ranges blanked (byte lengths kept, so
//! offsets stay valid) and hyphenations joined, with a map back to the original offsets;
//! [`find`] runs the matcher over it and returns matches in original offsets.

use std::ops::Range;
use std::path::Path;

use crate::engine::{Match, Normalizer};
use crate::scanner::Scanner;

/// How a text is read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Syntax {
    /// Markdown (`.md`, `.markdown`, `.mdx`, ...).
    Markdown,
    /// Anything else: everything but URLs and e-mail addresses is checked.
    Plain,
}

impl Syntax {
    /// The syntax of a file, from its extension.
    pub fn of_path(path: &Path) -> Syntax {
        let ext = path
            .extension()
            .and_then(|e| e.to_str())
            .map(str::to_ascii_lowercase);
        match ext.as_deref() {
            Some("md" | "markdown" | "mdx" | "mkd" | "mkdn" | "mdown" | "qmd" | "rmd") => {
                Syntax::Markdown
            }
            _ => Syntax::Plain,
        }
    }
}

/// Byte that replaces skipped text: not a word character, and it ends a name.
const CUT: u8 = 0x01;

/// Ranges of `text` (byte offsets) that are not prose: never checked.
pub fn skipped(text: &str, syntax: Syntax) -> Vec<Range<usize>> {
    let mut out = Vec::new();
    if syntax == Syntax::Markdown {
        markdown(text, &mut out);
    }
    urls(text, &mut out);
    emails(text, &mut out);
    out.sort_by_key(|r| (r.start, r.end));
    // Merge overlaps.
    let mut merged: Vec<Range<usize>> = Vec::with_capacity(out.len());
    for r in out {
        match merged.last_mut() {
            Some(last) if r.start <= last.end => last.end = last.end.max(r.end),
            _ => merged.push(r),
        }
    }
    merged
}

/// A prepared view of a text: the text the matcher reads, and the way back to the original.
#[derive(Debug, Clone)]
pub struct Prepared {
    /// The text to match: skipped ranges blanked, hyphenations joined.
    pub text: String,
    /// `(offset in text, bytes removed before it)` at each join, in order.
    joins: Vec<(usize, usize)>,
}

impl Prepared {
    /// The offset in the original text of offset `at` of the prepared text.
    pub fn original(&self, at: usize) -> usize {
        let i = self.joins.partition_point(|&(p, _)| p <= at);
        if i == 0 {
            at
        } else {
            at + self.joins[i - 1].1
        }
    }
}

/// Prepares `text` for matching (see the module documentation).
pub fn prepare(text: &str, syntax: Syntax) -> Prepared {
    let mut bytes = text.as_bytes().to_vec();
    for r in skipped(text, syntax) {
        for b in &mut bytes[r] {
            // Keep line breaks, so that line structure (and hard wraps) stays visible.
            if *b != b'\n' {
                *b = CUT;
            }
        }
    }
    if syntax == Syntax::Markdown {
        blank_quote_markers(&mut bytes);
    }
    // Replacing whole UTF-8 sequences by ASCII keeps the text valid UTF-8.
    let masked = String::from_utf8(bytes).expect("ASCII replacements keep UTF-8 valid");
    dehyphenate(masked)
}

/// The matches of `nz` in `text`, prose-aware, with offsets in `text`.
pub fn find(nz: &Normalizer, sc: &mut Scanner, text: &str, syntax: Syntax) -> Vec<Match> {
    let p = prepare(text, syntax);
    let mut matches = nz.find_with(&p.text, sc);
    if !p.joins.is_empty() {
        for m in &mut matches {
            m.start = p.original(m.start);
            m.end = p.original(m.end);
        }
    }
    matches
}

/// The matches of `nz` in `bytes`, a whole file that may hold invalid UTF-8, prose-aware,
/// with offsets in `bytes`. The file is read once, as a whole (each invalid sequence read as
/// a cut of the same length, so that it neither joins words nor shifts the Markdown
/// structure); matches touching an invalid sequence are dropped.
pub fn find_bytes(nz: &Normalizer, sc: &mut Scanner, bytes: &[u8], syntax: Syntax) -> Vec<Match> {
    if let Ok(s) = std::str::from_utf8(bytes) {
        return find(nz, sc, s, syntax);
    }
    let (text, bad) = replace_invalid(bytes);
    let mut matches = find(nz, sc, &text, syntax);
    matches.retain(|m| {
        let i = bad.partition_point(|r| r.end <= m.start);
        bad.get(i).is_none_or(|r| r.start >= m.end)
    });
    matches
}

/// `bytes` as text of the same length: each invalid UTF-8 sequence (also one cut short at the
/// end) replaced by cut bytes, as [`find_bytes`] reads it.
fn lossless(bytes: &[u8]) -> std::borrow::Cow<'_, str> {
    match std::str::from_utf8(bytes) {
        Ok(s) => std::borrow::Cow::Borrowed(s),
        Err(_) => std::borrow::Cow::Owned(replace_invalid(bytes).0),
    }
}

/// `bytes` with each invalid UTF-8 sequence replaced by as many cut bytes, and where those
/// sequences were.
fn replace_invalid(bytes: &[u8]) -> (String, Vec<Range<usize>>) {
    let mut text = Vec::with_capacity(bytes.len());
    let mut bad: Vec<Range<usize>> = Vec::new();
    let mut rest = bytes;
    while !rest.is_empty() {
        match std::str::from_utf8(rest) {
            Ok(_) => {
                text.extend_from_slice(rest);
                break;
            }
            Err(e) => {
                let good = e.valid_up_to();
                let n = e.error_len().unwrap_or(rest.len() - good);
                text.extend_from_slice(&rest[..good]);
                let at = text.len();
                text.resize(at + n, CUT);
                bad.push(at..at + n);
                rest = &rest[good + n..];
            }
        }
    }
    let text = String::from_utf8(text).expect("invalid sequences replaced by ASCII");
    (text, bad)
}

/// A place to cut Markdown `bytes` (the start of a document or of a part cut the same way) into
/// two parts read separately with the same result as reading them together: after a blank line
/// (`\n\n`), before a line that is not blank and not indented (so no list, indented code or
/// paragraph goes on across the cut), outside any fenced or indented code block. The last such
/// place in the second half of `bytes`, if any.
pub fn markdown_cut(bytes: &[u8]) -> Option<usize> {
    let half = bytes.len() / 2;
    let mut hi = bytes.len();
    let mut ranges: Option<Vec<Range<usize>>> = None;
    while let Some(p) = memchr::memmem::rfind(&bytes[half..hi], b"\n\n") {
        let cut = half + p + 2;
        hi = half + p + 1;
        if !starts_plain_line(&bytes[cut..]) {
            continue;
        }
        let r = ranges.get_or_insert_with(|| skipped(&lossless(bytes), Syntax::Markdown));
        if !r.iter().any(|r| r.start < cut && cut < r.end) {
            return Some(cut);
        }
    }
    None
}

/// True when `rest` starts with a line that is not blank and is indented less than four
/// columns (judged on what `rest` holds of it).
fn starts_plain_line(rest: &[u8]) -> bool {
    let lead = rest
        .iter()
        .take_while(|&&b| b == b' ' || b == b'\t')
        .count();
    if indent_width(&lossless(&rest[..lead])) >= 4 {
        return false;
    }
    let after = &rest[lead..rest.len().min(lead + 4)];
    match std::str::from_utf8(after) {
        Ok(s) => s.chars().next(),
        Err(e) => std::str::from_utf8(&after[..e.valid_up_to()])
            .ok()
            .and_then(|s| s.chars().next()),
    }
    .is_some_and(|c| !c.is_whitespace())
}

/// Joins words hyphenated across a line break: a capitalised word, `-`, the line break (and
/// the next line's indentation), then a lower-case letter.
fn dehyphenate(text: String) -> Prepared {
    let b = text.as_bytes();
    let mut cuts: Vec<Range<usize>> = Vec::new();
    let mut from = 0;
    while let Some(p) = memchr::memmem::find(&b[from..], b"-").map(|p| from + p) {
        from = p + 1;
        let mut q = p + 1;
        while q < b.len() && (b[q] == b' ' || b[q] == b'\t' || b[q] == b'\r') {
            q += 1;
        }
        if q >= b.len() || b[q] != b'\n' {
            continue;
        }
        q += 1;
        while q < b.len() && (b[q] == b' ' || b[q] == b'\t') {
            q += 1;
        }
        let Some(next) = text[q..].chars().next() else {
            continue;
        };
        if !next.is_lowercase() {
            continue;
        }
        // The word before the hyphen: letters, starting with a capital.
        let before = &text[..p];
        let word_start = before
            .char_indices()
            .rev()
            .take_while(|(_, c)| c.is_alphabetic())
            .last()
            .map(|(i, _)| i);
        let Some(ws) = word_start else {
            continue;
        };
        if !text[ws..].chars().next().is_some_and(char::is_uppercase) {
            continue;
        }
        cuts.push(p..q);
        from = q;
    }
    if cuts.is_empty() {
        return Prepared {
            text,
            joins: Vec::new(),
        };
    }
    let mut out = String::with_capacity(text.len());
    let mut joins = Vec::with_capacity(cuts.len());
    let mut at = 0;
    let mut removed = 0;
    for c in cuts {
        out.push_str(&text[at..c.start]);
        removed += c.end - c.start;
        joins.push((out.len(), removed));
        at = c.end;
    }
    out.push_str(&text[at..]);
    Prepared { text: out, joins }
}

/// Block-quote markers (`>` at the start of a line, after optional spaces) become spaces.
fn blank_quote_markers(b: &mut [u8]) {
    let mut i = 0;
    let mut line_start = true;
    while i < b.len() {
        if line_start {
            let mut j = i;
            loop {
                while j < b.len() && b[j] == b' ' {
                    j += 1;
                }
                if j < b.len() && b[j] == b'>' {
                    b[j] = b' ';
                    j += 1;
                } else {
                    break;
                }
            }
            i = j;
            line_start = false;
            continue;
        }
        if b[i] == b'\n' {
            line_start = true;
        }
        i += 1;
    }
}

/// Line ranges of `text` (without the line break).
fn lines(text: &str) -> impl Iterator<Item = Range<usize>> + '_ {
    let mut at = 0;
    std::iter::from_fn(move || {
        if at > text.len() || (at == text.len() && !text.is_empty() && text.ends_with('\n')) {
            return None;
        }
        let end = memchr::memchr(b'\n', &text.as_bytes()[at..]).map_or(text.len(), |p| at + p);
        let r = at..end;
        at = end + 1;
        Some(r)
    })
}

/// A fence opening or closing line: the fence character and its count.
fn fence(line: &str) -> Option<(u8, usize, &str)> {
    let t = line.trim_start();
    let c = *t.as_bytes().first()?;
    if c != b'`' && c != b'~' {
        return None;
    }
    let n = t.bytes().take_while(|&b| b == c).count();
    if n < 3 {
        return None;
    }
    let rest = &t[n..];
    if c == b'`' && rest.contains('`') {
        return None;
    }
    Some((c, n, rest))
}

/// The indentation of a line in columns (a tab goes to the next multiple of 4).
fn indent_width(line: &str) -> usize {
    let mut w = 0;
    for b in line.bytes() {
        match b {
            b' ' => w += 1,
            b'\t' => w += 4 - w % 4,
            _ => break,
        }
    }
    w
}

/// True for a list item: `-`, `*` or `+`, or a number and `.` or `)`, then a space or the end
/// of the line (after the indentation).
fn is_list_item(line: &str) -> bool {
    let t = line.trim_start();
    let rest = match t.as_bytes().first() {
        Some(b'-' | b'*' | b'+') => &t[1..],
        Some(b'0'..=b'9') => {
            let digits = t.bytes().take_while(u8::is_ascii_digit).count();
            match t.as_bytes().get(digits) {
                Some(b'.' | b')') if digits <= 9 => &t[digits + 1..],
                _ => return false,
            }
        }
        _ => return false,
    };
    rest.is_empty() || rest.starts_with([' ', '\t'])
}

fn markdown(text: &str, out: &mut Vec<Range<usize>>) {
    let mut open: Option<(u8, usize, usize)> = None; // fence char, count, block start
    let mut prose_start: Option<usize> = None; // start of the current run of prose lines
                                               // An indented code block: its start and the end of its last non-blank line.
    let mut indented: Option<(usize, usize)> = None;
    let mut prev_blank = true;
    let mut in_list = false;
    for r in lines(text) {
        let line = &text[r.clone()];
        let blank = line.trim().is_empty();
        let was_blank = std::mem::replace(&mut prev_blank, blank);
        if let Some((start, end)) = indented {
            if blank || indent_width(line) >= 4 {
                if !blank {
                    indented = Some((start, r.end));
                }
                continue;
            }
            out.push(start..end);
            indented = None;
        }
        if open.is_none() && !blank {
            let indent = indent_width(line);
            if indent >= 4 {
                // Four spaces or a tab after a blank line, outside a list: code.
                if was_blank && !in_list && prose_start.is_none() {
                    indented = Some((r.start, r.end));
                    continue;
                }
            } else if is_list_item(line) {
                in_list = true;
            } else if was_blank {
                in_list = false;
            }
        }
        if let Some((c, n, start)) = open {
            if let Some((c2, n2, rest)) = fence(line) {
                if c2 == c && n2 >= n && rest.trim().is_empty() {
                    out.push(start..r.end);
                    open = None;
                }
            }
            continue;
        }
        if let Some((c, n, _)) = fence(line) {
            if let Some(ps) = prose_start.take() {
                inline(text, ps..r.start, out);
            }
            open = Some((c, n, r.start));
            continue;
        }
        if line.trim().is_empty() {
            // A blank line ends a paragraph: code spans do not cross it.
            if let Some(ps) = prose_start.take() {
                inline(text, ps..r.start, out);
            }
            continue;
        }
        if let Some(def) = reference_definition(line) {
            out.push(r.start + def..r.end);
        }
        prose_start.get_or_insert(r.start);
    }
    if let Some((_, _, start)) = open {
        out.push(start..text.len());
    }
    if let Some((start, end)) = indented {
        out.push(start..end);
    }
    if let Some(ps) = prose_start {
        inline(text, ps..text.len(), out);
    }
}

/// `[label]: destination "title"`: the offset in the line where the definition starts.
fn reference_definition(line: &str) -> Option<usize> {
    let indent = line.len() - line.trim_start_matches(' ').len();
    if indent > 3 || !line[indent..].starts_with('[') {
        return None;
    }
    let close = line[indent..].find("]:")? + indent;
    if line[indent + 1..close].contains(']') {
        return None;
    }
    Some(indent)
}

/// Code spans and link targets in a paragraph.
fn inline(text: &str, para: Range<usize>, out: &mut Vec<Range<usize>>) {
    let b = text.as_bytes();
    let end = para.end;
    let mut i = para.start;
    while i < end {
        match b[i] {
            b'\\' => i += 2,
            b'`' => {
                let n = b[i..end].iter().take_while(|&&c| c == b'`').count();
                // The closing run: exactly n backticks.
                let mut j = i + n;
                let mut close = None;
                while j < end {
                    if b[j] == b'`' {
                        let m = b[j..end].iter().take_while(|&&c| c == b'`').count();
                        if m == n {
                            close = Some(j + m);
                            break;
                        }
                        j += m;
                    } else {
                        j += 1;
                    }
                }
                match close {
                    Some(c) => {
                        out.push(i..c);
                        i = c;
                    }
                    None => i += n,
                }
            }
            b']' if i + 1 < end && (b[i + 1] == b'(' || b[i + 1] == b'[') => {
                let (open, close) = if b[i + 1] == b'(' {
                    (b'(', b')')
                } else {
                    (b'[', b']')
                };
                let mut depth = 0usize;
                let mut j = i + 1;
                let mut found = None;
                while j < end {
                    let c = b[j];
                    if c == b'\\' {
                        j += 2;
                        continue;
                    }
                    if c == open {
                        depth += 1;
                    } else if c == close {
                        depth -= 1;
                        if depth == 0 {
                            found = Some(j + 1);
                            break;
                        }
                    } else if c == b'\n' && open == b'(' && j + 1 < end && b[j + 1] == b'\n' {
                        break;
                    }
                    j += 1;
                }
                match found {
                    Some(f) => {
                        out.push(i + 1..f);
                        i = f;
                    }
                    None => i += 1,
                }
            }
            _ => i += 1,
        }
    }
}

fn is_url_char(c: char) -> bool {
    !(c.is_whitespace() || c.is_control() || matches!(c, '<' | '>' | '"' | '`'))
}

/// The end of the URL that starts at byte `p`: its run of URL characters, without trailing
/// punctuation.
fn url_end(text: &str, p: usize) -> usize {
    let rest = &text[p..];
    let len = rest
        .char_indices()
        .find(|&(_, c)| !is_url_char(c))
        .map_or(rest.len(), |(i, _)| i);
    p + trim_url_end(&rest[..len])
}

/// Trims trailing punctuation that ends a sentence rather than the URL; closing brackets only
/// when unbalanced within the URL.
fn trim_url_end(s: &str) -> usize {
    let mut end = s.len();
    loop {
        let Some(c) = s[..end].chars().next_back() else {
            return end;
        };
        let trim = match c {
            '.' | ',' | ':' | ';' | '!' | '?' | '\'' | '*' | '_' => true,
            ')' | ']' | '}' => {
                let open = match c {
                    ')' => '(',
                    ']' => '[',
                    _ => '{',
                };
                let body = &s[..end];
                body.matches(c).count() > body.matches(open).count()
            }
            _ => false,
        };
        if !trim {
            return end;
        }
        end -= c.len_utf8();
    }
}

fn urls(text: &str, out: &mut Vec<Range<usize>>) {
    let b = text.as_bytes();
    // scheme://...
    for p in memchr::memmem::find_iter(b, b"://") {
        let mut s = p;
        while s > 0 && (b[s - 1].is_ascii_alphanumeric() || matches!(b[s - 1], b'+' | b'.' | b'-'))
        {
            s -= 1;
        }
        while s < p && !b[s].is_ascii_alphabetic() {
            s += 1;
        }
        if s == p {
            continue;
        }
        let end = url_end(text, p);
        if end > p + 3 {
            out.push(s..end);
        }
    }
    // www.example.org without a scheme.
    for p in memchr::memmem::find_iter(b, b"www.") {
        if p > 0 && (b[p - 1].is_ascii_alphanumeric() || matches!(b[p - 1], b'/' | b'.' | b'@')) {
            continue;
        }
        let end = url_end(text, p);
        if end > p + 5 {
            out.push(p..end);
        }
    }
}

fn is_local_char(c: char) -> bool {
    c.is_alphanumeric() || matches!(c, '.' | '_' | '%' | '+' | '-' | '\'')
}

fn is_domain_char(c: char) -> bool {
    c.is_alphanumeric() || matches!(c, '.' | '-')
}

fn emails(text: &str, out: &mut Vec<Range<usize>>) {
    for p in memchr::memchr_iter(b'@', text.as_bytes()) {
        let before = &text[..p];
        let start = before
            .char_indices()
            .rev()
            .take_while(|&(_, c)| is_local_char(c))
            .last()
            .map_or(p, |(i, _)| i);
        let after = &text[p + 1..];
        let len = after
            .char_indices()
            .find(|&(_, c)| !is_domain_char(c))
            .map_or(after.len(), |(i, _)| i);
        let domain = after[..len].trim_end_matches(['.', '-']);
        if start == p || !domain.contains('.') || domain.starts_with('.') {
            continue;
        }
        out.push(start..p + 1 + domain.len());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn skipped_texts(text: &str, syntax: Syntax) -> Vec<&str> {
        skipped(text, syntax)
            .into_iter()
            .map(|r| &text[r])
            .collect()
    }

    #[test]
    fn urls_and_emails() {
        assert_eq!(
            skipped_texts(
                "See https://example.org/Kazakhastan_(x). Mail ana.k@mail.kz, or www.kz.kz.",
                Syntax::Plain
            ),
            vec![
                "https://example.org/Kazakhastan_(x)",
                "ana.k@mail.kz",
                "www.kz.kz"
            ]
        );
    }

    #[test]
    fn markdown_code_and_links() {
        let md = "Text `Kazakhastan` and ``a ` b``.\n\n```\nKazakhastan\n```\n[Astana](https://x.org/Kazakhastan) [a][Kazakhastan]\n\n[Kazakhastan]: https://x.org\n";
        assert_eq!(
            skipped_texts(md, Syntax::Markdown),
            vec![
                "`Kazakhastan`",
                "``a ` b``",
                "```\nKazakhastan\n```",
                "(https://x.org/Kazakhastan)",
                "[Kazakhastan]",
                "[Kazakhastan]: https://x.org"
            ]
        );
        // Not Markdown: only URLs.
        assert_eq!(
            skipped_texts(md, Syntax::Plain),
            vec!["https://x.org/Kazakhastan", "https://x.org"]
        );
    }

    #[test]
    fn indented_code_blocks() {
        let md = "Text\n\n    Kazakhastan code\n\n\tmore code\nText again\n\n- item\n\n    Kazakhastan in the item\n";
        assert_eq!(
            skipped_texts(md, Syntax::Markdown),
            vec!["    Kazakhastan code\n\n\tmore code"]
        );
        // Not after a blank line: a paragraph's continuation.
        assert!(skipped_texts("Text\n    Kazakhastan\n", Syntax::Markdown).is_empty());
    }

    #[test]
    fn unclosed_fence_runs_to_the_end() {
        let md = "a\n~~~~\nb\n~~~\nc";
        assert_eq!(skipped_texts(md, Syntax::Markdown), vec!["~~~~\nb\n~~~\nc"]);
    }

    #[test]
    fn hyphenation_is_joined_and_mapped_back() {
        let t = "In Kazakha-\n  stan and well-\nknown Kassym-\nJomart.";
        let p = prepare(t, Syntax::Plain);
        assert_eq!(p.text, "In Kazakhastan and well-\nknown Kassym-\nJomart.");
        let s = p.text.find("Kazakhastan").unwrap();
        let e = s + "Kazakhastan".len();
        assert_eq!(&t[p.original(s)..p.original(e)], "Kazakha-\n  stan");
        let w = p.text.find("well").unwrap();
        assert_eq!(&t[p.original(w)..p.original(w + 4)], "well");
    }
}
