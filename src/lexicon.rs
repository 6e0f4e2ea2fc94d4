//! The open world: words and names that are real although no table holds an entity for them.
//!
//! Two embedded fst maps from folded keys to bit sets ([`Entry`]):
//! - the word map (`data/lexicon/words.fst`, compiled ahead of time by
//!   `scripts/gen_lexicon.sh` from Debian's word lists and hunspell dictionaries): which
//!   languages' lists hold the word, and whether in lower case (a common word) or only
//!   capitalised (a proper name, or a German noun);
//! - the name map (built from `data/lexicon/*.txt` at compile time): names of real places
//!   (GeoNames `cities500`, ISO 3166-2 subdivisions), given names and surnames.
//!
//! A key found here is a real word or name: the engine never takes it for a misspelling or a
//! romanisation of another name. The same word lists identify the language of a paragraph.

use std::sync::OnceLock;

/// A language the lexicon has a word list for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Lang {
    En,
    De,
    Fr,
    Es,
    It,
    Pt,
    Nl,
    Pl,
    Sv,
    Ru,
    Uk,
}

impl Lang {
    /// Every language with a word list, in bit order.
    pub const ALL: [Lang; 11] = [
        Lang::En,
        Lang::De,
        Lang::Fr,
        Lang::Es,
        Lang::It,
        Lang::Pt,
        Lang::Nl,
        Lang::Pl,
        Lang::Sv,
        Lang::Ru,
        Lang::Uk,
    ];

    /// The ISO 639-1 code.
    pub fn code(self) -> &'static str {
        match self {
            Lang::En => "en",
            Lang::De => "de",
            Lang::Fr => "fr",
            Lang::Es => "es",
            Lang::It => "it",
            Lang::Pt => "pt",
            Lang::Nl => "nl",
            Lang::Pl => "pl",
            Lang::Sv => "sv",
            Lang::Ru => "ru",
            Lang::Uk => "uk",
        }
    }

    /// The language of a code such as `de` or `pt-BR`.
    pub fn from_code(code: &str) -> Option<Lang> {
        let base = code.split(['-', '_']).next().unwrap_or(code);
        Lang::ALL
            .into_iter()
            .find(|l| l.code().eq_ignore_ascii_case(base))
    }

    fn bit(self) -> u64 {
        1 << (self as u32)
    }
}

const LOWER_SHIFT: u32 = 16;
const PLACE: u64 = 1 << 32;
const SUBDIVISION: u64 = 1 << 33;
const GIVEN: u64 = 1 << 34;
const SURNAME: u64 = 1 << 35;
const PLACE_ALTERNATE: u64 = 1 << 36;

/// The word map's value for a word of `lang`'s list, written in lower case or not.
pub fn word_bits(lang: Lang, lower: bool) -> u64 {
    let b = lang.bit();
    if lower {
        b | (b << LOWER_SHIFT)
    } else {
        b
    }
}

/// What kind of real name a line of a name list is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NameKind {
    Place,
    PlaceAlternate,
    Subdivision,
    GivenName,
    Surname,
}

impl NameKind {
    /// The name map's bit for this kind.
    pub fn bits(self) -> u64 {
        match self {
            NameKind::Place => PLACE,
            NameKind::PlaceAlternate => PLACE_ALTERNATE,
            NameKind::Subdivision => SUBDIVISION,
            NameKind::GivenName => GIVEN,
            NameKind::Surname => SURNAME,
        }
    }
}

/// What the open world knows of one folded key.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Entry(pub u64);

