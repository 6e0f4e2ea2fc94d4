//! Finding names in running text: candidate spans, key lookups, overlap resolution.
//!
//! For each word, left to right:
//! 1. exact phase: when the first-word filter allows it, walk the folded-key maps word by word
//!    for the longest alias starting here (`Kassym-Jomart Tokayev` before `Tokayev`);
//! 2. variant phase, for capitalised words that are not known English words: the longest span
//!    whose romanisation skeleton is a key, else one word within the edit-distance budget.
//!
//! Words that cannot start a variant are remembered in a [`Scanner`]'s cache, so the common
//! capitalised words of a text are judged once.

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

use crate::engine::{
    fuzzy_budget, Context, Decision, Fix, Hit, Match, MatchKind, Normalizer, SAFE_FUZZY_MIN_LEN,
};
use crate::fold::fold_into;
use crate::index::layout::{ascii_word_hash, word_hash};
use crate::index::{Cursor, KeyMap};
use crate::tokens::{for_each_word, Word};
use crate::translit::skeleton_into;

/// Longest number of words in a name.
const MAX_WORDS: usize = 8;
/// Longest number of words tried in the variant phase.
const MAX_VARIANT_WORDS: usize = 4;
/// Cached words before the cache is cleared (bounds memory on endless input).
const CACHE_LIMIT: usize = 200_000;

/// A small fast hasher for the per-stream word caches (keys are short words from the text).
#[derive(Default, Clone, Copy)]
pub struct WordHasher(u64);

impl Hasher for WordHasher {
    #[inline]
    fn write(&mut self, bytes: &[u8]) {
        let mut h = self.0;
        let mut chunks = bytes.chunks_exact(8);
        for c in &mut chunks {
            let x = u64::from_le_bytes(c.try_into().unwrap());
            h = (h.rotate_left(5) ^ x).wrapping_mul(0x51_7c_c1_b7_27_22_0a_95);
        }
        for &b in chunks.remainder() {
            h = (h.rotate_left(5) ^ b as u64).wrapping_mul(0x51_7c_c1_b7_27_22_0a_95);
        }
        self.0 = h;
    }
    #[inline]
    fn finish(&self) -> u64 {
        self.0
    }
}

type WordMap<V> = HashMap<WordKey, V, BuildHasherDefault<WordHasher>>;

/// A cache key: the text of a word or short span, stored inline when it is short (most are),
/// so that a lookup compares bytes in the table itself instead of following a pointer.
#[derive(Clone, PartialEq, Eq)]
enum WordKey {
    Inline { len: u8, bytes: [u8; 22] },
    Heap(Box<str>),
}

impl WordKey {
    fn as_str(&self) -> &str {
        match self {
            // SAFETY: `bytes[..len]` is a copy of a whole `&str` (see `From<&str>`), so it is
            // valid UTF-8; this runs on every probe, where validating again would cost.
            WordKey::Inline { len, bytes } => unsafe {
                std::str::from_utf8_unchecked(&bytes[..*len as usize])
            },
            WordKey::Heap(s) => s,
        }
    }
}

impl From<&str> for WordKey {
    fn from(s: &str) -> WordKey {
        if s.len() <= 22 {
            let mut bytes = [0u8; 22];
            bytes[..s.len()].copy_from_slice(s.as_bytes());
            WordKey::Inline {
                len: s.len() as u8,
                bytes,
            }
        } else {
            WordKey::Heap(s.into())
        }
    }
}

impl std::hash::Hash for WordKey {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.as_str().hash(state)
    }
}

impl std::borrow::Borrow<str> for WordKey {
    fn borrow(&self) -> &str {
        self.as_str()
    }
}

/// What the exact phase found for a word as a one-word name.
#[derive(Clone)]
enum Single {
    /// No name at this word.
    Nothing,
    /// A one-word name to leave alone.
    Leave,
    /// A one-word finding (its offsets are set where it is used).
    Report(Box<Match>),
}

impl From<Decision> for Single {
    fn from(d: Decision) -> Single {
        match d {
            Decision::NoMatch => Single::Nothing,
            Decision::Leave => Single::Leave,
            Decision::Report(m) => Single::Report(Box::new(m)),
        }
    }
}

