//! The Python runtime: scikit-learn, xgboost, lightgbm and catboost estimators run in the
//! embedded interpreter through python/pgml_runtime.py. The estimator class comes from the
//! algorithm table; data crosses as numpy arrays (the training matrix is moved, not copied);
//! metrics are computed in Rust from what comes back, as for native models.

pub mod interpreter;

use std::collections::BTreeMap;

use ndarray::{Array2, ArrayView2};
use numpy::{IntoPyArray, PyArray1, PyArray2, PyArrayMethods, ToPyArray};
use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyModule};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::algorithms::ALGORITHMS;
use crate::data::Targets;
use crate::error::{Error, Result};
use crate::model::{Header, PythonInfo};
use crate::runtime::{Estimator, Prediction};
use crate::task::Task;
use interpreter::{error, with_python};

/// An estimator whose keyword arguments the library accepted, ready to fit.
pub struct Prepared {
    pub class: &'static str,
    single_target: bool,
    params: Map<String, Value>,
    /// `get_params()` of the built estimator, defaults included.
    pub resolved: Value,
    pub versions: BTreeMap<String, Option<String>>,
}

/// What a model file's payload holds for a Python model.
#[derive(Serialize, Deserialize)]
struct Payload {
    /// skops, xgboost-ubj, lightgbm-text or catboost-cbm (with /per-target for one model per target).
    format: String,
    /// Classification: the class index of each of the model's classes.
    classes: Option<Vec<i64>>,
    blobs: Vec<Vec<u8>>,
}

pub struct PythonModel {
    object: Py<PyAny>,
    task: Task,
    class_count: usize,
    payload: Vec<u8>,
    /// Read from a model file: a library failing to predict with it means a bad file (exit 4),
    /// where right after a fit it means a failed fit (exit 5).
    from_file: bool,
}

fn to_python<'py>(py: Python<'py>, value: &Value) -> PyResult<Bound<'py, PyAny>> {
    py.import("json")?
        .call_method1("loads", (value.to_string(),))
}

fn from_python(py: Python<'_>, object: &Bound<'_, PyAny>) -> PyResult<Value> {
    let text: String = py
        .import("json")?
        .call_method1("dumps", (object,))?
        .extract()?;
    Ok(serde_json::from_str(&text).unwrap_or(Value::Null))
}

/// Builds the estimator with the user's keyword arguments (plus `random_state` from the seed where
/// it takes one): an unknown or invalid argument is an error before any data is read.
pub fn prepare(
    class: &'static str,
    single_target: bool,
    params: &Map<String, Value>,
    seed: u64,
    multi_target: bool,
) -> Result<Prepared> {
    with_python(|py, m| {
        let built = m
            .call_method1(
                "build",
                (
                    class,
                    to_python(py, &Value::Object(params.clone()))
                        .map_err(|e| error(py, e, class))?,
                    seed,
                    multi_target,
                ),
            )
            .map_err(|e| error(py, e, class))?;
        let resolved = m
            .call_method1("resolved", (built,))
            .and_then(|r| from_python(py, &r))
            .map_err(|e| error(py, e, class))?;
        let versions = versions_by(py, m, "loaded_versions")?;
        Ok(Prepared {
            class,
            single_target,
            params: params.clone(),
            resolved,
            versions,
        })
    })
}

/// Package versions from the module's `versions` (installed) or `loaded_versions` (imported).
fn versions_by(
    py: Python<'_>,
    m: &Bound<'_, PyModule>,
    function: &str,
) -> Result<BTreeMap<String, Option<String>>> {
    let found = m
        .call_method0(function)
        .and_then(|v| from_python(py, &v))
        .map_err(|e| error(py, e, "versions"))?;
    Ok(serde_json::from_value(found).unwrap_or_default())
}

/// The Python packages the runtime finds, with versions (None: not installed).
pub fn versions() -> Result<BTreeMap<String, Option<String>>> {
    with_python(|py, m| versions_by(py, m, "versions"))
}

impl Prepared {
    /// The header's record of who fitted it.
    pub fn info(&self) -> PythonInfo {
        PythonInfo {
            class: self.class.to_string(),
            single_target: self.single_target,
            versions: self.versions.clone(),
        }
    }

