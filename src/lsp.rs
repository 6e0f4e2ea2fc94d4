//! The language server (`normalize lsp`): diagnostics, quick fixes, hover and an "add this
//! variant to my table" command over the Language Server Protocol, synchronously on
//! `lsp-server` (no async runtime).
//!
//! - Documents are kept in full and edited incrementally (LSP range edits); each keeps its own
//!   [`Scanner`], so the words already judged in earlier versions are not judged again and a
//!   change to a 100 KB document is re-checked in milliseconds.
//! - Positions are UTF-16 code units unless the client offers `utf-8` (or `utf-32`) in
//!   `general.positionEncodings`.
//! - Each document is checked as `normalize check` would check it: with the `.normalize.toml`
//!   found by walking up from its path (tables, ignore, exclude, min_severity, lang, former, on
//!   top of the command line's options), prose-aware (Markdown code and URLs skipped), and
//!   honouring inline `normalize:` directives.
//!
//! - The server survives its client: messages are read by [`crate::jsonrpc`] (64 MB at most,
//!   bad framing and bad JSON reported, not fatal); unknown methods, bad parameters and
//!   requests after `shutdown` get JSON-RPC errors; notifications with bad parameters or for
//!   documents never opened, and edits past the end of a document, are logged and skipped. It
//!   exits only on `exit` or at the end of its input.
//!
//! The library side never prints: messages go to the client, and log lines to the caller's
//! `log` function.

use std::collections::HashMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::rc::Rc;

use std::cell::RefCell;
use std::io::{BufRead, Write};

use lsp_server::{ErrorCode, Message, Notification, Request, RequestId, Response};
use lsp_types::{
    CodeAction, CodeActionKind, CodeActionOptions, CodeActionOrCommand, CodeActionParams,
    CodeActionProviderCapability, Command, Diagnostic, DiagnosticSeverity,
    DidChangeTextDocumentParams, DidCloseTextDocumentParams, DidOpenTextDocumentParams,
    DidSaveTextDocumentParams, ExecuteCommandOptions, ExecuteCommandParams, Hover, HoverContents,
    HoverParams, HoverProviderCapability, InitializeParams, MarkupContent, MarkupKind, MessageType,
    NumberOrString, Position, PositionEncodingKind, PublishDiagnosticsParams, Range, SaveOptions,
    ServerCapabilities, ServerInfo, ShowMessageParams, TextDocumentContentChangeEvent,
    TextDocumentSyncCapability, TextDocumentSyncKind, TextDocumentSyncOptions,
    TextDocumentSyncSaveOptions, TextEdit, Uri, WorkspaceEdit,
};
use serde_json::{json, Value};

use crate::config::{Config, Severity, FILE_NAME as CONFIG_FILE};
use crate::engine::{Fix, Match, Normalizer};
use crate::position::{Breaks, Mapper, Unit};
use crate::prose::Syntax;
use crate::report::{one_line, reason};
use crate::scanner::Scanner;

/// The command that appends a variant to the user's table.
pub const ADD_VARIANT: &str = "normalize.addVariant";
/// The code action kind of "fix all safe".
pub const FIX_ALL_KIND: &str = "source.fixAll.normalize";

/// Builds a normalizer from the command line's options and a document's configuration (its
/// tables, `default_tables`, `lang`, `former`), or the command line's alone; with the table
/// files it loaded (never checked themselves).
pub type Factory = Box<dyn Fn(Option<&Config>) -> Result<(Normalizer, Vec<PathBuf>), String>>;

// ---------------------------------------------------------------------------------------------
// Positions

/// The unit of `Position::character`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Encoding {
    Utf8,
    Utf16,
    Utf32,
}

impl Encoding {
    /// The encoding to use given what the client offers: UTF-8 when offered, else UTF-32 when
    /// offered, else UTF-16 (the protocol's default).
    pub fn negotiate(offered: Option<&[PositionEncodingKind]>) -> Encoding {
        let offered = offered.unwrap_or(&[]);
        if offered.contains(&PositionEncodingKind::UTF8) {
            Encoding::Utf8
        } else if offered.contains(&PositionEncodingKind::UTF32) {
            Encoding::Utf32
        } else {
            Encoding::Utf16
        }
    }

    pub fn kind(self) -> PositionEncodingKind {
        match self {
            Encoding::Utf8 => PositionEncodingKind::UTF8,
            Encoding::Utf16 => PositionEncodingKind::UTF16,
            Encoding::Utf32 => PositionEncodingKind::UTF32,
        }
    }

    /// The unit of columns in [`crate::position`].
    pub fn unit(self) -> Unit {
        match self {
            Encoding::Utf8 => Unit::Utf8,
            Encoding::Utf16 => Unit::Utf16,
            Encoding::Utf32 => Unit::Scalar,
        }
    }
}

/// Byte offsets of the starts of the lines of `text` (line ends: `\n`, `\r\n`, `\r`).
pub fn line_starts(text: &str) -> Vec<usize> {
    crate::position::line_starts(text.as_bytes(), Breaks::Any)
}

/// The byte offset of `pos` in `text`, clamped to the end of its line (and of the text), and
/// never inside a character.
pub fn offset_at(text: &str, lines: &[usize], pos: Position, enc: Encoding) -> usize {
    crate::position::offset_in(
        text,
        lines,
        pos.line as usize,
        pos.character as usize,
        enc.unit(),
    )
}

