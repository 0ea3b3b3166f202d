//! The Python runtime: scikit-learn, xgboost, lightgbm and catboost estimators run in the
//! embedded interpreter through python/pgml_runtime.py. The estimator class comes from the
//! algorithm table; data crosses as numpy arrays (the training matrix is moved, not copied);
//! metrics are computed in Rust from what comes back, as for native models.

pub mod interpreter;

use std::collections::BTreeMap;

use ndarray::{Array2, ArrayView2};
use numpy::{
    IntoPyArray, PyArray1, PyArray2, PyArrayMethods, PyReadonlyArray1, PyReadonlyArray2, ToPyArray,
};
use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyModule};
use serde_json::{Map, Value};

use crate::algorithms::library::{self, Payload};
use crate::algorithms::native::ensemble::{self, NativeForm, NativeTrees};
use crate::data::Targets;
use crate::error::{Error, Result};
use crate::model::{Header, NativeStatus, PythonInfo};
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
    /// The Dask scheduler to fit on (`--cluster`), else this process.
    cluster: Option<String>,
}

pub struct PythonModel {
    object: Py<PyAny>,
    task: Task,
    class_count: usize,
    payload: Vec<u8>,
    /// Right after a fit of a tree ensemble: whether the payload carries the native form.
    native: Option<NativeStatus>,
    /// Read from a model file: a library failing to predict with it means a bad file (exit 4),
    /// where right after a fit it means a failed fit (exit 5).
    from_file: bool,
}

impl Drop for PythonModel {
    /// The library's object is freed with the GIL held and stdout pointed at stderr, as while it
    /// ran: xgboost at verbosity 3 prints its monitor when a booster is freed, which landed on
    /// stdout ahead of a `--format json` report.
    fn drop(&mut self) {
        let _ = with_python(|py, _| {
            drop(std::mem::replace(&mut self.object, py.None()));
            Ok(())
        });
    }
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
            cluster: None,
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

/// The estimator classes `train --cluster` can fit on a Dask cluster.
pub fn cluster_classes() -> Result<Vec<String>> {
    with_python(|py, m| {
        m.call_method0("cluster_classes")
            .and_then(|c| c.extract())
            .map_err(|e| error(py, e, "cluster_classes"))
    })
}

/// The Python packages the runtime finds, with versions (None: not installed).
pub fn versions() -> Result<BTreeMap<String, Option<String>>> {
    with_python(|py, m| versions_by(py, m, "versions"))
}

impl Prepared {
    /// Fits on the Dask cluster whose scheduler is at `address`: refused here, before any data
    /// is read, for a class or a target count the cluster cannot train.
    pub fn on_cluster(&mut self, address: &str, targets: usize) -> Result<()> {
        with_python(|py, m| {
            m.call_method1("check_cluster", (self.class, targets > 1))
                .map(drop)
                .map_err(|e| error(py, e, self.class))
        })?;
        self.cluster = Some(address.to_string());
        Ok(())
    }

    /// The header's record of who fitted it.
    pub fn info(&self) -> PythonInfo {
        PythonInfo {
            class: self.class.to_string(),
            single_target: self.single_target,
            versions: self.versions.clone(),
            native: None,
            cluster: self.cluster.clone(),
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

    /// Fits, saves and reloads: the returned model is the one the file will hold. A tree
    /// ensemble also gets its native form, verified on the train rows and `held_out`.
    pub fn fit(
        &self,
        task: Task,
        x: Array2<f64>,
        y: &Targets,
        seed: u64,
        held_out: ArrayView2<f64>,
    ) -> Result<PythonModel> {
        self.fit_keeping_live(task, x, y, seed, held_out)
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
                native: None,
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
        self.fit_in_keeping_x(py, m, task, x, y, seed)
            .map(|(fitted, _)| fitted)
    }

    /// `fit_in`, also returning the matrix as numpy holds it (for verifying the native form).
    fn fit_in_keeping_x<'py>(
        &self,
        py: Python<'py>,
        m: &Bound<'py, PyModule>,
        task: Task,
        x: Array2<f64>,
        y: &Targets,
        seed: u64,
    ) -> Result<(Bound<'py, PyAny>, Bound<'py, PyArray2<f64>>)> {
        let fail = |e| error(py, e, &format!("fitting {}", self.class));
        let x = x.into_pyarray(py);
        let y: Bound<'_, PyAny> = match y {
            Targets::Values(v) => v.clone().into_pyarray(py).into_any(),
            Targets::Classes { y, .. } => y.mapv(|c| c as i64).into_pyarray(py).into_any(),
            Targets::None => py.None().into_bound(py),
        };
        let params = to_python(py, &Value::Object(self.params.clone())).map_err(fail)?;
        let fitted = m
            .call_method1(
                "fit",
                (
                    self.class,
                    params,
                    seed,
                    task.name(),
                    &x,
                    y,
                    self.single_target,
                    self.cluster.as_deref(),
                ),
            )
            .map_err(fail)?;
        Ok((fitted, x))
    }

