//! Language-server responsiveness: `cargo bench --bench lsp`.
//!
//! Starts the real binary (`normalize lsp`) over stdio, opens a generated 100 KB news-like
//! Markdown draft (prose, correct names, about 1 % variant names), then sends 50 incremental
//! edits (`didChange` with one range edit each, spread over the document) and measures, for
//! each, the time from writing the notification to reading the `publishDiagnostics` of that
//! version: the whole round trip (JSON-RPC framing, edit, re-check of the document, position
//! conversion, serialisation). Target: median under 50 ms.

mod common;

use std::io::{BufRead, BufReader, Read, Write};
use std::process::{ChildStdin, Command, Stdio};
use std::sync::mpsc::{channel, Receiver};
use std::time::{Duration, Instant};

use common::Rng;
use serde_json::{json, Value};

const NAMES: &[&str] = &[
    "Kazakhstan",
    "Kassym-Jomart Tokayev",
    "Astana",
    "Almaty",
    "Germany",
    "Olaf Scholz",
    "Emmanuel Macron",
    "Paris",
    "Beijing",
    "Xi Jinping",
    "United Nations",
    "NATO",
    "Zürich",
    "São Paulo",
    "Kraków",
    "Recep Tayyip Erdoğan",
];

const VARIANTS: &[&str] = &[
    "Kazakhastan",
    "Qasim Jomart Tokayev",
    "Toqaev",
    "Kyrgysztan",
    "Uzbekstan",
    "Afganistan",
    "Macronn",
    "KAZAKHASTAN",
];

/// A news-like Markdown draft of about `bytes` bytes, one paragraph per line.
fn draft(bytes: usize, rng: &mut Rng) -> String {
    let words: Vec<String> = std::fs::read_to_string("data/english-words.txt")
        .expect("run from the repository root")
        .lines()
        .filter(|w| w.len() <= 9 && !w.contains('\''))
        .step_by(7)
        .map(str::to_string)
        .collect();
    let mut out = String::from("# Draft\n\n");
    while out.len() < bytes {
        let sentences = 3 + rng.below(4);
        for s in 0..sentences {
            let n = 8 + rng.below(12);
            for i in 0..n {
                if i > 0 {
                    out.push(' ');
                }
                let r = rng.below(100);
                let w = if r < 1 {
                    VARIANTS[rng.below(VARIANTS.len())].to_string()
                } else if r < 6 {
                    NAMES[rng.below(NAMES.len())].to_string()
                } else {
                    words[rng.below(words.len())].clone()
                };
                if i == 0 {
                    let mut c = w.chars();
                    let first = c.next().unwrap();
                    out.extend(first.to_uppercase());
                    out.push_str(c.as_str());
                } else {
                    out.push_str(&w);
                }
            }
            out.push_str(if s + 1 == sentences { ".\n\n" } else { ". " });
        }
    }
    out
}

struct Client {
    stdin: ChildStdin,
    rx: Receiver<Value>,
}

impl Client {
    fn send(&mut self, v: Value) {
        let body = serde_json::to_vec(&v).unwrap();
        write!(self.stdin, "Content-Length: {}\r\n\r\n", body.len()).unwrap();
        self.stdin.write_all(&body).unwrap();
        self.stdin.flush().unwrap();
    }

    fn wait(&mut self, pred: impl Fn(&Value) -> bool) -> Value {
        loop {
            let m = self
                .rx
                .recv_timeout(Duration::from_secs(60))
                .expect("a message from the server");
            if pred(&m) {
                return m;
            }
        }
    }
}

fn percentile(sorted: &[f64], p: f64) -> f64 {
    sorted[((sorted.len() - 1) as f64 * p).round() as usize]
}

