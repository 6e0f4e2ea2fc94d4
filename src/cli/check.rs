//! `normalize check [PATH...]`: diagnostics for files, directories (walked like ripgrep:
//! `.gitignore`, hidden files, binary files skipped) or standard input; `--write` and `--diff`
//! apply the fixes.

use std::collections::{HashMap, HashSet};
use std::fs;
use std::io::{self, BufWriter, IsTerminal, Read, Write};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::rc::Rc;

use anyhow::{anyhow, bail, Context as _, Result};
use clap::{Args, ValueEnum};
use normalize::config::{self, Config, Severity};
use normalize::load::AtomicFile;
use normalize::prose::Syntax;
use normalize::report::{self, Diagnostic, Format};
use normalize::{Fix, Normalizer, Scanner};

use super::TableArgs;

#[derive(Clone, Copy, Debug, ValueEnum)]
enum FormatArg {
    /// Annotated source lines, like rustc or ruff.
    Human,
    /// `path:line:col: found -> canonical (reason)`, for vim, emacs, quickfix lists.
    Short,
    /// One JSON object per line.
    Json,
    /// One SARIF 2.1.0 document.
    Sarif,
}

#[derive(Clone, Copy, Debug, ValueEnum)]
enum ColorArg {
    Auto,
    Always,
    Never,
}

#[derive(Clone, Copy, Debug, ValueEnum)]
enum SeverityArg {
    Safe,
    Suggested,
    Ambiguous,
    Info,
}

#[derive(Args, Debug)]
pub struct CheckArgs {
    /// Files and directories to check (directories recursively, honouring .gitignore and
    /// skipping hidden and binary files); standard input when none.
    #[arg(value_name = "PATH")]
    paths: Vec<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value = "human")]
    format: FormatArg,
    /// The name of standard input in the output (its extension chooses Markdown; its
    /// directory, the configuration).
    #[arg(long, value_name = "NAME")]
    stdin_filename: Option<PathBuf>,
    /// Apply the safe fixes in place (atomically); report what changed on stderr.
    #[arg(long, conflicts_with = "diff")]
    write: bool,
    /// Print the fixes as a unified diff instead of diagnostics; write nothing.
    #[arg(long)]
    diff: bool,
    /// With --write or --diff, also apply suggested fixes (weaker evidence).
    #[arg(long)]
    unsafe_fixes: bool,
    /// Report only findings at least this certain: safe, suggested, ambiguous (default) or
    /// info (also former names, which are correct in their context).
    #[arg(long, value_enum, value_name = "LEVEL")]
    min_severity: Option<SeverityArg>,
    /// Report only findings on lines changed in the working tree compared with --base.
    #[arg(long)]
    changed: bool,
    /// The git revision --changed compares with.
    #[arg(long, value_name = "REV", default_value = "HEAD", requires = "changed")]
    base: String,
    /// Use this configuration file instead of discovering .normalize.toml.
    #[arg(long, value_name = "FILE", conflicts_with = "no_config")]
    config: Option<PathBuf>,
    /// Do not read any .normalize.toml.
    #[arg(long)]
    no_config: bool,
    /// Also check hidden files and directories.
    #[arg(long)]
    hidden: bool,
    /// Do not honour .gitignore, .ignore and git exclude files.
    #[arg(long)]
    no_ignore: bool,
    /// Colours in the human format: auto (on a terminal, unless NO_COLOR is set), always, never.
    #[arg(long, value_enum, default_value = "auto", value_name = "WHEN")]
    color: ColorArg,
}

/// A checked input: where it came from and what it is called in the output.
struct Input {
    /// The file (None: standard input).
    file: Option<PathBuf>,
    /// The name shown in the output.
    name: String,
    /// The path used for syntax, configuration and git (the file, or --stdin-filename).
    path: Option<PathBuf>,
    /// Named on the command line (not found in a directory walk).
    explicit: bool,
}

/// A normalizer and the table files it loaded (never checked themselves).
type Loaded = (Rc<Normalizer>, Rc<Vec<PathBuf>>);

/// Caches across inputs: configurations, normalizers, git state.
struct Session<'a> {
    args: &'a CheckArgs,
    tables: &'a TableArgs,
    forced: Option<Rc<Config>>,
    config_files: HashMap<PathBuf, Option<PathBuf>>,
    configs: HashMap<PathBuf, Rc<Config>>,
    /// Normalizers, with the table files they loaded, by configuration file.
    normalizers: HashMap<Option<PathBuf>, Loaded>,
    git: Git,
    /// One scanner per normalizer: its caches hold results of that normalizer's tables.
    scanners: HashMap<Option<PathBuf>, Scanner>,
}

