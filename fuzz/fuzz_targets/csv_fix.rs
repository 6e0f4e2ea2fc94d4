//! Fixing CSV on arbitrary bytes: never a panic, and when no cell was fixed the output is the
//! input, byte for byte.
#![no_main]

use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use normalize::csvfix::{run, Config};
use normalize::{Normalizer, Options};

fn nz() -> &'static Normalizer {
    static NZ: OnceLock<Normalizer> = OnceLock::new();
    NZ.get_or_init(|| Normalizer::load(true, &[] as &[&str], Options::default()).unwrap())
}

fuzz_target!(|data: &[u8]| {
    let Some((&mode, data)) = data.split_first() else {
        return;
    };
    let cfg = Config {
        columns: vec![["1", "2"][usize::from(mode & 1)].to_string()],
        has_header: mode & 2 != 0,
        text: mode & 4 != 0,
        lenient: true,
        threads: 1,
        batch_rows: 1 + usize::from(mode >> 4),
        ..Config::default()
    };
    let mut out = Vec::new();
    if let Ok(r) = run(nz(), &cfg, data, &mut out, |_| {}) {
        if r.summary.cells_fixed == 0 {
            assert!(out == data, "nothing fixed, yet the output differs");
        }
    }
});
