//! Files that appear whole or not at all: written to a temporary file beside the target, then
//! renamed over it. A failed run leaves no partial output; an interrupted one (SIGINT, SIGTERM)
//! removes its temporary file before exiting; one killed outright (SIGKILL) leaves a file named
//! after its process, which the next run writing into that directory removes.
//!
//! Only an absent path or a regular file is replaced this way. A symlink is followed to the file
//! it names (the link stays a link). A FIFO or character device (`/dev/stdout`, `/dev/null`, a
//! named pipe) is written directly, since replacing it with a regular file is never what was
//! meant; a directory or a dangling link is refused.

use std::fs::{File, OpenOptions};
use std::os::unix::fs::{FileTypeExt, PermissionsExt};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, OnceLock};

use tempfile::TempPath;

use crate::error::{Error, Result};

/// Temporary files of this process not yet renamed into place, for the signal handler.
static PENDING: Mutex<Vec<PathBuf>> = Mutex::new(Vec::new());

/// Set inside the signal handler itself, so no output is committed after SIGINT/SIGTERM even
/// before the cleanup thread has run.
static INTERRUPTED: OnceLock<Arc<AtomicBool>> = OnceLock::new();

const TEMP_PREFIX: &str = ".pgml-cli-";

/// How long a dead run's temporary file must have been untouched before another run removes it.
const STALE_AFTER: std::time::Duration = std::time::Duration::from_secs(60);

/// How an output file is put in place: a temporary file renamed over the target when finished
/// (removed if dropped first), or nothing for a FIFO or device written in place.
pub struct Commit {
    rename: Option<(TempPath, PathBuf)>,
}

/// Opens `path` for an output written whole: see the module comment for what each kind of path
/// gets. `replace = false` refuses an existing file (checked again when renaming).
pub fn create(path: &Path) -> Result<(File, Commit)> {
    let io = |e| Error::io(path.display(), e);
    // `metadata` follows links: /dev/stdout -> /proc/self/fd/1 -> a pipe is a FIFO, written in place.
    match std::fs::metadata(path) {
        Ok(meta) if meta.is_dir() => {
            return Err(Error::usage(format!(
                "{} is a directory; choose a file name for the output",
                path.display()
            )))
        }
        Ok(meta) if meta.file_type().is_fifo() || meta.file_type().is_char_device() => {
            let file = OpenOptions::new().write(true).open(path).map_err(io)?;
            return Ok((file, Commit { rename: None }));
        }
        Ok(meta) if !meta.is_file() => {
            return Err(Error::usage(format!(
                "{} is not a regular file; choose another output",
                path.display()
            )))
        }
        _ => {}
    }
    // A regular file (or a new one) behind a link: the file is replaced, the link stays.
    let target = match std::fs::symlink_metadata(path) {
        Ok(meta) if meta.file_type().is_symlink() => path.canonicalize().map_err(|_| {
            Error::Io(format!(
                "{}: is a symbolic link to a missing file; choose another output",
                path.display()
            ))
        })?,
        _ => path.to_path_buf(),
    };
    let dir = parent_dir(&target);
    if !dir.is_dir() {
        return Err(Error::Io(format!(
            "{}: no directory {} to write it in",
            path.display(),
            dir.display()
        )));
    }
    remove_stale_temps(dir);
    // The error without tempfile's "at path .pgml-cli-...tmp": the user named the output.
    let temp = tempfile::Builder::new()
        .prefix(&format!("{TEMP_PREFIX}{}-", std::process::id()))
        .suffix(".tmp")
        .permissions(std::fs::Permissions::from_mode(0o644))
        .tempfile_in(dir)
        .map_err(|e| io(std::io::Error::from(e.kind())))?;
    let (file, temp) = temp.into_parts();
    pending().push(temp.to_path_buf());
    Ok((
        file,
        Commit {
            rename: Some((temp, target)),
        },
    ))
}

