//! Inline directives in checked text, written inside any comment syntax
//! (`<!-- normalize:off -->`, `# normalize:ignore-line`, `// normalize:ignore-next-line`):
//!
//! - `normalize:ignore-line`: no finding on this line;
//! - `normalize:ignore-next-line`: no finding on the next line;
//! - `normalize:off` ... `normalize:on`: no finding on the lines from the `off` line to the `on`
//!   line, both included (to the end of the text when no `on` follows).
//!
//! A directive is recognised anywhere on a line, as a whole word (`normalize:offset` is not one).

const PREFIX: &[u8] = b"normalize:";

/// The lines (0-based) on which findings are suppressed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Suppressed {
    /// Sorted, non-overlapping, inclusive ranges of 0-based line numbers.
    ranges: Vec<(usize, usize)>,
}

impl Suppressed {
    /// True when findings on `line` (0-based) are suppressed.
    pub fn line(&self, line: usize) -> bool {
        let i = self.ranges.partition_point(|&(_, end)| end < line);
        self.ranges.get(i).is_some_and(|&(start, _)| start <= line)
    }

    /// True when no line is suppressed.
    pub fn is_empty(&self) -> bool {
        self.ranges.is_empty()
    }

    fn add(&mut self, start: usize, end: usize) {
        if let Some(last) = self.ranges.last_mut() {
            if start <= last.1 + 1 {
                last.1 = last.1.max(end);
                return;
            }
        }
        self.ranges.push((start, end));
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Directive {
    IgnoreLine,
    IgnoreNextLine,
    Off,
    On,
}

fn directives_in(line: &[u8], out: &mut Vec<Directive>) {
    let mut from = 0;
    while let Some(p) = memchr::memmem::find(&line[from..], PREFIX) {
        let at = from + p;
        from = at + PREFIX.len();
        // A whole word: not preceded by a word character.
        if at > 0 && is_word_byte(line[at - 1]) {
            continue;
        }
        let rest = &line[from..];
        let end = rest
            .iter()
            .position(|&b| !(is_word_byte(b) || b == b'-'))
            .unwrap_or(rest.len());
        let d = match &rest[..end] {
            b"ignore-line" => Directive::IgnoreLine,
            b"ignore-next-line" => Directive::IgnoreNextLine,
            b"off" => Directive::Off,
            b"on" => Directive::On,
            _ => continue,
        };
        out.push(d);
    }
}

fn is_word_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_' || b >= 0x80
}

/// The lines of `text` on which its directives suppress findings.
pub fn suppressed(text: &[u8]) -> Suppressed {
    let mut s = Suppressed::default();
    if memchr::memmem::find(text, PREFIX).is_none() {
        return s;
    }
    let mut off_since: Option<usize> = None;
    let mut found = Vec::new();
    for (n, line) in text.split(|&b| b == b'\n').enumerate() {
        found.clear();
        directives_in(line, &mut found);
        for d in &found {
            match d {
                Directive::IgnoreLine => s.add(n, n),
                Directive::IgnoreNextLine => s.add(n + 1, n + 1),
                Directive::Off => {
                    off_since.get_or_insert(n);
                }
                Directive::On => {
                    if let Some(start) = off_since.take() {
                        s.add(start, n);
                    }
                }
            }
        }
    }
    if let Some(start) = off_since {
        s.add(start, usize::MAX - 1);
    }
    // Ranges were added in line order except for `off` ranges closing later: normalise.
    let mut r = std::mem::take(&mut s.ranges);
    r.sort_unstable();
    for (a, b) in r {
        s.add(a, b);
    }
    s
}

/// [`suppressed`] for a text read in consecutive parts: the state that crosses a part's end
/// (an open `normalize:off`, an `ignore-next-line` on the last line) is carried to the next.
/// Line numbers are those of the whole text. Parts are cut at line ends (a part may also
/// end inside a line: that line goes on in the next part).
#[derive(Debug, Clone, Default)]
pub struct Tracker {
    /// The line the next part starts on.
    line: usize,
    /// The line of an `off` not yet closed by an `on`.
    off_since: Option<usize>,
    /// A line suppressed by an `ignore-next-line` of an earlier part.
    next: Option<usize>,
}

impl Tracker {
    pub fn new() -> Tracker {
        Tracker::default()
    }