fn fix_applies(args: &CheckArgs, fix: Fix) -> bool {
    fix == Fix::Safe || (args.unsafe_fixes && fix == Fix::Suggested)
}

impl Session<'_> {
    fn config_for(&mut self, path: Option<&Path>) -> Result<Option<Rc<Config>>> {
        if self.args.no_config {
            return Ok(None);
        }
        if let Some(c) = &self.forced {
            return Ok(Some(c.clone()));
        }
        let abs = config::absolute(path.unwrap_or(Path::new(".")));
        let dir = if abs.is_dir() {
            abs
        } else {
            abs.parent().map(Path::to_path_buf).unwrap_or(abs)
        };
        let file = match self.config_files.get(&dir) {
            Some(f) => f.clone(),
            None => {
                let f = config::find_file(&dir);
                self.config_files.insert(dir, f.clone());
                f
            }
        };
        let Some(file) = file else {
            return Ok(None);
        };
        if let Some(c) = self.configs.get(&file) {
            return Ok(Some(c.clone()));
        }
        let c = Rc::new(Config::load(&file)?);
        self.configs.insert(file, c.clone());
        Ok(Some(c))
    }

    fn normalizer_for(&mut self, cfg: Option<&Config>) -> Result<Loaded> {
        let key = cfg.map(|c| c.path.clone());
        if let Some(n) = self.normalizers.get(&key) {
            return Ok(n.clone());
        }
        let t = self.tables.with_config(cfg);
        let n = Rc::new(t.normalizer().with_context(|| match cfg {
            Some(c) => format!("with the configuration {}", c.path.display()),
            None => "loading the tables".to_string(),
        })?);
        let entry = (n, Rc::new(t.tables));
        self.normalizers.insert(key, entry.clone());
        Ok(entry)
    }

    fn min_severity(&self, cfg: Option<&Config>) -> Severity {
        match self.args.min_severity {
            Some(SeverityArg::Safe) => Severity::Safe,
            Some(SeverityArg::Suggested) => Severity::Suggested,
            Some(SeverityArg::Ambiguous) => Severity::Ambiguous,
            Some(SeverityArg::Info) => Severity::Info,
            None => cfg
                .and_then(|c| c.min_severity)
                .unwrap_or(Severity::Ambiguous),
        }
    }

    /// How to check one input: `None` when it is not checked (excluded, or a table in use).
    fn plan(&mut self, input: &Input) -> Result<Option<Plan>> {
        let cfg = self.config_for(input.path.as_deref())?;
        if let (Some(c), Some(p)) = (&cfg, &input.path) {
            if c.excludes(p) {
                return Ok(None);
            }
        }
        let (nz, tables) = self.normalizer_for(cfg.as_deref())?;
        let min = self.min_severity(cfg.as_deref());
        let plan = Plan {
            nz,
            tables,
            min,
            syntax: input.path.as_deref().map_or(Syntax::Plain, Syntax::of_path),
            changed: None,
            key: cfg.as_ref().map(|c| c.path.clone()),
            cfg,
        };
        if normalize::findings::skips(&plan.rules(input)) {
            return Ok(None);
        }
        let changed = if self.args.changed {
            let p = input.path.as_deref().ok_or_else(|| {
                anyhow!("--changed on standard input needs --stdin-filename (the file in git)")
            })?;
            Some(self.git.changed_lines(p, &self.args.base)?)
        } else {
            None
        };
        Ok(Some(Plan { changed, ..plan }))
    }
}

/// How one input is checked.
struct Plan {
    nz: Rc<Normalizer>,
    tables: Rc<Vec<PathBuf>>,
    cfg: Option<Rc<Config>>,
    min: Severity,
    syntax: Syntax,
    changed: Option<Changed>,
    /// The configuration file, which names the scanner to use.
    key: Option<PathBuf>,
}

impl Plan {
    fn rules<'a>(&'a self, input: &'a Input) -> normalize::findings::Rules<'a> {
        normalize::findings::Rules {
            path: input.path.as_deref(),
            syntax: self.syntax,
            config: self.cfg.as_deref(),
            min: self.min,
            tables: &self.tables,
        }
    }
}

