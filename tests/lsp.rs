//! The language server driven over stdio: a scripted JSON-RPC client (initialize with and
//! without UTF-8 positions, didOpen, didChange, codeAction, hover, executeCommand, shutdown,
//! exit), a client that sends everything wrong (oversized, invalid and unknown messages, edits
//! past the end, documents never opened, requests after shutdown), and an end-to-end run in
//! headless Neovim when `nvim` is installed.

use std::io::{BufRead, BufReader, Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc::{channel, Receiver};
use std::time::{Duration, Instant};

use serde_json::{json, Value};

mod common;

const TIMEOUT: Duration = Duration::from_secs(30);

const DRAFT: &str =
    "# Draft\n\n😀 Kazakhastan hosted the talks.\nQasim Jomart Tokayev met the press.\n";

/// A fresh, empty directory unique to one test (and to this test process).
fn scratch(name: &str) -> PathBuf {
    common::scratch("lsp", "cache", name)
}

fn file_uri(path: &Path) -> String {
    format!("file://{}", path.display())
}

struct Client {
    child: Child,
    stdin: Option<ChildStdin>,
    rx: Receiver<Value>,
    backlog: Vec<Value>,
    next_id: i64,
}

impl Client {
    fn start(dir: &Path) -> Client {
        let mut child = common::normalize_in(dir, "cache")
            .arg("lsp")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("spawn normalize lsp");
        let stdin = child.stdin.take();
        let stdout = child.stdout.take().unwrap();
        let (tx, rx) = channel();
        std::thread::spawn(move || {
            let mut r = BufReader::new(stdout);
            loop {
                let mut len = None;
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
                        len = Some(v.parse::<usize>().expect("Content-Length"));
                    }
                }
                let mut body = vec![0; len.expect("a Content-Length header")];
                r.read_exact(&mut body).expect("message body");
                let v: Value = serde_json::from_slice(&body).expect("JSON message");
                if tx.send(v).is_err() {
                    return;
                }
            }
        });
        Client {
            child,
            stdin,
            rx,
            backlog: Vec::new(),
            next_id: 0,
        }
    }

    fn send(&mut self, v: Value) {
        let body = serde_json::to_vec(&v).unwrap();
        self.send_body(&body);
    }

    /// Sends `body` as one message, whatever it holds.
    fn send_body(&mut self, body: &[u8]) {
        let stdin = self.stdin.as_mut().expect("stdin open");
        write!(stdin, "Content-Length: {}\r\n\r\n", body.len()).unwrap();
        stdin.write_all(body).unwrap();
        stdin.flush().unwrap();
    }

    /// Sends raw bytes.
    fn send_raw(&mut self, bytes: &[u8]) {
        let stdin = self.stdin.as_mut().expect("stdin open");
        stdin.write_all(bytes).unwrap();
        stdin.flush().unwrap();
    }

    /// The next error response without an id (`"id": null`).
    fn error_without_id(&mut self) -> Value {
        self.wait_for(|m| m["id"].is_null() && m.get("error").is_some())
    }

    fn notify(&mut self, method: &str, params: Value) {
        self.send(json!({"jsonrpc": "2.0", "method": method, "params": params}));
    }

    /// Sends a request and returns its response (other messages are kept for later).
    fn request(&mut self, method: &str, params: Value) -> Value {
        self.next_id += 1;
        let id = self.next_id;
        self.send(json!({"jsonrpc": "2.0", "id": id, "method": method, "params": params}));
        self.wait_for(|m| m["id"] == json!(id) && m.get("method").is_none())
    }

    /// The first message (kept or new) that satisfies `pred`.
    fn wait_for(&mut self, pred: impl Fn(&Value) -> bool) -> Value {
        if let Some(i) = self.backlog.iter().position(&pred) {
            return self.backlog.remove(i);
        }
        let deadline = Instant::now() + TIMEOUT;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            let m = self
                .rx
                .recv_timeout(left)
                .unwrap_or_else(|_| panic!("no expected message; kept: {:#?}", self.backlog));
            if pred(&m) {
                return m;
            }
            self.backlog.push(m);
        }
    }

    /// The diagnostics published for `uri` at `version`.
    fn diagnostics(&mut self, uri: &str, version: i64) -> Vec<Value> {
        let m = self.wait_for(|m| {
            m["method"] == "textDocument/publishDiagnostics"
                && m["params"]["uri"] == uri
                && m["params"]["version"] == json!(version)
        });
        m["params"]["diagnostics"].as_array().unwrap().clone()
    }

    fn initialize(&mut self, dir: &Path, encodings: Option<&[&str]>) -> Value {
        let mut caps = json!({
            "textDocument": {
                "publishDiagnostics": {"relatedInformation": false},
                "codeAction": {"codeActionLiteralSupport": {"codeActionKind": {"valueSet": ["quickfix", "source.fixAll"]}}},
                "hover": {"contentFormat": ["markdown", "plaintext"]},
            },
        });
        if let Some(e) = encodings {
            caps["general"] = json!({"positionEncodings": e});
        }
        let r = self.request(
            "initialize",
            json!({
                "processId": std::process::id(),
                "rootUri": file_uri(dir),
                "capabilities": caps,
            }),
        );
        self.notify("initialized", json!({}));
        r["result"].clone()
    }

    fn open(&mut self, uri: &str, text: &str) {
        self.notify(
            "textDocument/didOpen",
            json!({"textDocument": {"uri": uri, "languageId": "markdown", "version": 1, "text": text}}),
        );
    }

    /// shutdown, exit, and the exit code.
    fn finish(mut self) -> Option<i32> {
        let r = self.request("shutdown", Value::Null);
        assert_eq!(r["result"], Value::Null, "{r}");
        self.notify("exit", Value::Null);
        drop(self.stdin.take());
        wait_timeout(&mut self.child, TIMEOUT)
    }
}

