//! Open-world evaluation (issue 8, "Deliver" item 7), through the real binary, on text and data
//! that hold many correct names and words the tables do not know:
//!
//! - **prose**: published text from Debian packages (fetched by
//!   `python3 scripts/openworld/fetch_prose.py` into `target/openworld/prose/<lang>/*.txt`; not
//!   committed). Every change the default filter makes, and `--lang en` on the English part,
//!   is looked up in the judged file `tests/openworld/prose-judged.tsv`: the test fails on a
//!   change judged wrong and on a change not judged yet (printed ready to paste). What `check`
//!   reports at default severity is judged in the same file and reported per MB (no gate).
//!   Without the corpus this part prints SKIP, or fails when `NORMALIZE_REQUIRE_OPENWORLD=1`.
//! - **csv**: `tests/openworld/places.csv`, a column of GeoNames places drawn by population with
//!   planted misspellings; wrong rewrites and wrong ids per 10,000 cells, gate at 1. With
//!   `NORMALIZE_OPENWORLD_CSV=FILE` the same judge runs on another sample of that shape (made
//!   by `scripts/openworld/gen_sets.py --seed N --places-out FILE`) and prints its figures
//!   without the gate: a rule is checked on places the committed set does not hold.
//! - **lookup**: `tests/openworld/lookup-unknown.tsv`, real names the tables hold no entity for,
//!   and its people as registers write them (initials, surname first, `Surname, Given`);
//!   share answered with another entity, gate at 0.5 %.
//!
//! The figures go to standard error directly, so that `cargo test` shows them when the tests
//! pass too.

mod common;

use std::collections::{BTreeMap, HashMap, HashSet};
use std::io::Write;
use std::path::{Path, PathBuf};

use similar::{Algorithm, DiffOp, DiffTag};

/// Gate of the CSV part: wrong rewrites and wrong ids per 10,000 cells. The target of issue 8
/// is 1; measured on 2026-12-04: 0 (from 15 the day before and 301 before the open-world
/// rules; on three fresh samples of the same shape, 0, 0 and 0, from 38, 26 and 32), so the
/// gate allows no wrong cell (one is 1.0).
const CSV_WRONG_PER_10K: f64 = 0.5;
/// Gates of the prose part: wrong rewrites by the default filter and by `--lang en` on the
/// English part. The target is 0 (issue 8); until it is met the gates are the counts last
/// measured (2026-12-04: 1 and 0; 2026-12-03: 9 and 3; 300 and 16,410 before the open-world
/// rules). The one left is `Plakistan` (a pun on `.pl`, read as a misspelling).
const PROSE_WRONG_MAX: [(&str, usize); 2] = [("filter", 1), ("lang-en", 0)];
/// Gate of the lookup part: share of unknown names answered with an entity.
const LOOKUP_WRONG_SHARE: f64 = 0.005;
/// How many items of each list of errors are printed.
const SHOW: usize = 40;

/// Writes to the real standard error (not captured by the test harness).
macro_rules! say {
    ($($arg:tt)*) => {{
        let _ = writeln!(std::io::stderr(), $($arg)*);
    }};
}

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Runs `normalize args` with `input` on standard input (shared table cache), asserting that
/// it succeeded; returns its standard output.
fn run(args: &[&str], input: &[u8]) -> Vec<u8> {
    run_ok(args, input, &[0])
}

