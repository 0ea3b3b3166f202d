//! pgml-cli: PostgresML's algorithms as one command-line binary. This file only parses, runs
//! and maps the outcome to an exit code; everything else is in the library.

use clap::Parser;
use pgml_cli::{cli, error};

/// Exit code for a bug in pgml-cli itself (a panic); every expected failure has its own code.
const INTERNAL_ERROR: i32 = 70;

fn main() {
    // A panic is a bug: report it on one line, never as a backtrace.
    std::panic::set_hook(Box::new(|info| {
        let location = info
            .location()
            .map(|l| format!(" at {}:{}", l.file(), l.line()))
            .unwrap_or_default();
        let message = info
            .payload()
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| info.payload().downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "unknown panic".into());
        eprintln!("pgml-cli: internal error: {message}{location} (please report this)");
    }));
    let args = cli::Cli::parse();
    let code = match std::panic::catch_unwind(|| cli::run(args)) {
        Ok(Ok(code)) => code,
        Ok(Err(error::Error::BrokenPipe)) => 0,
        Ok(Err(e)) => {
            eprintln!("pgml-cli: error: {e}");
            e.exit_code()
        }
        Err(_) => INTERNAL_ERROR,
    };
    std::process::exit(code);
}