    /// `fit`, also returning the live estimator the file was written from (the round-trip test
    /// compares the two).
    pub fn fit_keeping_live(
        &self,
        task: Task,
        x: Array2<f64>,
        y: &Targets,
        seed: u64,
        held_out: ArrayView2<f64>,
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
            let (fitted, x) = self.fit_in_keeping_x(py, m, task, x, y, seed)?;
            let train = x.readonly();
            self.finish(
                py,
                m,
                &fitted,
                task,
                class_count,
                &shape,
                [train.as_array(), held_out.reborrow()],
            )
        })
    }

    /// Saves and reloads the model just fitted, and gives it its native form verified on
    /// `verify_on`: the reloaded model (the one the file holds) and the live one.
    #[allow(clippy::too_many_arguments)]
    fn finish(
        &self,
        py: Python<'_>,
        m: &Bound<'_, PyModule>,
        fitted: &Bound<'_, PyAny>,
        task: Task,
        class_count: usize,
        shape: &Shape,
        verify_on: [ArrayView2<f64>; 2],
    ) -> Result<(PythonModel, PythonModel)> {
        let fail = |e| error(py, e, &format!("fitting {}", self.class));
        let (format, blobs): (String, Vec<Vec<u8>>) = m
            .call_method1("save", (fitted,))
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
            blobs: blobs.iter().map(Vec::as_slice).collect(),
        };
        let object = load_in(py, m, self.class, task, &payload, shape)?;
        let mut reloaded = PythonModel {
            object,
            task,
            class_count,
            payload: Vec::new(),
            native: None,
            from_file: false,
        };
        let (form, status) = native_form(py, m, fitted, &reloaded, &payload, shape, verify_on)?;
        let payload = library::encode(&payload, form.as_ref())
            .map_err(|e| Error::fit(format!("cannot encode the model: {e}")))?;
        reloaded.payload = payload.clone();
        reloaded.native = status.clone();
        let live = PythonModel {
            object: fitted.clone().unbind(),
            task,
            class_count,
            payload,
            native: status,
            from_file: false,
        };
        Ok((reloaded, live))
    }

    /// The distinct cells of the `target` column the cluster's workers read from `source`
    /// (`train --workers-read`), as label text; more than `limit` are refused.
    pub fn cluster_labels(
        &self,
        source: &Value,
        target: &str,
        limit: usize,
    ) -> Result<Vec<String>> {
        let Some(cluster) = self.cluster.as_deref() else {
            return Err(Error::usage("--workers-read needs --cluster"));
        };
        with_python(|py, m| {
            let fail = |e| error(py, e, "reading the classes on the workers");
            m.call_method1(
                "cluster_labels",
                (
                    cluster,
                    self.class,
                    to_python(py, source).map_err(fail)?,
                    target,
                    limit,
                ),
            )
            .and_then(|labels| labels.extract())
            .map_err(fail)
        })
    }

    /// Fits on the Dask cluster with the rows its workers read from `source` themselves
    /// (`train --workers-read`), described by `job` (see `fit_on_workers` in the wrapper
    /// module); the held-out rows are predicted there too. The model's native form is verified
    /// on `sample`, rows this process read from the same source.
    pub fn fit_on_workers(
        &self,
        task: Task,
        source: &Value,
        job: &Value,
        class_count: usize,
        seed: u64,
        sample: ArrayView2<f64>,
    ) -> Result<(PythonModel, WorkersFit)> {
        let Some(cluster) = self.cluster.as_deref() else {
            return Err(Error::usage("--workers-read needs --cluster"));
        };
        let shape = Shape {
            features: sample.ncols(),
            targets: 1,
            single_target: self.single_target,
            from_file: false,
        };
        with_python(|py, m| {
            let fail = |e| error(py, e, &format!("fitting {}", self.class));
            let params = to_python(py, &Value::Object(self.params.clone())).map_err(fail)?;
            let (fitted, result): (Bound<'_, PyAny>, Bound<'_, PyAny>) = m
                .call_method1(
                    "fit_on_workers",
                    (
                        self.class,
                        params,
                        seed,
                        task.name(),
                        cluster,
                        to_python(py, source).map_err(fail)?,
                        to_python(py, job).map_err(fail)?,
                    ),
                )
                .and_then(|r| r.extract())
                .map_err(fail)?;
            let item = |key: &str| result.get_item(key).map_err(fail);
            let floats = |key: &str| -> Result<Option<Vec<f64>>> {
                let value = item(key)?;
                if value.is_none() {
                    return Ok(None);
                }
                let array: PyReadonlyArray1<f64> = value.extract().map_err(fail)?;
                Ok(Some(array.as_array().to_vec()))
            };
            let proba = item("proba")?;
            let proba = if proba.is_none() {
                None
            } else {
                let array: PyReadonlyArray2<f64> = proba.extract().map_err(fail)?;
                Some(array.as_array().to_owned())
            };
            let fit = WorkersFit {
                rows_read: item("rows_read")?.extract().map_err(fail)?,
                left_out: item("left_out")?.extract().map_err(fail)?,
                train_rows: item("train_rows")?.extract().map_err(fail)?,
                y_test: floats("y_test")?.unwrap_or_default(),
                predicted: floats("predicted")?,
                proba,
                fingerprint: item("fingerprint")?.extract().map_err(fail)?,
            };
            let empty = Array2::<f64>::zeros((0, sample.ncols()));
            let (reloaded, _) = self.finish(
                py,
                m,
                &fitted,
                task,
                class_count,
                &shape,
                [sample.reborrow(), empty.view()],
            )?;
            Ok((reloaded, fit))
        })
    }
}

