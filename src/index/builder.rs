//! Compiles alias-table rows into the index bytes (layout in `layout.rs`).
//!
//! Used by `build.rs` for the embedded default tables and at run time for users' tables, so
//! both kinds of index come from the same code. Keys are computed and the key maps built on
//! all cores (plain scoped threads: the build script shares this file and its dependencies).

use std::collections::HashMap;

use crate::index::layout::*;
use crate::table::{flag, Row};
use crate::tokens::name_key;
use crate::translit::key_skeleton;

#[derive(Default)]
struct Strings {
    bytes: Vec<u8>,
    seen: HashMap<String, (u32, u32)>,
}

impl Strings {
    /// Stores `s` once and returns its offset and length. Only short repeated strings (ids,
    /// names, language lists) are deduplicated; alias texts are appended as they come.
    fn add(&mut self, s: &str) -> (u32, u32) {
        if let Some(&r) = self.seen.get(s) {
            return r;
        }
        let r = self.append(s);
        self.seen.insert(s.to_string(), r);
        r
    }

    fn append(&mut self, s: &str) -> (u32, u32) {
        let r = (self.bytes.len() as u32, s.len() as u32);
        self.bytes.extend_from_slice(s.as_bytes());
        r
    }
}

fn push_u32(v: &mut Vec<u8>, x: u32) {
    v.extend_from_slice(&x.to_le_bytes());
}

/// Groups sorted `(key, alias)` pairs into fst values, appending multi-alias postings.
fn key_values(mut pairs: Vec<(String, u32)>, postings: &mut Vec<u8>) -> Vec<(String, u64)> {
    pairs.sort_unstable();
    pairs.dedup();
    let mut out: Vec<(String, u64)> = Vec::with_capacity(pairs.len());
    let mut i = 0;
    while i < pairs.len() {
        let mut j = i + 1;
        while j < pairs.len() && pairs[j].0 == pairs[i].0 {
            j += 1;
        }
        let value = if j - i == 1 {
            (1u64 << 32) | pairs[i].1 as u64
        } else {
            let off = (postings.len() / 4) as u64;
            for p in &pairs[i..j] {
                push_u32(postings, p.1);
            }
            (((j - i) as u64) << 32) | off
        };
        out.push((std::mem::take(&mut pairs[i].0), value));
        i = j;
    }
    out
}

