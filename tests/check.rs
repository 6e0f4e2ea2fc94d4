//! End-to-end tests of `normalize check`: formats, exit codes, fixes in place, the directory
//! walk, configuration discovery, inline directives, `--changed`, and prose-aware input.
//! Every test runs the real binary in its own directory with its own table cache.

mod common;

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use common::{read_string as read, write, Output};

/// A fresh, empty directory unique to one test (and to this test process).
fn scratch(name: &str) -> PathBuf {
    common::scratch("check", ".cache", name)
}

/// Runs `normalize args` in `dir` with `input` on standard input, without a terminal.
fn run_env(dir: &Path, args: &[&str], input: &str, env: &[(&str, &str)]) -> Output {
    let mut cmd = common::normalize_in(dir, ".cache");
    cmd.args(args)
        .env_remove("NO_COLOR")
        .envs(env.iter().copied());
    common::run_text(&mut cmd, input.as_bytes())
}

fn run(dir: &Path, args: &[&str]) -> Output {
    run_env(dir, args, "", &[])
}

fn git(dir: &Path, args: &[&str]) {
    let st = Command::new("git")
        .args([
            "-c",
            "user.name=Test",
            "-c",
            "user.email=test@example.org",
            "-c",
            "init.defaultBranch=main",
            "-c",
            "commit.gpgsign=false",
        ])
        .args(args)
        .current_dir(dir)
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("HOME", dir)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .expect("run git");
    assert!(st.success(), "git {args:?} failed");
}

/// The fixture: a safe misspelling (3:15), a suggested one (4:22), a code span and a URL that
/// are skipped, a romanisation of a person (7:1) and an ambiguous name (7:29).
const DRAFT: &str = "# Notes from Astana

We flew on to Kazakhastan last week.
The ministers met in Frnace.

Talks with `Kazakhastan` in code and https://example.org/Kazakhastan stay.
Qasim Jomart Tokayev spoke; Aliyevv did not.
";

const SHORT: &str = "\
drafts/kz.md:3:15: Kazakhastan -> Kazakhstan (misspelling of country KZ, edit distance 1)
drafts/kz.md:4:22: Frnace -> France (misspelling of country FR, edit distance 1)
drafts/kz.md:7:1: Qasim Jomart Tokayev -> Kassym-Jomart Tokayev (romanisation variant, person)
drafts/kz.md:7:29: Aliyevv -> one of Heydar Aliyev, Ilham Aliyev (ambiguous romanisation: person heydar-aliyev or person ilham-aliyev)
";

fn draft_dir(name: &str) -> PathBuf {
    let dir = scratch(name);
    write(&dir, "drafts/kz.md", DRAFT);
    dir
}

#[test]
fn short_format() {
    let dir = draft_dir("short");
    let out = run(&dir, &["check", "--format", "short", "drafts/"]);
    assert_eq!(out.code, Some(1), "{}", out.stderr);
    assert_eq!(out.stdout, SHORT);
    assert_eq!(out.stderr, "");
}

#[test]
fn human_format() {
    let dir = draft_dir("human");
    let out = run(&dir, &["check", "drafts"]);
    assert_eq!(out.code, Some(1), "{}", out.stderr);
    let expected = "\
warning[misspelling]: Kazakhastan -> Kazakhstan
 --> drafts/kz.md:3:15
  |
3 | We flew on to Kazakhastan last week.
  |               ^^^^^^^^^^^ misspelling of country KZ, edit distance 1
  |
  = safe fix: Kazakhstan

warning[misspelling]: Frnace -> France
 --> drafts/kz.md:4:22
  |
4 | The ministers met in Frnace.
  |                      ^^^^^^ misspelling of country FR, edit distance 1
  |
  = suggested fix (--unsafe-fixes): France

warning[romanisation]: Qasim Jomart Tokayev -> Kassym-Jomart Tokayev
 --> drafts/kz.md:7:1
  |
7 | Qasim Jomart Tokayev spoke; Aliyevv did not.
  | ^^^^^^^^^^^^^^^^^^^^ romanisation variant, person
  |
  = safe fix: Kassym-Jomart Tokayev

note[ambiguous]: Aliyevv -> one of Heydar Aliyev, Ilham Aliyev
 --> drafts/kz.md:7:29
  |
7 | Qasim Jomart Tokayev spoke; Aliyevv did not.
  |                             ^^^^^^^ ambiguous romanisation: person heydar-aliyev or person ilham-aliyev
  |
  = not fixed: choose the entity by hand

Found 4 names to check in 1 file. 2 safe fixes available (--write). 1 suggested fix (--write --unsafe-fixes).
";
    assert_eq!(out.stdout, expected);
    // Colour only when asked (or on a terminal), never with NO_COLOR on auto.
    assert!(!out.stdout.contains('\x1b'));
    let out = run(&dir, &["check", "--color", "always", "drafts"]);
    assert!(out.stdout.contains("\x1b[1;33mwarning[misspelling]\x1b[0m"));
    let out = run_env(&dir, &["check", "drafts"], "", &[("NO_COLOR", "1")]);
    assert!(!out.stdout.contains('\x1b'));
}