fn main() {
    let mut rng = Rng(0x2545_F491_4F6C_DD1D);
    let text = draft(100_000, &mut rng);
    let lines: Vec<&str> = text.split('\n').collect();
    let cache = std::env::temp_dir().join(format!("normalize-bench-lsp-{}", std::process::id()));
    let mut child = Command::new(env!("CARGO_BIN_EXE_normalize"))
        .arg("lsp")
        .env("NORMALIZE_CACHE_DIR", &cache)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("spawn normalize lsp");
    let stdout = child.stdout.take().unwrap();
    let (tx, rx) = channel();
    std::thread::spawn(move || {
        let mut r = BufReader::new(stdout);
        loop {
            let mut len = 0;
            loop {
                let mut line = String::new();
                if r.read_line(&mut line).unwrap_or(0) == 0 {
                    return;
                }
                let line = line.trim_end();
                if line.is_empty() {
                    break;
                }
                if let Some(v) = line.strip_prefix("Content-Length: ") {
                    len = v.parse().unwrap();
                }
            }
            let mut body = vec![0; len];
            r.read_exact(&mut body).unwrap();
            if tx
                .send(serde_json::from_slice::<Value>(&body).unwrap())
                .is_err()
            {
                return;
            }
        }
    });
    let mut c = Client {
        stdin: child.stdin.take().unwrap(),
        rx,
    };
    c.send(json!({"jsonrpc": "2.0", "id": 1, "method": "initialize",
                  "params": {"processId": null, "rootUri": null, "capabilities": {}}}));
    c.wait(|m| m["id"] == 1);
    c.send(json!({"jsonrpc": "2.0", "method": "initialized", "params": {}}));
    let uri = "file:///bench/draft.md";
    let is_diags = |version: i64| {
        move |m: &Value| {
            m["method"] == "textDocument/publishDiagnostics" && m["params"]["version"] == version
        }
    };
    let t = Instant::now();
    c.send(
        json!({"jsonrpc": "2.0", "method": "textDocument/didOpen", "params": {
        "textDocument": {"uri": uri, "languageId": "markdown", "version": 1, "text": text}}}),
    );
    let m = c.wait(is_diags(1));
    let open_ms = t.elapsed().as_secs_f64() * 1e3;
    let findings = m["params"]["diagnostics"].as_array().unwrap().len();

    // Edits: insert a short phrase (a correct name or a variant) at the start of a random
    // non-empty line; the document grows by a few bytes per edit.
    let warmup = 5;
    let edits = 50;
    let mut times = Vec::new();
    for i in 0..warmup + edits {
        let version = 2 + i as i64;
        let line = loop {
            let l = rng.below(lines.len());
            if !lines[l].is_empty() && !lines[l].starts_with('#') {
                break l;
            }
        };
        let phrase = if i % 2 == 0 {
            format!("{} said. ", VARIANTS[rng.below(VARIANTS.len())])
        } else {
            format!("{} said. ", NAMES[rng.below(NAMES.len())])
        };
        let t = Instant::now();
        c.send(
            json!({"jsonrpc": "2.0", "method": "textDocument/didChange", "params": {
            "textDocument": {"uri": uri, "version": version},
            "contentChanges": [{"range": {"start": {"line": line, "character": 0},
                                          "end": {"line": line, "character": 0}},
                                "text": phrase}]}}),
        );
        c.wait(is_diags(version));
        if i >= warmup {
            times.push(t.elapsed().as_secs_f64() * 1e3);
        }
    }
    c.send(json!({"jsonrpc": "2.0", "id": 2, "method": "shutdown", "params": null}));
    c.wait(|m| m["id"] == 2);
    c.send(json!({"jsonrpc": "2.0", "method": "exit", "params": null}));
    let status = child.wait().unwrap();
    let _ = std::fs::remove_dir_all(&cache);

    times.sort_by(|a, b| a.partial_cmp(b).unwrap());
    let median = percentile(&times, 0.5);
    println!(
        "document: {} bytes, {} lines, {findings} findings",
        text.len(),
        lines.len()
    );
    println!("didOpen -> publishDiagnostics: {open_ms:.2} ms (first check, cold caches)");
    println!(
        "didChange -> publishDiagnostics over {edits} edits: median {median:.2} ms, p90 {:.2} ms, max {:.2} ms, min {:.2} ms",
        percentile(&times, 0.9),
        times[times.len() - 1],
        times[0]
    );
    println!(
        "target median < 50 ms: {}",
        if median < 50.0 { "met" } else { "NOT MET" }
    );
    println!("server exit status: {status}");
}