/// What is known of one word of text: the exact phase's result, and the variant phase's when
/// it does not depend on the words around.
struct ExactMemo {
    single: Single,
    /// Key-map states (index, fst node address and output) after the word and a space.
    continues: Box<[(u16, (usize, u64))]>,
    /// The variant phase's one-word result, when no longer variant can start at the word and
    /// its neighbours did not matter.
    variant: Option<Single>,
}

impl Default for ExactMemo {
    fn default() -> Self {
        ExactMemo {
            single: Single::Nothing,
            continues: Box::new([]),
            variant: None,
        }
    }
}

/// Reusable scanning state: buffers and the per-stream caches of words already judged.
#[derive(Default)]
pub struct Scanner {
    words: Vec<Word>,
    fuzzy: WordMap<(Vec<Hit>, u32)>,
    exact: WordMap<ExactMemo>,
    spans: WordMap<Single>,
    translit: WordMap<Single>,
    /// The memoised variant result of the word the exact phase looked at last.
    variant_hint: Option<Single>,
    buf: String,
}

impl Scanner {
    pub fn new() -> Scanner {
        Scanner::default()
    }
}

#[inline]
fn fold_word(text: &str, w: Word, out: &mut String) {
    out.clear();
    fold_into(&text[w.start..w.end], out);
}

impl Normalizer {
    /// All findings in `text`, in order, not overlapping.
    pub fn find(&self, text: &str) -> Vec<Match> {
        self.find_with(text, &mut Scanner::new())
    }

    /// As [`Normalizer::find`], reusing a scanner across calls (streams, editors).
    pub fn find_with(&self, text: &str, sc: &mut Scanner) -> Vec<Match> {
        let mut words = std::mem::take(&mut sc.words);
        words.clear();
        for_each_word(text, |w| words.push(w));
        let mut out = Vec::new();
        let mut i = 0;
        while i < words.len() {
            let mut leave_n = 0;
            // A finding for information only (a former name, a name in another language) does
            // not stop a longer variant starting at the same word.
            let mut info: Option<Match> = None;
            match self.exact_at(text, &words, i, sc) {
                Some((n, Decision::Report(mut m))) => {
                    m.start = words[i].start;
                    m.end = words[i + n - 1].end;
                    if m.fix != Fix::Info {
                        out.push(m);
                        i += n;
                        continue;
                    }
                    info = Some(m);
                    leave_n = n;
                }
                Some((n, Decision::Leave)) => leave_n = n,
                _ => {}
            }
            // After a name left alone, only a longer variant span may still apply.
            let longer_possible = leave_n == 0
                || (i + leave_n < words.len()
                    && words[i + leave_n].joins
                    && text[words[i + leave_n].start..]
                        .chars()
                        .next()
                        .is_some_and(char::is_uppercase));
            if longer_possible {
                if let Some((n, m)) = self.variant(text, &words, i, sc) {
                    if n > leave_n {
                        out.push(m);
                        i += n;
                        continue;
                    }
                }
            }
            out.extend(info);
            i += leave_n.max(1);
        }
        sc.words = words;
        out
    }

    /// The exact phase at word `i`: the longest name and its decision. What the first word
    /// alone gives, and where the key maps stand after it, are memoised per word.
    fn exact_at(
        &self,
        text: &str,
        words: &[Word],
        i: usize,
        sc: &mut Scanner,
    ) -> Option<(usize, Decision)> {
        sc.variant_hint = None;
        let w = words[i];
        let word = &text[w.start..w.end];
        let lower = word.as_bytes()[0].is_ascii_lowercase()
            || word.chars().next().is_some_and(char::is_lowercase);
        // Lower-case words: the small lower-case filter settles most of them. Others (names,
        // sentence starts) are few and repeat: their memo comes first.
        if lower && !self.may_start_word(text, w, lower, &mut sc.buf).0 {
            return None;
        }
        if sc.exact.len() >= CACHE_LIMIT {
            sc.exact.clear();
        }
        let buf = &mut sc.buf;
        // One lookup: the key of a short word is built without allocating.
        let memo = sc.exact.entry(WordKey::from(word)).or_insert_with(|| {
            let (may, h) = self.may_start_word(text, w, lower, buf);
            if may {
                self.first_word(text, w, lower, h, buf)
            } else {
                ExactMemo::default()
            }
        });
        sc.variant_hint = memo.variant.clone();
        if !memo.continues.is_empty() {
            if let Some((n, values)) = self.continue_name(text, words, i, &memo.continues) {
                let span = &text[w.start..words[i + n - 1].end];
                // Decisions depend on the span's text only: memoised per span.
                let single = match sc.spans.get(span) {
                    Some(s) => s.clone(),
                    None => {
                        let hits = self.hits_of(&values);
                        let d = self.decide(
                            span,
                            &hits,
                            self.exact_kind(span, &hits),
                            0,
                            Context::Text,
                        );
                        let s = Single::from(d);
                        if sc.spans.len() >= CACHE_LIMIT {
                            sc.spans.clear();
                        }
                        sc.spans.insert(span.into(), s.clone());
                        s
                    }
                };
                match single {
                    Single::Nothing => {}
                    Single::Leave => return Some((n, Decision::Leave)),
                    Single::Report(m) => return Some((n, Decision::Report(*m))),
                }
            }
        }
        match &memo.single {
            Single::Nothing => None,
            Single::Leave => Some((1, Decision::Leave)),
            Single::Report(m) => Some((1, Decision::Report((**m).clone()))),
        }
    }

