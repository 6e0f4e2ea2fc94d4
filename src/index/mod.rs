//! The compiled index: read in place from static bytes, a memory map or a buffer.
//!
//! Holds the entities, their name rows and aliases, and three key maps: folded keys (exact
//! phase), skeleton keys (romanisation variants) and entity ids. Fuzzy candidates come from a
//! bounded edit-distance walk over the folded or skeleton key map.

pub mod builder;
pub mod layout;

use std::sync::Arc;

use fst::raw::{Fst, Node, Output};
use layout::*;

/// Where the index bytes live.
pub enum Backing {
    Static(&'static [u8]),
    Mmap(memmap2::Mmap),
    Owned(Vec<u8>),
}

impl Backing {
    fn bytes(&self) -> &[u8] {
        match self {
            Backing::Static(b) => b,
            Backing::Mmap(m) => m,
            Backing::Owned(v) => v,
        }
    }
}

/// A shared slice of the backing bytes (what the fst maps read from).
#[derive(Clone)]
pub struct Slice {
    data: Arc<Backing>,
    start: usize,
    end: usize,
}

impl AsRef<[u8]> for Slice {
    fn as_ref(&self) -> &[u8] {
        &self.data.bytes()[self.start..self.end]
    }
}

/// Problems opening index bytes.
#[derive(Debug, thiserror::Error)]
pub enum IndexError {
    #[error("not a normalize index (bad magic or version)")]
    BadMagic,
    #[error("truncated index")]
    Truncated,
    #[error("checksum mismatch")]
    Checksum,
    #[error("compiled from another table")]
    WrongSource,
    #[error("corrupt {0}")]
    Corrupt(&'static str),
    #[error("corrupt key map: {0}")]
    Fst(#[from] fst::Error),
}

/// How much of index bytes [`Index::open_with`] checks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Check {
    /// Everything: the checksum, the source hash when given, and the bounds of every record
    /// (files read back from a cache).
    Full { source: Option<[u8; 16]> },
    /// The header and the bounds of every record, not the checksum (bytes just built).
    Structure,
    /// The header and section table only: for bytes this process just built, and for the
    /// index compiled into the binary, which a test checks in full (checking its 24 MB at
    /// every start would triple the start-up time).
    Trusted,
}

/// One entity record.
#[derive(Debug, Clone, Copy)]
pub struct EntityRec<'a> {
    pub id: &'a str,
    pub first_row: u32,
    pub rows: u32,
    pub kind: u8,
}

/// One name-row record.
#[derive(Debug, Clone, Copy)]
pub struct RowRec<'a> {
    pub entity: u32,
    pub name: &'a str,
    pub lang: &'a str,
    pub flags: u32,
}

/// One alias record.
#[derive(Debug, Clone, Copy)]
pub struct AliasRec<'a> {
    pub row: u32,
    pub text: &'a str,
}

/// Which key map to search.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyMap {
    Fold,
    Skeleton,
    /// The folded keys of fuzzy-match targets only.
    Fuzzy,
    /// The folded keys of fuzzy-match targets in English or no particular language.
    FuzzyEnglish,
}

pub struct Index {
    data: Arc<Backing>,
    sections: [(usize, usize); SECTIONS],
    fold: fst::Map<Slice>,
    skel: fst::Map<Slice>,
    fuzzy: fst::Map<Slice>,
    fuzzy_en: fst::Map<Slice>,
    deletions: Option<fst::Map<Slice>>,
    ids: fst::Map<Slice>,
    filter_mask: usize,
    lower_mask: usize,
}

impl Index {
    /// Opens index bytes without copying them, checking everything (see [`Check::Full`]).
    pub fn open(backing: Backing) -> Result<Index, IndexError> {
        Index::open_with(backing, Check::Full { source: None })
    }