    /// The library that fits it, and its version, for the header's `backend`.
    pub fn backend(&self) -> (String, String) {
        let package = match self.class.split('.').next() {
            Some("sklearn") => "scikit-learn",
            Some(other) => other,
            None => "python",
        };
        let version = self
            .versions
            .get(package)
            .cloned()
            .flatten()
            .unwrap_or_else(|| "unknown".into());
        (package.to_string(), version)
    }

    /// Fits, saves and reloads: the returned model is the one the file will hold.
    pub fn fit(&self, task: Task, x: Array2<f64>, y: &Targets, seed: u64) -> Result<PythonModel> {
        self.fit_keeping_live(task, x, y, seed)
            .map(|(reloaded, _)| reloaded)
    }

    /// Fits without saving: the live estimator, for scoring a cross-validation fold (its model
    /// is never written, so the save and reload that `fit` checks are not needed).
    pub fn fit_for_scoring(
        &self,
        task: Task,
        x: Array2<f64>,
        y: &Targets,
        seed: u64,
    ) -> Result<PythonModel> {
        let class_count = y.labels().len();
        with_python(|py, m| {
            let fitted = self.fit_in(py, m, task, x, y, seed)?;
            Ok(PythonModel {
                object: fitted.unbind(),
                task,
                class_count,
                payload: Vec::new(),
                from_file: false,
            })
        })
    }

    /// The estimator fitted by the wrapper module `m`.
    fn fit_in<'py>(
        &self,
        py: Python<'py>,
        m: &Bound<'py, PyModule>,
        task: Task,
        x: Array2<f64>,
        y: &Targets,
        seed: u64,
    ) -> Result<Bound<'py, PyAny>> {
        let fail = |e| error(py, e, &format!("fitting {}", self.class));
        let x = x.into_pyarray(py);
        let y: Bound<'_, PyAny> = match y {
            Targets::Values(v) => v.clone().into_pyarray(py).into_any(),
            Targets::Classes { y, .. } => y.mapv(|c| c as i64).into_pyarray(py).into_any(),
            Targets::None => py.None().into_bound(py),
        };
        let params = to_python(py, &Value::Object(self.params.clone())).map_err(fail)?;
        m.call_method1(
            "fit",
            (
                self.class,
                params,
                seed,
                task.name(),
                x,
                y,
                self.single_target,
            ),
        )
        .map_err(fail)
    }

    /// `fit`, also returning the live estimator the file was written from (the round-trip test
    /// compares the two).
    pub fn fit_keeping_live(
        &self,
        task: Task,
        x: Array2<f64>,
        y: &Targets,
        seed: u64,
    ) -> Result<(PythonModel, PythonModel)> {
        let class_count = y.labels().len();
        let shape = Shape {
            features: x.ncols(),
            targets: match y {
                Targets::Values(v) => v.ncols(),
                _ => 1,
            },
            single_target: self.single_target,
            from_file: false,
        };
        with_python(|py, m| {
            let fail = |e| error(py, e, &format!("fitting {}", self.class));
            let fitted = self.fit_in(py, m, task, x, y, seed)?;
            let (format, blobs): (String, Vec<Vec<u8>>) = m
                .call_method1("save", (&fitted,))
                .and_then(|s| s.extract())
                .map_err(|e| error(py, e, "saving the model"))?;
            let classes = fitted.getattr("classes").map_err(fail)?;
            let classes: Option<Vec<i64>> = if classes.is_none() {
                None
            } else {
                Some(
                    classes
                        .call_method0("tolist")
                        .and_then(|c| c.extract())
                        .map_err(fail)?,
                )
            };
            let payload = Payload {
                format,
                classes,
                blobs,
            };
            let object = load_in(py, m, self.class, task, &payload, &shape)?;
            let payload = postcard::to_stdvec(&payload)
                .map_err(|e| Error::fit(format!("cannot encode the model: {e}")))?;
            let live = PythonModel {
                object: fitted.unbind(),
                task,
                class_count,
                payload: payload.clone(),
                from_file: false,
            };
            Ok((
                PythonModel {
                    object,
                    task,
                    class_count,
                    payload,
                    from_file: false,
                },
                live,
            ))
        })
    }
}

/// What the payload must hold besides the class (the loader checks it against the estimator),
/// and whether it comes from a file rather than the fit just done.
struct Shape {
    features: usize,
    targets: usize,
    single_target: bool,
    from_file: bool,
}