#[test]
fn json_format() {
    let dir = draft_dir("json");
    let out = run(&dir, &["check", "--format", "json", "drafts/kz.md"]);
    assert_eq!(out.code, Some(1), "{}", out.stderr);
    let lines: Vec<&str> = out.stdout.lines().collect();
    assert_eq!(lines.len(), 4);
    assert_eq!(
        lines[0],
        r#"{"path":"drafts/kz.md","line":3,"column":15,"end_line":3,"end_column":26,"byte_start":35,"byte_end":46,"found":"Kazakhastan","canonical":"Kazakhstan","id":"KZ","type":"country","match":"fuzzy","score":0.91,"fix":"safe","candidates":[{"canonical":"Kazakhstan","id":"KZ","type":"country"}],"reason":"misspelling of country KZ, edit distance 1"}"#
    );
    assert_eq!(
        lines[1],
        r#"{"path":"drafts/kz.md","line":4,"column":22,"end_line":4,"end_column":28,"byte_start":79,"byte_end":85,"found":"Frnace","canonical":"France","id":"FR","type":"country","match":"fuzzy","score":0.83,"fix":"suggested","candidates":[{"canonical":"France","id":"FR","type":"country"}],"reason":"misspelling of country FR, edit distance 1"}"#
    );
    assert_eq!(
        lines[2],
        r#"{"path":"drafts/kz.md","line":7,"column":1,"end_line":7,"end_column":21,"byte_start":163,"byte_end":183,"found":"Qasim Jomart Tokayev","canonical":"Kassym-Jomart Tokayev","id":"kassym-jomart-tokayev","type":"person","match":"translit","score":0.9,"fix":"safe","candidates":[{"canonical":"Kassym-Jomart Tokayev","id":"kassym-jomart-tokayev","type":"person"}],"reason":"romanisation variant, person"}"#
    );
    assert_eq!(
        lines[3],
        r#"{"path":"drafts/kz.md","line":7,"column":29,"end_line":7,"end_column":36,"byte_start":191,"byte_end":198,"found":"Aliyevv","canonical":null,"id":null,"type":null,"match":"ambiguous","score":0.9,"fix":"ambiguous","candidates":[{"canonical":"Heydar Aliyev","id":"heydar-aliyev","type":"person"},{"canonical":"Ilham Aliyev","id":"ilham-aliyev","type":"person"}],"reason":"ambiguous romanisation: person heydar-aliyev or person ilham-aliyev"}"#
    );
    // Byte offsets point at the text found.
    for l in &lines {
        let v: serde_json::Value = serde_json::from_str(l).unwrap();
        let (s, e) = (
            v["byte_start"].as_u64().unwrap() as usize,
            v["byte_end"].as_u64().unwrap() as usize,
        );
        assert_eq!(&DRAFT[s..e], v["found"].as_str().unwrap());
    }
}

#[test]
fn sarif_format() {
    let dir = draft_dir("sarif");
    let out = run(&dir, &["check", "--format", "sarif", "drafts"]);
    assert_eq!(out.code, Some(1), "{}", out.stderr);
    let v: serde_json::Value = serde_json::from_str(&out.stdout).expect("one JSON document");
    assert_eq!(v["version"], "2.1.0");
    let run0 = &v["runs"][0];
    assert_eq!(run0["tool"]["driver"]["name"], "normalize");
    assert_eq!(run0["columnKind"], "unicodeCodePoints");
    let results = run0["results"].as_array().unwrap();
    assert_eq!(results.len(), 4);
    let r = &results[0];
    assert_eq!(r["ruleId"], "misspelling");
    assert_eq!(r["level"], "warning");
    assert_eq!(
        r["message"]["text"],
        "Kazakhastan -> Kazakhstan (misspelling of country KZ, edit distance 1)"
    );
    let loc = &r["locations"][0]["physicalLocation"];
    assert_eq!(loc["artifactLocation"]["uri"], "drafts/kz.md");
    assert_eq!(
        loc["region"],
        serde_json::json!({"startLine": 3, "startColumn": 15, "endLine": 3, "endColumn": 26,
            "byteOffset": 35, "byteLength": 11})
    );
    assert_eq!(
        r["fixes"][0]["artifactChanges"][0]["replacements"][0]["insertedContent"]["text"],
        "Kazakhstan"
    );
    let rules = run0["tool"]["driver"]["rules"].as_array().unwrap();
    let idx = r["ruleIndex"].as_u64().unwrap() as usize;
    assert_eq!(rules[idx]["id"], "misspelling");
    // The ambiguous finding is a note without a fix.
    assert_eq!(results[3]["level"], "note");
    assert!(results[3].get("fixes").is_none());
    // Nothing found: an empty run, exit 0.
    write(&dir, "clean.txt", "Talks in Kazakhstan.\n");
    let out = run(&dir, &["check", "--format", "sarif", "clean.txt"]);
    assert_eq!(out.code, Some(0));
    let v: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
    assert_eq!(v["runs"][0]["results"], serde_json::json!([]));
}