    /// Opens index bytes without copying them. Whatever the bytes, this returns an error or an
    /// index whose records all point inside their sections (so reading them cannot panic;
    /// except with [`Check::Trusted`]); with [`Check::Full`], also one whose bytes are exactly
    /// those written by the builder.
    pub fn open_with(backing: Backing, check: Check) -> Result<Index, IndexError> {
        let data = Arc::new(backing);
        let b = data.bytes();
        if b.len() < 8 || &b[..8] != MAGIC {
            return Err(if b.len() < 8 {
                IndexError::Truncated
            } else {
                IndexError::BadMagic
            });
        }
        if b.len() < HEADER_LEN {
            return Err(IndexError::Truncated);
        }
        if let Check::Full { source } = check {
            if u64_at(b, CHECKSUM_AT) != checksum(b) {
                return Err(IndexError::Checksum);
            }
            if source.is_some_and(|s| b[SOURCE_AT..TABLE_AT] != s) {
                return Err(IndexError::WrongSource);
            }
        }
        let mut sections = [(0usize, 0usize); SECTIONS];
        for (i, s) in sections.iter_mut().enumerate() {
            let off = u64_at(b, TABLE_AT + i * 16);
            let len = u64_at(b, TABLE_AT + 8 + i * 16);
            let (Ok(off), Ok(len)) = (usize::try_from(off), usize::try_from(len)) else {
                return Err(IndexError::Truncated);
            };
            if off < HEADER_LEN || off.checked_add(len).is_none_or(|end| end > b.len()) {
                return Err(IndexError::Truncated);
            }
            *s = (off, len);
        }
        if check != Check::Trusted {
            validate_records(b, &sections)?;
        }
        let slice = |i: usize| Slice {
            data: data.clone(),
            start: sections[i].0,
            end: sections[i].0 + sections[i].1,
        };
        let fold = fst::Map::new(slice(FOLD_FST))?;
        let skel = fst::Map::new(slice(SKEL_FST))?;
        let ids = fst::Map::new(slice(IDS_FST))?;
        // An empty fuzzy section means every alias is a fuzzy target: the folded map serves.
        let fuzzy = if sections[FUZZY_FST].1 == 0 {
            fst::Map::new(slice(FOLD_FST))?
        } else {
            fst::Map::new(slice(FUZZY_FST))?
        };
        // Empty: every alias is an English or language-neutral fuzzy target.
        let fuzzy_en = if sections[FUZZY_EN_FST].1 == 0 {
            fst::Map::new(slice(FOLD_FST))?
        } else {
            fst::Map::new(slice(FUZZY_EN_FST))?
        };
        let filter_len = sections[FILTER].1;
        let lower_len = sections[LOWER_FILTER].1;
        if filter_len == 0
            || !(filter_len * 8).is_power_of_two()
            || lower_len == 0
            || !(lower_len * 8).is_power_of_two()
        {
            return Err(IndexError::Truncated);
        }
        let deletions = if sections[DELETIONS_FST].1 == 0 {
            None
        } else {
            Some(fst::Map::new(slice(DELETIONS_FST))?)
        };
        Ok(Index {
            filter_mask: filter_len * 8 - 1,
            lower_mask: lower_len * 8 - 1,
            data,
            sections,
            fold,
            skel,
            fuzzy,
            fuzzy_en,
            deletions,
            ids,
        })
    }

    #[inline]
    fn section(&self, i: usize) -> &[u8] {
        let (off, len) = self.sections[i];
        &self.data.bytes()[off..off + len]
    }

    #[inline]
    fn string(&self, off: u32, len: u32) -> &str {
        // Every string reference was checked on open (in bounds, UTF-8): `get` and the UTF-8
        // check cannot fail here, and cost little.
        let (off, len) = (off as usize, len as usize);
        self.section(STRINGS)
            .get(off..off + len)
            .and_then(|b| std::str::from_utf8(b).ok())
            .unwrap_or("")
    }

    pub fn entity_count(&self) -> usize {
        self.sections[ENTITIES].1 / ENTITY_LEN
    }

    pub fn row_count(&self) -> usize {
        self.sections[ROWS].1 / ROW_LEN
    }

    pub fn alias_count(&self) -> usize {
        self.sections[ALIASES].1 / ALIAS_LEN
    }

    /// Size of the index in bytes.
    pub fn byte_len(&self) -> usize {
        self.data.bytes().len()
    }