/// As [`run`], with the exit codes that count as success (`check` exits 1 on findings).
fn run_ok(args: &[&str], input: &[u8], ok: &[i32]) -> Vec<u8> {
    let (out, wrote) = common::pipe(
        common::normalize(std::env::temp_dir().join("normalize-test-cache"))
            .current_dir(root())
            .args(args),
        input,
    );
    wrote.unwrap();
    assert!(
        out.status.code().is_some_and(|c| ok.contains(&c)),
        "normalize {args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    out.stdout
}

/// The rows of a default table file: (id, name, aliases).
fn table_rows(file: &str) -> Vec<(String, String, Vec<String>)> {
    let text = std::fs::read_to_string(root().join("data").join(file)).unwrap();
    text.lines()
        .skip(1)
        .filter(|l| !l.starts_with('#') && !l.is_empty())
        .map(|l| {
            let c: Vec<&str> = l.split('\t').collect();
            let aliases = c
                .get(3)
                .map(|a| {
                    a.split('|')
                        .filter(|x| !x.is_empty())
                        .map(String::from)
                        .collect()
                })
                .unwrap_or_default();
            (
                c[0].to_string(),
                c.get(2).unwrap_or(&"").to_string(),
                aliases,
            )
        })
        .collect()
}

const TABLES: [&str; 6] = [
    "countries.tsv",
    "demonyms.tsv",
    "people.tsv",
    "orgs.tsv",
    "cities.tsv",
    "cities-former.tsv",
];

// ------------------------------------------------------------------------------------------
// Prose

/// One change between a text and the filter's output: the smallest run of words that differs.
struct Change {
    before: String,
    after: String,
    context: String,
}

/// True for the characters of words (letters, digits, combining marks and other non-ASCII
/// symbols that are not punctuation or spaces).
fn word_char(c: char) -> bool {
    c.is_alphanumeric()
        || (!c.is_ascii()
            && !c.is_whitespace()
            && !('\u{2000}'..='\u{206F}').contains(&c)
            && !"«»¡¿·‹›„“”‘’‚".contains(c))
}

/// Words, single punctuation characters and runs of spaces, in order; concatenated they give `s`.
fn tokens(s: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut start = 0;
    let mut kind = 0u8; // 1 word, 2 space
    for (i, c) in s.char_indices() {
        let k = if word_char(c) {
            1
        } else if c.is_whitespace() {
            2
        } else {
            3
        };
        if i > start && (k != kind || k == 3) {
            out.push(&s[start..i]);
            start = i;
        }
        kind = k;
    }
    if start < s.len() {
        out.push(&s[start..]);
    }
    out
}

fn is_word(t: &str) -> bool {
    t.chars().any(word_char)
}

/// The changes that turn `old` into `new`: a line diff, then a diff of the tokens of each
/// changed block. Changes separated only by spaces or punctuation are one change (a name of
/// several words); an insertion or deletion takes the neighbouring tokens on both sides, so
/// that neither side is empty.
fn changes(old: &str, new: &str) -> Vec<Change> {
    let diff = similar::TextDiff::configure()
        .algorithm(Algorithm::Myers)
        .diff_lines(old, new);
    let (ol, nl) = (diff.old_slices(), diff.new_slices());
    let mut out = Vec::new();
    for group in diff.grouped_ops(0) {
        // The old and new lines that the group's changes cover.
        let mut span: Option<(std::ops::Range<usize>, std::ops::Range<usize>)> = None;
        for op in &group {
            if op.tag() == DiffTag::Equal {
                continue;
            }
            let (a, b) = (op.old_range(), op.new_range());
            span = Some(match span {
                None => (a, b),
                Some((o, n)) => (
                    o.start.min(a.start)..o.end.max(a.end),
                    n.start.min(b.start)..n.end.max(b.end),
                ),
            });
        }
        let Some((o, n)) = span else { continue };
        let old_block: String = ol[o].concat();
        let new_block: String = nl[n].concat();
        let (ot, nt) = (tokens(&old_block), tokens(&new_block));
        let ops = similar::capture_diff_slices(Algorithm::Myers, &ot, &nt);
        // Runs of non-equal ops, merged across gaps without a word.
        let mut runs: Vec<(std::ops::Range<usize>, std::ops::Range<usize>)> = Vec::new();
        let mut gap_has_word = true;
        for op in &ops {
            match op {
                DiffOp::Equal { old_index, len, .. } => {
                    gap_has_word =
                        ot[*old_index..old_index + len].iter().any(|t| is_word(t)) || *len > 3;
                }
                _ => {
                    let (a, b) = (op.old_range(), op.new_range());
                    match runs.last_mut() {
                        Some(last) if !gap_has_word => {
                            last.0.end = a.end.max(last.0.end);
                            last.1.end = b.end.max(last.1.end);
                        }
                        _ => runs.push((a, b)),
                    }
                    gap_has_word = false;
                }
            }
        }
        let context = one_line(&old_block);
        for (mut a, mut b) in runs {
            let text =
                |t: &[&str], r: &std::ops::Range<usize>| t[r.clone()].concat().trim().to_string();
            if text(&ot, &a).is_empty() || text(&nt, &b).is_empty() {
                // Widen by the neighbouring word on each side (equal on both sides).
                if a.start > 0 && b.start > 0 {
                    a.start -= 1;
                    b.start -= 1;
                }
                if a.end < ot.len() && b.end < nt.len() {
                    a.end += 1;
                    b.end += 1;
                }
            }
            out.push(Change {
                before: text(&ot, &a),
                after: text(&nt, &b),
                context: context.clone(),
            });
        }
    }
    out
}

/// At most 200 characters of `s` on one line (for printing a change's context).
fn one_line(s: &str) -> String {
    s.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .chars()
        .take(200)
        .collect()
}

fn esc(s: &str) -> String {
    s.replace('\\', "\\\\")
        .replace('\t', "\\t")
        .replace('\n', "\\n")
}

/// The judged file: (lang, before, after) -> (verdict is right, note).
fn judged() -> HashMap<(String, String, String), (bool, String)> {
    let path = root().join("tests/openworld/prose-judged.tsv");
    let text = std::fs::read_to_string(&path).unwrap_or_default();
    let mut map = HashMap::new();
    for (i, line) in text.lines().enumerate() {
        if line.starts_with('#') || line.is_empty() || line.starts_with("lang\t") {
            continue;
        }
        let c: Vec<&str> = line.split('\t').collect();
        assert!(
            c.len() >= 5,
            "{}:{}: want lang, mode, before, after, verdict, note",
            path.display(),
            i + 1
        );
        let right = match c[4] {
            "right" => true,
            "wrong" => false,
            v => panic!(
                "{}:{}: verdict {v:?} is not right or wrong",
                path.display(),
                i + 1
            ),
        };
        map.insert(
            (c[0].to_string(), c[2].to_string(), c[3].to_string()),
            (right, c.get(5).unwrap_or(&"").to_string()),
        );
    }
    map
}

/// A distinct change: (lang, before, after), escaped.
type Key = (String, String, String);
/// How often a distinct change was seen, its verdict (None: not judged) and one context.
type Seen = (usize, Option<bool>, String);

#[derive(Default)]
struct ModeTally {
    total: usize,
    right: usize,
    wrong: usize,
    unjudged: usize,
    /// (lang, before, after) -> (count, verdict: Some(right) or None, context)
    distinct: BTreeMap<Key, Seen>,
}

impl ModeTally {
    fn add(&mut self, lang: &str, before: &str, after: &str, context: &str, verdict: Option<bool>) {
        self.total += 1;
        match verdict {
            Some(true) => self.right += 1,
            Some(false) => self.wrong += 1,
            None => self.unjudged += 1,
        }
        let e = self
            .distinct
            .entry((lang.to_string(), before.to_string(), after.to_string()))
            .or_insert((0, verdict, context.to_string()));
        e.0 += 1;
    }

    fn rows(&self, verdict: Option<bool>) -> Vec<(&Key, &Seen)> {
        let mut v: Vec<_> = self
            .distinct
            .iter()
            .filter(|(_, e)| e.1 == verdict)
            .collect();
        v.sort_by(|a, b| b.1 .0.cmp(&a.1 .0).then(a.0.cmp(b.0)));
        v
    }
}

/// The corpus directory, or None (after the SKIP message) when it is absent.
fn prose_dir() -> Option<PathBuf> {
    let dir = std::env::var_os("NORMALIZE_OPENWORLD_PROSE")
        .map(PathBuf::from)
        .unwrap_or_else(|| root().join("target/openworld/prose"));
    if dir.join("MANIFEST.tsv").is_file() {
        return Some(dir);
    }
    let msg = format!(
        "open-world prose corpus not found in {}: fetch it with\n    \
         apt-get update && python3 scripts/openworld/fetch_prose.py",
        dir.display()
    );
    if std::env::var("NORMALIZE_REQUIRE_OPENWORLD").as_deref() == Ok("1") {
        panic!("NORMALIZE_REQUIRE_OPENWORLD=1 and {msg}");
    }
    say!(
        "\n{}\n!! SKIP open-world prose evaluation: {msg}\n{}\n",
        "!".repeat(90),
        "!".repeat(90)
    );
    None
}

/// The text of one language: its files in name order, one after the other.
fn language_text(dir: &Path) -> String {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "txt"))
        .collect();
    files.sort();
    let mut text = String::new();
    for f in files {
        text.push_str(&std::fs::read_to_string(&f).unwrap());
        text.push('\n');
    }
    text
}

