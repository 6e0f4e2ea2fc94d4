//! `normalize lsp`: the language server on standard input and output.

use anyhow::{anyhow, Result};
use clap::Args;

use super::TableArgs;

#[derive(Args, Debug)]
pub struct LspArgs {
    /// Accepted for editors that pass it; standard input and output are the only transport.
    #[arg(long, hide = true)]
    stdio: bool,
}

pub fn run(_args: &LspArgs, tables: &TableArgs) -> Result<u8> {
    // Bad options fail now, before the handshake (unless only a configuration can supply the
    // tables that --no-default-tables needs).
    if !(tables.no_default_tables && tables.tables.is_empty()) {
        tables.normalizer()?;
    }
    let base = tables.clone();
    let factory: normalize::lsp::Factory = Box::new(move |config| {
        let t = base.with_config(config);
        let nz = t.normalizer().map_err(|e| format!("{e:#}"))?;
        Ok((nz, t.tables))
    });
    let stdin = std::io::stdin();
    let mut input = std::io::BufReader::with_capacity(1 << 16, stdin.lock());
    let stdout = std::io::stdout();
    let mut output = stdout.lock();
    let mut log = |line: &str| eprintln!("normalize lsp: {line}");
    let code = normalize::lsp::serve(&mut input, &mut output, factory, &mut log)
        .map_err(|e| anyhow!(e))?;
    Ok(code)
}
