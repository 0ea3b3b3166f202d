//! Progress spinners on stderr, only when it is a terminal (never in pipes or CI logs).

use std::io::IsTerminal;
use std::time::Duration;

use indicatif::{ProgressBar, ProgressStyle};

#[derive(Clone, Copy)]
pub struct Progress {
    enabled: bool,
}

impl Progress {
    pub fn new(quiet: bool) -> Self {
        Progress {
            enabled: !quiet && std::io::stderr().is_terminal(),
        }
    }

    /// A bar over `len` steps, or `None` when nothing is shown.
    pub fn bar(&self, len: u64, message: &str) -> Option<ProgressBar> {
        if !self.enabled {
            return None;
        }
        let bar = ProgressBar::new(len).with_message(message.to_string());
        if let Ok(style) = ProgressStyle::with_template("{msg} {bar:30} {pos}/{len} {elapsed}") {
            bar.set_style(style);
        }
        Some(bar)
    }

    /// Runs `work` under a spinner showing `message`; the spinner is cleared when it ends.
    pub fn run<T>(&self, message: impl Into<String>, work: impl FnOnce() -> T) -> T {
        if !self.enabled {
            return work();
        }
        let bar = ProgressBar::new_spinner().with_message(message.into());
        if let Ok(style) = ProgressStyle::with_template("{spinner} {msg} {elapsed}") {
            bar.set_style(style);
        }
        bar.enable_steady_tick(Duration::from_millis(100));
        let result = work();
        bar.finish_and_clear();
        result
    }
}
