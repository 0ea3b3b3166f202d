//! NumPy `.npy` arrays: a 2-D feature matrix, plus a 1-D or 2-D labels array for training.
//! Any integer, float or boolean dtype is accepted and read as f64 (booleans as 1/0).

use std::io::{Cursor, Read};
use std::path::Path;

use ndarray::{Array, Array2, Axis, Dimension, Ix1, Ix2};
use ndarray_npy::{ReadNpyError, ReadNpyExt, ReadableElement};

use super::csv::open_input;
use super::RawTargets;
use crate::error::{Error, Result};

/// Feature names for NPY data, whose columns have none: x0, x1, ...
pub fn feature_names(count: usize) -> Vec<String> {
    (0..count).map(|i| format!("x{i}")).collect()
}

pub fn is_npy(path: &Path) -> bool {
    path.extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("npy"))
}

/// The features matrix of `path` (`-` = stdin).
pub fn read_features(path: &Path) -> Result<(String, Array2<f64>)> {
    let (source, bytes) = read_bytes(path)?;
    let x = read_as_f64::<Ix2>(&bytes).map_err(|e| npy_error(&source, e))?;
    if x.ncols() == 0 {
        return Err(Error::data(&source, "has no feature columns"));
    }
    if let Some(((i, j), _)) = x.indexed_iter().find(|(_, v)| !v.is_finite()) {
        return Err(Error::data(
            &source,
            format!("row {}, column {}: not a finite number", i + 1, j + 1),
        ));
    }
    Ok((source, x))
}

/// Labels as raw cells (one `Vec` per target column) so the task decides how to encode them.
pub fn read_labels(path: &Path, rows: usize) -> Result<(String, RawTargets)> {
    let (source, bytes) = read_bytes(path)?;
    let labels = match read_as_f64::<Ix1>(&bytes) {
        Ok(column) => column.insert_axis(Axis(1)),
        Err(ReadNpyError::WrongNdim(..)) => {
            read_as_f64::<Ix2>(&bytes).map_err(|e| npy_error(&source, e))?
        }
        Err(e) => return Err(npy_error(&source, e)),
    };
    if labels.nrows() != rows {
        return Err(Error::data(
            &source,
            format!("has {} labels for {rows} feature rows", labels.nrows()),
        ));
    }
    let raw = labels
        .columns()
        .into_iter()
        .map(|c| c.iter().map(f64::to_string).collect())
        .collect();
    Ok((source, raw))
}

fn read_bytes(path: &Path) -> Result<(String, Vec<u8>)> {
    let (source, mut input) = open_input(path)?;
    let mut bytes = Vec::new();
    input
        .read_to_end(&mut bytes)
        .map_err(|e| Error::io(&source, e))?;
    Ok((source, bytes))
}

/// A dtype pgml-cli accepts.
trait Cell: ReadableElement + Copy {
    fn to_f64(self) -> f64;
}

macro_rules! numeric_cells {
    ($($t:ty),*) => {$(impl Cell for $t { fn to_f64(self) -> f64 { self as f64 } })*};
}
numeric_cells!(f64, f32, i64, i32, i16, i8, u64, u32, u16, u8);

impl Cell for bool {
    fn to_f64(self) -> f64 {
        f64::from(u8::from(self))
    }
}

/// Reads the array as whichever supported dtype its header names.
fn read_as_f64<D: Dimension>(bytes: &[u8]) -> std::result::Result<Array<f64, D>, ReadNpyError> {
    fn attempt<T: Cell, D: Dimension>(
        bytes: &[u8],
    ) -> Option<std::result::Result<Array<f64, D>, ReadNpyError>> {
        match Array::<T, D>::read_npy(Cursor::new(bytes)) {
            Err(ReadNpyError::WrongDescriptor(_)) => None,
            other => Some(other.map(|a| a.mapv(Cell::to_f64))),
        }
    }
    attempt::<f64, D>(bytes)
        .or_else(|| attempt::<f32, D>(bytes))
        .or_else(|| attempt::<i64, D>(bytes))
        .or_else(|| attempt::<i32, D>(bytes))
        .or_else(|| attempt::<i16, D>(bytes))
        .or_else(|| attempt::<i8, D>(bytes))
        .or_else(|| attempt::<u64, D>(bytes))
        .or_else(|| attempt::<u32, D>(bytes))
        .or_else(|| attempt::<u16, D>(bytes))
        .or_else(|| attempt::<u8, D>(bytes))
        .or_else(|| attempt::<bool, D>(bytes))
        // No dtype matched: read as f64 once more for the error that names the file's dtype.
        .unwrap_or_else(|| Array::<f64, D>::read_npy(Cursor::new(bytes)))
}

fn npy_error(source: &str, err: ReadNpyError) -> Error {
    match err {
        ReadNpyError::WrongNdim(expected, actual) => Error::data(
            source,
            format!(
                "is a {actual}-D array, expected {}-D",
                expected.map_or("?".into(), |e| e.to_string())
            ),
        ),
        ReadNpyError::WrongDescriptor(d) => {
            Error::data(source, format!("has an unsupported dtype {d}"))
        }
        ReadNpyError::MissingData => {
            Error::data(source, "is truncated (fewer values than its header says)")
        }
        ReadNpyError::ParseHeader(_) => Error::data(source, "is not a NumPy .npy file"),
        ReadNpyError::Io(e) => Error::data(source, format!("cannot be read as .npy: {e}")),
        other => Error::data(source, format!("cannot be read as .npy: {other}")),
    }
}