/// What a fit on the workers' own reads gives besides the model (`Prepared::fit_on_workers`).
pub struct WorkersFit {
    /// Rows the workers read, rows left out for a missing target, rows trained on.
    pub rows_read: usize,
    pub left_out: usize,
    pub train_rows: usize,
    /// The held-out rows' targets (class indices for classification), and the model's
    /// predictions and class probabilities for them, computed on the cluster.
    pub y_test: Vec<f64>,
    pub predicted: Option<Vec<f64>>,
    pub proba: Option<Array2<f64>>,
    /// `sha256:` of the partitions' digests, in order.
    pub fingerprint: String,
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
    payload: &Payload<'_>,
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

/// Rebuilds a model from its file (`payload`, decoded from `bytes` and checked against the
/// header by `library::check`), warning once per package whose version differs from the writer's.
pub fn load(header: &Header, payload: &Payload<'_>, bytes: &[u8]) -> Result<PythonModel> {
    let info = header
        .python
        .as_ref()
        .ok_or_else(|| Error::Model("the header does not name the Python class".into()))?;
    let shape = Shape {
        features: header.feature_names.len(),
        targets: header.target_names.len().max(1),
        single_target: info.single_target,
        from_file: true,
    };
    let object = with_python(|py, m| {
        let object = load_in(py, m, &info.class, header.task, payload, &shape)?;
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
        native: None,
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

impl PythonModel {
    fn predict_in(&self, py: Python<'_>, x: ArrayView2<f64>) -> Result<Prediction> {
        {
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
        }
    }

    fn predict_proba_in(&self, py: Python<'_>, x: ArrayView2<f64>) -> Result<Option<Array2<f64>>> {
        {
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
        }
    }
}

impl Estimator for PythonModel {
    fn predict(&self, x: ArrayView2<f64>) -> Result<Prediction> {
        with_python(|py, _| self.predict_in(py, x))
    }

    fn predict_proba(&self, x: ArrayView2<f64>) -> Result<Option<Array2<f64>>> {
        with_python(|py, _| self.predict_proba_in(py, x))
    }

    fn payload(&self) -> Result<Vec<u8>> {
        Ok(self.payload.clone())
    }

    fn native_status(&self) -> Option<NativeStatus> {
        self.native.clone()
    }
}

/// The native form of a fitted tree ensemble (none for other models), kept only when its
/// predictions (and probabilities) equal the reloaded library model's on every row of `rows`
/// (the train and test rows); the status says what it holds, or why the model has none.
fn native_form(
    py: Python<'_>,
    m: &Bound<'_, PyModule>,
    fitted: &Bound<'_, PyAny>,
    library: &PythonModel,
    payload: &Payload<'_>,
    shape: &Shape,
    rows: [ArrayView2<f64>; 2],
) -> Result<(Option<NativeForm>, Option<NativeStatus>)> {
    let without = |note: String| Ok((None, Some(NativeStatus { form: None, note })));
    let converted = match m.call_method1("native_trees", (fitted,)) {
        Ok(converted) if converted.is_none() => return Ok((None, None)),
        Ok(converted) => converted,
        Err(e) => {
            return without(format!(
                "the conversion failed: {}",
                error(py, e, "converting")
            ))
        }
    };
    if let Ok(why) = converted.extract::<String>() {
        return without(why);
    }
    let form = match ensemble_from(&converted) {
        Ok(ensemble) => NativeForm::Trees(ensemble),
        Err(why) => return without(format!("the converted trees are unusable: {why}")),
    };
    let classes = payload
        .classes
        .iter()
        .flatten()
        .map(|&c| usize::try_from(c).unwrap_or(usize::MAX))
        .collect();
    let native = match NativeTrees::new(
        form.clone(),
        library.task,
        shape.features,
        shape.targets,
        classes,
        library.class_count,
    ) {
        Ok(native) => native,
        Err(why) => return without(format!("the converted trees are unusable: they {why}")),
    };
    let mut largest: f64 = 0.0;
    let mut checked = 0;
    for x in rows.iter().filter(|x| x.nrows() > 0) {
        match differences(py, &native, library, *x)? {
            Ok(d) => largest = largest.max(d),
            Err(why) => {
                return without(format!(
                    "the converted trees do not predict as the library does: {why}"
                ))
            }
        }
        checked += x.nrows();
    }
    let NativeForm::Trees(ensemble) = &form;
    let note = format!(
        "{} trees; predictions equal the library's on {checked} train and test rows (largest relative difference {largest:.1e})",
        ensemble.trees.len()
    );
    Ok((
        Some(form),
        Some(NativeStatus {
            form: Some("trees".into()),
            note,
        }),
    ))
}

/// Native against library predictions on `x`: the largest relative difference, or why they
/// differ (another class, or a difference over 1e-6 relative and 1e-9 absolute). Failing to
/// predict (Ctrl-C, the library's error) is an error of the fit, not a reason. Values are
/// relative to themselves; probabilities to their row's largest, since they share one scale:
/// xgboost computes them in float32, and `1 - p` of a p near 1 keeps only p's absolute
/// precision (a few float32 ulps, ~1e-7), which is no relative precision near zero.
fn differences(
    py: Python<'_>,
    native: &NativeTrees,
    library: &PythonModel,
    x: ArrayView2<f64>,
) -> Result<std::result::Result<f64, String>> {
    let mut largest: f64 = 0.0;
    let mut compare = |a: &Array2<f64>, b: &Array2<f64>, per_row: bool| {
        if a.dim() != b.dim() {
            return Err(format!(
                "{:?} outputs against the library's {:?}",
                a.dim(),
                b.dim()
            ));
        }
        for (row, (a, b)) in a.rows().into_iter().zip(b.rows()).enumerate() {
            let scale = a
                .iter()
                .chain(b.iter())
                .fold(0.0_f64, |m, v| m.max(v.abs()));
            for (&a, &b) in a.iter().zip(b.iter()) {
                let gap = (a - b).abs();
                if gap <= 1e-9 {
                    continue;
                }
                let relative = gap / if per_row { scale } else { a.abs().max(b.abs()) };
                if relative.is_nan() || relative > 1e-6 {
                    return Err(format!(
                        "row {} gives {a} where the library gives {b}",
                        row + 1
                    ));
                }
                largest = largest.max(relative);
            }
        }
        Ok(())
    };
    let outputs = (native.predict(x)?, library.predict_in(py, x)?);
    let probabilities = (native.predict_proba(x)?, library.predict_proba_in(py, x)?);
    let differ = |why: String| Ok(Err(why));
    match outputs {
        (Prediction::Values(a), Prediction::Values(b)) => {
            if let Err(why) = compare(&a, &b, false) {
                return differ(why);
            }
        }
        (Prediction::Classes(a), Prediction::Classes(b)) => {
            if let Some(row) = a.iter().zip(&b).position(|(a, b)| a != b) {
                return differ(format!("row {} is predicted as another class", row + 1));
            }
        }
        _ => return differ("the predictions are of another kind".into()),
    }
    match probabilities {
        (Some(a), Some(b)) => {
            if let Err(why) = compare(&a, &b, true) {
                return differ(why);
            }
        }
        (None, None) => {}
        _ => return differ("one of them gives no probabilities".into()),
    }
    Ok(Ok(largest))
}

/// An `Ensemble` from `native_trees`' dict of numbers and flat numpy arrays (exact: no text).
fn ensemble_from(dict: &Bound<'_, PyAny>) -> std::result::Result<ensemble::Ensemble, String> {
    use ensemble::{Combine, Compare, Ensemble, Link, Missing, Node, Precision, Tree};
    let get = |key: &str| dict.get_item(key).map_err(|e| format!("{key}: {e}"));
    let text = |key: &str| -> std::result::Result<String, String> {
        get(key)?.extract().map_err(|e| format!("{key}: {e}"))
    };
    let count = |key: &str| -> std::result::Result<u32, String> {
        get(key)?.extract().map_err(|e| format!("{key}: {e}"))
    };
    let ints = |key: &str| -> std::result::Result<Vec<i64>, String> {
        let array = get(key)?;
        let array = array
            .cast::<PyArray1<i64>>()
            .map_err(|e| format!("{key}: {e}"))?;
        Ok(array.to_owned_array().to_vec())
    };
    let floats = |key: &str| -> std::result::Result<Vec<f64>, String> {
        let array = get(key)?;
        let array = array
            .cast::<PyArray1<f64>>()
            .map_err(|e| format!("{key}: {e}"))?;
        Ok(array.to_owned_array().to_vec())
    };
    let compare = match text("compare")?.as_str() {
        "<f32" => Compare::LessF32,
        "<=f32" => Compare::LessEqualCastF32,
        "<=" => Compare::LessEqual,
        other => return Err(format!("unknown comparison {other}")),
    };
    let precision = match text("precision")?.as_str() {
        "f32" => Precision::F32,
        _ => Precision::F64,
    };
    let combine = match text("combine")?.as_str() {
        "sum" => Combine::Sum,
        _ => Combine::Average,
    };
    let link = match text("link")?.as_str() {
        "identity" => Link::Identity,
        "sigmoid" => Link::Sigmoid,
        "softmax" => Link::Softmax,
        other => return Err(format!("unknown link {other}")),
    };
    let width = count("leaf_width")? as usize;
    let (sizes, outputs) = (ints("tree_nodes")?, ints("tree_output")?);
    let (left, right, feature) = (ints("left")?, ints("right")?, ints("feature")?);
    let (missing, default_left) = (ints("missing")?, ints("default_left")?);
    let (threshold, value) = (floats("threshold")?, floats("value")?);
    let total = left.len();
    if [
        right.len(),
        feature.len(),
        missing.len(),
        default_left.len(),
        threshold.len(),
    ]
    .iter()
    .any(|&n| n != total)
        || value.len() != total.saturating_mul(width)
        || sizes.len() != outputs.len()
        || sizes.iter().any(|&n| n < 0)
        || sizes.iter().map(|&n| n as usize).sum::<usize>() != total
    {
        return Err("arrays of different lengths".into());
    }
    let index = |v: i64| u32::try_from(v).map_err(|_| format!("index {v} out of range"));
    let mut trees = Vec::with_capacity(sizes.len());
    let mut start = 0;
    for (&size, &output) in sizes.iter().zip(&outputs) {
        let end = start + size as usize;
        let mut tree = Tree {
            output: index(output)?,
            nodes: Vec::with_capacity(end - start),
            leaves: Vec::new(),
        };
        for i in start..end {
            if left[i] < 0 {
                tree.nodes.push(Node::Leaf(index(
                    (tree.leaves.len() / width.max(1)) as i64,
                )?));
                tree.leaves.extend(&value[i * width..(i + 1) * width]);
            } else {
                tree.nodes.push(Node::Split {
                    feature: index(feature[i])?,
                    threshold: threshold[i],
                    left: index(left[i])?,
                    right: index(right[i])?,
                    missing: match missing[i] {
                        0 => Missing::Nan,
                        1 => Missing::ZeroOrNan,
                        _ => Missing::AsZero,
                    },
                    default_left: default_left[i] != 0,
                });
            }
        }
        trees.push(tree);
        start = end;
    }
    Ok(Ensemble {
        features: count("features")?,
        outputs: count("outputs")?,
        leaf_width: width as u32,
        compare,
        precision,
        combine,
        base: floats("base")?,
        link,
        trees,
    })
}
