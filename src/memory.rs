//! Memory the system refuses. Large buffers are asked for fallibly: a model, a matrix or a file
//! may claim more memory than the process can have, and that is an error to report. Any other
//! allocation the system refuses (a memory limit: `ulimit -v`, `vm.overcommit_memory = 2`) ends
//! the process through `Allocator` with one line and exit 8, not Rust's abort (exit 134); so
//! does a thread the system refuses (`spawn`: its stack is memory too).

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;
use std::sync::atomic::{AtomicBool, Ordering};

thread_local! {
    /// Inside `fallibly`: a refused allocation is returned as null to the caller that asked.
    static FALLIBLE: Cell<bool> = const { Cell::new(false) };
    /// This thread is already reporting: an allocation while cleaning up must not recurse.
    static REPORTING: Cell<bool> = const { Cell::new(false) };
}

/// The system's allocator, except that a refused allocation outside `fallibly` ends the process
/// with one line on stderr and `error::OUT_OF_MEMORY`, after removing this process's temporary
/// output files. `main` installs it as the global allocator.
pub struct Allocator;

// SAFETY: every call is passed to `System` unchanged; only a null result is acted on.
unsafe impl GlobalAlloc for Allocator {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        refused_unless_fallible(System.alloc(layout), layout.size())
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        refused_unless_fallible(System.alloc_zeroed(layout), layout.size())
    }

    unsafe fn realloc(&self, pointer: *mut u8, layout: Layout, size: usize) -> *mut u8 {
        refused_unless_fallible(System.realloc(pointer, layout, size), size)
    }

    unsafe fn dealloc(&self, pointer: *mut u8, layout: Layout) {
        System.dealloc(pointer, layout)
    }
}

fn refused_unless_fallible(pointer: *mut u8, size: usize) -> *mut u8 {
    if pointer.is_null() && !FALLIBLE.try_with(Cell::get).unwrap_or(false) {
        out_of_memory(size);
    }
    pointer
}

/// Ends the process as a refused allocation does unless `bytes` of address space are free,
/// where the process has an address-space limit (`ulimit -v`); without one it does nothing. For
/// a C library that mishandles a refusal: OpenBLAS retries a refused work buffer forever.
pub fn ensure_address_space(bytes: usize) {
    // SAFETY: getrlimit fills the struct; mmap asks for fresh inaccessible pages, unmapped at once.
    unsafe {
        let mut limit = std::mem::zeroed::<libc::rlimit>();
        if libc::getrlimit(libc::RLIMIT_AS, &mut limit) != 0
            || limit.rlim_cur == libc::RLIM_INFINITY
        {
            return;
        }
        let flags = libc::MAP_PRIVATE | libc::MAP_ANONYMOUS | libc::MAP_NORESERVE;
        let probe = libc::mmap(std::ptr::null_mut(), bytes, libc::PROT_NONE, flags, -1, 0);
        if probe == libc::MAP_FAILED {
            out_of_memory(bytes);
        }
        libc::munmap(probe, bytes);
    }
}

/// Runs `ask` with refused allocations returned to it (`try_reserve`, `alloc` and a null check)
/// instead of ending the process.
pub fn fallibly<T>(ask: impl FnOnce() -> T) -> T {
    let was = FALLIBLE.with(|f| f.replace(true));
    let result = ask();
    FALLIBLE.with(|f| f.set(was));
    result
}

fn out_of_memory(size: usize) -> ! {
    refused(format_args!(
        "out of memory: the system refused {size} more bytes (the process's memory limit, such \
         as ulimit -v, is below what this work needs)"
    ))
}

/// A thread started, or the process ended as when memory is refused: a thread's stack is memory
/// too (`std::thread::spawn` panicked, which read as a bug in pgml-cli).
pub fn spawn<T: Send + 'static>(
    work: impl FnOnce() -> T + Send + 'static,
) -> std::thread::JoinHandle<T> {
    std::thread::Builder::new()
        .spawn(work)
        .unwrap_or_else(|e| no_thread(e))
}

/// `spawn` inside a `std::thread::scope`.
pub fn spawn_scoped<'scope, 'env, T: Send + 'scope>(
    scope: &'scope std::thread::Scope<'scope, 'env>,
    work: impl FnOnce() -> T + Send + 'scope,
) -> std::thread::ScopedJoinHandle<'scope, T> {
    std::thread::Builder::new()
        .spawn_scoped(scope, work)
        .unwrap_or_else(|e| no_thread(e))
}