    /// The suppressed lines (numbered in the whole text) of the next part, `text`.
    pub fn feed(&mut self, text: &[u8]) -> Suppressed {
        let mut s = Suppressed::default();
        let first = self.line;
        let breaks = memchr::memchr_iter(b'\n', text).count();
        let last = first + breaks;
        if let Some(n) = self.next.take() {
            if n <= last {
                s.add(n, n);
            } else {
                self.next = Some(n);
            }
        }
        if memchr::memmem::find(text, PREFIX).is_some() {
            let mut found = Vec::new();
            for (k, line) in text.split(|&b| b == b'\n').enumerate() {
                let n = first + k;
                found.clear();
                directives_in(line, &mut found);
                for d in &found {
                    match d {
                        Directive::IgnoreLine => s.add(n, n),
                        Directive::IgnoreNextLine => {
                            if n < last {
                                s.add(n + 1, n + 1);
                            } else {
                                self.next = Some(n + 1);
                            }
                        }
                        Directive::Off => {
                            self.off_since.get_or_insert(n);
                        }
                        Directive::On => {
                            if let Some(start) = self.off_since.take() {
                                s.add(start.max(first), n);
                            }
                        }
                    }
                }
            }
        }
        if let Some(start) = self.off_since {
            s.add(start.max(first), last);
        }
        let mut r = std::mem::take(&mut s.ranges);
        r.sort_unstable();
        for (a, b) in r {
            s.add(a, b);
        }
        self.line = last;
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn all_directives() {
        let text = b"a\nb <!-- normalize:ignore-line -->\n# normalize:ignore-next-line\nd\ne\n// normalize:off\ng\nnormalize:on\ni\nnormalize:offset\nk";
        let s = suppressed(text);
        let lines: Vec<usize> = (0..11).filter(|&n| s.line(n)).collect();
        assert_eq!(lines, vec![1, 3, 5, 6, 7]);
    }

    /// Fed in parts cut at any line end, the tracker suppresses the lines `suppressed` does.
    #[test]
    fn tracker_agrees_with_the_whole_text() {
        let text: &[u8] = b"a\nb <!-- normalize:ignore-line -->\n# normalize:ignore-next-line\nd\ne\n// normalize:off\ng\nh\nnormalize:on\ni\nnormalize:off\nk\nl";
        let whole = suppressed(text);
        let ends: Vec<usize> = memchr::memchr_iter(b'\n', text).map(|p| p + 1).collect();
        let lines = ends.len() + 1;
        for a in 0..ends.len() {
            for b in a..ends.len() {
                let cuts = [ends[a], ends[b], text.len()];
                let mut t = Tracker::new();
                let mut got = vec![false; lines];
                let mut at = 0;
                let mut line = 0;
                for &c in &cuts {
                    if c <= at {
                        continue;
                    }
                    let part = &text[at..c];
                    let s = t.feed(part);
                    let n = memchr::memchr_iter(b'\n', part).count();
                    for (l, g) in got.iter_mut().enumerate().skip(line).take(n + 1) {
                        *g |= s.line(l);
                    }
                    line += n;
                    at = c;
                }
                let want: Vec<bool> = (0..lines).map(|l| whole.line(l)).collect();
                assert_eq!(got, want, "cuts {cuts:?}");
            }
        }
    }

    #[test]
    fn off_to_the_end() {
        let s = suppressed(b"a\nnormalize:off\nc\nd");
        assert!(!s.line(0) && s.line(1) && s.line(3) && s.line(1000));
    }
}
