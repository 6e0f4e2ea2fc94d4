//! The `normalize` binary: parses arguments and runs one command over the library.

mod cli;

use std::process::ExitCode;

fn main() -> ExitCode {
    match cli::run() {
        Ok(code) => ExitCode::from(code),
        Err(e) => {
            if cli::is_broken_pipe(&e) {
                return ExitCode::SUCCESS;
            }
            eprintln!("normalize: {e:#}");
            ExitCode::from(2)
        }
    }
}