#[test]
fn words_that_also_name_places_are_not_findings() {
    // Words of the paragraph's language that several places are named after: no note.
    let dir = scratch("words");
    for text in [
        "La esperanza es lo que se pierde.\n",
        "Las flores son para los muertos.\n",
        "Co to jest? Nie wiem, co to jest.\n",
    ] {
        let out = run_env(&dir, &["check", "--format", "short", "-"], text, &[]);
        assert_eq!((out.code, out.stdout.as_str()), (Some(0), ""), "{text}");
    }
}

#[test]
fn exit_codes_and_stdin() {
    let dir = scratch("exit");
    write(
        &dir,
        "clean.md",
        "Talks in Kazakhstan with Kassym-Jomart Tokayev.\n",
    );
    let out = run(&dir, &["check", "--format", "short", "clean.md"]);
    assert_eq!((out.code, out.stdout.as_str()), (Some(0), ""));
    let out = run(&dir, &["check", "clean.md"]);
    assert_eq!((out.code, out.stdout.as_str()), (Some(0), "No findings.\n"));
    // A missing file: exit 2, the error on stderr, other files still checked.
    write(&dir, "bad.txt", "Kazakhastan\n");
    let out = run(
        &dir,
        &["check", "--format", "short", "missing.md", "bad.txt"],
    );
    assert_eq!(out.code, Some(2));
    assert!(out.stderr.contains("missing.md"), "{}", out.stderr);
    assert_eq!(
        out.stdout,
        "bad.txt:1:1: Kazakhastan -> Kazakhstan (misspelling of country KZ, edit distance 1)\n"
    );
    // Only a missing file: the error, and no "No findings." that would read as all clear.
    let out = run(&dir, &["check", "missing.md"]);
    assert_eq!((out.code, out.stdout.as_str()), (Some(2), ""));
    assert_eq!(out.stderr.lines().count(), 1, "{}", out.stderr);
    // A bad table: exit 2 with file and line.
    write(&dir, "bad.tsv", "alias\tcanonical\nonly-one-column\n");
    let out = run(&dir, &["check", "--table", "bad.tsv", "clean.md"]);
    assert_eq!(out.code, Some(2));
    assert!(out.stderr.contains("bad.tsv"), "{}", out.stderr);
    assert_eq!(out.stdout, "");
    // Standard input, named by --stdin-filename (its extension makes it Markdown).
    let out = run_env(
        &dir,
        &["check", "--format", "short"],
        "Kazakhastan `Kazakhastan`\n",
        &[],
    );
    assert_eq!(out.code, Some(1));
    assert_eq!(
        out.stdout,
        "<stdin>:1:1: Kazakhastan -> Kazakhstan (misspelling of country KZ, edit distance 1)\n<stdin>:1:14: Kazakhastan -> Kazakhstan (misspelling of country KZ, edit distance 1)\n"
    );
    let out = run_env(
        &dir,
        &[
            "check",
            "--format",
            "short",
            "--stdin-filename",
            "notes/a.md",
        ],
        "Kazakhastan `Kazakhastan`\n",
        &[],
    );
    assert_eq!(
        out.stdout,
        "notes/a.md:1:1: Kazakhastan -> Kazakhstan (misspelling of country KZ, edit distance 1)\n"
    );
    // --write needs files.
    let out = run_env(&dir, &["check", "--write"], "Kazakhastan\n", &[]);
    assert_eq!(out.code, Some(2));
    assert!(out.stderr.contains("--write needs files"));
}