impl Entry {
    /// Nothing known: not a word of any list, not a known name.
    pub fn is_unknown(self) -> bool {
        self.0 == 0
    }
    /// A word of `lang`'s list (any case).
    pub fn in_lang(self, lang: Lang) -> bool {
        self.0 & lang.bit() != 0
    }
    /// A word `lang`'s list writes in lower case: a common word of the language.
    pub fn common_in(self, lang: Lang) -> bool {
        self.0 & (lang.bit() << LOWER_SHIFT) != 0
    }
    /// A common (lower-case) word of some language.
    pub fn common_anywhere(self) -> bool {
        self.0 & (0xffff << LOWER_SHIFT) != 0
    }
    /// A word of some language's list.
    pub fn any_word(self) -> bool {
        self.0 & 0xffff != 0
    }
    /// The name of a real place (a town of 500+ people, a subdivision).
    pub fn is_place(self) -> bool {
        self.0 & (PLACE | SUBDIVISION) != 0
    }
    /// The main name of a town or village the tables do not hold (GeoNames `cities500`).
    pub fn is_town(self) -> bool {
        self.0 & PLACE != 0
    }
    /// An alternate name of a real place (another spelling or language, GeoNames'
    /// alternate names): often also a name of an entity of the tables in that language.
    pub fn is_place_alternate(self) -> bool {
        self.0 & PLACE_ALTERNATE != 0
    }
    /// A given name or surname of people.
    pub fn is_person_name(self) -> bool {
        self.0 & (GIVEN | SURNAME) != 0
    }
    /// A given name.
    pub fn is_given_name(self) -> bool {
        self.0 & GIVEN != 0
    }
    /// Whether the key is a real word or name that no misspelling or romanisation rule may
    /// take for another name, whatever the language around it: an English word or name, or a
    /// name of the name lists. (Common words of other languages are judged against the
    /// language of the paragraph, in running text.) (A capitalised word of another language's list alone is often
    /// that language's name of an entity of the tables, `Туркмения`, and may still be one.)
    pub fn blocks_variant(self) -> bool {
        self.in_lang(Lang::En) || self.is_place() || self.is_person_name()
    }

    /// Whether the key is a well-known real name, an English proper noun (`Muncie`): a rival
    /// target for a misspelling. (The name lists' half a million villages and surnames are
    /// not: nearly every short name has one a letter away, and a misspelt name is far more
    /// often a famous one.)
    pub fn is_real_name(self) -> bool {
        self.in_lang(Lang::En) && !self.common_anywhere()
    }

    /// The languages whose lists hold the word, as a bit set in [`Lang::ALL`] order.
    pub fn languages(self) -> u16 {
        (self.0 & 0xffff) as u16
    }
}

static WORDS: &[u8] = include_bytes!("../data/lexicon/words.fst");
static NAMES: &[u8] = include_bytes!(concat!(env!("OUT_DIR"), "/names.fst"));
/// The English proper nouns of the word map, picked by `build.rs`: the rival walk's keys.
static RIVALS: &[u8] = include_bytes!(concat!(env!("OUT_DIR"), "/rivals.fst"));

/// An error in embedded lexicon data (a build that embedded a damaged file).
#[derive(Debug, thiserror::Error)]
#[error("embedded lexicon {which} is damaged: {source}")]
pub struct LexiconError {
    which: &'static str,
    source: fst::Error,
}

struct Maps {
    words: fst::Map<&'static [u8]>,
    names: fst::Map<&'static [u8]>,
    rivals: fst::Map<&'static [u8]>,
}

fn maps() -> &'static Maps {
    static MAPS: OnceLock<Maps> = OnceLock::new();
    MAPS.get_or_init(|| match open() {
        Ok(m) => m,
        // The data is compiled into the binary and checked by a test: a damaged build is
        // a programming error, not bad input.
        Err(e) => panic!("{e}"),
    })
}

fn open() -> Result<Maps, LexiconError> {
    let words = fst::Map::new(WORDS).map_err(|source| LexiconError {
        which: "words.fst",
        source,
    })?;
    let names = fst::Map::new(NAMES).map_err(|source| LexiconError {
        which: "names.fst",
        source,
    })?;
    let rivals = fst::Map::new(RIVALS).map_err(|source| LexiconError {
        which: "rivals.fst",
        source,
    })?;
    Ok(Maps {
        words,
        names,
        rivals,
    })
}

/// Checks the embedded maps' structure and checksums (for tests and `--version`-like checks).
pub fn verify() -> Result<(), LexiconError> {
    let m = open()?;
    m.words.as_fst().verify().map_err(|source| LexiconError {
        which: "words.fst",
        source,
    })?;
    m.names.as_fst().verify().map_err(|source| LexiconError {
        which: "names.fst",
        source,
    })
}