    pub fn entity(&self, e: u32) -> EntityRec<'_> {
        let b = self.section(ENTITIES);
        let o = e as usize * ENTITY_LEN;
        let packed = u32_at(b, o + 12);
        EntityRec {
            id: self.string(u32_at(b, o), u32_at(b, o + 4)),
            first_row: u32_at(b, o + 8),
            rows: packed & 0x00FF_FFFF,
            kind: (packed >> 24) as u8,
        }
    }

    pub fn row(&self, r: u32) -> RowRec<'_> {
        let b = self.section(ROWS);
        let o = r as usize * ROW_LEN;
        RowRec {
            entity: u32_at(b, o),
            name: self.string(u32_at(b, o + 4), u32_at(b, o + 8)),
            lang: self.string(u32_at(b, o + 12), u32_at(b, o + 16)),
            flags: u32_at(b, o + 20),
        }
    }

    pub fn alias(&self, a: u32) -> AliasRec<'_> {
        let b = self.section(ALIASES);
        let o = a as usize * ALIAS_LEN;
        AliasRec {
            row: u32_at(b, o),
            text: self.string(u32_at(b, o + 4), u32_at(b, o + 8)),
        }
    }

    /// The aliases of entity `e` (aliases are stored in row order, so those of one entity's
    /// rows lie together).
    pub fn entity_aliases(&self, e: u32) -> impl Iterator<Item = AliasRec<'_>> + '_ {
        self.entity_alias_ids(e).map(move |a| self.alias(a))
    }

    /// The numbers of entity `e`'s aliases (aliases are stored in row order).
    pub fn entity_alias_ids(&self, e: u32) -> std::ops::Range<u32> {
        let rec = self.entity(e);
        let (first, end) = (rec.first_row, rec.first_row + rec.rows);
        let n = self.alias_count() as u32;
        let start = partition_point(n, |a| self.alias(a).row < first);
        let stop = partition_point(n, |a| self.alias(a).row < end);
        start..stop.max(start)
    }

    /// The entity number of an id.
    pub fn entity_by_id(&self, id: &str) -> Option<u32> {
        self.ids
            .get(id)
            .filter(|&v| (v as usize) < self.entity_count())
            .map(|v| v as u32)
    }

    /// Appends the alias numbers a key-map value stands for.
    /// A reference that points outside the postings (which only a damaged index could hold:
    /// key-map values are not all checked on open, that would read every key) stands for no
    /// alias.
    pub fn postings(&self, value: u64, out: &mut Vec<u32>) {
        let count = (value >> 32) as usize;
        let x = value as u32;
        if count == 1 {
            if (x as usize) < self.alias_count() {
                out.push(x);
            }
        } else {
            // Every postings entry was checked on open to be an alias number.
            let b = self.section(POSTINGS);
            let (start, end) = (x as usize * 4, (x as usize).saturating_add(count) * 4);
            if let Some(list) = b.get(start..end) {
                out.extend(list.chunks_exact(4).map(|c| u32_at(c, 0)));
            }
        }
    }

    /// True when some alias may start with the folded word of this hash; `lower`: an alias
    /// that itself starts with a lower-case letter (what a lower-case word of text may match).
    #[inline]
    pub fn may_start(&self, hash: u64, lower: bool) -> bool {
        let (section, mask) = if lower {
            (LOWER_FILTER, self.lower_mask)
        } else {
            (FILTER, self.filter_mask)
        };
        let bit = hash as usize & mask;
        self.section(section)[bit / 8] & (1 << (bit % 8)) != 0
    }

    pub fn map(&self, which: KeyMap) -> &Fst<Slice> {
        match which {
            KeyMap::Fold => self.fold.as_fst(),
            KeyMap::Skeleton => self.skel.as_fst(),
            KeyMap::Fuzzy => self.fuzzy.as_fst(),
            KeyMap::FuzzyEnglish => self.fuzzy_en.as_fst(),
        }
    }

    /// Looks a whole key up.
    pub fn get(&self, which: KeyMap, key: &str) -> Option<u64> {
        match which {
            KeyMap::Fold => self.fold.get(key),
            KeyMap::Skeleton => self.skel.get(key),
            KeyMap::Fuzzy => self.fuzzy.get(key),
            KeyMap::FuzzyEnglish => self.fuzzy_en.get(key),
        }
    }

    /// Calls `f(alias)` for the aliases among the English fuzzy targets whose key is one edit
    /// from `key` (not equal to it) and starts with the same byte, using the deletion map; false when this index has none
    /// (then [`Index::fuzzy`] over [`KeyMap::FuzzyEnglish`] is the way).
    pub fn one_edit_english(&self, key: &str, mut f: impl FnMut(u32)) -> bool {
        let Some(map) = &self.deletions else {
            return false;
        };
        let fst = map.as_fst();
        // The key and its one-character deletions, looked up by walking the key once: the
        // deletion at a character resumes from the state the walk reached before it, and no
        // deletion after the point where the walk fails can be a key.
        let bytes = key.as_bytes();
        let mut cur = Cursor::new(fst);
        let mut values = Vec::new();
        let mut at = 0;
        let mut walked = true;
        for (i, c) in deletion_points(key) {
            if !cur.step(&bytes[at..i]) {
                walked = false;
                break;
            }
            at = i;
            let mut rest = cur.clone();
            if rest.step(&bytes[i + c.len_utf8()..]) {
                values.extend(rest.value());
            }
        }
        if walked && cur.step(&bytes[at..]) {
            if let Some(v) = cur.value() {
                // The key itself first, as in the map's build.
                values.insert(0, v);
            }
        }
        let mut seen: Vec<u32> = Vec::new();
        let mut list = Vec::new();
        for v in values {
            list.clear();
            self.postings(v, &mut list);
            for &a in &list {
                if seen.contains(&a) {
                    continue;
                }
                seen.push(a);
                let alias_key = crate::tokens::name_key(self.alias(a).text);
                // As the walk: the first letter is kept (misspellings rarely change it).
                let same_first = alias_key.as_bytes().first() == key.as_bytes().first();
                if same_first && alias_key != key && within_one_edit(&alias_key, key) {
                    f(a);
                }
            }
        }
        true
    }

    /// Calls `f(value, distance)` for every key within `max` edits (bytes; insertions,
    /// deletions, substitutions and adjacent transpositions) of `query` that shares its first
    /// byte. A depth-first walk of the key map that prunes branches beyond `max`.
    pub fn fuzzy(&self, which: KeyMap, query: &[u8], max: u32, mut f: impl FnMut(u64, u32)) {
        let fst = self.map(which);
        let Some(&first) = query.first() else { return };
        let root = fst.root();
        let Some(ti) = root.find_input(first) else {
            return;
        };
        let t = root.transition(ti);
        let m = query.len();
        let w = m + 1;
        // rows[d * w + j]: distance between key[..d] and query[..j]. Keys longer than the query
        // by more than `max` bytes cannot match, which bounds the depth.
        let depth = m + max as usize + 1;
        let mut rows = vec![0u32; (depth + 1) * w];
        for (j, r) in rows.iter_mut().take(w).enumerate() {
            *r = j as u32;
        }
        rows[w] = 1;
        for j in 1..=m {
            let cost = u32::from(query[j - 1] != first);
            rows[w + j] = (rows[j - 1] + cost)
                .min(rows[j] + 1)
                .min(rows[w + j - 1] + 1);
        }
        let mut path = vec![0u8; depth + 1];
        path[0] = first;
        let mut walk = Walk {
            fst,
            q: query,
            max,
            w,
            depth,
            rows,
            path,
        };
        walk.visit(fst.node(t.addr), Output::zero().cat(t.out), 1, &mut f);
    }
}