/// Ends the process for a thread the system refused (see `spawn`).
pub fn no_thread(e: std::io::Error) -> ! {
    refused(format_args!(
        "the system refused a thread ({e}): the process's limits (ulimit -v, ulimit -u) are \
         below what this work needs"
    ))
}

/// Removes the temporary output files, says `why` on one line and exits. Nothing here allocates
/// except removing a file with a path over 384 bytes and formatting an OS error; an allocation
/// refused meanwhile skips straight to the exit. A second thread refused waits for the first.
fn refused(why: std::fmt::Arguments) -> ! {
    static EXITING: AtomicBool = AtomicBool::new(false);
    if !REPORTING.try_with(|r| r.replace(true)).unwrap_or(true) {
        if EXITING.swap(true, Ordering::SeqCst) {
            loop {
                // SAFETY: pause only waits for a signal; the first thread's _exit ends this one.
                unsafe { libc::pause() };
            }
        }
        crate::atomic::remove_temporaries_now();
    }
    let mut line = Line::default();
    let _ = std::fmt::Write::write_fmt(&mut line, format_args!("pgml-cli: error: {why}\n"));
    // SAFETY: write reads `len` initialized bytes of `line`; _exit has no preconditions.
    unsafe {
        libc::write(2, line.bytes.as_ptr().cast(), line.len);
        libc::_exit(crate::error::OUT_OF_MEMORY)
    }
}

/// A message formatted without allocating (longer text is cut).
struct Line {
    bytes: [u8; 512],
    len: usize,
}

impl Default for Line {
    fn default() -> Self {
        Line {
            bytes: [0; 512],
            len: 0,
        }
    }
}

impl std::fmt::Write for Line {
    fn write_str(&mut self, text: &str) -> std::fmt::Result {
        let take = text.len().min(self.bytes.len() - self.len);
        self.bytes[self.len..self.len + take].copy_from_slice(&text.as_bytes()[..take]);
        self.len += take;
        Ok(())
    }
}

/// Types whose all-zero bytes are a valid value (zero).
///
/// # Safety
/// Implement only for types for which the all-zero bit pattern is a valid, initialized value.
pub unsafe trait ZeroIsValid: Copy {}
// SAFETY: zero bytes are 0u8 and 0.0f64.
unsafe impl ZeroIsValid for u8 {}
unsafe impl ZeroIsValid for f64 {}

/// `n` zeros in memory fresh from the system, or `None` where the memory cannot be had
/// (`vec![0; n]` is the same allocation but aborts then). Large blocks come as pages the
/// kernel zeroes when each is first touched, so they cost nothing until written, and whichever
/// thread writes a page pays for it (a matrix filled on every core is cleared on every core).
pub fn zeroed<T: ZeroIsValid>(n: usize) -> Option<Vec<T>> {
    let layout = std::alloc::Layout::array::<T>(n).ok()?;
    if layout.size() == 0 {
        return Some(Vec::new());
    }
    // SAFETY: the layout has a non-zero size; a non-null result is an allocation of the global
    // allocator with exactly this layout, all `n` values initialized to zero (valid for
    // `ZeroIsValid` types), which the `Vec` then owns and frees with the same layout.
    unsafe {
        let pointer = fallibly(|| std::alloc::alloc_zeroed(layout)).cast::<T>();
        (!pointer.is_null()).then(|| Vec::from_raw_parts(pointer, n, n))
    }
}

/// The machine's physical memory in bytes, when the system says.
pub fn physical_memory() -> Option<u64> {
    // SAFETY: sysconf only reads system settings.
    let (pages, page) = unsafe {
        (
            libc::sysconf(libc::_SC_PHYS_PAGES),
            libc::sysconf(libc::_SC_PAGESIZE),
        )
    };
    (pages > 0 && page > 0).then(|| (pages as u64).saturating_mul(page as u64))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn zeroed_buffers_hold_zeros_or_say_no() {
        assert_eq!(zeroed::<f64>(3), Some(vec![0.0; 3]));
        assert_eq!(zeroed::<u8>(0), Some(Vec::new()));
        assert_eq!(zeroed::<f64>(usize::MAX / 4), None);
    }
}