/// The safe fixes of a file, applied as its blocks are checked: to a temporary file beside it
/// (created at the first fix, with the bytes before it copied from the file), renamed over the
/// file at the end (see [`AtomicFile`]). Messages and findings wait for the rename.
struct Rewrite {
    out: AtomicFile,
    /// `path:line:col: fixed ...` lines, printed on standard error once written.
    messages: Spool,
    /// The fixed findings as they would have been shown, shown only if the file cannot be
    /// written.
    held: Spool,
    held_count: (usize, usize, usize),
}

/// Bytes kept for later: in memory up to 1 MB, then in an unnamed temporary file (so that
/// `--write` on a file with millions of fixes keeps its memory bounded).
#[derive(Default)]
struct Spool {
    mem: Vec<u8>,
    file: Option<fs::File>,
}

impl Spool {
    const MEM: usize = 1 << 20;

    /// Writes everything kept to `out`.
    fn copy_to(mut self, out: &mut dyn Write) -> io::Result<()> {
        if let Some(mut f) = self.file.take() {
            use std::io::Seek;
            f.write_all(&self.mem)?;
            f.rewind()?;
            io::copy(&mut f, out)?;
            return Ok(());
        }
        out.write_all(&self.mem)
    }
}

impl Write for Spool {
    fn write(&mut self, b: &[u8]) -> io::Result<usize> {
        self.mem.extend_from_slice(b);
        if self.mem.len() >= Spool::MEM {
            if self.file.is_none() {
                self.file = Some(unnamed_temp_file()?);
            }
            let f = self.file.as_mut().expect("spool file");
            f.write_all(&self.mem)?;
            self.mem.clear();
        }
        Ok(b.len())
    }
    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

/// A temporary file with no name (removed as soon as it is open): in the temporary directory.
fn unnamed_temp_file() -> io::Result<fs::File> {
    let dir = std::env::temp_dir();
    for n in 0.. {
        let p = dir.join(format!(".normalize-spool-{}-{n}", std::process::id()));
        match fs::OpenOptions::new()
            .read(true)
            .write(true)
            .create_new(true)
            .open(&p)
        {
            Ok(f) => {
                let _ = fs::remove_file(&p);
                return Ok(f);
            }
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists => continue,
            Err(e) => return Err(e),
        }
    }
    unreachable!("a free name")
}

/// Starts rewriting `path` at `offset` (the start of the block with its first fix). A
/// read-only file is refused.
fn start_rewrite(path: &Path, offset: usize) -> Result<Rewrite> {
    let meta = fs::metadata(path).with_context(|| format!("{}", path.display()))?;
    if meta.permissions().readonly() {
        bail!("{}: file is read-only; not written", path.display());
    }
    let mut out =
        AtomicFile::create(path).map_err(|e| anyhow!("{}: not written: {e}", path.display()))?;
    let mut orig =
        fs::File::open(path).with_context(|| format!("{}: cannot read", path.display()))?;
    let copied = io::copy(&mut (&mut orig).take(offset as u64), &mut out)
        .map_err(|e| anyhow!("{}: not written: {e}", path.display()))?;
    if copied != offset as u64 {
        bail!(
            "{}: changed while it was checked; not written",
            path.display()
        );
    }
    Ok(Rewrite {
        out,
        messages: Spool::default(),
        held: Spool::default(),
        held_count: (0, 0, 0),
    })
}

/// `text` (at byte `base` of its file) with the replacements of `diags` (in order, not
/// overlapping) applied.
fn apply_fixes(text: &[u8], diags: &[&Diagnostic], base: usize) -> Vec<u8> {
    let mut out = Vec::with_capacity(text.len() + 16);
    let mut at = 0;
    for d in diags {
        let Some(c) = &d.canonical else { continue };
        let (start, end) = (d.byte_start - base, d.byte_end - base);
        if start < at {
            continue;
        }
        out.extend_from_slice(&text[at..start]);
        out.extend_from_slice(c.as_bytes());
        at = end;
    }
    out.extend_from_slice(&text[at..]);
    out
}

/// Git state for --changed: repository roots, tracked files, changed line ranges.
#[derive(Default)]
struct Git {
    roots: HashMap<PathBuf, PathBuf>,
    repos: HashMap<PathBuf, Repo>,
}

struct Repo {
    tracked: HashSet<PathBuf>,
    changed: HashMap<PathBuf, Vec<(usize, usize)>>,
}

/// Lines (1-based) changed in a file.
enum Changed {
    All,
    Ranges(Vec<(usize, usize)>),
}

impl Changed {
    fn contains(&self, line: usize) -> bool {
        match self {
            Changed::All => true,
            Changed::Ranges(r) => r.iter().any(|&(a, b)| a <= line && line <= b),
        }
    }
}

fn git(dir: &Path, args: &[&str]) -> Result<Vec<u8>> {
    let out = Command::new("git")
        .arg("-C")
        .arg(dir)
        .args(["-c", "core.quotePath=false"])
        .args(args)
        .output()
        .context("--changed: cannot run git")?;
    if !out.status.success() {
        bail!(
            "--changed: git {} failed in {}: {}",
            args.join(" "),
            dir.display(),
            String::from_utf8_lossy(&out.stderr).trim()
        );
    }
    Ok(out.stdout)
}

/// Unquotes a path as git writes it (C-style quotes when it has special characters).
fn git_path(s: &str) -> String {
    let Some(inner) = s.strip_prefix('"').and_then(|s| s.strip_suffix('"')) else {
        return s.to_string();
    };
    let mut bytes = Vec::new();
    let mut it = inner.bytes().peekable();
    while let Some(b) = it.next() {
        if b != b'\\' {
            bytes.push(b);
            continue;
        }
        match it.next() {
            Some(b'n') => bytes.push(b'\n'),
            Some(b't') => bytes.push(b'\t'),
            Some(d @ b'0'..=b'7') => {
                let mut v = (d - b'0') as u32;
                for _ in 0..2 {
                    if let Some(&n @ b'0'..=b'7') = it.peek() {
                        v = v * 8 + (n - b'0') as u32;
                        it.next();
                    }
                }
                bytes.push(v as u8);
            }
            Some(o) => bytes.push(o),
            None => {}
        }
    }
    String::from_utf8_lossy(&bytes).into_owned()
}

/// Parses `git diff --unified=0 --src-prefix=a/ --dst-prefix=b/` output: new-side line
/// ranges per file. Each file starts at a `diff --git` header; its `---`/`+++` lines are read
/// only there, outside hunks, whose lengths come from their `@@` headers (so that a removed
/// line `-- x` or an added line `++ x` is never taken for a header).
fn parse_diff(out: &str) -> HashMap<String, Vec<(usize, usize)>> {
    let mut map: HashMap<String, Vec<(usize, usize)>> = HashMap::new();
    let mut current: Option<String> = None;
    // Lines of the current hunk still to come: old side, new side.
    let (mut old_left, mut new_left) = (0usize, 0usize);
    let count = |spec: &str| -> (usize, usize) {
        let mut it = spec.split(',');
        let start = it.next().and_then(|s| s.parse().ok()).unwrap_or(0);
        let n = it.next().map_or(Some(1), |s| s.parse().ok()).unwrap_or(0);
        (start, n)
    };
    for line in out.lines() {
        if old_left + new_left > 0 {
            match line.as_bytes().first() {
                Some(b'-') => old_left = old_left.saturating_sub(1),
                Some(b'+') => new_left = new_left.saturating_sub(1),
                Some(b'\\') => {}
                _ => {
                    old_left = old_left.saturating_sub(1);
                    new_left = new_left.saturating_sub(1);
                }
            }
            continue;
        }
        if line.starts_with("diff --git ") {
            current = None;
        } else if let Some(p) = line.strip_prefix("+++ ") {
            let p = git_path(p.trim_end_matches('\t'));
            current = p.strip_prefix("b/").map(str::to_string);
        } else if let Some(h) = line.strip_prefix("@@ ") {
            // @@ -a,b +c,d @@
            let mut parts = h.split(' ');
            let (Some(minus), Some(plus)) = (parts.next(), parts.next()) else {
                continue;
            };
            let (Some(minus), Some(plus)) = (minus.strip_prefix('-'), plus.strip_prefix('+'))
            else {
                continue;
            };
            let (_, old_n) = count(minus);
            let (start, new_n) = count(plus);
            old_left = old_n;
            new_left = new_n;
            if let (Some(file), true) = (&current, new_n > 0) {
                map.entry(file.clone())
                    .or_default()
                    .push((start, start + new_n - 1));
            }
        }
    }
    map
}

impl Git {
    fn root(&mut self, dir: &Path) -> Result<PathBuf> {
        if let Some(r) = self.roots.get(dir) {
            return Ok(r.clone());
        }
        let out = git(dir, &["rev-parse", "--show-toplevel"])
            .with_context(|| format!("{}: not in a git repository", dir.display()))?;
        let root = PathBuf::from(String::from_utf8_lossy(&out).trim());
        let root = fs::canonicalize(&root).unwrap_or(root);
        self.roots.insert(dir.to_path_buf(), root.clone());
        Ok(root)
    }

