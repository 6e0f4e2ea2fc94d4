//! Word tokenizer over byte offsets, with the name rules of the matcher.
//!
//! A word is a run of letters, digits and combining marks; an apostrophe between two letters
//! stays inside the word (`d’Ivoire`, `O'Brien`) except for a possessive ending (`’s`), which is
//! left outside so that `Kazakhstan’s` matches `Kazakhstan`. Hyphens split words
//! (`Kassym-Jomart` is two words), but the gap records whether a multi-word name may continue
//! across it: spaces, one line break, one hyphen or dash and one full stop may join words of a
//! name; any other punctuation ends it.
//!
//! Also compiled into `build.rs`, so that alias keys are split exactly as text is.

use crate::fold::{is_apostrophe, is_invisible};

/// One word of a text: byte range, and whether it may continue a name begun before it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Word {
    pub start: usize,
    pub end: usize,
    /// The gap between the previous word and this one may lie inside a name.
    pub joins: bool,
    /// The gap before this word is only spaces, tabs or one hyphen on the same line: the two
    /// words read as one phrase (no line break, no full stop between them).
    pub tight: bool,
    /// The word is ASCII letters and digits only; `hash` is then its folded-word hash.
    pub plain: bool,
    /// [`crate::index::layout::word_hash`] of the folded word, when `plain`.
    pub hash: u64,
}

#[inline]
fn is_word_char(c: char) -> bool {
    if c.is_ascii() {
        return c.is_ascii_alphanumeric();
    }
    // The letters of Latin-1, Latin Extended-A and -B, and the basic Greek and Cyrillic
    // alphabets, without the Unicode table search.
    if matches!(c, '\u{00C0}'..='\u{024F}' | '\u{0391}'..='\u{03A1}' | '\u{03A3}'..='\u{03A9}'
        | '\u{03AC}'..='\u{03CE}' | '\u{0400}'..='\u{0481}')
    {
        return c != '\u{00D7}' && c != '\u{00F7}';
    }
    c.is_alphanumeric()
        || unicode_normalization::char::is_combining_mark(c)
        || matches!(c, '\u{200C}' | '\u{200D}' | '\u{00AD}')
}

#[inline]
fn is_dash(c: char) -> bool {
    matches!(
        c,
        '-' | '\u{2010}'..='\u{2015}' | '\u{2212}' | '\u{FE63}' | '\u{FF0D}'
    )
}

/// The gap since the last word: whether a name may continue across it, and whether it is
/// tight (spaces, tabs or one hyphen on one line).
struct Gap {
    ok: bool,
    tight: bool,
    newlines: u8,
    dashes: u8,
    dots: u8,
}

impl Gap {
    /// The gap after a word; `open` is false when nothing may join across it (text start,
    /// after a possessive).
    #[inline]
    fn after_word(open: bool) -> Gap {
        Gap {
            ok: open,
            tight: open,
            newlines: 0,
            dashes: 0,
            dots: 0,
        }
    }

    /// Takes one character of the gap.
    #[inline]
    fn push(&mut self, c: char) {
        if !self.ok {
            return;
        }
        let (ok, tight) = match c {
            ' ' | '\t' => (true, true),
            '\n' => {
                self.newlines += 1;
                (self.newlines <= 1, false)
            }
            '.' => {
                self.dots += 1;
                (self.dots <= 1, false)
            }
            c if is_dash(c) => {
                self.dashes += 1;
                (self.dashes <= 1, true)
            }
            '\u{00A0}' => (true, true),
            c => (c.is_whitespace() || is_invisible(c), false),
        };
        self.ok = ok;
        self.tight &= ok && tight;
    }
}

/// The character at byte `i` of `text` and its length.
#[inline]
fn char_at(text: &str, i: usize) -> (char, usize) {
    let b = text.as_bytes()[i];
    if b < 0x80 {
        (b as char, 1)
    } else {
        let c = text[i..].chars().next().unwrap_or('\0');
        (c, c.len_utf8())
    }
}

const ONES: u64 = 0x0101_0101_0101_0101;
const HIGH: u64 = 0x8080_8080_8080_8080;

/// The high bit of each byte of `x` that is an ASCII letter or digit.
#[inline]
fn alnum_bytes(x: u64) -> u64 {
    let seven = x & (0x7f * ONES);
    let lower = seven | (0x20 * ONES);
    // Each sum stays below 0x100 per byte, so no carry crosses into the next byte.
    let letter = lower.wrapping_add((0x80 - b'a' as u64) * ONES)
        & !lower.wrapping_add((0x7f - b'z' as u64) * ONES);
    let digit = seven.wrapping_add((0x80 - b'0' as u64) * ONES)
        & !seven.wrapping_add((0x7f - b'9' as u64) * ONES);
    (letter | digit) & !x & HIGH
}

