//! Compiles alias-table rows into the index bytes (layout in `layout.rs`).
//!
//! Used by `build.rs` for the embedded default tables and at run time for users' tables, so
//! both kinds of index come from the same code.

use std::collections::{BTreeMap, HashMap};

use crate::index::layout::*;
use crate::table::Row;
use crate::tokens::name_key;
use crate::translit::key_skeleton;

#[derive(Default)]
struct Strings {
    bytes: Vec<u8>,
    seen: HashMap<String, (u32, u32)>,
}

impl Strings {
    fn add(&mut self, s: &str) -> (u32, u32) {
        if let Some(&r) = self.seen.get(s) {
            return r;
        }
        let r = (self.bytes.len() as u32, s.len() as u32);
        self.bytes.extend_from_slice(s.as_bytes());
        self.seen.insert(s.to_string(), r);
        r
    }
}

fn push_u32(v: &mut Vec<u8>, x: u32) {
    v.extend_from_slice(&x.to_le_bytes());
}

/// Builds a map from key to sorted, deduplicated alias numbers as an fst plus postings.
fn key_map(
    keys: BTreeMap<String, Vec<u32>>,
    postings: &mut Vec<u8>,
) -> Result<Vec<u8>, fst::Error> {
    let mut b = fst::MapBuilder::memory();
    for (k, mut list) in keys {
        list.sort_unstable();
        list.dedup();
        let value = if list.len() == 1 {
            (1u64 << 32) | list[0] as u64
        } else {
            let off = (postings.len() / 4) as u64;
            for a in &list {
                push_u32(postings, *a);
            }
            ((list.len() as u64) << 32) | off
        };
        b.insert(k.as_bytes(), value)?;
    }
    b.into_inner()
}

/// A first-word filter: one bit per hash, a power-of-two number of bits.
fn bitset(mut hashes: Vec<u64>) -> Vec<u8> {
    hashes.sort_unstable();
    hashes.dedup();
    let bits = filter_bits(hashes.len());
    let mut filter = vec![0u8; bits / 8];
    for h in hashes {
        let bit = (h as usize) & (bits - 1);
        filter[bit / 8] |= 1 << (bit % 8);
    }
    filter
}

/// Statistics of a build, for `normalize tables`.
#[derive(Debug, Default, Clone, Copy)]
pub struct BuildStats {
    pub entities: usize,
    pub rows: usize,
    pub aliases: usize,
}

/// Compiles `rows` (in table order; rows with the same id form one entity) into index bytes.
pub fn build(rows: &[Row]) -> Result<(Vec<u8>, BuildStats), fst::Error> {
    // Group rows by entity id, in order of first appearance.
    let mut by_id: HashMap<&str, usize> = HashMap::new();
    let mut groups: Vec<(u8, Vec<usize>)> = Vec::new();
    let mut ids: Vec<&str> = Vec::new();
    for (i, r) in rows.iter().enumerate() {
        let g = *by_id.entry(r.id.as_str()).or_insert_with(|| {
            groups.push((r.kind, Vec::new()));
            ids.push(r.id.as_str());
            groups.len() - 1
        });
        groups[g].1.push(i);
    }
    let mut strings = Strings::default();
    let mut entities = Vec::with_capacity(groups.len() * ENTITY_LEN);
    let mut row_bytes = Vec::with_capacity(rows.len() * ROW_LEN);
    let mut alias_bytes = Vec::new();
    let mut fold_keys: BTreeMap<String, Vec<u32>> = BTreeMap::new();
    let mut skel_keys: BTreeMap<String, Vec<u32>> = BTreeMap::new();
    let mut first_words: Vec<u64> = Vec::new();
    let mut lower_first_words: Vec<u64> = Vec::new();
    let mut row_no: u32 = 0;
    let mut alias_no: u32 = 0;
    for (e, (kind, members)) in groups.iter().enumerate() {
        let (id_off, id_len) = strings.add(ids[e]);
        push_u32(&mut entities, id_off);
        push_u32(&mut entities, id_len);
        push_u32(&mut entities, row_no);
        push_u32(&mut entities, members.len() as u32 | (*kind as u32) << 24);
        for &ri in members {
            let r = &rows[ri];
            let (n_off, n_len) = strings.add(&r.name);
            let (l_off, l_len) = strings.add(&r.lang);
            for x in [e as u32, n_off, n_len, l_off, l_len, r.flags] {
                push_u32(&mut row_bytes, x);
            }
            let mut texts: Vec<&str> = Vec::with_capacity(1 + r.aliases.len());
            if !r.name.is_empty() {
                texts.push(&r.name);
            }
            for a in &r.aliases {
                if !texts.contains(&a.as_str()) {
                    texts.push(a);
                }
            }
            for t in texts {
                let key = name_key(t);
                if key.is_empty() {
                    continue;
                }
                let (t_off, t_len) = strings.add(t);
                for x in [row_no, t_off, t_len] {
                    push_u32(&mut alias_bytes, x);
                }
                let first = key.split(' ').next().unwrap_or("");
                first_words.push(word_hash(first.as_bytes()));
                if t.chars().next().is_some_and(char::is_lowercase) {
                    lower_first_words.push(word_hash(first.as_bytes()));
                }
                let skel = key_skeleton(&key);
                if !skel.is_empty() {
                    skel_keys.entry(skel).or_default().push(alias_no);
                }
                fold_keys.entry(key).or_default().push(alias_no);
                alias_no += 1;
            }
            row_no += 1;
        }
    }
    let mut postings = Vec::new();
    let fold_fst = key_map(fold_keys, &mut postings)?;
    let skel_fst = key_map(skel_keys, &mut postings)?;
    let filter = bitset(first_words);
    let lower_filter = bitset(lower_first_words);
    let mut id_list: Vec<(&str, u64)> = ids
        .iter()
        .enumerate()
        .map(|(i, id)| (*id, i as u64))
        .collect();
    id_list.sort_unstable();
    let ids_fst = fst::Map::from_iter(id_list)?.into_fst().into_inner();
    let sections: [&[u8]; SECTIONS] = [
        &strings.bytes,
        &entities,
        &row_bytes,
        &alias_bytes,
        &postings,
        &fold_fst,
        &skel_fst,
        &filter,
        &ids_fst,
        &lower_filter,
    ];
    let mut out = Vec::with_capacity(HEADER_LEN + sections.iter().map(|s| s.len()).sum::<usize>());
    out.extend_from_slice(MAGIC);
    let mut off = HEADER_LEN as u64;
    for s in &sections {
        out.extend_from_slice(&off.to_le_bytes());
        out.extend_from_slice(&(s.len() as u64).to_le_bytes());
        off += s.len() as u64;
    }
    for s in &sections {
        out.extend_from_slice(s);
    }
    let stats = BuildStats {
        entities: groups.len(),
        rows: row_no as usize,
        aliases: alias_no as usize,
    };
    Ok((out, stats))
}
