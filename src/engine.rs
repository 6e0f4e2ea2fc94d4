//! The `Normalizer`: the loaded indexes, the options, and the fix policy that turns key hits
//! into decisions (rewrite, suggest, ambiguous, or leave alone).
//!
//! Policy, precision first:
//! - a hit on a correct name of the entity in the output language leaves the text alone;
//! - a hit on a variant alias of one entity is a safe fix; a romanisation variant or a close
//!   misspelling of one entity is a safe fix when the guards hold (capitalised, not a known
//!   English word, long enough), a suggestion otherwise;
//! - several entities, or an `ambiguous` row, give an ambiguous finding that is never applied;
//! - former names and names in other languages or scripts resolve in `resolve` (cells), but
//!   in running text they stay unless the user opts in (`former`) or names an output language.

use std::borrow::Cow;
use std::collections::HashMap;

use crate::entity::EntityType;
use crate::evidence;
use crate::index::{Index, KeyMap};
use crate::table::{flag, TYPES};
use crate::tokens::name_key;

/// How a name was matched.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum MatchKind {
    /// Equal to an alias of the tables.
    Exact,
    /// Equal after folding case, diacritics, dashes, quotes and spaces.
    Folded,
    /// Equal after transliteration and romanisation-variant merging.
    Translit,
    /// Within a small edit distance.
    Fuzzy,
    /// An ISO 3166-1 code (`DEU`, `276`, `ZR`): single values only, never in running text.
    Code,
    /// A person's initials and surname (`A. G. Lukashenko`): single values only.
    Initials,
}

impl MatchKind {
    pub fn as_str(self) -> &'static str {
        match self {
            MatchKind::Exact => "exact",
            MatchKind::Folded => "folded",
            MatchKind::Translit => "translit",
            MatchKind::Fuzzy => "fuzzy",
            MatchKind::Code => "code",
            MatchKind::Initials => "initials",
        }
    }
}

/// What may be done with a finding in running text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Fix {
    /// Applied by `normalize` and `check --write`.
    Safe,
    /// Applied only on request (`--unsafe-fixes`).
    Suggested,
    /// Several candidates: reported, never applied.
    Ambiguous,
    /// Correct in its context (a former name); reported, not rewritten unless asked.
    Info,
}

impl Fix {
    pub fn as_str(self) -> &'static str {
        match self {
            Fix::Safe => "safe",
            Fix::Suggested => "suggested",
            Fix::Ambiguous => "ambiguous",
            Fix::Info => "info",
        }
    }
}

/// Why a finding was made, for humans.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Note {
    /// A variant spelling listed in the tables.
    Variant,
    /// Differs only in case, diacritics, dashes, quotes or spacing.
    Styling,
    /// Another romanisation or script of the name.
    Romanisation,
    /// A misspelling within the edit distance.
    Misspelling,
    /// A former or historical name.
    Former,
    /// The name in another language or script.
    OtherLanguage,
    /// Several entities have this name.
    Ambiguous,
    /// Letters of two scripts in one word (`Kаzakhstan` with a Cyrillic `а`): a look-alike.
    MixedScript,
}

/// One candidate entity.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Candidate {
    pub canonical: String,
    pub id: String,
    #[serde(rename = "type")]
    pub kind: EntityType,
}

/// A finding in running text.
#[derive(Debug, Clone, PartialEq)]
pub struct Match {
    pub start: usize,
    pub end: usize,
    /// What the span becomes when the fix is applied (case style of the text kept).
    pub replacement: Option<String>,
    pub kind: MatchKind,
    pub distance: u32,
    pub score: f32,
    pub fix: Fix,
    pub note: Note,
    pub candidates: Vec<Candidate>,
    /// The hits that decided are all names their table flags `weak` (GeoNames alternate
    /// names).
    pub weak: bool,
}

/// The resolution of a single name (`lookup`, CSV cells).
#[derive(Debug, Clone, PartialEq)]
pub struct Resolution {
    /// `None` when no entity or several entities matched.
    pub entity: Option<Candidate>,
    /// How it resolved: a match kind, ambiguous, or not at all.
    pub how: Outcome,
    pub kind: Option<MatchKind>,
    pub distance: u32,
    pub score: f32,
    pub candidates: Vec<Candidate>,
    /// The entity was found only through names its table flags `weak` (GeoNames alternate
    /// names): good evidence alone, but another real place may bear the same name.
    pub weak: bool,
}

/// How a single name resolved.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Outcome {
    /// One entity, by this kind of match.
    Matched(MatchKind),
    /// Several entities: none chosen.
    Ambiguous,
    /// No entity.
    None,
}

impl Outcome {
    /// The outcome's name in outputs: a match kind, `ambiguous` or `none`.
    pub fn as_str(self) -> &'static str {
        match self {
            Outcome::Matched(k) => k.as_str(),
            Outcome::Ambiguous => "ambiguous",
            Outcome::None => "none",
        }
    }
}

impl std::fmt::Display for Outcome {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Resolution {
    pub(crate) fn none() -> Resolution {
        Resolution {
            entity: None,
            how: Outcome::None,
            kind: None,
            distance: 0,
            score: 0.0,
            candidates: Vec::new(),
            weak: false,
        }
    }
}

/// Options of a normalizer.
#[derive(Debug, Clone)]
pub struct Options {
    /// Language of the canonical names written out.
    pub lang: String,
    /// The user named the output language: names in other languages are rewritten in text.
    pub explicit_lang: bool,
    /// Rewrite former names in running text.
    pub former: bool,
    /// Only entities of this type (index into `TYPES`).
    pub only_type: Option<u8>,
    /// Look for findings that can only be suggestions (two-edit misspellings, short words).
    /// The text filter applying safe fixes only turns this off to save work.
    pub suggestions: bool,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            lang: "en".into(),
            explicit_lang: false,
            former: false,
            only_type: None,
            suggestions: true,
        }
    }
}

/// A key hit: alias `alias` of index `ix`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Hit {
    pub ix: u16,
    pub alias: u32,
}

/// The outcome of judging hits on a span of text.
pub enum Decision {
    /// The hits do not apply; the span is free for other matches.
    NoMatch,
    /// The span is a name and needs nothing (correct, or a form to leave alone).
    Leave,
    /// Something to report (and maybe rewrite).
    Report(Match),
}

/// Whether hits are judged for running text or for a single value (lookup, CSV cell).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Context {
    Text,
    Cell,
}

/// The matching engine over one or more indexes (embedded defaults first, then user tables).
pub struct Normalizer {
    pub(crate) indexes: Vec<Index>,
    pub(crate) opts: Options,
    /// The people's alias keys by their last word, made on first use (see
    /// [`Normalizer::people_named`]).
    people: std::sync::OnceLock<PeopleBySurname>,
}

/// People's alias keys (folded, words joined by one space) with their alias and whether the
/// key is a name of a main row (not an alternate or former full name such as a birth name),
/// by the last word of the key.
type PeopleBySurname = HashMap<Box<str>, Vec<(Box<str>, Hit, bool)>>;