    /// Whether some alias may start with this word (first-word filter), and the word's hash.
    fn may_start_word(&self, text: &str, w: Word, lower: bool, buf: &mut String) -> (bool, u64) {
        let word = &text[w.start..w.end];
        let h = if word.is_ascii() {
            ascii_word_hash(word.as_bytes())
        } else {
            fold_word(text, w, buf);
            word_hash(buf.as_bytes())
        };
        (self.indexes.iter().any(|ix| ix.may_start(h, lower)), h)
    }

    fn exact_kind(&self, span: &str, hits: &[Hit]) -> MatchKind {
        if hits.iter().any(|h| self.alias_text(*h) == span) {
            MatchKind::Exact
        } else {
            MatchKind::Folded
        }
    }

    fn hits_of(&self, values: &[(u16, u64)]) -> Vec<Hit> {
        let mut hits = Vec::new();
        let mut list = Vec::new();
        for &(ixn, v) in values {
            list.clear();
            self.indexes[ixn as usize].postings(v, &mut list);
            hits.extend(list.iter().map(|&a| Hit { ix: ixn, alias: a }));
        }
        hits
    }

    /// Walks the folded-key maps with one word: its decision as a one-word name, and the map
    /// states from which a longer name may continue.
    fn first_word(&self, text: &str, w: Word, lower: bool, h: u64, buf: &mut String) -> ExactMemo {
        fold_word(text, w, buf);
        let mut values = Vec::new();
        let mut continues = Vec::new();
        for (ixn, ix) in self.indexes.iter().enumerate() {
            if !ix.may_start(h, lower) {
                continue;
            }
            let mut cur = Cursor::new(ix.map(KeyMap::Fold));
            if !cur.step(buf.as_bytes()) {
                continue;
            }
            if let Some(v) = cur.value() {
                values.push((ixn as u16, v));
            }
            if cur.step(b" ") {
                continues.push((ixn as u16, cur.state()));
            }
        }
        let single = if values.is_empty() {
            Single::Nothing
        } else {
            let span = &text[w.start..w.end];
            let hits = self.hits_of(&values);
            Single::from(self.decide(span, &hits, self.exact_kind(span, &hits), 0, Context::Text))
        };
        ExactMemo {
            single,
            continues: continues.into_boxed_slice(),
            variant: None,
        }
    }

    /// The longest run of two or more words from `i` that is a folded key, continuing from the
    /// map states after the first word; with its key values.
    #[allow(clippy::type_complexity)]
    fn continue_name(
        &self,
        text: &str,
        words: &[Word],
        i: usize,
        states: &[(u16, (usize, u64))],
    ) -> Option<(usize, Vec<(u16, u64)>)> {
        let mut best: Option<(usize, Vec<(u16, u64)>)> = None;
        let mut next = String::new();
        for &(ixn, state) in states {
            let ix = &self.indexes[ixn as usize];
            let mut cur = Cursor::resume(ix.map(KeyMap::Fold), state);
            let mut k = i + 1;
            while k < words.len() && k - i < MAX_WORDS && words[k].joins {
                fold_word(text, words[k], &mut next);
                if k > i + 1 && !cur.step(b" ") {
                    break;
                }
                if !cur.step(next.as_bytes()) {
                    break;
                }
                if let Some(v) = cur.value() {
                    let n = k - i + 1;
                    match &mut best {
                        Some((bn, list)) if *bn == n => list.push((ixn, v)),
                        Some((bn, _)) if *bn > n => {}
                        _ => best = Some((n, vec![(ixn, v)])),
                    }
                }
                k += 1;
            }
        }
        best
    }

