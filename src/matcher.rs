//! Finding names in running text: candidate spans, key lookups, overlap resolution.
//!
//! For each word, left to right:
//! 1. exact phase: when the first-word filter allows it, walk the folded-key maps word by word
//!    for the longest alias starting here (`Kassym-Jomart Tokayev` before `Tokayev`);
//! 2. variant phase, for capitalised words that are not known English words: the longest span
//!    whose romanisation skeleton is a key, else one word within the edit-distance budget.
//!
//! Words are taken from the tokenizer into a small window, so that they stay in cache however
//! long the text. What each word gives alone (its exact and variant results, the key-map states
//! after it), each multi-word walk step and each span's decision are memoised in a
//! [`Scanner`]'s tables, so the words of a text that recur are judged once.

use crate::engine::{
    fuzzy_budget, Context, Decision, Fix, Hit, Match, MatchKind, Normalizer, SAFE_FUZZY_MIN_LEN,
};
use crate::entity::EntityType;
use crate::evidence;
use crate::fold::fold_into;
use crate::index::layout::{ascii_word_hash, word_hash};
use crate::index::{Cursor, KeyMap};
use crate::lexicon::{self, Lang};
use crate::scanner::{cached, memo_hash, Code, Facts, Pairs, Scanner, Single, States, Step};
use crate::tokens::{Tokens, Word};
use crate::translit::skeleton_into;

/// Longest number of words in a name.
const MAX_WORDS: usize = 8;
/// Longest number of words tried in the variant phase.
const MAX_VARIANT_WORDS: usize = 4;
/// Words held at once while scanning.
const WINDOW: usize = 512;
/// Words kept ahead of the current one: enough for the longest name and the word after it.
const LOOKAHEAD: usize = MAX_WORDS + 2;

/// The language of the paragraph around the findings, found on first need.
#[derive(Default)]
struct Paragraph {
    /// Byte range of the paragraph whose language is known.
    start: usize,
    end: usize,
    known: bool,
    lang: Option<Lang>,
}

impl Paragraph {
    /// The language of the paragraph (text between blank lines) holding byte `at`, from its
    /// first lower-case words.
    fn language(
        &mut self,
        text: &str,
        at: usize,
        words: &[Word],
        sc: &mut Scanner,
    ) -> Option<Lang> {
        if self.known && (self.start..=self.end).contains(&at) {
            return self.lang;
        }
        let bytes = text.as_bytes();
        let start = memchr::memmem::rfind(&bytes[..at], b"\n\n").map_or(0, |p| p + 2);
        let end = memchr::memmem::find(&bytes[at..], b"\n\n").map_or(text.len(), |p| at + p);
        let mut guess = lexicon::LangGuess::default();
        score_paragraph(text, start, end, words, &mut guess, sc);
        if guess.language().is_none() && !guess.settled() {
            // Too few words to tell (a heading, a signature, `--Mao Tsé-Tung` under a
            // quotation): the text around it says which language it stands in.
            let before = floor_char_boundary(text, start.saturating_sub(CONTEXT_BYTES));
            score_words(&text[before..start], &mut guess, sc);
            let after = floor_char_boundary(text, (end + CONTEXT_BYTES).min(text.len()));
            score_words(&text[end..after], &mut guess, sc);
        }
        *self = Paragraph {
            start,
            end,
            known: true,
            lang: guess.language(),
        };
        self.lang
    }
}

/// How much text on each side of a short paragraph is read to find its language.
const CONTEXT_BYTES: usize = 2048;

/// Adds the words of the paragraph `text[start..end]` to `guess` until it is settled, as
/// [`score_words`] does, taking them from the scan's window `words` (tokenized already) when
/// it holds the paragraph's start; the words of the paragraph past the window's end, if the
/// guess needs them, are tokenized again.
fn score_paragraph(
    text: &str,
    start: usize,
    end: usize,
    words: &[Word],
    guess: &mut lexicon::LangGuess,
    sc: &mut Scanner,
) {
    if words.first().is_none_or(|w| w.start > start) {
        score_words(&text[start..end], guess, sc);
        return;
    }
    let from = words.partition_point(|w| w.start < start);
    let mut seen = start;
    for &w in &words[from..] {
        if w.end > end || guess.settled() {
            return;
        }
        score_word(text, w, guess, sc);
        seen = w.end;
    }
    if guess.settled() {
        return;
    }
    // The window ends inside the paragraph: the rest of it, tokenized as the whole
    // paragraph is (a word is the same whatever comes before the paragraph).
    let slice = &text[start..end];
    for w in Tokens::new(slice) {
        if guess.settled() {
            break;
        }
        if start + w.start >= seen {
            score_word(slice, w, guess, sc);
        }
    }
}

