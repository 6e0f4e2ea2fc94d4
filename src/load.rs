//! Loading indexes: the embedded default index, and users' tables compiled once and cached.
//!
//! A user table is compiled into the same index format as the defaults and cached under a name
//! derived from the table's content and the format version; later runs memory-map the cached
//! index instead of compiling again.
//!
//! - A cached index is checked in full when it is opened (format version, the hash of the table
//!   it was compiled from, the checksum of its bytes, the bounds of every record: see
//!   [`Index::open_with`]). One that fails is reported as a [`CacheWarning`] (the library never
//!   prints) and rebuilt from the table; when the rebuild cannot be written, the index is used
//!   from memory. An answer never comes from a damaged file.
//! - A cache file is never written in place: it is written to a temporary file in the cache
//!   directory and renamed over the old name, so a process that has the old file mapped keeps
//!   reading the old, complete file, and two processes compiling the same table leave one
//!   complete file (whichever rename comes last).

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

use crate::index::builder::{build_from, BuildStats};
use crate::index::layout::MAGIC;
use crate::index::{Backing, Check, Index, IndexError};
use crate::table::{parse, TableError};

static DEFAULT_INDEX: &[u8] = include_bytes!(concat!(env!("OUT_DIR"), "/default.idx"));

/// Problems loading a table.
#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    #[error("{path}: {err}")]
    Io { path: String, err: std::io::Error },
    #[error(transparent)]
    Table(#[from] TableError),
    #[error("{path}: not UTF-8 text (first bad byte at offset {offset})")]
    Encoding { path: String, offset: usize },
    #[error("{path}: {err}")]
    Index { path: String, err: IndexError },
}

/// Something the caller may want to tell the user about a load that succeeded anyway.
#[derive(Debug, thiserror::Error)]
pub enum CacheWarning {
    /// The cached index failed its checks; it was rebuilt from the table (and replaced when
    /// the cache directory is writable).
    #[error("cache {} is damaged; rebuilding", path.display())]
    Damaged { path: PathBuf, reason: IndexError },
}

/// A loaded user table.
pub struct Loaded {
    pub index: Index,
    pub stats: BuildStats,
    /// What went wrong on the way (the index is good all the same).
    pub warnings: Vec<CacheWarning>,
}

/// The embedded default index (no copy, no parsing). Part of the binary, not a file read
/// back: its header is checked on open, and a test checks it in full.
pub fn default_index() -> Index {
    Index::open_with(Backing::Static(DEFAULT_INDEX), Check::Trusted)
        .expect("embedded default index is valid")
}

/// The embedded default index's bytes (for tests of the index reader).
pub fn default_index_bytes() -> &'static [u8] {
    DEFAULT_INDEX
}

