//! What train and predict see of a model, whichever runtime holds it: a `Plan` (validated before
//! any data is read) fits an `Estimator`; `load` rebuilds one from a model file.

use ndarray::{Array2, ArrayView2, CowArray, Ix2};
use serde_json::{Map, Value};

use crate::algorithms::library;
use crate::algorithms::native::ensemble::NativeTrees;
use crate::algorithms::native::{Expected, Native, NativeModel};
use crate::algorithms::params::Params;
#[cfg(feature = "python")]
use crate::algorithms::python;
use crate::algorithms::{Choice, Runtime};
use crate::data::Targets;
use crate::error::{Error, Result};
use crate::model::{Backend, Header, PythonInfo};
use crate::task::Task;

/// A model's output for a batch of rows.
#[derive(Debug, Clone, PartialEq)]
pub enum Prediction {
    /// Regression (one column per target) and decomposition (one column per component).
    Values(Array2<f64>),
    /// Classification: indices into the model's class labels.
    Classes(Vec<usize>),
    /// Clustering: cluster numbers from 0; -1 is noise.
    Clusters(Vec<i64>),
}

/// A fitted model: both runtimes implement it, so train and predict never ask which one they hold.
pub trait Estimator {
    fn predict(&self, x: ArrayView2<f64>) -> Result<Prediction>;
    /// Class probabilities, one column per class label; `None` for models without them.
    fn predict_proba(&self, x: ArrayView2<f64>) -> Result<Option<Array2<f64>>>;
    /// The bytes stored in the model file.
    fn payload(&self) -> Result<Vec<u8>>;
    /// A Python tree ensemble right after its fit: whether it got its native form, or why not.
    fn native_status(&self) -> Option<crate::model::NativeStatus> {
        None
    }
}

/// A Dask scheduler's address (`tcp://host:8786`), and whether the user asked for it.
#[derive(Debug, Clone)]
pub struct Cluster {
    pub address: String,
    /// `--cluster`: the fit must run there. From `DASK_SCHEDULER_ADDRESS` only: where the
    /// algorithms a cluster can train go, the others fitting here as usual.
    pub explicit: bool,
}

impl Cluster {
    /// The address can be a Dask scheduler's: not empty, no whitespace, and no user or password
    /// (Dask has no login: they would only be echoed in messages and stored in the model's
    /// header). A refused address is shown without what precedes its last `@`.
    pub fn check(&self) -> Result<()> {
        let named = if self.explicit {
            "--cluster"
        } else {
            "DASK_SCHEDULER_ADDRESS"
        };
        let address = &self.address;
        if let Some((login, host)) = address.rsplit_once('@') {
            // The scheme, when the address starts with one (a password may hold `://` too).
            let scheme = login.split_once("://").map_or("", |(scheme, _)| scheme);
            let is_scheme = scheme.starts_with(|c: char| c.is_ascii_alphabetic())
                && scheme
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || "+-.".contains(c));
            let scheme = if is_scheme {
                format!("{scheme}://")
            } else {
                String::new()
            };
            return Err(Error::usage(format!(
                "{named} {scheme}...@{}: a Dask scheduler address holds no user or password (Dask's TLS takes certificates from its configuration)",
                crate::data::escape(host)
            )));
        }
        if address.is_empty() || address.chars().any(char::is_whitespace) {
            return Err(Error::usage(format!(
                "{named} {}: expected a Dask scheduler address such as tcp://host:8786",
                crate::data::quote(address)
            )));
        }
        Ok(())
    }
}

/// An algorithm on a runtime with its hyperparameters checked, ready to fit.
pub enum Plan {
    Native {
        native: Native,
        params: Params,
    },
    #[cfg(feature = "python")]
    Python(python::Prepared),
}

impl Plan {
    /// Checks the hyperparameters: against the native spec, or by building the Python estimator.
    pub fn new(
        choice: &Choice,
        task: Task,
        hyperparams: &Map<String, Value>,
        seed: u64,
        targets: usize,
    ) -> Result<Plan> {
        let name = choice.algorithm.name;
        match choice.runtime {
            Runtime::Rust => {
                let native = choice.algorithm.native_for(task).ok_or_else(|| {
                    Error::usage(format!("{name} has no native implementation for {task}"))
                })?;
                Ok(Plan::Native {
                    native,
                    params: Params::validate(name, native.params(), hyperparams)?,
                })
            }
            #[cfg(feature = "python")]
            Runtime::Python => {
                let class = choice.algorithm.python_class(task).ok_or_else(|| {
                    Error::usage(format!("{name} has no python implementation for {task}"))
                })?;
                let single_target = choice.algorithm.python_single_target;
                Ok(Plan::Python(python::prepare(
                    class,
                    single_target,
                    hyperparams,
                    seed,
                    targets > 1,
                )?))
            }
            #[cfg(not(feature = "python"))]
            Runtime::Python => {
                let _ = (seed, targets);
                Err(Error::usage(format!(
                    "{name} needs the python runtime, which this build does not have"
                )))
            }
        }
    }