/// What the open world knows of a folded key (a word, or words joined by one space).
/// Short keys are memoised per thread: the rules ask about the same word many times.
pub fn lookup(key: &str) -> Entry {
    if key.len() > RECENT_KEY {
        return lookup_maps(key);
    }
    let h = crate::index::layout::word_hash(key.as_bytes());
    let slot = (h as usize) & (RECENT_SLOTS - 1);
    RECENT.with(|recent| {
        let mut recent = recent.borrow_mut();
        let r = &mut recent[slot];
        if r.len as usize == key.len() && r.hash == h && &r.key[..key.len()] == key.as_bytes() {
            return r.entry;
        }
        let entry = lookup_maps(key);
        r.hash = h;
        r.len = key.len() as u8;
        r.key[..key.len()].copy_from_slice(key.as_bytes());
        r.entry = entry;
        entry
    })
}

/// Keys longer than this (bytes) are not memoised.
const RECENT_KEY: usize = 30;
/// Slots of the per-thread memo (a power of two).
const RECENT_SLOTS: usize = 1 << 15;

/// One slot of the per-thread memo of [`lookup`].
#[derive(Clone, Copy)]
struct Recent {
    hash: u64,
    /// Length of the key in bytes; `u8::MAX` in an empty slot (no key is that long).
    len: u8,
    key: [u8; RECENT_KEY],
    entry: Entry,
}

thread_local! {
    static RECENT: std::cell::RefCell<Box<[Recent]>> = std::cell::RefCell::new(
        vec![
            Recent {
                hash: 0,
                len: u8::MAX,
                key: [0; RECENT_KEY],
                entry: Entry(0),
            };
            RECENT_SLOTS
        ]
        .into_boxed_slice(),
    );
}

fn lookup_maps(key: &str) -> Entry {
    let m = maps();
    let mut bits = 0;
    if !key.contains(' ') {
        bits |= m.words.get(key).unwrap_or(0);
    }
    bits |= m.names.get(key).unwrap_or(0);
    Entry(bits)
}

/// The edit distance between two keys (optimal string alignment over bytes).
pub fn distance(a: &str, b: &str) -> u32 {
    crate::evidence::edit_distance(a.as_bytes(), b.as_bytes(), |_, _| 1)
}

/// Whether some well-known real name other than `key` itself (an English proper noun, see
/// [`Entry::is_real_name`]), with the same first byte, lies within `max` edits of `key` and
/// is accepted by `rival`.
pub fn any_within(key: &str, max: u32, mut rival: impl FnMut(&str, Entry) -> bool) -> bool {
    !key.contains(' ') && walk_within(maps().rivals.as_fst(), key.as_bytes(), max, &mut rival)
}

/// The edit-distance walk of one map: depth-first over the keys, one dynamic-programming row
/// per key byte, pruned where the row's best exceeds `max`.
fn walk_within(
    fst: &fst::raw::Fst<&'static [u8]>,
    q: &[u8],
    max: u32,
    rival: &mut impl FnMut(&str, Entry) -> bool,
) -> bool {
    let Some(&first) = q.first() else {
        return false;
    };
    let root = fst.root();
    let Some(i) = root.find_input(first) else {
        return false;
    };
    let w = q.len() + 1;
    let depth = q.len() + max as usize + 1;
    let mut rows = vec![0u32; (depth + 1) * w];
    for (j, r) in rows.iter_mut().take(w).enumerate() {
        *r = j as u32;
    }
    let mut path = vec![first];
    let row1: Vec<u32> = (0..w)
        .map(|j| {
            if j == 0 {
                1
            } else {
                let cost = u32::from(q[j - 1] != first);
                ((j as u32 - 1) + cost).min(j as u32 + 1)
            }
        })
        .collect();
    // Insertions along the row.
    let mut row1 = row1;
    for j in 1..w {
        row1[j] = row1[j].min(row1[j - 1] + 1);
    }
    rows[w..2 * w].copy_from_slice(&row1);
    let t = root.transition(i);
    let node = fst.node(t.addr);
    visit(
        fst, node, t.out, q, max, w, depth, &mut rows, &mut path, rival,
    )
}