#[test]
fn prose_changes_are_judged_right() {
    let Some(dir) = prose_dir() else { return };
    let judged = judged();
    let verdict =
        |lang: &str, b: &str, a: &str| judged.get(&(lang.to_string(), esc(b), esc(a))).map(|v| v.0);
    let mut langs: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap())
        .filter(|e| e.path().is_dir())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    langs.sort();
    let mut modes: BTreeMap<&str, ModeTally> = BTreeMap::new();
    let mut mb: BTreeMap<String, f64> = BTreeMap::new();
    let start = std::time::Instant::now();
    for lang in &langs {
        let text = language_text(&dir.join(lang));
        mb.insert(lang.clone(), text.len() as f64 / 1e6);
        let mut runs = vec![("filter", Vec::<&str>::new())];
        if lang == "en" {
            runs.push(("lang-en", vec!["--lang", "en"]));
        }
        for (mode, args) in runs {
            let out =
                String::from_utf8(run(&args, text.as_bytes())).expect("filter output is UTF-8");
            let t = modes.entry(mode).or_default();
            for c in changes(&text, &out) {
                let v = verdict(lang, &c.before, &c.after);
                t.add(lang, &esc(&c.before), &esc(&c.after), &c.context, v);
            }
        }
        // What check reports at default severity.
        let out = run_ok(&["check", "--format", "json"], text.as_bytes(), &[0, 1]);
        let t = modes.entry("check").or_default();
        for line in String::from_utf8(out).unwrap().lines() {
            let f: serde_json::Value = serde_json::from_str(line).expect("check JSON line");
            let found = f["found"].as_str().unwrap_or("");
            let after = match f["canonical"].as_str() {
                Some(c) if !c.is_empty() => c.to_string(),
                _ => "(ambiguous)".to_string(),
            };
            let (s, e) = (
                f["byte_start"].as_u64().unwrap_or(0) as usize,
                f["byte_end"].as_u64().unwrap_or(0) as usize,
            );
            let ls = text[..s.min(text.len())].rfind('\n').map_or(0, |i| i + 1);
            let le = text[e.min(text.len())..]
                .find('\n')
                .map_or(text.len(), |i| e + i);
            let context = one_line(&text[ls..le]);
            let v = verdict(lang, found, &after);
            t.add(lang, &esc(found), &esc(&after), &context, v);
        }
    }
    let total_mb: f64 = mb.values().sum();
    let en_mb = mb.get("en").copied().unwrap_or(0.0);
    say!(
        "\n== open-world prose: {total_mb:.1} MB in {} languages ({:.1} s)",
        langs.len(),
        start.elapsed().as_secs_f64()
    );
    say!(
        "   {}",
        mb.iter()
            .map(|(l, m)| format!("{l} {m:.1} MB"))
            .collect::<Vec<_>>()
            .join(", ")
    );
    say!(
        "{:<28} {:>8} {:>9} {:>8} {:>8} {:>9} {:>8}",
        "mode",
        "changes",
        "distinct",
        "right",
        "wrong",
        "unjudged",
        "per MB"
    );
    for (mode, t) in &modes {
        let size = if *mode == "lang-en" { en_mb } else { total_mb };
        let label = match *mode {
            "filter" => "filter (default)",
            "lang-en" => "filter --lang en (English)",
            _ => "check (default severity)",
        };
        say!(
            "{:<28} {:>8} {:>9} {:>8} {:>8} {:>9} {:>8.1}",
            label,
            t.total,
            t.distinct.len(),
            t.right,
            t.wrong,
            t.unjudged,
            t.total as f64 / size.max(1e-9)
        );
    }
    let check = modes.get("check");
    let check_false = check.map_or(0, |t| t.wrong);
    say!(
        "check false findings: {check_false} ({:.1} per MB; {} findings not judged yet)",
        check_false as f64 / total_mb.max(1e-9),
        check.map_or(0, |t| t.unjudged)
    );
    let mut failures = Vec::new();
    for mode in ["filter", "lang-en"] {
        let Some(t) = modes.get(mode) else { continue };
        if t.wrong > 0 {
            say!(
                "-- wrong rewrites by {mode} ({} in {} distinct), most frequent first:",
                t.wrong,
                t.rows(Some(false)).len()
            );
            for (k, e) in t.rows(Some(false)).iter().take(SHOW) {
                say!("   {:>5}x [{}] {} -> {}", e.0, k.0, k.1, k.2);
            }
            let max = PROSE_WRONG_MAX
                .iter()
                .find(|(m, _)| *m == mode)
                .map_or(0, |(_, n)| *n);
            if t.wrong > max {
                failures.push(format!(
                    "{} wrong rewrites by {mode} (gate {max}, target 0)",
                    t.wrong
                ));
            }
        }
        if t.unjudged > 0 {
            failures.push(format!(
                "{} changes by {mode} not judged in tests/openworld/prose-judged.tsv",
                t.unjudged
            ));
        }
    }
    // The changes not judged yet, ready to paste (verdict to fill in: right or wrong), then
    // their contexts to judge them by.
    let mut todo = Vec::new();
    for (mode, t) in &modes {
        for (k, e) in t.rows(None) {
            todo.push((mode.to_string(), k.clone(), e.0, e.2.clone()));
        }
    }
    if let Some(path) = std::env::var_os("NORMALIZE_OPENWORLD_TODO") {
        // All of them, with their counts and contexts, for judging.
        let mut f = std::fs::File::create(&path).expect("create NORMALIZE_OPENWORLD_TODO file");
        for (mode, k, n, ctx) in &todo {
            writeln!(
                f,
                "{}\t{mode}\t{}\t{}\t?\t\t{n}\t{}",
                k.0,
                k.1,
                k.2,
                esc(ctx)
            )
            .unwrap();
        }
        say!(
            "-- all {} written to {}",
            todo.len(),
            Path::new(&path).display()
        );
    }
    if !todo.is_empty() {
        say!(
            "-- {} distinct changes and findings not judged yet (paste into tests/openworld/prose-judged.tsv, verdict right or wrong):",
            todo.len()
        );
        for (mode, k, _, _) in todo.iter().take(400) {
            say!("{}\t{mode}\t{}\t{}\t?\t", k.0, k.1, k.2);
        }
        say!("-- their contexts:");
        for (mode, k, n, ctx) in todo.iter().take(400) {
            say!("   [{} {mode} {n}x] {} -> {}: {}", k.0, k.1, k.2, ctx);
        }
    }
    assert!(
        failures.is_empty(),
        "open-world prose: {}",
        failures.join("; ")
    );
}

