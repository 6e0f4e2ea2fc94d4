//! People named by their initials and surname, as data and lists write them: `A. G.
//! Lukashenko`, `Lukashenko A.G.`, `V. Putin`, the inverted full form `Lukashenko,
//! Alexander`, and the surname first without a comma (`Путін Володимир Володимирович`, the
//! order of registers and of East Slavic lists). Single values only (`lookup`, CSV cells): in
//! running text an initial or an order is the writer's choice and stays.
//!
//! Initials are weak evidence: they resolve to a person only when exactly one person of the
//! tables has that surname and given names starting with those letters, in that order, the
//! first of them the name the person goes by; when several do, the value is ambiguous and
//! says so. A surname of the name lists (many people bear it) needs two initials.

use crate::engine::{Candidate, MatchKind, Normalizer, Outcome, Resolution};
use crate::entity::EntityType;
use crate::tokens::name_key;

/// A value split into its initials and its surname (both folded).
#[derive(Debug, PartialEq, Eq)]
struct Initials {
    letters: Vec<char>,
    surname: String,
}

/// Reads `value` as initials and a surname, in either order (`A. G. Lukashenko`,
/// `Lukashenko A. G.`, `A.G. Lukashenko`): every word but the surname is one letter, at least
/// one of them is followed by a full stop (so that `Kim Jong Un` or a code is not read
/// so), and the surname is one word of three letters or more.
fn parse(value: &str) -> Option<Initials> {
    if !value.contains('.') || value.contains(',') {
        return None;
    }
    let key = name_key(value);
    let words: Vec<&str> = key.split(' ').filter(|w| !w.is_empty()).collect();
    if words.len() < 2 {
        return None;
    }
    let one = |w: &&str| w.chars().count() == 1;
    let (surname, initials) = if words[..words.len() - 1].iter().all(one) {
        (words[words.len() - 1], &words[..words.len() - 1])
    } else if words[1..].iter().all(one) {
        (words[0], &words[1..])
    } else {
        return None;
    };
    if surname.chars().count() < 3 || !surname.chars().all(char::is_alphabetic) {
        return None;
    }
    let letters: Vec<char> = initials.iter().filter_map(|w| w.chars().next()).collect();
    if !letters.iter().all(|c| c.is_alphabetic()) {
        return None;
    }
    Some(Initials {
        letters,
        surname: surname.to_string(),
    })
}

/// Whether folded alias `key` (words joined by one space) is a name of a person with those
/// initials and that surname: its last word is the surname, and it has a given name (or an
/// initial) for each initial, the first ones starting with those letters in order.
fn fits(key: &str, who: &Initials) -> bool {
    let words: Vec<&str> = key.split(' ').collect();
    let Some((last, given)) = words.split_last() else {
        return false;
    };
    *last == who.surname
        && given.len() >= who.letters.len()
        && given
            .iter()
            .zip(&who.letters)
            .all(|(w, &c)| w.starts_with(c))
}

/// The resolution of `value` (a single value that resolved to nothing as written) as a
/// person's initials and surname, or the inverted form `Surname, Given names`. `None` when it
/// is neither, or no person of the tables has that name.
pub fn resolve(nz: &Normalizer, value: &str) -> Option<Resolution> {
    if let Some((surname, given)) = value.split_once(',') {
        // `Lukashenko, Alexander`: a list's order for one full name.
        let (surname, given) = (surname.trim(), given.trim());
        let one_word = !surname.contains(char::is_whitespace) && !surname.is_empty();
        if !one_word || given.is_empty() || given.contains(',') {
            return None;
        }
        let written = format!("{given} {surname}");
        if parse(&written).is_some() {
            // `Merkel, A.`: initials after the comma.
            return by_initials(nz, &written);
        }
        let r = nz.resolve_written(&written);
        let people =
            |c: &[Candidate]| !c.is_empty() && c.iter().all(|c| c.kind == EntityType::Person);
        let person = match &r.entity {
            Some(e) => e.kind == EntityType::Person,
            None => r.how == Outcome::Ambiguous && people(&r.candidates),
        };
        return person.then_some(r);
    }
    by_initials(nz, value).or_else(|| surname_first(nz, value))
}

