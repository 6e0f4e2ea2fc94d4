//! Speed and memory benchmark: `cargo bench --bench throughput` (add `-- --quick` for a short run).
//!
//! 1. Generates a news-like corpus (ASCII and non-ASCII prose, about 1 % name variants).
//! 2. Text filter throughput, in process, single thread: `normalize` on the default tables
//!    against a baseline in the same run, a plain exact replacer built on `aho-corasick`
//!    (leftmost-longest, word-bounded) over the same aliases. Medians of several runs.
//! 3. The real binary: median throughput and peak memory (VmHWM) on the corpus with one
//!    thread and with all cores (`--threads`), and start-up to first output (`echo x |
//!    normalize`).
//! 4. A user table of 1,000,000 aliases: first compile, then cached opens (time, peak memory).

mod common;

use std::io::{Read, Write};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use aho_corasick::{AhoCorasick, MatchKind};
use common::{median, wait_sampling_peak, Rng};

fn read_names(path: &str, col: usize, limit: usize) -> Vec<String> {
    let text = std::fs::read_to_string(path).unwrap();
    text.lines()
        .skip(1)
        .filter_map(|l| l.split('\t').nth(col).map(str::to_string))
        .filter(|s| !s.is_empty())
        .take(limit)
        .collect()
}

/// A misspelling: one letter doubled inside the name.
fn misspell(name: &str, rng: &mut Rng) -> String {
    let chars: Vec<char> = name.chars().collect();
    if chars.len() < 6 {
        return name.to_string();
    }
    let at = 2 + rng.below(chars.len() - 3);
    let mut s: String = chars[..at].iter().collect();
    s.push(chars[at]);
    s.extend(&chars[at..]);
    s
}

fn corpus(bytes: usize) -> Vec<u8> {
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    let words: Vec<String> = std::fs::read_to_string("data/english-words.txt")
        .unwrap()
        .lines()
        .filter(|w| w.len() <= 9)
        .step_by(7)
        .map(str::to_string)
        .collect();
    let non_ascii = [
        "Zürich",
        "São Paulo",
        "Kraków",
        "Malmö",
        "Erdoğan",
        "Bogotá",
        "Москва",
        "Αθήνα",
        "naïve",
        "café",
        "façade",
        "Łódź",
        "Dvořák",
        "Reykjavík",
        "déjà",
        "über",
    ];
    let mut names: Vec<String> = read_names("data/countries.tsv", 2, 400)
        .into_iter()
        .filter(|n| n.is_ascii())
        .collect();
    names.extend(
        read_names("data/people.tsv", 2, 800)
            .into_iter()
            .filter(|n| n.is_ascii()),
    );
    names.extend(
        read_names("data/cities.tsv", 2, 3000)
            .into_iter()
            .filter(|n| n.is_ascii()),
    );
    let variants = [
        "Kazakhastan",
        "Qasim Jomart Tokayev",
        "Toqaev",
        "Gadhafi",
        "Uzbekstan",
        "Kasym-Zhomart Tokaev",
        "Afganistan",
        "Tajikstan",
    ];
    let mut out = Vec::with_capacity(bytes + 1024);
    let mut sentence_words = 0;
    while out.len() < bytes {
        let r = rng.below(1000);
        let w: String = if r < 10 {
            if rng.below(2) == 0 {
                variants[rng.below(variants.len())].to_string()
            } else {
                misspell(&names[rng.below(names.len())], &mut rng)
            }
        } else if r < 80 {
            names[rng.below(names.len())].clone()
        } else if r < 130 {
            non_ascii[rng.below(non_ascii.len())].to_string()
        } else {
            words[rng.below(words.len())].clone()
        };
        if sentence_words == 0 {
            let mut c = w.chars();
            if let Some(f) = c.next() {
                out.extend(f.to_uppercase().to_string().as_bytes());
                out.extend(c.as_str().as_bytes());
            }
        } else {
            out.extend(w.as_bytes());
        }
        sentence_words += 1;
        if sentence_words > 8 + rng.below(12) {
            out.extend(b". ");
            sentence_words = 0;
            if rng.below(6) == 0 {
                out.extend(b"\n\n");
            }
        } else if rng.below(12) == 0 {
            out.extend(b", ");
        } else {
            out.push(b' ');
        }
    }
    out.push(b'\n');
    out
}

