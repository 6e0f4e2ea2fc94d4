//! The README's recipes for running `normalize` beyond one process, run as a user runs them:
//! GNU parallel `--pipe` over a large input, for the text filter (cut at paragraph breaks) and
//! for `lookup` (one value a line, JSON lines out). Each checks that the output of the whole input equals the
//! concatenated outputs of its shards, on several shard sizes.
//!
//! Skipped with a message when GNU parallel is not installed, unless
//! `NORMALIZE_REQUIRE_RECIPES=1` (as `.ci/run` sets, after installing it): then it fails.

mod common;

use std::path::Path;
use std::process::{Command, Stdio};

fn scratch(name: &str) -> std::path::PathBuf {
    common::scratch("recipes", "cache", name)
}

/// Whether GNU parallel is here; when it is not, a skip message, or a failure when required.
fn have_gnu_parallel() -> bool {
    let ok = Command::new("parallel")
        .arg("--version")
        .stdin(Stdio::null())
        .output()
        .map(|o| o.status.success() && String::from_utf8_lossy(&o.stdout).contains("GNU parallel"))
        .unwrap_or(false);
    if !ok {
        assert!(
            std::env::var_os("NORMALIZE_REQUIRE_RECIPES").is_none(),
            "NORMALIZE_REQUIRE_RECIPES is set but GNU parallel is not installed"
        );
        eprintln!("skipped: GNU parallel is not installed (apt-get install parallel)");
    }
    ok
}

/// The evaluation's variants, one a line (many distinct names, most with a fix).
fn variants() -> Vec<String> {
    let tsv = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/eval/variants.tsv"),
    )
    .unwrap();
    tsv.lines()
        .skip(1)
        .filter_map(|l| l.split('\t').next())
        .filter(|v| !v.is_empty())
        .map(str::to_string)
        .collect()
}

/// A text of about `size` bytes: paragraphs of sentences that mention the variants, in a
/// fixed pseudo-random order, some names wrapped across a line break.
fn text(size: usize) -> String {
    let names = variants();
    let fillers = [
        "the talks in",
        "said a spokesman for",
        "and the delegation from",
        "were reported near",
        "according to officials of",
    ];
    let mut seed: u64 = 11;
    let mut next = |n: usize| {
        seed = seed
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        ((seed >> 33) % n as u64) as usize
    };
    let mut out = String::new();
    while out.len() < size {
        out.push_str("Reports from ");
        out.push_str(&names[next(names.len())]);
        out.push(' ');
        out.push_str(fillers[next(fillers.len())]);
        out.push(if next(6) == 0 { '\n' } else { ' ' });
        out.push_str(&names[next(names.len())]);
        out.push_str(match next(8) {
            0 | 1 => ".\n\n",
            2 => ".\n",
            _ => ". ",
        });
    }
    out.push('\n');
    out
}

