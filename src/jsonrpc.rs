//! The language server's wire: JSON-RPC messages framed by `Content-Length` headers (the
//! Language Server Protocol's base protocol), read defensively.
//!
//! [`read`] never allocates more than [`MAX_MESSAGE`] bytes for a message, whatever its
//! header claims: a longer body is read past (discarded) and reported, so that the next
//! message is read normally. Bad headers, bodies that are not UTF-8 or not JSON, and JSON that
//! is not a JSON-RPC message are reported as [`Incoming::Invalid`] with the request id when one
//! could be read, so the server can answer with a JSON-RPC error and go on; only the end of the
//! input (or a failing read) ends the stream.

use std::io::{self, BufRead, Read, Write};

use lsp_server::{Message, RequestId};
use serde_json::Value;

/// The largest message body read (64 MiB).
pub const MAX_MESSAGE: usize = 64 << 20;

/// Longest header line accepted (bytes); a longer one is a bad header.
const MAX_HEADER_LINE: u64 = 8 << 10;

/// JSON-RPC error codes.
pub mod code {
    pub const PARSE_ERROR: i32 = -32700;
    pub const INVALID_REQUEST: i32 = -32600;
    pub const METHOD_NOT_FOUND: i32 = -32601;
    pub const INVALID_PARAMS: i32 = -32602;
    pub const INTERNAL_ERROR: i32 = -32603;
    pub const SERVER_NOT_INITIALIZED: i32 = -32002;
}

/// What was wrong with a message that could not be used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FrameError {
    #[error("message of {0} bytes is over the limit of {MAX_MESSAGE} bytes; skipped")]
    TooLarge(u64),
    #[error("bad header line {0:?}; message skipped")]
    BadHeader(String),
    #[error("no Content-Length header; message skipped")]
    NoLength,
    #[error("message body is not UTF-8")]
    NotUtf8,
    #[error("message body is not JSON: {0}")]
    Json(String),
    #[error("not a JSON-RPC message: {0}")]
    NotMessage(String),
}

impl FrameError {
    /// The JSON-RPC error code of an answer to such a message.
    pub fn code(&self) -> i32 {
        match self {
            FrameError::NotMessage(_) => code::INVALID_REQUEST,
            _ => code::PARSE_ERROR,
        }
    }
}

/// One message read from the client, or why it could not be used.
#[derive(Debug)]
pub enum Incoming {
    Message(Message),
    /// Not usable; `id` is the request's id when it could be read.
    Invalid {
        error: FrameError,
        id: Option<RequestId>,
    },
}

/// Reads one header line (at most [`MAX_HEADER_LINE`] bytes) into `line`; false at the end of
/// the input.
fn header_line<R: BufRead + ?Sized>(r: &mut R, line: &mut Vec<u8>) -> io::Result<bool> {
    line.clear();
    let n = (&mut *r).take(MAX_HEADER_LINE).read_until(b'\n', line)?;
    Ok(n > 0)
}

/// Reads the next message. `Ok(None)` at the end of the input (also in the middle of a
/// message); `Err` only when reading fails.
pub fn read<R: BufRead + ?Sized>(r: &mut R) -> io::Result<Option<Incoming>> {
    read_max(r, MAX_MESSAGE)
}

/// [`read`] with another size limit (for tests).
pub fn read_max<R: BufRead + ?Sized>(r: &mut R, max: usize) -> io::Result<Option<Incoming>> {
    let mut line = Vec::new();
    let mut length: Option<u64> = None;
    let mut bad: Option<FrameError> = None;
    let mut any = false;
    loop {
        if !header_line(r, &mut line)? {
            return Ok(None);
        }
        if !line.ends_with(b"\n") {
            // Over-long line: read past the rest of it.
            bad.get_or_insert_with(|| {
                FrameError::BadHeader(String::from_utf8_lossy(&line[..64.min(line.len())]).into())
            });
            let mut rest = Vec::new();
            r.read_until(b'\n', &mut rest)?;
            continue;
        }
        let text = String::from_utf8_lossy(&line);
        let text = text.trim_end_matches(['\r', '\n']);
        if text.is_empty() {
            if any {
                break;
            }
            // Blank lines between messages are tolerated.
            continue;
        }
        any = true;
        match text.split_once(':') {
            Some((name, value)) if name.trim().eq_ignore_ascii_case("content-length") => {
                match value.trim().parse::<u64>() {
                    Ok(n) => length = Some(n),
                    Err(_) => {
                        bad.get_or_insert(FrameError::BadHeader(text.to_string()));
                    }
                }
            }
            Some(_) => {}
            None => {
                bad.get_or_insert(FrameError::BadHeader(text.to_string()));
            }
        }
    }
    let Some(length) = length else {
        return Ok(Some(Incoming::Invalid {
            error: bad.unwrap_or(FrameError::NoLength),
            id: None,
        }));
    };
    if length > max as u64 {
        let skipped = io::copy(&mut (&mut *r).take(length), &mut io::sink())?;
        if skipped < length {
            return Ok(None);
        }
        return Ok(Some(Incoming::Invalid {
            error: FrameError::TooLarge(length),
            id: None,
        }));
    }
    let mut body = Vec::with_capacity(length as usize);
    (&mut *r).take(length).read_to_end(&mut body)?;
    if (body.len() as u64) < length {
        return Ok(None);
    }
    if let Some(error) = bad {
        return Ok(Some(Incoming::Invalid { error, id: None }));
    }
    Ok(Some(parse(&body)))
}