fn to_position((line, character): (usize, usize)) -> Position {
    Position {
        line: line as u32,
        character: character as u32,
    }
}

/// The position of byte offset `offset` (on a character boundary) in `text`.
pub fn position_at(text: &str, lines: &[usize], offset: usize, enc: Encoding) -> Position {
    to_position(crate::position::position_in(
        text.as_bytes(),
        lines,
        offset,
        enc.unit(),
        Breaks::Any,
    ))
}

// ---------------------------------------------------------------------------------------------
// Files

/// The local path of a `file:` URI.
pub fn uri_to_path(uri: &Uri) -> Option<PathBuf> {
    let s = uri.as_str();
    let rest = s.strip_prefix("file://")?;
    // `file:///path` or `file://localhost/path`.
    let path = if rest.starts_with('/') {
        rest
    } else {
        rest.strip_prefix("localhost")?
    };
    let path = path.split(['?', '#']).next().unwrap_or(path);
    let bytes = path.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' && i + 2 < bytes.len() {
            let hex = std::str::from_utf8(&bytes[i + 1..i + 3]).unwrap_or("");
            if let Ok(b) = u8::from_str_radix(hex, 16) {
                out.push(b);
                i += 3;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    let s = String::from_utf8(out).ok()?;
    Some(PathBuf::from(s))
}

// ---------------------------------------------------------------------------------------------
// Findings -> protocol

fn severity(fix: Fix) -> DiagnosticSeverity {
    match fix {
        Fix::Safe => DiagnosticSeverity::WARNING,
        Fix::Suggested | Fix::Ambiguous => DiagnosticSeverity::INFORMATION,
        Fix::Info => DiagnosticSeverity::HINT,
    }
}

/// `found -> canonical (reason)`, as `normalize check --format short` writes it (the
/// candidates for an ambiguous name), on one line.
pub fn message(found: &str, m: &Match) -> String {
    let canonical = crate::report::canonical(m);
    format!(
        "{} ({})",
        crate::report::message(found, canonical.as_deref(), &m.candidates),
        reason(m)
    )
}

/// The hover text of a finding (Markdown).
pub fn explain(found: &str, m: &Match) -> String {
    let mut s = String::new();
    let found = one_line(found);
    match crate::report::canonical(m) {
        Some(r) => s.push_str(&format!(
            "**normalize**: `{found}` → `{}`\n\n",
            one_line(&r)
        )),
        None => s.push_str(&format!("**normalize**: `{found}` is ambiguous\n\n")),
    }
    s.push_str(&reason(m));
    s.push_str("\n\n| | |\n|---|---|\n");
    if m.fix != Fix::Ambiguous {
        if let Some(c) = m.candidates.first() {
            s.push_str(&format!(
                "| canonical | {} |\n| id | `{}` |\n| type | {} |\n",
                c.canonical, c.id, c.kind
            ));
        }
    }
    s.push_str(&format!(
        "| match | {}{} |\n| score | {:.2} |\n| fix | {} |\n",
        crate::report::how(m),
        if m.kind == crate::engine::MatchKind::Fuzzy {
            format!(" (edit distance {})", m.distance)
        } else {
            String::new()
        },
        m.score,
        m.fix.as_str()
    ));
    if m.fix == Fix::Ambiguous {
        s.push_str("\nCandidates:\n");
        for c in &m.candidates {
            s.push_str(&format!("- {} — {} `{}`\n", c.canonical, c.kind, c.id));
        }
    }
    s
}

fn diagnostic(text: &str, m: &Match, range: Range) -> Diagnostic {
    Diagnostic {
        range,
        severity: Some(severity(m.fix)),
        code: Some(NumberOrString::String(m.kind.as_str().to_string())),
        source: Some("normalize".to_string()),
        message: message(&text[m.start..m.end], m),
        data: Some(json!({
            "fix": m.fix.as_str(),
            "replacement": m.replacement,
            "id": m.candidates.first().map(|c| c.id.as_str()),
        })),
        ..Diagnostic::default()
    }
}

/// True when an action of kind `kind` is wanted by a request's `only` filter.
fn wanted(only: Option<&[CodeActionKind]>, kind: &str) -> bool {
    match only {
        None => true,
        Some(list) => list.iter().any(|o| {
            let o = o.as_str();
            kind == o || (kind.starts_with(o) && kind.as_bytes().get(o.len()) == Some(&b'.'))
        }),
    }
}

// ---------------------------------------------------------------------------------------------
// Documents

/// One open document.
pub struct Document {
    pub text: String,
    pub version: i32,
    lines: Vec<usize>,
    scanner: Scanner,
    /// The findings of the current text.
    pub matches: Vec<Match>,
    /// The local file, for `file:` URIs.
    path: Option<PathBuf>,
    syntax: Syntax,
    /// The configuration file that applies (None: the command line's options only).
    config: Option<PathBuf>,
}

impl Document {
    pub fn new(text: String, version: i32) -> Document {
        let lines = line_starts(&text);
        Document {
            text,
            version,
            lines,
            scanner: Scanner::new(),
            matches: Vec::new(),
            path: None,
            syntax: Syntax::Plain,
            config: None,
        }
    }

    /// A document opened by the client: its syntax from the language id or the extension.
    pub fn open(uri: &Uri, language: &str, text: String, version: i32) -> Document {
        let mut d = Document::new(text, version);
        d.path = uri_to_path(uri);
        d.syntax = match language {
            "markdown" | "mdx" | "quarto" | "rmd" => Syntax::Markdown,
            _ => match &d.path {
                Some(p) => Syntax::of_path(p),
                None => Syntax::Plain,
            },
        };
        d
    }

    /// Applies one content change (a range edit, or the whole text). A column past the end of
    /// its line means the line's end (as the protocol says); a range that starts or ends on a
    /// line the document does not have (other than just past its last line, at column 0) is an
    /// error, and the text is left as it was.
    pub fn apply(
        &mut self,
        change: &TextDocumentContentChangeEvent,
        enc: Encoding,
    ) -> Result<(), String> {
        match change.range {
            None => self.text.clone_from(&change.text),
            Some(r) => {
                let lines = self.lines.len();
                for p in [r.start, r.end] {
                    let line = p.line as usize;
                    if line > lines || (line == lines && p.character > 0) {
                        return Err(format!(
                            "edit at line {}, character {} is past the end of the document ({lines} lines)",
                            p.line, p.character
                        ));
                    }
                }
                let a = offset_at(&self.text, &self.lines, r.start, enc);
                let b = offset_at(&self.text, &self.lines, r.end, enc).max(a);
                self.text.replace_range(a..b, &change.text);
            }
        }
        self.lines = line_starts(&self.text);
        Ok(())
    }

    /// Re-checks the text, as `normalize check` would (the same filters:
    /// [`crate::findings::find`]); `tables` are the table files the normalizer loaded.
    pub fn check(&mut self, nz: &Normalizer, config: Option<&Config>, tables: &[PathBuf]) {
        let rules = crate::findings::Rules {
            path: self.path.as_deref(),
            syntax: self.syntax,
            config,
            // The same default as `check`: former names (info) only when configured.
            min: config
                .and_then(|c| c.min_severity)
                .unwrap_or(Severity::Ambiguous),
            tables,
        };
        self.matches = crate::findings::find(nz, &mut self.scanner, self.text.as_bytes(), &rules)
            .unwrap_or_default();
    }

    pub fn offset(&self, pos: Position, enc: Encoding) -> usize {
        offset_at(&self.text, &self.lines, pos, enc)
    }

    pub fn range(&self, start: usize, end: usize, enc: Encoding) -> Range {
        Range {
            start: position_at(&self.text, &self.lines, start, enc),
            end: position_at(&self.text, &self.lines, end, enc),
        }
    }

    /// The diagnostics of the current findings.
    pub fn diagnostics(&self, enc: Encoding) -> Vec<Diagnostic> {
        let mut w = Mapper::new(self.text.as_bytes(), enc.unit(), Breaks::Any);
        self.matches
            .iter()
            .map(|m| {
                let range = Range {
                    start: to_position(w.position(m.start)),
                    end: to_position(w.position(m.end)),
                };
                diagnostic(&self.text, m, range)
            })
            .collect()
    }
}

// ---------------------------------------------------------------------------------------------
// The server

/// A loaded configuration and its normalizer.
#[derive(Clone)]
struct Setup {
    nz: Rc<Normalizer>,
    config: Option<Rc<Config>>,
    tables: Rc<Vec<PathBuf>>,
}

/// The language server's state.
pub struct Server<'c> {
    /// Where messages to the client go; `None` once writing failed (the client is gone).
    out: RefCell<Option<&'c mut dyn Write>>,
    log: RefCell<&'c mut dyn FnMut(&str)>,
    factory: Factory,
    enc: Encoding,
    root: Option<PathBuf>,
    docs: HashMap<Uri, Document>,
    /// Normalizers and configurations by configuration file (None: the command line's
    /// options only).
    setups: HashMap<Option<PathBuf>, Setup>,
    shutdown: bool,
}

