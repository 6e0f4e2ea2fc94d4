//! State designators: the words around a country's short name in its official long form
//! ("Republic of", "Kingdom of", "Республика", "Республикасы", "Bundesrepublik"). A value that
//! does not resolve as written is retried without them, and only a country is accepted then.

/// Designators that precede the name, as name keys (folded, words joined by spaces), longest
/// first within a language.
const PREFIXES: &[&str] = &[
    // English
    "federal democratic republic of",
    "democratic socialist republic of",
    "people democratic republic of", // a possessive's `'s` is not part of a name key
    "federal republic of",
    "islamic republic of",
    "socialist republic of",
    "people republic of",
    "democratic republic of",
    "united republic of",
    "arab republic of",
    "co operative republic of", // name keys split hyphenated words
    "plurinational state of",
    "bolivarian republic of",
    "republic of",
    "kingdom of",
    "state of",
    "commonwealth of",
    "union of",
    "dominion of",
    "principality of",
    "grand duchy of",
    "sultanate of",
    "emirate of",
    "federation of",
    "independent state of",
    "hashemite kingdom of",
    // Russian, Ukrainian, Belarusian
    "федеративная республика",
    "исламская республика",
    "социалистическая республика",
    "арабская республика",
    "республика",
    "королевство",
    "государство",
    "княжество",
    "султанат",
    "республіка",
    "королівство",
    "рэспубліка",
    // German
    "bundesrepublik",
    "islamische republik",
    "republik",
    "konigreich",
    "furstentum",
    "staat",
    // French
    "republique federale d'",
    "republique islamique d'",
    "republique du",
    "republique de",
    "republique d'",
    "royaume du",
    "royaume de",
    "etat de",
    "etat d'",
    "principaute de",
    // Spanish, Portuguese, Italian
    "republica federal de",
    "republica islamica de",
    "republica de",
    "republica da",
    "republica do",
    "reino de",
    "reino da",
    "estado de",
    "repubblica federale di",
    "repubblica islamica dell'",
    "repubblica di",
    "repubblica del",
    "regno di",
    "regno del",
    "stato di",
];

/// Designators that follow the name (Turkic languages), as name keys.
const SUFFIXES: &[&str] = &[
    "республикасы",
    "республикаси",
    "respublikasi",
    "respublikasy",
    "cumhuriyeti",
];

/// The key without a leading or trailing state designator, if it had one and something is left.
pub fn strip(key: &str) -> Option<String> {
    for p in PREFIXES {
        if let Some(rest) = key.strip_prefix(p) {
            // The designator must end at a word boundary, or at an apostrophe (d', dell').
            let rest = if p.ends_with('\'') {
                Some(rest)
            } else {
                rest.strip_prefix(' ')
            };
            if let Some(rest) = rest.map(str::trim).filter(|r| !r.is_empty()) {
                let rest = rest.strip_prefix("the ").unwrap_or(rest);
                return Some(rest.to_string());
            }
        }
    }
    for s in SUFFIXES {
        if let Some(rest) = key.strip_suffix(s) {
            if let Some(rest) = rest.strip_suffix(' ').filter(|r| !r.is_empty()) {
                return Some(rest.to_string());
            }
        }
    }
    None
}

/// Titles and honorifics before a person's name, as name keys, longest first.
const TITLES: &[&str] = &[
    "un secretary general",
    "secretary general",
    "foreign minister",
    "prime minister",
    "vice president",
    "crown prince",
    "supreme leader",
    "president",
    "premier",
    "chancellor",
    "minister",
    "king",
    "queen",
    "prince",
    "princess",
    "emperor",
    "sheikh",
    "emir",
    "sultan",
    "general",
    "marshal",
    "senator",
    "governor",
    "mayor",
    "pope",
    "mr",
    "mrs",
    "ms",
    "dr",
    "sir",
    "dame",
    "президент",
    "премьер министр",
    "министр",
    "генсек",
    "président",
    "presidente",
    "präsident",
    "bundeskanzler",
    "kanzler",
    "cumhurbaşkanı",
];

