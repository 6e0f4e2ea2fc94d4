//! The known-word guard: English words and names (from Debian's `wamerican`, lower-cased),
//! compiled into an fst set at build time. A word in this list is never treated as a
//! misspelling of a name.

use std::sync::OnceLock;

static WORDS: &[u8] = include_bytes!(concat!(env!("OUT_DIR"), "/words.fst"));

fn set() -> &'static fst::Set<&'static [u8]> {
    static SET: OnceLock<fst::Set<&'static [u8]>> = OnceLock::new();
    SET.get_or_init(|| fst::Set::new(WORDS).expect("embedded word list"))
}

/// True when the folded word is a known English word or name.
pub fn is_known_word(folded: &str) -> bool {
    set().contains(folded)
}