#[test]
fn write_applies_safe_fixes_atomically() {
    let dir = draft_dir("write");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(
            dir.join("drafts/kz.md"),
            std::fs::Permissions::from_mode(0o640),
        )
        .unwrap();
    }
    let out = run(&dir, &["check", "--write", "--format", "short", "drafts"]);
    // The suggested and ambiguous findings remain.
    assert_eq!(out.code, Some(1), "{}", out.stderr);
    assert_eq!(
        out.stderr,
        "drafts/kz.md:3:15: fixed Kazakhastan -> Kazakhstan\ndrafts/kz.md:7:1: fixed Qasim Jomart Tokayev -> Kassym-Jomart Tokayev\n"
    );
    assert_eq!(
        out.stdout,
        "drafts/kz.md:4:22: Frnace -> France (misspelling of country FR, edit distance 1)\ndrafts/kz.md:7:29: Aliyevv -> one of Heydar Aliyev, Ilham Aliyev (ambiguous romanisation: person heydar-aliyev or person ilham-aliyev)\n"
    );
    let fixed = DRAFT
        .replacen("Kazakhastan last", "Kazakhstan last", 1)
        .replace("Qasim Jomart Tokayev", "Kassym-Jomart Tokayev");
    assert_eq!(read(&dir, "drafts/kz.md"), fixed);
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(dir.join("drafts/kz.md"))
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o640, "file mode kept");
    }
    // No temporary file left behind.
    let names: Vec<_> = std::fs::read_dir(dir.join("drafts"))
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(names, vec![std::ffi::OsString::from("kz.md")]);
    // --unsafe-fixes also applies the suggested fix; the ambiguous one is never applied.
    let out = run(
        &dir,
        &[
            "check",
            "--write",
            "--unsafe-fixes",
            "--format",
            "short",
            "drafts",
        ],
    );
    assert_eq!(out.code, Some(1));
    assert_eq!(out.stderr, "drafts/kz.md:4:22: fixed Frnace -> France\n");
    assert!(read(&dir, "drafts/kz.md").contains("met in France."));
    assert!(read(&dir, "drafts/kz.md").contains("Aliyevv"));
}

#[cfg(unix)]
#[test]
fn write_leaves_unchanged_and_read_only_files_alone() {
    use std::os::unix::fs::{MetadataExt, PermissionsExt};
    let dir = scratch("readonly");
    write(&dir, "clean.txt", "Talks in Kazakhstan.\n");
    let before = std::fs::metadata(dir.join("clean.txt")).unwrap().ino();
    let out = run(&dir, &["check", "--write", "clean.txt"]);
    assert_eq!(out.code, Some(0));
    assert_eq!(out.stderr, "");
    let after = std::fs::metadata(dir.join("clean.txt")).unwrap().ino();
    assert_eq!(before, after, "nothing written when nothing changes");

    write(&dir, "ro.txt", "Talks in Kazakhastan.\n");
    let p = dir.join("ro.txt");
    std::fs::set_permissions(&p, std::fs::Permissions::from_mode(0o444)).unwrap();
    let out = run(&dir, &["check", "--write", "--format", "short", "ro.txt"]);
    assert_eq!(out.code, Some(2));
    assert_eq!(
        out.stderr,
        "normalize: ro.txt: file is read-only; not written\n"
    );
    assert_eq!(read(&dir, "ro.txt"), "Talks in Kazakhastan.\n");
    assert_eq!(
        std::fs::metadata(&p).unwrap().permissions().mode() & 0o777,
        0o444
    );
}

#[test]
fn diff_prints_fixes_without_writing() {
    let dir = draft_dir("diff");
    let out = run(&dir, &["check", "--diff", "drafts/kz.md"]);
    assert_eq!(out.code, Some(1), "{}", out.stderr);
    assert_eq!(
        out.stdout,
        "\
--- drafts/kz.md
+++ drafts/kz.md
@@ -1,7 +1,7 @@
 # Notes from Astana
 
-We flew on to Kazakhastan last week.
+We flew on to Kazakhstan last week.
 The ministers met in Frnace.
 
 Talks with `Kazakhastan` in code and https://example.org/Kazakhastan stay.
-Qasim Jomart Tokayev spoke; Aliyevv did not.
+Kassym-Jomart Tokayev spoke; Aliyevv did not.
"
    );
    assert_eq!(read(&dir, "drafts/kz.md"), DRAFT);
    let out = run(&dir, &["check", "--diff", "--unsafe-fixes", "drafts/kz.md"]);
    assert!(out.stdout.contains("+The ministers met in France."));
}