#[allow(clippy::too_many_arguments)]
fn visit(
    fst: &fst::raw::Fst<&'static [u8]>,
    node: fst::raw::Node<'_>,
    out: fst::raw::Output,
    q: &[u8],
    max: u32,
    w: usize,
    depth: usize,
    rows: &mut Vec<u32>,
    path: &mut Vec<u8>,
    rival: &mut impl FnMut(&str, Entry) -> bool,
) -> bool {
    let d = path.len();
    let last = rows[d * w + q.len()];
    if node.is_final() && last <= max && path.as_slice() != q {
        if let Ok(k) = std::str::from_utf8(path) {
            let value = out.cat(node.final_output()).value();
            if rival(k, Entry(value)) {
                return true;
            }
        }
    }
    if d >= depth {
        return false;
    }
    for t in node.transitions() {
        let b = t.inp;
        let (done, rest) = rows.split_at_mut((d + 1) * w);
        let prev = &done[d * w..];
        let row = &mut rest[..w];
        row[0] = d as u32 + 1;
        let mut best = row[0];
        for j in 1..w {
            let cost = u32::from(q[j - 1] != b);
            let mut v = (prev[j - 1] + cost).min(prev[j] + 1).min(row[j - 1] + 1);
            if j >= 2 && d >= 1 && q[j - 1] == path[d - 1] && q[j - 2] == b {
                v = v.min(done[(d - 1) * w + j - 2] + 1);
            }
            row[j] = v;
            best = best.min(v);
        }
        if best > max {
            continue;
        }
        path.push(b);
        let next = fst.node(t.addr);
        let found = visit(
            fst,
            next,
            out.cat(t.out),
            q,
            max,
            w,
            depth,
            rows,
            path,
            rival,
        );
        path.pop();
        if found {
            return true;
        }
    }
    false
}

/// Sizes of the embedded maps (words, names) in entries.
pub fn sizes() -> (usize, usize) {
    let m = maps();
    (m.words.len(), m.names.len())
}

/// Scores words of a paragraph to find its language.
#[derive(Debug, Clone, Default)]
pub struct LangGuess {
    scores: [u32; 11],
    words: u32,
}

/// Lower-case words looked at before a paragraph's language is settled.
pub const GUESS_WORDS: u32 = 48;

impl LangGuess {
    /// Counts one lower-case word of the paragraph, by what the lexicon knows of it.
    pub fn add(&mut self, e: Entry) {
        self.words += 1;
        let langs = e.languages();
        if langs == 0 {
            return;
        }
        // A word of many languages says little; a word of one says much.
        let n = langs.count_ones();
        let w = if n == 1 {
            4
        } else if n <= 3 {
            2
        } else {
            1
        };
        for (i, s) in self.scores.iter_mut().enumerate() {
            if langs & (1 << i) != 0 {
                *s += w;
            }
        }
    }

    /// Whether enough words were seen to settle the guess.
    pub fn settled(&self) -> bool {
        if self.words >= GUESS_WORDS {
            return true;
        }
        // A clear lead early on: the rest of the paragraph would not overturn it.
        if self.words < GUESS_WORDS / 3 {
            return false;
        }
        let (best, second) = self.top_two();
        best >= 24 && best >= 3 * second
    }

    /// The best score and the second best.
    fn top_two(&self) -> (u32, u32) {
        let (mut best, mut second) = (0, 0);
        for &s in &self.scores {
            if s > best {
                second = best;
                best = s;
            } else if s > second {
                second = s;
            }
        }
        (best, second)
    }

    /// The language, when the words point clearly to one: the best score leads the second by
    /// a quarter and rests on at least four words.
    pub fn language(&self) -> Option<Lang> {
        let mut best = (0u32, 0usize);
        let mut second = 0u32;
        for (i, &s) in self.scores.iter().enumerate() {
            if s > best.0 {
                second = best.0;
                best = (s, i);
            } else if s > second {
                second = s;
            }
        }
        (best.0 >= 8 && best.0 * 4 >= second * 5).then(|| Lang::ALL[best.1])
    }

