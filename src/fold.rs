//! Folding: the key function that makes spellings comparable.
//!
//! Folding applies compatibility decomposition (NFKD), drops diacritics and other combining
//! marks of Latin, Greek, Cyrillic, Arabic and Hebrew, applies full Unicode case folding
//! (`ß` -> `ss`, `ﬁ` -> `fi`), maps letters without a decomposition (`ø`, `ł`, `đ`, `æ`, `ı`)
//! to their base letters, unifies apostrophes, and removes invisible characters.
//!
//! This file is compiled twice: into the library, and into `build.rs`, which builds the embedded
//! index with it. Keys built ahead of time and keys computed at run time therefore always agree.

use caseless::Caseless;
use unicode_normalization::char::decompose_compatible;

/// True for characters that carry no letter of their own and vanish from keys
/// (zero-width spaces and joiners, soft hyphen, byte-order mark, variation selectors).
pub fn is_invisible(c: char) -> bool {
    matches!(c,
        '\u{00AD}' | '\u{034F}' | '\u{061C}' | '\u{115F}' | '\u{1160}' | '\u{17B4}' | '\u{17B5}'
        | '\u{180E}' | '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2060}'..='\u{2064}'
        | '\u{FE00}'..='\u{FE0F}' | '\u{FEFF}')
}

/// True for apostrophe-like characters, all folded to `'`.
pub fn is_apostrophe(c: char) -> bool {
    if c.is_ascii() {
        return c == '\'' || c == '`';
    }
    matches!(
        c,
        '\'' | '\u{2019}'
            | '\u{2018}'
            | '\u{02BC}'
            | '\u{02BB}'
            | '\u{02BE}'
            | '\u{02BF}'
            | '`'
            | '\u{00B4}'
    )
}

/// Combining marks dropped by folding: diacritics of Latin, Greek and Cyrillic, Arabic harakat
/// and Hebrew points. Marks that are letters' vowel signs (Devanagari, Thai) or Japanese sound
/// marks are kept, since dropping them changes the name.
fn is_dropped_mark(c: char) -> bool {
    matches!(c,
        '\u{0300}'..='\u{036F}' | '\u{0483}'..='\u{0489}' | '\u{0591}'..='\u{05C7}'
        | '\u{0610}'..='\u{061A}' | '\u{064B}'..='\u{065F}' | '\u{0670}' | '\u{06D6}'..='\u{06ED}'
        | '\u{1AB0}'..='\u{1AFF}' | '\u{1DC0}'..='\u{1DFF}' | '\u{20D0}'..='\u{20FF}'
        | '\u{FE20}'..='\u{FE2F}')
}

/// Letters that have no canonical decomposition but a plain base letter.
fn base_letter(c: char) -> Option<&'static str> {
    Some(match c {
        'ø' | 'Ø' => "o",
        'ł' | 'Ł' => "l",
        'đ' | 'Đ' | 'ð' | 'Ð' => "d",
        'æ' | 'Æ' => "ae",
        'œ' | 'Œ' => "oe",
        'ı' => "i",
        'þ' | 'Þ' => "th",
        'ħ' | 'Ħ' => "h",
        'ŧ' | 'Ŧ' => "t",
        'ƒ' => "f",
        'ſ' => "s",
        _ => return None,
    })
}

/// Appends the folded form of `word` to `out`.
pub fn fold_into(word: &str, out: &mut String) {
    if word.is_ascii() {
        for b in word.bytes() {
            let c = match b {
                b'`' => '\'',
                _ => b.to_ascii_lowercase() as char,
            };
            out.push(c);
        }
        return;
    }
    let mut buf: Vec<char> = Vec::with_capacity(word.len());
    for c in word.chars() {
        if is_invisible(c) {
            continue;
        }
        if is_apostrophe(c) {
            buf.push('\'');
            continue;
        }
        if let Some(base) = base_letter(c) {
            buf.extend(base.chars());
            continue;
        }
        decompose_compatible(c, |d| {
            if !is_dropped_mark(d) {
                buf.push(d);
            }
        });
    }
    for c in buf.into_iter().default_case_fold() {
        if let Some(base) = base_letter(c) {
            out.push_str(base);
        } else {
            out.push(c);
        }
    }
}

/// The folded form of one word.
pub fn fold(word: &str) -> String {
    let mut s = String::with_capacity(word.len());
    fold_into(word, &mut s);
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folds_case_diacritics_and_specials() {
        assert_eq!(fold("Straße"), "strasse");
        assert_eq!(fold("ﬁnland"), "finland");
        assert_eq!(fold("Erdoğan"), "erdogan");
        assert_eq!(fold("Łódź"), "lodz");
        assert_eq!(fold("Côte"), "cote");
        assert_eq!(fold("d’Ivoire"), "d'ivoire");
        assert_eq!(fold("KAZAKH\u{00AD}STAN"), "kazakhstan");
        assert_eq!(fold("Тоқаев"), "тоқаев");
        assert_eq!(fold("Ёлка"), "елка");
        assert_eq!(fold("Αθήνα"), "αθηνα");
    }
}
