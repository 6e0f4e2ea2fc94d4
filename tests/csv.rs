//! End-to-end tests of `normalize csv`: every test runs the real binary with its own cache
//! directory and work directory.

mod common;

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use common::{read_bytes as read, write};

/// A fresh, empty directory unique to one test (and to this test process).
fn scratch(name: &str) -> PathBuf {
    common::scratch("csv", "cache", name)
}

struct Out {
    code: Option<i32>,
    stdout: Vec<u8>,
    stderr: String,
}

impl Out {
    fn text(&self) -> String {
        String::from_utf8(self.stdout.clone()).expect("stdout is UTF-8")
    }
    fn ok(self) -> Out {
        assert_eq!(self.code, Some(0), "failed: {}", self.stderr);
        self
    }
}

/// Runs `normalize args` in `dir` (cache in `dir/cache`) with `input` on standard input.
fn run(dir: &Path, args: &[&str], input: &[u8]) -> Out {
    let (out, _) = common::pipe(common::normalize_in(dir, "cache").args(args), input);
    Out {
        code: out.status.code(),
        stdout: out.stdout,
        stderr: String::from_utf8(out.stderr).expect("stderr is UTF-8"),
    }
}

/// TSV rows (header first) of a file.
fn tsv(dir: &Path, name: &str) -> Vec<Vec<String>> {
    String::from_utf8(read(dir, name))
        .unwrap()
        .lines()
        .map(|l| l.split('\t').map(str::to_string).collect())
        .collect()
}

/// The row of a report whose `value` is `value`, as header -> cell.
fn report_row(rows: &[Vec<String>], value: &str) -> std::collections::HashMap<String, String> {
    let header = &rows[0];
    let row = rows[1..]
        .iter()
        .find(|r| r[0] == value)
        .unwrap_or_else(|| panic!("no report row for {value:?} in {rows:?}"));
    header.iter().cloned().zip(row.iter().cloned()).collect()
}

const PEOPLE: &str = "id,country,leader,city\n\
1,Kazakhastan,Kasym-Zhomart Tokaev,Alma-Ata\n\
2,Kazakhstan,Kassym-Jomart Tokayev,Almaty\n\
3,,Aliyev,\n\
4,Narnia,Foo Bar,Qwxyzt\n";

#[test]
fn fixes_the_chosen_columns_and_nothing_else() {
    let dir = scratch("basic");
    write(&dir, "in.csv", PEOPLE.as_bytes());
    let out = run(
        &dir,
        &["csv", "--column", "country", "--column", "leader", "in.csv"],
        b"",
    )
    .ok();
    assert_eq!(
        out.text(),
        "id,country,leader,city\n\
1,Kazakhstan,Kassym-Jomart Tokayev,Alma-Ata\n\
2,Kazakhstan,Kassym-Jomart Tokayev,Almaty\n\
3,,Aliyev,\n\
4,Narnia,Foo Bar,Qwxyzt\n"
    );
    assert_eq!(
        out.stderr,
        "normalize: 4 rows, 2 cells fixed, 1 ambiguous, 2 unresolved (see --report)\n"
    );
    // Standard input, with or without "-".
    let a = run(&dir, &["csv", "-c", "city"], PEOPLE.as_bytes()).ok();
    let b = run(&dir, &["csv", "-c", "city", "-"], PEOPLE.as_bytes()).ok();
    assert_eq!(a.stdout, b.stdout);
    assert!(a
        .text()
        .contains("1,Kazakhastan,Kasym-Zhomart Tokaev,Almaty\n"));
}

#[test]
fn byte_exact_on_nasty_files() {
    let dir = scratch("nasty");
    // BOM, CRLF, quoted newlines and quotes, empty cells, needless quotes, blank lines,
    // no trailing newline; nothing to fix.
    let clean: &[u8] = b"\xEF\xBB\xBFid,\"country\",note\r\n\
1,\"Kazakhstan\",\"two\r\nlines, and \"\"quotes\"\"\"\r\n\
2,,\r\n\
\r\n\
3,Almaty,\"\"\r\n\
4,\"\",last";
    write(&dir, "clean.csv", clean);
    let out = run(&dir, &["csv", "-c", "country", "clean.csv"], b"").ok();
    assert_eq!(out.stdout, clean);
    // LF only, with a trailing newline and trailing blank lines.
    let lf: &[u8] = b"a,country\n\"x\ny\",Kazakhstan\n,\n\n";
    write(&dir, "lf.csv", lf);
    assert_eq!(
        run(&dir, &["csv", "-c", "2", "lf.csv"], b"").ok().stdout,
        lf
    );

    // One cell to fix: only that cell changes; the other fields of its row keep their bytes.
    let dirty: &[u8] = b"\xEF\xBB\xBFid,\"country\",note\r\n\
1,\"Kazakhastan\",\"two\r\nlines, and \"\"quotes\"\"\"\r\n\
2,,\r\n\
3, Kazakhstan ,x\r\n\
4,\"Alma-Ata\",\"\"";
    write(&dir, "dirty.csv", dirty);
    let out = run(&dir, &["csv", "-c", "country", "dirty.csv"], b"").ok();
    let want: &[u8] = b"\xEF\xBB\xBFid,\"country\",note\r\n\
1,Kazakhstan,\"two\r\nlines, and \"\"quotes\"\"\"\r\n\
2,,\r\n\
3, Kazakhstan ,x\r\n\
4,Almaty,\"\"";
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(want)
    );
    assert!(out.stderr.contains("2 cells fixed"), "{}", out.stderr);
}