    /// Starts over (a new paragraph).
    pub fn clear(&mut self) {
        *self = LangGuess::default();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fold::fold;

    #[test]
    fn embedded_maps_pass_their_checks() {
        verify().unwrap();
        let (w, _) = sizes();
        assert!(w > 1_000_000, "{w} words");
    }

    #[test]
    fn words_of_each_language_are_known() {
        for (word, lang) in [
            ("because", Lang::En),
            ("wann", Lang::De),
            ("komm", Lang::De),
            ("marotte", Lang::Fr),
            ("alegría", Lang::Es),
            ("perché", Lang::It),
            ("coração", Lang::Pt),
            ("gezellig", Lang::Nl),
            ("dziękuję", Lang::Pl),
            ("kärlek", Lang::Sv),
            ("спасибо", Lang::Ru),
            ("дякую", Lang::Uk),
        ] {
            let e = lookup(&fold(word));
            assert!(e.common_in(lang), "{word} in {lang:?}: {e:?}");
        }
        assert!(lookup("kazakhastan").is_unknown());
    }

    #[test]
    fn finds_real_words_near_a_key() {
        assert_eq!(distance("kazakhastan", "kazakhstan"), 1);
        assert_eq!(distance("ab", "ba"), 1);
        // The rivals are English proper nouns, not common words.
        let mut seen = Vec::new();
        any_within("muncei", 1, |k, _| {
            seen.push(k.to_string());
            false
        });
        assert!(seen.iter().any(|k| k == "muncie"), "{seen:?}");
        assert!(any_within("muncei", 1, |k, e| k == "muncie" && e.is_real_name()));
        assert!(!any_within("housr", 1, |k, _| k == "house" || k == "hours"));
        assert!(!any_within("kazakhastan", 1, |k, _| k != "kazakhstan"));
    }

    /// When a lead settles the guess early, the early answer is the one the full count of
    /// words gives; a paragraph of two languages keeps counting.
    #[test]
    fn settles_early_only_on_the_final_answer() {
        let count = |text: &str| {
            let mut g = LangGuess::default();
            let mut early = None;
            for w in text.split_whitespace() {
                g.add(lookup(&fold(w)));
                if early.is_none() && g.settled() {
                    early = Some((g.words, g.language()));
                }
            }
            (early, g.language())
        };
        let paragraphs = [
            "the talks were held in the capital and the minister said that they would go on \
             after the summer when the new government has taken office and the budget for the \
             coming year is known to all of the parties",
            "die gespräche wurden in der hauptstadt geführt und der minister sagte dass sie nach \
             dem sommer weitergehen würden wenn die neue regierung ihr amt angetreten hat und \
             der haushalt für das kommende jahr allen parteien bekannt ist",
            "les négociations ont eu lieu dans la capitale et le ministre a dit qu'elles \
             reprendraient après l'été quand le nouveau gouvernement aura pris ses fonctions et \
             que le budget de l'année prochaine sera connu de tous les partis",
        ];
        for text in paragraphs {
            let (early, full) = count(text);
            assert!(full.is_some(), "{text}");
            if let Some((words, lang)) = early {
                assert!(words <= GUESS_WORDS, "{words}");
                assert_eq!(lang, full, "{text}");
            }
        }
        // Half English, half German: neither leads three to one after a third of the words.
        let mixed = "the talks were held in the capital die gespräche wurden in der hauptstadt \
                     and the minister said und der minister sagte dass sie weitergehen";
        assert_eq!(count(mixed).0, None);
        assert!(!LangGuess::default().settled());
    }

    #[test]
    fn guesses_the_language_of_a_paragraph() {
        let guess = |text: &str| {
            let mut g = LangGuess::default();
            for w in text.split_whitespace() {
                g.add(lookup(&fold(w)));
            }
            g.language()
        };
        assert_eq!(
            guess("the talks were held in the capital and the minister said that they would go on"),
            Some(Lang::En)
        );
        assert_eq!(
            guess("die gespräche wurden in der hauptstadt geführt und der minister sagte dass sie weitergehen"),
            Some(Lang::De)
        );
        assert_eq!(
            guess(
                "las conversaciones se celebraron en la capital y el ministro dijo que seguirían"
            ),
            Some(Lang::Es)
        );
        assert_eq!(
            guess("переговоры прошли в столице и министр сказал что они продолжатся"),
            Some(Lang::Ru)
        );
        assert_eq!(guess("a b"), None);
    }
}