/// The server's capabilities for a negotiated position encoding.
pub fn capabilities(enc: Encoding) -> ServerCapabilities {
    ServerCapabilities {
        position_encoding: Some(enc.kind()),
        text_document_sync: Some(TextDocumentSyncCapability::Options(
            TextDocumentSyncOptions {
                open_close: Some(true),
                change: Some(TextDocumentSyncKind::INCREMENTAL),
                save: Some(TextDocumentSyncSaveOptions::SaveOptions(SaveOptions {
                    include_text: Some(false),
                })),
                ..TextDocumentSyncOptions::default()
            },
        )),
        hover_provider: Some(HoverProviderCapability::Simple(true)),
        code_action_provider: Some(CodeActionProviderCapability::Options(CodeActionOptions {
            code_action_kinds: Some(vec![
                CodeActionKind::QUICKFIX,
                CodeActionKind::from(FIX_ALL_KIND.to_string()),
            ]),
            ..CodeActionOptions::default()
        })),
        execute_command_provider: Some(ExecuteCommandOptions {
            commands: vec![ADD_VARIANT.to_string()],
            ..ExecuteCommandOptions::default()
        }),
        ..ServerCapabilities::default()
    }
}

/// The answer to a message that could not be read: an error response when it may have been a
/// request (its id, or `null` when none could be read), and a log line.
fn invalid(
    out: &mut dyn Write,
    log: &mut dyn FnMut(&str),
    error: &crate::jsonrpc::FrameError,
    id: Option<RequestId>,
) -> std::io::Result<()> {
    log(&format!("bad message: {error}"));
    let message = error.to_string();
    match id {
        Some(id) => {
            crate::jsonrpc::write(out, &Response::new_err(id, error.code(), message).into())
        }
        None => crate::jsonrpc::write_error_without_id(out, error.code(), &message),
    }
}