#[test]
fn fixed_values_are_quoted_only_when_needed() {
    let dir = scratch("quote");
    let mut t = String::from("alias\tcanonical\n");
    t.push_str("Acme\tAcme, Inc. \"The Best\"\n");
    write(&dir, "t.tsv", t.as_bytes());
    write(&dir, "in.csv", b"org,n\nAcme,1\n");
    let out = run(
        &dir,
        &["--table", "t.tsv", "csv", "-c", "org", "in.csv"],
        b"",
    )
    .ok();
    assert_eq!(out.text(), "org,n\n\"Acme, Inc. \"\"The Best\"\"\",1\n");
}

#[test]
fn columns_by_name_index_and_without_header() {
    let dir = scratch("select");
    write(&dir, "in.csv", PEOPLE.as_bytes());
    let by_name = run(&dir, &["csv", "-c", "city", "in.csv"], b"").ok();
    let by_index = run(&dir, &["csv", "-c", "4", "in.csv"], b"").ok();
    assert_eq!(by_name.stdout, by_index.stdout);
    assert!(by_name
        .text()
        .contains("1,Kazakhastan,Kasym-Zhomart Tokaev,Almaty\n"));

    let body = PEOPLE.split_once('\n').unwrap().1;
    write(&dir, "nohead.csv", body.as_bytes());
    let out = run(&dir, &["csv", "--no-header", "-c", "2", "nohead.csv"], b"").ok();
    assert!(out
        .text()
        .starts_with("1,Kazakhstan,Kasym-Zhomart Tokaev,Alma-Ata\n"));
    assert!(
        out.stderr.starts_with("normalize: 4 rows,"),
        "{}",
        out.stderr
    );

    let bad = run(&dir, &["csv", "-c", "nation", "in.csv"], b"");
    assert_eq!(bad.code, Some(2));
    assert!(
        bad.stderr.contains("no column named \"nation\""),
        "{}",
        bad.stderr
    );
    assert!(bad.stdout.is_empty());
    let bad = run(&dir, &["csv", "-c", "9", "in.csv"], b"");
    assert_eq!(bad.code, Some(2));
    assert!(bad.stderr.contains("out of range"), "{}", bad.stderr);
}

#[test]
fn delimiters_are_detected_or_given() {
    let dir = scratch("delim");
    write(&dir, "semi.csv", b"n;country\n1,5;Kazakhastan\n");
    let out = run(&dir, &["csv", "-c", "country", "semi.csv"], b"").ok();
    assert_eq!(out.text(), "n;country\n1,5;Kazakhstan\n");
    write(&dir, "tabs.tsv", b"n\tcountry\n1\tKazakhastan\n");
    let out = run(&dir, &["csv", "-c", "country", "tabs.tsv"], b"").ok();
    assert_eq!(out.text(), "n\tcountry\n1\tKazakhstan\n");
    write(&dir, "pipe.txt", b"n|country\n1|Kazakhastan\n");
    let out = run(&dir, &["csv", "-d", "|", "-c", "2", "pipe.txt"], b"").ok();
    assert_eq!(out.text(), "n|country\n1|Kazakhstan\n");
}