/// Adds the words of `slice` to `guess` until it is settled: lower-case words, and
/// capitalised ones the word lists hold (German nouns, `Der Staatschef traf Jelzin`), but not
/// words in capitals.
fn score_words(slice: &str, guess: &mut lexicon::LangGuess, sc: &mut Scanner) {
    // Word by word: a paragraph's language is mostly settled by its first sixteen words.
    for w in Tokens::new(slice) {
        if guess.settled() {
            break;
        }
        score_word(slice, w, guess, sc);
    }
}

/// Adds word `w` of `text` to `guess`, if it is a word that tells the language.
fn score_word(text: &str, w: Word, guess: &mut lexicon::LangGuess, sc: &mut Scanner) {
    let word = &text[w.start..w.end];
    let mut chars = word.chars();
    let first = chars.next();
    let lower = first.is_some_and(char::is_lowercase);
    if lower || (first.is_some_and(char::is_uppercase) && chars.any(char::is_lowercase)) {
        let e = sc.lexicon(text, w);
        // A capitalised name says nothing of the language around it (`Qasim` is in one list
        // only).
        if lower || !(e.is_person_name() || e.is_place() || e.is_place_alternate()) {
            guess.add(e);
        }
    }
}

/// The largest char boundary of `text` at or below `at`.
fn floor_char_boundary(text: &str, mut at: usize) -> usize {
    while !text.is_char_boundary(at) {
        at -= 1;
    }
    at
}

#[inline]
fn fold_word(text: &str, w: Word, out: &mut String) {
    out.clear();
    fold_into(&text[w.start..w.end], out);
}

/// The word `j` when it stands in one phrase with the word before it, or past a name
/// particle (`Shukri al-Kuwatli`, `Frans van Pop`), the word after the particle.
fn after_particle(text: &str, words: &[Word], j: usize) -> Option<Word> {
    let w = *words.get(j).filter(|w| w.tight)?;
    let word = &text[w.start..w.end];
    if word.chars().next().is_some_and(char::is_lowercase)
        && crate::designators::is_name_particle(word)
    {
        if let Some(&next) = words.get(j + 1).filter(|n| n.tight) {
            return Some(next);
        }
    }
    Some(w)
}

/// What [`Normalizer::settle`] made of a finding.
enum Settled {
    Keep(Match),
    Drop,
    /// Kept only if the next finding is a rewrite that covers the capitalised word starting
    /// at this byte, which would otherwise read as part of a name the tables do not know.
    AwaitRight(Match, usize),
}

/// Adds a settled finding to `out`, first deciding the one that waits for it (`waiting`).
fn push(out: &mut Vec<Match>, waiting: &mut Option<(Match, usize)>, settled: Settled) {
    let next = match settled {
        Settled::Keep(m) => Some(m),
        Settled::Drop => None,
        Settled::AwaitRight(m, at) => {
            *waiting = Some((m, at));
            return;
        }
    };
    if let Some(next) = next {
        if let Some((m, at)) = waiting.take() {
            let rewrites =
                next.replacement.is_some() && !matches!(next.fix, Fix::Info | Fix::Ambiguous);
            if rewrites && next.start <= at && at < next.end {
                out.push(m);
            }
        }
        out.push(next);
    }
}

impl Normalizer {
    /// All findings in `text`, in order, not overlapping.
    pub fn find(&self, text: &str) -> Vec<Match> {
        self.find_with(text, &mut Scanner::new())
    }