impl Drop for Client {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn wait_timeout(child: &mut Child, t: Duration) -> Option<i32> {
    let deadline = Instant::now() + t;
    loop {
        if let Some(s) = child.try_wait().unwrap() {
            return s.code();
        }
        assert!(Instant::now() < deadline, "process did not exit");
        std::thread::sleep(Duration::from_millis(20));
    }
}

fn find<'a>(diags: &'a [Value], found: &str) -> &'a Value {
    diags
        .iter()
        .find(|d| d["message"].as_str().unwrap().starts_with(found))
        .unwrap_or_else(|| panic!("no diagnostic for {found}: {diags:#?}"))
}

fn range(l0: u32, c0: u32, l1: u32, c1: u32) -> Value {
    json!({"start": {"line": l0, "character": c0}, "end": {"line": l1, "character": c1}})
}

/// Applies LSP text edits (UTF-16 positions) to `text`.
fn apply_edits(text: &str, edits: &[Value]) -> String {
    let offset = |p: &Value| {
        let (line, ch) = (
            p["line"].as_u64().unwrap(),
            p["character"].as_u64().unwrap(),
        );
        let start: usize = text
            .split_inclusive('\n')
            .take(line as usize)
            .map(str::len)
            .sum();
        let mut units = 0;
        for (i, c) in text[start..].char_indices() {
            if units >= ch {
                return start + i;
            }
            units += c.len_utf16() as u64;
        }
        text.len()
    };
    let mut edits: Vec<&Value> = edits.iter().collect();
    edits.sort_by_key(|e| std::cmp::Reverse(offset(&e["range"]["start"])));
    let mut out = text.to_string();
    for e in edits {
        let (a, b) = (offset(&e["range"]["start"]), offset(&e["range"]["end"]));
        out.replace_range(a..b, e["newText"].as_str().unwrap());
    }
    out
}