    fn alias_text(&self, h: Hit) -> &str {
        self.indexes[h.ix as usize].alias(h.alias).text
    }

    /// The variant phase at word `i`: romanisation skeletons, then edit distance.
    fn variant(
        &self,
        text: &str,
        words: &[Word],
        i: usize,
        sc: &mut Scanner,
    ) -> Option<(usize, Match)> {
        let w = words[i];
        let word = &text[w.start..w.end];
        let first = word.chars().next()?;
        // Only capitalised words of a cased script; other scripts only when an output
        // language is named (their forms are correct in their own language otherwise).
        let cased = first.is_uppercase();
        if !cased && (first.is_lowercase() || !self.opts.explicit_lang || !first.is_alphabetic()) {
            return None;
        }
        if crate::engine::has_cjk(word) {
            return None;
        }
        if word.chars().count() < 4 {
            return None;
        }
        // The exact phase just looked this word's memo up and left its variant result here.
        match sc.variant_hint.take().as_ref() {
            // A misspelling next to unknown capitalised words is part of a name (see below).
            Some(Single::Report(m))
                if m.kind == MatchKind::Fuzzy && inside_unknown_name(text, words, i) =>
            {
                return None
            }
            Some(Single::Report(m)) => {
                let mut m = (**m).clone();
                m.start = w.start;
                m.end = w.end;
                return Some((1, m));
            }
            Some(_) => return None,
            None => {}
        }
        fold_word(text, w, &mut sc.buf);
        let folded = sc.buf.clone();
        if crate::dict::is_known_word(&folded) {
            self.remember(sc, word, Single::Nothing);
            return None;
        }
        // Skeleton walk: longest span of words whose skeleton is a key.
        let mut skel = String::new();
        skeleton_into(&folded, &mut skel);
        let mut best: Option<(usize, Vec<(u16, u64)>)> = None;
        // Whether a multi-word skeleton key may continue after the first word, and the map
        // states to continue from.
        let mut states: Vec<(u16, (usize, u64))> = Vec::new();
        if !skel.is_empty() {
            for (ixn, ix) in self.indexes.iter().enumerate() {
                let mut cur = Cursor::new(ix.map(KeyMap::Skeleton));
                if !cur.step(skel.as_bytes()) {
                    continue;
                }
                if let Some(v) = cur.value() {
                    match &mut best {
                        Some((_, list)) => list.push((ixn as u16, v)),
                        None => best = Some((1, vec![(ixn as u16, v)])),
                    }
                }
                if cur.step(b" ") {
                    states.push((ixn as u16, cur.state()));
                }
            }
        }
        let continues = !states.is_empty();
        if continues {
            // Skeletons of the following words, only now that a longer key is possible.
            let mut parts: Vec<String> = Vec::new();
            let mut k = i + 1;
            while k < words.len() && k - i < MAX_VARIANT_WORDS && words[k].joins {
                let mut f = String::new();
                fold_word(text, words[k], &mut f);
                let mut s = String::new();
                skeleton_into(&f, &mut s);
                if s.is_empty() {
                    break;
                }
                parts.push(s);
                k += 1;
            }
            for &(ixn, state) in &states {
                let mut cur =
                    Cursor::resume(self.indexes[ixn as usize].map(KeyMap::Skeleton), state);
                for (n, p) in parts.iter().enumerate() {
                    if n > 0 && !cur.step(b" ") {
                        break;
                    }
                    if !cur.step(p.as_bytes()) {
                        break;
                    }
                    if let Some(v) = cur.value() {
                        let n = n + 2;
                        match &mut best {
                            Some((bn, list)) if *bn == n => list.push((ixn, v)),
                            Some((bn, _)) if *bn > n => {}
                            _ => best = Some((n, vec![(ixn, v)])),
                        }
                    }
                }
            }
        }
        if let Some((n, vals)) = best {
            let hits = self.hits_of(&vals);
            let span = &text[w.start..words[i + n - 1].end];
            // Every word of a multi-word span that differs from the alias must not be a known word.
            let ok = (1..n).all(|k| {
                let mut f = String::new();
                fold_word(text, words[i + k], &mut f);
                !crate::dict::is_known_word(&f)
                    || hits.iter().any(|h| {
                        crate::tokens::name_key(self.alias_text(*h))
                            .split(' ')
                            .any(|aw| aw == f)
                    })
            });
            if ok {
                // Decisions depend on the span's text only: memoised per span.
                let single = match sc.translit.get(span) {
                    Some(s) => s.clone(),
                    None => {
                        let s = Single::from(self.decide(
                            span,
                            &hits,
                            MatchKind::Translit,
                            0,
                            Context::Text,
                        ));
                        if sc.translit.len() >= CACHE_LIMIT {
                            sc.translit.clear();
                        }
                        sc.translit.insert(span.into(), s.clone());
                        s
                    }
                };
                if let Single::Report(mut m) = single {
                    if n == 1 && !continues {
                        self.remember(sc, word, Single::Report(m.clone()));
                    }
                    m.start = w.start;
                    m.end = words[i + n - 1].end;
                    return Some((n, *m));
                }
            }
        }
        // Edit distance, one word.
        let len = folded.chars().count();
        let max = if self.opts.suggestions {
            fuzzy_budget(len)
        } else if len >= SAFE_FUZZY_MIN_LEN {
            // Only one edit on a long word can be a safe fix.
            1
        } else {
            0
        };
        // A word inside a run of unknown capitalised words is part of a name we do not know
        // (Abdel Fattah el-Sisi): not a misspelling of a shorter name.
        let inside_name = inside_unknown_name(text, words, i);
        if max > 0 && cased && !inside_name {
            // Running text corrects towards English or language-neutral names unless another
            // output language is named.
            let text_targets = if self.opts.explicit_lang {
                KeyMap::Fuzzy
            } else {
                KeyMap::FuzzyEnglish
            };
            if sc.fuzzy.len() >= CACHE_LIMIT {
                sc.fuzzy.clear();
            }
            let (hits, d) = sc
                .fuzzy
                .entry(folded.as_str().into())
                .or_insert_with(|| {
                    if max == 1 && text_targets == KeyMap::FuzzyEnglish {
                        self.one_edit_english_hits(&folded)
                    } else {
                        self.fuzzy_hits(text_targets, &folded, max)
                    }
                })
                .clone();
            if !hits.is_empty() {
                if let Decision::Report(mut m) =
                    self.decide(word, &hits, MatchKind::Fuzzy, d, Context::Text)
                {
                    if !continues {
                        self.remember(sc, word, Single::Report(Box::new(m.clone())));
                    }
                    m.start = w.start;
                    m.end = w.end;
                    return Some((1, m));
                }
            }
        }
        if !continues && !inside_name {
            self.remember(sc, word, Single::Nothing);
        }
        None
    }