#[test]
fn directory_walk_honours_gitignore_hidden_and_binary() {
    let dir = scratch("walk");
    git(&dir, &["init", "-q"]);
    write(&dir, ".gitignore", "ignored/\n*.log\n");
    write(&dir, "a.md", "Kazakhastan\n");
    write(&dir, "sub/b.txt", "Kazakhastan\n");
    write(&dir, "ignored/c.md", "Kazakhastan\n");
    write(&dir, "x.log", "Kazakhastan\n");
    write(&dir, ".hidden/d.md", "Kazakhastan\n");
    std::fs::write(dir.join("e.bin"), b"\x00\x01Kazakhastan\n").unwrap();
    let out = run(&dir, &["check", "--format", "short", "."]);
    assert_eq!(out.code, Some(1), "{}", out.stderr);
    let paths: Vec<&str> = out
        .stdout
        .lines()
        .map(|l| l.split(':').next().unwrap())
        .collect();
    assert_eq!(paths, vec!["./a.md", "./sub/b.txt"]);
    let out = run(&dir, &["check", "--format", "short", "--hidden", "."]);
    assert!(out.stdout.contains("./.hidden/d.md:1:1:"), "{}", out.stdout);
    let out = run(&dir, &["check", "--format", "short", "--no-ignore", "."]);
    assert!(out.stdout.contains("./ignored/c.md:1:1:"), "{}", out.stdout);
    assert!(out.stdout.contains("./x.log:1:1:"), "{}", out.stdout);
    // A file named explicitly is checked even when ignored.
    let out = run(&dir, &["check", "--format", "short", "x.log"]);
    assert_eq!(out.code, Some(1));
}

#[test]
fn configuration_is_discovered() {
    let dir = scratch("config");
    write(
        &dir,
        "proj/.normalize.toml",
        "tables = [\"names/ours.tsv\"]\nignore = [\"kazakhastan\"]\nexclude = [\"vendor\", \"notes/*.txt\"]\n",
    );
    write(
        &dir,
        "proj/names/ours.tsv",
        "alias\tcanonical\nFrobnia\tFrobnitz\n",
    );
    let text = "Frobnia and Kazakhastan and Frnace.\n";
    write(&dir, "proj/docs/deep/a.md", text);
    write(&dir, "proj/vendor/b.md", text);
    write(&dir, "proj/notes/c.txt", text);
    write(&dir, "proj/notes/sub/d.txt", text);
    // Run from outside the project: the configuration is found from the checked paths.
    let out = run(&dir, &["check", "--format", "short", "proj"]);
    assert_eq!(out.code, Some(1), "{}", out.stderr);
    assert_eq!(
        out.stdout,
        "\
proj/docs/deep/a.md:1:1: Frobnia -> Frobnitz (variant spelling of other Frobnitz)
proj/docs/deep/a.md:1:29: Frnace -> France (misspelling of country FR, edit distance 1)
proj/notes/sub/d.txt:1:1: Frobnia -> Frobnitz (variant spelling of other Frobnitz)
proj/notes/sub/d.txt:1:29: Frnace -> France (misspelling of country FR, edit distance 1)
"
    );
    // An explicit excluded file is skipped too (pre-commit passes file names).
    let out = run(&dir, &["check", "proj/vendor/b.md"]);
    assert_eq!(out.code, Some(0), "{}", out.stdout);
    // --no-config: nothing of it applies.
    let out = run(
        &dir,
        &[
            "check",
            "--format",
            "short",
            "--no-config",
            "proj/vendor/b.md",
        ],
    );
    assert_eq!(out.stdout.lines().count(), 2, "{}", out.stdout);
    // The minimum severity.
    write(
        &dir,
        "proj/.normalize.toml",
        "tables = [\"names/ours.tsv\"]\nmin_severity = \"safe\"\n",
    );
    let out = run(&dir, &["check", "--format", "short", "proj/docs"]);
    assert_eq!(
        out.stdout,
        "\
proj/docs/deep/a.md:1:1: Frobnia -> Frobnitz (variant spelling of other Frobnitz)
proj/docs/deep/a.md:1:13: Kazakhastan -> Kazakhstan (misspelling of country KZ, edit distance 1)
"
    );
    // A broken configuration is an error naming the file.
    write(&dir, "proj/.normalize.toml", "tabels = []\n");
    let out = run(&dir, &["check", "proj/docs"]);
    assert_eq!(out.code, Some(2));
    assert!(out.stderr.contains(".normalize.toml"), "{}", out.stderr);
}

#[test]
fn inline_directives() {
    let dir = scratch("directives");
    write(
        &dir,
        "a.md",
        "\
Kazakhastan one
Kazakhastan two <!-- normalize:ignore-line -->
// normalize:ignore-next-line
Kazakhastan four
# normalize:off
Kazakhastan six
normalize:on
Kazakhastan eight
",
    );
    let out = run(&dir, &["check", "--format", "short", "a.md"]);
    let lines: Vec<&str> = out
        .stdout
        .lines()
        .map(|l| l.split(": ").next().unwrap())
        .collect();
    assert_eq!(lines, vec!["a.md:1:1", "a.md:8:1"]);
}