/// Checks that every record of the entity, row, alias and postings sections points inside
/// its sections, that every string it names is UTF-8, and that the filters have a power-of-two
/// size: what reading records takes for granted.
fn validate_records(b: &[u8], sections: &[(usize, usize); SECTIONS]) -> Result<(), IndexError> {
    let sec = |i: usize| &b[sections[i].0..sections[i].0 + sections[i].1];
    // The strings section is UTF-8 as a whole (checked once, fast), so a string in it is
    // UTF-8 when both its ends are character boundaries.
    let strings = std::str::from_utf8(sec(STRINGS)).map_err(|_| IndexError::Corrupt("strings"))?;
    let string = |off: u32, len: u32, what: &'static str| -> Result<(), IndexError> {
        let (off, len) = (off as usize, len as usize);
        match off.checked_add(len) {
            Some(end) if strings.is_char_boundary(off) && strings.is_char_boundary(end) => Ok(()),
            _ => Err(IndexError::Corrupt(what)),
        }
    };
    let (entities, rows, aliases, postings) =
        (sec(ENTITIES), sec(ROWS), sec(ALIASES), sec(POSTINGS));
    if entities.len() % ENTITY_LEN != 0
        || rows.len() % ROW_LEN != 0
        || aliases.len() % ALIAS_LEN != 0
        || postings.len() % 4 != 0
    {
        return Err(IndexError::Corrupt("record section length"));
    }
    let (n_entities, n_rows, n_aliases) = (
        entities.len() / ENTITY_LEN,
        rows.len() / ROW_LEN,
        aliases.len() / ALIAS_LEN,
    );
    if n_entities > u32::MAX as usize || n_rows > u32::MAX as usize || n_aliases > u32::MAX as usize
    {
        return Err(IndexError::Corrupt("record count"));
    }
    for e in entities.chunks_exact(ENTITY_LEN) {
        string(u32_at(e, 0), u32_at(e, 4), "entity id")?;
        let first = u32_at(e, 8) as usize;
        let packed = u32_at(e, 12);
        let count = (packed & 0x00FF_FFFF) as usize;
        if first + count > n_rows {
            return Err(IndexError::Corrupt("entity rows"));
        }
        if (packed >> 24) as usize >= crate::table::TYPES.len() {
            return Err(IndexError::Corrupt("entity type"));
        }
    }
    for r in rows.chunks_exact(ROW_LEN) {
        if u32_at(r, 0) as usize >= n_entities {
            return Err(IndexError::Corrupt("row entity"));
        }
        string(u32_at(r, 4), u32_at(r, 8), "row name")?;
        string(u32_at(r, 12), u32_at(r, 16), "row language")?;
    }
    for a in aliases.chunks_exact(ALIAS_LEN) {
        if u32_at(a, 0) as usize >= n_rows {
            return Err(IndexError::Corrupt("alias row"));
        }
        string(u32_at(a, 4), u32_at(a, 8), "alias text")?;
    }
    if postings
        .chunks_exact(4)
        .any(|p| u32_at(p, 0) as usize >= n_aliases)
    {
        return Err(IndexError::Corrupt("postings"));
    }
    Ok(())
}