/// Eight bytes of `bytes` from `at` (which must leave eight).
#[inline]
fn load8(bytes: &[u8], at: usize) -> u64 {
    u64::from_le_bytes(bytes[at..at + 8].try_into().unwrap())
}

/// The words of a text, in order: an iterator, so that a caller can hold a window of them.
pub struct Tokens<'a> {
    text: &'a str,
    at: usize,
    gap: Gap,
}

impl<'a> Tokens<'a> {
    pub fn new(text: &'a str) -> Tokens<'a> {
        Tokens {
            text,
            at: 0,
            gap: Gap::after_word(false),
        }
    }
}

impl Tokens<'_> {
    /// Appends words to `out` until it holds `max`; false when the text has no more words.
    pub fn fill(&mut self, out: &mut Vec<Word>, max: usize) -> bool {
        while out.len() < max {
            match self.next_word() {
                Some(w) => out.push(w),
                None => return false,
            }
        }
        true
    }

    #[inline(always)]
    fn next_word(&mut self) -> Option<Word> {
        let text = self.text;
        let bytes = text.as_bytes();
        let n = bytes.len();
        let mut i = self.at;
        while i < n {
            let b = bytes[i];
            if b < 0x80 {
                if b.is_ascii_alphanumeric() {
                    break;
                }
                self.gap.push(b as char);
                i += 1;
            } else {
                let (c, len) = char_at(text, i);
                if is_word_char(c) {
                    break;
                }
                self.gap.push(c);
                i += len;
            }
        }
        if i >= n {
            self.at = n;
            return None;
        }
        // A word starts at i. ASCII letters and digits are skipped eight at a time.
        let start = i;
        let mut j = i;
        let mut plain = true;
        let mut resume = None;
        loop {
            if j + 8 <= n {
                let stop = !alnum_bytes(load8(bytes, j)) & HIGH;
                if stop == 0 {
                    j += 8;
                    continue;
                }
                j += (stop.trailing_zeros() / 8) as usize;
            } else {
                while j < n && bytes[j].is_ascii_alphanumeric() {
                    j += 1;
                }
            }
            if j >= n {
                break;
            }
            let b = bytes[j];
            // ASCII punctuation or space ends the word, unless it is an apostrophe.
            if b < 0x80 && b != b'\'' && b != b'`' {
                break;
            }
            let (c, len) = char_at(text, j);
            if b >= 0x80 && is_word_char(c) {
                plain = false;
                j += len;
                continue;
            }
            if is_apostrophe(c) {
                // Inside the word only when a letter follows, and it is not a possessive `'s`.
                let after = j + len;
                let mut next = text[after..].chars();
                match next.next() {
                    Some(d) if d.is_alphabetic() => {
                        let possessive =
                            (d == 's' || d == 'S') && !next.next().is_some_and(is_word_char);
                        if possessive {
                            resume = Some(after + 1);
                            break;
                        }
                        plain = false;
                        j = after;
                        continue;
                    }
                    _ => break,
                }
            }
            break;
        }
        let hash = if plain {
            crate::index::layout::ascii_alnum_hash(bytes, start, j)
        } else {
            0
        };
        let word = Word {
            start,
            end: j,
            joins: self.gap.ok,
            tight: self.gap.ok && self.gap.tight,
            plain,
            hash,
        };
        self.gap = Gap::after_word(resume.is_none());
        self.at = resume.unwrap_or(j);
        Some(word)
    }
}

impl Iterator for Tokens<'_> {
    type Item = Word;

    fn next(&mut self) -> Option<Word> {
        self.next_word()
    }
}

/// Splits `text` into words. Calls `f` for each word in order.
pub fn for_each_word(text: &str, f: impl FnMut(Word)) {
    Tokens::new(text).for_each(f);
}

/// The words of `text` as a vector.
pub fn words(text: &str) -> Vec<Word> {
    let mut v = Vec::new();
    for_each_word(text, |w| v.push(w));
    v
}

