//! The matcher's state for one stream or document: the window of words, and the memo tables
//! of what the words and spans of the text have given so far (see [`crate::matcher`]). What is
//! stored here depends only on the text judged and the normalizer's tables and options.

use crate::engine::{Decision, Hit, Match};
use crate::index::layout::word_hash;
use crate::memo::WordTable;
use crate::tokens::Word;

/// Entries kept in a memo table before it is emptied (bounds memory on endless input).
const CACHE_LIMIT: usize = 200_000;
/// Bytes of long keys (words or spans over 15 bytes) kept in a memo table before it is emptied.
const KEY_BYTES_LIMIT: usize = 16 << 20;

/// Whether a memo table is full: it is then emptied before more is added.
fn full<V>(table: &WordTable<V>) -> bool {
    table.len() >= CACHE_LIMIT || table.long_key_bytes() >= KEY_BYTES_LIMIT
}

/// What the exact phase found for a word as a one-word name.
#[derive(Clone)]
pub(crate) enum Single {
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

/// A one-word result held in a memo: nothing, leave, or a finding in the scanner's list.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) struct Code(pub(crate) u32);

impl Code {
    pub(crate) const NOTHING: Code = Code(0);
    pub(crate) const LEAVE: Code = Code(1);
    /// Not known yet.
    pub(crate) const UNSET: Code = Code(u32::MAX);
}

/// What is known of one word of text: the exact phase's result, and the variant phase's when
/// it does not depend on the words around. Small, so that the memo stays in cache.
#[derive(Clone, Copy)]
pub(crate) struct ExactMemo {
    /// [`Code::UNSET`] until the exact phase has looked at the word.
    pub(crate) single: Code,
    /// Index plus one, in the scanner's list, of the key-map states after the word and a
    /// space (from which a longer name may continue); zero when there are none.
    pub(crate) continues: u32,
    /// The variant phase's one-word result, when no longer variant can start at the word and
    /// its neighbours did not matter; [`Code::UNSET`] when not known.
    pub(crate) variant: Code,
}

impl Default for ExactMemo {
    fn default() -> Self {
        ExactMemo {
            single: Code::UNSET,
            continues: 0,
            variant: Code::UNSET,
        }
    }
}

/// What is looked up less often about a word, kept beside its [`ExactMemo`] (same index).
#[derive(Clone, Copy, Default)]
pub(crate) struct Cold {
    /// Whether the folded word is a known English word: 0 not looked up yet, 1 no, 2 yes.
    pub(crate) known: u8,
    /// Index plus one of the word's [`Facts`] in the scanner's list; zero until needed.
    pub(crate) facts: u32,
    /// What the open-world lexicon knows of the folded word, with [`LOOKED_UP`] set; zero
    /// until looked up.
    pub(crate) lexicon: u64,
}

/// The bit of [`Cold::lexicon`] that says the word was looked up (no lexicon bit uses it).
const LOOKED_UP: u64 = 1 << 63;

/// What the variant phase knows of a word alone, whatever its neighbours.
#[derive(Clone, Copy)]
pub(crate) struct Facts {
    /// The word may be a variant: capitalised (or of another script when an output language
    /// is named), not Han, kana or Hangul, four letters or more, and not a known word.
    pub(crate) candidate: bool,
    pub(crate) cased: bool,
    /// Characters in the folded word.
    pub(crate) len: usize,
    /// The decision for the word's skeleton as a one-word name.
    pub(crate) skeleton: Code,
    /// Index plus one of the skeleton-map states after the word and a space; zero for none.
    pub(crate) states: u32,
    /// The edit-distance decision, once asked for.
    pub(crate) fuzzy: Option<Code>,
}

/// A memoised step of a key-map walk by one word (see the matcher's `step`).
#[derive(Clone, Copy)]
pub(crate) struct Step {
    /// Index plus one of the key values completed, in the scanner's list; zero for none.
    pub(crate) values: u32,
    /// Index plus one of the states after the word and a space; zero for none.
    pub(crate) next: u32,
}

/// The first two bytes of the keys that continue from some key-map states, as a 512-bit
/// filter: a pair that is not in it starts no key from there.
#[derive(Clone, Default)]
pub(crate) struct Pairs([u64; 8]);

impl Pairs {
    fn bit(a: u8, b: u8) -> usize {
        (a as usize * 37 + b as usize) & 511
    }

    pub(crate) fn add(&mut self, a: u8, b: u8) {
        let bit = Pairs::bit(a, b);
        self.0[bit / 64] |= 1 << (bit % 64);
    }