/// Runs the server over `input` and `output`: the initialize handshake, then messages until
/// `exit` or the end of the input; `log` gets one line for each message skipped. Returns the
/// process exit code (0 after `shutdown` then `exit`, 1 for `exit` without `shutdown` or the
/// end of the input).
pub fn serve(
    input: &mut dyn BufRead,
    output: &mut dyn Write,
    factory: Factory,
    log: &mut dyn FnMut(&str),
) -> Result<u8, String> {
    use crate::jsonrpc::{code, Incoming};
    let write_err = |e: std::io::Error| format!("writing to the client: {e}");
    // Before `initialize`: requests are refused, notifications dropped (but `exit`).
    let (id, params) = loop {
        let msg = match crate::jsonrpc::read(input) {
            Ok(Some(m)) => m,
            Ok(None) => return Ok(1),
            Err(e) => {
                log(&format!("reading from the client: {e}"));
                return Ok(1);
            }
        };
        match msg {
            Incoming::Invalid { error, id } => {
                invalid(output, log, &error, id).map_err(write_err)?;
            }
            Incoming::Message(Message::Request(r)) if r.method == "initialize" => {
                match serde_json::from_value::<InitializeParams>(r.params) {
                    Ok(p) => break (r.id, p),
                    Err(e) => {
                        let resp = Response::new_err(
                            r.id,
                            code::INVALID_PARAMS,
                            format!("bad initialize params: {e}"),
                        );
                        crate::jsonrpc::write(output, &resp.into()).map_err(write_err)?;
                    }
                }
            }
            Incoming::Message(Message::Request(r)) => {
                let resp = Response::new_err(
                    r.id,
                    code::SERVER_NOT_INITIALIZED,
                    format!("{}: the server is not initialized yet", r.method),
                );
                crate::jsonrpc::write(output, &resp.into()).map_err(write_err)?;
            }
            Incoming::Message(Message::Notification(n)) if n.method == "exit" => return Ok(1),
            Incoming::Message(_) => {}
        }
    };
    let enc = Encoding::negotiate(
        params
            .capabilities
            .general
            .as_ref()
            .and_then(|g| g.position_encodings.as_deref()),
    );
    #[allow(deprecated)]
    let root = params
        .workspace_folders
        .as_ref()
        .and_then(|f| f.first())
        .map(|f| &f.uri)
        .or(params.root_uri.as_ref())
        .and_then(uri_to_path);
    let result = json!({
        "capabilities": capabilities(enc),
        "serverInfo": ServerInfo {
            name: "normalize".to_string(),
            version: Some(env!("CARGO_PKG_VERSION").to_string()),
        },
    });
    crate::jsonrpc::write(output, &Response::new_ok(id, result).into()).map_err(write_err)?;
    let mut server = Server {
        out: RefCell::new(Some(output)),
        log: RefCell::new(log),
        factory,
        enc,
        root,
        docs: HashMap::new(),
        setups: HashMap::new(),
        shutdown: false,
    };
    Ok(server.run(input))
}

