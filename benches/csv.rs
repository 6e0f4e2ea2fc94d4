//! CSV benchmark: `cargo bench --bench csv` (add `-- --quick` for 100,000 rows).
//!
//! Generates a CSV of 1,000,000 rows whose columns `a` (countries) and `b` (people and cities)
//! hold correct names, variants, misspellings and unknown values, then times
//! `normalize csv --column a --column b` on it (median rows/s, peak memory from VmHWM), against
//! a baseline in the same run: a Python 3 script mapping the two columns through a dictionary
//! of the exact aliases of the default tables (alias -> canonical name).

mod common;

use std::collections::HashMap;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use common::{median, wait_sampling_peak, Rng};
use normalize::{Normalizer, Options};

/// Runs a command to completion, sampling its peak memory (VmHWM, kB).
fn timed(cmd: &mut Command) -> (Duration, u64) {
    cmd.stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped());
    let t = Instant::now();
    let mut child = cmd.spawn().expect("spawn");
    let peak = wait_sampling_peak(&mut child);
    let elapsed = t.elapsed();
    let out = child.wait_with_output().unwrap();
    assert!(
        out.status.success(),
        "{cmd:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    (elapsed, peak)
}

/// A misspelling: one letter doubled inside the name.
fn misspell(name: &str, rng: &mut Rng) -> String {
    let chars: Vec<char> = name.chars().collect();
    if chars.len() < 6 {
        return format!("{name}x");
    }
    let at = 2 + rng.below(chars.len() - 3);
    let mut s: String = chars[..at].iter().collect();
    s.push(chars[at]);
    s.extend(&chars[at..]);
    s
}

fn quote(s: &str) -> String {
    if s.contains([',', '"', '\n']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_string()
    }
}

const PY: &str = r#"import csv, sys
aliases = {}
with open(sys.argv[1], encoding="utf-8") as f:
    for line in f:
        alias, canonical = line.rstrip("\n").split("\t")
        aliases.setdefault(alias, canonical)
with open(sys.argv[2], newline="", encoding="utf-8") as f, open(sys.argv[3], "w", newline="", encoding="utf-8") as out:
    r = csv.reader(f)
    w = csv.writer(out, lineterminator="\n")
    header = next(r)
    w.writerow(header)
    ia, ib = header.index("a"), header.index("b")
    get = aliases.get
    for row in r:
        row[ia] = get(row[ia], row[ia])
        row[ib] = get(row[ib], row[ib])
        w.writerow(row)
"#;

