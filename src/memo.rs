//! A compact table from the words of a text to small values, for the matcher's per-stream
//! memos. The caller gives each word's hash (the tokenizer has already computed it for most
//! words), so a lookup hashes nothing; keys of up to 15 bytes are stored inline, so a lookup
//! compares 16 bytes in the entry itself. Slots are `u32` indices into a dense entry array:
//! the table stays small enough to live in cache.

/// A word of up to 15 bytes inline; a longer one as an index into the table's long keys.
#[derive(Clone, Copy, PartialEq, Eq)]
struct Key {
    len: u8,
    bytes: [u8; 15],
}

/// Marks a key stored among the long keys; `bytes` are then its offset (eight bytes) and
/// length (seven) there.
const LONG: u8 = u8::MAX;

impl Key {
    /// The inline key of a short word, or `None` for a long one.
    #[inline]
    fn short(word: &str) -> Option<Key> {
        let b = word.as_bytes();
        if b.len() > 15 {
            return None;
        }
        let mut bytes = [0u8; 15];
        bytes[..b.len()].copy_from_slice(b);
        Some(Key {
            len: b.len() as u8,
            bytes,
        })
    }

    fn long(offset: usize, len: usize) -> Key {
        let mut bytes = [0u8; 15];
        bytes[..8].copy_from_slice(&(offset as u64).to_le_bytes());
        bytes[8..].copy_from_slice(&(len as u64).to_le_bytes()[..7]);
        Key { len: LONG, bytes }
    }

    /// The byte range of a long key in the table's long keys.
    fn long_range(&self) -> std::ops::Range<usize> {
        let offset = u64::from_le_bytes(self.bytes[..8].try_into().unwrap()) as usize;
        let mut len = [0u8; 8];
        len[..7].copy_from_slice(&self.bytes[8..]);
        let len = u64::from_le_bytes(len) as usize;
        offset..offset + len
    }
}

struct Entry<V> {
    /// The word's hash folded to 32 bits.
    hash: u32,
    key: Key,
    value: V,
}

/// A 64-bit hash folded to the 32 bits the table keeps.
#[inline]
fn fold(hash: u64) -> u32 {
    (hash ^ (hash >> 32)) as u32
}

/// Words to values. Grows by doubling; [`WordTable::clear`] empties it.
pub struct WordTable<V> {
    /// Entry index plus one, or zero for an empty slot; a power-of-two length.
    slots: Vec<u32>,
    entries: Vec<Entry<V>>,
    /// The keys longer than 15 bytes, one after another.
    long_keys: String,
}

impl<V> Default for WordTable<V> {
    fn default() -> Self {
        WordTable {
            slots: vec![0; 1024],
            entries: Vec::new(),
            long_keys: String::new(),
        }
    }
}

impl<V> WordTable<V> {
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// Bytes held by keys longer than 15 bytes.
    pub fn long_key_bytes(&self) -> usize {
        self.long_keys.len()
    }

    pub fn clear(&mut self) {
        self.slots.iter_mut().for_each(|s| *s = 0);
        self.entries.clear();
        self.long_keys.clear();
    }

    /// The slot holding `word`, or the empty slot where it would go.
    #[inline]
    fn find(&self, hash: u32, word: &str) -> (usize, Option<usize>) {
        let mask = self.slots.len() - 1;
        let short = Key::short(word);
        let mut at = hash as usize & mask;
        loop {
            let s = self.slots[at];
            if s == 0 {
                return (at, None);
            }
            let e = &self.entries[s as usize - 1];
            if e.hash == hash {
                let same = match short {
                    Some(k) => e.key == k,
                    None => e.key.len == LONG && &self.long_keys[e.key.long_range()] == word,
                };
                if same {
                    return (at, Some(s as usize - 1));
                }
            }
            at = (at + 1) & mask;
        }
    }

    /// The value of `word`, whose hash is `hash`.
    #[inline]
    pub fn get_mut(&mut self, hash: u64, word: &str) -> Option<&mut V> {
        match self.find(fold(hash), word) {
            (_, Some(e)) => Some(&mut self.entries[e].value),
            _ => None,
        }
    }

    /// The value of `word`, made by `make` when it is new.
    #[inline]
    pub fn get_or_insert_with(
        &mut self,
        hash: u64,
        word: &str,
        make: impl FnOnce() -> V,
    ) -> &mut V {
        let e = self.index_or_insert_with(hash, word, make);
        &mut self.entries[e].value
    }

    /// The index of `word`'s entry, made with the value `make` gives when it is new. Entries
    /// are numbered in the order they were made, from zero, until the table is cleared.
    #[inline]
    pub fn index_or_insert_with(
        &mut self,
        hash: u64,
        word: &str,
        make: impl FnOnce() -> V,
    ) -> usize {
        let hash = fold(hash);
        match self.find(hash, word) {
            (_, Some(e)) => e,
            (slot, None) => self.insert_at(slot, hash, word, make()),
        }
    }

    /// The value of entry `e`.
    #[inline]
    pub fn at(&self, e: usize) -> &V {
        &self.entries[e].value
    }

    /// The value of entry `e`.
    #[inline]
    pub fn at_mut(&mut self, e: usize) -> &mut V {
        &mut self.entries[e].value
    }

    fn insert_at(&mut self, slot: usize, hash: u32, word: &str, value: V) -> usize {
        let key = Key::short(word).unwrap_or_else(|| {
            self.long_keys.push_str(word);
            Key::long(self.long_keys.len() - word.len(), word.len())
        });
        self.entries.push(Entry { hash, key, value });
        let e = self.entries.len() - 1;
        self.slots[slot] = e as u32 + 1;
        // At most half full, so that probes stay short.
        if self.entries.len() * 2 > self.slots.len() {
            self.grow();
        }
        e
    }

    fn grow(&mut self) {
        let mut slots = vec![0u32; self.slots.len() * 2];
        let mask = slots.len() - 1;
        for (e, entry) in self.entries.iter().enumerate() {
            let mut at = entry.hash as usize & mask;
            while slots[at] != 0 {
                at = (at + 1) & mask;
            }
            slots[at] = e as u32 + 1;
        }
        self.slots = slots;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_what_it_holds_and_tells_equal_hashes_apart() {
        let mut t: WordTable<u32> = WordTable::default();
        let long = "Wolfeschlegelsteinhausenbergerdorff";
        // Words sharing one hash (as words differing only in case do) stay apart.
        for (i, w) in ["Turkey", "TURKEY", long, "turkey"].iter().enumerate() {
            *t.get_or_insert_with(7, w, || i as u32) += 0;
        }
        for i in 0..5000u32 {
            let w = format!("w{i}");
            t.get_or_insert_with(i as u64 * 0x9e37_79b9, &w, || i + 100);
        }
        assert_eq!(t.len(), 5004);
        assert_eq!(t.get_mut(7, "TURKEY"), Some(&mut 1));
        assert_eq!(t.get_mut(7, long), Some(&mut 2));
        assert_eq!(t.get_mut(7, "turkey"), Some(&mut 3));
        assert_eq!(t.get_mut(7, "Wolfeschlegelsteinhausenbergerdorf"), None);
        assert_eq!(t.get_mut(4321 * 0x9e37_79b9, "w4321"), Some(&mut 4421));
        assert_eq!(t.get_mut(4321 * 0x9e37_79b9, "w4320"), None);
        t.clear();
        assert!(t.is_empty());
        assert_eq!(t.get_mut(7, "Turkey"), None);
    }
}
