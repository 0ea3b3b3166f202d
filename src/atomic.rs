//! Files that appear whole or not at all: written to a temporary file beside the target, then
//! renamed over it. A failed run leaves no partial output.

use std::path::Path;

use tempfile::NamedTempFile;

use crate::error::{Error, Result};

/// A temporary file in `path`'s directory, readable like a normally created file (0644 rather
/// than tempfile's private 0600).
pub fn temp_beside(path: &Path) -> Result<NamedTempFile> {
    let dir = parent_dir(path);
    let temp = tempfile::Builder::new()
        .prefix(".pgml-cli-")
        .permissions(std::os::unix::fs::PermissionsExt::from_mode(0o644))
        .tempfile_in(dir)
        .map_err(|e| Error::io(path.display(), e))?;
    Ok(temp)
}

/// The directory a relative or absolute file path lives in.
pub fn parent_dir(path: &Path) -> &Path {
    match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    }
}