impl Server<'_> {
    fn run(&mut self, input: &mut dyn BufRead) -> u8 {
        use crate::jsonrpc::Incoming;
        use std::panic::{catch_unwind, AssertUnwindSafe};
        loop {
            if self.out.borrow().is_none() {
                self.log("the client stopped reading; exiting");
                return 1;
            }
            let msg = match crate::jsonrpc::read(input) {
                Ok(Some(m)) => m,
                Ok(None) => return 1,
                Err(e) => {
                    self.log(&format!("reading from the client: {e}"));
                    return 1;
                }
            };
            match msg {
                Incoming::Invalid { error, id } => {
                    let mut out = self.out.borrow_mut();
                    if let Some(w) = out.as_mut() {
                        let mut log = self.log.borrow_mut();
                        if invalid(&mut **w, &mut **log, &error, id).is_err() {
                            *out = None;
                        }
                    }
                }
                Incoming::Message(Message::Request(req)) => {
                    let id = req.id.clone();
                    let method = req.method.clone();
                    // A bug in checking one document must not take the server down.
                    if catch_unwind(AssertUnwindSafe(|| self.on_request(req))).is_err() {
                        self.log(&format!("internal error in {method}"));
                        self.reply_err(
                            id,
                            ErrorCode::InternalError,
                            &format!("internal error in {method}"),
                        );
                    }
                }
                Incoming::Message(Message::Notification(n)) => {
                    if n.method == "exit" {
                        return if self.shutdown { 0 } else { 1 };
                    }
                    let method = n.method.clone();
                    if catch_unwind(AssertUnwindSafe(|| self.on_notification(n))).is_err() {
                        self.log(&format!("internal error in {method}; skipped"));
                    }
                }
                Incoming::Message(Message::Response(_)) => {}
            }
        }
    }

    fn log(&self, line: &str) {
        (self.log.borrow_mut())(line);
    }

    fn send(&self, msg: Message) {
        let mut out = self.out.borrow_mut();
        if let Some(w) = out.as_mut() {
            if crate::jsonrpc::write(&mut **w, &msg).is_err() {
                *out = None;
            }
        }
    }

    fn notify(&self, method: &str, params: impl serde::Serialize) {
        self.send(Notification::new(method.to_string(), params).into());
    }

    fn show(&self, typ: MessageType, message: String) {
        self.notify("window/showMessage", ShowMessageParams { typ, message });
    }

    fn on_request(&mut self, req: Request) {
        let id = req.id.clone();
        if self.shutdown {
            self.reply_err(id, ErrorCode::InvalidRequest, "the server is shutting down");
            return;
        }
        let result = match req.method.as_str() {
            "initialize" => {
                self.reply_err(id, ErrorCode::InvalidRequest, "already initialized");
                return;
            }
            "shutdown" => {
                self.shutdown = true;
                Ok(Value::Null)
            }
            "textDocument/codeAction" => self.code_actions(req.params),
            "textDocument/hover" => self.hover(req.params),
            "workspace/executeCommand" => self.execute(req.params),
            _ => {
                self.reply_err(
                    id,
                    ErrorCode::MethodNotFound,
                    &format!("unknown method {}", req.method),
                );
                return;
            }
        };
        match result {
            Ok(v) => self.send(Response::new_ok(id, v).into()),
            Err(e) => self.reply_err(id, ErrorCode::InvalidParams, &e),
        }
    }

    fn reply_err(&self, id: RequestId, code: ErrorCode, msg: &str) {
        self.send(Response::new_err(id, code as i32, msg.to_string()).into());
    }

    /// The parameters of a notification, or a log line and `None` when they do not parse.
    fn params<P: serde::de::DeserializeOwned>(&self, n: Notification) -> Option<P> {
        match serde_json::from_value::<P>(n.params) {
            Ok(p) => Some(p),
            Err(e) => {
                self.log(&format!("{}: invalid params ({e}); skipped", n.method));
                None
            }
        }
    }

    fn on_notification(&mut self, n: Notification) {
        match n.method.as_str() {
            "textDocument/didOpen" => {
                let Some(p) = self.params::<DidOpenTextDocumentParams>(n) else {
                    return;
                };
                let d = p.text_document;
                let mut doc = Document::open(&d.uri, &d.language_id, d.text, d.version);
                doc.config = self.config_for(&d.uri);
                self.docs.insert(d.uri.clone(), doc);
                self.publish(&d.uri);
            }
            "textDocument/didChange" => {
                let Some(p) = self.params::<DidChangeTextDocumentParams>(n) else {
                    return;
                };
                let enc = self.enc;
                let uri = p.text_document.uri;
                let Some(doc) = self.docs.get_mut(&uri) else {
                    self.log(&format!(
                        "didChange for {}, a document never opened; skipped",
                        uri.as_str()
                    ));
                    return;
                };
                let mut failed = None;
                for c in &p.content_changes {
                    if let Err(e) = doc.apply(c, enc) {
                        // The later changes of this notification build on this one.
                        failed = Some(e);
                        break;
                    }
                }
                doc.version = p.text_document.version;
                if let Some(e) = failed {
                    self.log(&format!("didChange for {}: {e}; skipped", uri.as_str()));
                }
                self.publish(&uri);
            }
            "textDocument/didClose" => {
                let Some(p) = self.params::<DidCloseTextDocumentParams>(n) else {
                    return;
                };
                if self.docs.remove(&p.text_document.uri).is_none() {
                    self.log(&format!(
                        "didClose for {}, a document never opened; skipped",
                        p.text_document.uri.as_str()
                    ));
                    return;
                }
                self.notify(
                    "textDocument/publishDiagnostics",
                    PublishDiagnosticsParams {
                        uri: p.text_document.uri,
                        diagnostics: Vec::new(),
                        version: None,
                    },
                );
            }
            "textDocument/didSave" => {
                let Some(p) = self.params::<DidSaveTextDocumentParams>(n) else {
                    return;
                };
                if let Some(path) = uri_to_path(&p.text_document.uri) {
                    if self.affects_tables(&path) {
                        self.reload();
                    }
                }
            }
            "workspace/didChangeWatchedFiles" => self.reload(),
            "initialized" | "workspace/didChangeConfiguration" => {}
            m if m.starts_with("$/") => {}
            m => self.log(&format!("unknown notification {m}; skipped")),
        }
    }

    /// True when `path` is a configuration file or a loaded table.
    fn affects_tables(&self, path: &Path) -> bool {
        if path.file_name().and_then(|n| n.to_str()) == Some(CONFIG_FILE) {
            return true;
        }
        self.setups
            .values()
            .filter_map(|s| s.config.as_ref())
            .any(|c| c.tables.iter().any(|t| t == path))
    }

    /// Forgets every normalizer and configuration, and checks every document again.
    fn reload(&mut self) {
        self.setups.clear();
        let uris: Vec<Uri> = self.docs.keys().cloned().collect();
        for uri in uris {
            let config = self.config_for(&uri);
            if let Some(doc) = self.docs.get_mut(&uri) {
                doc.config = config;
                doc.scanner = Scanner::new();
            }
            self.publish(&uri);
        }
    }

    /// The configuration file for a document.
    fn config_for(&self, uri: &Uri) -> Option<PathBuf> {
        let path = match uri_to_path(uri) {
            Some(p) => p,
            None => self.root.clone().or_else(|| std::env::current_dir().ok())?,
        };
        crate::config::find_file(&path)
    }

    /// The normalizer and configuration for a configuration file, loaded on first use. A
    /// broken configuration or table is reported to the client, and the command line's
    /// options are used meanwhile.
    fn setup(&mut self, config: &Option<PathBuf>) -> Setup {
        if let Some(s) = self.setups.get(config) {
            return s.clone();
        }
        let loaded = match config {
            None => (self.factory)(None).map(|nz| (nz, None)),
            Some(path) => Config::load(path)
                .map_err(|e| e.to_string())
                .and_then(|c| Ok(((self.factory)(Some(&c))?, Some(Rc::new(c))))),
        };
        let ((nz, tables), config_value) = match loaded {
            Ok(x) => x,
            Err(e) => {
                self.show(
                    MessageType::ERROR,
                    format!("normalize: {e} (checking without this configuration meanwhile)"),
                );
                let nz = (self.factory)(None).unwrap_or_else(|e| {
                    self.show(MessageType::ERROR, format!("normalize: {e}"));
                    (
                        Normalizer::from_indexes(Vec::new(), Default::default()),
                        Vec::new(),
                    )
                });
                (nz, None)
            }
        };
        let s = Setup {
            nz: Rc::new(nz),
            config: config_value,
            tables: Rc::new(tables),
        };
        self.setups.insert(config.clone(), s.clone());
        s
    }

    /// Checks a document and publishes its diagnostics.
    fn publish(&mut self, uri: &Uri) {
        let Some(config) = self.docs.get(uri).map(|d| d.config.clone()) else {
            return;
        };
        let setup = self.setup(&config);
        let enc = self.enc;
        let doc = self.docs.get_mut(uri).expect("document is open");
        doc.check(&setup.nz, setup.config.as_deref(), &setup.tables);
        let params = PublishDiagnosticsParams {
            uri: uri.clone(),
            diagnostics: doc.diagnostics(enc),
            version: Some(doc.version),
        };
        self.notify("textDocument/publishDiagnostics", params);
    }

    fn code_actions(&mut self, params: Value) -> Result<Value, String> {
        let p: CodeActionParams = serde_json::from_value(params).map_err(|e| e.to_string())?;
        let uri = p.text_document.uri;
        let Some(doc) = self.docs.get(&uri) else {
            return Ok(Value::Null);
        };
        let enc = self.enc;
        let only = p.context.only.as_deref();
        let a = doc.offset(p.range.start, enc);
        let b = doc.offset(p.range.end, enc);
        let mut actions: Vec<CodeActionOrCommand> = Vec::new();
        let edit = |edits: Vec<TextEdit>| WorkspaceEdit {
            changes: Some(HashMap::from([(uri.clone(), edits)])),
            ..WorkspaceEdit::default()
        };
        for m in &doc.matches {
            // Findings touching the range (a cursor inside or at either end of a name).
            if m.end < a || m.start > b {
                continue;
            }
            let found = &doc.text[m.start..m.end];
            let range = doc.range(m.start, m.end, enc);
            let diag = diagnostic(&doc.text, m, range);
            if !wanted(only, CodeActionKind::QUICKFIX.as_str()) {
                continue;
            }
            if let (Some(r), true) = (&m.replacement, m.fix != Fix::Ambiguous) {
                actions.push(CodeActionOrCommand::CodeAction(CodeAction {
                    title: format!("Replace `{found}` with `{r}`"),
                    kind: Some(CodeActionKind::QUICKFIX),
                    diagnostics: Some(vec![diag.clone()]),
                    edit: Some(edit(vec![TextEdit {
                        range,
                        new_text: r.clone(),
                    }])),
                    is_preferred: Some(m.fix == Fix::Safe),
                    ..CodeAction::default()
                }));
                if let Some(c) = m.candidates.first() {
                    let args = json!({
                        "uri": uri.as_str(),
                        "found": found,
                        "canonical": c.canonical,
                        "id": c.id,
                        "type": c.kind,
                    });
                    actions.push(CodeActionOrCommand::CodeAction(CodeAction {
                        title: format!("Add `{found}` -> `{}` to my table", c.canonical),
                        kind: Some(CodeActionKind::QUICKFIX),
                        diagnostics: Some(vec![diag]),
                        command: Some(Command {
                            title: "Add this variant to my table".to_string(),
                            command: ADD_VARIANT.to_string(),
                            arguments: Some(vec![args]),
                        }),
                        ..CodeAction::default()
                    }));
                }
            }
        }
        if wanted(only, FIX_ALL_KIND) {
            let safe: Vec<TextEdit> = doc
                .matches
                .iter()
                .filter(|m| m.fix == Fix::Safe)
                .filter_map(|m| {
                    Some(TextEdit {
                        range: doc.range(m.start, m.end, enc),
                        new_text: m.replacement.clone()?,
                    })
                })
                .collect();
            if !safe.is_empty() {
                actions.push(CodeActionOrCommand::CodeAction(CodeAction {
                    title: format!(
                        "Fix all safe name variants ({} in this document)",
                        safe.len()
                    ),
                    kind: Some(CodeActionKind::from(FIX_ALL_KIND.to_string())),
                    edit: Some(edit(safe)),
                    ..CodeAction::default()
                }));
            }
        }
        serde_json::to_value(actions).map_err(|e| e.to_string())
    }

    fn hover(&mut self, params: Value) -> Result<Value, String> {
        let p: HoverParams = serde_json::from_value(params).map_err(|e| e.to_string())?;
        let pos = p.text_document_position_params;
        let Some(doc) = self.docs.get(&pos.text_document.uri) else {
            return Ok(Value::Null);
        };
        let at = doc.offset(pos.position, self.enc);
        let Some(m) = doc.matches.iter().find(|m| m.start <= at && at <= m.end) else {
            return Ok(Value::Null);
        };
        let hover = Hover {
            contents: HoverContents::Markup(MarkupContent {
                kind: MarkupKind::Markdown,
                value: explain(&doc.text[m.start..m.end], m),
            }),
            range: Some(doc.range(m.start, m.end, self.enc)),
        };
        serde_json::to_value(hover).map_err(|e| e.to_string())
    }

    fn execute(&mut self, params: Value) -> Result<Value, String> {
        let p: ExecuteCommandParams = serde_json::from_value(params).map_err(|e| e.to_string())?;
        if p.command != ADD_VARIANT {
            return Err(format!("unknown command {}", p.command));
        }
        let arg = p.arguments.into_iter().next().unwrap_or(Value::Null);
        let req = VariantRequest::from_value(&arg)?;
        match self.add_variant(&req) {
            Ok(table) => {
                self.show(
                    MessageType::INFO,
                    format!(
                        "normalize: added `{}` -> `{}` to {}",
                        req.found,
                        req.canonical,
                        table.display()
                    ),
                );
                self.reload();
            }
            Err(e) => self.show(MessageType::ERROR, format!("normalize: {e}")),
        }
        Ok(Value::Null)
    }

    fn add_variant(&mut self, req: &VariantRequest) -> Result<PathBuf, String> {
        let config = match &req.uri {
            Some(uri) => self.config_for(uri),
            None => {
                let dir = self.root.clone().or_else(|| std::env::current_dir().ok());
                dir.and_then(|d| crate::config::find_file(&d))
            }
        };
        let Some(config) = config else {
            return Err(format!(
                "cannot add `{}`: no {CONFIG_FILE} with `tables = [\"...\"]` found above the document; \
                 create one naming your table",
                req.found
            ));
        };
        let cfg = Config::load(&config).map_err(|e| e.to_string())?;
        let Some(table) = cfg.tables.first() else {
            return Err(format!(
                "cannot add `{}`: {} names no table (`tables = [\"my-names.tsv\"]`)",
                req.found,
                config.display()
            ));
        };
        append_variant(table, req)?;
        Ok(table.clone())
    }
}