    /// Fits on the Dask cluster (`train --cluster`): a Python plan of a class it can train.
    pub fn on_cluster(&mut self, cluster: &Cluster, targets: usize) -> Result<()> {
        match self {
            #[cfg(feature = "python")]
            Plan::Python(prepared) => prepared.on_cluster(&cluster.address, targets),
            _ => {
                let _ = (cluster, targets);
                Err(Error::usage("--cluster fits on the python runtime"))
            }
        }
    }

    pub fn resolved_hyperparams(&self) -> Value {
        match self {
            Plan::Native { params, .. } => params.to_json(),
            #[cfg(feature = "python")]
            Plan::Python(prepared) => prepared.resolved.clone(),
        }
    }

    pub fn backend(&self) -> Backend {
        match self {
            Plan::Native { native, .. } => Backend {
                name: native.backend().name().into(),
                version: native.backend().version().into(),
            },
            #[cfg(feature = "python")]
            Plan::Python(prepared) => {
                let (name, version) = prepared.backend();
                Backend { name, version }
            }
        }
    }

    pub fn python_info(&self) -> Option<PythonInfo> {
        match self {
            Plan::Native { .. } => None,
            #[cfg(feature = "python")]
            Plan::Python(prepared) => Some(prepared.info()),
        }
    }

    /// Fits for scoring only (a cross-validation fold): a Python model is not saved and
    /// reloaded, which `fit` does to check the file it will write.
    #[cfg_attr(not(feature = "python"), allow(unused_variables))]
    pub fn fit_for_scoring(
        &self,
        task: Task,
        x: Array2<f64>,
        y: &Targets,
        seed: u64,
    ) -> Result<Box<dyn Estimator>> {
        match self {
            #[cfg(feature = "python")]
            Plan::Python(prepared) => Ok(Box::new(prepared.fit_for_scoring(task, x, y, seed)?)),
            _ => self.fit(task, x, y, seed),
        }
    }

    /// Fits on `x` (moved: the Python runtime hands it to numpy without copying).
    pub fn fit(
        &self,
        task: Task,
        x: Array2<f64>,
        y: &Targets,
        seed: u64,
    ) -> Result<Box<dyn Estimator>> {
        let none = ArrayView2::from_shape((0, x.ncols()), &[] as &[f64]).expect("no rows");
        self.fit_held_out(task, x.into(), y, seed, none)
    }

    /// `fit`, verifying a Python tree ensemble's native form on `held_out` (the test rows) as
    /// well as on `x`. A native fit reads `x` where it is (see `reads_in_place`); the Python
    /// runtime takes it owned, as numpy's, copying a borrowed one.
    #[cfg_attr(not(feature = "python"), allow(unused_variables))]
    pub fn fit_held_out(
        &self,
        task: Task,
        x: CowArray<f64, Ix2>,
        y: &Targets,
        seed: u64,
        held_out: ArrayView2<f64>,
    ) -> Result<Box<dyn Estimator>> {
        match self {
            Plan::Native { native, params } => {
                Ok(Box::new(native.fit(params, x.view(), y, seed)?))
            }
            #[cfg(feature = "python")]
            Plan::Python(prepared) => Ok(Box::new(prepared.fit(
                task,
                x.into_owned(),
                y,
                seed,
                held_out,
            )?)),
        }
    }

    /// Whether `fit_held_out` only reads a borrowed matrix (it then costs no copy).
    pub fn reads_in_place(&self) -> bool {
        matches!(self, Plan::Native { .. })
    }
}

/// Rebuilds a model from a model file's header and payload, after checking that they agree: the
/// header names an algorithm of the table for its task, and the payload is that model, shaped
/// for the header's features, targets and classes. A Python model that carries a native form
/// predicts through it, without starting Python.
pub fn load(header: &Header, payload: &[u8]) -> Result<Box<dyn Estimator>> {
    load_on(header, payload, None)
}

/// `load`, with `--runtime`: python forces a Python model's library path, rust its native form.
pub fn load_on(
    header: &Header,
    payload: &[u8],
    runtime: Option<Runtime>,
) -> Result<Box<dyn Estimator>> {
    check_header(header)?;
    let algorithm = crate::algorithms::find(&header.algorithm)
        .map_err(|_| Error::Model(format!("names an unknown algorithm '{}'", header.algorithm)))?;
    match header.runtime {
        Runtime::Rust => {
            if runtime == Some(Runtime::Python) {
                return Err(Error::usage(
                    "--runtime python: this model was trained on the rust runtime and has no Python form",
                ));
            }
            let native = algorithm.native_for(header.task).ok_or_else(|| {
                Error::Model(format!(
                    "says {} {} on the rust runtime, which has no such model",
                    header.algorithm, header.task
                ))
            })?;
            let expected = Expected {
                native,
                features: header.feature_names.len(),
                targets: header.target_names.len(),
                classes: header.classes.len(),
            };
            NativeModel::load(payload, &expected)
                .map(|m| Box::new(m) as Box<dyn Estimator>)
                .map_err(|why| native_refusal(header, native, &why))
        }
        Runtime::Python => python_model(header, payload, runtime),
    }
}