// ------------------------------------------------------------------------------------------
// CSV

#[test]
fn csv_of_real_places_gets_no_wrong_rewrites_or_ids() {
    let sample = std::env::var_os("NORMALIZE_OPENWORLD_CSV").map(PathBuf::from);
    let path = sample
        .clone()
        .unwrap_or_else(|| root().join("tests/openworld/places.csv"));
    let out = run(
        &[
            "csv",
            "-q",
            "--column",
            "place",
            "--id",
            "place_id",
            path.to_str().unwrap(),
        ],
        b"",
    );
    // Entity id -> the names of its rows (any language), lower case: a cell that is exactly
    // one of them and gets that id is a homonym, not a wrong id.
    let mut names: HashMap<String, HashSet<String>> = HashMap::new();
    for f in ["countries.tsv", "cities.tsv"] {
        for (id, name, _) in table_rows(f) {
            if !name.is_empty() {
                names.entry(id).or_default().insert(name.to_lowercase());
            }
        }
    }
    let mut rd = csv::Reader::from_reader(&out[..]);
    let h = rd.headers().unwrap().clone();
    let col = |n: &str| {
        h.iter()
            .position(|x| x == n)
            .unwrap_or_else(|| panic!("no column {n}"))
    };
    let (c_place, c_id, c_kind, c_exp, c_exp_id) = (
        col("place"),
        col("place_id"),
        col("kind"),
        col("expected_place"),
        col("expected_id"),
    );
    let orig: Vec<csv::StringRecord> = csv::Reader::from_path(&path)
        .unwrap()
        .records()
        .map(|r| r.unwrap())
        .collect();
    let mut cells = 0usize;
    let mut wrong = Vec::new();
    let mut homonyms = Vec::new();
    let (mut known, mut known_id_right, mut known_no_id) = (0, 0, 0);
    let (mut unknown, mut unknown_clean) = (0, 0);
    let (mut planted, mut planted_fixed) = (0, 0);
    for (rec, o) in rd.records().map(|r| r.unwrap()).zip(&orig) {
        cells += 1;
        let input = &o[1];
        let (got, id, kind, exp, exp_id) = (
            &rec[c_place],
            &rec[c_id],
            &rec[c_kind],
            &rec[c_exp],
            &rec[c_exp_id],
        );
        let rewritten_wrong = got != exp;
        let id_wrong = !id.is_empty() && id != exp_id;
        match kind.split('-').next().unwrap() {
            "known" => {
                known += 1;
                known_id_right += (id == exp_id) as usize;
                known_no_id += id.is_empty() as usize;
            }
            "unknown" => {
                unknown += 1;
                unknown_clean += (!rewritten_wrong && id.is_empty()) as usize;
                if !rewritten_wrong
                    && id_wrong
                    && names
                        .get(id)
                        .is_some_and(|n| n.contains(&input.to_lowercase()))
                {
                    homonyms.push(format!("{input} -> id {id}"));
                    continue;
                }
            }
            _ => {
                planted += 1;
                planted_fixed += (got == exp && id == exp_id) as usize;
                if got == input && (id.is_empty() || id == exp_id) {
                    continue; // missed: recall, not precision
                }
            }
        }
        if rewritten_wrong || id_wrong {
            wrong.push(format!(
                "[{kind}] {input:?} -> {got:?} id {id:?} (expected {exp:?} id {exp_id:?})"
            ));
        }
    }
    let per_10k = wrong.len() as f64 * 10_000.0 / cells.max(1) as f64;
    say!(
        "\n== open-world CSV: {cells} cells of {} (normalize csv --column place --id place_id)",
        path.strip_prefix(root()).unwrap_or(&path).display()
    );
    say!(
        "   wrong rewrites or ids: {} = {per_10k:.1} per 10,000 cells (gate {CSV_WRONG_PER_10K})",
        wrong.len()
    );
    say!("   known entities: {known}, right id {known_id_right}, no id {known_no_id}");
    say!("   unknown places: {unknown}, left alone without id {unknown_clean}; homonyms (exact name of a table entity, its id; not gated): {}", homonyms.len());
    say!(
        "   planted misspellings: {planted}, fixed with the right id {planted_fixed} (recall {:.3})",
        planted_fixed as f64 / planted.max(1) as f64
    );
    for w in wrong.iter().take(SHOW) {
        say!("   wrong: {w}");
    }
    if sample.is_some() {
        say!("   (another sample: not gated)");
        return;
    }
    assert!(
        per_10k <= CSV_WRONG_PER_10K,
        "open-world CSV: {per_10k:.1} wrong rewrites or ids per 10,000 cells > {CSV_WRONG_PER_10K}"
    );
}