/// A 128-bit content hash of the table bytes (two independent 64-bit multiply-rotate lanes
/// over 8-byte words), salted with the index format and crate version.
fn content_hash(bytes: &[u8]) -> [u8; 16] {
    let mut a: u64 = 0x243f_6a88_85a3_08d3;
    let mut b: u64 = 0x1319_8a2e_0370_7344;
    let salt = [&MAGIC[..], env!("CARGO_PKG_VERSION").as_bytes()].concat();
    for part in [&salt[..], bytes] {
        let mut chunks = part.chunks_exact(8);
        for c in &mut chunks {
            let x = u64::from_le_bytes(c.try_into().unwrap());
            a = (a ^ x).wrapping_mul(0x9e37_79b9_7f4a_7c15).rotate_left(29);
            b = (b.rotate_left(17) ^ x).wrapping_mul(0xc2b2_ae3d_27d4_eb4f);
        }
        for &x in chunks.remainder() {
            a = (a ^ x as u64)
                .wrapping_mul(0x9e37_79b9_7f4a_7c15)
                .rotate_left(29);
            b = (b.rotate_left(17) ^ x as u64).wrapping_mul(0xc2b2_ae3d_27d4_eb4f);
        }
        a ^= part.len() as u64;
        b ^= (part.len() as u64).rotate_left(32);
    }
    let mut out = [0u8; 16];
    out[..8].copy_from_slice(&a.to_be_bytes());
    out[8..].copy_from_slice(&b.to_be_bytes());
    out
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// The cache directory: `$NORMALIZE_CACHE_DIR`, else `$XDG_CACHE_HOME/normalize`, else
/// `~/.cache/normalize`.
pub fn cache_dir() -> Option<PathBuf> {
    if let Some(d) = std::env::var_os("NORMALIZE_CACHE_DIR") {
        return Some(PathBuf::from(d));
    }
    if let Some(d) = std::env::var_os("XDG_CACHE_HOME") {
        return Some(PathBuf::from(d).join("normalize"));
    }
    std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cache").join("normalize"))
}

/// The cached index at `path`, checked in full against the table's hash: `Ok(None)` when
/// there is none to read, `Err` when there is one and it fails its checks.
fn read_cache(path: &Path, source: &[u8; 16]) -> Result<Option<Index>, IndexError> {
    let Ok(f) = fs::File::open(path) else {
        return Ok(None);
    };
    let check = Check::Full {
        source: Some(*source),
    };
    // SAFETY: cache files are never modified in place (written to a temporary file, then
    // renamed over the name), so the mapped file does not change under us; were it changed
    // by hand, the checks on open would catch what was there then.
    // Populated: the checks read every page at once, cheaper prefaulted than one by one.
    let backing = match unsafe { memmap2::MmapOptions::new().populate().map(&f) } {
        Ok(m) => Backing::Mmap(m),
        // Unmappable (an empty file, say): read it.
        Err(_) => match fs::read(path) {
            Ok(b) => Backing::Owned(b),
            Err(_) => return Ok(None),
        },
    };
    Index::open_with(backing, check).map(Some)
}

/// Writes `bytes` to `path` as a new file: to a temporary file in the same directory (created
/// with `create_new`, so that two writers never share one), then renamed over `path`. The
/// file at `path`, if any, is replaced whole, never truncated or rewritten.
fn replace_file(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let dir = path.parent().unwrap_or(Path::new("."));
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let (tmp, mut f) = loop {
        let n = TEMP_COUNTER.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let tmp = dir.join(format!(".{name}.{}-{n}.tmp", std::process::id()));
        match fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&tmp)
        {
            Ok(f) => break (tmp, f),
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => continue,
            Err(e) => return Err(e),
        }
    };
    // No fsync: a file cut short by a crash fails its checksum and is rebuilt.
    let result = f.write_all(bytes).and_then(|_| {
        drop(f);
        fs::rename(&tmp, path)
    });
    if result.is_err() {
        let _ = fs::remove_file(&tmp);
    }
    result
}

/// Loads a user table: from the cache when its content was compiled before (and the cached
/// index passes its checks), else compiled now (and cached when the cache directory is
/// writable).
pub fn load_table(path: &Path) -> Result<Loaded, LoadError> {
    let label = path.display().to_string();
    let file = fs::File::open(path).map_err(|err| LoadError::Io {
        path: label.clone(),
        err,
    })?;
    // SAFETY: the table is only read; a concurrent writer can at worst make this run see mixed
    // content, which then fails validation or yields a cache entry for exactly that content.
    let map = unsafe { memmap2::Mmap::map(&file) };
    let owned;
    let bytes: &[u8] = match &map {
        Ok(m) => m,
        Err(_) => {
            owned = fs::read(path).map_err(|err| LoadError::Io {
                path: label.clone(),
                err,
            })?;
            &owned
        }
    };
    let hash = content_hash(bytes);
    let cached = cache_dir().map(|d| d.join(format!("{}.idx", hex(&hash))));
    let mut warnings = Vec::new();
    if let Some(c) = &cached {
        match read_cache(c, &hash) {
            Ok(Some(ix)) => {
                let stats = BuildStats {
                    entities: ix.entity_count(),
                    rows: ix.row_count(),
                    aliases: ix.alias_count(),
                };
                return Ok(Loaded {
                    index: ix,
                    stats,
                    warnings,
                });
            }
            Ok(None) => {}
            Err(reason) => warnings.push(CacheWarning::Damaged {
                path: c.clone(),
                reason,
            }),
        }
    }
    let text = std::str::from_utf8(bytes).map_err(|e| LoadError::Encoding {
        path: label.clone(),
        offset: e.valid_up_to(),
    })?;
    let rows = parse(&label, text)?;
    let (index_bytes, stats) = build_from(&rows, &hash).map_err(|e| LoadError::Index {
        path: label.clone(),
        err: IndexError::Fst(e),
    })?;
    drop(rows);
    if let Some(c) = &cached {
        // The cache directory is ours: created when missing. Not writable: the index is used
        // from memory.
        if let Some(d) = c.parent() {
            let _ = fs::create_dir_all(d);
        }
        let _ = replace_file(c, &index_bytes);
    }
    let index = Index::open_with(Backing::Owned(index_bytes), Check::Trusted)
        .map_err(|err| LoadError::Index { path: label, err })?;
    Ok(Loaded {
        index,
        stats,
        warnings,
    })
}