/// One edit-distance walk: the query, the dynamic-programming rows by key length, and the key
/// bytes on the current path (optimal string alignment: transpositions count one edit).
struct Walk<'a> {
    fst: &'a Fst<Slice>,
    q: &'a [u8],
    max: u32,
    w: usize,
    depth: usize,
    rows: Vec<u32>,
    path: Vec<u8>,
}

impl Walk<'_> {
    /// Visits `node`, reached by a key of `d` bytes whose row is `rows[d]`.
    fn visit(&mut self, node: Node<'_>, out: Output, d: usize, f: &mut impl FnMut(u64, u32)) {
        let (m, w) = (self.q.len(), self.w);
        let last = self.rows[d * w + m];
        if node.is_final() && last <= self.max {
            f(out.cat(node.final_output()).value(), last);
        }
        if d >= self.depth {
            return;
        }
        for t in node.transitions() {
            let b = t.inp;
            let (done, rest) = self.rows.split_at_mut((d + 1) * w);
            let prev = &done[d * w..];
            let row = &mut rest[..w];
            row[0] = d as u32 + 1;
            let mut best = row[0];
            for j in 1..=m {
                let cost = u32::from(self.q[j - 1] != b);
                let mut v = (prev[j - 1] + cost).min(prev[j] + 1).min(row[j - 1] + 1);
                if j >= 2 && self.q[j - 1] == self.path[d - 1] && self.q[j - 2] == b {
                    v = v.min(done[(d - 1) * w + j - 2] + 1);
                }
                row[j] = v;
                best = best.min(v);
            }
            if best > self.max {
                continue;
            }
            self.path[d] = b;
            self.visit(self.fst.node(t.addr), out.cat(t.out), d + 1, f);
        }
    }
}

