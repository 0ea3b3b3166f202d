//! The one error type of pgml-cli and its mapping to exit codes (documented in the README).

use std::fmt::Display;
use std::path::Path;

pub type Result<T, E = Error> = std::result::Result<T, E>;

#[derive(Debug, Clone, thiserror::Error)]
pub enum Error {
    /// Bad flags, hyperparameters, algorithm or task names: nothing was read yet.
    #[error("{0}")]
    Usage(String),
    /// The input data cannot be used: names the file and, where it can, the line and column.
    #[error("{0}")]
    Data(String),
    /// A model file that is not one, is damaged, or comes from a newer pgml-cli.
    #[error("{0}")]
    Model(String),
    /// The algorithm itself failed (did not converge, degenerate data...).
    #[error("{0}")]
    Fit(String),
    /// `--min-metric` / `--max-metric` was not met.
    #[error("{0}")]
    Gate(String),
    /// Reading or writing a file failed.
    #[error("{0}")]
    Io(String),
    /// The Python runtime cannot run: no environment, a package missing.
    #[error("{0}")]
    Runtime(String),
    /// Ctrl-C during a Python fit or prediction.
    #[error("interrupted")]
    Interrupted,
    /// The reader of our output went away (e.g. `| head`): not an error for a CLI.
    #[error("broken pipe")]
    BrokenPipe,
}

/// Longest error line printed: a message that quotes untrusted text stays readable.
const MAX_MESSAGE_CHARS: usize = 2000;

/// `text` on one line: control and invisible characters (newlines, terminal escapes, bidi
/// overrides) shown escaped, passwords cut from PostgreSQL URLs, and cut to `MAX_MESSAGE_CHARS`
/// characters. The last line of defence for anything printed to stderr; single values from the
/// input are quoted by `data::quote`.
pub fn one_line(text: &str) -> String {
    let text = crate::postgres::redact_urls(text);
    let mut line = String::with_capacity(text.len().min(MAX_MESSAGE_CHARS));
    for (i, c) in text.chars().enumerate() {
        if i == MAX_MESSAGE_CHARS {
            line.push_str("...");
            break;
        }
        // Control characters, and invisible ones such as bidi overrides (which escape_debug
        // escapes); quotes and backslashes are left alone, since quoted values arrive already
        // escaped by `data::quote`.
        if c.is_control() || (!matches!(c, '\\' | '\'' | '"') && c.escape_debug().count() > 1) {
            line.extend(c.escape_default());
        } else {
            line.push(c);
        }
    }
    line
}

/// A warning on stderr, one line like errors.
pub fn warn(message: impl Display) {
    eprintln!("pgml-cli: warning: {}", one_line(&message.to_string()));
}

/// Exit code of a process the system refused memory outside a fallible request (`memory`
/// exits with it directly: an `Error` could not be allocated).
pub const OUT_OF_MEMORY: i32 = 8;

impl Error {
    /// The message as printed: one line whatever it quotes (control characters, including
    /// newlines and terminal escapes from a file's header or a library's exception, are shown
    /// escaped) and at most `MAX_MESSAGE_CHARS` characters.
    pub fn line(&self) -> String {
        one_line(&self.to_string())
    }

    pub fn exit_code(&self) -> i32 {
        match self {
            Error::BrokenPipe => 0,
            Error::Io(_) => 1,
            Error::Usage(_) => 2,
            Error::Data(_) => 3,
            Error::Model(_) => 4,
            Error::Fit(_) => 5,
            Error::Gate(_) => 6,
            Error::Runtime(_) => 7,
            Error::Interrupted => 130,
        }
    }

    pub fn usage(message: impl Display) -> Self {
        Error::Usage(message.to_string())
    }

    pub fn data(source: impl Display, message: impl Display) -> Self {
        Error::Data(format!("{source}: {message}"))
    }

    pub fn model(path: &Path, message: impl Display) -> Self {
        Error::Model(format!("{}: {message}", path.display()))
    }

    pub fn fit(message: impl Display) -> Self {
        Error::Fit(message.to_string())
    }

    /// An I/O error on `path`; a broken pipe is kept apart so `main` can exit quietly.
    pub fn io(path: impl Display, err: std::io::Error) -> Self {
        if err.kind() == std::io::ErrorKind::BrokenPipe {
            Error::BrokenPipe
        } else {
            Error::Io(format!("{path}: {err}"))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_message_is_one_line_without_terminal_escapes() {
        let e = Error::Model("m: has \u{1b}[2J\nforged line\r".into());
        assert_eq!(e.line(), "m: has \\u{1b}[2J\\nforged line\\r");
        assert_eq!(
            Error::usage("x".repeat(5000)).line().chars().count(),
            MAX_MESSAGE_CHARS + 3
        );
    }
}
