//! Compiles the default alias tables in `data/` into the index embedded in the binary, and the
//! English word list into an fst set. The key code is the library's own (`#[path]` includes),
//! so the embedded keys and run-time keys are computed by the same functions.

#[path = "src/fold.rs"]
#[allow(dead_code)]
mod fold;
#[path = "src/index/builder.rs"]
#[allow(dead_code)]
mod index_builder;
#[path = "src/index/layout.rs"]
#[allow(dead_code)]
mod index_layout;
#[path = "src/table.rs"]
#[allow(dead_code)]
mod table;
#[path = "src/tokens.rs"]
#[allow(dead_code)]
mod tokens;
#[path = "src/translit.rs"]
#[allow(dead_code)]
mod translit;
mod index {
    pub(crate) use super::index_layout as layout;
}

use std::path::PathBuf;

/// The default tables, in the order their rows are compiled.
const DEFAULT_TABLES: [&str; 6] = [
    "data/countries.tsv",
    "data/demonyms.tsv",
    "data/people.tsv",
    "data/orgs.tsv",
    "data/cities.tsv",
    "data/cities-former.tsv",
];

fn main() {
    let out = PathBuf::from(std::env::var("OUT_DIR").unwrap());
    for f in [
        "src/fold.rs",
        "src/table.rs",
        "src/tokens.rs",
        "src/translit.rs",
        "src/index/builder.rs",
        "src/index/layout.rs",
        "data/english-words.txt",
    ] {
        println!("cargo:rerun-if-changed={f}");
    }
    let mut rows = Vec::new();
    for path in DEFAULT_TABLES {
        println!("cargo:rerun-if-changed={path}");
        let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{path}: {e}"));
        match table::parse(path, &text) {
            Ok(r) => rows.extend(r),
            Err(e) => panic!("{e}"),
        }
    }
    let (bytes, _stats) = index_builder::build(&rows).expect("building the default index");
    std::fs::write(out.join("default.idx"), &bytes).unwrap();

    let words = std::fs::read_to_string("data/english-words.txt").expect("data/english-words.txt");
    let mut list: Vec<&str> = words.lines().filter(|l| !l.is_empty()).collect();
    list.sort_unstable();
    list.dedup();
    let set = fst::Set::from_iter(list).expect("word list");
    std::fs::write(out.join("words.fst"), set.as_fst().as_bytes()).unwrap();

    build_names(&out);
    build_rivals(&out);
}

/// The open world's name lists, with the bit of each (as `src/lexicon.rs` reads them).
const NAME_LISTS: [(&str, u64); 5] = [
    ("data/lexicon/places.txt", 1 << 32),
    ("data/lexicon/place-alternates.txt", 1 << 36),
    ("data/lexicon/subdivisions.txt", 1 << 33),
    ("data/lexicon/given-names.txt", 1 << 34),
    ("data/lexicon/surnames.txt", 1 << 35),
];

/// Picks from the word map (`data/lexicon/words.fst`) the English proper nouns, the only
/// rivals a misspelling is weighed against (`lexicon::Entry::is_real_name`: in the English
/// list, and written in lower case in no list), into `rivals.fst`, with their values: the
/// rival walk then covers tens of thousands of keys, not nine million.
fn build_rivals(out: &std::path::Path) {
    use fst::{IntoStreamer, Streamer};
    const ENGLISH: u64 = 1; // `Lang::En` is the first language
    const LOWER: u64 = 0xffff << 16;
    let path = "data/lexicon/words.fst";
    println!("cargo:rerun-if-changed={path}");
    let bytes = std::fs::read(path).unwrap_or_else(|e| panic!("{path}: {e}"));
    let words = fst::Map::new(bytes).unwrap_or_else(|e| panic!("{path}: {e}"));
    let mut builder = fst::MapBuilder::memory();
    let mut stream = words.into_stream();
    while let Some((k, v)) = stream.next() {
        if v & ENGLISH != 0 && v & LOWER == 0 {
            builder.insert(k, v).expect("rivals in order");
        }
    }
    let bytes = builder.into_inner().expect("rivals");
    std::fs::write(out.join("rivals.fst"), bytes).unwrap();
}

/// Compiles the name lists into `names.fst`: each name's key (folded words joined by one
/// space) to the kinds of name it is.
fn build_names(out: &std::path::Path) {
    let mut names: std::collections::BTreeMap<String, u64> = Default::default();
    for (path, bit) in NAME_LISTS {
        println!("cargo:rerun-if-changed={path}");
        let text = match std::fs::read_to_string(path) {
            Ok(t) => t,
            Err(e) => panic!("{path}: {e} (made by scripts/gen_lexicon_names.py)"),
        };
        for line in text.lines() {
            let line = line.trim();
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            let key = tokens::name_key(line);
            if !key.is_empty() {
                *names.entry(key).or_default() |= bit;
            }
        }
    }
    let map = fst::Map::from_iter(names.iter().map(|(k, v)| (k.as_bytes(), *v))).expect("names");
    std::fs::write(out.join("names.fst"), map.as_fst().as_bytes()).unwrap();
}
