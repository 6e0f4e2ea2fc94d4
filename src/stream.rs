//! Streaming the text filter: bounded memory on any input size, invalid UTF-8 passed through.
//!
//! Input is read in blocks and cut at a paragraph break (else a line break, else a space), so
//! that a name wrapped across two lines of one paragraph is still seen whole. Where to cut is
//! decided on the pending text alone (its first 64 KB, then twice as much while no break will
//! do), so the output is the same whether the input comes from a file or a pipe. Each block's
//! valid UTF-8 runs are normalised; bytes that are not UTF-8 are copied unchanged.
//!
//! Blocks are independent (a block's output depends on that block and the normalizer only;
//! the scanner's memo changes how fast, never what), so several threads may normalise them
//! at once ([`normalize_stream_parallel`]): the output is written in input order and is the
//! same bytes as one thread gives.

use std::io::{self, Read, Write};

use crate::config::Config;
use crate::engine::{Fix, Normalizer};
use crate::matcher::apply_to;
use crate::scanner::Scanner;

/// The first look at pending input: cut at a paragraph break in its second half, else look
/// at twice as much.
const VIEW: usize = 64 << 10;
/// Input looked at before a line break will do for a cut when no paragraph break comes.
const BLOCK: usize = 1 << 20;
/// Longest run kept waiting for a line break before it is cut at a space or character.
const MAX_CARRY: usize = 4 << 20;

/// Which fixes the filter applies.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Apply {
    /// Only safe fixes (the default).
    Safe,
    /// Safe and suggested fixes.
    Suggested,
}

impl Apply {
    pub fn accepts(self, fix: Fix) -> bool {
        match self {
            Apply::Safe => fix == Fix::Safe,
            Apply::Suggested => matches!(fix, Fix::Safe | Fix::Suggested),
        }
    }
}

/// Statistics of a run.
#[derive(Debug, Default, Clone, Copy)]
pub struct Stats {
    pub bytes: u64,
    pub replacements: u64,
}

/// How input is cut into blocks: the first look at pending input, the input looked at before
/// a line break will do, and the longest run kept waiting for a line break (see the module
/// documentation). Tests use small sizes to cut often.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Cuts {
    pub view: usize,
    pub block: usize,
    pub max_carry: usize,
}

impl Default for Cuts {
    fn default() -> Cuts {
        Cuts {
            view: VIEW,
            block: BLOCK,
            max_carry: MAX_CARRY,
        }
    }
}

/// Where to cut `buf` (a prefix length) so that no name is split, or `None` to read more.
fn cut_point(buf: &[u8], eof: bool) -> Option<usize> {
    cut_point_with(buf, eof, &Cuts::default())
}

/// [`cut_point`] with other sizes. Always `Some` once `buf` holds `cuts.max_carry` bytes.
pub fn cut_point_with(buf: &[u8], eof: bool, cuts: &Cuts) -> Option<usize> {
    if eof {
        return Some(buf.len());
    }
    let half = buf.len() / 2;
    if let Some(p) = memchr::memmem::rfind(&buf[half..], b"\n\n") {
        return Some(half + p + 2);
    }
    // Without a paragraph break, wait for a full block before cutting at a line break, so
    // that a name wrapped across lines of a short paragraph stays whole.
    if buf.len() < cuts.block {
        return None;
    }
    if let Some(p) = memchr::memrchr(b'\n', buf) {
        return Some(p + 1);
    }
    if buf.len() < cuts.max_carry {
        return None;
    }
    if let Some(p) = memchr::memrchr(b' ', buf) {
        return Some(p + 1);
    }
    // No space at all: cut before the last UTF-8 lead byte.
    let mut p = buf.len() - 1;
    while p > 0 && (buf[p] & 0xC0) == 0x80 {
        p -= 1;
    }
    Some(p.max(1))
}