/// Runs `sh -c script` in `dir` with `input` on stdin; its standard output.
fn shell(dir: &Path, script: &str, input: &[u8]) -> Vec<u8> {
    let (out, wrote) = common::pipe(
        Command::new("sh")
            .arg("-c")
            .arg(script)
            .current_dir(dir)
            .env("NORMALIZE_CACHE_DIR", dir.join("cache"))
            .env("NORMALIZE", env!("CARGO_BIN_EXE_normalize")),
        input,
    );
    wrote.expect("write the input");
    assert!(
        out.status.success(),
        "`{script}` failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    out.stdout
}

#[test]
fn gnu_parallel_filter_shards_give_the_whole_output() {
    if !have_gnu_parallel() {
        return;
    }
    let dir = scratch("filter");
    let input = text(3_000_000);
    let whole = shell(&dir, r#""$NORMALIZE" --threads 1"#, input.as_bytes());
    assert_ne!(whole, input.as_bytes(), "the filter changed nothing");
    for block in ["40k", "300k", "1M"] {
        // The README's recipe: records end at a paragraph break, shards are kept in order.
        let script = format!(
            r#"parallel --pipe -k --recend '\n\n' --block {block} "$NORMALIZE" --threads 1"#
        );
        let shards = shell(&dir, &script, input.as_bytes());
        assert!(
            shards == whole,
            "GNU parallel with --block {block}: output differs from one run"
        );
        eprintln!(
            "filter, GNU parallel --block {block}: {} bytes, same as one run",
            shards.len()
        );
    }
}

#[test]
fn gnu_parallel_lookup_shards_give_the_whole_output() {
    if !have_gnu_parallel() {
        return;
    }
    let dir = scratch("lookup");
    let mut names = variants();
    names.extend(
        [
            "Springfield",
            "Zzyzx Road",
            "Montenero di Bisaccia",
            "DEU",
            "Korea, Rep.",
        ]
        .map(String::from),
    );
    let input = names.join("\n") + "\n";
    let whole = shell(
        &dir,
        r#""$NORMALIZE" lookup --format json"#,
        input.as_bytes(),
    );
    let rows = String::from_utf8(whole.clone()).unwrap();
    assert!(
        rows.lines().count() > names.len() / 2,
        "lookup printed {} rows for {} names",
        rows.lines().count(),
        names.len()
    );
    for block in ["4k", "30k"] {
        let script =
            format!(r#"parallel --pipe -k --block {block} "$NORMALIZE" lookup --format json"#);
        let shards = shell(&dir, &script, input.as_bytes());
        assert!(
            shards == whole,
            "GNU parallel with --block {block}: lookup output differs from one run"
        );
        eprintln!(
            "lookup, GNU parallel --block {block}: {} names, same as one run",
            names.len()
        );
    }
}

/// Whether pyspark and a Java runtime are here; when not, a skip message, or a failure when
/// required.
fn have_spark() -> bool {
    let java = Command::new("java")
        .arg("-version")
        .stdin(Stdio::null())
        .output()
        .map(|o| o.status.success())
        .unwrap_or(false);
    let pyspark = Command::new("python3")
        .args(["-c", "import pyspark"])
        .stdin(Stdio::null())
        .output()
        .map(|o| o.status.success())
        .unwrap_or(false);
    if !(java && pyspark) {
        assert!(
            std::env::var_os("NORMALIZE_REQUIRE_RECIPES").is_none(),
            "NORMALIZE_REQUIRE_RECIPES is set but {} missing",
            if java { "pyspark is" } else { "Java is" }
        );
        eprintln!(
            "skipped: Spark recipes need Java and pyspark (apt-get install default-jre-headless; \
             pip install pyspark)"
        );
    }
    java && pyspark
}

#[test]
fn spark_pipe_and_map_partitions_give_the_whole_output() {
    if !have_spark() {
        return;
    }
    let dir = scratch("spark");
    // Paragraphs end at a blank line, the file too (as the recipe's records do).
    let text = text(1_500_000).trim_end().to_string() + "\n\n";
    common::write(&dir, "text.txt", &text);
    let names = variants();
    common::write(&dir, "names.txt", names.join("\n") + "\n");
    let whole = shell(&dir, r#""$NORMALIZE" --threads 1"#, text.as_bytes());
    assert_ne!(whole, text.as_bytes(), "the filter changed nothing");
    let looked_up = String::from_utf8(shell(
        &dir,
        r#""$NORMALIZE" lookup"#,
        (names.join("\n") + "\n").as_bytes(),
    ))
    .unwrap();
    // input, canonical, id, type, match: the score is left out of the recipe's rows.
    let expected: Vec<String> = looked_up
        .lines()
        .skip(1)
        .map(|l| l.split('\t').take(5).collect::<Vec<_>>().join("\t"))
        .collect();
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("scripts/spark/recipes.py");
    let out = Command::new("python3")
        .arg(script)
        .args(["--normalize", env!("CARGO_BIN_EXE_normalize")])
        .args(["--text", "text.txt", "--names", "names.txt", "--out", "."])
        .args(["--partitions", "1,3,7"])
        .current_dir(&dir)
        .env("NORMALIZE_CACHE_DIR", dir.join("cache"))
        .stdin(Stdio::null())
        .output()
        .expect("run python3");
    assert!(
        out.status.success(),
        "the Spark recipes failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    for n in [1, 3, 7] {
        let shards = common::read_bytes(&dir, &format!("text-{n}.txt"));
        assert!(
            shards == whole,
            "RDD.pipe over {n} partitions: output differs from one run"
        );
        let rows = common::read_string(&dir, &format!("lookup-{n}.tsv"));
        let rows: Vec<&str> = rows.lines().collect();
        assert_eq!(
            rows.len(),
            expected.len(),
            "mapPartitions over {n} partitions"
        );
        for (got, want) in rows.iter().zip(&expected) {
            assert_eq!(got, want, "mapPartitions over {n} partitions");
        }
        eprintln!(
            "spark, {n} partitions: {} bytes of text and {} values, same as one run",
            shards.len(),
            rows.len()
        );
    }
}