#[test]
fn utf16_session() {
    let dir = scratch("utf16");
    let path = dir.join("draft.md");
    std::fs::write(&path, DRAFT).unwrap();
    let uri = file_uri(&path);
    let mut c = Client::start(&dir);
    let init = c.initialize(&dir, None);
    assert_eq!(init["capabilities"]["positionEncoding"], "utf-16");
    assert_eq!(init["capabilities"]["textDocumentSync"]["change"], 2);
    assert_eq!(init["serverInfo"]["name"], "normalize");

    c.open(&uri, DRAFT);
    let diags = c.diagnostics(&uri, 1);
    assert_eq!(diags.len(), 2, "{diags:#?}");
    let k = find(&diags, "Kazakhastan -> Kazakhstan (");
    // 😀 is two UTF-16 code units: Kazakhastan starts at character 3.
    assert_eq!(k["range"], range(2, 3, 2, 14));
    assert_eq!(k["severity"], 2);
    assert_eq!(k["source"], "normalize");
    assert_eq!(k["code"], "fuzzy");
    assert!(k["message"].as_str().unwrap().contains("country KZ"), "{k}");
    let t = find(&diags, "Qasim Jomart Tokayev -> Kassym-Jomart Tokayev (");
    assert_eq!(t["range"], range(3, 0, 3, 20));
    assert_eq!(t["code"], "translit");

    // Hover on the misspelling.
    let h = c.request(
        "textDocument/hover",
        json!({"textDocument": {"uri": uri}, "position": {"line": 2, "character": 6}}),
    );
    let value = h["result"]["contents"]["value"].as_str().unwrap();
    for part in [
        "Kazakhstan",
        "`KZ`",
        "country",
        "fuzzy (edit distance 1)",
        "0.91",
        "safe",
    ] {
        assert!(value.contains(part), "hover lacks {part}: {value}");
    }
    assert_eq!(h["result"]["range"], range(2, 3, 2, 14));
    // Nothing to say elsewhere.
    let h = c.request(
        "textDocument/hover",
        json!({"textDocument": {"uri": uri}, "position": {"line": 0, "character": 1}}),
    );
    assert_eq!(h["result"], Value::Null);

    // Incremental edits: fix the misspelling by hand (in UTF-16 positions after the emoji),
    // then append a line with another one.
    let mut text = DRAFT.replace("Kazakhastan", "Kazakhstan");
    c.notify(
        "textDocument/didChange",
        json!({
            "textDocument": {"uri": uri, "version": 2},
            "contentChanges": [{"range": range(2, 9, 2, 10), "text": ""}],
        }),
    );
    let diags = c.diagnostics(&uri, 2);
    assert_eq!(diags.len(), 1, "{diags:#?}");
    find(&diags, "Qasim Jomart Tokayev");
    text.push_str("😀😀 Talks in KAZAKHASTAN.\n");
    c.notify(
        "textDocument/didChange",
        json!({
            "textDocument": {"uri": uri, "version": 3},
            "contentChanges": [
                {"range": range(4, 0, 4, 0), "text": "😀😀 Talks in Kazakhastan"},
                {"range": range(4, 14, 4, 25), "text": "KAZAKHASTAN.\n"},
            ],
        }),
    );
    let diags = c.diagnostics(&uri, 3);
    assert_eq!(diags.len(), 2, "{diags:#?}");
    assert_eq!(
        find(&diags, "KAZAKHASTAN -> KAZAKHSTAN")["range"],
        range(4, 14, 4, 25)
    );

    // Quick fix for the name under the cursor: one edit, preferred, and it fixes the text.
    let r = c.request(
        "textDocument/codeAction",
        json!({
            "textDocument": {"uri": uri},
            "range": range(3, 5, 3, 5),
            "context": {"diagnostics": [], "only": ["quickfix"]},
        }),
    );
    let actions = r["result"].as_array().unwrap();
    let fix = &actions[0];
    assert_eq!(fix["kind"], "quickfix");
    assert_eq!(fix["isPreferred"], true);
    assert!(fix["title"]
        .as_str()
        .unwrap()
        .contains("Kassym-Jomart Tokayev"));
    let edits = fix["edit"]["changes"][&uri].as_array().unwrap();
    assert_eq!(
        edits,
        &vec![json!({"range": range(3, 0, 3, 20), "newText": "Kassym-Jomart Tokayev"})]
    );
    assert_eq!(
        apply_edits(&text, edits),
        text.replace("Qasim Jomart Tokayev", "Kassym-Jomart Tokayev")
    );
    // The second action adds the variant to the user's table.
    assert_eq!(actions[1]["command"]["command"], "normalize.addVariant");
    assert!(actions
        .iter()
        .all(|a| a["kind"] != "source.fixAll.normalize"));

    // Fix all safe: every safe fix of the document in one action.
    let r = c.request(
        "textDocument/codeAction",
        json!({
            "textDocument": {"uri": uri},
            "range": range(0, 0, 0, 0),
            "context": {"diagnostics": [], "only": ["source.fixAll"]},
        }),
    );
    let actions = r["result"].as_array().unwrap();
    assert_eq!(actions.len(), 1, "{actions:#?}");
    assert_eq!(actions[0]["kind"], "source.fixAll.normalize");
    let edits = actions[0]["edit"]["changes"][&uri].as_array().unwrap();
    assert_eq!(
        apply_edits(&text, edits),
        "# Draft\n\n😀 Kazakhstan hosted the talks.\nKassym-Jomart Tokayev met the press.\n😀😀 Talks in KAZAKHSTAN.\n"
    );

    // Close: diagnostics cleared.
    c.notify(
        "textDocument/didClose",
        json!({"textDocument": {"uri": uri}}),
    );
    let m = c.wait_for(|m| {
        m["method"] == "textDocument/publishDiagnostics" && m["params"]["version"].is_null()
    });
    assert_eq!(m["params"]["diagnostics"], json!([]));
    assert_eq!(c.finish(), Some(0));
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn utf8_positions_when_offered() {
    let dir = scratch("utf8");
    let path = dir.join("draft.md");
    let uri = file_uri(&path);
    let mut c = Client::start(&dir);
    let init = c.initialize(&dir, Some(&["utf-16", "utf-8"]));
    assert_eq!(init["capabilities"]["positionEncoding"], "utf-8");
    c.open(&uri, DRAFT);
    let diags = c.diagnostics(&uri, 1);
    // 😀 is four bytes: Kazakhastan starts at byte 5 of its line.
    assert_eq!(find(&diags, "Kazakhastan")["range"], range(2, 5, 2, 16));
    // Edits are read in bytes too.
    c.notify(
        "textDocument/didChange",
        json!({
            "textDocument": {"uri": uri, "version": 2},
            "contentChanges": [{"range": range(2, 11, 2, 12), "text": ""}],
        }),
    );
    let diags = c.diagnostics(&uri, 2);
    assert_eq!(diags.len(), 1, "{diags:#?}");
    assert_eq!(c.finish(), Some(0));
}

#[test]
fn add_variant_to_the_users_table() {
    let dir = scratch("add");
    std::fs::create_dir_all(dir.join("docs")).unwrap();
    std::fs::write(dir.join(".normalize.toml"), "tables = [\"names.tsv\"]\n").unwrap();
    // No trailing newline: the appended row goes on a line of its own.
    std::fs::write(dir.join("names.tsv"), "alias\tcanonical\nBorel\t").unwrap();
    let path = dir.join("docs/draft.md");
    let uri = file_uri(&path);
    let mut c = Client::start(&dir);
    c.initialize(&dir, None);
    c.open(&uri, DRAFT);
    let diags = c.diagnostics(&uri, 1);
    assert_eq!(find(&diags, "Kazakhastan")["code"], "fuzzy", "{diags:#?}");
    let r = c.request(
        "textDocument/codeAction",
        json!({
            "textDocument": {"uri": uri},
            "range": range(2, 4, 2, 4),
            "context": {"diagnostics": []},
        }),
    );
    let add = r["result"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["command"]["command"] == "normalize.addVariant")
        .unwrap_or_else(|| panic!("an add-variant action: {r:#}"))
        .clone();
    let r = c.request(
        "workspace/executeCommand",
        json!({
            "command": add["command"]["command"],
            "arguments": add["command"]["arguments"],
        }),
    );
    assert!(r.get("error").is_none(), "{r}");
    assert_eq!(
        std::fs::read_to_string(dir.join("names.tsv")).unwrap(),
        "alias\tcanonical\nBorel\t\nKazakhastan\tKazakhstan\n"
    );
    let m = c.wait_for(|m| m["method"] == "window/showMessage");
    assert_eq!(m["params"]["type"], 3, "{m}");
    // Diagnostics republished: now an exact alias of the user's table.
    let m = c.wait_for(|m| {
        m["method"] == "textDocument/publishDiagnostics"
            && m["params"]["diagnostics"]
                .as_array()
                .unwrap()
                .iter()
                .any(|d| {
                    d["message"].as_str().unwrap().starts_with("Kazakhastan")
                        && d["code"] == "exact"
                })
    });
    assert_eq!(m["params"]["version"], 1);

    // A full-format table gets a row pointing the alias at the entity.
    std::fs::write(dir.join(".normalize.toml"), "tables = [\"full.tsv\"]\n").unwrap();
    std::fs::write(dir.join("full.tsv"), "id\ttype\tname\taliases\n").unwrap();
    let r = c.request(
        "workspace/executeCommand",
        json!({
            "command": "normalize.addVariant",
            "arguments": [{"uri": uri, "found": "Qasim Jomart Tokayev",
                           "canonical": "Kassym-Jomart Tokayev",
                           "id": "kassym-jomart-tokayev", "type": "person"}],
        }),
    );
    assert!(r.get("error").is_none(), "{r}");
    assert_eq!(
        std::fs::read_to_string(dir.join("full.tsv")).unwrap(),
        "id\ttype\tname\taliases\nkassym-jomart-tokayev\tperson\t\tQasim Jomart Tokayev\n"
    );
    let m = c.wait_for(|m| {
        m["method"] == "textDocument/publishDiagnostics"
            && m["params"]["diagnostics"]
                .as_array()
                .unwrap()
                .iter()
                .any(|d| {
                    d["message"].as_str().unwrap().starts_with("Qasim") && d["code"] == "exact"
                })
    });
    assert_eq!(m["params"]["uri"], uri.as_str());

    // No configuration: the client is told why nothing was added.
    let other = scratch("add-noconfig");
    let other_uri = file_uri(&other.join("draft.md"));
    c.open(&other_uri, DRAFT);
    c.diagnostics(&other_uri, 1);
    c.backlog.clear();
    let r = c.request(
        "workspace/executeCommand",
        json!({
            "command": "normalize.addVariant",
            "arguments": [{"uri": other_uri, "found": "Kazakhastan", "canonical": "Kazakhstan"}],
        }),
    );
    assert!(r.get("error").is_none(), "{r}");
    let m = c.wait_for(|m| m["method"] == "window/showMessage");
    assert_eq!(m["params"]["type"], 1, "{m}");
    assert!(
        m["params"]["message"]
            .as_str()
            .unwrap()
            .contains(".normalize.toml"),
        "{m}"
    );
    assert_eq!(c.finish(), Some(0));
}

#[test]
fn add_variant_to_an_empty_table_writes_a_header() {
    let dir = scratch("add-empty");
    std::fs::write(dir.join(".normalize.toml"), "tables = [\"names.tsv\"]\n").unwrap();
    let uri = file_uri(&dir.join("draft.md"));
    let mut c = Client::start(&dir);
    c.initialize(&dir, None);
    c.open(&uri, DRAFT);
    c.diagnostics(&uri, 1);
    for (before, after) in [
        ("", "alias\tcanonical\nKazakhastan\tKazakhstan\n"),
        (
            "# my names\n\n",
            "# my names\n\nalias\tcanonical\nKazakhastan\tKazakhstan\n",
        ),
    ] {
        std::fs::write(dir.join("names.tsv"), before).unwrap();
        let r = c.request(
            "workspace/executeCommand",
            json!({
                "command": "normalize.addVariant",
                "arguments": [{"uri": uri, "found": "Kazakhastan", "canonical": "Kazakhstan"}],
            }),
        );
        assert!(r.get("error").is_none(), "{r}");
        assert_eq!(
            std::fs::read_to_string(dir.join("names.tsv")).unwrap(),
            after
        );
        let m = c.wait_for(|m| {
            m["method"] == "window/showMessage"
                && m["params"]["message"]
                    .as_str()
                    .is_some_and(|t| t.contains("added"))
        });
        assert_eq!(m["params"]["type"], 3, "{m}");
    }
    assert_eq!(c.finish(), Some(0));
}

#[test]
fn markdown_code_directives_and_configuration_are_honoured() {
    let dir = scratch("prose");
    std::fs::write(
        dir.join(".normalize.toml"),
        "ignore = [\"Toqaev\"]\nexclude = [\"vendor\"]\n",
    )
    .unwrap();
    let text = "Code: `Kazakhastan`.\n<!-- normalize:ignore-next-line -->\nKazakhastan\n\nKazakhastan and Toqaev\n";
    let uri = file_uri(&dir.join("draft.md"));
    let mut c = Client::start(&dir);
    c.initialize(&dir, None);
    c.open(&uri, text);
    let diags = c.diagnostics(&uri, 1);
    assert_eq!(diags.len(), 1, "{diags:#?}");
    assert_eq!(diags[0]["range"], range(4, 0, 4, 11));
    // An excluded path gets no diagnostics.
    let vendored = file_uri(&dir.join("vendor/draft.md"));
    c.open(&vendored, text);
    assert_eq!(c.diagnostics(&vendored, 1), Vec::<Value>::new());
    assert_eq!(c.finish(), Some(0));
    let _ = std::fs::remove_dir_all(&dir);
}

/// A client that sends everything wrong gets errors (JSON-RPC codes) or is logged and skipped,
/// and the server goes on answering until `exit`.
#[test]
fn survives_a_bad_client() {
    let dir = scratch("bad-client");
    let mut c = Client::start(&dir);
    // Before initialize: refused, not fatal.
    c.next_id += 1;
    let id = c.next_id;
    c.send(json!({"jsonrpc": "2.0", "id": id, "method": "textDocument/hover", "params": {}}));
    let r = c.wait_for(|m| m["id"] == json!(id));
    assert_eq!(r["error"]["code"], -32002, "{r}");
    c.initialize(&dir, None);

    // Over the 64 MB cap: read past, reported, the next message read normally.
    let big = vec![b' '; (64 << 20) + 1];
    c.send_body(&big);
    let e = c.error_without_id();
    assert_eq!(e["error"]["code"], -32700, "{e}");
    assert!(
        e["error"]["message"].as_str().unwrap().contains("limit"),
        "{e}"
    );
    // Not JSON; JSON that is no message (with an id: answered with it); a bad header.
    c.send_body(b"{not json");
    assert_eq!(c.error_without_id()["error"]["code"], -32700);
    c.send_body(br#"{"jsonrpc": "2.0", "id": 77, "foo": 1}"#);
    let r = c.wait_for(|m| m["id"] == json!(77));
    assert_eq!(r["error"]["code"], -32600, "{r}");
    c.send_raw(b"Content-Length: many\r\n\r\n");
    assert_eq!(c.error_without_id()["error"]["code"], -32700);
    c.send_body(b"\xff\xfe");
    assert_eq!(c.error_without_id()["error"]["code"], -32700);

    // Unknown method, bad params, unknown notification.
    let r = c.request("normalize/noSuchThing", json!({}));
    assert_eq!(r["error"]["code"], -32601, "{r}");
    let r = c.request("textDocument/hover", json!("not params"));
    assert_eq!(r["error"]["code"], -32602, "{r}");
    c.notify("normalize/noSuchNotification", json!({}));
    c.notify("textDocument/didOpen", json!({"textDocument": 5}));

    // Notifications for a document never opened, requests about it.
    let ghost = "file:///nowhere/ghost.md";
    c.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": ghost, "version": 2},
               "contentChanges": [{"text": "Kazakhastan"}]}),
    );
    c.notify(
        "textDocument/didClose",
        json!({"textDocument": {"uri": ghost}}),
    );
    c.notify(
        "textDocument/didSave",
        json!({"textDocument": {"uri": ghost}}),
    );
    let r = c.request(
        "textDocument/hover",
        json!({"textDocument": {"uri": ghost}, "position": {"line": 0, "character": 0}}),
    );
    assert_eq!(r["result"], Value::Null, "{r}");

    // Edits past the end of a document: skipped, the text stays as it was.
    let uri = file_uri(&dir.join("draft.md"));
    c.open(&uri, DRAFT);
    let before = c.diagnostics(&uri, 1);
    assert_eq!(before.len(), 2, "{before:#?}");
    c.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": uri, "version": 2},
               "contentChanges": [{"range": range(40, 0, 41, 3), "text": "Kazakhastan"}]}),
    );
    assert_eq!(c.diagnostics(&uri, 2), before);
    // A column past the end of its line is the line's end (the protocol's rule).
    c.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": uri, "version": 3},
               "contentChanges": [{"range": range(0, 500, 0, 900), "text": " in Frnace"}]}),
    );
    let after = c.diagnostics(&uri, 3);
    assert_eq!(after.len(), 3, "{after:#?}");

    // After shutdown: requests refused, then exit ends it with success.
    let r = c.request("shutdown", Value::Null);
    assert_eq!(r["result"], Value::Null, "{r}");
    let r = c.request("textDocument/hover", json!({}));
    assert_eq!(r["error"]["code"], -32600, "{r}");
    c.notify(
        "textDocument/didClose",
        json!({"textDocument": {"uri": uri}}),
    );
    c.notify("exit", Value::Null);
    drop(c.stdin.take());
    assert_eq!(wait_timeout(&mut c.child, TIMEOUT), Some(0));
}