#[test]
fn id_columns() {
    let dir = scratch("ids");
    write(&dir, "in.csv", PEOPLE.as_bytes());
    let out = run(
        &dir,
        &["csv", "-c", "country", "--id", "country_id", "in.csv"],
        b"",
    )
    .ok();
    assert_eq!(
        out.text(),
        "id,country,country_id,leader,city\n\
1,Kazakhstan,KZ,Kasym-Zhomart Tokaev,Alma-Ata\n\
2,Kazakhstan,KZ,Kassym-Jomart Tokayev,Almaty\n\
3,,,Aliyev,\n\
4,Narnia,,Foo Bar,Qwxyzt\n"
    );
    let out = run(
        &dir,
        &[
            "csv",
            "-c",
            "leader",
            "-c",
            "city",
            "--id",
            "leader=leader_id",
            "--id",
            "city=geonames",
            "in.csv",
        ],
        b"",
    )
    .ok();
    let text = out.text();
    let mut lines = text.lines();
    assert_eq!(
        lines.next(),
        Some("id,country,leader,leader_id,city,geonames")
    );
    assert_eq!(
        lines.next(),
        Some("1,Kazakhastan,Kassym-Jomart Tokayev,kassym-jomart-tokayev,Almaty,1526384")
    );
    assert_eq!(
        lines.next(),
        Some("2,Kazakhstan,Kassym-Jomart Tokayev,kassym-jomart-tokayev,Almaty,1526384")
    );
    // Ambiguous and unresolved: empty ids.
    assert_eq!(lines.next(), Some("3,,Aliyev,,,"));
    assert_eq!(lines.next(), Some("4,Narnia,Foo Bar,,Qwxyzt,"));
    // A bare --id with several columns would repeat a header name.
    let bad = run(
        &dir,
        &["csv", "-c", "leader", "-c", "city", "--id", "x", "in.csv"],
        b"",
    );
    assert_eq!(bad.code, Some(2));
    assert!(bad.stderr.contains("COLUMN="), "{}", bad.stderr);
}

#[test]
fn type_restriction_resolves_ambiguity() {
    let dir = scratch("type");
    write(
        &dir,
        "ga.tsv",
        b"id\ttype\tname\taliases\tlang\tflags\nus-ga\tplace\tGeorgia\t\ten\n",
    );
    write(&dir, "in.csv", b"place\nGeorgia\nGeorgie\n");
    let out = run(
        &dir,
        &[
            "--table", "ga.tsv", "csv", "-c", "place", "--id", "id", "in.csv",
        ],
        b"",
    )
    .ok();
    assert!(
        out.text().starts_with("place,id\nGeorgia,\n"),
        "{}",
        out.text()
    );
    assert!(out.stderr.contains("1 ambiguous"), "{}", out.stderr);
    let out = run(
        &dir,
        &[
            "--table", "ga.tsv", "--type", "country", "csv", "-c", "place", "--id", "id", "in.csv",
        ],
        b"",
    )
    .ok();
    assert!(
        out.text().starts_with("place,id\nGeorgia,GE\n"),
        "{}",
        out.text()
    );
    assert!(out.stderr.contains("0 ambiguous"), "{}", out.stderr);
}

#[test]
fn report_lists_changed_ambiguous_and_unresolved_values() {
    let dir = scratch("report");
    let mut csv = String::from(PEOPLE);
    csv.push_str("5,Kazakhastan,Springfield,Alma-Ata\n");
    write(&dir, "in.csv", csv.as_bytes());
    let out = run(
        &dir,
        &[
            "csv",
            "-c",
            "country",
            "-c",
            "leader",
            "--report",
            "changes.tsv",
            "in.csv",
        ],
        b"",
    )
    .ok();
    assert!(
        out.stderr.ends_with("(see changes.tsv)\n"),
        "{}",
        out.stderr
    );
    let rows = tsv(&dir, "changes.tsv");
    assert_eq!(
        rows[0],
        [
            "value",
            "count",
            "status",
            "canonical",
            "id",
            "type",
            "match",
            "score",
            "candidates"
        ]
    );
    let k = report_row(&rows, "Kazakhastan");
    assert_eq!(k["count"], "2");
    assert_eq!(k["status"], "fixed");
    assert_eq!(k["canonical"], "Kazakhstan");
    assert_eq!(k["id"], "KZ");
    assert_eq!(k["type"], "country");
    assert_eq!(k["match"], "fuzzy");
    let t = report_row(&rows, "Kasym-Zhomart Tokaev");
    assert_eq!(t["canonical"], "Kassym-Jomart Tokayev");
    assert_eq!(t["id"], "kassym-jomart-tokayev");
    assert_eq!(t["match"], "exact");
    assert_eq!(t["score"], "1.00");
    let a = report_row(&rows, "Aliyev");
    assert_eq!(a["status"], "ambiguous");
    assert!(a["candidates"].contains("heydar-aliyev=Heydar Aliyev (person)"));
    assert!(a["candidates"].contains("ilham-aliyev=Ilham Aliyev (person)"));
    assert_eq!(report_row(&rows, "Foo Bar")["status"], "unresolved");
    assert_eq!(report_row(&rows, "Narnia")["match"], "none");
    // Correct values are not listed; the most frequent come first.
    assert!(!rows.iter().any(|r| r[0] == "Kazakhstan"));
    assert_eq!(rows[1][0], "Kazakhastan");
}

#[test]
fn text_mode_fixes_names_inside_cells() {
    let dir = scratch("text");
    write(
        &dir,
        "notes.csv",
        b"n,notes\n1,Talks in Kazakhastan with Qasim Jomart Tokayev\n2,\"Nothing, here\"\n",
    );
    let out = run(&dir, &["csv", "-c", "2", "--text", "notes.csv"], b"").ok();
    assert_eq!(
        out.text(),
        "n,notes\n1,Talks in Kazakhstan with Kassym-Jomart Tokayev\n2,\"Nothing, here\"\n"
    );
    assert!(out.stderr.contains("1 cell fixed"), "{}", out.stderr);
}