fn fst_bytes(values: &[(String, u64)]) -> Result<Vec<u8>, fst::Error> {
    let mut b = fst::MapBuilder::memory();
    for (k, v) in values {
        b.insert(k.as_bytes(), *v)?;
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

/// The keys of one alias.
struct AliasKeys {
    fold: String,
    skel: String,
    first_hash: u64,
}

fn alias_keys(text: &str) -> AliasKeys {
    let fold = name_key(text);
    let skel = key_skeleton(&fold);
    let first = fold.split(' ').next().unwrap_or("");
    AliasKeys {
        first_hash: word_hash(first.as_bytes()),
        skel,
        fold,
    }
}

/// Computes the keys of `texts` on all cores, in order.
fn all_keys(texts: &[&str]) -> Vec<AliasKeys> {
    let threads = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .min(8);
    if threads == 1 || texts.len() < 20_000 {
        return texts.iter().map(|t| alias_keys(t)).collect();
    }
    let chunk = texts.len().div_ceil(threads);
    std::thread::scope(|s| {
        let handles: Vec<_> = texts
            .chunks(chunk)
            .map(|part| s.spawn(move || part.iter().map(|t| alias_keys(t)).collect::<Vec<_>>()))
            .collect();
        handles
            .into_iter()
            .flat_map(|h| h.join().expect("key thread"))
            .collect()
    })
}

/// Compiles `rows` (in table order; rows with the same id form one entity) into index bytes.
pub fn build(rows: &[Row]) -> Result<(Vec<u8>, BuildStats), fst::Error> {
    build_from(rows, &[0; 16])
}

/// [`build`], the index sealed with `source`, the hash of the table the rows come from (see
/// [`seal`]).
pub fn build_from(rows: &[Row], source: &[u8; 16]) -> Result<(Vec<u8>, BuildStats), fst::Error> {
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
    drop(by_id);
    let mut strings = Strings::default();
    let mut entities = Vec::with_capacity(groups.len() * ENTITY_LEN);
    let mut row_bytes = Vec::with_capacity(rows.len() * ROW_LEN);
    // Aliases in index order: (row number, text, fuzzy target, starts lower-case).
    let mut alias_rows: Vec<u32> = Vec::new();
    let mut alias_texts: Vec<&str> = Vec::new();
    let mut fuzzy_target: Vec<bool> = Vec::new();
    let mut english: Vec<bool> = Vec::new();
    // Aliases a lower-case word of running text may usefully match: not weak, known language.
    let mut lower_useful: Vec<bool> = Vec::new();
    let mut row_no: u32 = 0;
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
            let eligible =
                r.flags & (flag::NOFUZZY | flag::WEAK | flag::NEVER) == 0 && r.lang != "und";
            let first_alias = alias_texts.len();
            if !r.name.is_empty() {
                alias_texts.push(&r.name);
            }
            for a in &r.aliases {
                if !alias_texts[first_alias..].contains(&a.as_str()) {
                    alias_texts.push(a);
                }
            }
            let en =
                r.lang.is_empty() || r.lang.split(',').any(|c| c == "en" || c.starts_with("en-"));
            for _ in first_alias..alias_texts.len() {
                alias_rows.push(row_no);
                fuzzy_target.push(eligible);
                english.push(eligible && en);
                lower_useful.push(r.flags & flag::WEAK == 0 && r.lang != "und");
            }
            row_no += 1;
        }
    }
    let keys = all_keys(&alias_texts);
    let mut alias_bytes = Vec::with_capacity(alias_texts.len() * ALIAS_LEN);
    let mut fold_pairs = Vec::with_capacity(alias_texts.len());
    let mut skel_pairs = Vec::with_capacity(alias_texts.len());
    let mut fuzzy_pairs = Vec::new();
    let mut fuzzy_en_pairs = Vec::new();
    let mut all_fuzzy = true;
    let mut all_en = true;
    let mut first_words: Vec<u64> = Vec::with_capacity(alias_texts.len());
    let mut lower_first_words: Vec<u64> = Vec::new();
    let mut alias_no: u32 = 0;
    for (i, k) in keys.into_iter().enumerate() {
        if k.fold.is_empty() {
            continue;
        }
        let text = alias_texts[i];
        let (t_off, t_len) = strings.append(text);
        for x in [alias_rows[i], t_off, t_len] {
            push_u32(&mut alias_bytes, x);
        }
        first_words.push(k.first_hash);
        if lower_useful[i] && text.chars().next().is_some_and(char::is_lowercase) {
            lower_first_words.push(k.first_hash);
        }
        if !k.skel.is_empty() {
            skel_pairs.push((k.skel, alias_no));
        }
        if fuzzy_target[i] {
            fuzzy_pairs.push((k.fold.clone(), alias_no));
        } else {
            all_fuzzy = false;
        }
        if english[i] {
            fuzzy_en_pairs.push((k.fold.clone(), alias_no));
        } else {
            all_en = false;
        }
        fold_pairs.push((k.fold, alias_no));
        alias_no += 1;
    }
    drop(alias_texts);
    // When every alias is a fuzzy target, the fuzzy map is the folded map: stored once.
    if all_fuzzy {
        fuzzy_pairs = Vec::new();
    }
    if all_en {
        fuzzy_en_pairs = Vec::new();
    }
    let mut postings = Vec::new();
    let mut deletion_pairs = Vec::new();
    let en_keys = if all_en { &fold_pairs } else { &fuzzy_en_pairs };
    if en_keys.len() <= DELETIONS_MAX_KEYS {
        for (k, a) in en_keys.iter() {
            if k.chars().count() >= DELETIONS_MIN_CHARS {
                for d in deletions(k) {
                    deletion_pairs.push((d, *a));
                }
            }
        }
    }
    let fold_values = key_values(fold_pairs, &mut postings);
    let skel_values = key_values(skel_pairs, &mut postings);
    let fuzzy_values = key_values(fuzzy_pairs, &mut postings);
    let fuzzy_en_values = key_values(fuzzy_en_pairs, &mut postings);
    let deletion_values = key_values(deletion_pairs, &mut postings);
    let mut id_list: Vec<(&str, u64)> = ids
        .iter()
        .enumerate()
        .map(|(i, id)| (*id, i as u64))
        .collect();
    id_list.sort_unstable();
    let (fold_fst, skel_fst, fuzzy_fst, fuzzy_en_fst, deletions_fst, ids_fst) =
        std::thread::scope(|s| {
            let f = s.spawn(|| fst_bytes(&fold_values));
            let k = s.spawn(|| fst_bytes(&skel_values));
            let z = (!all_fuzzy).then(|| s.spawn(|| fst_bytes(&fuzzy_values)));
            let e = (!all_en).then(|| s.spawn(|| fst_bytes(&fuzzy_en_values)));
            let d = s.spawn(|| fst_bytes(&deletion_values));
            let ids_fst = fst::Map::from_iter(id_list).map(|m| m.into_fst().into_inner());
            (
                f.join().expect("fst thread"),
                k.join().expect("fst thread"),
                z.map(|z| z.join().expect("fst thread")),
                e.map(|e| e.join().expect("fst thread")),
                d.join().expect("fst thread"),
                ids_fst,
            )
        });
    let (fold_fst, skel_fst, ids_fst) = (fold_fst?, skel_fst?, ids_fst?);
    let fuzzy_fst = fuzzy_fst.transpose()?.unwrap_or_default();
    let fuzzy_en_fst = fuzzy_en_fst.transpose()?.unwrap_or_default();
    // An empty map (no keys) is stored as an empty section.
    let deletions_fst = if deletion_values.is_empty() {
        Vec::new()
    } else {
        deletions_fst?
    };
    let filter = bitset(first_words);
    let lower_filter = bitset(lower_first_words);
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
        &fuzzy_fst,
        &fuzzy_en_fst,
        &deletions_fst,
    ];
    let mut out = Vec::with_capacity(HEADER_LEN + sections.iter().map(|s| s.len()).sum::<usize>());
    out.extend_from_slice(MAGIC);
    // Checksum and source hash, filled in by `seal`.
    out.resize(TABLE_AT, 0);
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
    seal(&mut out, source);
    Ok((out, stats))
}