/// The resolution of `value` read with its first word last: `Путін Володимир` as `Володимир
/// Путін`, `Путін Володимир Володимирович` as `Володимир Володимирович Путін` (whose
/// patronymic the resolution knows). Two or three words of letters; only a person, and only
/// by a match as good as a spelling the tables hold (exact, folded or romanised), not a
/// misspelling: a reordered name that is also misspelt is too little to go on.
fn surname_first(nz: &Normalizer, value: &str) -> Option<Resolution> {
    let words: Vec<&str> = value.split_whitespace().collect();
    if !(2..=3).contains(&words.len())
        || !words.iter().all(|w| {
            w.chars()
                .all(|c| c.is_alphabetic() || c == '-' || c == '\'')
        })
    {
        return None;
    }
    let reordered = format!("{} {}", words[1..].join(" "), words[0]);
    let r = nz.resolve_written(&reordered);
    let good = matches!(
        r.how,
        Outcome::Matched(MatchKind::Exact | MatchKind::Folded | MatchKind::Translit)
    );
    (good
        && r.entity
            .as_ref()
            .is_some_and(|e| e.kind == EntityType::Person))
    .then_some(r)
}

/// The resolution of `value` as initials and a surname, if it is written so.
fn by_initials(nz: &Normalizer, value: &str) -> Option<Resolution> {
    let who = parse(value)?;
    // A surname many people bear (one of the name lists', in any script) with one initial is
    // anyone's (`A. Costa`, `K. Novak`): two initials at least are asked for.
    let mut latin = String::new();
    crate::translit::to_latin_into(&who.surname, &mut latin);
    let common = crate::lexicon::lookup(&who.surname).is_person_name()
        || crate::lexicon::lookup(&latin).is_person_name();
    if common && who.letters.len() < 2 {
        return None;
    }
    // The first initial is that of the name the person goes by (a main name, not a birth
    // name: `A. Johnson` is not Boris Johnson, born Alexander Boris de Pfeffel Johnson); the
    // others may come from a full name (`A. G.`: Alexander Grigoryevich).
    let first = Initials {
        letters: who.letters[..1].to_vec(),
        surname: who.surname.clone(),
    };
    let goes_by = nz.people_named(&who.surname, |key, main| main && fits(key, &first));
    let mut ids: Vec<Candidate> = Vec::new();
    for id in nz.people_named(&who.surname, |key, _| fits(key, &who)) {
        if goes_by.contains(&id) && !ids.iter().any(|c| c.id == id) {
            ids.push(nz.candidate(&id, EntityType::Person.code()));
        }
    }
    let kind = MatchKind::Initials;
    match ids.len() {
        0 => None,
        1 => Some(Resolution {
            entity: ids.pop(),
            how: Outcome::Matched(kind),
            kind: Some(kind),
            distance: 0,
            score: 0.8,
            candidates: Vec::new(),
            weak: false,
        }),
        _ => Some(Resolution {
            entity: None,
            how: Outcome::Ambiguous,
            kind: Some(kind),
            distance: 0,
            score: 0.8,
            candidates: ids,
            weak: false,
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_read_as_initials() {
        let read =
            |v: &str| parse(v).map(|i| (i.letters.into_iter().collect::<String>(), i.surname));
        let some = |l: &str, s: &str| Some((l.to_string(), s.to_string()));
        for (value, want) in [
            ("A. G. Lukashenko", some("ag", "lukashenko")),
            ("A.G. Lukashenko", some("ag", "lukashenko")),
            ("Lukashenko A. G.", some("ag", "lukashenko")),
            ("V. Putin", some("v", "putin")),
            ("А. Г. Лукашенко", some("аг", "лукашенко")),
            ("Kim Jong Un", None), // no full stop: names, not initials
            ("U.S.", None),        // no surname
            ("J. R. R. Tolkien", some("jrr", "tolkien")),
            ("A. Ng", None), // too short a surname to go on
            ("Putin", None),
            ("Lukashenko, A.", None), // a comma: the inverted form, read elsewhere
            ("St. Petersburg", None), // `St` is two letters
        ] {
            assert_eq!(read(value), want, "{value}");
        }
    }

    #[test]
    fn aliases_that_fit_initials() {
        let who = parse("A. G. Lukashenko").unwrap();
        for (key, want) in [
            ("alexander grigoryevich lukashenko", true),
            ("alexander lukashenko", false), // no second given name
            ("aliaksandr ryhoravich lukashenka", false),
            ("andrei g lukashenko", true), // an initial of the name is that initial
            ("lukashenko", false),
            ("anatoly gennadyevich lukashenko", true), // the same initials: a rival
        ] {
            assert_eq!(fits(key, &who), want, "{key}");
        }
    }
}
