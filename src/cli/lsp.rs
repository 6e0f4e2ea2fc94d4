//! `normalize lsp`: the language server on standard input and output.

use anyhow::{anyhow, Result};
use clap::Args;
use lsp_server::Connection;
use normalize::config::Config;

use super::TableArgs;

#[derive(Args, Debug)]
pub struct LspArgs {
    /// Accepted for editors that pass it; standard input and output are the only transport.
    #[arg(long, hide = true)]
    stdio: bool,
}

/// The command line's table options with a configuration's on top: its tables are added,
/// `default_tables = false` drops the defaults, `lang` and `former` apply unless the command
/// line sets them.
fn with_config(base: &TableArgs, config: Option<&Config>) -> TableArgs {
    let mut t = base.clone();
    if let Some(c) = config {
        t.tables.extend(c.tables.iter().cloned());
        if c.default_tables == Some(false) {
            t.no_default_tables = true;
        }
        if t.lang.is_none() {
            t.lang.clone_from(&c.lang);
        }
        t.former |= c.former == Some(true);
    }
    t
}

pub fn run(_args: &LspArgs, tables: &TableArgs) -> Result<u8> {
    // Bad options fail now, before the handshake (unless only a configuration can supply the
    // tables that --no-default-tables needs).
    if !(tables.no_default_tables && tables.tables.is_empty()) {
        tables.normalizer()?;
    }
    let base = tables.clone();
    let factory: normalize::lsp::Factory = Box::new(move |config| {
        with_config(&base, config)
            .normalizer()
            .map_err(|e| format!("{e:#}"))
    });
    let (conn, io) = Connection::stdio();
    let code = normalize::lsp::serve(&conn, factory).map_err(|e| anyhow!(e))?;
    drop(conn);
    io.join()?;
    Ok(code)
}
