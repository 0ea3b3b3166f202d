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

impl Error {
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