/// The key of a name: its words folded and joined by single spaces. Punctuation between words
/// (hyphens, full stops) does not count; apostrophes inside words do.
pub fn name_key(name: &str) -> String {
    let mut key = String::with_capacity(name.len());
    for_each_word(name, |w| {
        if !key.is_empty() {
            key.push(' ');
        }
        crate::fold::fold_into(&name[w.start..w.end], &mut key);
    });
    key
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(s: &str) -> Vec<(&str, bool)> {
        words(s)
            .into_iter()
            .map(|w| (&s[w.start..w.end], w.joins))
            .collect()
    }

    #[test]
    fn possessives_hyphens_and_gaps() {
        assert_eq!(
            texts("Kazakhstan’s Kassym-Jomart Tokayev, d'Ivoire"),
            vec![
                ("Kazakhstan", false),
                ("Kassym", false),
                ("Jomart", true),
                ("Tokayev", true),
                ("d'Ivoire", false)
            ]
        );
        assert_eq!(
            texts("St. Petersburg"),
            vec![("St", false), ("Petersburg", true)]
        );
        assert_eq!(texts("a\n\nb"), vec![("a", false), ("b", false)]);
        assert_eq!(texts("CSTO's"), vec![("CSTO", false)]);
    }

    #[test]
    fn keys() {
        assert_eq!(name_key("Kassym-Jomart  Tokayev"), "kassym jomart tokayev");
        assert_eq!(name_key("Côte d’Ivoire"), "cote d'ivoire");
        assert_eq!(name_key("U.N."), "u n");
    }

    #[test]
    fn eight_byte_classes_match_the_byte_classes() {
        for b in 0..=255u8 {
            for lane in 0..8 {
                let x = u64::from_le_bytes([b'.'; 8]) & !(0xff << (8 * lane))
                    | (b as u64) << (8 * lane);
                let set = alnum_bytes(x) & (0x80 << (8 * lane)) != 0;
                assert_eq!(set, b.is_ascii_alphanumeric(), "byte {b:#x} lane {lane}");
            }
        }
    }

    #[test]
    fn plain_words_carry_the_hash_of_their_folded_form() {
        let s = "Zürich and KAZAKHSTAN’s O'Brien, abcdefghijklmnop9 x";
        for w in words(s) {
            let t = &s[w.start..w.end];
            assert_eq!(w.plain, t.bytes().all(|b| b.is_ascii_alphanumeric()), "{t}");
            if w.plain {
                assert_eq!(w.hash, crate::index::layout::ascii_word_hash(t.as_bytes()));
            }
        }
    }

    /// The rules of the module documentation read one character at a time: the reference
    /// that the eight-byte tokenizer must agree with.
    fn reference(text: &str) -> Vec<(usize, usize, bool, bool)> {
        let cs: Vec<(usize, char)> = text.char_indices().collect();
        let at = |k: usize| cs.get(k).map(|&(_, c)| c);
        let offset = |k: usize| cs.get(k).map_or(text.len(), |&(o, _)| o);
        let mut out = Vec::new();
        let (mut ok, mut tight) = (false, false);
        let (mut newlines, mut dashes, mut dots) = (0, 0, 0);
        let mut k = 0;
        while k < cs.len() {
            let c = cs[k].1;
            if !is_word_char(c) {
                if ok {
                    ok = match c {
                        '\n' => {
                            newlines += 1;
                            newlines <= 1
                        }
                        '.' => {
                            dots += 1;
                            dots <= 1
                        }
                        c if is_dash(c) => {
                            dashes += 1;
                            dashes <= 1
                        }
                        c => c.is_whitespace() || is_invisible(c),
                    };
                    tight &= ok && (matches!(c, ' ' | '\t' | '\u{00A0}') || is_dash(c));
                }
                k += 1;
                continue;
            }
            let start = k;
            let mut end = k + 1;
            let mut possessive = false;
            loop {
                match at(end) {
                    Some(c) if is_word_char(c) => end += 1,
                    Some(c) if is_apostrophe(c) && at(end + 1).is_some_and(char::is_alphabetic) => {
                        let d = at(end + 1).unwrap_or(' ');
                        if (d == 's' || d == 'S') && !at(end + 2).is_some_and(is_word_char) {
                            possessive = true;
                            break;
                        }
                        end += 1;
                    }
                    _ => break,
                }
            }
            out.push((offset(start), offset(end), ok, ok && tight));
            ok = !possessive;
            tight = ok;
            (newlines, dashes, dots) = (0, 0, 0);
            k = if possessive { end + 2 } else { end };
        }
        out
    }

    #[test]
    fn agrees_with_the_rules_read_one_character_at_a_time() {
        let alphabet: Vec<char> =
            "aZ9 xYz Qwertyuiopasdf 's’`S.-‐–,;:!\n\t\u{A0}\u{200B}\u{AD}éЖΩ\u{301}"
                .chars()
                .collect();
        let mut seed: u64 = 7;
        let mut next = |m: usize| {
            seed = seed
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
            (seed >> 33) as usize % m
        };
        for _ in 0..20_000 {
            let len = next(40);
            let s: String = (0..len).map(|_| alphabet[next(alphabet.len())]).collect();
            let got: Vec<_> = words(&s)
                .iter()
                .map(|w| (w.start, w.end, w.joins, w.tight))
                .collect();
            assert_eq!(got, reference(&s), "{s:?}");
        }
    }
}