#[test]
fn propose_edit_decide_loop() {
    let dir = scratch("review");
    write(&dir, "in.csv", PEOPLE.as_bytes());
    let out = run(
        &dir,
        &[
            "csv",
            "-c",
            "country",
            "-c",
            "leader",
            "--propose",
            "review.tsv",
            "in.csv",
        ],
        b"",
    )
    .ok();
    assert!(out.stdout.is_empty(), "--propose writes no data");
    assert_eq!(read(&dir, "in.csv"), PEOPLE.as_bytes());
    let rows = tsv(&dir, "review.tsv");
    assert_eq!(rows[0].last().unwrap(), "decision");
    let k = report_row(&rows, "Kazakhastan");
    assert_eq!(k["proposal"], "Kazakhstan");
    assert_eq!(k["decision"], "accept");
    assert_eq!(report_row(&rows, "Aliyev")["decision"], "");
    // The user's edits: reject one proposal, choose a candidate, type a canonical.
    let edited: Vec<String> = String::from_utf8(read(&dir, "review.tsv"))
        .unwrap()
        .lines()
        .map(|l| {
            let mut cols: Vec<&str> = l.split('\t').collect();
            let last = cols.len() - 1;
            match cols[0] {
                "Kasym-Zhomart Tokaev" => cols[last] = "reject",
                "Aliyev" => cols[last] = "ilham-aliyev",
                "Foo Bar" => cols[last] = "Foo B. Bar",
                _ => {}
            }
            cols.join("\t")
        })
        .collect();
    write(&dir, "review.tsv", (edited.join("\n") + "\n").as_bytes());
    let out = run(
        &dir,
        &[
            "csv",
            "-c",
            "country",
            "-c",
            "leader",
            "--id",
            "leader=lid",
            "--decisions",
            "review.tsv",
            "in.csv",
        ],
        b"",
    )
    .ok();
    assert_eq!(
        out.text(),
        "id,country,leader,lid,city\n\
1,Kazakhstan,Kasym-Zhomart Tokaev,,Alma-Ata\n\
2,Kazakhstan,Kassym-Jomart Tokayev,kassym-jomart-tokayev,Almaty\n\
3,,Ilham Aliyev,ilham-aliyev,\n\
4,Narnia,Foo B. Bar,,Qwxyzt\n"
    );
    assert!(out.stderr.contains("1 rejected"), "{}", out.stderr);
    // A later file: values the decisions do not name are left alone.
    write(&dir, "later.csv", b"country\nKazakhastan\nUzbekstan\n");
    let out = run(
        &dir,
        &[
            "csv",
            "-c",
            "country",
            "--decisions",
            "review.tsv",
            "later.csv",
        ],
        b"",
    )
    .ok();
    assert_eq!(out.text(), "country\nKazakhstan\nUzbekstan\n");
    assert!(out.stderr.contains("1 undecided"), "{}", out.stderr);
    // The decisions as a user table.
    run(
        &dir,
        &[
            "csv",
            "--decisions",
            "review.tsv",
            "--export-table",
            "mine.tsv",
        ],
        b"",
    )
    .ok();
    let check = run(&dir, &["tables", "check", "mine.tsv"], b"").ok();
    assert!(check.stderr.contains("mine.tsv: ok"), "{}", check.stderr);
    let out = run(
        &dir,
        &[
            "--table",
            "mine.tsv",
            "lookup",
            "Foo Bar",
            "Kasym-Zhomart Tokaev",
        ],
        b"",
    )
    .ok();
    let text = out.text();
    assert!(text.contains("Foo Bar\tFoo B. Bar\t"), "{text}");
    assert!(
        text.contains("Kasym-Zhomart Tokaev\t\t"),
        "rejected stays: {text}"
    );
    // Folded into the user's existing simple table, which keeps its rows and format.
    write(
        &dir,
        "names.tsv",
        b"alias\tcanonical\nZhezkazgan\tJezkazgan\n",
    );
    let out = run(
        &dir,
        &["tables", "fold", "review.tsv", "--into", "names.tsv"],
        b"",
    )
    .ok();
    assert!(out.stderr.contains("folded into"), "{}", out.stderr);
    let table = String::from_utf8(read(&dir, "names.tsv")).unwrap();
    assert!(
        table.starts_with("alias\tcanonical\nZhezkazgan\tJezkazgan\n"),
        "{table}"
    );
    assert!(table.contains("Foo Bar\tFoo B. Bar\n"), "{table}");
    assert!(
        table.contains("Kasym-Zhomart Tokaev\t\n"),
        "rejected is protected: {table}"
    );
    let check = run(&dir, &["tables", "check", "names.tsv"], b"").ok();
    assert!(check.stderr.contains("names.tsv: ok"), "{}", check.stderr);
    // Folding again adds nothing and leaves the file as it is.
    run(
        &dir,
        &["tables", "fold", "review.tsv", "--into", "names.tsv"],
        b"",
    )
    .ok();
    assert_eq!(String::from_utf8(read(&dir, "names.tsv")).unwrap(), table);
    let out = run(
        &dir,
        &[
            "--table",
            "names.tsv",
            "lookup",
            "Foo Bar",
            "Kasym-Zhomart Tokaev",
        ],
        b"",
    )
    .ok();
    let text = out.text();
    assert!(text.contains("Foo Bar\tFoo B. Bar\t"), "{text}");
    assert!(text.contains("Kasym-Zhomart Tokaev\t\t"), "{text}");
}