fn load_in(
    py: Python<'_>,
    m: &Bound<'_, PyModule>,
    class: &str,
    task: Task,
    payload: &Payload,
    shape: &Shape,
) -> Result<Py<PyAny>> {
    let blobs: Vec<Bound<'_, PyBytes>> =
        payload.blobs.iter().map(|b| PyBytes::new(py, b)).collect();
    m.call_method1(
        "load",
        (
            class,
            task.name(),
            &payload.format,
            blobs,
            payload.classes.clone(),
            shape.features,
            shape.targets,
            shape.single_target,
            shape.from_file,
        ),
    )
    .map(Bound::unbind)
    .map_err(|e| error(py, e, "loading the model"))
}

/// The header names the algorithm table's class for its algorithm and task, and the payload has
/// the format, blob count and classes that class writes: checked before Python sees a byte.
fn check_agreement(header: &Header, info: &PythonInfo, payload: &Payload) -> Result<()> {
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

/// Rebuilds a model from its file, warning once per package whose version differs from the writer's.
pub fn load(header: &Header, bytes: &[u8]) -> Result<PythonModel> {
    let info = header
        .python
        .as_ref()
        .ok_or_else(|| Error::Model("the header does not name the Python class".into()))?;
    let payload: Payload = postcard::from_bytes(bytes)
        .map_err(|e| Error::Model(format!("the Python model cannot be decoded: {e}")))?;
    check_agreement(header, info, &payload)?;
    let shape = Shape {
        features: header.feature_names.len(),
        targets: header.target_names.len().max(1),
        single_target: info.single_target,
        from_file: true,
    };
    let object = with_python(|py, m| {
        let object = load_in(py, m, &info.class, header.task, &payload, &shape)?;
        let now = versions_by(py, m, "loaded_versions")?;
        for (package, written) in &info.versions {
            let current = now.get(package).cloned().flatten();
            if let (Some(written), Some(current)) = (written, &current) {
                if written != current {
                    crate::error::warn(format!("the model was written with {package} {written}; this environment has {current}"));
                }
            }
        }
        Ok(object)
    })?;
    Ok(PythonModel {
        object,
        task: header.task,
        class_count: header.classes.len(),
        payload: bytes.to_vec(),
        from_file: true,
    })
}

impl PythonModel {
    fn failure(&self, error: Error) -> Error {
        match error {
            Error::Fit(why) if self.from_file => {
                Error::Model(format!("the model cannot predict these rows ({why})"))
            }
            other => other,
        }
    }
}

impl Estimator for PythonModel {
    fn predict(&self, x: ArrayView2<f64>) -> Result<Prediction> {
        with_python(|py, _| {
            let fail = |e| self.failure(error(py, e, "predicting"));
            let out = self
                .object
                .bind(py)
                .call_method1("predict", (x.to_pyarray(py),))
                .map_err(fail)?;
            Ok(match self.task {
                Task::Regression | Task::Decomposition => Prediction::Values(
                    out.cast::<PyArray2<f64>>()
                        .map_err(|e| fail(e.into()))?
                        .to_owned_array(),
                ),
                Task::Classification => {
                    let classes = out
                        .cast::<PyArray1<i64>>()
                        .map_err(|e| fail(e.into()))?
                        .to_owned_array();
                    Prediction::Classes(classes.iter().map(|&c| c as usize).collect())
                }
                Task::Clustering => Prediction::Clusters(
                    out.cast::<PyArray1<i64>>()
                        .map_err(|e| fail(e.into()))?
                        .to_owned_array()
                        .to_vec(),
                ),
            })
        })
    }

    fn predict_proba(&self, x: ArrayView2<f64>) -> Result<Option<Array2<f64>>> {
        with_python(|py, _| {
            let fail = |e| self.failure(error(py, e, "predicting probabilities"));
            let out = self
                .object
                .bind(py)
                .call_method1("predict_proba", (x.to_pyarray(py),))
                .map_err(fail)?;
            if out.is_none() {
                return Ok(None);
            }
            let (proba, classes): (Bound<'_, PyArray2<f64>>, Bound<'_, PyArray1<i64>>) =
                out.extract().map_err(fail)?;
            let (proba, classes) = (proba.to_owned_array(), classes.to_owned_array());
            let mut all = Array2::zeros((proba.nrows(), self.class_count));
            for (column, &class) in classes.iter().enumerate() {
                all.column_mut(class as usize).assign(&proba.column(column));
            }
            Ok(Some(all))
        })
    }

    fn payload(&self) -> Result<Vec<u8>> {
        Ok(self.payload.clone())
    }
}