    fn changed_lines(&mut self, path: &Path, base: &str) -> Result<Changed> {
        let abs = config::absolute(path);
        let dir = abs.parent().unwrap_or(Path::new("/")).to_path_buf();
        let dir = fs::canonicalize(&dir).unwrap_or(dir);
        let file = dir.join(abs.file_name().unwrap_or_default());
        let root = self.root(&dir)?;
        if !self.repos.contains_key(&root) {
            let tracked = git(&root, &["ls-files", "-z"])?
                .split(|&b| b == 0)
                .filter(|p| !p.is_empty())
                .map(|p| root.join(String::from_utf8_lossy(p).as_ref()))
                .collect();
            let diff = git(
                &root,
                &[
                    "diff",
                    "--no-color",
                    "--no-ext-diff",
                    "--no-textconv",
                    "--src-prefix=a/",
                    "--dst-prefix=b/",
                    "--unified=0",
                    base,
                    "--",
                ],
            )?;
            let changed = parse_diff(&String::from_utf8_lossy(&diff))
                .into_iter()
                .map(|(p, r)| (root.join(p), r))
                .collect();
            self.repos.insert(root.clone(), Repo { tracked, changed });
        }
        let repo = &self.repos[&root];
        if !repo.tracked.contains(&file) {
            return Ok(Changed::All);
        }
        Ok(Changed::Ranges(
            repo.changed.get(&file).cloned().unwrap_or_default(),
        ))
    }
}

/// True when the first 8 KB hold a NUL byte.
fn is_binary(bytes: &[u8]) -> bool {
    memchr::memchr(0, &bytes[..bytes.len().min(8192)]).is_some()
}

/// Standard input, named by `--stdin-filename` when given.
fn stdin_input(args: &CheckArgs) -> Input {
    Input {
        file: None,
        name: args
            .stdin_filename
            .as_ref()
            .map_or("<stdin>".to_string(), |p| p.display().to_string()),
        path: args.stdin_filename.clone(),
        explicit: true,
    }
}

/// Expands the paths into inputs, walking directories. Errors are printed and counted.
fn inputs(args: &CheckArgs, errors: &mut usize) -> Vec<Input> {
    if args.paths.is_empty() {
        return vec![stdin_input(args)];
    }
    let mut seen = HashSet::new();
    let mut out = Vec::new();
    for p in &args.paths {
        if p.as_os_str() == "-" {
            out.push(stdin_input(args));
            continue;
        }
        if let Err(e) = fs::metadata(p) {
            eprintln!("normalize: {}: {e}", p.display());
            *errors += 1;
            continue;
        }
        let walk = ignore::WalkBuilder::new(p)
            .hidden(!args.hidden)
            .ignore(!args.no_ignore)
            .git_ignore(!args.no_ignore)
            .git_global(!args.no_ignore)
            .git_exclude(!args.no_ignore)
            .parents(!args.no_ignore)
            .sort_by_file_name(|a, b| a.cmp(b))
            .build();
        for entry in walk {
            match entry {
                Ok(e) => {
                    if !e.file_type().is_some_and(|t| t.is_file()) {
                        // Symbolic links to files given explicitly are followed.
                        if !(e.depth() == 0 && e.path().is_file()) {
                            continue;
                        }
                    }
                    let path = e.path().to_path_buf();
                    let key = fs::canonicalize(&path).unwrap_or_else(|_| path.clone());
                    if !seen.insert(key) {
                        continue;
                    }
                    out.push(Input {
                        name: path.display().to_string(),
                        file: Some(path.clone()),
                        path: Some(path),
                        explicit: e.depth() == 0,
                    });
                }
                Err(e) => {
                    eprintln!("normalize: {e}");
                    *errors += 1;
                }
            }
        }
    }
    out
}

/// The input's reader.
fn open_input(input: &Input) -> Result<Box<dyn Read>> {
    Ok(match &input.file {
        Some(f) => {
            Box::new(fs::File::open(f).with_context(|| format!("{}: cannot read", f.display()))?)
        }
        None => Box::new(io::stdin().lock()),
    })
}

/// The first bytes of `r` (up to 8 KB, for [`is_binary`]).
fn head(r: &mut dyn Read) -> io::Result<Vec<u8>> {
    let mut buf = Vec::with_capacity(8192);
    r.take(8192).read_to_end(&mut buf)?;
    Ok(buf)
}

/// Counts of what was reported.
#[derive(Default)]
struct Totals {
    reported: usize,
    files_with: usize,
    safe: usize,
    suggested: usize,
    errors: usize,
}

/// The output formats' writers.
struct Render {
    format: Format,
    color: bool,
    sarif: Option<report::SarifWriter>,
}

impl Render {
    /// Writes one diagnostic; `text` is the block it was found in, at byte `base` of the file.
    fn write(
        &mut self,
        out: &mut dyn Write,
        d: &Diagnostic,
        text: &[u8],
        base: usize,
    ) -> io::Result<()> {
        let mut out = out;
        match self.format {
            Format::Human => report::write_human_at(&mut out, d, text, base, self.color),
            Format::Short => report::write_short(&mut out, d),
            Format::Json => report::write_json(&mut out, d),
            Format::Sarif => match &mut self.sarif {
                Some(w) => w.result(&mut out, d),
                None => Ok(()),
            },
        }
    }
}

pub fn run(args: &CheckArgs, tables: &TableArgs) -> Result<u8> {
    let format = match args.format {
        FormatArg::Human => Format::Human,
        FormatArg::Short => Format::Short,
        FormatArg::Json => Format::Json,
        FormatArg::Sarif => Format::Sarif,
    };
    let color = match args.color {
        ColorArg::Always => true,
        ColorArg::Never => false,
        ColorArg::Auto => {
            io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
        }
    };
    let mut errors = 0usize;
    let inputs = inputs(args, &mut errors);
    if args.write && inputs.iter().any(|i| i.file.is_none()) {
        bail!("--write needs files; to fix standard input, use `normalize` (the text filter)");
    }
    let forced = match &args.config {
        Some(p) => Some(Rc::new(Config::load(p)?)),
        None => None,
    };
    let mut session = Session {
        args,
        tables,
        forced,
        config_files: HashMap::new(),
        configs: HashMap::new(),
        normalizers: HashMap::new(),
        git: Git::default(),
        scanners: HashMap::new(),
    };
    let stdout = io::stdout();
    let mut out = BufWriter::new(stdout.lock());
    let mut render = Render {
        format,
        color,
        sarif: None,
    };
    if format == Format::Sarif && !args.diff {
        render.sarif = Some(report::SarifWriter::begin(&mut out)?);
    }
    let mut t = Totals {
        errors,
        ..Totals::default()
    };
    for input in &inputs {
        let mut reader = match open_input(input) {
            Ok(r) => r,
            Err(e) => {
                eprintln!("normalize: {e:#}");
                t.errors += 1;
                continue;
            }
        };
        let first = match head(&mut reader) {
            Ok(h) => h,
            Err(e) => {
                eprintln!("normalize: {}: cannot read: {e}", input.name);
                t.errors += 1;
                continue;
            }
        };
        if is_binary(&first) {
            // Silent in a directory walk; a file named on the command line says why.
            if input.explicit {
                eprintln!("normalize: {}: skipped (binary file)", input.name);
            }
            continue;
        }
        // Tables and configuration errors concern every file: stop.
        let Some(plan) = session.plan(input)? else {
            continue;
        };
        let mut reader = first.as_slice().chain(reader);
        let result = if args.diff {
            diff_one(
                args,
                &mut session,
                &plan,
                input,
                &mut reader,
                &mut out,
                &mut t,
            )
        } else {
            check_one(
                args,
                &mut session,
                &plan,
                input,
                &mut reader,
                &mut out,
                &mut render,
                &mut t,
            )
        };
        if let Err(e) = result {
            if super::is_broken_pipe(&e) {
                return Err(e);
            }
            eprintln!("normalize: {e:#}");
            t.errors += 1;
        }
    }
    match format {
        Format::Sarif if !args.diff => {
            if let Some(w) = render.sarif.take() {
                w.end(&mut out)?;
            }
        }
        // "No findings." would say too much when a file could not be read (said on stderr).
        Format::Human if !args.diff && (t.reported > 0 || t.errors == 0) => {
            report::write_human_summary(
                &mut out,
                t.reported,
                t.files_with,
                t.safe,
                t.suggested,
                color,
            )?
        }
        _ => {}
    }
    out.flush()?;
    Ok(if t.errors > 0 {
        2
    } else if t.reported > 0 {
        1
    } else {
        0
    })
}

/// The diagnostics of one block, placed in the file and filtered by `--changed`.
fn diagnostics(
    input: &Input,
    plan: &Plan,
    block: &normalize::findings::Block<'_>,
    matches: &[normalize::Match],
) -> Vec<Diagnostic> {
    let mut pos = block.mapper();
    let mut out = Vec::with_capacity(matches.len());
    for m in matches {
        let mut d = Diagnostic::new(&input.name, block.text, &mut pos, m);
        d.shift(block.offset, block.line, block.column);
        if let Some(ch) = &plan.changed {
            if !(d.line..=d.end_line).any(|l| ch.contains(l)) {
                continue;
            }
        }
        out.push(d);
    }
    out
}

/// Checks one input, block by block: findings are written as they are found (with `--write`,
/// the fixed ones once the file is written).
#[allow(clippy::too_many_arguments)]
fn check_one(
    args: &CheckArgs,
    session: &mut Session<'_>,
    plan: &Plan,
    input: &Input,
    reader: &mut dyn Read,
    out: &mut dyn Write,
    render: &mut Render,
    t: &mut Totals,
) -> Result<()> {
    let rules = plan.rules(input);
    let sc = session.scanners.entry(plan.key.clone()).or_default();
    let mut shown_here = 0usize;
    let mut rewrite: Option<Rewrite> = None;
    // Set when the file cannot be written: its fixes are then shown as findings.
    let mut write_failed = false;
    let write = args.write && input.file.is_some();
    // Errors writing the output (a closed pipe) and the rewritten file, told apart from
    // errors reading the input.
    let mut out_err: Option<io::Error> = None;
    let mut rewrite_err: Option<io::Error> = None;
    let count = |t: &mut Totals, d: &Diagnostic| {
        t.reported += 1;
        match d.fix_class {
            Fix::Safe => t.safe += 1,
            Fix::Suggested => t.suggested += 1,
            _ => {}
        }
    };
    let read = normalize::findings::find_stream(&plan.nz, sc, reader, &rules, |block, matches| {
        let diags = diagnostics(input, plan, block, &matches);
        let fixes = write && !write_failed && diags.iter().any(|d| fix_applies(args, d.fix_class));
        if fixes && rewrite.is_none() {
            let path = input.file.as_deref().expect("--write has files");
            match start_rewrite(path, block.offset) {
                Ok(r) => rewrite = Some(r),
                Err(e) => {
                    eprintln!("normalize: {e:#}");
                    t.errors += 1;
                    write_failed = true;
                }
            }
        }
        if let Some(rw) = rewrite.as_mut() {
            let fixed: Vec<&Diagnostic> = diags
                .iter()
                .filter(|d| fix_applies(args, d.fix_class))
                .collect();
            if rewrite_err.is_none() {
                let text = apply_fixes(block.text, &fixed, block.offset);
                if let Err(e) = rw.out.write_all(&text) {
                    rewrite_err = Some(e);
                }
            }
        }
        let mut shown = || -> io::Result<()> {
            for d in &diags {
                if let Some(rw) = rewrite.as_mut().filter(|_| fix_applies(args, d.fix_class)) {
                    writeln!(
                        rw.messages,
                        "{}:{}:{}: fixed {}",
                        d.path,
                        d.line,
                        d.column,
                        d.message()
                    )?;
                    if render.format == Format::Sarif {
                        // One result a line, written into the document if need be.
                        serde_json::to_writer(&mut rw.held, &report::sarif_result(d))?;
                        rw.held.write_all(b"\n")?;
                    } else {
                        render.write(&mut rw.held, d, block.text, block.offset)?;
                    }
                    let c = &mut rw.held_count;
                    c.0 += 1;
                    match d.fix_class {
                        Fix::Safe => c.1 += 1,
                        Fix::Suggested => c.2 += 1,
                        _ => {}
                    }
                    continue;
                }
                shown_here += 1;
                count(t, d);
                render.write(out, d, block.text, block.offset)?;
            }
            Ok(())
        };
        shown().map_err(|e| {
            out_err = Some(e);
            io::Error::other("output failed")
        })
    });
    if let Some(e) = out_err {
        return Err(e.into());
    }
    read.with_context(|| format!("{}: cannot read", input.name))?;
    if let Some(rw) = rewrite {
        let path = input.file.as_deref().expect("--write has files");
        let result = match rewrite_err {
            Some(e) => Err(e),
            None => rw.out.commit(),
        };
        match result {
            Ok(()) => rw.messages.copy_to(&mut io::stderr().lock())?,
            Err(e) => {
                eprintln!("normalize: {}: not written: {e}", path.display());
                t.errors += 1;
                match render.sarif.as_mut() {
                    Some(w) => {
                        let mut lines = Vec::new();
                        rw.held.copy_to(&mut lines)?;
                        for line in lines.split(|&b| b == b'\n').filter(|l| !l.is_empty()) {
                            let v: serde_json::Value = serde_json::from_slice(line)?;
                            w.result_value(&mut &mut *out, &v)?;
                        }
                    }
                    None => rw.held.copy_to(out)?,
                }
                let (n, safe, suggested) = rw.held_count;
                shown_here += n;
                t.reported += n;
                t.safe += safe;
                t.suggested += suggested;
            }
        }
    }
    if shown_here > 0 {
        t.files_with += 1;
    }
    Ok(())
}

/// `--diff`: the fixes of one input as a unified diff (the file is read whole: a diff needs
/// both texts).
fn diff_one(
    args: &CheckArgs,
    session: &mut Session<'_>,
    plan: &Plan,
    input: &Input,
    reader: &mut dyn Read,
    out: &mut dyn Write,
    t: &mut Totals,
) -> Result<()> {
    let mut text = Vec::new();
    reader
        .read_to_end(&mut text)
        .with_context(|| format!("{}: cannot read", input.name))?;
    let rules = plan.rules(input);
    let sc = session.scanners.entry(plan.key.clone()).or_default();
    let mut fixed = Vec::with_capacity(text.len());
    let mut any = false;
    let mut slice = text.as_slice();
    normalize::findings::find_stream(&plan.nz, sc, &mut slice, &rules, |block, matches| {
        let diags = diagnostics(input, plan, block, &matches);
        t.reported += diags.len();
        let fixes: Vec<&Diagnostic> = diags
            .iter()
            .filter(|d| fix_applies(args, d.fix_class))
            .collect();
        any |= !fixes.is_empty();
        fixed.extend_from_slice(&apply_fixes(block.text, &fixes, block.offset));
        Ok(())
    })?;
    if any && fixed != text {
        let old = String::from_utf8_lossy(&text);
        let new = String::from_utf8_lossy(&fixed);
        let diff = similar::TextDiff::from_lines(old.as_ref(), new.as_ref());
        write!(
            out,
            "{}",
            diff.unified_diff()
                .context_radius(3)
                .header(&input.name, &input.name)
        )?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn diff_hunks() {
        let d = "diff --git a/x.md b/x.md\n--- a/x.md\n+++ b/x.md\n@@ -3 +3 @@\n-a\n+b\n@@ -10,0 +11,2 @@\n+c\n+d\n@@ -20,2 +21,0 @@\n-e\n";
        let m = parse_diff(d);
        assert_eq!(m["x.md"], vec![(3, 3), (11, 12)]);
        assert_eq!(git_path("\"a\\tb\\303\\251.md\""), "a\tbé.md");
    }

    #[test]
    fn hunk_lines_are_not_headers() {
        // A removed line `-- a` and an added line `++ b` inside hunks, then a second file.
        let d = "diff --git a/x.md b/x.md\n--- a/x.md\n+++ b/x.md\n@@ -2 +2 @@\n--- a\n+++ b\n@@ -5,0 +6 @@\n+++ c\ndiff --git a/y.md b/y.md\nindex 1..2 100644\n--- a/y.md\n+++ b/y.md\n@@ -1 +1,2 @@\n-x\n+y\n+z\n";
        let m = parse_diff(d);
        assert_eq!(m.len(), 2, "{m:?}");
        assert_eq!(m["x.md"], vec![(2, 2), (6, 6)]);
        assert_eq!(m["y.md"], vec![(1, 2)]);
    }
}