/// A header claiming a terabyte is not allocated: the server reads to the end of its input
/// and exits like at any end of input.
#[test]
fn huge_content_length_then_end_of_input() {
    let dir = scratch("huge");
    let mut c = Client::start(&dir);
    c.initialize(&dir, None);
    c.send_raw(b"Content-Length: 1000000000000\r\n\r\n{\"jsonrpc\": \"2.0\"}");
    drop(c.stdin.take());
    assert_eq!(wait_timeout(&mut c.child, TIMEOUT), Some(1));
}

#[test]
fn exit_without_shutdown_is_an_error() {
    let dir = scratch("exit");
    let mut c = Client::start(&dir);
    c.initialize(&dir, None);
    c.notify("exit", Value::Null);
    drop(c.stdin.take());
    assert_eq!(wait_timeout(&mut c.child, TIMEOUT), Some(1));
}

const INIT_LUA: &str = r#"
local bin = os.getenv('NORMALIZE_BIN')
local draft = os.getenv('NORMALIZE_DRAFT')
local out = os.getenv('NORMALIZE_OUT')
vim.cmd('edit ' .. vim.fn.fnameescape(draft))
local buf = vim.api.nvim_get_current_buf()
local config = {
  name = 'normalize',
  cmd = { bin, 'lsp' },
  root_dir = vim.fn.fnamemodify(draft, ':p:h'),
}
if vim.lsp.start then
  vim.lsp.start(config)