#[test]
fn in_place_is_atomic() {
    let dir = scratch("inplace");
    write(&dir, "data.csv", PEOPLE.as_bytes());
    run(
        &dir,
        &["csv", "-c", "country", "--in-place", "data.csv"],
        b"",
    )
    .ok();
    let fixed = String::from_utf8(read(&dir, "data.csv")).unwrap();
    assert!(fixed.contains("1,Kazakhstan,Kasym-Zhomart Tokaev,Alma-Ata\n"));
    // -o FILE
    run(
        &dir,
        &["csv", "-c", "city", "-o", "out.csv", "data.csv"],
        b"",
    )
    .ok();
    assert!(String::from_utf8(read(&dir, "out.csv"))
        .unwrap()
        .contains(",Almaty\n"));

    // -o to a pipe (or a device): written into, never replaced by a file.
    let fifo = dir.join("fifo");
    if Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .is_ok_and(|s| s.success())
    {
        let f2 = fifo.clone();
        let reader = std::thread::spawn(move || std::fs::read(&f2).unwrap());
        run(
            &dir,
            &["csv", "-c", "country", "-q", "-o", "fifo", "data.csv"],
            b"",
        )
        .ok();
        let got = reader.join().unwrap();
        assert_eq!(got, read(&dir, "data.csv"));
        use std::os::unix::fs::FileTypeExt;
        assert!(std::fs::metadata(&fifo).unwrap().file_type().is_fifo());
    }

    // A bad row: error, the file untouched, no temporary file left.
    let bad = b"country,n\nKazakhastan,1\nKazakhastan,2,3\n";
    write(&dir, "bad.csv", bad);
    let out = run(
        &dir,
        &["csv", "-c", "country", "--in-place", "bad.csv"],
        b"",
    );
    assert_eq!(out.code, Some(2));
    assert_eq!(read(&dir, "bad.csv"), bad);
    let names: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert!(!names.iter().any(|n| n.ends_with(".tmp")), "{names:?}");

    // A read-only directory: a clear error, the file intact.
    let ro = dir.join("ro");
    std::fs::create_dir_all(&ro).unwrap();
    write(&ro, "data.csv", PEOPLE.as_bytes());
    let Some(_guard) = ReadOnly::make(&ro) else {
        // In CI the environment must allow it: a skipped check there would pass vacuously.
        assert!(
            std::env::var_os("CI").is_none(),
            "CI is set but a directory cannot be made read-only here"
        );
        eprintln!("skipped: cannot make a directory read-only here");
        return;
    };
    let out = run(
        &dir,
        &["csv", "-c", "country", "--in-place", "ro/data.csv"],
        b"",
    );
    assert_eq!(out.code, Some(2), "{}", out.stderr);
    assert!(
        out.stderr.contains("cannot create a temporary file in ro"),
        "{}",
        out.stderr
    );
    assert_eq!(out.stderr.lines().count(), 1, "{}", out.stderr);
    assert_eq!(read(&ro, "data.csv"), PEOPLE.as_bytes());
}

/// A directory made read-only (mode 555, and `chattr +i` when running as root), restored
/// on drop.
struct ReadOnly {
    dir: PathBuf,
    immutable: bool,
}

impl ReadOnly {
    fn make(dir: &Path) -> Option<ReadOnly> {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o555)).ok()?;
        let mut g = ReadOnly {
            dir: dir.to_path_buf(),
            immutable: false,
        };
        let probe = dir.join(".probe");
        if std::fs::write(&probe, b"x").is_ok() {
            // Root ignores modes: try the immutable attribute.
            let _ = std::fs::remove_file(&probe);
            let ok = Command::new("chattr")
                .arg("+i")
                .arg(dir)
                .stderr(Stdio::null())
                .status()
                .is_ok_and(|s| s.success());
            if !ok {
                return None;
            }
            g.immutable = true;
            if std::fs::write(&probe, b"x").is_ok() {
                return None;
            }
        }
        Some(g)
    }
}