// ------------------------------------------------------------------------------------------
// Lookup

#[test]
fn lookup_of_unknown_names_answers_no_other_entity() {
    let text = std::fs::read_to_string(root().join("tests/openworld/lookup-unknown.tsv")).unwrap();
    let mut keys = HashSet::new();
    for f in TABLES {
        for (_, name, aliases) in table_rows(f) {
            keys.insert(normalize::tokens::name_key(&name));
            for a in aliases {
                keys.insert(normalize::tokens::name_key(&a));
            }
        }
    }
    let mut rows = Vec::new();
    let mut held = 0;
    for line in text
        .lines()
        .filter(|l| !l.starts_with('#') && !l.starts_with("kind\t"))
    {
        let c: Vec<&str> = line.split('\t').collect();
        if c.len() < 3 {
            continue;
        }
        if keys.contains(&normalize::tokens::name_key(c[2])) {
            held += 1; // the tables hold this name now: not an unknown name
            continue;
        }
        rows.push((c[0].to_string(), c[2].to_string()));
    }
    // The same people as registers and lists write them (initials, surname first, `Surname,
    // Given`): the rules for those forms must not take an unknown person for a known one.
    let people: Vec<String> = rows
        .iter()
        .filter(|(k, _)| k == "person")
        .map(|(_, n)| n.clone())
        .collect();
    for name in people {
        let words: Vec<&str> = name.split_whitespace().collect();
        let Some((surname, given)) = words.split_last() else {
            continue;
        };
        if given.is_empty() {
            continue;
        }
        let initials: Vec<String> = given
            .iter()
            .filter_map(|g| g.chars().next().map(|c| format!("{c}.")))
            .collect();
        rows.push((
            "person-initials".into(),
            format!("{} {surname}", initials.join(" ")),
        ));
        rows.push((
            "person-reversed".into(),
            format!("{surname} {}", given.join(" ")),
        ));
        rows.push((
            "person-listed".into(),
            format!("{surname}, {}", given.join(" ")),
        ));
    }
    let input: String = rows.iter().map(|r| format!("{}\n", r.1)).collect();
    let out = String::from_utf8(run(&["lookup", "--format", "json"], input.as_bytes())).unwrap();
    let answers: Vec<serde_json::Value> = out
        .lines()
        .map(|l| serde_json::from_str(l).expect("lookup JSON line"))
        .collect();
    assert_eq!(answers.len(), rows.len());
    let mut by: BTreeMap<&str, (usize, usize)> = BTreeMap::new();
    let mut wrong = Vec::new();
    for ((kind, name), a) in rows.iter().zip(&answers) {
        let m = a["match"].as_str().unwrap_or("");
        let e = by.entry(kind.as_str()).or_default();
        e.0 += 1;
        if m != "none" && m != "ambiguous" {
            e.1 += 1;
            wrong.push(format!(
                "[{kind}] {name} -> {} ({} {}, {m})",
                a["canonical"].as_str().unwrap_or(""),
                a["type"].as_str().unwrap_or(""),
                a["id"].as_str().unwrap_or("")
            ));
        }
    }
    let share = wrong.len() as f64 / rows.len().max(1) as f64;
    say!(
        "\n== open-world lookup: {} names the tables do not hold ({held} now held by the tables, left out)",
        rows.len()
    );
    for (k, (n, w)) in &by {
        say!(
            "   {k:<16} {n:>5} names, answered with an entity {w:>5} ({:.2} %)",
            100.0 * *w as f64 / (*n).max(1) as f64
        );
    }
    say!(
        "   all              {:>5} names, answered with an entity {:>5} ({:.2} %, gate {:.1} %)",
        rows.len(),
        wrong.len(),
        100.0 * share,
        100.0 * LOOKUP_WRONG_SHARE
    );
    for w in wrong.iter().take(SHOW) {
        say!("   wrong: {w}");
    }
    assert!(
        share <= LOOKUP_WRONG_SHARE,
        "open-world lookup: {:.2} % of unknown names answered with another entity > {:.1} %",
        100.0 * share,
        100.0 * LOOKUP_WRONG_SHARE
    );
}
