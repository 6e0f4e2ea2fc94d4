//! Byte offsets to line/column positions and back: the one implementation used by `check`
//! (1-based lines and columns in Unicode scalar values) and the language server (0-based,
//! UTF-16 or UTF-8 code units).
//!
//! [`Mapper`] converts offsets incrementally: asked for increasing offsets (the findings of a
//! text, in order), it reads the text once, so converting every finding of a file is linear in
//! its size.

/// What a column counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unit {
    /// Bytes of UTF-8.
    Utf8,
    /// UTF-16 code units.
    Utf16,
    /// Unicode scalar values (characters).
    Scalar,
}

impl Unit {
    #[inline]
    fn of(self, c: char) -> usize {
        match self {
            Unit::Utf8 => c.len_utf8(),
            Unit::Utf16 => c.len_utf16(),
            Unit::Scalar => 1,
        }
    }
}

/// Which line breaks end a line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Breaks {
    /// `\n` only (files as `check` reads them; `\r\n` ends with `\n`).
    Lf,
    /// `\n`, `\r\n` and a lone `\r` (the Language Server Protocol).
    Any,
}

const BOM: &[u8] = b"\xEF\xBB\xBF";

/// The length and width of the character (or invalid UTF-8 sequence, which counts as one
/// unit) at the start of `b` (not empty).
#[inline]
fn step(b: &[u8], unit: Unit) -> (usize, usize) {
    let first = b[0];
    if first < 0x80 {
        return (1, 1);
    }
    let len = match first {
        0xC0..=0xDF => 2,
        0xE0..=0xEF => 3,
        0xF0..=0xF7 => 4,
        _ => 1,
    };
    match b.get(..len).map(std::str::from_utf8) {
        Some(Ok(s)) => {
            let c = s.chars().next().expect("one character");
            (len, unit.of(c))
        }
        _ => {
            // An invalid sequence: as long as the decoder's error says, one unit wide.
            let n = match std::str::from_utf8(&b[..b.len().min(4)]) {
                Err(e) if e.valid_up_to() == 0 => e.error_len().unwrap_or(1),
                _ => 1,
            };
            (n.max(1), 1)
        }
    }
}

/// Converts byte offsets of one text to (0-based line, 0-based column) positions.
#[derive(Debug, Clone)]
pub struct Mapper<'a> {
    text: &'a [u8],
    unit: Unit,
    breaks: Breaks,
    /// A byte-order mark at the start takes no column.
    skip_bom: bool,
    at: usize,
    line: usize,
    col: usize,
    line_start: usize,
}