struct HitInfo<'a> {
    text: &'a str,
    name: &'a str,
    lang: &'a str,
    flags: u32,
    id: &'a str,
    kind: u8,
}

/// Words of this many letters or fewer are romanisations of a Latin name only when their
/// lengths differ by one letter at most.
const SHORT_ROMANISATION: usize = 5;

/// Key `key` (words joined by one space) without its one-letter words.
fn without_initials(key: &str) -> String {
    let words: Vec<&str> = key.split(' ').filter(|w| w.chars().count() > 1).collect();
    words.join(" ")
}

pub(crate) fn lang_has(list: &str, lang: &str) -> bool {
    list.split(',').any(|c| {
        c == lang
            || (c.len() > lang.len() && c.starts_with(lang) && c.as_bytes()[lang.len()] == b'-')
    })
}

fn is_acronym(s: &str) -> bool {
    let mut letters = 0;
    for c in s.chars() {
        if c.is_lowercase() {
            return false;
        }
        if c.is_uppercase() {
            letters += 1;
        }
    }
    (2..=6).contains(&letters)
}

/// True when every cased letter is upper case and there are at least two letters.
pub(crate) fn is_all_upper(s: &str) -> bool {
    let mut upper = 0;
    for c in s.chars() {
        if c.is_lowercase() {
            return false;
        }
        if c.is_uppercase() {
            upper += 1;
        }
    }
    upper >= 2
}

fn has_upper(s: &str) -> bool {
    s.chars().any(char::is_uppercase)
}

fn is_latin_text(s: &str) -> bool {
    s.chars().filter(|c| c.is_alphabetic()).all(|c| {
        c.is_ascii_alphabetic()
            || ('\u{00C0}'..='\u{024F}').contains(&c)
            || ('\u{1E00}'..='\u{1EFF}').contains(&c)
    })
}

/// True when every letter is of a script whose transliteration is phonetic enough to compare
/// spellings (Latin, Greek, Cyrillic, Armenian, Georgian). Names in other scripts (Han, kana,
/// Hangul, Arabic, Hebrew, Indic...) match only as the tables write them.
pub fn is_transliterable(s: &str) -> bool {
    s.chars().filter(|c| c.is_alphabetic()).all(|c| {
        c.is_ascii_alphabetic()
            || ('\u{00C0}'..='\u{058F}').contains(&c)
            || ('\u{10A0}'..='\u{10FF}').contains(&c)
            || ('\u{1C80}'..='\u{1C8F}').contains(&c)
            || ('\u{1E00}'..='\u{1FFF}').contains(&c)
    })
}

/// True when one word of `s` mixes Latin letters with Cyrillic or Greek ones.
pub fn mixed_script(s: &str) -> bool {
    crate::tokens::words(s).iter().any(|w| {
        let word = &s[w.start..w.end];
        let latin = word
            .chars()
            .any(|c| c.is_alphabetic() && (c.is_ascii() || ('\u{00C0}'..='\u{024F}').contains(&c)));
        let other = word.chars().any(|c| ('\u{0370}'..='\u{052F}').contains(&c));
        latin && other
    })
}

/// True when `s` has Han, kana or Hangul characters.
pub fn has_cjk(s: &str) -> bool {
    s.chars().any(|c| {
        matches!(c,
            '\u{1100}'..='\u{11FF}' | '\u{2E80}'..='\u{2FDF}' | '\u{3040}'..='\u{30FF}'
            | '\u{3130}'..='\u{318F}' | '\u{3400}'..='\u{4DBF}' | '\u{4E00}'..='\u{9FFF}'
            | '\u{AC00}'..='\u{D7AF}' | '\u{F900}'..='\u{FAFF}' | '\u{20000}'..='\u{2FA1F}')
    })
}

fn type_code_of(name: &str) -> u8 {
    crate::table::type_code(name).expect("known type")
}

/// The class of a name's initial sound, as romanisations write it (q/c/k, y/j/i, w/v merged).
fn initial_class(s: &str) -> u8 {
    let mut latin = String::new();
    for w in crate::tokens::words(s).into_iter().take(1) {
        crate::translit::to_latin_into(&crate::fold::fold(&s[w.start..w.end]), &mut latin);
    }
    match latin.bytes().next().unwrap_or(0) {
        b'q' | b'c' => b'k',
        b'y' | b'j' => b'i',
        b'w' => b'v',
        b => b,
    }
}

/// True when Latin `span` may be another romanisation of `target`: same initial sound
/// (Tokaev/Toqaev, not Annan/Yan'an), and not merely other doubled letters (Borel/Borrell are
/// two names; such misspellings are left to the edit distance).
fn romanisation_of(span: &str, target: &str) -> bool {
    if initial_class(span) != initial_class(target) {
        return false;
    }
    if is_latin_text(target) && !romanisation_marker(span, target) {
        return false;
    }
    let undoubled = |s: &str| {
        let mut l = String::new();
        crate::translit::to_latin_into(&name_key(s), &mut l);
        let mut b = l.into_bytes();
        b.dedup();
        b
    };
    !is_latin_text(target) || undoubled(span) != undoubled(target)
}

/// A replacement for a name wrapped across lines keeps the line break where the text had it
/// (`Qasim Jomart\nTokayev` -> `Kassym-Jomart\nTokayev`), when both have the same words.
fn keep_line_breaks(found: &str, replacement: &str) -> String {
    let fw = crate::tokens::words(found);
    let rw = crate::tokens::words(replacement);
    if fw.len() != rw.len() || fw.len() < 2 {
        return replacement.to_string();
    }
    let mut out = String::with_capacity(replacement.len() + 2);
    out.push_str(&replacement[..rw[0].end]);
    for k in 1..rw.len() {
        let fgap = &found[fw[k - 1].end..fw[k].start];
        let rgap = &replacement[rw[k - 1].end..rw[k].start];
        match fgap.find('\n') {
            // A hyphen of the name stays, at the end of the line (`Kassym-\nJomart`).
            Some(nl) if !rgap.trim().is_empty() => {
                out.push_str(rgap.trim_end());
                out.push_str(&fgap[nl..]);
            }
            Some(_) => out.push_str(fgap),
            None => out.push_str(rgap),
        }
        out.push_str(&replacement[rw[k].start..rw[k].end]);
    }
    out.push_str(&replacement[rw[rw.len() - 1].end..]);
    out
}

/// Letter groups that romanisation schemes write differently (Qasym/Kassym, Zhomart/Jomart,
/// Tokayev/Tokaev, Volodymyr/Wolodymyr, Ouzbékistan). Two Latin spellings are romanisation
/// variants only when they differ in one of these; differences such as c/k, x/ks or i/y
/// between consonants make other names (France/Franke, Brics/Brix, Corbyn/Corbin).
const ROMANISATION_MARKERS: [&str; 20] = [
    "q", "kh", "zh", "dzh", "dj", "j", "w", "ou", "yy", "iy", "ii", "ij", "ya", "yu", "ye", "yo",
    "ay", "ey", "oy", "uy",
];

