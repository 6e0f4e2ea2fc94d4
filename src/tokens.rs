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
}

#[inline]
fn is_word_char(c: char) -> bool {
    if c.is_ascii() {
        return c.is_ascii_alphanumeric();
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

/// True when `c` is one of the characters a multi-word name may contain between its words.
fn gap_allows(c: char, newlines: &mut u8, dashes: &mut u8, dots: &mut u8) -> bool {
    if c == '\n' {
        *newlines += 1;
        *newlines <= 1
    } else if c.is_whitespace() || is_invisible(c) {
        true
    } else if is_dash(c) {
        *dashes += 1;
        *dashes <= 1
    } else if c == '.' {
        *dots += 1;
        *dots <= 1
    } else {
        false
    }
}

/// Splits `text` into words. Calls `f` for each word in order.
pub fn for_each_word(text: &str, mut f: impl FnMut(Word)) {
    let bytes = text.as_bytes();
    let mut i = 0;
    let n = bytes.len();
    // State of the gap since the last word.
    let mut gap_ok = false;
    let mut gap_tight = false;
    let (mut newlines, mut dashes, mut dots) = (0u8, 0u8, 0u8);
    let mut have_prev = false;
    while i < n {
        let b = bytes[i];
        let (c, len) = if b < 0x80 {
            (b as char, 1)
        } else {
            let c = text[i..].chars().next().unwrap();
            (c, c.len_utf8())
        };
        if !is_word_char(c) {
            if have_prev && gap_ok {
                gap_ok = gap_allows(c, &mut newlines, &mut dashes, &mut dots);
                gap_tight &= gap_ok && (c == ' ' || c == '\t' || c == '\u{00A0}' || is_dash(c));
            }
            i += len;
            continue;
        }
        // A word starts at i.
        let start = i;
        let mut end = i + len;
        let mut j = end;
        let mut resume = None;
        while j < n {
            let b = bytes[j];
            let (c, len) = if b < 0x80 {
                (b as char, 1)
            } else {
                let c = text[j..].chars().next().unwrap();
                (c, c.len_utf8())
            };
            if is_word_char(c) {
                j += len;
                end = j;
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
                        j = after;
                        continue;
                    }
                    _ => break,
                }
            }
            break;
        }
        f(Word {
            start,
            end,
            joins: have_prev && gap_ok,
            tight: have_prev && gap_ok && gap_tight,
        });
        have_prev = true;
        gap_ok = resume.is_none();
        gap_tight = gap_ok;
        newlines = 0;
        dashes = 0;
        dots = 0;
        i = resume.unwrap_or(end);
    }
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
}