/// Reads `input` and calls `f` with consecutive blocks of it, cut where `cut` says: `cut` is
/// given the pending bytes and whether they are the rest of the input, and answers a prefix
/// length (not 0) or `None` to look at twice as much (up to `max_view` bytes, where it must
/// answer). Where to cut is decided on the pending bytes alone, so the blocks are the same
/// whether the input comes from a file or a pipe. Returns the number of bytes read.
pub fn for_each_block<R: Read + ?Sized>(
    input: &mut R,
    view: usize,
    max_view: usize,
    mut cut: impl FnMut(&[u8], bool) -> Option<usize>,
    mut f: impl FnMut(&[u8]) -> io::Result<()>,
) -> io::Result<u64> {
    // `buf[..len]` holds the bytes read and not yet handed on. Where to cut is decided on the
    // first `want` of them only, so that the blocks do not depend on how the input arrives
    // (a file gives what is asked, a pipe 64 KB a read). The buffer is zeroed only as it
    // grows, not before every read.
    let mut buf: Vec<u8> = Vec::new();
    let mut len = 0;
    let mut want = view;
    let mut eof = false;
    let mut total = 0u64;
    loop {
        while len < want && !eof {
            if buf.len() < want {
                buf.resize(want, 0);
            }
            match input.read(&mut buf[len..want]) {
                Ok(0) => eof = true,
                Ok(n) => {
                    len += n;
                    total += n as u64;
                }
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => return Err(e),
            }
        }
        let end = len.min(want);
        if end == 0 {
            break;
        }
        match cut(&buf[..end], eof && len <= want) {
            Some(c) => {
                let c = c.clamp(1, end);
                f(&buf[..c])?;
                buf.copy_within(c..len, 0);
                len -= c;
                want = view;
            }
            // No break to cut at yet: decide on twice as much.
            None => want = (want * 2).min(max_view),
        }
    }
    Ok(total)
}

/// Normalises one block, writing the result. Invalid UTF-8 bytes are copied as they are.
/// Names that are `ignore` words of `config` are never rewritten.
pub fn normalize_bytes(
    nz: &Normalizer,
    sc: &mut Scanner,
    mut block: &[u8],
    apply_fix: Apply,
    config: Option<&Config>,
    out: &mut impl Write,
    stats: &mut Stats,
) -> io::Result<()> {
    while !block.is_empty() {
        let (valid, rest) = match std::str::from_utf8(block) {
            Ok(s) => (s, &block[block.len()..]),
            Err(e) => {
                let (v, r) = block.split_at(e.valid_up_to());
                // SAFETY-free: `v` is valid UTF-8 by `valid_up_to`.
                (std::str::from_utf8(v).unwrap_or(""), r)
            }
        };
        if !valid.is_empty() {
            let matches = nz.find_with(valid, sc);
            let mut n = 0;
            apply_to(
                valid,
                &matches,
                |m| {
                    let ok = apply_fix.accepts(m.fix)
                        && !config.is_some_and(|c| c.ignores(&valid[m.start..m.end]));
                    n += ok as u64;
                    ok
                },
                out,
            )?;
            stats.replacements += n;
        }
        if rest.is_empty() {
            break;
        }
        // Copy the invalid sequence (at least one byte) through.
        let bad = match std::str::from_utf8(rest) {
            Err(e) if e.valid_up_to() == 0 => e.error_len().unwrap_or(rest.len()),
            _ => 0,
        };
        out.write_all(&rest[..bad])?;
        block = &rest[bad..];
    }
    Ok(())
}

/// Normalises `input` to `output`, streaming.
pub fn normalize_stream(
    nz: &Normalizer,
    input: &mut impl Read,
    output: &mut impl Write,
    apply_fix: Apply,
) -> io::Result<Stats> {
    normalize_stream_with(nz, input, output, apply_fix, None)
}

/// Normalises `input` to `output`, streaming; names that are `ignore` words of `config` are
/// never rewritten.
pub fn normalize_stream_with(
    nz: &Normalizer,
    input: &mut impl Read,
    output: &mut impl Write,
    apply_fix: Apply,
    config: Option<&Config>,
) -> io::Result<Stats> {
    let mut sc = Scanner::new();
    let mut stats = Stats::default();
    stats.bytes = for_each_block(input, VIEW, MAX_CARRY, cut_point, |block| {
        let mut st = Stats::default();
        normalize_bytes(nz, &mut sc, block, apply_fix, config, output, &mut st)?;
        stats.replacements += st.replacements;
        Ok(())
    })?;
    output.flush()?;
    Ok(stats)
}

/// Blocks read and not yet written: this many per thread, plus [`IN_FLIGHT_EXTRA`]. The
/// memory in use is bounded by that many blocks (32 KB to 64 KB on text with paragraphs, up
/// to 4 MB on text without line breaks) and their output, however slow one block is.
const IN_FLIGHT: usize = 2;
/// Blocks in flight beyond [`IN_FLIGHT`] per thread, so that a few threads are kept busy.
const IN_FLIGHT_EXTRA: usize = 2;

