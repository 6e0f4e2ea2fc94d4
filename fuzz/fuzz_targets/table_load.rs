//! Loading a user table from arbitrary bytes: parsing and compiling never panic, and a table
//! that compiles opens with every check passing.
#![no_main]

use libfuzzer_sys::fuzz_target;
use normalize::index::builder::build;
use normalize::index::{Backing, Index};

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let _ = normalize::table::parse("t.tsv", text);
    let (rows, _errors) = normalize::table::parse_all("t.tsv", text);
    if let Ok((bytes, stats)) = build(&rows) {
        let ix = Index::open(Backing::Owned(bytes)).expect("a compiled table opens");
        assert_eq!(ix.alias_count(), stats.aliases);
    }
});