#[test]
fn changed_lines_only() {
    let dir = scratch("changed");
    git(&dir, &["init", "-q"]);
    write(&dir, "a.md", "Kazakhastan one\nline two\nline three\n");
    git(&dir, &["add", "a.md"]);
    git(&dir, &["commit", "-q", "-m", "first"]);
    write(
        &dir,
        "a.md",
        "Kazakhastan one\nline two in Frnace\nline three\n",
    );
    write(&dir, "new.md", "Kazakhastan\n");
    let out = run(&dir, &["check", "--format", "short", "--changed", "."]);
    assert_eq!(out.code, Some(1), "{}", out.stderr);
    assert_eq!(
        out.stdout,
        "\
./a.md:2:13: Frnace -> France (misspelling of country FR, edit distance 1)
./new.md:1:1: Kazakhastan -> Kazakhstan (misspelling of country KZ, edit distance 1)
"
    );
    // Nothing changed since the working tree was committed.
    git(&dir, &["add", "."]);
    git(&dir, &["commit", "-q", "-m", "second"]);
    let out = run(&dir, &["check", "--changed", "a.md", "new.md"]);
    assert_eq!(out.code, Some(0), "{}{}", out.stdout, out.stderr);
    // Against the first commit, line 2 of a.md and all of new.md changed.
    let out = run(
        &dir,
        &[
            "check",
            "--format",
            "short",
            "--changed",
            "--base",
            "HEAD~1",
            ".",
        ],
    );
    assert_eq!(out.stdout.lines().count(), 2, "{}", out.stdout);
    // A bad revision is an error.
    let out = run(&dir, &["check", "--changed", "--base", "nope", "a.md"]);
    assert_eq!(out.code, Some(2));
    assert!(out.stderr.contains("nope"), "{}", out.stderr);
}

#[test]
fn markdown_skips_code_and_links_plain_text_skips_urls() {
    let dir = scratch("prose");
    let text = "\
Kazakhastan in text, `Kazakhastan` in code, [Astana](https://x.org/Kazakhastan), [a][Kazakhastan].
Mail kazakhastan@example.org or see www.kazakhastan.org/Kazakhastan.

```
Kazakhastan in a fence
```

[Kazakhastan]: https://example.org
";
    write(&dir, "a.md", text);
    write(&dir, "a.txt", text);
    let cols = |out: &Output| -> Vec<String> {
        out.stdout
            .lines()
            .map(|l| l.split(": ").next().unwrap().to_string())
            .collect()
    };
    let out = run(&dir, &["check", "--format", "short", "a.md"]);
    assert_eq!(cols(&out), vec!["a.md:1:1"]);
    // Outside Markdown only URLs and e-mail addresses are skipped.
    let out = run(&dir, &["check", "--format", "short", "a.txt"]);
    assert_eq!(
        cols(&out),
        vec![
            "a.txt:1:1",
            "a.txt:1:23",
            "a.txt:1:86",
            "a.txt:5:1",
            "a.txt:8:2"
        ]
    );
}

#[test]
fn hyphenation_and_hard_wraps_are_found() {
    let dir = scratch("wrap");
    write(
        &dir,
        "a.txt",
        "They went to Kazakha-\nstan, and met Qasim Jomart\nTokayev there.\n",
    );
    let out = run(&dir, &["check", "--format", "json", "a.txt"]);
    let v: Vec<serde_json::Value> = out
        .stdout
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(v.len(), 2, "{}", out.stdout);
    assert_eq!(v[0]["found"], "Kazakha-\nstan");
    assert_eq!(
        (
            &v[0]["line"],
            &v[0]["column"],
            &v[0]["end_line"],
            &v[0]["end_column"]
        ),
        (&1.into(), &14.into(), &2.into(), &5.into())
    );
    assert_eq!(v[1]["found"], "Qasim Jomart\nTokayev");
    // The proposed text keeps the author's line break inside the wrapped name.
    assert_eq!(v[1]["canonical"], "Kassym-Jomart\nTokayev");
    let out = run(&dir, &["check", "--diff", "a.txt"]);
    assert!(
        out.stdout
            .contains("+They went to Kazakhstan, and met Kassym-Jomart\n Tokayev there."),
        "{}",
        out.stdout
    );
}

#[test]
fn invalid_byte_keeps_markdown_fence_state() {
    let dir = scratch("invalid-fence");
    let text: &[u8] =
        b"Intro.\n\n```\ncode \xff here\nKazakhastan in code\n```\n\nKazakhastan outside.\n";
    std::fs::write(dir.join("f.md"), text).unwrap();
    let out = run(&dir, &["check", "--format", "short", "f.md"]);
    assert_eq!(
        out.stdout,
        "f.md:8:1: Kazakhastan -> Kazakhstan (misspelling of country KZ, edit distance 1)\n"
    );
    let out = run(&dir, &["check", "--write", "f.md"]);
    assert_eq!(out.code, Some(0), "{}", out.stderr);
    // The code inside the fence (and the invalid byte) are untouched.
    assert_eq!(
        std::fs::read(dir.join("f.md")).unwrap(),
        b"Intro.\n\n```\ncode \xff here\nKazakhastan in code\n```\n\nKazakhstan outside.\n"
    );
}

