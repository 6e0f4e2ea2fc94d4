//! Compiles word lists into the open-world lexicon's word map (`data/lexicon/words.fst`):
//! each word folded as the engine folds it, mapped to the languages whose lists hold it, and
//! whether a list holds it in lower case (a common word rather than only a capitalised name
//! or, in German, a noun).
//!
//! Run by `scripts/gen_lexicon.sh`, which fetches the lists from Debian's packages:
//!
//!     cargo run --release --example gen_lexicon -- OUT.fst en=LIST de=LIST ...
//!
//! Each LIST is UTF-8, one word per line; `#` lines and empty lines are skipped; a word may be
//! followed by `/flags` (hunspell) which are dropped.

use std::collections::BTreeMap;

use normalize::lexicon::Lang;

fn main() -> anyhow::Result<()> {
    let mut args = std::env::args().skip(1);
    let out = args
        .next()
        .ok_or_else(|| anyhow::anyhow!("usage: gen_lexicon OUT.fst LANG=LIST..."))?;
    let mut words: BTreeMap<String, u64> = BTreeMap::new();
    for arg in args {
        let (code, path) = arg
            .split_once('=')
            .ok_or_else(|| anyhow::anyhow!("{arg}: expected LANG=LIST"))?;
        let lang =
            Lang::from_code(code).ok_or_else(|| anyhow::anyhow!("{code}: unknown language"))?;
        let text = std::fs::read_to_string(path).map_err(|e| anyhow::anyhow!("{path}: {e}"))?;
        let before = words.len();
        let mut n = 0usize;
        for line in text.lines() {
            let w = line.split('/').next().unwrap_or("").trim();
            if w.is_empty() || w.starts_with('#') || w.contains(char::is_whitespace) {
                continue;
            }
            n += 1;
            let lower = w.chars().next().is_some_and(|c| !c.is_uppercase());
            let bits = normalize::lexicon::word_bits(lang, lower);
            *words.entry(normalize::fold::fold(w)).or_default() |= bits;
        }
        eprintln!(
            "{code}: {n} entries from {path}, {} new folded words",
            words.len() - before
        );
    }
    let map = fst::Map::from_iter(words.iter().map(|(k, v)| (k.as_bytes(), *v)))?;
    let bytes = map.into_fst().into_inner();
    let tmp = format!("{out}.tmp");
    std::fs::write(&tmp, &bytes)?;
    std::fs::rename(&tmp, &out)?;
    eprintln!("wrote {out}: {} words, {} bytes", words.len(), bytes.len());
    Ok(())
}
