//! pgml-cli: PostgresML's algorithms as one command-line binary. This file only parses, runs
//! and maps the outcome to an exit code; everything else is in the library.

use clap::Parser;
use pgml_cli::{cli, error};

#[global_allocator]
static ALLOCATOR: pgml_cli::memory::Allocator = pgml_cli::memory::Allocator;

/// Exit code for a bug in pgml-cli itself (a panic); every expected failure has its own code.
const INTERNAL_ERROR: i32 = 70;

fn main() {
    pgml_cli::panic::install_hook();
    pgml_cli::atomic::clean_up_on_signals();
    let args = match cli::Cli::try_parse() {
        Ok(args) => args,
        Err(e) if !e.use_stderr() => e.exit(), // --help, --version
        Err(e) => {
            // clap's error is its first line, and the indented lines under it when it ends in
            // ':' (the missing arguments); usage and tips follow after a blank line.
            let text = e.render().to_string();
            let mut lines = text.lines();
            let first = lines.next().unwrap_or("bad arguments");
            let listed: Vec<&str> = lines
                .take_while(|l| first.ends_with(':') && l.starts_with("  "))
                .map(str::trim)
                .collect();
            let first = first.strip_prefix("error: ").unwrap_or(first);
            let message = match listed.is_empty() {
                true => first.to_string(),
                false => format!("{first} {}", listed.join(", ")),
            };
            eprintln!(
                "pgml-cli: error: {} (see pgml-cli --help)",
                error::one_line(&message)
            );
            std::process::exit(error::Error::usage("").exit_code());
        }
    };
    let code = match std::panic::catch_unwind(|| cli::run(args)) {
        Ok(Ok(code)) => code,
        Ok(Err(error::Error::BrokenPipe)) => 0,
        Ok(Err(e)) => {
            // Ctrl-C can cut a library's progress line short, as a shell's ^C does: start afresh.
            let fresh = if matches!(e, error::Error::Interrupted) {
                "\n"
            } else {
                ""
            };
            eprintln!("{fresh}pgml-cli: error: {}", e.line());
            e.exit_code()
        }
        Err(_) => INTERNAL_ERROR,
    };
    std::process::exit(code);
}