fn romanisation_marker(span: &str, target: &str) -> bool {
    let latin = |s: &str| {
        let mut l = String::new();
        crate::translit::to_latin_into(&name_key(s), &mut l);
        l
    };
    let (a, b) = (latin(span), latin(target));
    ROMANISATION_MARKERS
        .iter()
        .any(|m| a.matches(m).count() != b.matches(m).count())
}

/// Applies the case style of `found` to `target`: all-capitals stays all-capitals.
pub fn keep_case(found: &str, target: &str) -> String {
    if is_all_upper(found) && !is_all_upper(target) {
        target.to_uppercase()
    } else {
        target.to_string()
    }
}

impl Normalizer {
    /// A normalizer over the given indexes (searched in order; ids shared across indexes are
    /// one entity, whose canonical name comes from the first index that has it).
    pub fn from_indexes(indexes: Vec<Index>, opts: Options) -> Normalizer {
        Normalizer {
            indexes,
            opts,
            people: std::sync::OnceLock::new(),
        }
    }

    pub fn options(&self) -> &Options {
        &self.opts
    }

    pub fn indexes(&self) -> &[Index] {
        &self.indexes
    }

    fn info(&self, hit: Hit) -> HitInfo<'_> {
        let ix = &self.indexes[hit.ix as usize];
        let a = ix.alias(hit.alias);
        let r = ix.row(a.row);
        let e = ix.entity(r.entity);
        let (id, kind) = self.entity_of(hit.ix as usize, e.id, e.kind);
        HitInfo {
            text: a.text,
            name: r.name,
            lang: r.lang,
            flags: r.flags,
            id,
            kind,
        }
    }

    /// The entity an entity of index `ix` stands for. Ids shared across indexes are one entity.
    /// A user's simple-format entry (`alias<TAB>canonical`, type `other`) whose canonical is a
    /// name of exactly one entity of an earlier table joins that entity, so that adding
    /// `Kazakstann -> Kazakhstan` does not create a second "Kazakhstan".
    fn entity_of<'a>(&'a self, ix: usize, id: &'a str, kind: u8) -> (&'a str, u8) {
        if let Some(k) = self.indexes[..ix]
            .iter()
            .find_map(|earlier| earlier.entity_by_id(id).map(|e| earlier.entity(e).kind))
        {
            return (id, k);
        }
        if ix == 0 || TYPES[kind as usize] != "other" {
            return (id, kind);
        }
        let key = name_key(id);
        let mut found: Option<(&'a str, u8)> = None;
        for earlier in &self.indexes[..ix] {
            let Some(v) = earlier.get(KeyMap::Fold, &key) else {
                continue;
            };
            let mut list = Vec::new();
            earlier.postings(v, &mut list);
            for a in list {
                let row = earlier.row(earlier.alias(a).row);
                if row.name != id || row.flags & (flag::FORMER | flag::NEVER) != 0 {
                    continue;
                }
                let e = earlier.entity(row.entity);
                match found {
                    None => found = Some((e.id, e.kind)),
                    Some((fid, _)) if fid == e.id => {}
                    Some(_) => return (id, kind),
                }
            }
        }
        found.unwrap_or((id, kind))
    }

    /// The type of the entity with this id, if a loaded table has it.
    pub fn entity_type(&self, id: &str) -> Option<&'static str> {
        self.indexes.iter().find_map(|ix| {
            ix.entity_by_id(id)
                .map(|e| TYPES[ix.entity(e).kind as usize])
        })
    }

    /// The name rows of entity `id`, in every index that holds it.
    fn entity_rows<'s>(
        &'s self,
        id: &'s str,
    ) -> impl Iterator<Item = crate::index::RowRec<'s>> + 's {
        self.indexes.iter().flat_map(move |ix| {
            let rows = ix.entity_by_id(id).map(|e| {
                let rec = ix.entity(e);
                rec.first_row..rec.first_row + rec.rows
            });
            rows.into_iter().flatten().map(move |r| ix.row(r))
        })
    }

    /// The words of every alias of entity `id`, in every index (see
    /// [`evidence::could_be_name_part`]).
    pub(crate) fn name_parts(&self, id: &str) -> std::sync::Arc<[crate::evidence::NamePart]> {
        let mut names = Vec::new();
        for ix in &self.indexes {
            if let Some(e) = ix.entity_by_id(id) {
                names.extend(ix.entity_aliases(e).map(|a| a.text));
            }
        }
        crate::evidence::name_parts(names).into()
    }

    /// The canonical name of an entity in `lang` (fallback English, then its first name).
    pub fn canonical(&self, id: &str, lang: &str) -> String {
        let mut fallback_en: Option<&str> = None;
        let mut fallback_any: Option<&str> = None;
        for row in self.entity_rows(id) {
            if row.name.is_empty() {
                continue;
            }
            let primary = row.flags & (flag::ALT | flag::FORMER | flag::NEVER) == 0;
            if primary && lang_has(row.lang, lang) {
                return row.name.to_string();
            }
            if primary && fallback_en.is_none() && (lang_has(row.lang, "en") || row.lang.is_empty())
            {
                fallback_en = Some(row.name);
            }
            if fallback_any.is_none() && row.flags & flag::FORMER == 0 {
                fallback_any = Some(row.name);
            }
        }
        fallback_en.or(fallback_any).unwrap_or(id).to_string()
    }

    pub(crate) fn candidate(&self, id: &str, kind: u8) -> Candidate {
        Candidate {
            canonical: self.canonical(id, &self.opts.lang),
            id: id.to_string(),
            kind: EntityType::from_code(kind),
        }
    }

    fn is_home(&self, lang: &str) -> bool {
        lang.is_empty()
            || lang_has(lang, &self.opts.lang)
            || (!self.opts.explicit_lang && lang_has(lang, "en"))
    }

    /// Judges the hits on `span` (the text matched), found by `kind` at `distance`.
    pub fn decide(
        &self,
        span: &str,
        hits: &[Hit],
        kind: MatchKind,
        distance: u32,
        ctx: Context,
    ) -> Decision {
        let variant = matches!(kind, MatchKind::Translit | MatchKind::Fuzzy);
        if ctx == Context::Text && !variant {
            // Fast path: the span is a current name of an entity in the output language.
            let correct = hits.iter().any(|&h| {
                let ix = &self.indexes[h.ix as usize];
                let a = ix.alias(h.alias);
                if a.text != span {
                    return false;
                }
                let r = ix.row(a.row);
                r.name == span
                    && r.flags & (flag::FORMER | flag::NEVER) == 0
                    && (r.lang.is_empty() || lang_has(r.lang, &self.opts.lang))
            });
            if correct {
                return Decision::Leave;
            }
        }
        let mut infos: Vec<HitInfo<'_>> = hits.iter().map(|&h| self.info(h)).collect();
        if ctx == Context::Text {
            // All-capital aliases (acronyms) match only all-capital text or themselves.
            infos.retain(|h| {
                !is_acronym(h.text) || h.text == span || (is_all_upper(span) && !variant)
            });
        }
        if variant {
            // Near a protected word is not the protected word: those hits do not count; nor do
            // targets that are not to be matched loosely, or acronyms.
            infos.retain(|h| h.flags & (flag::NEVER | flag::NOFUZZY) == 0 && !is_acronym(h.text));
        } else if infos.iter().any(|h| h.flags & flag::NEVER != 0) {
            return Decision::Leave;
        }
        if ctx == Context::Cell && kind == MatchKind::Folded && span.is_ascii() {
            // A small place needs its diacritics: "Bush" is not the village "Būsh".
            infos.retain(|h| h.text.is_ascii() || h.flags & flag::NOFUZZY == 0);
        }
        if let Some(t) = self.opts.only_type {
            infos.retain(|h| h.kind == t);
        }
        if kind == MatchKind::Fuzzy && ctx == Context::Text {
            // A known name followed by more letters is a derived word (Moldovan, Kazakhstani),
            // not a misspelling.
            let key = name_key(span);
            infos.retain(|h| {
                let alias = name_key(h.text);
                key.contains(' ') || !(key.len() > alias.len() && key.starts_with(&alias))
            });
        }
        if variant && ctx == Context::Text {
            infos.retain(|h| {
                h.flags & flag::WEAK == 0 && (self.is_home(h.lang) || lang_has(h.lang, "en"))
            });
        }
        // The exact spelling (diacritics included) outweighs a folded one of another entity.
        if infos.iter().any(|h| h.text == span) {
            infos.retain(|h| h.text == span);
        }
        let key = name_key(span);
        // Two places of the tables named alike (`Melbourne`, `San Antonio`): a cell names one
        // of them, and which one it does not say, however much bigger one of them is.
        let homonyms = ctx == Context::Cell && !variant && {
            let mut ids: Vec<&str> = infos
                .iter()
                .filter(|h| {
                    h.flags & (flag::ALT | flag::FORMER) == 0
                        && !h.name.is_empty()
                        && name_key(h.name) == key
                })
                .map(|h| h.id)
                .collect();
            ids.sort_unstable();
            ids.dedup();
            ids.len() > 1
        };
        if homonyms {
            infos.retain(|h| name_key(h.name) == key);
        } else if infos.iter().any(|h| h.flags & flag::WEAK == 0) {
            infos.retain(|h| h.flags & flag::WEAK == 0);
        }
        if infos.is_empty() {
            return Decision::NoMatch;
        }
        if let Some(d) = self.open_world(span, &key, &mut infos, kind, ctx) {
            return d;
        }
        if infos.is_empty() {
            return Decision::NoMatch;
        }
        if kind == MatchKind::Fuzzy && infos.iter().any(|h| self.is_home(h.lang)) {
            // Equal distances: a misspelling of a name in the output language before one of a
            // name in another language.
            infos.retain(|h| self.is_home(h.lang));
        }
        let mut ids: Vec<(&str, u8)> = Vec::new();
        for h in &infos {
            if !ids.iter().any(|(id, _)| *id == h.id) {
                ids.push((h.id, h.kind));
            }
        }
        let is_exact_name = infos.iter().any(|h| h.text == span && h.name == span);
        let score = match kind {
            MatchKind::Exact | MatchKind::Code => 1.0,
            MatchKind::Initials => 0.8,
            MatchKind::Folded => 0.97,
            MatchKind::Translit => 0.9,
            MatchKind::Fuzzy => {
                let len = span.chars().filter(|c| c.is_alphanumeric()).count().max(1) as f32;
                (1.0 - distance as f32 / len).max(0.5)
            }
        };
        // A country and cities of the same name (Singapore, Vatican City): the country.
        if ids.len() > 1 {
            let country = type_code_of("country");
            let city = type_code_of("city");
            let countries = ids.iter().filter(|(_, k)| *k == country).count();
            let country_at_home = infos
                .iter()
                .any(|h| h.kind == country && (self.is_home(h.lang) || lang_has(h.lang, "en")));
            if countries == 1
                && country_at_home
                && ids.iter().all(|(_, k)| *k == country || *k == city)
            {
                ids.retain(|(_, k)| *k == country);
                infos.retain(|h| h.kind == country);
            }
        }
        let weak = infos.iter().all(|h| h.flags & flag::WEAK != 0);
        if ids.len() > 1 || infos.iter().any(|h| h.flags & flag::AMBIGUOUS != 0) {
            if ctx == Context::Text && (is_exact_name || kind == MatchKind::Exact) {
                return Decision::Leave;
            }
            let candidates = ids.iter().map(|(id, k)| self.candidate(id, *k)).collect();
            return Decision::Report(Match {
                start: 0,
                end: 0,
                replacement: None,
                kind,
                distance,
                score,
                fix: Fix::Ambiguous,
                note: Note::Ambiguous,
                candidates,
                weak,
            });
        }
        let (id, ekind) = ids[0];
        let candidates = vec![self.candidate(id, ekind)];
        if ctx == Context::Cell {
            return Decision::Report(Match {
                start: 0,
                end: 0,
                replacement: Some(candidates[0].canonical.clone()),
                kind,
                distance,
                score,
                fix: Fix::Safe,
                note: Note::Variant,
                candidates,
                weak,
            });
        }
        // Running text: choose the most useful hit.
        let lang = self.opts.lang.as_str();
        let mut best: Option<(u8, Option<Cow<'_, str>>, Note, bool)> = None;
        for h in &infos {
            let exact_text = h.text == span;
            let (prio, target, note) = if h.flags & flag::FORMER != 0 {
                if self.opts.former {
                    (2, Some(Cow::Owned(self.canonical(id, lang))), Note::Former)
                } else {
                    (1, None, Note::Former)
                }
            } else if self.is_home(h.lang) {
                let t = if h.name.is_empty() {
                    Cow::Owned(self.canonical(id, lang))
                } else {
                    Cow::Borrowed(h.name)
                };
                (3, Some(t), Note::Variant)
            } else if self.opts.explicit_lang
                && h.lang != "und"
                && !self.word_of_output_lang(&key)
                && !is_acronym(span)
            {
                (
                    2,
                    Some(Cow::Owned(self.canonical(id, lang))),
                    Note::OtherLanguage,
                )
            } else if h.lang != "und" && !variant {
                // A correct name in another language: reported for information only.
                (1, None, Note::OtherLanguage)
            } else {
                (0, None, Note::OtherLanguage)
            };
            let better = match &best {
                None => true,
                Some((p, _, _, ex)) => prio > *p || (prio == *p && exact_text && !*ex),
            };
            if better {
                best = Some((prio, target, note, exact_text));
            }
        }
        let (prio, target, mut note, _) = best.expect("non-empty hits");
        let Some(target) = target else {
            let canonical = keep_case(span, &self.canonical(id, lang));
            if prio == 1 && canonical != span {
                return Decision::Report(Match {
                    start: 0,
                    end: 0,
                    replacement: Some(canonical),
                    kind,
                    distance,
                    score,
                    fix: Fix::Info,
                    note,
                    candidates,
                    weak,
                });
            }
            return Decision::Leave;
        };
        // Letters of two scripts mixed in one word spell the name with look-alikes: reported,
        // fixed only on request (UTS #39 calls this mixed-script confusable).
        if kind == MatchKind::Translit && mixed_script(span) && is_latin_text(&target) {
            return Decision::Report(Match {
                start: 0,
                end: 0,
                replacement: Some(keep_case(span, &target)),
                kind,
                distance,
                score,
                fix: Fix::Suggested,
                note: Note::MixedScript,
                candidates,
                weak,
            });
        }
        // Another script than the target's: a foreign form, rewritten only on request; and
        // Latin text is never rewritten into another script.
        if !is_latin_text(span) && is_latin_text(&target) && !self.opts.explicit_lang {
            return Decision::Leave;
        }
        if is_latin_text(span) && !is_latin_text(&target) {
            return Decision::Leave;
        }
        // The output is in the span's script or the output language's: never Deseret for
        // Cyrillic text.
        if !evidence::output_script_fits(span, &target, lang) {
            return Decision::Leave;
        }
        if kind == MatchKind::Translit && is_latin_text(span) && !romanisation_of(span, &target) {
            return Decision::NoMatch;
        }
        let mut replacement = evidence::romanian_commas(&keep_case(span, &target)).into_owned();
        if replacement == span
            || evidence::only_cedillas_differ(span, &replacement)
            || !evidence::keeps_plain_words(span, &replacement)
        {
            return Decision::Leave;
        }
        if span.contains('\n') {
            replacement = keep_line_breaks(span, &replacement);
        }
        let lower = !has_upper(span);
        if lower && has_upper(&replacement) {
            // A lower-case common word ("china", "turkey") is not a name.
            let known = crate::tokens::words(span)
                .iter()
                .any(|w| crate::dict::is_known_word(&crate::fold::fold(&span[w.start..w.end])));
            if known || kind != MatchKind::Exact {
                return Decision::Leave;
            }
        }
        let styling = name_key(span) == name_key(&replacement);
        let fix = if lower || styling {
            Fix::Suggested
        } else {
            match kind {
                MatchKind::Exact | MatchKind::Folded => Fix::Safe,
                MatchKind::Code | MatchKind::Initials => Fix::Suggested,
                // One word alone, written in Latin letters, may be another person's surname
                // (Sayed is not Saied): only suggest; full names and places are safe.
                MatchKind::Translit
                    if TYPES[ekind as usize] == "person"
                        && !span.contains(char::is_whitespace)
                        && is_latin_text(span) =>
                {
                    Fix::Suggested
                }
                MatchKind::Translit => Fix::Safe,
                MatchKind::Fuzzy => {
                    // Surnames and towns have real neighbours (Tokarev and Tokayev, Kuchling and
                    // Kuching): only countries and organisations are corrected.
                    let len = name_key(span).chars().count();
                    let min_len = match TYPES[ekind as usize] {
                        "country" | "org" => SAFE_FUZZY_MIN_LEN,
                        _ => usize::MAX,
                    };
                    if distance <= 1 && len >= min_len && self.plausible(&key, &infos) {
                        Fix::Safe
                    } else {
                        Fix::Suggested
                    }
                }
            }
        };
        if note == Note::Variant {
            note = if styling {
                Note::Styling
            } else {
                match kind {
                    MatchKind::Exact
                    | MatchKind::Folded
                    | MatchKind::Code
                    | MatchKind::Initials => Note::Variant,
                    MatchKind::Translit => Note::Romanisation,
                    MatchKind::Fuzzy => Note::Misspelling,
                }
            };
        }
        Decision::Report(Match {
            start: 0,
            end: 0,
            replacement: Some(replacement),
            kind,
            distance,
            score,
            fix,
            note,
            candidates,
            weak,
        })
    }

    /// The open-world rules: what the tables' hits on `span` are worth against the words and
    /// names the tables do not hold. Drops hits that do not apply; returns a decision when the
    /// span is settled as something other than a variant.
    fn open_world<'s>(
        &'s self,
        span: &str,
        key: &str,
        infos: &mut Vec<HitInfo<'s>>,
        kind: MatchKind,
        ctx: Context,
    ) -> Option<Decision> {
        let variant = matches!(kind, MatchKind::Translit | MatchKind::Fuzzy);
        if ctx == Context::Text && evidence::dotted_abbreviation(span) {
            // `U.N.`, `U.S.`, `Jr.`: the writer's style, and a rewrite breaks the dots.
            return Some(Decision::Leave);
        }
        let world = crate::lexicon::lookup(key);
        if variant && evidence::letter_runs(span) {
            // `Oooo`, `OOOOOO`: an exclamation, not a name.
            return Some(Decision::NoMatch);
        }
        if ctx == Context::Text && !key.contains(' ') && !self.is_surname_of(key, infos) {
            // A given name alone (`Wladimir`, `Josef`) is not the person.
            let person = type_code_of("person");
            infos.retain(|h| h.kind != person);
            if infos.is_empty() {
                return Some(Decision::NoMatch);
            }
        }
        if variant {
            // A real word or name is not a misspelling or romanisation of another name.
            if world.blocks_variant() {
                return Some(Decision::NoMatch);
            }
            // Codes and acronyms match only as the tables write them (`FRG` is not Praha).
            if evidence::acronym_shape(span) {
                return Some(Decision::NoMatch);
            }
        }
        if kind != MatchKind::Exact && evidence::acronym_shape(span) {
            // `TUR` is not the town `Tur`, `CAN` not `Cân`: capitals match capitals, or the
            // entity's own name written in capitals (`IRAN`).
            infos.retain(|h| {
                is_all_upper(h.text) || (h.flags & flag::ALT == 0 && h.text == h.name && !variant)
            });
            if infos.is_empty() {
                return Some(Decision::NoMatch);
            }
        }
        if ctx == Context::Text
            && kind == MatchKind::Folded
            && !key.contains(' ')
            && world.any_word()
            && !infos.iter().any(|h| h.text == span)
        {
            // `God` is not the village `Göd`, `To` not `Tô`: a word of a language, written as
            // that language writes it.
            return Some(Decision::Leave);
        }
        // The name of the entity in the output language or English, as the span writes it,
        // outweighs the same letters as another entity's name in a third language (the city
        // `Tunis` before German `Tunis` for Tunisia).
        let at_home = |h: &HitInfo<'_>| {
            h.flags & (flag::ALT | flag::FORMER | flag::NEVER) == 0
                && (self.is_home(h.lang) || lang_has(h.lang, "en"))
                && name_key(h.name) == key
        };
        if infos.iter().any(at_home) && infos.iter().any(|h| !at_home(h)) {
            infos.retain(at_home);
        }
        if ctx == Context::Text && variant && self.known_name_parts(key, infos) {
            // Every word is already a form of the person's names (`Dmitry Anatolyevich
            // Medvedev`): a correct name, not a variant of another romanisation.
            return Some(Decision::Leave);
        }
        if kind == MatchKind::Translit && !key.contains(' ') && is_latin_text(span) {
            // A short word and a Latin name two letters longer or shorter share too few
            // letters to be one name in two romanisations (`Daju`, `Dazhou`; `Tanju`).
            let len = key.chars().count();
            infos.retain(|h| {
                !is_latin_text(h.text)
                    || len > SHORT_ROMANISATION
                    || name_key(h.text).chars().count().abs_diff(len) < 2
            });
            if infos.is_empty() {
                return Some(Decision::NoMatch);
            }
        }
        if ctx == Context::Cell {
            let person = type_code_of("person");
            let city = type_code_of("city");
            if variant && !key.contains(' ') {
                // One word alone is weak evidence of a person: a surname is shared by many.
                infos.retain(|h| h.kind != person);
            }
            if kind == MatchKind::Translit && is_latin_text(span) {
                // A Latin spelling of a name in another script starts with the same sound
                // (`Chle` is not `الحلة`, al-Hillah).
                infos.retain(|h| {
                    is_latin_text(h.text) || initial_class(span) == initial_class(h.text)
                });
            }
            if world.is_town() && !variant && !is_all_upper(span) {
                // The name of a real town the tables do not hold, which is only another
                // language's name of a country or person of theirs, is that town
                // (`Guadalupe`). A city's alternate names are weighed by population when the
                // table is made.
                let org = type_code_of("org");
                infos.retain(|h| {
                    h.kind == org
                        || h.kind == city
                        || self.is_home(h.lang)
                        || lang_has(h.lang, "en")
                        || (h.flags & (flag::ALT | flag::FORMER) == 0 && name_key(h.name) == key)
                });
                if kind == MatchKind::Folded && !span.is_ascii() {
                    // Letters the entity's names do not have, and another place is written
                    // with them (`Santa Mônica` is not Santa Monica, `Khorramābād` another
                    // Khorramabad, `Kóka` not Kōka); plain letters for accented ones are
                    // only a style.
                    infos.retain(|h| {
                        h.kind == org
                            || h.text == span
                            || (!h.text.is_ascii() && evidence::marks_dropped(span, h.text))
                    });
                }
            }
        }
        if kind == MatchKind::Fuzzy {
            // One word carries little evidence: its edit must be one people make. A longer
            // name carries its own (the other words agree).
            if !key.contains(' ') {
                infos.retain(|h| evidence::plausible_edits(key, &name_key(h.text)));
            } else {
                // A word that differs and is itself a real name makes another person
                // (`William Ruiz` is not William Ruto).
                let person = type_code_of("person");
                infos.retain(|h| {
                    h.kind != person
                        || !(evidence::differs_by_a_name(key, &name_key(h.text))
                            || evidence::another_given_name(key, || self.name_parts(h.id)))
                });
                // A given name and a surname of the name lists, in either order, are someone's
                // name (`Sainz María`, `Ruud Anna`), not a misspelt place.
                if evidence::a_persons_name(key) {
                    infos.retain(|h| h.kind == person);
                }
                // A name without the initials of a person's name (`George Bush` for `George
                // W. Bush`) is the name of everyone whose name it is without theirs (`George
                // H. W. Bush`): all of them are candidates.
                if !key.split(' ').any(|w| w.chars().count() == 1)
                    && infos
                        .iter()
                        .any(|h| h.kind == person && without_initials(&name_key(h.text)) == key)
                {
                    for other in self.people_without_initials(key) {
                        if !infos.iter().any(|h| h.id == other.id) {
                            infos.push(other);
                        }
                    }
                }
            }
            if ctx == Context::Text {
                // Another ending makes another word (`Ethiopic`, `Austric`), not a typo.
                infos.retain(|h| !evidence::edit_at_end(key, &name_key(h.text)));
            }
            if !infos.is_empty() && self.rival_near(key, infos) {
                return Some(Decision::NoMatch);
            }
        }
        None
    }

    /// The people's alias keys by their last word, made once, on first use (a few
    /// milliseconds for the default tables): the single-value rules for people written in
    /// part (initials, a name without its initials).
    fn people(&self) -> &PeopleBySurname {
        self.people.get_or_init(|| {
            let person = type_code_of("person");
            let mut map = PeopleBySurname::new();
            for (i, ix) in self.indexes.iter().enumerate() {
                for e in 0..ix.entity_count() as u32 {
                    let rec = ix.entity(e);
                    if self.entity_of(i, rec.id, rec.kind).1 != person {
                        continue;
                    }
                    for alias in ix.entity_alias_ids(e) {
                        let a = ix.alias(alias);
                        let key = name_key(a.text);
                        let main = ix.row(a.row).flags & (flag::ALT | flag::FORMER) == 0;
                        if let Some(last) = key.rsplit(' ').next().filter(|_| key.contains(' ')) {
                            let hit = Hit {
                                ix: i as u16,
                                alias,
                            };
                            map.entry(last.into()).or_default().push((
                                key.as_str().into(),
                                hit,
                                main,
                            ));
                        }
                    }
                }
            }
            map
        })
    }

    /// The ids of the people with an alias whose folded key ends with the word `surname` and
    /// passes `fits(key, main)` (`main`: the key is a name of a main row, not an alternate or
    /// former full name), in every index.
    pub(crate) fn people_named(
        &self,
        surname: &str,
        fits: impl Fn(&str, bool) -> bool,
    ) -> Vec<String> {
        let mut out: Vec<String> = Vec::new();
        for (key, hit, main) in self.people().get(surname).into_iter().flatten() {
            if !fits(key, *main) {
                continue;
            }
            let id = self.info(*hit).id;
            if !out.iter().any(|o| o == id) {
                out.push(id.to_string());
            }
        }
        out
    }

    /// The aliases of people, in every index, whose key without its one-letter words
    /// (initials) is `key` (words joined by one space, none of one letter).
    fn people_without_initials(&self, key: &str) -> Vec<HitInfo<'_>> {
        let Some(last) = key.rsplit(' ').next() else {
            return Vec::new();
        };
        self.people()
            .get(last)
            .into_iter()
            .flatten()
            .filter(|(k, _, _)| without_initials(k) == key)
            .map(|(_, hit, _)| self.info(*hit))
            .collect()
    }

    /// Whether entity `id` has a current name in language `lang` (a code) and `name` is none
    /// of them: in text of that language, `name` would be a foreign form.
    pub(crate) fn named_otherwise_in(&self, id: &str, lang: &str, name: &str) -> bool {
        let key = name_key(name);
        let mut named = false;
        for row in self.entity_rows(id) {
            if row.flags & (flag::ALT | flag::FORMER | flag::NEVER) == 0 && lang_has(row.lang, lang)
            {
                if name_key(row.name) == key {
                    return false;
                }
                named = true;
            }
        }
        named
    }

    /// Whether `key` (one word) is the last word of a person's name among the hits: a
    /// surname, which alone may stand for the person (`Tokayev`).
    fn is_surname_of(&self, key: &str, infos: &[HitInfo<'_>]) -> bool {
        let person = type_code_of("person");
        infos.iter().filter(|h| h.kind == person).any(|h| {
            let name = if h.name.is_empty() { h.text } else { h.name };
            let last = name_key(name);
            let last = last.rsplit(' ').next().unwrap_or("");
            let text = name_key(h.text);
            last == name_key(h.text)
                || text.rsplit(' ').next() == Some(key)
                || crate::translit::key_skeleton(last) == crate::translit::key_skeleton(key)
                || crate::lexicon::distance(last, key) <= 2
        })
    }

    /// Whether the hits are one person and every word of `key` is a word of that person's
    /// names in the tables.
    fn known_name_parts(&self, key: &str, infos: &[HitInfo<'_>]) -> bool {
        let person = type_code_of("person");
        let Some(first) = infos.first() else {
            return false;
        };
        if first.kind != person || infos.iter().any(|h| h.id != first.id) || !key.contains(' ') {
            return false;
        }
        let mut parts: Vec<String> = Vec::new();
        for row in self.entity_rows(first.id) {
            parts.extend(name_key(row.name).split(' ').map(str::to_string));
        }
        key.split(' ').all(|w| parts.iter().any(|p| p == w))
    }

    /// Whether the edit from `key` to the fuzzy hits is of the kinds people make.
    fn plausible(&self, key: &str, infos: &[HitInfo<'_>]) -> bool {
        infos
            .iter()
            .all(|h| evidence::plausible_edits(key, &name_key(h.text)))
    }

    /// Whether a real word or name other than the hits' entity lies as close to `key` as the
    /// hits do: the span is then as likely a misspelling of that as of the entity.
    fn rival_near(&self, key: &str, infos: &[HitInfo<'_>]) -> bool {
        let own: Vec<String> = infos.iter().map(|h| name_key(h.text)).collect();
        let ids: Vec<&str> = infos.iter().map(|h| h.id).collect();
        let d = own
            .iter()
            .map(|a| crate::lexicon::distance(key, a))
            .min()
            .unwrap_or(0);
        if d == 0 {
            return false;
        }
        crate::lexicon::any_within(key, d, |rival, entry| {
            if !entry.is_real_name() || own.iter().any(|a| a == rival) {
                return false;
            }
            // A name of the same entity is no rival.
            let mut hits = Vec::new();
            self.hits(KeyMap::Fold, rival, &mut hits);
            !hits.iter().any(|&h| ids.contains(&self.info(h).id))
        })
    }

    /// Whether the folded key is a word of the output language's list (a name correct in
    /// that language stays: `Cologne`, `Seville` for English).
    fn word_of_output_lang(&self, key: &str) -> bool {
        crate::lexicon::Lang::from_code(&self.opts.lang)
            .is_some_and(|l| !key.contains(' ') && crate::lexicon::lookup(key).in_lang(l))
    }

    /// Looks a whole key up in every index.
    pub(crate) fn hits(&self, which: KeyMap, key: &str, out: &mut Vec<Hit>) {
        for (i, ix) in self.indexes.iter().enumerate() {
            if let Some(v) = ix.get(which, key) {
                let mut list = Vec::new();
                ix.postings(v, &mut list);
                out.extend(list.into_iter().map(|a| Hit {
                    ix: i as u16,
                    alias: a,
                }));
            }
        }
    }

    /// Aliases among the English fuzzy targets one edit from `key`: by the deletion map where
    /// an index has one, else by the edit-distance walk.
    pub(crate) fn one_edit_english_hits(&self, key: &str) -> (Vec<Hit>, u32) {
        let mut out = Vec::new();
        for (i, ix) in self.indexes.iter().enumerate() {
            let used = ix.one_edit_english(key, |a| {
                out.push(Hit {
                    ix: i as u16,
                    alias: a,
                })
            });
            if !used {
                let mut found = Vec::new();
                ix.fuzzy(KeyMap::FuzzyEnglish, key.as_bytes(), 1, |v, d| {
                    if d == 1 {
                        found.push(v)
                    }
                });
                let mut list = Vec::new();
                for v in found {
                    list.clear();
                    ix.postings(v, &mut list);
                    out.extend(list.iter().map(|&a| Hit {
                        ix: i as u16,
                        alias: a,
                    }));
                }
            }
        }
        let d = if out.is_empty() { u32::MAX } else { 1 };
        (out, d)
    }

    /// Fuzzy hits of `key` in every index: the hits at the smallest distance found (>= 1).
    pub(crate) fn fuzzy_hits(&self, which: KeyMap, key: &str, max: u32) -> (Vec<Hit>, u32) {
        let mut best = u32::MAX;
        let mut out: Vec<Hit> = Vec::new();
        for (i, ix) in self.indexes.iter().enumerate() {
            let mut found: Vec<(u64, u32)> = Vec::new();
            ix.fuzzy(which, key.as_bytes(), max, |v, d| {
                if d > 0 {
                    found.push((v, d))
                }
            });
            for (v, d) in found {
                if d > best {
                    continue;
                }
                if d < best {
                    best = d;
                    out.clear();
                }
                let mut list = Vec::new();
                ix.postings(v, &mut list);
                out.extend(list.into_iter().map(|a| Hit {
                    ix: i as u16,
                    alias: a,
                }));
            }
        }
        (out, best)
    }

    /// Resolves one name, as `lookup` and CSV cells do.
    pub fn resolve(&self, input: &str) -> Resolution {
        let r = self.resolve_written(input);
        if r.how != Outcome::None {
            return r;
        }
        // A person by initials and surname, or in a list's order (`A. G. Lukashenko`,
        // `Lukashenko, Alexander`): weaker evidence, for single values only; never for a
        // value a table says is no name of theirs (a rejected review decision).
        if self.is_never(input.trim()) {
            return r;
        }
        crate::initials::resolve(self, input.trim()).unwrap_or(r)
    }

    /// Whether a table marks `name` (as written, folded) as never to be rewritten.
    fn is_never(&self, name: &str) -> bool {
        let mut hits = Vec::new();
        self.hits(KeyMap::Fold, &name_key(name), &mut hits);
        hits.into_iter()
            .any(|h| self.info(h).flags & flag::NEVER != 0)
    }

    /// [`Normalizer::resolve`] of a name written in full: what the text filter asks when it
    /// weighs a longer form of a person's name (where an initial stays as written).
    pub(crate) fn resolve_written(&self, input: &str) -> Resolution {
        let name = input.trim();
        // Country codes and the styles of statistical tables (`DEU`, `Korea, Rep.`).
        if let Some(r) = crate::country_styles::resolve(self, name) {
            return r;
        }
        let key = name_key(name);
        let r = self.resolve_key(name, key.clone());
        if r.how != Outcome::None {
            return r;
        }
        // "Republic of Congo" and "Republic of the Congo": the article after "of" is a style.
        let article = if key.contains(" of the ") {
            Some(key.replacen(" of the ", " of ", 1))
        } else if key.contains(" of ") {
            Some(key.replacen(" of ", " of the ", 1))
        } else {
            None
        };
        if let Some(other) = article {
            let r = self.resolve_key(&other, other.clone());
            if r.how != Outcome::None {
                return r;
            }
        }
        // An official long form: "Republic of Zaire", "Республика Казахстан".
        if let Some(short) = crate::designators::strip(&key) {
            let r = self.resolve_key(&short, short.clone());
            if r.entity
                .as_ref()
                .is_some_and(|e| e.kind == EntityType::Country)
            {
                return r;
            }
        }
        // A person's name with a title: "President Tokayev", "Mr Borrell".
        if let Some(short) = crate::designators::strip_title(&key) {
            let r = self.resolve_key(&short, short.clone());
            if r.entity
                .as_ref()
                .is_some_and(|e| e.kind == EntityType::Person)
            {
                return r;
            }
        }
        // A person's name with a patronymic: "Эмомали Шарипович Рахмон".
        if let Some(short) = crate::designators::strip_patronymic(&key) {
            let r = self.resolve_key(&short, short.clone());
            if r.entity
                .as_ref()
                .is_some_and(|e| e.kind == EntityType::Person)
            {
                return r;
            }
        }
        r
    }

    /// Resolves `name` through the alias tables as written (folded), with no loose match:
    /// for names rewritten by a rule, on which nothing fuzzy is built.
    pub(crate) fn resolve_exact(&self, name: &str) -> Resolution {
        let (name, key) = self.without_article(name, name_key(name));
        if key.is_empty() {
            return Resolution::none();
        }
        self.resolve_folded(name, &key)
            .unwrap_or_else(Resolution::none)
    }

    /// The entities with an alias written exactly `name` in English, the output language or
    /// no language.
    pub(crate) fn named_exactly(&self, name: &str) -> Vec<Candidate> {
        let mut hits = Vec::new();
        self.hits(KeyMap::Fold, &name_key(name), &mut hits);
        let mut out: Vec<Candidate> = Vec::new();
        for h in hits {
            let i = self.info(h);
            if i.text == name
                && (self.is_home(i.lang) || lang_has(i.lang, "en"))
                && !out.iter().any(|c| c.id == i.id)
            {
                out.push(self.candidate(i.id, i.kind));
            }
        }
        out
    }

    /// "the Netherlands": the article is not part of the name unless a table says so.
    fn without_article<'a>(&self, name: &'a str, key: String) -> (&'a str, String) {
        if let Some(rest) = key.strip_prefix("the ") {
            if self
                .indexes
                .iter()
                .all(|ix| ix.get(KeyMap::Fold, &key).is_none())
            {
                return (name[3..].trim_start(), rest.to_string());
            }
        }
        (name, key)
    }

    /// The exact phase of [`Normalizer::resolve_key`]: the folded key in the alias tables.
    fn resolve_folded(&self, name: &str, key: &str) -> Option<Resolution> {
        let mut hits = Vec::new();
        self.hits(KeyMap::Fold, key, &mut hits);
        if hits.is_empty() {
            return None;
        }
        let kind = if hits.iter().any(|h| self.info(*h).text == name) {
            MatchKind::Exact
        } else {
            MatchKind::Folded
        };
        self.resolution(name, &hits, kind, 0)
    }

    fn resolve_key(&self, name: &str, key: String) -> Resolution {
        let (name, key) = self.without_article(name, key);
        if key.is_empty() {
            return Resolution::none();
        }
        if let Some(r) = self.resolve_folded(name, &key) {
            return r;
        }
        // Han, kana and Hangul romanise by sound, and homophones abound: exact forms only.
        if has_cjk(name) {
            return Resolution::none();
        }
        let skel = crate::translit::key_skeleton(&key);
        // Strategies in order of strength; the first that decides wins.
        let mut hits = Vec::new();
        if !skel.is_empty() {
            self.hits(KeyMap::Skeleton, &skel, &mut hits);
            if let Some(r) = self.resolution(name, &hits, MatchKind::Translit, 0) {
                // A skeleton is a loose key. Found only through names in other languages
                // (`Lithunia` as Sicilian `Littonia`, Latvia), it yields to a one-edit
                // misspelling of another entity's English name (Lithuania).
                let english = hits
                    .iter()
                    .any(|h| lang_has(self.info(*h).lang, "en") || self.info(*h).lang.is_empty());
                if r.entity.is_some() && !english && fuzzy_budget(key.chars().count()) > 0 {
                    let (near, d) = self.one_edit_english_hits(&key);
                    if let Some(f) = self.resolution(name, &near, MatchKind::Fuzzy, d) {
                        let other = |f: &Resolution| {
                            f.entity.as_ref().map(|e| &e.id) != r.entity.as_ref().map(|e| &e.id)
                        };
                        if f.entity.is_some() && other(&f) {
                            return f;
                        }
                    }
                }
                return r;
            }
            // The name written the German, Polish, Dutch, French or Czech way.
            for reading in crate::translit::reading_skeletons(name, &skel) {
                hits.clear();
                self.hits(KeyMap::Skeleton, &reading, &mut hits);
                if let Some(r) = self.resolution(name, &hits, MatchKind::Translit, 0) {
                    return r;
                }
            }
        }
        // Edit distances mean nothing on the rough transliteration of scripts without vowels
        // or with syllables (Arabic, Hebrew, Han, kana, Hangul...).
        let len = key.chars().filter(|c| *c != ' ').count();
        let max = fuzzy_budget(len);
        if max == 0 || !is_transliterable(name) {
            return Resolution::none();
        }
        let (hits, d) = self.fuzzy_hits(KeyMap::Fuzzy, &key, max);
        if let Some(r) = self.resolution(name, &hits, MatchKind::Fuzzy, d) {
            return r;
        }
        if hits.is_empty() && !skel.is_empty() {
            let (hits, d) = self.fuzzy_hits(KeyMap::Skeleton, &skel, max.min(1));
            if let Some(r) = self.resolution(name, &hits, MatchKind::Fuzzy, d) {
                return r;
            }
        }
        Resolution::none()
    }

    fn resolution(
        &self,
        name: &str,
        hits: &[Hit],
        kind: MatchKind,
        dist: u32,
    ) -> Option<Resolution> {
        if hits.is_empty() {
            return None;
        }
        match self.decide(name, hits, kind, dist, Context::Cell) {
            Decision::Report(m) if m.fix == Fix::Ambiguous => Some(Resolution {
                entity: None,
                how: Outcome::Ambiguous,
                kind: Some(kind),
                distance: dist,
                score: m.score,
                candidates: m.candidates,
                weak: false,
            }),
            Decision::Report(mut m) => Some(Resolution {
                entity: Some(m.candidates.remove(0)),
                how: Outcome::Matched(kind),
                kind: Some(kind),
                distance: dist,
                score: m.score,
                candidates: Vec::new(),
                weak: m.weak,
            }),
            Decision::Leave => Some(Resolution::none()),
            Decision::NoMatch => None,
        }
    }
}

/// Shortest misspelt word (letters) whose one-edit correction can be a safe fix.
pub const SAFE_FUZZY_MIN_LEN: usize = 7;

/// Edits allowed for a name of `len` letters: none up to 4, one up to 8, two beyond.
pub fn fuzzy_budget(len: usize) -> u32 {
    match len {
        0..=4 => 0,
        5..=8 => 1,
        _ => 2,
    }
}
