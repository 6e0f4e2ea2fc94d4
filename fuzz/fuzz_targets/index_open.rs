//! Opening an index from arbitrary bytes: never a panic. The bytes are tried as they are (the
//! checksum refuses nearly all), and again resealed with their own checksum, so that the
//! structural checks meet every kind of damage; an index that opens has records that read
//! without a panic.
#![no_main]

use libfuzzer_sys::fuzz_target;
use normalize::index::layout::{seal, HEADER_LEN, MAGIC};
use normalize::index::{Backing, Check, Index};

fn read_all(ix: &Index) {
    for e in 0..ix.entity_count().min(1000) as u32 {
        let _ = ix.entity(e);
    }
    for r in 0..ix.row_count().min(1000) as u32 {
        let _ = ix.row(r);
    }
    let mut out = Vec::new();
    for a in 0..ix.alias_count().min(1000) as u32 {
        let _ = ix.alias(a);
        ix.postings(u64::from(a) | 1 << 32, &mut out);
        ix.postings(u64::from(a) | 2 << 32, &mut out);
    }
    let _ = ix.may_start(0x1234_5678, false);
    let _ = ix.may_start(0x1234_5678, true);
}

fuzz_target!(|data: &[u8]| {
    if let Ok(ix) = Index::open(Backing::Owned(data.to_vec())) {
        read_all(&ix);
    }
    // The same bytes with a good magic, sealed: past the checksum, into the structure.
    let mut bytes = MAGIC.to_vec();
    bytes.extend_from_slice(data.strip_prefix(MAGIC.as_slice()).unwrap_or(data));
    if bytes.len() >= HEADER_LEN {
        seal(&mut bytes, &[0; 16]);
        if let Ok(ix) = Index::open_with(Backing::Owned(bytes), Check::Full { source: None }) {
            read_all(&ix);
        }
    }
});