/// The baseline: exact aliases, leftmost-longest, word-bounded.
struct Baseline {
    ac: AhoCorasick,
    replacements: Vec<String>,
}

impl Baseline {
    fn new(pairs: Vec<(String, String)>) -> Baseline {
        let ac = AhoCorasick::builder()
            .match_kind(MatchKind::LeftmostLongest)
            .build(pairs.iter().map(|p| p.0.as_str()))
            .unwrap();
        Baseline {
            ac,
            replacements: pairs.into_iter().map(|p| p.1).collect(),
        }
    }

    fn run(&self, text: &[u8], out: &mut Vec<u8>) {
        let is_word = |b: u8| b.is_ascii_alphanumeric() || b >= 0x80;
        let mut at = 0;
        for m in self.ac.find_iter(text) {
            let before_ok = m.start() == 0 || !is_word(text[m.start() - 1]);
            let after_ok = m.end() == text.len() || !is_word(text[m.end()]);
            if before_ok && after_ok {
                out.extend_from_slice(&text[at..m.start()]);
                out.extend_from_slice(self.replacements[m.pattern().as_usize()].as_bytes());
                at = m.end();
            }
        }
        out.extend_from_slice(&text[at..]);
    }
}

/// Runs the binary with `input` on stdin; returns wall time and peak resident memory (KiB).
fn run_binary(args: &[&str], input: &[u8], env: &[(&str, &std::path::Path)]) -> (Duration, u64) {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_normalize"));
    cmd.args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null());
    for (k, v) in env {
        cmd.env(k, v);
    }
    let t = Instant::now();
    let mut child = cmd.spawn().unwrap();
    let mut stdin = child.stdin.take().unwrap();
    let input = input.to_vec();
    let writer = std::thread::spawn(move || {
        let _ = stdin.write_all(&input);
    });
    let mut stdout = child.stdout.take().unwrap();
    let reader = std::thread::spawn(move || {
        let mut sink = [0u8; 1 << 16];
        let mut first: Option<Instant> = None;
        while let Ok(n) = stdout.read(&mut sink) {
            if n == 0 {
                break;
            }
            first.get_or_insert_with(Instant::now);
        }
        first
    });
    let peak = wait_sampling_peak(&mut child);
    let elapsed = t.elapsed();
    writer.join().unwrap();
    let _ = reader.join().unwrap();
    (elapsed, peak)
}

