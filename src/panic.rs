//! Panics. A panic in pgml-cli is a bug, reported on one line (exit 70). A panic inside a
//! backend library on data it should have refused (linfa's SMO solver indexes out of bounds on
//! some inputs) is a failed fit, and one while predicting (on a model that passed every check) is
//! a model that cannot be used: `catch` hands the message to the caller instead of printing it.

use std::cell::{Cell, RefCell};
use std::panic::{catch_unwind, AssertUnwindSafe};

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
        eprintln!(
            "pgml-cli: internal error: {}{location} (please report this)",
            crate::error::one_line(&message)
        );
    }));
}

/// Runs backend code; a panic in it comes back as `Err` with the panic's message, printed by
/// nobody (the caller turns it into the error it means: a failed fit, a model that cannot predict).
pub fn catch<T>(work: impl FnOnce() -> T) -> std::result::Result<T, String> {
    let was = CATCHING.with(|c| c.replace(true));
    let outcome = catch_unwind(AssertUnwindSafe(work));
    CATCHING.with(|c| c.set(was));
    outcome.map_err(|_| {
        CAUGHT
            .with(|c| c.borrow_mut().take())
            .unwrap_or_else(|| "unknown panic".into())
    })
}
