//! The byte layout of a compiled index, shared by the builder and the reader.
//!
//! ```text
//! magic (8 bytes) | section table: SECTIONS x (offset u64, length u64) | sections...
//! ```
//! Records are little-endian `u32` fields read in place, so an index in static bytes or a
//! memory map is used without parsing. Key maps are `fst` maps whose value packs a postings
//! reference: `count << 32 | x`, where `x` is the alias number itself when `count == 1` and an
//! offset (in `u32`s) into the postings section otherwise.

/// File magic; the last byte is the format version.
pub const MAGIC: &[u8; 8] = b"NRMIDX\x00\x05";

pub const STRINGS: usize = 0;
pub const ENTITIES: usize = 1;
pub const ROWS: usize = 2;
pub const ALIASES: usize = 3;
pub const POSTINGS: usize = 4;
pub const FOLD_FST: usize = 5;
pub const SKEL_FST: usize = 6;
pub const FILTER: usize = 7;
pub const IDS_FST: usize = 8;
/// First-word filter of the aliases that start with a lower-case letter (al-Assad, de Gaulle)
/// and are neither weak nor of an unknown language: all a lower-case word of text may match.
pub const LOWER_FILTER: usize = 9;
/// Folded keys of the aliases that may be targets of edit-distance matching (rows without
/// `nofuzzy`, `weak` or `never`, in a known language): a much smaller map to search.
pub const FUZZY_FST: usize = 10;
/// The fuzzy-target keys of names in English or of no particular language: the targets of
/// misspellings in running text when no other output language is named.
pub const FUZZY_EN_FST: usize = 11;
pub const SECTIONS: usize = 12;

pub const HEADER_LEN: usize = 8 + SECTIONS * 16;

/// Entity record: id offset, id length, first row, row count | (type << 24).
pub const ENTITY_LEN: usize = 16;
/// Row record: entity, name offset, name length, lang offset, lang length, flags.
pub const ROW_LEN: usize = 24;
/// Alias record: row, text offset, text length.
pub const ALIAS_LEN: usize = 12;

/// Hash of a folded word for the first-word filter.
#[inline]
pub fn word_hash(bytes: &[u8]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for &b in bytes {
        h = (h ^ b as u64).wrapping_mul(0x0100_0000_01b3);
    }
    h ^ (h >> 29)
}

/// `word_hash` of the folded form of an ASCII word, without building it: ASCII folding is
/// lower-casing plus the backtick as an apostrophe.
#[inline]
pub fn ascii_word_hash(word: &[u8]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for &b in word {
        let b = if b == b'`' {
            b'\''
        } else {
            b.to_ascii_lowercase()
        };
        h = (h ^ b as u64).wrapping_mul(0x0100_0000_01b3);
    }
    h ^ (h >> 29)
}

/// Number of filter bits for `n` distinct first words: a power of two, about 16 bits a word.
pub fn filter_bits(n: usize) -> usize {
    (n.max(64) * 16).next_power_of_two().min(1 << 28)
}

#[inline]
pub fn u32_at(b: &[u8], off: usize) -> u32 {
    u32::from_le_bytes(b[off..off + 4].try_into().unwrap())
}

#[inline]
pub fn u64_at(b: &[u8], off: usize) -> u64 {
    u64::from_le_bytes(b[off..off + 8].try_into().unwrap())
}