/// The arguments of `normalize.addVariant`: an object `{uri?, found, canonical, id?, type?}`
/// or an array `[found, canonical]`.
#[derive(Debug, Clone, PartialEq)]
pub struct VariantRequest {
    pub uri: Option<Uri>,
    pub found: String,
    pub canonical: String,
    pub id: Option<String>,
    pub kind: Option<String>,
}

impl VariantRequest {
    pub fn from_value(v: &Value) -> Result<VariantRequest, String> {
        let s = |k: &str| v.get(k).and_then(Value::as_str).map(str::to_string);
        let (found, canonical) = match (s("found"), s("canonical")) {
            (Some(f), Some(c)) => (f, c),
            _ => {
                return Err(format!(
                    "{ADD_VARIANT} expects {{\"found\": ..., \"canonical\": ..., \"uri\": ...}}"
                ))
            }
        };
        let uri = s("uri").and_then(|u| u.parse::<Uri>().ok());
        Ok(VariantRequest {
            uri,
            found,
            canonical,
            id: s("id"),
            kind: s("type"),
        })
    }
}

/// Adds `found -> canonical` at the end of a table in its own format (simple `alias  canonical`, or a
/// full-format row `id  type    found` that points the alias at the entity), creating a simple
/// table when the file does not exist. Nothing is written when the row is already there.
pub fn append_variant(table: &Path, req: &VariantRequest) -> Result<(), String> {
    let found = one_line(&req.found);
    let canonical = one_line(&req.canonical);
    if found.is_empty() || canonical.is_empty() {
        return Err("empty variant or canonical name".into());
    }
    let existing = match fs::read_to_string(table) {
        Ok(t) => Some(t),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
        Err(e) => return Err(format!("{}: {e}", table.display())),
    };
    // The header: the first line that is neither blank nor a comment.
    let header = existing.as_deref().and_then(|t| {
        t.lines()
            .map(|l| l.trim_start_matches('\u{FEFF}'))
            .find(|l| !l.trim().is_empty() && !l.starts_with('#'))
    });
    let full = header.is_some_and(|h| h.split('\t').next().map(str::trim) == Some("id"));
    let row = if full {
        let (Some(id), Some(kind)) = (&req.id, &req.kind) else {
            return Err(format!(
                "{} is a full-format table: the variant needs an entity id and type",
                table.display()
            ));
        };
        format!("{id}\t{kind}\t\t{found}")
    } else {
        format!("{found}\t{canonical}")
    };
    let mut add = String::new();
    if let Some(t) = &existing {
        if t.lines().any(|l| l.trim_end_matches('\r') == row) {
            return Ok(());
        }
        if !t.is_empty() && !t.ends_with('\n') {
            add.push('\n');
        }
    }
    if header.is_none() {
        // A new, empty or comments-only table: the simple format's header first.
        add.push_str("alias\tcanonical\n");
    }
    add.push_str(&row);
    add.push('\n');
    if let Some(dir) = table.parent() {
        if !dir.as_os_str().is_empty() {
            fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
        }
    }
    // The whole table is rewritten atomically: a failure part-way leaves it as it was.
    let mut contents = existing.unwrap_or_default();
    contents.push_str(&add);
    crate::load::write_atomic(table, contents.as_bytes())
        .map_err(|e| format!("{}: {e}", table.display()))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The table is rewritten atomically: through a symbolic link its target gets the row
    /// (the link stays), and its permissions are kept.
    #[cfg(unix)]
    #[test]
    fn add_variant_rewrites_the_table_in_place_of_its_link_keeping_its_mode() {
        use std::os::unix::fs::PermissionsExt;
        let dir = std::env::temp_dir().join(format!("normalize-lsp-unit-{}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        fs::create_dir_all(&dir).unwrap();
        let target = dir.join("names.tsv");
        fs::write(&target, "alias\tcanonical\nKazakstann\tKazakhstan").unwrap();
        fs::set_permissions(&target, fs::Permissions::from_mode(0o640)).unwrap();
        let link = dir.join("link.tsv");
        std::os::unix::fs::symlink(&target, &link).unwrap();
        let req = VariantRequest {
            uri: None,
            found: "Qazaqstan".into(),
            canonical: "Kazakhstan".into(),
            id: None,
            kind: None,
        };
        append_variant(&link, &req).unwrap();
        assert!(fs::symlink_metadata(&link)
            .unwrap()
            .file_type()
            .is_symlink());
        assert_eq!(
            fs::read_to_string(&target).unwrap(),
            "alias\tcanonical\nKazakstann\tKazakhstan\nQazaqstan\tKazakhstan\n"
        );
        let mode = fs::metadata(&target).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o640);
        let _ = fs::remove_dir_all(&dir);
    }

    fn pos(line: u32, character: u32) -> Position {
        Position { line, character }
    }

    #[test]
    fn positions_round_trip_in_every_encoding() {
        let text = "a\r\n😀 Kazakhastan é\rx\nlast";
        let lines = line_starts(text);
        assert_eq!(lines, vec![0, 3, 23, 25]);
        let k = text.find("Kazakhastan").unwrap();
        assert_eq!(position_at(text, &lines, k, Encoding::Utf16), pos(1, 3));
        assert_eq!(position_at(text, &lines, k, Encoding::Utf8), pos(1, 5));
        assert_eq!(position_at(text, &lines, k, Encoding::Utf32), pos(1, 2));
        for enc in [Encoding::Utf8, Encoding::Utf16, Encoding::Utf32] {
            for (off, _) in text.char_indices() {
                let p = position_at(text, &lines, off, enc);
                if text[off..].starts_with('\n') && text[..off].ends_with('\r') {
                    continue;
                }
                assert_eq!(offset_at(text, &lines, p, enc), off, "{enc:?} {off}");
            }
        }
        // Beyond the line: its end; beyond the text: the end; inside a surrogate pair: before.
        assert_eq!(offset_at(text, &lines, pos(0, 99), Encoding::Utf16), 1);
        assert_eq!(
            offset_at(text, &lines, pos(9, 0), Encoding::Utf16),
            text.len()
        );
        assert_eq!(offset_at(text, &lines, pos(1, 1), Encoding::Utf16), 3);
        let d = Document::new(text.to_string(), 1);
        assert_eq!(d.range(k, text.len(), Encoding::Utf16).start, pos(1, 3));
        assert_eq!(d.range(k, text.len(), Encoding::Utf16).end, pos(3, 4));
    }

    #[test]
    fn incremental_edits() {
        let mut d = Document::new("😀 Kazakhstan\nline two\n".into(), 1);
        let change = |sl, sc, el, ec, t: &str| TextDocumentContentChangeEvent {
            range: Some(Range {
                start: pos(sl, sc),
                end: pos(el, ec),
            }),
            range_length: None,
            text: t.into(),
        };
        d.apply(&change(0, 9, 0, 9, "a"), Encoding::Utf16).unwrap();
        assert_eq!(d.text, "😀 Kazakhastan\nline two\n");
        d.apply(&change(0, 14, 1, 4, ""), Encoding::Utf16).unwrap();
        assert_eq!(d.text, "😀 Kazakhastan two\n");
        d.apply(&change(1, 0, 1, 0, "end"), Encoding::Utf8).unwrap();
        assert_eq!(d.text, "😀 Kazakhastan two\nend");
        // Past the end of its line: the line's end; past the last line: refused.
        d.apply(&change(1, 99, 1, 99, "!"), Encoding::Utf8).unwrap();
        assert_eq!(d.text, "😀 Kazakhastan two\nend!");
        assert!(d.apply(&change(7, 0, 7, 1, "x"), Encoding::Utf8).is_err());
        assert!(d.apply(&change(0, 0, 2, 1, "x"), Encoding::Utf8).is_err());
        assert_eq!(d.text, "😀 Kazakhastan two\nend!");
    }

    #[test]
    fn uris() {
        let u: Uri = "file:///tmp/a%20b/c.md".parse().unwrap();
        assert_eq!(uri_to_path(&u), Some(PathBuf::from("/tmp/a b/c.md")));
        let u: Uri = "untitled:Untitled-1".parse().unwrap();
        assert_eq!(uri_to_path(&u), None);
    }

    #[test]
    fn only_filter() {
        let k = |s: &str| CodeActionKind::from(s.to_string());
        assert!(wanted(None, FIX_ALL_KIND));
        assert!(wanted(Some(&[k("source")]), FIX_ALL_KIND));
        assert!(wanted(Some(&[k("source.fixAll")]), FIX_ALL_KIND));
        assert!(!wanted(Some(&[k("source.fix")]), FIX_ALL_KIND));
        assert!(!wanted(Some(&[k("quickfix")]), FIX_ALL_KIND));
    }
}