impl Commit {
    /// Puts the finished file in place. Without `replace`, an existing file (say, written by a
    /// concurrent run since the check before training) is a usage error, as when checked first.
    pub fn finish(mut self, replace: bool) -> Result<()> {
        let Some((temp, path)) = self.rename.take() else {
            return Ok(());
        };
        if INTERRUPTED.get().is_some_and(|f| f.load(Ordering::SeqCst)) {
            return Err(Error::Interrupted);
        }
        let name = temp.to_path_buf();
        let result = if replace {
            temp.persist(&path).map_err(|e| e.error)
        } else {
            temp.persist_noclobber(&path).map_err(|e| e.error)
        };
        pending().retain(|p| *p != name);
        match result {
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => Err(Error::usage(format!(
                "{} already exists; pass --force to overwrite it or --output to choose another path",
                path.display()
            ))),
            other => other.map_err(|e| Error::io(path.display(), e)),
        }
    }
}

impl Drop for Commit {
    fn drop(&mut self) {
        if let Some((temp, _)) = &self.rename {
            let name = temp.to_path_buf();
            pending().retain(|p| *p != name);
        }
    }
}

fn pending() -> std::sync::MutexGuard<'static, Vec<PathBuf>> {
    PENDING
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// On SIGINT or SIGTERM: remove this process's temporary files and exit 128 + signal. Python
/// runs replace the SIGINT handler with Python's own (KeyboardInterrupt unwinds, and dropping
/// a `Commit` removes its file), so this covers native runs and SIGTERM everywhere.
pub fn clean_up_on_signals() {
    use signal_hook::consts::{SIGINT, SIGTERM};
    let flag = INTERRUPTED.get_or_init(Default::default);
    for signal in [SIGINT, SIGTERM] {
        let _ = signal_hook::flag::register(signal, Arc::clone(flag));
    }
    let Ok(mut signals) = signal_hook::iterator::Signals::new([SIGINT, SIGTERM]) else {
        return;
    };
    crate::memory::spawn(move || {
        if let Some(signal) = signals.forever().next() {
            for path in pending().iter() {
                let _ = std::fs::remove_file(path);
            }
            if signal == SIGINT {
                // On a line of its own: Ctrl-C may have cut a library's progress line short.
                eprintln!("\npgml-cli: error: interrupted");
            }
            // Not `exit`: other threads may be inside a backend; nothing else needs to run.
            // SAFETY: _exit ends the process immediately; it has no preconditions.
            unsafe { libc::_exit(128 + signal) };
        }
    });
}

/// Removes this process's temporary files at once, for a process about to exit out of memory:
/// skipped if another thread holds their list (it may be the thread that ran out).
pub(crate) fn remove_temporaries_now() {
    let paths = match PENDING.try_lock() {
        Ok(paths) => paths,
        Err(std::sync::TryLockError::Poisoned(poisoned)) => poisoned.into_inner(),
        Err(std::sync::TryLockError::WouldBlock) => return,
    };
    for path in paths.iter() {
        let _ = std::fs::remove_file(path);
    }
}

/// Temporary files left by pgml-cli processes that no longer run (killed with SIGKILL, or by
/// a power cut): named `.pgml-cli-<pid>-*.tmp`, removed when no process has that pid here and
/// the file has not changed for `STALE_AFTER` (a run in another PID namespace sharing the
/// directory keeps writing to its file).
fn remove_stale_temps(dir: &Path) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let name = entry.file_name();
        let Some(rest) = name.to_str().and_then(|n| n.strip_prefix(TEMP_PREFIX)) else {
            continue;
        };
        let Some(pid) = rest.split('-').next().and_then(|p| p.parse::<u32>().ok()) else {
            continue;
        };
        let alive = Path::new(&format!("/proc/{pid}")).exists();
        let idle = entry
            .metadata()
            .and_then(|m| m.modified())
            .ok()
            .and_then(|t| t.elapsed().ok())
            .is_some_and(|age| age > STALE_AFTER);
        if !alive && idle && rest.ends_with(".tmp") {
            let _ = std::fs::remove_file(entry.path());
        }
    }
}

/// The directory a relative or absolute file path lives in.
pub fn parent_dir(path: &Path) -> &Path {
    match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    }
}
