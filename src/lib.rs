//! pgml-cli as a library: the binary is a thin shell over these modules, and the tests use them
//! directly (the model format, metrics) where a command line would hide what they check.

pub mod algorithms;
pub mod atomic;
pub mod cli;
pub mod data;
pub mod error;
pub mod memory;
pub mod metrics;
pub mod model;
pub mod output;
pub mod panic;
pub mod postgres;
pub mod predict;
pub mod preprocess;
pub mod progress;
pub mod registry;
pub mod runtime;
pub mod score;
pub mod search;
pub mod task;
pub mod train;

// Links the statically built OpenBLAS (see .cargo/config.toml) for LAPACK users.
extern crate openblas_src;
