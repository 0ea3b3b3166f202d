//! Build-time facts for the binary:
//! - the versions of the ML backends, read from Cargo.lock, so each model file records which
//!   library version wrote it (serialized layouts change between versions);
//! - a clear message when the static OpenBLAS that .cargo/config.toml links is not installed;
//! - with the `python` feature: an rpath to the libpython pyo3 links (without it the binary
//!   silently loaded another CPython's library), and that Python's version.

use std::path::Path;

const STATIC_OPENBLAS: &str = "/usr/lib/x86_64-linux-gnu/openblas-serial/libopenblas.a";

fn main() {
    println!("cargo:rerun-if-changed=Cargo.lock");
    println!("cargo:rerun-if-changed=build.rs");
    let lock = std::fs::read_to_string("Cargo.lock").unwrap_or_default();
    for (krate, var) in [
        ("linfa", "PGML_LINFA_VERSION"),
        ("smartcore", "PGML_SMARTCORE_VERSION"),
        ("ndarray-linalg", "PGML_NDARRAY_LINALG_VERSION"),
    ] {
        println!(
            "cargo:rustc-env={var}={}",
            locked_version(&lock, krate).unwrap_or("unknown")
        );
    }
    #[cfg(feature = "python")]
    {
        let config = pyo3_build_config::get();
        if let Some(dir) = config.lib_dir() {
            println!("cargo:rustc-link-arg=-Wl,-rpath,{dir}");
        }
        println!(
            "cargo:rustc-env=PGML_PYTHON_VERSION={}.{}",
            config.version().major,
            config.version().minor
        );
        println!("cargo:rerun-if-env-changed=PYO3_PYTHON");
    }
    let linux_x86 = std::env::var("CARGO_CFG_TARGET_OS").as_deref() == Ok("linux")
        && std::env::var("CARGO_CFG_TARGET_ARCH").as_deref() == Ok("x86_64");
    if linux_x86 && !Path::new(STATIC_OPENBLAS).exists() {
        panic!("{STATIC_OPENBLAS} is missing: run scripts/setup.sh (installs libopenblas-serial-dev and libgfortran-12-dev)");
    }
}

/// The version of `krate` in Cargo.lock: the line after `name = "<krate>"`.
fn locked_version<'a>(lock: &'a str, krate: &str) -> Option<&'a str> {
    let name = format!("name = \"{krate}\"");
    let mut lines = lock.lines();
    lines.find(|l| *l == name)?;
    lines
        .next()?
        .strip_prefix("version = \"")?
        .strip_suffix('"')
}
