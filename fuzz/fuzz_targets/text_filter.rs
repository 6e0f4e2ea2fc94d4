//! The text path on arbitrary bytes: the streaming filter never panics, and on text its
//! output is the input with each applied finding's span replaced, every other byte unchanged.
//! A second pass over the output changes nothing (idempotence).
#![no_main]

use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use normalize::stream::{normalize_stream, Apply};
use normalize::{Normalizer, Options};

fn nz() -> &'static Normalizer {
    static NZ: OnceLock<Normalizer> = OnceLock::new();
    NZ.get_or_init(|| Normalizer::load(true, &[] as &[&str], Options::default()).unwrap())
}

fuzz_target!(|data: &[u8]| {
    let nz = nz();
    let mut out = Vec::new();
    normalize_stream(nz, &mut &data[..], &mut out, Apply::Safe).unwrap();
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    // One block (the filter cuts at paragraph breaks; under 64 KB without one, it does not).
    if text.len() >= 64 << 10 {
        return;
    }
    let matches = nz.find(text);
    let mut want = String::new();
    let mut at = 0;
    for m in &matches {
        assert!(m.start < m.end && m.end <= text.len(), "span {m:?}");
        assert!(text.is_char_boundary(m.start) && text.is_char_boundary(m.end));
        // As the filter applies them: in order, an overlapped one skipped.
        if m.fix == normalize::Fix::Safe && m.start >= at {
            if let Some(r) = &m.replacement {
                want.push_str(&text[at..m.start]);
                want.push_str(r);
                at = m.end;
            }
        }
    }
    want.push_str(&text[at..]);
    assert_eq!(String::from_utf8(out.clone()).unwrap(), want);
    let mut again = Vec::new();
    normalize_stream(nz, &mut &out[..], &mut again, Apply::Safe).unwrap();
    assert_eq!(
        String::from_utf8_lossy(&again),
        String::from_utf8_lossy(&out),
        "a second pass changed the output"
    );
});