fn main() {
    let quick = std::env::args().any(|a| a == "--quick");
    let rows = if quick { 100_000 } else { 1_000_000 };
    let runs = if quick { 3 } else { 5 };
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    println!("normalize csv benchmark ({cores} cores available)");
    let dir = std::env::temp_dir().join(format!("normalize-csv-bench-{}", std::process::id()));
    std::fs::create_dir_all(dir.join("cache")).unwrap();

    // Alias -> canonical name, for the baseline and for the generator.
    let nz = Normalizer::load(true, &[] as &[&Path], Options::default()).unwrap();
    let ix = normalize::load::default_index();
    let mut canon: HashMap<u32, String> = HashMap::new();
    let mut by_type: HashMap<&'static str, Vec<String>> = HashMap::new();
    let mut canon_by_type: HashMap<&'static str, Vec<String>> = HashMap::new();
    let mut dict = String::new();
    let mut pairs = 0;
    for a in 0..ix.alias_count() as u32 {
        let al = ix.alias(a);
        let r = ix.row(al.row);
        let e = ix.entity(r.entity);
        let kind = normalize::table::TYPES[e.kind as usize];
        let c = canon.entry(r.entity).or_insert_with(|| {
            let c = nz.canonical(e.id, "en");
            if c.is_ascii() && !c.contains(['\t', '\n']) {
                canon_by_type.entry(kind).or_default().push(c.clone());
            }
            c
        });
        if al.text.contains(['\t', '\n']) {
            continue;
        }
        dict.push_str(al.text);
        dict.push('\t');
        dict.push_str(c);
        dict.push('\n');
        pairs += 1;
        if al.text.is_ascii() {
            by_type.entry(kind).or_default().push(al.text.to_string());
        }
    }
    std::fs::write(dir.join("aliases.tsv"), &dict).unwrap();
    println!("baseline dictionary: {pairs} exact aliases of the default tables");

    // The CSV: a = countries, b = people and cities; 80 % of the cells drawn from 1,500
    // values (1,000 canonical names, 500 other aliases), the rest from 300 misspellings and
    // 200 unknown values.
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    let pool = |kinds: &[&str], rng: &mut Rng| -> Vec<String> {
        let mut names: Vec<String> = Vec::new();
        let mut canonical: Vec<String> = Vec::new();
        for k in kinds {
            names.extend(by_type.get(k).cloned().unwrap_or_default());
            canonical.extend(canon_by_type.get(k).cloned().unwrap_or_default());
        }
        let mut v: Vec<String> = (0..1000)
            .map(|_| canonical[rng.below(canonical.len())].clone())
            .collect();
        v.extend((0..500).map(|_| names[rng.below(names.len())].clone()));
        for _ in 0..300 {
            let n = canonical[rng.below(canonical.len())].clone();
            v.push(misspell(&n, rng));
        }
        for i in 0..200 {
            v.push(format!("Unknown Place {i}"));
        }
        v
    };
    let pa = pool(&["country"], &mut rng);
    let pb = pool(&["person", "city"], &mut rng);
    let mut csv = String::with_capacity(rows * 60);
    csv.push_str("id,a,b,amount,note\n");
    for i in 0..rows {
        let a = if rng.below(10) < 8 {
            &pa[rng.below(1500)]
        } else {
            &pa[1500 + rng.below(500)]
        };
        let b = if rng.below(10) < 8 {
            &pb[rng.below(1500)]
        } else {
            &pb[1500 + rng.below(500)]
        };
        csv.push_str(&format!(
            "{i},{},{},{}.{:02},{}\n",
            quote(a),
            quote(b),
            rng.below(100_000),
            rng.below(100),
            if i % 7 == 0 { "\"a note, quoted\"" } else { "" }
        ));
    }
    let input = dir.join("in.csv");
    std::fs::write(&input, &csv).unwrap();
    println!("input: {rows} rows, {:.1} MB", csv.len() as f64 / 1e6);
    drop(csv);

    let bin = env!("CARGO_BIN_EXE_normalize");
    let run_normalize = |threads: Option<usize>| {
        let mut times = Vec::new();
        let mut peak = 0;
        for _ in 0..runs {
            let mut cmd = Command::new(bin);
            cmd.args(["csv", "--column", "a", "--column", "b", "-o"])
                .arg(dir.join("out.csv"))
                .arg(&input)
                .env("NORMALIZE_CACHE_DIR", dir.join("cache"));
            if let Some(t) = threads {
                cmd.arg("--threads").arg(t.to_string());
            }
            let (t, p) = timed(&mut cmd);
            times.push(rows as f64 / t.as_secs_f64());
            peak = peak.max(p);
        }
        (median(times), peak)
    };
    let (rate, peak) = run_normalize(None);
    println!(
        "normalize csv --column a --column b ({cores} threads): {:.0} rows/s (median of {runs}), peak memory {:.1} MB",
        rate,
        peak as f64 / 1024.0
    );
    let (rate1, peak1) = run_normalize(Some(1));
    println!(
        "normalize csv --column a --column b --threads 1: {:.0} rows/s, peak memory {:.1} MB",
        rate1,
        peak1 as f64 / 1024.0
    );
    let summary = Command::new(bin)
        .args(["csv", "--column", "a", "--column", "b", "-o"])
        .arg(dir.join("out.csv"))
        .arg(&input)
        .env("NORMALIZE_CACHE_DIR", dir.join("cache"))
        .output()
        .unwrap();
    print!("{}", String::from_utf8_lossy(&summary.stderr));

    let python = Command::new("python3").arg("--version").output();
    if python.as_ref().is_ok_and(|o| o.status.success()) {
        let script = dir.join("baseline.py");
        std::fs::write(&script, PY).unwrap();
        let mut times = Vec::new();
        let mut peak = 0;
        for _ in 0..runs.min(3) {
            let (t, p) = timed(
                Command::new("python3")
                    .arg(&script)
                    .arg(dir.join("aliases.tsv"))
                    .arg(&input)
                    .arg(dir.join("py.csv")),
            );
            times.push(rows as f64 / t.as_secs_f64());
            peak = peak.max(p);
        }
        let py = median(times);
        println!(
            "baseline (Python 3 csv module + dict of exact aliases): {:.0} rows/s (median of {}), peak memory {:.1} MB",
            py,
            runs.min(3),
            peak as f64 / 1024.0
        );
        println!("ratio normalize / baseline: {:.2}x", rate / py);
    } else {
        println!("baseline skipped: python3 not found");
    }
    println!(
        "target: 1,000,000 rows/s on two cores: {}",
        if rate >= 1e6 { "met" } else { "NOT met" }
    );
    let _ = std::fs::remove_dir_all(&dir);
}