/// A message body parsed: a JSON-RPC message, or why not.
pub fn parse(body: &[u8]) -> Incoming {
    let Ok(text) = std::str::from_utf8(body) else {
        return Incoming::Invalid {
            error: FrameError::NotUtf8,
            id: None,
        };
    };
    let value: Value = match serde_json::from_str(text) {
        Ok(v) => v,
        Err(e) => {
            return Incoming::Invalid {
                error: FrameError::Json(e.to_string()),
                id: None,
            }
        }
    };
    let id = value
        .get("id")
        .and_then(|id| serde_json::from_value::<RequestId>(id.clone()).ok());
    if !value.is_object() {
        return Incoming::Invalid {
            error: FrameError::NotMessage("not an object".into()),
            id,
        };
    }
    match serde_json::from_value::<Message>(value) {
        Ok(m) => Incoming::Message(m),
        Err(e) => Incoming::Invalid {
            error: FrameError::NotMessage(e.to_string()),
            id,
        },
    }
}

/// Writes one message.
pub fn write<W: Write + ?Sized>(w: &mut W, msg: &Message) -> io::Result<()> {
    let body = serde_json::to_vec(msg)?;
    write_body(w, &body)
}

/// Writes an error response to a request whose id could not be read (`"id": null`).
pub fn write_error_without_id<W: Write + ?Sized>(
    w: &mut W,
    code: i32,
    message: &str,
) -> io::Result<()> {
    let body = serde_json::to_vec(&serde_json::json!({
        "jsonrpc": "2.0",
        "id": null,
        "error": { "code": code, "message": message },
    }))?;
    write_body(w, &body)
}

fn write_body<W: Write + ?Sized>(w: &mut W, body: &[u8]) -> io::Result<()> {
    write!(w, "Content-Length: {}\r\n\r\n", body.len())?;
    w.write_all(body)?;
    w.flush()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn frame(body: &str) -> String {
        format!("Content-Length: {}\r\n\r\n{body}", body.len())
    }

    fn all(input: &[u8], max: usize) -> Vec<Incoming> {
        let mut r = input;
        let mut out = Vec::new();
        while let Some(m) = read_max(&mut r, max).unwrap() {
            out.push(m);
        }
        out
    }

    #[test]
    fn good_bad_and_oversized_messages_in_a_row() {
        let ok = r#"{"jsonrpc":"2.0","id":1,"method":"shutdown"}"#;
        let big = format!(
            r#"{{"jsonrpc":"2.0","method":"x","params":"{}"}}"#,
            "a".repeat(100)
        );
        let input = format!(
            "{}{}{}{}{}",
            frame(ok),
            frame("{not json"),
            frame(&big),
            frame(r#"{"id":7,"foo":1}"#),
            frame(ok)
        );
        let got = all(input.as_bytes(), 64);
        assert_eq!(got.len(), 5);
        assert!(
            matches!(&got[0], Incoming::Message(Message::Request(r)) if r.method == "shutdown")
        );
        assert!(matches!(
            &got[1],
            Incoming::Invalid {
                error: FrameError::Json(_),
                id: None
            }
        ));
        assert!(matches!(
            &got[2],
            Incoming::Invalid {
                error: FrameError::TooLarge(_),
                ..
            }
        ));
        assert!(
            matches!(&got[3], Incoming::Invalid { error: FrameError::NotMessage(_), id: Some(i) } if *i == RequestId::from(7))
        );
        assert!(matches!(&got[4], Incoming::Message(_)));
    }

    #[test]
    fn a_huge_length_reads_to_the_end_without_allocating() {
        let input = b"Content-Length: 1000000000000\r\n\r\n{}";
        assert!(all(input, MAX_MESSAGE).is_empty());
    }

    #[test]
    fn bad_headers() {
        let input = format!("Content-Length: x\r\n\r\n{}", frame("{}"));
        let got = all(input.as_bytes(), 64);
        assert!(matches!(
            &got[0],
            Incoming::Invalid {
                error: FrameError::BadHeader(_),
                ..
            }
        ));
        let got = all(b"Content-Type: a\r\n\r\n", 64);
        assert!(matches!(
            &got[0],
            Incoming::Invalid {
                error: FrameError::NoLength,
                ..
            }
        ));
    }
}