    /// As [`Normalizer::find`], reusing a scanner across calls (streams, editors).
    pub fn find_with(&self, text: &str, sc: &mut Scanner) -> Vec<Match> {
        // Words are held in a small window (the word before, the words after, up to the
        // longest name), so that they stay in cache however long the text is.
        let mut words = std::mem::take(&mut sc.words);
        words.clear();
        let mut tokens = Tokens::new(text);
        let mut more = true;
        let mut out = Vec::new();
        let mut para = Paragraph::default();
        let mut waiting = None;
        let mut i = 0;
        loop {
            if more && i + LOOKAHEAD >= words.len() {
                let keep = i.saturating_sub(1);
                words.drain(..keep);
                i -= keep;
                more = tokens.fill(&mut words, WINDOW);
            }
            if i >= words.len() {
                break;
            }
            // Most words are plain lower-case words that start no name: one filter probe.
            let w = words[i];
            if w.plain
                && text.as_bytes()[w.start].is_ascii_lowercase()
                && !self.indexes.iter().any(|ix| ix.may_start(w.hash, true))
            {
                i += 1;
                continue;
            }
            let mut leave_n = 0;
            // A finding for information only (a former name, a name in another language) does
            // not stop a longer variant starting at the same word.
            let mut info: Option<Match> = None;
            match self.exact_at(text, &words, i, sc) {
                Some((n, Decision::Report(mut m))) => {
                    m.start = words[i].start;
                    m.end = words[i + n - 1].end;
                    if m.fix != Fix::Info {
                        let prev_end = out.last().map_or(0, |p: &Match| p.end);
                        let settled = self.settle(text, &words, i, n, m, prev_end, &mut para, sc);
                        push(&mut out, &mut waiting, settled);
                        i += n;
                        continue;
                    }
                    info = Some(m);
                    leave_n = n;
                }
                Some((n, Decision::Leave)) => {
                    // A correct name of the tables starts at the word a finding waits for.
                    if let Some((m, at)) = waiting.take() {
                        if words[i].start <= at && at < words[i + n - 1].end {
                            out.push(m);
                        } else {
                            waiting = Some((m, at));
                        }
                    }
                    leave_n = n
                }
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
                        let prev_end = out.last().map_or(0, |p: &Match| p.end);
                        let settled = self.settle(text, &words, i, n, m, prev_end, &mut para, sc);
                        push(&mut out, &mut waiting, settled);
                        i += n;
                        continue;
                    }
                }
            }
            if let Some(m) = info {
                push(&mut out, &mut waiting, Settled::Keep(m));
            }
            i += leave_n.max(1);
        }
        sc.words = words;
        out
    }

    /// The checks of a finding against the text around it, which the memoised decision of the
    /// span alone cannot see: the seam with the next characters, the paragraph's language,
    /// and the capitalised words next to it (a name is rewritten whole or not at all).
    /// The finding is kept, dropped, or waits for the match that follows (see [`Settled`]).
    #[allow(clippy::too_many_arguments)]
    fn settle(
        &self,
        text: &str,
        words: &[Word],
        i: usize,
        n: usize,
        mut m: Match,
        prev_end: usize,
        para: &mut Paragraph,
        sc: &mut Scanner,
    ) -> Settled {
        if m.fix == Fix::Ambiguous {
            // Words of the paragraph's language that also name several places (`la esperanza`,
            // `Co to`, `Las flores`): the words, not a name to choose.
            let lang = para.language(text, m.start, words, sc);
            let mut key = String::new();
            let words_of_language = words[i..i + n].iter().all(|&w| {
                fold_word(text, w, &mut key);
                let e = lexicon::lookup(&key);
                match lang {
                    Some(l) => e.common_in(l),
                    None => e.common_anywhere(),
                }
            });
            return if words_of_language {
                Settled::Drop
            } else {
                Settled::Keep(m)
            };
        }
        let Some(rep) = m.replacement.as_deref() else {
            return Settled::Keep(m);
        };
        if m.fix == Fix::Info {
            return Settled::Keep(m);
        }
        // `U.S.` + `.`, `John's` + `’s`: the rewrite would double the text's punctuation.
        if evidence::clashes_with_next(rep, &text[m.end..]) {
            return Settled::Drop;
        }
        let lang = para.language(text, m.start, words, sc);
        let out_lang = Lang::from_code(&self.opts.lang);
        if let Some(l) = lang {
            if Some(l) == out_lang && m.note == crate::engine::Note::OtherLanguage {
                // A paragraph written in the output language: a name in another language in
                // it is the writer's choice (a person's name, a quotation), not a slip.
                return Settled::Drop;
            }
            if Some(l) != out_lang && !self.opts.explicit_lang {
                // A paragraph in another language writes names its own way (`Jelzin`,
                // `Tolstoi` in German): only misspellings are corrected there, and only to
                // the name that language writes (`Kazajstán` in Spanish is near the Spanish
                // `Kazajistán`, and no slip for the English `Kazakhstan`).
                if m.kind != MatchKind::Fuzzy
                    || m.candidates
                        .first()
                        .is_some_and(|c| self.named_otherwise_in(&c.id, l.code(), &c.canonical))
                {
                    return Settled::Drop;
                }
            }
        }
        if n == 1 {
            // A word of the paragraph's language is that word, whatever else it spells (German
            // nouns are capitalised: any case counts); where the language is not clear, a
            // common word of any language is not taken for a misspelling or romanisation.
            let key = crate::fold::fold(&text[m.start..m.end]);
            let e = lexicon::lookup(&key);
            if e.any_word() {
                let variant = matches!(m.kind, MatchKind::Translit | MatchKind::Fuzzy);
                // A misspelling or romanisation is never a common word of any language
                // (`¡Bárbaros!` in Spanish, whose list lacks the plural, is Portuguese too).
                let common = match lang {
                    _ if variant && e.common_anywhere() => true,
                    Some(l) => e.in_lang(l) && (e.common_in(l) || l != Lang::En || variant),
                    None => e.common_in(Lang::En),
                };
                if common {
                    return Settled::Drop;
                }
            }
        }
        let person = m.candidates.len() == 1 && m.candidates[0].kind == EntityType::Person;
        if !person && n == 1 && i + 1 < words.len() && words[i + 1].tight {
            // A given name before a capitalised word or a name particle is someone's name
            // (`Frans Pop`, `Frans van der Zande`), not the country it also spells.
            let next = &text[words[i + 1].start..words[i + 1].end];
            let next_key = crate::fold::fold(next);
            let names_someone = next.chars().next().is_some_and(char::is_uppercase)
                && !crate::designators::is_title(&next_key)
                || crate::designators::is_name_particle(&next_key);
            if names_someone
                && lexicon::lookup(&crate::fold::fold(&text[m.start..m.end])).is_given_name()
            {
                return Settled::Drop;
            }
        }
        if person {
            // A capitalised word next to a person's name that makes, with it, another form of
            // the same person (`Aleksandr Łukaszenka`): the whole name is rewritten at once,
            // so that a second pass has nothing left to do.
            // Capitalised, and neither a title (`President`) nor a common word: a name's part.
            let cap = |w: Word| {
                let word = &text[w.start..w.end];
                let key = crate::fold::fold(word);
                word.chars().next().is_some_and(char::is_uppercase)
                    && !crate::designators::is_title(&key)
                    && !lexicon::lookup(&key).common_in(Lang::En)
            };
            let sides = [
                (i > 0 && words[i].tight && words[i - 1].start >= prev_end && cap(words[i - 1]))
                    .then(|| (words[i - 1].start, m.end)),
                (i + n < words.len() && words[i + n].tight && cap(words[i + n]))
                    .then(|| (m.start, words[i + n].end)),
            ];
            for (k, side) in sides.into_iter().enumerate() {
                let Some((start, end)) = side else {
                    continue;
                };
                let whole = &text[start..end];
                let neighbour = if k == 0 { words[i - 1] } else { words[i + n] };
                let neighbour = &text[neighbour.start..neighbour.end];
                let id = &m.candidates[0].id;
                let parts = cached(&mut sc.parts, id, || self.name_parts(id));
                // Most words beside a name are no part of it: the whole-name resolution (a
                // fuzzy walk of every table) is only tried for one that may be.
                let memo_key = format!("{id}\u{1}{whole}");
                let r = cached(&mut sc.people, &memo_key, || {
                    evidence::could_be_name_part(neighbour, &parts)
                        .then(|| {
                            self.resolve_written(whole)
                                .entity
                                .map(|e| (e.id, e.canonical))
                        })
                        .flatten()
                });
                let same = r.as_ref().map(|(id, _)| id) == Some(&m.candidates[0].id);
                if !same && k == 0 && n == 1 && !text[start..m.start].contains(['\'', '’']) {
                    // Someone else's given name before the surname (`Aram Khachaturian` is
                    // not Vahagn Khachaturyan): another person of that name.
                    return Settled::Drop;
                }
                if same {
                    let canonical = r.map(|(_, c)| c).unwrap_or_default();
                    let replacement = crate::engine::keep_case(whole, &canonical);
                    if replacement != whole
                        && !evidence::clashes_with_next(&replacement, &text[end..])
                    {
                        m.start = start;
                        m.end = end;
                        m.replacement = Some(replacement);
                        return Settled::Keep(m);
                    }
                }
            }
        }
        let left = i > 0
            && words[i].tight
            && words[i - 1].start >= prev_end
            && self.name_like(text, words[i - 1], sc);
        if left {
            // A capitalised word the tables do not know stands before the span: the span is
            // part of a longer name, someone or somewhere else.
            return Settled::Drop;
        }
        if let Some(w) = after_particle(text, words, i + n).filter(|&w| self.name_like(text, w, sc))
        {
            // The same after it, unless a rewrite that follows starts at that word
            // (`Biwyamin Netanyahou`): the decision waits for it, so that it is the same
            // before and after the neighbour is fixed.
            return Settled::AwaitRight(m, w.start);
        }
        Settled::Keep(m)
    }

    /// Whether word `w` reads as part of a name the tables do not hold: capitalised, not a
    /// common English word or a title, and not itself a name or variant of the tables.
    /// Memoised per word.
    fn name_like(&self, text: &str, w: Word, sc: &mut Scanner) -> bool {
        let word = &text[w.start..w.end];
        if !word.chars().next().is_some_and(char::is_uppercase) {
            return false;
        }
        let e = sc.entry(text, w);
        if sc.cold[e].known == 0 {
            let like = self.compute_name_like(text, w, sc);
            let e = sc.entry(text, w);
            sc.cold[e].known = 1 + (!like) as u8;
        }
        sc.cold[e].known == 1
    }

    fn compute_name_like(&self, text: &str, w: Word, sc: &mut Scanner) -> bool {
        fold_word(text, w, &mut sc.buf);
        let key = sc.buf.clone();
        if crate::designators::is_title(&key) {
            return false;
        }
        let entry = lexicon::lookup(&key);
        let out_lang = Lang::from_code(&self.opts.lang).unwrap_or(Lang::En);
        if (entry.common_in(Lang::En) || entry.common_in(out_lang)) && !entry.is_person_name() {
            return false;
        }
        // A name of the tables, or a variant of one, is no unknown name: the decision next to
        // it is the same before and after it is fixed. (A word that only starts a longer name,
        // `Shigeru` of `Shigeru Ishiba`, is known where that name follows: the finding before
        // it waits for it, see `Settled::AwaitRight`.)
        let lower = false;
        let (may, fh) = self.may_start_word(text, w, lower, &mut sc.buf);
        if may {
            let (single, _) = self.first_word(text, w, lower, fh, &mut sc.buf);
            if !matches!(single, Single::Nothing) {
                return false;
            }
        }
        let (_, facts) = self.facts(text, w, sc);
        if facts.skeleton != Code::NOTHING || facts.states != 0 {
            return false;
        }
        // A one-edit misspelling of a name is no unknown name either (looked up in the
        // deletion map, which costs little; wider searches per neighbour would cost more than
        // the rest of the scan, so `Kazakstan Kazaksta` waits for one of them to be a name).
        if facts.candidate && facts.cased && fuzzy_budget(facts.len) > 0 {
            let code = match facts.fuzzy {
                Some(c) => c,
                None => self.fuzzy_code(text, w, 1, sc),
            };
            if code != Code::NOTHING {
                return false;
            }
        }
        true
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
        // Plain lower-case words that start no name were settled by the filter already; the
        // rest (names, sentence starts, words with accents) are few and repeat: memoised.
        sc.bound_exact();
        // One lookup, hashing nothing: the tokenizer hashed the word.
        let e = sc.entry(text, w);
        let mut memo = *sc.exact.at(e);
        if memo.single == Code::UNSET {
            memo.single = Code::NOTHING;
            let lower = text[w.start..]
                .chars()
                .next()
                .is_some_and(char::is_lowercase);
            let (may, fh) = self.may_start_word(text, w, lower, &mut sc.buf);
            if may {
                let (single, continues) = self.first_word(text, w, lower, fh, &mut sc.buf);
                memo.single = Scanner::code(&mut sc.found, single);
                memo.continues = Scanner::keep_states(&mut sc.states, continues);
            }
            *sc.exact.at_mut(e) = memo;
        }
        sc.variant_hint = (memo.variant != Code::UNSET).then_some(memo.variant);
        if memo.continues != 0 {
            if let Some((n, values)) =
                self.continue_span(text, words, i, KeyMap::Fold, memo.continues, sc)
            {
                let span = &text[w.start..words[i + n - 1].end];
                // Decisions depend on the span's text only: memoised per span.
                let single = cached(&mut sc.spans, span, || {
                    let hits = self.hits_of(&values);
                    let kind = self.exact_kind(span, &hits);
                    Single::from(self.decide(span, &hits, kind, 0, Context::Text))
                });
                match single {
                    Single::Nothing => {}
                    Single::Leave => return Some((n, Decision::Leave)),
                    Single::Report(m) => return Some((n, Decision::Report(*m))),
                }
            }
        }
        match sc.decision(memo.single) {
            Decision::NoMatch => None,
            d => Some((1, d)),
        }
    }

    /// Whether some alias may start with this word (first-word filter), and the word's hash.
    fn may_start_word(&self, text: &str, w: Word, lower: bool, buf: &mut String) -> (bool, u64) {
        let word = &text[w.start..w.end];
        let h = if w.plain {
            w.hash
        } else if word.is_ascii() {
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
    fn first_word(
        &self,
        text: &str,
        w: Word,
        lower: bool,
        h: u64,
        buf: &mut String,
    ) -> (Single, States) {
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
        (single, continues.into_boxed_slice())
    }

    /// The longest run of two or more words from `i` whose keys in `map` continue from the
    /// states `states` (an index plus one in the scanner's list) after the first word; with
    /// its key values. Names run to [`MAX_WORDS`] words, skeleton spans to
    /// [`MAX_VARIANT_WORDS`].
    #[allow(clippy::type_complexity)]
    fn continue_span(
        &self,
        text: &str,
        words: &[Word],
        i: usize,
        map: KeyMap,
        mut states: u32,
        sc: &mut Scanner,
    ) -> Option<(usize, Vec<(u16, u64)>)> {
        let max_words = if map == KeyMap::Skeleton {
            MAX_VARIANT_WORDS
        } else {
            MAX_WORDS
        };
        let mut best = None;
        let mut k = i + 1;
        while states != 0 && k < words.len() && k - i < max_words && words[k].joins {
            let step = self.step(text, words[k], map, states, sc);
            if step.values != 0 {
                best = Some((k - i + 1, step.values));
            }
            states = step.next;
            k += 1;
        }
        best.map(|(n, v)| (n, sc.values[v as usize - 1].to_vec()))
    }

    /// Walks the key map `map` on from `states` with word `w`: the key values it completes and
    /// the states after it and a space. Memoised per states and word, so that the words after
    /// a common first word (`New`, `San`, `Abdel`) are walked once.
    fn step(&self, text: &str, w: Word, map: KeyMap, states: u32, sc: &mut Scanner) -> Step {
        let word = &text[w.start..w.end];
        // Most words after a common first word lead nowhere: the first two letters of a plain
        // word, against the pairs that leave the states, turn most of them away at once.
        if map == KeyMap::Fold && w.plain && w.end - w.start >= 2 {
            let b = text.as_bytes();
            let (x, y) = (
                b[w.start].to_ascii_lowercase(),
                b[w.start + 1].to_ascii_lowercase(),
            );
            if !self.pairs_of(states, sc).may(x, y) {
                return Step { values: 0, next: 0 };
            }
        }
        // Keyed by word and state list: the table compares the word, the state list is
        // compared here (two lists may share a hash).
        let h = memo_hash(text, w) ^ (states as u64).wrapping_mul(0x9e37_79b9_7f4a_7c15);
        if let Some(&mut (of, step)) = sc.steps.get_mut(h, word) {
            if of == states {
                return step;
            }
        }
        fold_word(text, w, &mut sc.buf);
        let mut key = String::new();
        let key = if map == KeyMap::Skeleton {
            skeleton_into(&sc.buf, &mut key);
            key.as_str()
        } else {
            sc.buf.as_str()
        };
        let mut values = Vec::new();
        let mut next = Vec::new();
        if !key.is_empty() {
            for &(ixn, state) in sc.states[states as usize - 1].iter() {
                let mut cur = Cursor::resume(self.indexes[ixn as usize].map(map), state);
                if !cur.step(key.as_bytes()) {
                    continue;
                }
                if let Some(v) = cur.value() {
                    values.push((ixn, v));
                }
                if cur.step(b" ") {
                    next.push((ixn, cur.state()));
                }
            }
        }
        let step = Step {
            values: if values.is_empty() {
                0
            } else {
                sc.values.push(values.into_boxed_slice());
                sc.values.len() as u32
            },
            next: Scanner::keep_states(&mut sc.states, next.into_boxed_slice()),
        };
        // Only steps that go somewhere are kept: a failed step is short to walk again, and
        // keeping every word that follows a common first word would crowd the cache.
        if step.values != 0 || step.next != 0 {
            sc.steps.get_or_insert_with(h, word, || (states, step));
        }
        step
    }

    /// The two-byte filter of the fold-map states `states` (made on first use).
    fn pairs_of<'s>(&self, states: u32, sc: &'s mut Scanner) -> &'s Pairs {
        let at = states as usize - 1;
        if sc.pairs.len() <= at {
            sc.pairs.resize(at + 1, None);
        }
        sc.pairs[at].get_or_insert_with(|| {
            let mut p = Pairs::default();
            for &(ixn, state) in sc.states[at].iter() {
                Cursor::resume(self.indexes[ixn as usize].map(KeyMap::Fold), state)
                    .for_each_pair(|a, b| p.add(a, b));
            }
            p
        })
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
        // Only capitalised words of a cased script; other scripts only when an output
        // language is named (their forms are correct in their own language otherwise).
        let first = text[w.start..].chars().next()?;
        if !first.is_uppercase()
            && (first.is_lowercase() || !self.opts.explicit_lang || !first.is_alphabetic())
        {
            return None;
        }
        // The exact phase just looked this word's memo up and left its variant result here.
        if let Some(code) = sc.variant_hint.take() {
            return match sc.decision(code) {
                // A misspelling next to unknown capitalised words is part of a name (see below).
                Decision::Report(m)
                    if m.kind == MatchKind::Fuzzy
                        && self.inside_unknown_name(text, words, i, &m, sc) =>
                {
                    None
                }
                Decision::Report(mut m) => {
                    m.start = w.start;
                    m.end = w.end;
                    Some((1, m))
                }
                _ => None,
            };
        }
        let (memo_at, facts) = self.facts(text, w, sc);
        if !facts.candidate {
            sc.remember(text, w, Code::NOTHING);
            return None;
        }
        let continues = facts.states != 0;
        // A longer span of words whose skeleton is a key, walked on from the word's states.
        let longer = if continues {
            self.continue_span(text, words, i, KeyMap::Skeleton, facts.states, sc)
        } else {
            None
        };
        if let Some((n, vals)) = longer {
            let span = &text[w.start..words[i + n - 1].end];
            // Decisions depend on the span's text only: memoised per span.
            let single = cached(&mut sc.translit, span, || {
                let hits = self.hits_of(&vals);
                if self.span_words_fit(text, words, i, n, &hits) {
                    Single::from(self.decide(span, &hits, MatchKind::Translit, 0, Context::Text))
                } else {
                    Single::Nothing
                }
            });
            if let Single::Report(mut m) = single {
                m.start = w.start;
                m.end = words[i + n - 1].end;
                return Some((n, *m));
            }
        } else if facts.skeleton != Code::NOTHING && facts.skeleton != Code::LEAVE {
            if !continues {
                sc.remember(text, w, facts.skeleton);
            }
            if let Decision::Report(mut m) = sc.decision(facts.skeleton) {
                m.start = w.start;
                m.end = w.end;
                return Some((1, m));
            }
        }
        // Edit distance, one word.
        let max = if self.opts.suggestions {
            fuzzy_budget(facts.len)
        } else if facts.len >= SAFE_FUZZY_MIN_LEN {
            // Only one edit on a long word can be a safe fix.
            1
        } else {
            0
        };
        // A word after an unknown capitalised word is part of a name we do not know
        // (Abdel Fattah el-Sisi): not a misspelling of a shorter name. (One before it is
        // weighed once the finding is known: see `inside_unknown_name`.)
        let inside_name = self.after_unknown_name(text, words, i, sc);
        if max > 0 && facts.cased && !inside_name {
            let code = match facts.fuzzy {
                Some(c) => c,
                None => {
                    let c = self.fuzzy_code(text, w, max, sc);
                    sc.facts[memo_at].fuzzy = Some(c);
                    c
                }
            };
            if let Decision::Report(mut m) = sc.decision(code) {
                if !continues {
                    sc.remember(text, w, code);
                }
                if self.inside_unknown_name(text, words, i, &m, sc) {
                    return None;
                }
                m.start = w.start;
                m.end = w.end;
                return Some((1, m));
            }
        }
        if !continues && !inside_name {
            sc.remember(text, w, Code::NOTHING);
        }
        None
    }

    /// The variant phase's facts of word `w`: their index in the scanner's list, and a copy.
    fn facts(&self, text: &str, w: Word, sc: &mut Scanner) -> (usize, Facts) {
        let e = sc.entry(text, w);
        if sc.cold[e].facts != 0 {
            let at = sc.cold[e].facts as usize - 1;
            return (at, sc.facts[at]);
        }
        let facts = self.compute_facts(text, w, sc);
        sc.facts.push(facts);
        sc.cold[e].facts = sc.facts.len() as u32;
        (sc.facts.len() - 1, facts)
    }

    fn compute_facts(&self, text: &str, w: Word, sc: &mut Scanner) -> Facts {
        let word = &text[w.start..w.end];
        let mut facts = Facts {
            candidate: false,
            cased: false,
            len: 0,
            skeleton: Code::NOTHING,
            states: 0,
            fuzzy: None,
        };
        let Some(first) = word.chars().next() else {
            return facts;
        };
        // Only capitalised words of a cased script; other scripts only when an output
        // language is named (their forms are correct in their own language otherwise).
        facts.cased = first.is_uppercase();
        if !facts.cased
            && (first.is_lowercase() || !self.opts.explicit_lang || !first.is_alphabetic())
        {
            return facts;
        }
        if crate::engine::has_cjk(word) || word.chars().count() < 4 {
            return facts;
        }
        fold_word(text, w, &mut sc.buf);
        if crate::dict::is_known_word(&sc.buf) {
            return facts;
        }
        facts.candidate = true;
        facts.len = sc.buf.chars().count();
        // The word's skeleton as a one-word key, and the states from which a longer key may
        // continue.
        let mut skel = String::new();
        skeleton_into(&sc.buf, &mut skel);
        if skel.is_empty() {
            return facts;
        }
        let mut values = Vec::new();
        let mut states = Vec::new();
        for (ixn, ix) in self.indexes.iter().enumerate() {
            let mut cur = Cursor::new(ix.map(KeyMap::Skeleton));
            if !cur.step(skel.as_bytes()) {
                continue;
            }
            if let Some(v) = cur.value() {
                values.push((ixn as u16, v));
            }
            if cur.step(b" ") {
                states.push((ixn as u16, cur.state()));
            }
        }
        facts.states = Scanner::keep_states(&mut sc.states, states.into_boxed_slice());
        if !values.is_empty() {
            let hits = self.hits_of(&values);
            let d = self.decide(word, &hits, MatchKind::Translit, 0, Context::Text);
            facts.skeleton = Scanner::code(&mut sc.found, Single::from(d));
        }
        facts
    }

    /// Every word after the first of a multi-word variant span that differs from the alias
    /// must not be a known word.
    fn span_words_fit(&self, text: &str, words: &[Word], i: usize, n: usize, hits: &[Hit]) -> bool {
        (1..n).all(|k| {
            let mut f = String::new();
            fold_word(text, words[i + k], &mut f);
            !crate::dict::is_known_word(&f)
                || hits.iter().any(|h| {
                    crate::tokens::name_key(self.alias_text(*h))
                        .split(' ')
                        .any(|aw| aw == f)
                })
        })
    }

    /// The edit-distance decision for word `w` alone, within `max` edits.
    fn fuzzy_code(&self, text: &str, w: Word, max: u32, sc: &mut Scanner) -> Code {
        let word = &text[w.start..w.end];
        let mut folded = String::new();
        fold_word(text, w, &mut folded);
        // Running text corrects towards English or language-neutral names unless another
        // output language is named.
        let text_targets = if self.opts.explicit_lang {
            KeyMap::Fuzzy
        } else {
            KeyMap::FuzzyEnglish
        };
        // A real word or name is no misspelling of another name (`Normalizer::open_world`
        // would say so after the walk; the word list says it at once).
        if !folded.contains(' ') && crate::lexicon::lookup(&folded).blocks_variant() {
            return Code::NOTHING;
        }
        // Shared by the case forms of one word (`Kazakhastan`, `KAZAKHASTAN`), and kept apart
        // by the number of edits searched.
        let memo_key = format!("{folded}\u{1}{max}");
        let (hits, d) = cached(&mut sc.fuzzy, &memo_key, || {
            if max == 1 && text_targets == KeyMap::FuzzyEnglish {
                self.one_edit_english_hits(&folded)
            } else {
                self.fuzzy_hits(text_targets, &folded, max)
            }
        });
        if hits.is_empty() {
            return Code::NOTHING;
        }
        match self.decide(word, &hits, MatchKind::Fuzzy, d, Context::Text) {
            Decision::Report(m) => Scanner::code(&mut sc.found, Single::Report(Box::new(m))),
            _ => Code::NOTHING,
        }
    }

    /// True when misspelling `m` at word `i` stands in one phrase with an unknown capitalised
    /// word before or after it (`Abdel Fattah el-Sisi`): it is then part of a name the tables
    /// do not know. A rewrite with such a word after it is left to [`Normalizer::settle`],
    /// which waits for that word: a rewrite may start there (`Biwyamin Netanyahou`).
    fn inside_unknown_name(
        &self,
        text: &str,
        words: &[Word],
        i: usize,
        m: &Match,
        sc: &mut Scanner,
    ) -> bool {
        let rewrites = m.replacement.is_some() && !matches!(m.fix, Fix::Info | Fix::Ambiguous);
        self.after_unknown_name(text, words, i, sc)
            || (!rewrites
                && after_particle(text, words, i + 1).is_some_and(|w| self.name_like(text, w, sc)))
    }

    /// True when word `i` follows an unknown capitalised word in one phrase.
    fn after_unknown_name(&self, text: &str, words: &[Word], i: usize, sc: &mut Scanner) -> bool {
        words[i].tight && i > 0 && self.name_like(text, words[i - 1], sc)
    }
}