impl Drop for ReadOnly {
    fn drop(&mut self) {
        use std::os::unix::fs::PermissionsExt;
        if self.immutable {
            let _ = Command::new("chattr").arg("-i").arg(&self.dir).status();
        }
        let _ = std::fs::set_permissions(&self.dir, std::fs::Permissions::from_mode(0o755));
    }
}

#[test]
fn bad_rows_fail_or_pass_leniently() {
    let dir = scratch("bad");
    let cases: [(&str, &[u8], &str); 3] = [
        (
            "ragged.csv",
            b"country,n\nKazakhastan,1\nUzbekistan,2,3\nAlma-Ata,4\n",
            "ragged.csv: row 3 (byte 24): 3 fields where the header has 2",
        ),
        (
            "quote.csv",
            b"country,n\nKazakhastan,1\n\"Alma-Ata,4\nx,5\n",
            "quote.csv: row 3 (byte 24): unterminated quoted field",
        ),
        (
            "utf8.csv",
            b"country,n\nKazakhastan,1\nKaz\xffakhstan,2\nAlma-Ata,4\n",
            "utf8.csv: row 3 (byte 27): invalid UTF-8 in column 1 (\"country\")",
        ),
    ];
    for (name, bytes, msg) in cases {
        write(&dir, name, bytes);
        let out = run(&dir, &["csv", "-c", "country", name], b"");
        assert_eq!(out.code, Some(2), "{name}: {}", out.stderr);
        assert!(out.stdout.is_empty(), "{name}: nothing written");
        assert_eq!(out.stderr.lines().count(), 1, "{}", out.stderr);
        assert!(
            out.stderr.starts_with(&format!("normalize: {msg}")),
            "{name}: {}",
            out.stderr
        );
        let out = run(&dir, &["csv", "-c", "country", "--lenient", name], b"").ok();
        assert!(
            out.stderr.contains("1 bad row copied unchanged"),
            "{}",
            out.stderr
        );
        // The bad row is copied as it was; the good rows are fixed.
        let want: Vec<u8> = String::from_utf8_lossy(bytes)
            .replace("Kazakhastan,1", "Kazakhstan,1")
            .into_bytes();
        if name == "utf8.csv" {
            assert!(out.stdout.windows(13).any(|w| w == b"Kaz\xffakhstan,2"));
            assert!(out.stdout.starts_with(b"country,n\nKazakhstan,1\n"));
            assert!(out.stdout.ends_with(b"Almaty,4\n"));
        } else if name == "quote.csv" {
            // The quote swallows the rest of the file: one bad row.
            assert_eq!(out.stdout, want);
        } else {
            assert_eq!(
                String::from_utf8(out.stdout).unwrap(),
                String::from_utf8(want)
                    .unwrap()
                    .replace("Alma-Ata,4", "Almaty,4")
            );
        }
    }
}

#[test]
fn output_is_the_same_for_one_and_several_threads() {
    let dir = scratch("threads");
    let values = [
        "Kazakhastan",
        "Kazakhstan",
        "Kasym-Zhomart Tokaev",
        "Alma-Ata",
        "Aliyev",
        "Springfield",
        "Uzbekstan",
        "Toqaev",
        "Nowhere Land",
        "\"Quoted, Kazakhastan\"",
        "",
        " Almaty ",
    ];
    let mut csv = String::from("n,a,b\n");
    for i in 0..5000 {
        let a = values[i % values.len()];
        let b = values[(i * 7 + 3) % values.len()];
        csv.push_str(&format!("{i},{a},{b}\n"));
        if i % 11 == 0 {
            csv.push_str(&format!("{i},unique{i},Kazakh{i}\n"));
        }
    }
    write(&dir, "in.csv", csv.as_bytes());
    let mut outs = Vec::new();
    for threads in ["1", "4"] {
        let report = format!("report{threads}.tsv");
        let out = run(
            &dir,
            &[
                "csv",
                "-c",
                "a",
                "-c",
                "b",
                "--id",
                "a=a_id",
                "--threads",
                threads,
                "--batch-rows",
                "700",
                "--report",
                &report,
                "in.csv",
            ],
            b"",
        )
        .ok();
        let stderr = out.stderr.replace(&report, "REPORT");
        outs.push((out.stdout, stderr, read(&dir, &report)));
    }
    assert!(outs[0] == outs[1], "outputs differ between 1 and 4 threads");
    // Batches do not change the result either.
    let one_batch = run(
        &dir,
        &["csv", "-c", "a", "-c", "b", "--id", "a=a_id", "in.csv"],
        b"",
    )
    .ok();
    assert!(
        one_batch.stdout == outs[0].0,
        "outputs differ between batch sizes"
    );
    assert!(
        outs[0].1.starts_with("normalize: 5,455 rows,"),
        "{}",
        outs[0].1
    );
}