/// Incremental walk of a key map, byte by byte, for longest-match scanning.
#[derive(Clone)]
pub struct Cursor<'a> {
    fst: &'a Fst<Slice>,
    node: Node<'a>,
    out: Output,
}

impl<'a> Cursor<'a> {
    pub fn new(fst: &'a Fst<Slice>) -> Self {
        Cursor {
            fst,
            node: fst.root(),
            out: Output::zero(),
        }
    }

    /// Resumes a walk at a state saved with [`Cursor::state`].
    pub fn resume(fst: &'a Fst<Slice>, (addr, out): (usize, u64)) -> Self {
        Cursor {
            fst,
            node: fst.node(addr),
            out: Output::new(out),
        }
    }

    /// The state of the walk (node address and output so far), to resume it later.
    pub fn state(&self) -> (usize, u64) {
        (self.node.addr(), self.out.value())
    }

    /// Follows `bytes`; false when no key continues this way.
    #[inline]
    pub fn step(&mut self, bytes: &[u8]) -> bool {
        for &b in bytes {
            match self.node.find_input(b) {
                Some(i) => {
                    let t = self.node.transition(i);
                    self.out = self.out.cat(t.out);
                    self.node = self.fst.node(t.addr);
                }
                None => return false,
            }
        }
        true
    }

    /// Calls `f` with the first two bytes of every way on from here (`f(a, b)` for each path
    /// `a` then `b`).
    pub fn for_each_pair(&self, mut f: impl FnMut(u8, u8)) {
        for t in self.node.transitions() {
            for u in self.fst.node(t.addr).transitions() {
                f(t.inp, u.inp);
            }
        }
    }

    /// The value of the key read so far, if it is a key.
    #[inline]
    pub fn value(&self) -> Option<u64> {
        self.node
            .is_final()
            .then(|| self.out.cat(self.node.final_output()).value())
    }
}