/// A file written atomically: the bytes go to a temporary file created (with `create_new`)
/// in the destination's directory, which [`AtomicFile::commit`] renames over the destination.
///
/// - An existing destination keeps its permissions; a symbolic link is followed, so the file
///   it points to is replaced, not the link.
/// - Missing directories are not created: the destination's directory must exist.
/// - A destination that exists and is not a regular file (`/dev/null`, a FIFO, a terminal) is
///   written to directly; there is nothing to replace.
/// - Dropped without a commit (an error on the way), the temporary file is removed and the
///   destination is untouched.
pub struct AtomicFile {
    /// The file replaced (the symbolic link's target).
    dest: PathBuf,
    /// The temporary file; `None` when writing directly to a special file.
    tmp: Option<PathBuf>,
    out: Option<std::io::BufWriter<fs::File>>,
    perms: Option<fs::Permissions>,
}

/// Distinguishes the temporary files of one process.
static TEMP_COUNTER: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);

/// `path` with symbolic links followed (also a dangling one: its target, relative to the
/// link's directory).
fn follow_links(path: &Path) -> PathBuf {
    let mut p = path.to_path_buf();
    for _ in 0..40 {
        match fs::symlink_metadata(&p) {
            Ok(m) if m.file_type().is_symlink() => match fs::read_link(&p) {
                Ok(t) => {
                    p = match p.parent() {
                        Some(d) if t.is_relative() => d.join(t),
                        _ => t,
                    }
                }
                Err(_) => break,
            },
            _ => break,
        }
    }
    p
}

impl AtomicFile {
    /// Starts writing `path` (see the type's documentation).
    pub fn create(path: &Path) -> std::io::Result<AtomicFile> {
        use std::io::{Error, ErrorKind};
        let dest = follow_links(path);
        let existing = fs::metadata(&dest).ok();
        if let Some(m) = existing.as_ref().filter(|m| !m.is_file()) {
            if m.is_dir() {
                return Err(Error::other("is a directory"));
            }
            let f = fs::OpenOptions::new().write(true).open(&dest)?;
            return Ok(AtomicFile {
                dest,
                tmp: None,
                out: Some(std::io::BufWriter::with_capacity(1 << 16, f)),
                perms: None,
            });
        }
        let dir = match dest.parent() {
            Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
            _ => PathBuf::from("."),
        };
        let name = dest
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| "out".into());
        loop {
            let n = TEMP_COUNTER.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            let tmp = dir.join(format!(".{name}.normalize-{}-{n}.tmp", std::process::id()));
            match fs::OpenOptions::new()
                .write(true)
                .create_new(true)
                .open(&tmp)
            {
                Ok(f) => {
                    return Ok(AtomicFile {
                        dest,
                        tmp: Some(tmp),
                        out: Some(std::io::BufWriter::with_capacity(1 << 16, f)),
                        perms: existing.map(|m| m.permissions()),
                    })
                }
                Err(e) if e.kind() == ErrorKind::AlreadyExists => continue,
                Err(e) => {
                    return Err(Error::new(
                        e.kind(),
                        format!("cannot create a temporary file in {} ({e})", dir.display()),
                    ))
                }
            }
        }
    }

    /// The file that is replaced on commit.
    pub fn dest(&self) -> &Path {
        &self.dest
    }

    /// Flushes the data to disk and renames the temporary file over the destination.
    pub fn commit(mut self) -> std::io::Result<()> {
        let w = self.out.take().expect("not committed yet");
        let f = w.into_inner().map_err(|e| e.into_error())?;
        let Some(tmp) = self.tmp.clone() else {
            return Ok(());
        };
        if let Some(p) = self.perms.take() {
            f.set_permissions(p)?;
        }
        f.sync_all()?;
        drop(f);
        fs::rename(&tmp, &self.dest)?;
        self.tmp = None;
        Ok(())
    }
}

impl Write for AtomicFile {
    fn write(&mut self, b: &[u8]) -> std::io::Result<usize> {
        self.out.as_mut().expect("not committed").write(b)
    }
    fn flush(&mut self) -> std::io::Result<()> {
        self.out.as_mut().expect("not committed").flush()
    }
}

impl Drop for AtomicFile {
    fn drop(&mut self) {
        self.out = None;
        if let Some(t) = self.tmp.take() {
            let _ = fs::remove_file(t);
        }
    }
}

/// Writes `bytes` to `path` atomically (see [`AtomicFile`]).
pub fn write_atomic(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let mut f = AtomicFile::create(path)?;
    f.write_all(bytes)?;
    f.commit()
}
