//! Helpers shared by the integration tests (each test file declares `mod common;`): scratch
//! directories, test files, and running the real binary with input on standard input.
//! Not every test file uses every helper.
#![allow(dead_code)]

use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

/// A fresh, empty directory unique to one test (and to this test process):
/// `$TMPDIR/normalize-{suite}-{pid}-{name}`, with an empty `{cache}` subdirectory.
pub fn scratch(suite: &str, cache: &str, name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("normalize-{suite}-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(dir.join(cache)).expect("create scratch dir");
    dir
}

/// Writes `dir/name` (creating its parent directories).
pub fn write(dir: &Path, name: &str, contents: impl AsRef<[u8]>) {
    let p = dir.join(name);
    std::fs::create_dir_all(p.parent().unwrap()).unwrap();
    std::fs::write(p, contents).expect("write test file");
}

/// The bytes of `dir/name`.
pub fn read_bytes(dir: &Path, name: &str) -> Vec<u8> {
    std::fs::read(dir.join(name)).expect("read test file")
}

/// The text of `dir/name`.
pub fn read_string(dir: &Path, name: &str) -> String {
    std::fs::read_to_string(dir.join(name)).unwrap()
}

/// The `normalize` binary with its table cache in `cache`.
pub fn normalize(cache: impl AsRef<Path>) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_normalize"));
    cmd.env("NORMALIZE_CACHE_DIR", cache.as_ref());
    cmd
}

/// The `normalize` binary run in `dir`, with its table cache in `dir/{cache}`.
pub fn normalize_in(dir: &Path, cache: &str) -> Command {
    let mut cmd = normalize(dir.join(cache));
    cmd.current_dir(dir);
    cmd
}

/// Runs `cmd` with all three standard streams piped, writing `input` to its standard input
/// from another thread, and waits for it. Returns its output and the result of writing the
/// input: the binary may exit without reading its input (errors, NAME arguments), so callers
/// that allow that ignore the second (EPIPE); the exit status is not checked here.
pub fn pipe(cmd: &mut Command, input: &[u8]) -> (std::process::Output, io::Result<()>) {
    let mut child = cmd
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn normalize");
    let mut stdin = child.stdin.take().unwrap();
    let input = input.to_vec();
    let writer = std::thread::spawn(move || stdin.write_all(&input));
    let out = child.wait_with_output().expect("wait for normalize");
    let wrote = writer.join().unwrap();
    (out, wrote)
}

/// Exit code and UTF-8 standard output and error of a run.
pub struct Output {
    pub code: Option<i32>,
    pub stdout: String,
    pub stderr: String,
}

/// Runs `cmd` as [`pipe`] does, whatever its exit status and whether or not it read its input;
/// returns its exit code and its output, which must be UTF-8.
pub fn run_text(cmd: &mut Command, input: &[u8]) -> Output {
    let (out, _) = pipe(cmd, input);
    Output {
        code: out.status.code(),
        stdout: String::from_utf8(out.stdout).expect("stdout is UTF-8"),
        stderr: String::from_utf8(out.stderr).expect("stderr is UTF-8"),
    }
}