/// [`normalize_stream_with`] on `threads` threads: one reads and cuts the input (the same
/// blocks as one thread), the workers normalise blocks, each with its own [`Scanner`], and the
/// caller's thread writes their output in input order. With `threads` of 1, the same as
/// [`normalize_stream_with`].
pub fn normalize_stream_parallel<R: Read + Send>(
    nz: &Normalizer,
    input: &mut R,
    output: &mut impl Write,
    apply_fix: Apply,
    config: Option<&Config>,
    threads: usize,
) -> io::Result<Stats> {
    if threads <= 1 {
        return normalize_stream_with(nz, input, output, apply_fix, config);
    }
    use std::collections::BTreeMap;
    use std::sync::{mpsc, Mutex};
    let window = threads * IN_FLIGHT + IN_FLIGHT_EXTRA;
    let (work_tx, work_rx) = mpsc::sync_channel::<(u64, Vec<u8>)>(window);
    // Taken away by the writer when it fails, so that the reader's next send fails too.
    let work_rx = Mutex::new(Some(work_rx));
    let (done_tx, done_rx) = mpsc::sync_channel::<(u64, io::Result<(Vec<u8>, u64)>)>(window);
    // One ticket per block in flight: the reader takes one before it hands a block on, the
    // writer gives it back once the block is written.
    let (ticket_tx, ticket_rx) = mpsc::sync_channel::<()>(window);
    for _ in 0..window {
        let _ = ticket_tx.send(());
    }
    std::thread::scope(|scope| {
        let reader = scope.spawn(move || {
            let mut seq = 0u64;
            let read = for_each_block(input, VIEW, MAX_CARRY, cut_point, |block| {
                ticket_rx.recv().map_err(|_| io::Error::other("stopped"))?;
                // A closed channel means the writer stopped (an error): stop reading.
                work_tx
                    .send((seq, block.to_vec()))
                    .map_err(|_| io::Error::other("stopped"))?;
                seq += 1;
                Ok(())
            });
            (read, seq)
        });
        for _ in 0..threads {
            let done_tx = done_tx.clone();
            let work_rx = &work_rx;
            scope.spawn(move || {
                let mut sc = Scanner::new();
                loop {
                    // The lock is held while waiting: the channel is then empty, and the
                    // reader's next block (or its end) releases it.
                    let next = match work_rx.lock() {
                        Ok(rx) => rx.as_ref().and_then(|rx| rx.recv().ok()),
                        Err(_) => None,
                    };
                    let Some((seq, block)) = next else {
                        break;
                    };
                    let mut out = Vec::with_capacity(block.len() + block.len() / 8);
                    let mut st = Stats::default();
                    // A panic in one block is an error of the run, not a hang of the writer
                    // waiting for that block: it is reported, and this worker stops (its
                    // scanner may be half updated).
                    let r = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                        normalize_bytes(nz, &mut sc, &block, apply_fix, config, &mut out, &mut st)
                    }));
                    let (r, stop) = match r {
                        Ok(r) => (r.map(|()| (out, st.replacements)), false),
                        Err(_) => (Err(io::Error::other("a normalising thread panicked")), true),
                    };
                    if done_tx.send((seq, r)).is_err() || stop {
                        break;
                    }
                }
            });
        }
        drop(done_tx);
        // Write in order; blocks that finish early wait in `pending` (bounded by the channels).
        let mut pending = BTreeMap::new();
        let mut next = 0u64;
        let mut stats = Stats::default();
        let mut failed = None;
        for (seq, r) in done_rx.iter() {
            pending.insert(seq, r);
            while let Some(r) = pending.remove(&next) {
                match r {
                    Ok((out, n)) if failed.is_none() => {
                        if let Err(e) = output.write_all(&out) {
                            failed = Some(e);
                        }
                        stats.replacements += n;
                    }
                    Ok(_) => {}
                    Err(e) => failed = failed.or(Some(e)),
                }
                next += 1;
                let _ = ticket_tx.send(());
            }
            if failed.is_some() {
                break;
            }
        }
        // Unblock and stop the reader and the workers on an error.
        drop(done_rx);
        drop(ticket_tx);
        if failed.is_some() {
            if let Ok(mut rx) = work_rx.lock() {
                rx.take();
            }
        }
        let (read, blocks) = reader
            .join()
            .map_err(|_| io::Error::other("the reading thread panicked"))?;
        if let Some(e) = failed {
            return Err(e);
        }
        stats.bytes = read?;
        if next != blocks {
            return Err(io::Error::other("a normalising thread stopped early"));
        }
        output.flush()?;
        Ok(stats)
    })
}