impl<'a> Mapper<'a> {
    /// A mapper over `text` counting columns in `unit`, lines ended by `breaks`.
    pub fn new(text: &'a [u8], unit: Unit, breaks: Breaks) -> Mapper<'a> {
        Mapper {
            text,
            unit,
            breaks,
            skip_bom: false,
            at: 0,
            line: 0,
            col: 0,
            line_start: 0,
        }
    }

    /// A mapper for a file as `check` reports it: lines end with `\n`, columns count Unicode
    /// scalar values, and a byte-order mark at the start is not a column.
    pub fn for_file(text: &'a [u8]) -> Mapper<'a> {
        Mapper {
            skip_bom: true,
            ..Mapper::new(text, Unit::Scalar, Breaks::Lf)
        }
    }

    /// The same mapper, with a byte-order mark at the start counted as a character: for a
    /// part of a file that is not its start.
    pub fn keep_bom(mut self) -> Mapper<'a> {
        self.skip_bom = false;
        self
    }

    /// Starts the next conversion at the start of 0-based `line`, at byte `start` (from a
    /// line-start table), so that a single position anywhere costs one line's scan.
    pub fn seek_line(&mut self, line: usize, start: usize) {
        self.at = start;
        self.line = line;
        self.col = 0;
        self.line_start = start;
    }

    /// The 0-based line and column of byte offset `offset` (clamped to the text).
    pub fn position(&mut self, offset: usize) -> (usize, usize) {
        let offset = offset.min(self.text.len());
        if offset < self.at {
            if offset >= self.line_start {
                let (l, s) = (self.line, self.line_start);
                self.seek_line(l, s);
            } else {
                self.seek_line(0, 0);
            }
        }
        let b = self.text;
        if self.at == 0 && self.skip_bom && b.starts_with(BOM) {
            self.at = if offset >= BOM.len() { BOM.len() } else { 0 };
        }
        while self.at < offset {
            let c = b[self.at];
            if c == b'\n'
                || (c == b'\r' && self.breaks == Breaks::Any && b.get(self.at + 1) != Some(&b'\n'))
            {
                self.at += 1;
                self.line += 1;
                self.col = 0;
                self.line_start = self.at;
                continue;
            }
            let (len, width) = step(&b[self.at..], self.unit);
            if self.at + len > offset && len > 1 {
                // Inside a character: stop before it.
                break;
            }
            self.at += len;
            self.col += width;
        }
        (self.line, self.col)
    }
}

/// Byte offsets of the starts of the lines of `text`.
pub fn line_starts(text: &[u8], breaks: Breaks) -> Vec<usize> {
    let mut out = vec![0];
    match breaks {
        Breaks::Lf => out.extend(memchr::memchr_iter(b'\n', text).map(|i| i + 1)),
        Breaks::Any => {
            for i in memchr::memchr2_iter(b'\n', b'\r', text) {
                if text[i] == b'\n' || text.get(i + 1) != Some(&b'\n') {
                    out.push(i + 1);
                }
            }
        }
    }
    out
}

/// The 0-based line and column of `offset` using a line-start table: one line's scan.
pub fn position_in(
    text: &[u8],
    starts: &[usize],
    offset: usize,
    unit: Unit,
    breaks: Breaks,
) -> (usize, usize) {
    let offset = offset.min(text.len());
    let line = starts.partition_point(|&s| s <= offset).max(1) - 1;
    let mut m = Mapper::new(text, unit, breaks);
    m.seek_line(line, starts[line]);
    m.position(offset)
}

/// The byte offset of (0-based `line`, `column` in `unit`), clamped to the end of its line (and
/// of the text), never inside a character.
pub fn offset_in(text: &str, starts: &[usize], line: usize, column: usize, unit: Unit) -> usize {
    let Some(&start) = starts.get(line) else {
        return text.len();
    };
    let end = starts.get(line + 1).copied().unwrap_or(text.len());
    let l = &text[start..end];
    let content = l
        .strip_suffix('\n')
        .map(|l| l.strip_suffix('\r').unwrap_or(l))
        .or_else(|| l.strip_suffix('\r'))
        .unwrap_or(l);
    let mut units = 0;
    for (i, c) in content.char_indices() {
        if units >= column {
            return start + i;
        }
        units += unit.of(c);
        if units > column {
            // Inside a character (half of a surrogate pair): its start.
            return start + i;
        }
    }
    start + content.len()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn incremental_and_random_access_agree() {
        let text = "a\r\n😀 Kazakhastan é\rx\nlast";
        let b = text.as_bytes();
        for (unit, breaks) in [
            (Unit::Utf16, Breaks::Any),
            (Unit::Utf8, Breaks::Any),
            (Unit::Scalar, Breaks::Lf),
        ] {
            let starts = line_starts(b, breaks);
            let mut m = Mapper::new(b, unit, breaks);
            for (off, _) in text.char_indices() {
                assert_eq!(m.position(off), position_in(b, &starts, off, unit, breaks));
            }
        }
        let k = text.find("Kazakhastan").unwrap();
        assert_eq!(Mapper::new(b, Unit::Utf16, Breaks::Any).position(k), (1, 3));
        assert_eq!(Mapper::new(b, Unit::Scalar, Breaks::Lf).position(k), (1, 2));
        let x = text.find('x').unwrap();
        assert_eq!(Mapper::new(b, Unit::Utf16, Breaks::Any).position(x), (2, 0));
    }

    #[test]
    fn bom_and_invalid_bytes() {
        let t = b"\xEF\xBB\xBFab\xFFc";
        let mut m = Mapper::for_file(t);
        assert_eq!(m.position(3), (0, 0));
        assert_eq!(m.position(6), (0, 3));
        assert_eq!(m.position(0), (0, 0));
        assert_eq!(Mapper::new(t, Unit::Scalar, Breaks::Lf).position(3), (0, 1));
    }
}