fn main() {
    let quick = std::env::args().any(|a| a == "--quick");
    let size = if quick { 8 << 20 } else { 64 << 20 };
    let runs = if quick { 3 } else { 5 };
    println!(
        "normalize benchmark ({} cores available)",
        std::thread::available_parallelism().map_or(1, |n| n.get())
    );
    let text = corpus(size);
    if let Some(i) = std::env::args().position(|a| a == "--dump") {
        let path = std::env::args().nth(i + 1).expect("--dump PATH");
        std::fs::write(&path, &text).unwrap();
        println!("wrote {path}");
        return;
    }
    println!(
        "corpus: {:.1} MB of generated news-like prose",
        text.len() as f64 / 1e6
    );

    // In process, one thread: normalize vs the aho-corasick baseline over the same aliases.
    // As the text filter runs: safe fixes only, so no work spent on mere suggestions.
    let opts = normalize::Options {
        suggestions: false,
        ..normalize::Options::default()
    };
    let nz = normalize::Normalizer::load(true, &[] as &[&str], opts).unwrap();
    let ix = &nz.indexes()[0];
    let mut pairs = Vec::new();
    for a in 0..ix.alias_count() as u32 {
        let al = ix.alias(a);
        let row = ix.row(al.row);
        let target = if row.name.is_empty() {
            nz.canonical(ix.entity(row.entity).id, "en")
        } else {
            row.name.to_string()
        };
        pairs.push((al.text.to_string(), target));
    }
    let t = Instant::now();
    let baseline = Baseline::new(pairs.clone());
    let build = t.elapsed();
    println!(
        "baseline: aho-corasick leftmost-longest over {} aliases, built in {:.2} s",
        pairs.len(),
        build.as_secs_f64()
    );
    let mut ours = Vec::new();
    let mut base = Vec::new();
    let mut replaced = 0;
    for _ in 0..runs {
        let mut out = Vec::with_capacity(text.len() + 4096);
        let t = Instant::now();
        let stats = normalize::stream::normalize_stream(
            &nz,
            &mut &text[..],
            &mut out,
            normalize::stream::Apply::Safe,
        )
        .unwrap();
        ours.push(text.len() as f64 / 1e6 / t.elapsed().as_secs_f64());
        replaced = stats.replacements;
        let mut out = Vec::with_capacity(text.len() + 4096);
        let t = Instant::now();
        baseline.run(&text, &mut out);
        base.push(text.len() as f64 / 1e6 / t.elapsed().as_secs_f64());
    }
    let (o, b) = (median(ours), median(base));
    println!("text filter, in process, 1 thread: normalize {o:.1} MB/s ({replaced} rewrites); baseline {b:.1} MB/s; ratio {:.2}x", o / b);

    // The real binary: one thread (comparable with the in-process figure), then all cores.
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    let mut one = 0.0;
    for threads in [1, cores] {
        let mut tp = Vec::new();
        let mut peak = 0;
        let arg = threads.to_string();
        for _ in 0..runs {
            let (d, p) = run_binary(&["--threads", &arg], &text, &[]);
            tp.push(text.len() as f64 / 1e6 / d.as_secs_f64());
            peak = peak.max(p);
        }
        let m = median(tp);
        if threads == 1 {
            one = m;
        }
        println!(
            "binary `normalize --threads {threads} < corpus`: median {m:.1} MB/s ({:.2}x one thread), peak memory {:.1} MB",
            m / one,
            peak as f64 / 1024.0
        );
        if cores == 1 {
            break;
        }
    }
    let mut starts = Vec::new();
    for _ in 0..if quick { 10 } else { 30 } {
        let (d, _) = run_binary(&[], b"x\n", &[]);
        starts.push(d.as_secs_f64() * 1000.0);
    }
    println!(
        "start-up to output, `echo x | normalize`: median {:.1} ms",
        median(starts)
    );

    // A user table of 1,000,000 aliases.
    let n = if quick { 200_000 } else { 1_000_000 };
    let dir = std::env::temp_dir().join(format!("normalize-bench-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let table = dir.join("big.tsv");
    let mut rng = Rng(42);
    let mut t = String::from("alias\tcanonical\n");
    for i in 0..n {
        let a: String = (0..8 + rng.below(8))
            .map(|_| (b'a' + rng.below(26) as u8) as char)
            .collect();
        t.push_str(&format!("Zq{a}{i}\tCanonical Name {}\n", i / 3));
    }
    std::fs::write(&table, t).unwrap();
    let cache = dir.join("cache");
    let tpath = table.to_str().unwrap();
    let (first, first_peak) = run_binary(
        &["--table", tpath, "tables"],
        b"",
        &[("NORMALIZE_CACHE_DIR", &cache)],
    );
    let mut opens = Vec::new();
    let mut open_peak = 0;
    for _ in 0..5 {
        let (d, p) = run_binary(
            &["--table", tpath],
            b"Zqabc text\n",
            &[("NORMALIZE_CACHE_DIR", &cache)],
        );
        opens.push(d.as_secs_f64() * 1000.0);
        open_peak = open_peak.max(p);
    }
    println!(
        "user table of {n} aliases: first compile {:.2} s (peak {:.0} MB); cached runs median {:.1} ms (peak {:.1} MB)",
        first.as_secs_f64(),
        first_peak as f64 / 1024.0,
        median(opens),
        open_peak as f64 / 1024.0
    );
    let _ = std::fs::remove_dir_all(&dir);
}