#[test]
fn changed_survives_plus_lines_and_mnemonic_prefixes() {
    let dir = scratch("changed-prefix");
    git(&dir, &["init", "-q"]);
    git(&dir, &["config", "diff.mnemonicPrefix", "true"]);
    git(&dir, &["config", "diff.noprefix", "false"]);
    write(&dir, "a.md", "one\ntwo\nthree\nfour\n");
    git(&dir, &["add", "a.md"]);
    git(&dir, &["commit", "-q", "-m", "first"]);
    // An added line `++ ...` shows as `+++ ...` in the diff: not a file header.
    write(
        &dir,
        "a.md",
        "one\n++ Kazakhastan\ntwo\nthree\nfour in Frnace\n",
    );
    let out = run_env(
        &dir,
        &["check", "--format", "short", "--changed", "a.md"],
        "",
        &[
            ("HOME", dir.to_str().unwrap()),
            ("GIT_CONFIG_NOSYSTEM", "1"),
        ],
    );
    assert_eq!(out.code, Some(1), "{}", out.stderr);
    assert_eq!(
        out.stdout,
        "\
a.md:2:4: Kazakhastan -> Kazakhstan (misspelling of country KZ, edit distance 1)
a.md:5:9: Frnace -> France (misspelling of country FR, edit distance 1)
"
    );
}

#[test]
fn binary_files_named_on_the_command_line_are_reported_as_skipped() {
    let dir = scratch("binary-named");
    std::fs::write(dir.join("bin.dat"), b"Kazakhastan\0\x01").unwrap();
    let out = run(&dir, &["check", "--format", "short", "bin.dat"]);
    assert_eq!(out.code, Some(0));
    assert_eq!(out.stdout, "");
    assert_eq!(out.stderr, "normalize: bin.dat: skipped (binary file)\n");
    // In a directory walk, silently.
    let out = run(&dir, &["check", "--format", "short", "."]);
    assert_eq!(out.code, Some(0));
    assert_eq!(out.stderr, "");
}

#[test]
fn indented_code_blocks_are_skipped() {
    let dir = scratch("indented");
    write(
        &dir,
        "i.md",
        "Text.\n\n    Kazakhastan in code\n\n\tKazakhastan too\n\nKazakhastan outside.\n\n- item\n\n    Kazakhastan in the item\n",
    );
    let out = run(&dir, &["check", "--format", "short", "i.md"]);
    assert_eq!(
        out.stdout,
        "\
i.md:7:1: Kazakhastan -> Kazakhstan (misspelling of country KZ, edit distance 1)
i.md:11:5: Kazakhastan -> Kazakhstan (misspelling of country KZ, edit distance 1)
"
    );
}

#[test]
fn byte_order_mark_is_not_a_column() {
    let dir = scratch("bom-column");
    write(&dir, "b.txt", "\u{FEFF}Kazakhastan here\nKazakhastan\n");
    let out = run(&dir, &["check", "--format", "json", "b.txt"]);
    let cols: Vec<(u64, u64, u64)> = out
        .stdout
        .lines()
        .map(|l| {
            let v: serde_json::Value = serde_json::from_str(l).unwrap();
            (
                v["line"].as_u64().unwrap(),
                v["column"].as_u64().unwrap(),
                v["end_column"].as_u64().unwrap(),
            )
        })
        .collect();
    assert_eq!(cols, vec![(1, 1, 12), (2, 1, 12)]);
    let out = run(&dir, &["check", "b.txt", "--color", "never"]);
    assert!(
        out.stdout
            .contains("1 | Kazakhastan here\n  | ^^^^^^^^^^^ "),
        "{}",
        out.stdout
    );
}

