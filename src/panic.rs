//! Panics. A panic in pgml-cli is a bug, reported on one line (exit 70). A panic inside a
//! backend library on data it should have refused (linfa's SMO solver indexes out of bounds on
//! some inputs) is a failed fit: `catch` turns it into exit 5 with the library's message.

use std::cell::{Cell, RefCell};
use std::panic::{catch_unwind, AssertUnwindSafe};

use crate::error::{Error, Result};

thread_local! {
    /// Inside `catch`: the hook keeps the message instead of printing it.
    static CATCHING: Cell<bool> = const { Cell::new(false) };
    static CAUGHT: RefCell<Option<String>> = const { RefCell::new(None) };
}

/// Installs the one-line report. Called once by `main`.
pub fn install_hook() {
    std::panic::set_hook(Box::new(|info| {
        let message = info
            .payload()
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| info.payload().downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "unknown panic".into());
        if CATCHING.with(Cell::get) {
            CAUGHT.with(|c| *c.borrow_mut() = Some(message));
            return;
        }
        let location = info
            .location()
            .map(|l| format!(" at {}:{}", l.file(), l.line()))
            .unwrap_or_default();
        eprintln!("pgml-cli: internal error: {message}{location} (please report this)");
    }));
}

/// Runs a backend's fit; its panic becomes `Error::Fit` naming the backend.
pub fn catch<T>(backend: &str, work: impl FnOnce() -> Result<T>) -> Result<T> {
    let was = CATCHING.with(|c| c.replace(true));
    let outcome = catch_unwind(AssertUnwindSafe(work));
    CATCHING.with(|c| c.set(was));
    outcome.unwrap_or_else(|_| {
        let message = CAUGHT
            .with(|c| c.borrow_mut().take())
            .unwrap_or_else(|| "unknown panic".into());
        Err(Error::fit(format!(
            "{backend} failed on this data ({message}); try other hyperparameters or --runtime python"
        )))
    })
}
