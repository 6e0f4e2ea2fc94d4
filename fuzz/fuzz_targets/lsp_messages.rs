//! The language server's message handling on arbitrary input: the framing reader on the raw
//! bytes, and a whole server session on them (after an `initialize`). Never a panic, and the
//! server ends at the end of its input.
#![no_main]

use libfuzzer_sys::fuzz_target;
use normalize::{Normalizer, Options};

fuzz_target!(|data: &[u8]| {
    let mut r = data;
    while let Ok(Some(_)) = normalize::jsonrpc::read_max(&mut r, 1 << 16) {}
    // `workspace/executeCommand` may append to a table named by a `.normalize.toml`: not in a
    // fuzzer.
    if data.windows(7).any(|w| w.eq_ignore_ascii_case(b"execute")) {
        return;
    }
    let init = br#"{"jsonrpc":"2.0","id":0,"method":"initialize","params":{"capabilities":{}}}"#;
    let mut input = format!("Content-Length: {}\r\n\r\n", init.len()).into_bytes();
    input.extend_from_slice(init);
    input.extend_from_slice(data);
    let factory: normalize::lsp::Factory = Box::new(|_| {
        Normalizer::load(true, &[] as &[&str], Options::default())
            .map(|nz| (nz, Vec::new()))
            .map_err(|e| e.to_string())
    });
    let mut out = Vec::new();
    let mut log = |_: &str| {};
    let _ = normalize::lsp::serve(&mut input.as_slice(), &mut out, factory, &mut log);
});