/// Whether the folded word is a title or honorific written before a name (`mr`, `président`).
pub fn is_title(folded: &str) -> bool {
    static FOLDED: std::sync::OnceLock<Vec<String>> = std::sync::OnceLock::new();
    FOLDED
        .get_or_init(|| {
            TITLES
                .iter()
                .filter(|t| !t.contains(' '))
                .map(|t| crate::fold::fold(t))
                .collect()
        })
        .iter()
        .any(|t| t == folded)
}

/// Particles that stand between the parts of a person's name (`Frans van der Zande`,
/// `Osama bin Laden`), folded.
const NAME_PARTICLES: [&str; 22] = [
    "van", "von", "der", "den", "de", "del", "della", "di", "da", "dos", "du", "le", "la", "ten",
    "ter", "bin", "ibn", "ben", "bint", "al", "el", "zu",
];

/// Whether the folded word is a particle of a person's name (`van`, `bin`).
pub fn is_name_particle(folded: &str) -> bool {
    NAME_PARTICLES.contains(&folded)
}

/// The key without a leading title or honorific ("President Tokayev", "Mr Borrell").
pub fn strip_title(key: &str) -> Option<String> {
    for t in TITLES {
        let folded = crate::tokens::name_key(t);
        if let Some(rest) = key
            .strip_prefix(folded.as_str())
            .and_then(|r| r.strip_prefix(' '))
        {
            if !rest.is_empty() {
                return Some(rest.to_string());
            }
        }
    }
    None
}

/// Endings of Russian, Ukrainian and Central Asian patronymics, folded (Cyrillic and Latin).
const PATRONYMIC_ENDINGS: &[&str] = &[
    "ович",
    "евич",
    "ьевич",
    "овна",
    "евна",
    "ична",
    "инична",
    "ич",
    "ovich",
    "evich",
    "ovna",
    "evna",
    "ovych",
    "ivna",
    "ovic",
    "evic",
    "uly",
    "ulu",
    "kyzy",
    "qyzy",
    "улы",
    "ұлы",
    "қызы",
    "кызы",
];

/// The key without its middle words that are patronymics ("Vladimir Vladimirovich Putin",
/// "Эмомали Шарипович Рахмон"), when the name has three or more words and one was removed.
pub fn strip_patronymic(key: &str) -> Option<String> {
    let words: Vec<&str> = key.split(' ').collect();
    if words.len() < 3 {
        return None;
    }
    let kept: Vec<&str> = words
        .iter()
        .enumerate()
        .filter(|(i, w)| {
            let middle = *i > 0 && *i + 1 < words.len();
            !(middle && w.chars().count() > 5 && PATRONYMIC_ENDINGS.iter().any(|e| w.ends_with(e)))
        })
        .map(|(_, w)| *w)
        .collect();
    (kept.len() < words.len() && kept.len() >= 2).then(|| kept.join(" "))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tokens::name_key;

    #[test]
    fn designators_are_written_as_name_keys() {
        for p in PREFIXES {
            let k = name_key(p);
            assert!(
                k == *p || p.ends_with('\''),
                "{p:?} is not its name key {k:?}"
            );
        }
    }

    #[test]
    fn strips_designators() {
        assert_eq!(
            strip(&name_key("Republic of Zaire")).as_deref(),
            Some("zaire")
        );
        assert_eq!(
            strip(&name_key("Республика Казахстан")).as_deref(),
            Some("казахстан")
        );
        assert_eq!(
            strip(&name_key("Қазақстан Республикасы")).as_deref(),
            Some("қазақстан")
        );
        assert_eq!(
            strip(&name_key("République du Congo")).as_deref(),
            Some("congo")
        );
        assert_eq!(
            strip(&name_key("Co-operative Republic of Guyana")).as_deref(),
            Some("guyana")
        );
        assert_eq!(strip(&name_key("Republic")), None);
        assert_eq!(strip(&name_key("Republican Party")), None);
        assert_eq!(
            strip_patronymic(&name_key("Эмомали Шарипович Рахмон")).as_deref(),
            Some("эмомали рахмон")
        );
        assert_eq!(strip_patronymic(&name_key("Vladimir Putin")), None);
        assert_eq!(
            strip_title(&name_key("President Tokayev")).as_deref(),
            Some("tokayev")
        );
        assert_eq!(
            strip_title(&name_key("Prime Minister Narendra Modi")).as_deref(),
            Some("narendra modi")
        );
        assert_eq!(strip_title(&name_key("Presidential")), None);
    }
}