#[test]
fn wrapped_names_are_reported_on_one_line() {
    let dir = scratch("wrapped-message");
    write(&dir, "w.txt", "We met Qasim Jomart\nTokayev today.\n");
    let out = run(&dir, &["check", "--format", "short", "w.txt"]);
    assert_eq!(
        out.stdout,
        "w.txt:1:8: Qasim Jomart Tokayev -> Kassym-Jomart Tokayev (romanisation variant, person)\n"
    );
    let out = run(&dir, &["check", "--color", "never", "w.txt"]);
    assert!(
        out.stdout
            .starts_with("warning[romanisation]: Qasim Jomart Tokayev -> Kassym-Jomart Tokayev\n"),
        "{}",
        out.stdout
    );
    assert!(
        out.stdout.contains("= safe fix: Kassym-Jomart Tokayev\n"),
        "{}",
        out.stdout
    );
    // JSON keeps the text as written; --write keeps the line break and lists it on one line.
    let out = run(&dir, &["check", "--format", "json", "w.txt"]);
    assert!(
        out.stdout
            .contains(r#""canonical":"Kassym-Jomart\nTokayev""#),
        "{}",
        out.stdout
    );
    let out = run(&dir, &["check", "--write", "--format", "short", "w.txt"]);
    assert_eq!(
        out.stderr,
        "w.txt:1:8: fixed Qasim Jomart Tokayev -> Kassym-Jomart Tokayev\n"
    );
    assert_eq!(
        read(&dir, "w.txt"),
        "We met Kassym-Jomart\nTokayev today.\n"
    );
}

#[test]
fn mixed_script_lookalikes_are_reported_not_rewritten() {
    let dir = scratch("spoof");
    // "Kаzakhstan" with a Cyrillic а (U+0430).
    write(&dir, "a.txt", "Protests in K\u{0430}zakhstan today.\n");
    let out = run(&dir, &["check", "--format", "short", "a.txt"]);
    assert_eq!(
        out.stdout,
        "a.txt:1:13: K\u{0430}zakhstan -> Kazakhstan (mixed scripts: look-alike letters spelling country KZ)\n"
    );
    let out = run(&dir, &["check", "--write", "a.txt"]);
    assert_eq!(
        std::fs::read_to_string(dir.join("a.txt")).unwrap(),
        "Protests in K\u{0430}zakhstan today.\n",
        "a suggestion is not applied by --write: {}",
        out.stderr
    );
}

/// A file of many blocks (read in blocks of 64 KB and more) is checked block by block
/// with the positions of the whole file, `--write` rewrites it whole (also when its first fix
/// comes late, after blocks with nothing to fix), and `--diff` shows the same fixes.
#[test]
fn large_files_are_checked_in_blocks() {
    let dir = scratch("large");
    let clean = "Clean prose about the talks held in Astana last week.\n\n";
    let para = "Talks in Kazakhastan and Qasim Jomart Tokayev.\n\n";
    let mut text = clean.repeat(5_000); // 275 KB with nothing to fix
    let first_line = text.matches('\n').count() + 1;
    for _ in 0..10_000 {
        text.push_str(para);
    }
    text.push_str("The end — talks in Kazakhastan");
    write(&dir, "big.txt", &text);
    let out = run(&dir, &["check", "--format", "short", "big.txt"]);
    assert_eq!(out.code, Some(1), "{}", out.stderr);
    let lines: Vec<&str> = out.stdout.lines().collect();
    assert_eq!(lines.len(), 20_001);
    assert!(
        lines[0].starts_with(&format!(
            "big.txt:{first_line}:10: Kazakhastan -> Kazakhstan"
        )),
        "{}",
        lines[0]
    );
    assert!(
        lines[1].starts_with(&format!("big.txt:{first_line}:26: Qasim Jomart Tokayev")),
        "{}",
        lines[1]
    );
    let last = text.matches('\n').count() + 1;
    assert!(
        lines[20_000].starts_with(&format!("big.txt:{last}:20: Kazakhastan")),
        "{}",
        lines[20_000]
    );
    let sarif = run(&dir, &["check", "--format", "sarif", "big.txt"]);
    let doc: serde_json::Value = serde_json::from_str(&sarif.stdout).expect("one JSON document");
    let results = doc["runs"][0]["results"].as_array().unwrap();
    assert_eq!(results.len(), 20_001);
    assert_eq!(
        results[20_000]["locations"][0]["physicalLocation"]["region"]["startLine"],
        last
    );
    let want = text
        .replace("Kazakhastan", "Kazakhstan")
        .replace("Qasim Jomart Tokayev", "Kassym-Jomart Tokayev");
    let diff = run(&dir, &["check", "--diff", "big.txt"]);
    assert_eq!(diff.code, Some(1), "{}", diff.stderr);
    assert_eq!(
        diff.stdout
            .matches("\n+Talks in Kazakhstan and Kassym-Jomart")
            .count(),
        10_000
    );
    let out = run(&dir, &["check", "--write", "--format", "short", "big.txt"]);
    assert_eq!(out.code, Some(0), "{}", out.stdout);
    assert_eq!(out.stderr.lines().count(), 20_001);
    assert!(
        read(&dir, "big.txt") == want,
        "the file is rewritten with every fix"
    );
    let names: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .filter(|n| n != ".cache")
        .collect();
    assert_eq!(names, vec![std::ffi::OsString::from("big.txt")]);
}