/// A Python model: its native form when it has one (and `runtime` is not python), else the
/// library's model in the embedded interpreter.
fn python_model(
    header: &Header,
    bytes: &[u8],
    runtime: Option<Runtime>,
) -> Result<Box<dyn Estimator>> {
    let info = header
        .python
        .as_ref()
        .ok_or_else(|| Error::Model("the header does not name the Python class".into()))?;
    let (payload, form) = library::decode(bytes).map_err(Error::Model)?;
    library::check_agreement(header, info, &payload)?;
    let status = info.native.as_ref();
    if status.is_some_and(|s| s.form.is_some()) != form.is_some() {
        return Err(Error::Model(format!(
            "has a header that says the payload {} a native form, and a payload that {}",
            if form.is_some() { "lacks" } else { "carries" },
            if form.is_some() {
                "carries one"
            } else {
                "does not"
            }
        )));
    }
    // A form is checked whichever runtime predicts: a file with a damaged one is refused, not
    // read around. Only tree ensembles have one, always of the kind `trees`.
    let native = match form {
        Some(form) => {
            if status.and_then(|s| s.form.as_deref()) != Some("trees")
                || !crate::algorithms::has_native_trees(&header.algorithm)
            {
                return Err(Error::Model(format!(
                    "carries a native tree form, which a {} model cannot have",
                    header.algorithm
                )));
            }
            let classes = payload
                .classes
                .iter()
                .flatten()
                .map(|&c| usize::try_from(c).unwrap_or(usize::MAX))
                .collect();
            Some(
                NativeTrees::new(
                    form,
                    header.task,
                    header.feature_names.len(),
                    header.target_names.len(),
                    classes,
                    header.classes.len(),
                )
                .map_err(|why| Error::Model(format!("the native form {why}")))?,
            )
        }
        None => None,
    };
    match (native, runtime) {
        (Some(native), None | Some(Runtime::Rust)) => Ok(Box::new(native)),
        (None, Some(Runtime::Rust)) => Err(Error::usage(format!(
            "--runtime rust: this {} model has no native form ({})",
            header.algorithm,
            status.map_or(
                "written before native tree forms, or not a tree ensemble",
                |s| s.note.as_str()
            )
        ))),
        #[cfg(feature = "python")]
        _ => Ok(Box::new(python::load(header, &payload, bytes)?)),
        #[cfg(not(feature = "python"))]
        _ => Err(Error::Model(
            "this model needs the python runtime, which this build of pgml-cli does not have"
                .into(),
        )),
    }
}

/// A native payload this build cannot use. Most of them store a backend's own serde form, so one
/// written by another version of the backend (or of pgml-cli, for the structures it owns) may
/// need that version: the refusal then names both, and the pgml-cli that wrote the file.
fn native_refusal(header: &Header, native: Native, why: &str) -> Error {
    let (name, version) = (native.backend().name(), native.backend().version());
    if header.backend.name == name && header.backend.version == version {
        return Error::Model(format!("the native model {why}"));
    }
    Error::Model(format!(
        "its {} payload was written by {} {} and this build ({name} {version}) cannot read it: the payload {why}; retrain, or predict with the pgml-cli version that wrote it ({})",
        header.algorithm, header.backend.name, header.backend.version, header.pgml_cli_version
    ))
}

/// What every task's header must say about its columns and classes.
fn check_header(header: &Header) -> Result<()> {
    let targets = header.target_names.len();
    let classes = header.classes.len();
    let fits = !header.feature_names.is_empty()
        && match header.task {
            Task::Regression => targets >= 1 && classes == 0,
            Task::Classification => targets == 1 && classes >= 2,
            Task::Clustering | Task::Decomposition => targets == 0 && classes == 0,
        };
    // A class listed twice would relabel another class's predictions as itself.
    for (what, list) in [
        ("feature", &header.feature_names),
        ("class", &header.classes),
    ] {
        let mut names: Vec<&String> = list.iter().collect();
        names.sort();
        names.dedup();
        if names.len() != list.len() {
            return Err(Error::Model(format!(
                "has a header that names a {what} twice"
            )));
        }
    }
    if !fits {
        return Err(Error::Model(format!(
            "has a header whose {} features, {targets} targets and {classes} classes do not fit {}",
            header.feature_names.len(),
            header.task
        )));
    }
    header
        .input
        .check(&header.feature_names)
        .map_err(Error::Model)
}
