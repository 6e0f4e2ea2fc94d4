//! The cache of compiled user tables, through the real binary: a damaged cache file (random
//! bytes over a section, a zeroed strings section, another table's index, cut short, empty) is
//! reported on one line and rebuilt, and the answer is the table's; the rebuilt file is a new
//! file renamed into place (a process that has the old one mapped keeps its pages); two
//! processes compiling the same table at once both answer right and leave one good file.

use std::io::Write;
use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};
use std::process::Stdio;

use normalize::index::layout::{STRINGS, TABLE_AT};

mod common;

const TABLE: &str = "alias\tcanonical\nAlias7\tSeven\nAlias8\tEight\nZorbistan\tZorbia\n";
const TEXT: &str = "We met Alias7 and Alias8 in Zorbistan.\n";
const FIXED: &str = "We met Seven and Eight in Zorbia.\n";

fn scratch(name: &str) -> PathBuf {
    let d = common::scratch("cache", "cache", name);
    common::write(&d, "t.tsv", TABLE);
    d
}

/// The filter over `TEXT` with the table; its output and standard error.
fn run(dir: &Path) -> (String, String) {
    let out = common::run_text(
        common::normalize_in(dir, "cache").args(["--table", "t.tsv"]),
        TEXT.as_bytes(),
    );
    assert_eq!(out.code, Some(0), "stderr: {}", out.stderr);
    (out.stdout, out.stderr)
}

/// Every file in the cache directory (temporary files too).
fn cache_files(dir: &Path) -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(dir.join("cache"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    v.sort();
    v
}

/// The one cached index, after a first run that compiles it.
fn compiled(dir: &Path) -> PathBuf {
    assert_eq!(run(dir), (FIXED.to_string(), String::new()));
    let files = cache_files(dir);
    assert_eq!(files.len(), 1, "{files:?}");
    files[0].clone()
}

/// `(offset, length)` of section `i` of index bytes.
fn section(bytes: &[u8], i: usize) -> (usize, usize) {
    let at = TABLE_AT + i * 16;
    let u = |o: usize| u64::from_le_bytes(bytes[o..o + 8].try_into().unwrap()) as usize;
    (u(at), u(at + 8))
}

/// Damages the cache file with `damage`, then checks that the next run warns once, answers
/// right and rebuilds the file, and that the run after that is quiet.
fn damaged_is_rebuilt(name: &str, damage: impl FnOnce(&mut Vec<u8>, &Path)) {
    let d = scratch(name);
    let idx = compiled(&d);
    let good = std::fs::read(&idx).unwrap();
    let mut bytes = good.clone();
    damage(&mut bytes, &d);
    assert_ne!(bytes, good);
    std::fs::write(&idx, &bytes).unwrap();
    let inode = std::fs::metadata(&idx).unwrap().ino();
    let (out, err) = run(&d);
    assert_eq!(out, FIXED);
    assert_eq!(
        err,
        format!(
            "normalize: cache {} is damaged; rebuilding\n",
            idx.display()
        )
    );
    assert_eq!(std::fs::read(&idx).unwrap(), good, "the file is rebuilt");
    assert_ne!(
        std::fs::metadata(&idx).unwrap().ino(),
        inode,
        "replaced by a new file, not rewritten in place"
    );
    assert_eq!(cache_files(&d), vec![idx]);
    assert_eq!(run(&d), (FIXED.to_string(), String::new()));
}

#[test]
fn random_bytes_over_a_section() {
    damaged_is_rebuilt("random", |b, _| {
        let (off, len) = section(b, STRINGS);
        let mut x: u32 = 0x9e37_79b9;
        for byte in &mut b[off..off + len] {
            x ^= x << 13;
            x ^= x >> 17;
            x ^= x << 5;
            *byte = x as u8;
        }
    });
}

#[test]
fn zeroed_strings_section() {
    damaged_is_rebuilt("zeroed", |b, _| {
        let (off, len) = section(b, STRINGS);
        b[off..off + len].fill(0);
    });
}

#[test]
fn another_tables_index() {
    damaged_is_rebuilt("other", |b, d| {
        let other = d.join("other");
        std::fs::create_dir_all(other.join("cache")).unwrap();
        common::write(&other, "t.tsv", "alias\tcanonical\nAlias7\tWrong\n");
        let out = common::run_text(
            common::normalize_in(&other, "cache").args(["--table", "t.tsv"]),
            b"Alias7\n",
        );
        assert_eq!(out.stdout, "Wrong\n");
        *b = std::fs::read(&cache_files(&other)[0]).unwrap();
    });
}

#[test]
fn cut_short_empty_or_one_bit_flipped() {
    damaged_is_rebuilt("short", |b, _| b.truncate(b.len() - 1));
    damaged_is_rebuilt("empty", |b, _| b.clear());
    damaged_is_rebuilt("header", |b, _| b[TABLE_AT + 3] ^= 1);
    damaged_is_rebuilt("bit", |b, _| {
        let n = b.len();
        b[n / 2] ^= 0x10;
    });
}

/// Two processes compile the same new table at the same moment: both answer right, and they
/// leave one complete cache file and no temporary file.
#[test]
fn two_processes_compile_at_once() {
    let d = scratch("race");
    // A larger table, so that compiling takes a while and the two runs overlap.
    let mut table = String::from(TABLE);
    for i in 0..20_000 {
        table.push_str(&format!("Zorbvariant{i}\tZorbia\n"));
    }
    common::write(&d, "t.tsv", &table);
    for round in 0..3 {
        let _ = std::fs::remove_dir_all(d.join("cache"));
        std::fs::create_dir_all(d.join("cache")).unwrap();
        let children: Vec<_> = (0..2)
            .map(|_| {
                let mut c = common::normalize_in(&d, "cache")
                    .args(["--table", "t.tsv"])
                    .stdin(Stdio::piped())
                    .stdout(Stdio::piped())
                    .stderr(Stdio::piped())
                    .spawn()
                    .unwrap();
                c.stdin.take().unwrap().write_all(TEXT.as_bytes()).unwrap();
                c
            })
            .collect();
        for c in children {
            let out = c.wait_with_output().unwrap();
            assert!(out.status.success());
            assert_eq!(
                String::from_utf8(out.stdout).unwrap(),
                FIXED,
                "round {round}"
            );
            assert_eq!(String::from_utf8(out.stderr).unwrap(), "", "round {round}");
        }
        let files = cache_files(&d);
        assert_eq!(files.len(), 1, "one file, no temporary: {files:?}");
        assert_eq!(files[0].extension().unwrap(), "idx");
        // The file left is good: read back without a warning.
        assert_eq!(run(&d), (FIXED.to_string(), String::new()));
    }
}

/// When the rebuilt index cannot be written (here its name is taken by a directory), the table
/// is used from memory: the right answer, and nothing left behind.
#[test]
fn unwritable_cache_is_used_from_memory() {
    let d = scratch("unwritable");
    let idx = compiled(&d);
    std::fs::remove_file(&idx).unwrap();
    std::fs::create_dir_all(idx.join("in-the-way")).unwrap();
    for _ in 0..2 {
        assert_eq!(run(&d), (FIXED.to_string(), String::new()));
        assert_eq!(cache_files(&d), vec![idx.clone()], "no temporary file left");
        assert!(idx.is_dir());
    }
}
