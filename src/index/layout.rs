//! The byte layout of a compiled index, shared by the builder and the reader.
//!
//! ```text
//! magic (8 bytes) | checksum (u64) | source hash (16 bytes)
//!   | section table: SECTIONS x (offset u64, length u64) | sections...
//! ```
//! The checksum is XXH3-64 of everything after it (source hash, section table, sections), so
//! that a cache file damaged anywhere is detected when it is opened; the source hash names the
//! table the index was compiled from (zero for the embedded default index), so that another
//! table's valid index copied over a cache file is not taken for this one. XXH3 (the
//! `xxhash-rust` crate, no dependencies of its own) reads tens of GB/s, so verifying a cached
//! index costs little next to mapping it.
//! Records are little-endian `u32` fields read in place, so an index in static bytes or a
//! memory map is used without parsing. Key maps are `fst` maps whose value packs a postings
//! reference: `count << 32 | x`, where `x` is the alias number itself when `count == 1` and an
//! offset (in `u32`s) into the postings section otherwise.

/// File magic; the last byte is the format version.
pub const MAGIC: &[u8; 8] = b"NRMIDX\x00\x07";
/// Offset of the checksum (`u64`).
pub const CHECKSUM_AT: usize = 8;
/// Offset of the source hash (16 bytes); the checksum covers the bytes from here on.
pub const SOURCE_AT: usize = 16;
/// Offset of the section table.
pub const TABLE_AT: usize = 32;

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
/// One-deletion neighbourhood of the English fuzzy-target keys (each key and each key minus one
/// character, mapped to the aliases): one-edit candidates by a handful of lookups. Empty when
/// the index is too large for it (large user tables); the edit-distance walk serves then.
pub const DELETIONS_FST: usize = 12;
pub const SECTIONS: usize = 13;

/// Most English fuzzy-target keys for which the deletion map is built.
pub const DELETIONS_MAX_KEYS: usize = 200_000;
/// Shortest key (characters) entered in the deletion map.
pub const DELETIONS_MIN_CHARS: usize = 5;

/// The characters of `key` (byte offset and character) whose deletion gives each key one
/// character shorter once: deleting any one of a run of equal characters gives the same key,
/// so only the first of a run is given.
pub fn deletion_points(key: &str) -> impl Iterator<Item = (usize, char)> + '_ {
    let mut previous = None;
    key.char_indices().filter(move |&(_, c)| {
        let first = previous != Some(c);
        previous = Some(c);
        first
    })
}

/// The keys one character shorter than `key`, with `key` itself first.
pub fn deletions(key: &str) -> Vec<String> {
    let mut out = Vec::with_capacity(key.len() + 1);
    out.push(key.to_string());
    for (i, c) in deletion_points(key) {
        out.push(format!("{}{}", &key[..i], &key[i + c.len_utf8()..]));
    }
    out
}

/// True when `a` and `b` are at most one edit apart (insertion, deletion, substitution or
/// transposition of adjacent characters).
pub fn within_one_edit(a: &str, b: &str) -> bool {
    let (a, b): (Vec<char>, Vec<char>) = (a.chars().collect(), b.chars().collect());
    let (short, long) = if a.len() <= b.len() {
        (&a, &b)
    } else {
        (&b, &a)
    };
    if long.len() - short.len() > 1 {
        return false;
    }
    let p = short
        .iter()
        .zip(long.iter())
        .take_while(|(x, y)| x == y)
        .count();
    if short.len() == long.len() {
        if p == short.len() {
            return true;
        }
        // One substitution, or one adjacent transposition.
        short[p + 1..] == long[p + 1..]
            || (p + 1 < short.len()
                && short[p] == long[p + 1]
                && short[p + 1] == long[p]
                && short[p + 2..] == long[p + 2..])
    } else {
        short[p..] == long[p + 1..]
    }
}

pub const HEADER_LEN: usize = TABLE_AT + SECTIONS * 16;

/// The checksum of index bytes (everything after the checksum field; `bytes` is at least
/// [`HEADER_LEN`] long).
pub fn checksum(bytes: &[u8]) -> u64 {
    xxhash_rust::xxh3::xxh3_64(&bytes[SOURCE_AT..])
}

/// Writes the source hash into finished index bytes and seals them with their checksum.
pub fn seal(bytes: &mut [u8], source: &[u8; 16]) {
    bytes[SOURCE_AT..TABLE_AT].copy_from_slice(source);
    let sum = checksum(bytes);
    bytes[CHECKSUM_AT..SOURCE_AT].copy_from_slice(&sum.to_le_bytes());
}

/// Entity record: id offset, id length, first row, row count | (type << 24).
pub const ENTITY_LEN: usize = 16;
/// Row record: entity, name offset, name length, lang offset, lang length, flags.
pub const ROW_LEN: usize = 24;
/// Alias record: row, text offset, text length.
pub const ALIAS_LEN: usize = 12;