    pub(crate) fn may(&self, a: u8, b: u8) -> bool {
        let bit = Pairs::bit(a, b);
        self.0[bit / 64] & (1 << (bit % 64)) != 0
    }
}

/// Key-map states: index, and fst node address and output.
pub(crate) type States = Box<[(u16, (usize, u64))]>;

/// Reusable scanning state: buffers and the per-stream caches of words already judged.
#[derive(Default)]
pub struct Scanner {
    pub(crate) words: Vec<Word>,
    pub(crate) fuzzy: WordTable<(Vec<Hit>, u32)>,
    pub(crate) exact: WordTable<ExactMemo>,
    pub(crate) cold: Vec<Cold>,
    /// The findings, key-map states and facts the memos of `exact` refer to.
    pub(crate) found: Vec<Match>,
    pub(crate) states: Vec<States>,
    pub(crate) facts: Vec<Facts>,
    /// Two-byte filters of the fold-map states, by index in `states`; made on first use.
    pub(crate) pairs: Vec<Option<Pairs>>,
    /// Walks of the key maps by one word after a first word (keyed by the word, with the
    /// state list walked from beside the step), and their key values.
    pub(crate) steps: WordTable<(u32, Step)>,
    pub(crate) values: Vec<Box<[(u16, u64)]>>,
    /// Decisions of multi-word spans, exact and by skeleton.
    pub(crate) spans: WordTable<Single>,
    pub(crate) translit: WordTable<Single>,
    /// Whole-name resolutions of a person's name and the word next to it (`settle`), keyed
    /// by the person's id and the words: the entity's id and canonical name.
    pub(crate) people: WordTable<Option<(String, String)>>,
    /// The words of a person's names, by entity id (`settle`).
    pub(crate) parts: WordTable<std::sync::Arc<[crate::evidence::NamePart]>>,
    /// The memoised variant result of the word the exact phase looked at last.
    pub(crate) variant_hint: Option<Code>,
    pub(crate) buf: String,
}

impl Scanner {
    pub fn new() -> Scanner {
        Scanner::default()
    }

    /// Empties the word memo when it is full (bounds memory on endless input).
    pub(crate) fn bound_exact(&mut self) {
        if self.exact.len() + self.steps.len() >= CACHE_LIMIT
            || full(&self.exact)
            || full(&self.steps)
        {
            self.exact.clear();
            self.cold.clear();
            self.found.clear();
            self.states.clear();
            self.pairs.clear();
            self.facts.clear();
            self.steps.clear();
            self.values.clear();
        }
    }

    /// The index of word `w`'s memo (made empty when new); its [`Cold`] has the same index.
    pub(crate) fn entry(&mut self, text: &str, w: Word) -> usize {
        let e = self.exact.index_or_insert_with(
            memo_hash(text, w),
            &text[w.start..w.end],
            ExactMemo::default,
        );
        if self.cold.len() < self.exact.len() {
            self.cold.resize(self.exact.len(), Cold::default());
        }
        e
    }

    /// What the open-world lexicon knows of word `w` (folded), memoised with the word.
    pub(crate) fn lexicon(&mut self, text: &str, w: Word) -> crate::lexicon::Entry {
        let e = self.entry(text, w);
        let bits = self.cold[e].lexicon;
        if bits & LOOKED_UP != 0 {
            return crate::lexicon::Entry(bits & !LOOKED_UP);
        }
        self.buf.clear();
        crate::fold::fold_into(&text[w.start..w.end], &mut self.buf);
        let entry = crate::lexicon::lookup(&self.buf);
        debug_assert_eq!(entry.0 & LOOKED_UP, 0);
        self.cold[e].lexicon = entry.0 | LOOKED_UP;
        entry
    }

    /// Memoises `code` as the variant phase's one-word result for word `w`.
    pub(crate) fn remember(&mut self, text: &str, w: Word, code: Code) {
        let e = self.entry(text, w);
        self.exact.at_mut(e).variant = code;
    }

    /// The code of a one-word result; a finding is kept in `found` (the scanner's list).
    pub(crate) fn code(found: &mut Vec<Match>, s: Single) -> Code {
        match s {
            Single::Nothing => Code::NOTHING,
            Single::Leave => Code::LEAVE,
            Single::Report(m) => {
                found.push(*m);
                Code(found.len() as u32 + 1)
            }
        }
    }

    /// Keeps key-map states in `states` (the scanner's list): their index plus one, or zero
    /// when there are none.
    pub(crate) fn keep_states(states: &mut Vec<States>, s: States) -> u32 {
        if s.is_empty() {
            0
        } else {
            states.push(s);
            states.len() as u32
        }
    }

    /// The decision a code stands for (a copy of the finding it refers to).
    pub(crate) fn decision(&self, c: Code) -> Decision {
        match c {
            Code::NOTHING => Decision::NoMatch,
            Code::LEAVE => Decision::Leave,
            Code(n) => Decision::Report(self.found[n as usize - 2].clone()),
        }
    }
}

/// The memo hash of a word: the tokenizer's folded hash for plain words, else one of its bytes.
#[inline]
pub(crate) fn memo_hash(text: &str, w: Word) -> u64 {
    if w.plain {
        w.hash
    } else {
        word_hash(&text.as_bytes()[w.start..w.end])
    }
}

/// The value of `key` in `table`, made by `make` when new; the table is emptied when full.
pub(crate) fn cached<V: Clone>(table: &mut WordTable<V>, key: &str, make: impl FnOnce() -> V) -> V {
    if full(table) {
        table.clear();
    }
    table
        .get_or_insert_with(word_hash(key.as_bytes()), key, make)
        .clone()
}
