//! Quality evaluation on the project's own evaluation sets (tests/eval/), through the real
//! binary: precision and recall of `normalize lookup` on variant -> canonical pairs, per type
//! and kind; zero rewrites of the never-rewrite strings; the clean text byte-identical.

use std::collections::BTreeMap;
use std::io::Write;
use std::process::{Command, Stdio};

fn run(args: &[&str], input: &[u8]) -> Vec<u8> {
    let mut child = Command::new(env!("CARGO_BIN_EXE_normalize"))
        .args(args)
        .env("NORMALIZE_CACHE_DIR", std::env::temp_dir().join("normalize-test-cache"))
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn normalize");
    let mut stdin = child.stdin.take().unwrap();
    let input = input.to_vec();
    let writer = std::thread::spawn(move || stdin.write_all(&input));
    let out = child.wait_with_output().unwrap();
    writer.join().unwrap().unwrap();
    assert!(out.status.success(), "normalize {args:?} failed: {}", String::from_utf8_lossy(&out.stderr));
    out.stdout
}

#[derive(Default)]
struct Tally {
    total: usize,
    correct: usize,
    wrong: usize,
}

impl Tally {
    fn precision(&self) -> f64 {
        if self.correct + self.wrong == 0 {
            1.0
        } else {
            self.correct as f64 / (self.correct + self.wrong) as f64
        }
    }
    fn recall(&self) -> f64 {
        self.correct as f64 / self.total.max(1) as f64
    }
}

#[test]
fn variants_resolve_with_high_precision_and_recall() {
    let set = std::fs::read_to_string("tests/eval/variants.tsv").unwrap();
    let mut rows: Vec<(&str, &str, &str, &str)> = Vec::new();
    for line in set.lines().skip(1) {
        let c: Vec<&str> = line.split('\t').collect();
        if c.len() == 4 {
            rows.push((c[0], c[1], c[2], c[3]));
        }
    }
    assert!(rows.len() >= 1500, "evaluation set has {} pairs", rows.len());
    let input: String = rows.iter().map(|r| format!("{}\n", r.0)).collect();
    let out = String::from_utf8(run(&["lookup"], input.as_bytes())).unwrap();
    let answers: Vec<Vec<&str>> = out.lines().skip(1).map(|l| l.split('\t').collect()).collect();
    assert_eq!(answers.len(), rows.len());
    let mut all = Tally::default();
    let mut by: BTreeMap<String, Tally> = BTreeMap::new();
    let mut errors = Vec::new();
    for (r, a) in rows.iter().zip(&answers) {
        let canonical = a[1];
        let t_type = by.entry(format!("type {}", r.2)).or_default();
        t_type.total += 1;
        let ok = canonical == r.1;
        let wrong = !canonical.is_empty() && !ok;
        t_type.correct += ok as usize;
        t_type.wrong += wrong as usize;
        let t_kind = by.entry(format!("kind {}", r.3)).or_default();
        t_kind.total += 1;
        t_kind.correct += ok as usize;
        t_kind.wrong += wrong as usize;
        all.total += 1;
        all.correct += ok as usize;
        all.wrong += wrong as usize;
        if !ok {
            errors.push(format!("{}\texpected {}\tgot {:?} ({})", r.0, r.1, canonical, a[4]));
        }
    }
    println!("{:<22} {:>6} {:>9} {:>7}", "slice", "pairs", "precision", "recall");
    for (k, t) in &by {
        println!("{:<22} {:>6} {:>9.4} {:>7.4}", k, t.total, t.precision(), t.recall());
    }
    println!("{:<22} {:>6} {:>9.4} {:>7.4}", "all", all.total, all.precision(), all.recall());
    for e in errors.iter().take(400) {
        println!("miss: {e}");
    }
    assert!(all.precision() >= 0.995, "precision {:.4} < 0.995", all.precision());
    assert!(all.recall() >= 0.95, "recall {:.4} < 0.95", all.recall());
}

#[test]
fn never_rewrite_strings_pass_unchanged() {
    let set = std::fs::read_to_string("tests/eval/never.txt").unwrap();
    let lines: Vec<&str> = set.lines().filter(|l| !l.starts_with('#') && !l.is_empty()).collect();
    assert!(lines.len() >= 1000, "never-rewrite set has {} strings", lines.len());
    // Each string is its own paragraph, so no two strings can join into one name.
    let input: String = lines.iter().map(|l| format!("{l}\n\n")).collect();
    let out = String::from_utf8(run(&[], input.as_bytes())).unwrap();
    let got: Vec<&str> = out.split("\n\n").collect();
    let mut rewrites = Vec::new();
    for (a, b) in lines.iter().zip(&got) {
        if a != b {
            rewrites.push(format!("{a:?} -> {b:?}"));
        }
    }
    println!("never-rewrite strings: {}, rewritten: {}", lines.len(), rewrites.len());
    for r in &rewrites {
        println!("rewritten: {r}");
    }
    assert!(rewrites.is_empty(), "{} never-rewrite strings were rewritten", rewrites.len());
    assert_eq!(out, input);
}

#[test]
fn clean_text_is_byte_identical() {
    let text = std::fs::read("tests/eval/clean.txt").unwrap();
    assert!(text.len() >= 50_000, "clean text is {} bytes", text.len());
    let out = run(&[], &text);
    if out != text {
        let a = String::from_utf8_lossy(&text);
        let b = String::from_utf8_lossy(&out);
        for (x, y) in a.lines().zip(b.lines()) {
            if x != y {
                println!("- {x}\n+ {y}");
            }
        }
        panic!("clean text changed");
    }
}
