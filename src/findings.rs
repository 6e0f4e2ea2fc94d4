//! The findings of one document as `normalize check` and the language server report them:
//! prose-aware matching over the whole text, then the filters of the configuration and of the
//! text itself (minimum severity, `ignore` words, inline directives), after the path filters
//! (`exclude`, and the table files in use, which are full of variants by design).
//!
//! [`find`] reads a document held in memory; [`find_stream`] reads one from a reader in
//! blocks, in bounded memory, with the same findings: blocks are cut where the text filter cuts
//! (paragraph breaks; line breaks in very long paragraphs), and Markdown only where reading the
//! two parts apart gives what reading them together does ([`prose::markdown_cut`]); inline
//! directives are followed across blocks ([`crate::directives::Tracker`]).

use std::io::{self, Read};
use std::path::{Path, PathBuf};

use crate::config::{Config, Severity};
use crate::engine::{Match, Normalizer};
use crate::position::{Breaks, Mapper, Unit};
use crate::prose::{self, Syntax};
use crate::scanner::Scanner;
use crate::stream::{cut_point_with, for_each_block, Cuts};

/// The most Markdown looked at for a place to cut (a fenced block longer than this is cut
/// inside, as the text filter would cut it).
const MARKDOWN_MAX_VIEW: usize = 64 << 20;

/// What to check a document with.
#[derive(Debug, Clone, Copy)]
pub struct Rules<'a> {
    /// The document's path, for `exclude` and the table files (None: standard input or an
    /// unsaved editor buffer).
    pub path: Option<&'a Path>,
    pub syntax: Syntax,
    /// The configuration that applies.
    pub config: Option<&'a Config>,
    /// The least certain finding reported.
    pub min: Severity,
    /// The table files the normalizer loaded (the command line's and the configuration's).
    pub tables: &'a [PathBuf],
}

/// True when a document at `path` is not checked at all: excluded by the configuration, or
/// one of the table files in use (compared as canonical paths).
pub fn skips(rules: &Rules<'_>) -> bool {
    let Some(p) = rules.path else {
        return false;
    };
    if rules.config.is_some_and(|c| c.excludes(p)) {
        return true;
    }
    if rules.tables.is_empty() {
        return false;
    }
    let Ok(canon) = std::fs::canonicalize(p) else {
        return false;
    };
    rules
        .tables
        .iter()
        .any(|t| std::fs::canonicalize(t).is_ok_and(|t| t == canon))
}

/// The findings in `text` (the whole document; invalid UTF-8 allowed), in order; `None` when
/// the document is not checked (see [`skips`]).
pub fn find(
    nz: &Normalizer,
    sc: &mut Scanner,
    text: &[u8],
    rules: &Rules<'_>,
) -> Option<Vec<Match>> {
    if skips(rules) {
        return None;
    }
    let mut ms = prose::find_bytes(nz, sc, text, rules.syntax);
    let suppressed = crate::directives::suppressed(text);
    keep_reported(&mut ms, text, rules, &suppressed, 0);
    Some(ms)
}

/// Keeps the findings of `text` that are reported: at the rules' severity, not on a word the
/// configuration ignores, not on a line a directive suppresses (`first_line` is the line of
/// the text's first byte, as the directives count lines).
fn keep_reported(
    ms: &mut Vec<Match>,
    text: &[u8],
    rules: &Rules<'_>,
    suppressed: &crate::directives::Suppressed,
    first_line: usize,
) {
    let (mut line, mut at) = (first_line, 0);
    ms.retain(|m| {
        if !rules.min.admits(m.fix) {
            return false;
        }
        if rules
            .config
            .is_some_and(|c| c.ignores(&String::from_utf8_lossy(&text[m.start..m.end])))
        {
            return false;
        }
        if !suppressed.is_empty() {
            if m.start >= at {
                line += memchr::memchr_iter(b'\n', &text[at..m.start]).count();
            } else {
                line = first_line + memchr::memchr_iter(b'\n', &text[..m.start]).count();
            }
            at = m.start;
            if suppressed.line(line) {
                return false;
            }
        }
        true
    });
}

/// One block of a document read by [`find_stream`].
#[derive(Debug, Clone, Copy)]
pub struct Block<'a> {
    pub text: &'a [u8],
    /// Byte offset of `text` in the document.
    pub offset: usize,
    /// 0-based line, and column in Unicode scalar values, of the block's start.
    pub line: usize,
    pub column: usize,
}

impl<'a> Block<'a> {
    /// A [`Mapper::for_file`] over the block (a byte-order mark counts only at the start of
    /// the document); its positions are the block's own (see
    /// [`crate::report::Diagnostic::shift`]).
    pub fn mapper(&self) -> Mapper<'a> {
        let m = Mapper::for_file(self.text);
        if self.offset == 0 {
            m
        } else {
            m.keep_bom()
        }
    }
}