    /// Memoises the variant phase's one-word result for `word`.
    fn remember(&self, sc: &mut Scanner, word: &str, result: Single) {
        match sc.exact.get_mut(word) {
            Some(m) => m.variant = Some(result),
            None => {
                if sc.exact.len() >= CACHE_LIMIT {
                    sc.exact.clear();
                }
                sc.exact.insert(
                    word.into(),
                    ExactMemo {
                        variant: Some(result),
                        ..ExactMemo::default()
                    },
                );
            }
        }
    }
}

/// True when word `i` stands in one phrase with an unknown capitalised word before or after it
/// (`Abdel Fattah el-Sisi`): it is then part of a name the tables do not know.
fn inside_unknown_name(text: &str, words: &[Word], i: usize) -> bool {
    let unknown_cap = |k: usize| {
        let ww = words[k];
        let t = &text[ww.start..ww.end];
        t.chars().next().is_some_and(char::is_uppercase) && {
            let mut f = String::new();
            fold_word(text, ww, &mut f);
            !crate::dict::is_known_word(&f)
        }
    };
    (words[i].tight && i > 0 && unknown_cap(i - 1))
        || (i + 1 < words.len() && words[i + 1].tight && unknown_cap(i + 1))
}

/// Rewrites `text` with the replacements of `matches` accepted by `apply_fix`.
pub fn apply(text: &str, matches: &[Match], mut accept: impl FnMut(&Match) -> bool) -> String {
    let mut out = String::with_capacity(text.len() + 16);
    let mut at = 0;
    for m in matches {
        if let Some(r) = &m.replacement {
            if m.start >= at && accept(m) {
                out.push_str(&text[at..m.start]);
                out.push_str(r);
                at = m.end;
            }
        }
    }
    out.push_str(&text[at..]);
    out
}