/// The first of `0..n` for which `before` is false (`before` is true, then false).
fn partition_point(n: u32, before: impl Fn(u32) -> bool) -> u32 {
    let (mut lo, mut hi) = (0, n);
    while lo < hi {
        let mid = lo + (hi - lo) / 2;
        if before(mid) {
            lo = mid + 1;
        } else {
            hi = mid;
        }
    }
    lo
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The embedded default index passes every check a cache file must pass: its checksum,
    /// its source hash (zero: compiled from the default tables) and the bounds of its records.
    #[test]
    fn embedded_default_index_passes_its_own_checks() {
        let bytes = crate::load::default_index_bytes();
        assert_eq!(u64_at(bytes, CHECKSUM_AT), checksum(bytes));
        let ix = Index::open_with(
            Backing::Static(bytes),
            Check::Full {
                source: Some([0; 16]),
            },
        )
        .expect("the embedded index passes its checks");
        assert!(ix.entity_count() > 1000 && ix.alias_count() > ix.entity_count());
        assert!(matches!(
            Index::open_with(
                Backing::Static(bytes),
                Check::Full {
                    source: Some([1; 16])
                }
            ),
            Err(IndexError::WrongSource)
        ));
    }

    fn small_index() -> Vec<u8> {
        let text = "alias\tcanonical\nAlias7\tSeven\nAlias8\tEight\nZorbistan\tZorbia\n";
        let rows = crate::table::parse("t.tsv", text).unwrap();
        builder::build(&rows).unwrap().0
    }

    /// Any one byte changed anywhere is caught by the checksum (or the magic).
    #[test]
    fn every_changed_byte_is_detected() {
        let good = small_index();
        assert!(Index::open(Backing::Owned(good.clone())).is_ok());
        for i in 0..good.len() {
            let mut bad = good.clone();
            bad[i] ^= 0x5a;
            assert!(Index::open(Backing::Owned(bad)).is_err(), "byte {i}");
        }
        for n in 0..good.len() {
            assert!(
                Index::open(Backing::Owned(good[..n].to_vec())).is_err(),
                "{n}"
            );
        }
    }

    /// Damage that comes with a matching checksum (made on purpose) is refused by the
    /// structural checks, or leaves records that read without a panic.
    #[test]
    fn structural_checks_hold_without_the_checksum() {
        let good = small_index();
        for i in SOURCE_AT..good.len() {
            for x in [0x01, 0x80, 0xff] {
                let mut bad = good.clone();
                bad[i] ^= x;
                let Ok(ix) = Index::open_with(Backing::Owned(bad), Check::Structure) else {
                    continue;
                };
                for e in 0..ix.entity_count() as u32 {
                    let _ = ix.entity(e);
                }
                for r in 0..ix.row_count() as u32 {
                    let _ = ix.row(r);
                }
                let mut out = Vec::new();
                for a in 0..ix.alias_count() as u32 {
                    let _ = ix.alias(a);
                    ix.postings(u64::from(a) | 1 << 32, &mut out);
                    ix.postings(u64::from(a) | 3 << 32, &mut out);
                }
                let _ = ix.may_start(12345, false);
                let _ = ix.may_start(12345, true);
            }
        }
    }

    /// The aliases found for an entity by binary search are exactly those a scan of every
    /// alias finds through its row, for every entity of the default tables.
    #[test]
    fn entity_aliases_agree_with_a_scan() {
        let ix = crate::load::default_index();
        let mut by_scan: Vec<Vec<u32>> = vec![Vec::new(); ix.entity_count()];
        for a in 0..ix.alias_count() as u32 {
            by_scan[ix.row(ix.alias(a).row).entity as usize].push(a);
        }
        for (e, want) in by_scan.iter().enumerate() {
            let got: Vec<&str> = ix.entity_aliases(e as u32).map(|a| a.text).collect();
            let want: Vec<&str> = want.iter().map(|&a| ix.alias(a).text).collect();
            assert_eq!(got, want, "entity {}", ix.entity(e as u32).id);
        }
        assert_eq!(partition_point(0, |_| true), 0);
        assert_eq!(partition_point(10, |i| i < 4), 4);
        assert_eq!(partition_point(10, |_| true), 10);
    }

    /// The deletion map and the edit-distance walk find the same English targets one edit
    /// away, on misspellings of real names and on words that match nothing.
    #[test]
    fn one_edit_lookups_agree_with_the_walk() {
        let ix = crate::load::default_index();
        let mut keys: Vec<String> = Vec::new();
        for name in [
            "kazakhstan",
            "afghanistan",
            "uzbekistan",
            "lithuania",
            "mississippi",
        ] {
            for (i, c) in name.char_indices() {
                let rest = &name[i + c.len_utf8()..];
                keys.push(format!("{}{rest}", &name[..i])); // deletion
                keys.push(format!("{}{c}{c}{rest}", &name[..i])); // doubling
                keys.push(format!("{}x{rest}", &name[..i])); // substitution
            }
        }
        keys.extend([
            "wordlongwordlong1234".to_string(),
            "zzzzzzz".into(),
            "łódźa".into(),
        ]);
        for key in keys {
            let mut by_map = Vec::new();
            assert!(ix.one_edit_english(&key, |a| by_map.push(a)));
            let mut by_walk = Vec::new();
            ix.fuzzy(KeyMap::FuzzyEnglish, key.as_bytes(), 1, |v, d| {
                if d == 1 {
                    ix.postings(v, &mut by_walk);
                }
            });
            by_map.sort_unstable();
            by_walk.sort_unstable();
            by_walk.dedup();
            assert_eq!(by_map, by_walk, "{key}");
        }
    }
}
