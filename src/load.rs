//! Loading indexes: the embedded default index, and users' tables compiled once and cached.
//!
//! A user table is compiled into the same index format as the defaults and written, atomically,
//! to the cache directory under a name derived from the table's content and the format
//! version; later runs memory-map the cached index instead of compiling again.

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

use crate::index::builder::{build, BuildStats};
use crate::index::layout::MAGIC;
use crate::index::{Backing, Index, IndexError};
use crate::table::{parse, TableError};

static DEFAULT_INDEX: &[u8] = include_bytes!(concat!(env!("OUT_DIR"), "/default.idx"));

/// Counts of the embedded default tables, as compiled.
pub const DEFAULT_STATS: &str = env!("NORMALIZE_DEFAULT_STATS");

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

/// The embedded default index (no copy, no parsing).
pub fn default_index() -> Index {
    Index::open(Backing::Static(DEFAULT_INDEX)).expect("embedded default index is valid")
}

/// A 128-bit content hash of the table bytes (two independent 64-bit multiply-rotate lanes
/// over 8-byte words), salted with the index format and crate version, as hex.
fn content_hash(bytes: &[u8]) -> String {
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
    format!("{a:016x}{b:016x}")
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

/// Reads and validates a table file, returning its rows.
pub fn read_table(path: &Path) -> Result<(Vec<u8>, Vec<crate::table::Row>), LoadError> {
    let label = path.display().to_string();
    let bytes = fs::read(path).map_err(|source| LoadError::Io {
        path: label.clone(),
        err: source,
    })?;
    let text = std::str::from_utf8(&bytes).map_err(|e| LoadError::Encoding {
        path: label.clone(),
        offset: e.valid_up_to(),
    })?;
    let rows = parse(&label, text)?;
    Ok((bytes, rows))
}

/// Loads a user table: from the cache when its content was compiled before, else compiled now
/// (and cached when the cache directory is writable).
pub fn load_table(path: &Path) -> Result<(Index, BuildStats), LoadError> {
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
    let cached = cache_dir().map(|d| d.join(format!("{hash}.idx")));
    if let Some(c) = &cached {
        if let Ok(f) = fs::File::open(c) {
            // SAFETY: cache files are written once under a content-derived name and renamed into
            // place atomically; they are never modified afterwards.
            if let Ok(m) = unsafe { memmap2::Mmap::map(&f) } {
                if let Ok(ix) = Index::open(Backing::Mmap(m)) {
                    let stats = BuildStats {
                        entities: ix.entity_count(),
                        rows: ix.row_count(),
                        aliases: ix.alias_count(),
                    };
                    return Ok((ix, stats));
                }
            }
        }
    }
    let text = std::str::from_utf8(bytes).map_err(|e| LoadError::Encoding {
        path: label.clone(),
        offset: e.valid_up_to(),
    })?;
    let rows = parse(&label, text)?;
    let (index_bytes, stats) = build(&rows).map_err(|e| LoadError::Index {
        path: label.clone(),
        err: IndexError::Fst(e),
    })?;
    drop(rows);
    if let Some(c) = &cached {
        let _ = write_atomic(c, &index_bytes);
    }
    let ix = Index::open(Backing::Owned(index_bytes))
        .map_err(|err| LoadError::Index { path: label, err })?;
    Ok((ix, stats))
}

/// Writes `bytes` to `path` through a temporary file in the same directory and a rename.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let dir = path.parent().unwrap_or(Path::new("."));
    fs::create_dir_all(dir)?;
    let tmp = dir.join(format!(
        ".{}.{}.tmp",
        path.file_name().and_then(|n| n.to_str()).unwrap_or("out"),
        std::process::id()
    ));
    let result = (|| {
        let mut f = fs::File::create(&tmp)?;
        f.write_all(bytes)?;
        f.sync_all()?;
        fs::rename(&tmp, path)
    })();
    if result.is_err() {
        let _ = fs::remove_file(&tmp);
    }
    result
}