/// Rewrites `text` with the replacements of `matches` accepted by `accept`.
pub fn apply(text: &str, matches: &[Match], accept: impl FnMut(&Match) -> bool) -> String {
    let mut out = String::with_capacity(text.len() + 16);
    pieces(text, matches, accept, |p| {
        out.push_str(p);
        true
    });
    out
}

/// As [`apply`], writing the rewritten text to `out` piece by piece.
pub fn apply_to(
    text: &str,
    matches: &[Match],
    accept: impl FnMut(&Match) -> bool,
    out: &mut impl std::io::Write,
) -> std::io::Result<()> {
    let mut result = Ok(());
    pieces(text, matches, accept, |p| {
        result = out.write_all(p.as_bytes());
        result.is_ok()
    });
    result
}

/// Calls `emit` with the pieces of the rewritten text in order, until it returns false.
fn pieces(
    text: &str,
    matches: &[Match],
    mut accept: impl FnMut(&Match) -> bool,
    mut emit: impl FnMut(&str) -> bool,
) {
    let mut at = 0;
    for m in matches {
        if let Some(r) = &m.replacement {
            if m.start >= at && accept(m) {
                if !emit(&text[at..m.start]) || !emit(r) {
                    return;
                }
                at = m.end;
            }
        }
    }
    emit(&text[at..]);
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Two state lists whose numbers fold to the same 32-bit memo hash: a memoised step from
    /// one must not be taken for the other (`Korea` after `South` is not `Korea` after
    /// `North`).
    #[test]
    fn walk_steps_are_kept_apart_by_state_list() {
        const K: u64 = 0x9e37_79b9_7f4a_7c15;
        let fold = |s: u64| {
            let x = s.wrapping_mul(K);
            (x ^ (x >> 32)) as u32
        };
        let (a, b) = (119_577u32, 132_609u32);
        assert_eq!(
            fold(a as u64),
            fold(b as u64),
            "the premise: the hashes collide"
        );

        let nz = Normalizer::load(true, &[] as &[&str], crate::Options::default()).unwrap();
        let mut sc = Scanner::new();
        let text = "South Korea North Korea";
        let words = crate::tokens::words(text);
        let (_, south) = nz.first_word(text, words[0], false, words[0].hash, &mut sc.buf);
        let (_, north) = nz.first_word(text, words[2], false, words[2].hash, &mut sc.buf);
        sc.states.resize(b as usize, Box::new([]));
        sc.states[a as usize - 1] = south;
        sc.states[b as usize - 1] = north;
        let first = nz.step(text, words[1], KeyMap::Fold, a, &mut sc);
        let second = nz.step(text, words[3], KeyMap::Fold, b, &mut sc);
        assert!(first.values != 0 && second.values != 0);
        let alias = |v: u32| {
            let hits = nz.hits_of(&sc.values[v as usize - 1]);
            nz.alias_text(hits[0]).to_lowercase()
        };
        assert_eq!(alias(first.values), "south korea");
        assert_eq!(alias(second.values), "north korea");
    }
}