/// Names in `dir` that look like leftover temporary files.
fn temp_files(dir: &Path) -> Vec<String> {
    std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".tmp"))
        .collect()
}

#[test]
fn in_place_commits_nothing_when_a_report_cannot_be_written() {
    let dir = scratch("in-place-report");
    write(&dir, "data.csv", PEOPLE.as_bytes());
    std::fs::create_dir_all(dir.join("adir")).unwrap();
    for report in ["adir", "missing/r.tsv"] {
        let out = run(
            &dir,
            &[
                "csv",
                "-c",
                "country",
                "--in-place",
                "--report",
                report,
                "data.csv",
            ],
            b"",
        );
        assert_eq!(out.code, Some(2), "{report}: {}", out.stderr);
        assert_eq!(out.stderr.lines().count(), 1, "{}", out.stderr);
        assert_eq!(read(&dir, "data.csv"), PEOPLE.as_bytes(), "{report}");
        assert!(temp_files(&dir).is_empty(), "{:?}", temp_files(&dir));
    }
    // User-named outputs never get their directories created.
    assert!(!dir.join("missing").exists());
    let out = run(
        &dir,
        &["csv", "-c", "country", "-o", "new/out.csv", "data.csv"],
        b"",
    );
    assert_eq!(out.code, Some(2), "{}", out.stderr);
    assert!(!dir.join("new").exists());
}

#[test]
fn outputs_that_are_the_input_are_refused() {
    let dir = scratch("same-file");
    write(&dir, "data.csv", PEOPLE.as_bytes());
    std::os::unix::fs::symlink("data.csv", dir.join("link.csv")).unwrap();
    for args in [
        &["-o", "data.csv"][..],
        &["-o", "./link.csv"],
        &["--report", "data.csv"],
        &["--in-place", "--report", "link.csv"],
        &["--propose", "data.csv"],
    ] {
        let mut a = vec!["csv", "-c", "country"];
        a.extend_from_slice(args);
        a.push("data.csv");
        let out = run(&dir, &a, b"");
        assert_eq!(out.code, Some(2), "{args:?}: {}", out.stderr);
        assert_eq!(out.stderr.lines().count(), 1, "{}", out.stderr);
        assert!(out.stderr.contains("same file"), "{}", out.stderr);
        assert_eq!(read(&dir, "data.csv"), PEOPLE.as_bytes(), "{args:?}");
    }
    // The decisions file is an input too.
    run(
        &dir,
        &[
            "csv",
            "-c",
            "country",
            "--propose",
            "review.tsv",
            "data.csv",
        ],
        b"",
    )
    .ok();
    let review = read(&dir, "review.tsv");
    let out = run(
        &dir,
        &[
            "csv",
            "--decisions",
            "review.tsv",
            "--export-table",
            "review.tsv",
        ],
        b"",
    );
    assert_eq!(out.code, Some(2), "{}", out.stderr);
    assert_eq!(read(&dir, "review.tsv"), review);
}

#[test]
fn decisions_with_a_byte_order_mark() {
    let dir = scratch("decisions-bom");
    write(&dir, "data.csv", PEOPLE.as_bytes());
    run(
        &dir,
        &[
            "csv",
            "-c",
            "country",
            "--propose",
            "review.tsv",
            "data.csv",
        ],
        b"",
    )
    .ok();
    let mut review = b"\xEF\xBB\xBF".to_vec();
    review.extend(read(&dir, "review.tsv"));
    write(&dir, "review.tsv", &review);
    let out = run(
        &dir,
        &[
            "csv",
            "-c",
            "country",
            "--decisions",
            "review.tsv",
            "data.csv",
        ],
        b"",
    )
    .ok();
    assert!(
        String::from_utf8(out.stdout)
            .unwrap()
            .contains("1,Kazakhstan,"),
        "{}",
        out.stderr
    );
}

#[test]
fn id_column_names_must_be_new_and_given_once() {
    let dir = scratch("id-names");
    write(&dir, "data.csv", PEOPLE.as_bytes());
    for args in [
        &["--id", "city"][..],
        &["--id", "country=leader"],
        &["--id", "country=a", "--id", "country=b"],
        &["--id", "a", "--id", "country=b"],
    ] {
        let mut a = vec!["csv", "-c", "country"];
        a.extend_from_slice(args);
        a.push("data.csv");
        let out = run(&dir, &a, b"");
        assert_eq!(out.code, Some(2), "{args:?}: {}", out.stderr);
        assert_eq!(out.stderr.lines().count(), 1, "{}", out.stderr);
        assert!(out.stdout.is_empty());
    }
    run(
        &dir,
        &["csv", "-c", "country", "--id", "country_id", "data.csv"],
        b"",
    )
    .ok();
}