/// The findings of the document read from `input`, block by block: `f` gets each block and
/// its findings (offsets in the block), in order. `Ok(false)` when the document is not checked
/// (see [`skips`]; nothing is read then).
pub fn find_stream<R: Read + ?Sized>(
    nz: &Normalizer,
    sc: &mut Scanner,
    input: &mut R,
    rules: &Rules<'_>,
    f: impl FnMut(&Block<'_>, Vec<Match>) -> io::Result<()>,
) -> io::Result<bool> {
    find_stream_with(nz, sc, input, rules, &Cuts::default(), f)
}

/// [`find_stream`] with other block sizes (tests cut small blocks).
pub fn find_stream_with<R: Read + ?Sized>(
    nz: &Normalizer,
    sc: &mut Scanner,
    input: &mut R,
    rules: &Rules<'_>,
    cuts: &Cuts,
    mut f: impl FnMut(&Block<'_>, Vec<Match>) -> io::Result<()>,
) -> io::Result<bool> {
    if skips(rules) {
        return Ok(false);
    }
    let markdown = rules.syntax == Syntax::Markdown;
    let max_view = if markdown {
        MARKDOWN_MAX_VIEW.max(cuts.max_carry)
    } else {
        cuts.max_carry
    };
    let cut = |buf: &[u8], eof: bool| -> Option<usize> {
        if eof || !markdown {
            return cut_point_with(buf, eof, cuts);
        }
        if buf.len() >= max_view {
            // No place that keeps the Markdown whole: cut as the filter does.
            return cut_point_with(buf, eof, cuts);
        }
        prose::markdown_cut(buf)
    };
    let mut tracker = crate::directives::Tracker::new();
    let (mut offset, mut line, mut column) = (0usize, 0usize, 0usize);
    for_each_block(input, cuts.view, max_view, cut, |text| {
        let block = Block {
            text,
            offset,
            line,
            column,
        };
        let mut ms = prose::find_bytes(nz, sc, text, rules.syntax);
        let suppressed = tracker.feed(text);
        keep_reported(&mut ms, text, rules, &suppressed, line);
        f(&block, ms)?;
        // Where the next block starts.
        match memchr::memrchr(b'\n', text) {
            Some(p) => {
                line += memchr::memchr_iter(b'\n', text).count();
                let tail = &text[p + 1..];
                column = Mapper::new(tail, Unit::Scalar, Breaks::Lf)
                    .position(tail.len())
                    .1;
            }
            None => column += block.mapper().position(text.len()).1,
        }
        offset += text.len();
        Ok(())
    })?;
    Ok(true)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::Options;

    /// Findings as (start, end, replacement) in document offsets.
    type Found = Vec<(usize, usize, Option<String>)>;

    fn whole(nz: &Normalizer, text: &[u8], rules: &Rules<'_>) -> Found {
        find(nz, &mut Scanner::new(), text, rules)
            .unwrap()
            .into_iter()
            .map(|m| (m.start, m.end, m.replacement))
            .collect()
    }

    fn streamed(nz: &Normalizer, text: &[u8], rules: &Rules<'_>, cuts: &Cuts) -> Found {
        let mut out = Vec::new();
        let mut blocks = 0;
        let mut input = text;
        find_stream_with(nz, &mut Scanner::new(), &mut input, rules, cuts, |b, ms| {
            blocks += 1;
            // The block's position is where the whole text puts its start.
            let (line, column) = Mapper::for_file(text).position(b.offset);
            assert_eq!((b.line, b.column), (line, column), "block at {}", b.offset);
            assert_eq!(b.text, &text[b.offset..b.offset + b.text.len()]);
            out.extend(
                ms.into_iter()
                    .map(|m| (m.start + b.offset, m.end + b.offset, m.replacement)),
            );
            Ok(())
        })
        .unwrap();
        assert!(blocks > 1 || text.len() < cuts.view, "the text was cut");
        out
    }

    /// Read in small blocks, a document gives the findings it gives read whole: plain text
    /// and Markdown with code blocks, lists, quotes and directives that cross the cuts.
    #[test]
    fn streamed_findings_are_the_whole_texts() {
        let nz = Normalizer::load(true, &[] as &[&str], Options::default()).unwrap();
        let para = "Talks in Kazakhastan and Qasim Jomart Tokayev met Vladimir Poutine.\nThe \
                    Kazakha-\nstan delegation flew to Frnace via https://x.org/Kazakhastan.\n\n";
        let mut plain = String::new();
        let mut md = String::from("\u{feff}# Kazakhastan\n\n");
        for i in 0..40 {
            plain.push_str(para);
            md.push_str(para);
            match i % 8 {
                0 => md.push_str("```\nKazakhastan in code\n\nstill code Kazakhastan\n```\n\n"),
                1 => md.push_str("- Kazakhastan item\n\n    Kazakhastan in the item\n\n"),
                2 => md.push_str(
                    "Text\n\n    Kazakhastan indented code\n\n\tmore Kazakhastan\n\nAfter.\n\n",
                ),
                3 => md.push_str("> Kazakhastan quoted\n> Tokayev\n\n"),
                4 => md.push_str("<!-- normalize:off -->\n\nKazakhastan off\n\n"),
                5 => md.push_str("Kazakhastan still off\n\n<!-- normalize:on -->\n\n"),
                6 => md.push_str("<!-- normalize:ignore-next-line -->\n\nKazakhastan next\n\n"),
                _ => md.push_str("Ünïcödé Kazakhastan `Kazakhastan` [a](http://Kazakhastan)\n\n"),
            }
        }
        let mut bad = plain.clone().into_bytes();
        bad.extend_from_slice(b"\xff\xfe Kazakhastan\n\n");
        bad.extend_from_slice(plain.as_bytes());
        for (text, syntax) in [
            (plain.as_bytes(), Syntax::Plain),
            (md.as_bytes(), Syntax::Markdown),
            (&bad[..], Syntax::Plain),
        ] {
            let rules = Rules {
                path: None,
                syntax,
                config: None,
                min: Severity::Info,
                tables: &[],
            };
            let want = whole(&nz, text, &rules);
            assert!(want.len() > 40, "{syntax:?}: {}", want.len());
            for view in [64, 200, 1000, 4096] {
                let cuts = Cuts {
                    view,
                    block: view * 4,
                    max_carry: view * 16,
                };
                assert_eq!(
                    streamed(&nz, text, &rules, &cuts),
                    want,
                    "{syntax:?} {view}"
                );
            }
        }
    }
}
