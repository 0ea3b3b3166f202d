//! Large buffers asked of the system fallibly: a model, a matrix or a file may claim more memory
//! than the process can have, and that is an error to report, not an abort.

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
        let pointer = std::alloc::alloc_zeroed(layout).cast::<T>();
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