else
  -- Neovim 0.7 (Debian 12): no vim.lsp.start yet.
  local id = vim.lsp.start_client(config)
  vim.lsp.buf_attach_client(buf, id)
end
local ok = vim.wait(20000, function() return #vim.diagnostic.get(buf) >= 2 end, 50)
local diags = {}
for _, d in ipairs(vim.diagnostic.get(buf)) do
  table.insert(diags, {
    lnum = d.lnum, col = d.col, end_lnum = d.end_lnum, end_col = d.end_col,
    message = d.message, severity = d.severity, source = d.source,
  })
end
local f = io.open(out, 'w')
f:write(vim.fn.json_encode({ ok = ok, diagnostics = diags }))
f:close()
vim.cmd('qa!')
"#;

#[test]
fn neovim_end_to_end() {
    let nvim = Command::new("nvim").arg("--version").output();
    if !nvim.is_ok_and(|o| o.status.success()) {
        // In CI Neovim must be installed: a skipped test there would pass vacuously.
        assert!(
            std::env::var_os("CI").is_none(),
            "CI is set but nvim is not installed (.ci/run installs it)"
        );
        eprintln!(
            "nvim is not installed: skipping the Neovim end-to-end test (.ci/run installs it)"
        );
        return;
    }
    let dir = scratch("nvim");
    let draft = dir.join("draft.md");
    std::fs::write(&draft, DRAFT).unwrap();
    std::fs::write(dir.join("init.lua"), INIT_LUA).unwrap();
    let out = dir.join("diagnostics.json");
    let mut child = Command::new("nvim")
        .args(["--headless", "--clean", "-u"])
        .arg(dir.join("init.lua"))
        .current_dir(&dir)
        .env("NORMALIZE_BIN", env!("CARGO_BIN_EXE_normalize"))
        .env("NORMALIZE_DRAFT", &draft)
        .env("NORMALIZE_OUT", &out)
        .env("NORMALIZE_CACHE_DIR", dir.join("cache"))
        .env("XDG_STATE_HOME", dir.join("state"))
        .env("XDG_CACHE_HOME", dir.join("xdg-cache"))
        .env("XDG_DATA_HOME", dir.join("data"))
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("spawn nvim");
    let deadline = Instant::now() + Duration::from_secs(60);
    while child.try_wait().unwrap().is_none() {
        if Instant::now() > deadline {
            let _ = child.kill();
            panic!("nvim did not finish within 60 s");
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    let text = std::fs::read_to_string(&out).expect("nvim wrote the diagnostics");
    let v: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(v["ok"], true, "{v:#}");
    let diags = v["diagnostics"].as_array().unwrap();
    assert_eq!(diags.len(), 2, "{v:#}");
    let k = find(diags, "Kazakhastan -> Kazakhstan");
    // Neovim stores byte columns: the server's UTF-16 character 3 is byte 5 after 😀.
    assert_eq!(
        (&k["lnum"], &k["col"], &k["end_col"]),
        (&json!(2), &json!(5), &json!(16)),
        "{k:#}"
    );
    assert_eq!(k["source"], "normalize");
    assert_eq!(k["severity"], 2);
    let t = find(diags, "Qasim Jomart Tokayev -> Kassym-Jomart Tokayev");
    assert_eq!((&t["lnum"], &t["col"]), (&json!(3), &json!(0)), "{t:#}");
}
