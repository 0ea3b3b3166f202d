//! A Python model's payload: the library's own bytes, then (tree ensembles, since pgml-cli
//! 0.2) pgml-cli's native form of the same model. Read without Python, so that `predict` can
//! use the native form in a build or an environment without it.
//!
//! The native form is appended after the postcard encoding of `Payload` rather than added as a
//! field: postcard has no optional fields, and a pgml-cli that predates it decodes `Payload`
//! ignoring what follows, so it still reads the file (through Python) and predicts the same.
//! No format version bump is needed for that reason.

use serde::{Deserialize, Serialize};

use crate::algorithms::native::ensemble::NativeForm;
use crate::algorithms::ALGORITHMS;
use crate::error::{Error, Result};
use crate::model::{Header, PythonInfo};
use crate::task::Task;

/// The library part of a Python model's payload.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq)]
pub struct Payload<'a> {
    /// skops, xgboost-ubj, lightgbm-text or catboost-cbm (with /per-target for one model per target).
    pub format: String,
    /// Classification: the class index of each of the model's classes.
    pub classes: Option<Vec<i64>>,
    /// The library's bytes, borrowed from the model file's: a prediction through the native form
    /// reads none of them (with this copy and two in `model::read` gone, a one-row predict of a
    /// 2 MB scikit-learn forest went from 7.5 to 6.2 ms). postcard
    /// writes a slice of bytes as its length then its bytes, as it did the `Vec<u8>` of
    /// earlier versions, so files read back the same.
    #[serde(borrow)]
    pub blobs: Vec<&'a [u8]>,
}

/// The payload's bytes: the library part, then the native form if there is one.
pub fn encode(payload: &Payload<'_>, native: Option<&NativeForm>) -> Result<Vec<u8>, String> {
    let mut bytes = postcard::to_stdvec(payload).map_err(|e| e.to_string())?;
    if let Some(form) = native {
        bytes.extend(postcard::to_stdvec(form).map_err(|e| e.to_string())?);
    }
    Ok(bytes)
}

/// Splits a payload into its parts; the native form, when present, must use every byte left.
pub fn decode(bytes: &[u8]) -> Result<(Payload<'_>, Option<NativeForm>), String> {
    let (payload, rest) = postcard::take_from_bytes::<Payload>(bytes)
        .map_err(|e| format!("the Python model cannot be decoded: {e}"))?;
    if rest.is_empty() {
        return Ok((payload, None));
    }
    let (form, left) = postcard::take_from_bytes::<NativeForm>(rest)
        .map_err(|e| format!("the native form cannot be decoded: {e}"))?;
    if !left.is_empty() {
        return Err(format!(
            "the native form is followed by {} stray bytes",
            left.len()
        ));
    }
    Ok((payload, Some(form)))
}

/// The header names the algorithm table's class for its algorithm and task, and the payload has
/// the format, blob count and classes that class writes: checked before Python sees a byte.
pub fn check_agreement(header: &Header, info: &PythonInfo, payload: &Payload<'_>) -> Result<()> {
    let refuse = |why: String| Err(Error::Model(why));
    let Some(algorithm) = ALGORITHMS.iter().find(|a| a.name == header.algorithm) else {
        return refuse(format!(
            "the header names an unknown algorithm '{}'",
            header.algorithm
        ));
    };
    let Some(class) = algorithm.python_class(header.task) else {
        return refuse(format!(
            "{} has no Python class for {}",
            algorithm.name, header.task
        ));
    };
    if info.class != class || info.single_target != algorithm.python_single_target {
        return refuse(format!(
            "the header names the Python class {} (single target: {}), but {} for {} is {class} (single target: {})",
            info.class, info.single_target, algorithm.name, header.task, algorithm.python_single_target
        ));
    }
    if header.feature_names.is_empty() {
        return refuse("the header names no features".into());
    }
    let targets = header.target_names.len();
    let (format, per_target) = match class.split('.').next() {
        Some("sklearn") => ("skops", false),
        Some("xgboost") => ("xgboost-ubj", false),
        Some("lightgbm") => ("lightgbm-text", true),
        _ => ("catboost-cbm", false),
    };
    let per_target =
        per_target && info.single_target && header.task == Task::Regression && targets > 1;
    let (format, blobs) = if per_target {
        (format!("{format}/per-target"), targets)
    } else {
        (format.to_string(), 1)
    };
    if payload.format != format || payload.blobs.len() != blobs {
        return refuse(format!(
            "the payload holds {} blob(s) as '{}'; {class} writes {blobs} as '{format}'",
            payload.blobs.len(),
            payload.format
        ));
    }
    let classes_agree = match (&payload.classes, header.task) {
        (Some(classes), Task::Classification) => {
            !classes.is_empty()
                && classes.windows(2).all(|w| w[0] < w[1])
                && classes
                    .iter()
                    .all(|&c| usize::try_from(c).is_ok_and(|c| c < header.classes.len()))
        }
        (None, task) => task != Task::Classification,
        _ => false,
    };
    if !classes_agree {
        return refuse(format!(
            "the payload's classes {:?} do not fit the header's {} classes",
            payload.classes,
            header.classes.len()
        ));
    }
    Ok(())
}