#[test]
fn configuration_is_discovered_from_the_input() {
    let dir = scratch("csv-config");
    std::fs::create_dir_all(dir.join("sub")).unwrap();
    write(&dir, "sub/data.csv", PEOPLE.as_bytes());
    write(
        &dir,
        ".normalize.toml",
        b"ignore = [\"Kazakhastan\"]\ntables = [\"names.tsv\"]\n",
    );
    write(
        &dir,
        "names.tsv",
        b"alias\tcanonical\nQwxyzt\tQwerty Town\n",
    );
    let out = run(
        &dir,
        &["csv", "-c", "country", "-c", "city", "sub/data.csv"],
        b"",
    )
    .ok();
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("1,Kazakhastan,"), "ignored: {text}");
    assert!(text.contains(",Qwerty Town\n"), "configured table: {text}");
    // --no-config, and --config FILE.
    let out = run(
        &dir,
        &[
            "csv",
            "--no-config",
            "-c",
            "country",
            "-c",
            "city",
            "sub/data.csv",
        ],
        b"",
    )
    .ok();
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("1,Kazakhstan,"), "{text}");
    assert!(text.contains(",Qwxyzt\n"), "{text}");
    write(&dir, "other.toml", b"ignore = [\"Alma-Ata\"]\n");
    let out = run(
        &dir,
        &[
            "csv",
            "--config",
            "other.toml",
            "-c",
            "country",
            "-c",
            "city",
            "sub/data.csv",
        ],
        b"",
    )
    .ok();
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        text.contains("1,Kazakhstan,Kasym-Zhomart Tokaev,Alma-Ata\n"),
        "{text}"
    );
    // Standard input: from the current directory.
    let out = run(&dir, &["csv", "-c", "country"], PEOPLE.as_bytes()).ok();
    assert!(String::from_utf8(out.stdout)
        .unwrap()
        .contains("1,Kazakhastan,"));
}

#[test]
fn another_towns_own_name_stays_in_a_column_of_own_names() {
    let dir = scratch("own-names");
    // Places by their own (GeoNames main) names: `Landen`, a town in Belgium, is also a
    // GeoNames alternate name of London, and `Dualla`, in Côte d'Ivoire, one of Douala.
    write(
        &dir,
        "own.csv",
        "place\nMiskolc\nBerlin\nBratislava\nLjubljana\nLanden\nDualla\n".as_bytes(),
    );
    let out = run(&dir, &["csv", "-c", "place", "--id", "id", "own.csv"], b"").ok();
    let text = out.text();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines[0], "place,id");
    assert_eq!(lines[5], "Landen,", "{text}");
    assert_eq!(lines[6], "Dualla,", "{text}");
    assert!(lines[2].starts_with("Berlin,") && lines[2].len() > "Berlin,".len());
    // Places by their French names, found through the same alternate names: resolved.
    write(
        &dir,
        "fr.csv",
        "place\nLondres\nMoscou\nPékin\nVarsovie\n".as_bytes(),
    );
    let out = run(&dir, &["csv", "-c", "place", "--id", "id", "fr.csv"], b"").ok();
    assert_eq!(
        out.text(),
        "place,id\nLondon,2643743\nMoscow,524901\nBeijing,1816670\nWarsaw,756135\n"
    );
}

#[test]
fn codes_are_read_only_in_columns_of_countries_or_codes() {
    let dir = scratch("codes");
    let input = "city,iso2,dept\nParis,de,IT\nLyon,fr,HR\nCAN,it,PR\nBerlin,276,QA\nTUR,gb,FI\n";
    let out = run(
        &dir,
        &[
            "csv", "--column", "city", "--column", "iso2", "--column", "dept",
        ],
        input.as_bytes(),
    )
    .ok();
    assert_eq!(
        out.text(),
        "city,iso2,dept\nParis,Germany,IT\nLyon,France,HR\nCAN,Italy,PR\nBerlin,Germany,QA\nTUR,United Kingdom,FI\n"
    );
    // The report says what the data got.
    run(
        &dir,
        &[
            "csv",
            "--column",
            "iso2",
            "--report",
            "report.tsv",
            "-o",
            "out.csv",
        ],
        input.as_bytes(),
    )
    .ok();
    let rows = tsv(&dir, "report.tsv");
    let de = report_row(&rows, "de");
    assert_eq!(
        (
            de["status"].as_str(),
            de["id"].as_str(),
            de["match"].as_str()
        ),
        ("fixed", "DE", "code")
    );
    // A column of countries reads its codes too.
    let input = "country\nGermany\nFrance\nDEU\nItaly\nTUR\n";
    let out = run(&dir, &["csv", "--column", "country"], input.as_bytes()).ok();
    assert_eq!(
        out.text(),
        "country\nGermany\nFrance\nGermany\nItaly\nTurkey\n"
    );
}