/// Mixes one 8-byte word into the hash.
#[inline]
fn mix(h: u64, x: u64) -> u64 {
    (h ^ x).wrapping_mul(0x9e37_79b9_7f4a_7c15).rotate_left(27)
}

/// The word's bytes, eight at a time (little-endian; the last chunk zero-padded).
#[inline]
fn chunks(bytes: &[u8], mut f: impl FnMut(u64)) {
    let mut it = bytes.chunks_exact(8);
    for c in &mut it {
        f(u64::from_le_bytes(c.try_into().unwrap()));
    }
    let rest = it.remainder();
    if !rest.is_empty() {
        // Assembled by shifts: a copy into a buffer becomes a call to memcpy here.
        let mut x = 0u64;
        for (i, &b) in rest.iter().enumerate() {
            x |= (b as u64) << (8 * i);
        }
        f(x);
    }
}

/// Hash of a folded word for the first-word filter.
#[inline]
pub fn word_hash(bytes: &[u8]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325 ^ bytes.len() as u64;
    chunks(bytes, |x| h = mix(h, x));
    h ^ (h >> 29)
}

/// Eight ASCII bytes lower-cased at once.
#[inline]
fn lower8(x: u64) -> u64 {
    const ONES: u64 = 0x0101_0101_0101_0101;
    let heptets = x & (0x7f * ONES);
    let above_z = heptets.wrapping_add((0x7f - b'Z' as u64) * ONES);
    let at_least_a = heptets.wrapping_add((0x80 - b'A' as u64) * ONES);
    let upper = at_least_a & !above_z & !x & (0x80 * ONES);
    x | (upper >> 2)
}

/// `word_hash` of the folded form of an ASCII word, without building it: ASCII folding is
/// lower-casing plus the backtick as an apostrophe.
#[inline]
pub fn ascii_word_hash(word: &[u8]) -> u64 {
    if word.contains(&b'`') {
        let folded: Vec<u8> = word
            .iter()
            .map(|&b| {
                if b == b'`' {
                    b'\''
                } else {
                    b.to_ascii_lowercase()
                }
            })
            .collect();
        return word_hash(&folded);
    }
    let mut h: u64 = 0xcbf2_9ce4_8422_2325 ^ word.len() as u64;
    chunks(word, |x| h = mix(h, lower8(x)));
    h ^ (h >> 29)
}

/// `word_hash` of the folded form of the ASCII letters and digits `text[start..end]`; reads
/// whole eight-byte chunks of `text` where it can, instead of assembling the last one.
#[inline(always)]
pub fn ascii_alnum_hash(text: &[u8], start: usize, end: usize) -> u64 {
    let len = end - start;
    let mut h: u64 = 0xcbf2_9ce4_8422_2325 ^ len as u64;
    let mut at = start;
    while at + 8 <= end {
        h = mix(
            h,
            lower8(u64::from_le_bytes(text[at..at + 8].try_into().unwrap())),
        );
        at += 8;
    }
    let rest = end - at;
    if rest > 0 {
        let x = if at + 8 <= text.len() {
            u64::from_le_bytes(text[at..at + 8].try_into().unwrap()) & (u64::MAX >> (64 - 8 * rest))
        } else {
            let mut x = 0u64;
            for (i, &b) in text[at..end].iter().enumerate() {
                x |= (b as u64) << (8 * i);
            }
            x
        };
        h = mix(h, lower8(x));
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ascii_hash_equals_hash_of_the_folded_word() {
        for w in [
            "Kazakhstan",
            "NATO",
            "al-Assad",
            "a",
            "ABCDEFGHIJKLMNOPQRSTUVWXYZ@[`{",
            "O`Brien",
            "xyz0189",
        ] {
            let folded: String = w
                .chars()
                .map(|c| {
                    if c == '`' {
                        '\''
                    } else {
                        c.to_ascii_lowercase()
                    }
                })
                .collect();
            assert_eq!(
                ascii_word_hash(w.as_bytes()),
                word_hash(folded.as_bytes()),
                "{w}"
            );
        }
    }

    #[test]
    fn alnum_hash_reads_past_the_word_but_hashes_only_the_word() {
        let text = b"Kazakhstan Tokayev9 a ZZ abcdefghijklmnopq X";
        for start in 0..text.len() {
            for end in start + 1..=text.len() {
                if text[start..end].iter().all(u8::is_ascii_alphanumeric) {
                    assert_eq!(
                        ascii_alnum_hash(text, start, end),
                        ascii_word_hash(&text[start..end]),
                        "{start}..{end}"
                    );
                }
            }
        }
    }

    #[test]
    fn deletions_are_each_shorter_key_once() {
        for key in ["kazakhstan", "mississippi", "aaa", "a", "", "ŁódźŁ", "abba"] {
            let got = deletions(key);
            let mut want: Vec<String> = vec![key.to_string()];
            for (i, c) in key.char_indices() {
                let d = format!("{}{}", &key[..i], &key[i + c.len_utf8()..]);
                if !want.contains(&d) {
                    want.push(d);
                }
            }
            assert_eq!(got, want, "{key}");
        }
    }
}
