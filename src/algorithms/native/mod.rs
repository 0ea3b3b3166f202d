//! The native runtime: linfa and smartcore (and LAPACK through ndarray-linalg) in this process.
//! Each `Native` names one implementation for one task, with its hyperparameters; `NativeModel`
//! is what a fit produces and what a model file's payload holds (postcard-encoded).

mod bayes;
mod cluster;
mod linear;
mod neighbors;
mod pca;
mod svm;
mod trees;

use ndarray::{Array1, Array2, ArrayView1, ArrayView2, Axis};
use serde::{Deserialize, Serialize};
use smartcore::linalg::basic::matrix::DenseMatrix;

use super::params::{Kind, ParamSpec, Params};
use crate::data::Targets;
use crate::error::{Error, Result};
use crate::runtime::{Estimator, Prediction};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Native {
    LinearRegression,
    LogisticRegression,
    Ridge,
    Lasso,
    ElasticNet,
    Svr,
    Svc,
    RandomForestRegressor,
    RandomForestClassifier,
    DecisionTreeRegressor,
    DecisionTreeClassifier,
    KnnRegressor,
    KnnClassifier,
    GaussianNb,
    KMeans,
    Dbscan,
    Pca,
}

/// The library that implements a native algorithm; its version goes into the model header.
#[derive(Clone, Copy, Debug)]
pub enum Backend {
    Linfa,
    Smartcore,
    NdarrayLinalg,
    /// Implemented in this crate (trees and forests).
    PgmlCli,
}

impl Backend {
    pub fn name(self) -> &'static str {
        match self {
            Backend::Linfa => "linfa",
            Backend::Smartcore => "smartcore",
            Backend::NdarrayLinalg => "ndarray-linalg",
            Backend::PgmlCli => "pgml-cli",
        }
    }

    /// Read from Cargo.lock by build.rs.
    pub fn version(self) -> &'static str {
        match self {
            Backend::Linfa => env!("PGML_LINFA_VERSION"),
            Backend::Smartcore => env!("PGML_SMARTCORE_VERSION"),
            Backend::NdarrayLinalg => env!("PGML_NDARRAY_LINALG_VERSION"),
            Backend::PgmlCli => env!("CARGO_PKG_VERSION"),
        }
    }
}

const fn float(min: f64, min_exclusive: bool) -> Kind {
    Kind::Float {
        min,
        min_exclusive,
        max: f64::INFINITY,
    }
}
const FIT_INTERCEPT: ParamSpec = ParamSpec {
    name: "fit_intercept",
    kind: Kind::Bool,
    default: "true",
    help: "learn an intercept",
};
const MAX_ITER: ParamSpec = ParamSpec {
    name: "max_iter",
    kind: Kind::Int { min: 1 },
    default: "1000",
    help: "iteration limit",
};
const TOL: ParamSpec = ParamSpec {
    name: "tol",
    kind: float(0.0, true),
    default: "0.0001",
    help: "stopping tolerance",
};
const ALPHA: ParamSpec = ParamSpec {
    name: "alpha",
    kind: float(0.0, false),
    default: "1.0",
    help: "regularization strength",
};
const C: ParamSpec = ParamSpec {
    name: "C",
    kind: float(0.0, true),
    default: "1.0",
    help: "inverse regularization strength",
};
const KERNEL: ParamSpec = ParamSpec {
    name: "kernel",
    kind: Kind::Choice(&["rbf", "linear"]),
    default: "\"rbf\"",
    help: "kernel function",
};
const GAMMA: ParamSpec = ParamSpec {
    name: "gamma",
    kind: Kind::ChoiceOrNumber(&["scale", "auto"]),
    default: "\"scale\"",
    help: "rbf width: scale = 1/(features * var(X)), auto = 1/features",
};
const SVM_TOL: ParamSpec = ParamSpec {
    name: "tol",
    kind: float(0.0, true),
    default: "0.001",
    help: "stopping tolerance",
};
const SHRINKING: ParamSpec = ParamSpec {
    name: "shrinking",
    kind: Kind::Bool,
    default: "true",
    help: "use the shrinking heuristic",
};
const MAX_DEPTH: ParamSpec = ParamSpec {
    name: "max_depth",
    kind: Kind::OptionalInt { min: 1 },
    default: "null",
    help: "tree depth limit (null: grow until pure)",
};
const MIN_SAMPLES_SPLIT: ParamSpec = ParamSpec {
    name: "min_samples_split",
    kind: Kind::Int { min: 2 },
    default: "2",
    help: "rows needed to split a node",
};
const MIN_SAMPLES_LEAF: ParamSpec = ParamSpec {
    name: "min_samples_leaf",
    kind: Kind::Int { min: 1 },
    default: "1",
    help: "rows needed in a leaf",
};
const CRITERION: ParamSpec = ParamSpec {
    name: "criterion",
    kind: Kind::Choice(&["gini", "entropy"]),
    default: "\"gini\"",
    help: "split quality measure",
};
const N_ESTIMATORS: ParamSpec = ParamSpec {
    name: "n_estimators",
    kind: Kind::Int { min: 1 },
    default: "100",
    help: "number of trees",
};
const fn max_features(default: &'static str) -> ParamSpec {
    ParamSpec {
        name: "max_features",
        kind: Kind::ChoiceOrNumber(&["sqrt", "log2"]),
        default,
        help: "features tried per split: sqrt, log2, a fraction (float) or a count (integer)",
    }
}
const N_NEIGHBORS: ParamSpec = ParamSpec {
    name: "n_neighbors",
    kind: Kind::Int { min: 1 },
    default: "5",
    help: "neighbors that vote",
};
const WEIGHTS: ParamSpec = ParamSpec {
    name: "weights",
    kind: Kind::Choice(&["uniform", "distance"]),
    default: "\"uniform\"",
    help: "neighbor weighting",
};

const LOGISTIC_PARAMS: &[ParamSpec] = &[
    C,
    FIT_INTERCEPT,
    ParamSpec {
        default: "100",
        ..MAX_ITER
    },
    TOL,
];
const ELASTIC_NET_PARAMS: &[ParamSpec] = &[
    ALPHA,
    ParamSpec {
        name: "l1_ratio",
        kind: Kind::Float {
            min: 0.0,
            min_exclusive: false,
            max: 1.0,
        },
        default: "0.5",
        help: "mix of L1 (1) and L2 (0) penalties",
    },
    FIT_INTERCEPT,
    MAX_ITER,
    TOL,
];
const SVR_PARAMS: &[ParamSpec] = &[
    C,
    ParamSpec {
        name: "epsilon",
        kind: float(0.0, false),
        default: "0.1",
        help: "width of the no-penalty tube",
    },
    KERNEL,
    GAMMA,
    SVM_TOL,
    SHRINKING,
];
const FOREST_REGRESSOR_PARAMS: &[ParamSpec] = &[
    N_ESTIMATORS,
    MAX_DEPTH,
    MIN_SAMPLES_SPLIT,
    MIN_SAMPLES_LEAF,
    max_features("1.0"),
];
const FOREST_CLASSIFIER_PARAMS: &[ParamSpec] = &[
    N_ESTIMATORS,
    CRITERION,
    MAX_DEPTH,
    MIN_SAMPLES_SPLIT,
    MIN_SAMPLES_LEAF,
    max_features("\"sqrt\""),
];
const GAUSSIAN_NB_PARAMS: &[ParamSpec] = &[ParamSpec {
    name: "var_smoothing",
    kind: float(0.0, false),
    default: "1e-9",
    help: "share of the largest variance added to all variances",
}];
const KMEANS_PARAMS: &[ParamSpec] = &[
    ParamSpec {
        name: "n_clusters",
        kind: Kind::Int { min: 1 },
        default: "8",
        help: "number of clusters",
    },
    ParamSpec {
        default: "300",
        ..MAX_ITER
    },
    TOL,
    ParamSpec {
        name: "n_init",
        kind: Kind::Int { min: 1 },
        default: "1",
        help: "k-means++ restarts; the best is kept (sklearn's n_init='auto' is 1 for k-means++)",
    },
];
const DBSCAN_PARAMS: &[ParamSpec] = &[
    ParamSpec {
        name: "eps",
        kind: float(0.0, true),
        default: "0.5",
        help: "neighborhood radius",
    },
    ParamSpec {
        name: "min_samples",
        kind: Kind::Int { min: 1 },
        default: "5",
        help: "rows that make a core point",
    },
];
const PCA_PARAMS: &[ParamSpec] = &[ParamSpec {
    name: "n_components",
    kind: Kind::OptionalInt { min: 1 },
    default: "null",
    help: "components kept (null: min(rows, features))",
}];

impl Native {
    pub fn backend(self) -> Backend {
        use Native::*;
        match self {
            Ridge => Backend::NdarrayLinalg,
            LinearRegression | LogisticRegression | Lasso | ElasticNet | Svr | Svc | GaussianNb
            | KMeans | Pca => Backend::Linfa,
            RandomForestRegressor
            | RandomForestClassifier
            | DecisionTreeRegressor
            | DecisionTreeClassifier
            | KnnRegressor
            | KnnClassifier => Backend::PgmlCli,
            Dbscan => Backend::Smartcore,
        }
    }

    /// The hyperparameters it takes (plus `random_state`, which every one takes).
    pub fn params(self) -> &'static [ParamSpec] {
        use Native::*;
        match self {
            LinearRegression => &[FIT_INTERCEPT],
            LogisticRegression => LOGISTIC_PARAMS,
            Ridge => &[ALPHA, FIT_INTERCEPT],
            Lasso => &[ALPHA, FIT_INTERCEPT, MAX_ITER, TOL],
            ElasticNet => ELASTIC_NET_PARAMS,
            Svr => SVR_PARAMS,
            Svc => &[C, KERNEL, GAMMA, SVM_TOL, SHRINKING],
            RandomForestRegressor => FOREST_REGRESSOR_PARAMS,
            RandomForestClassifier => FOREST_CLASSIFIER_PARAMS,
            DecisionTreeRegressor => &[MAX_DEPTH, MIN_SAMPLES_SPLIT, MIN_SAMPLES_LEAF],
            DecisionTreeClassifier => &[CRITERION, MAX_DEPTH, MIN_SAMPLES_SPLIT, MIN_SAMPLES_LEAF],
            KnnRegressor | KnnClassifier => &[N_NEIGHBORS, WEIGHTS],
            GaussianNb => GAUSSIAN_NB_PARAMS,
            KMeans => KMEANS_PARAMS,
            Dbscan => DBSCAN_PARAMS,
            Pca => PCA_PARAMS,
        }
    }

    pub fn fit(
        self,
        params: &Params,
        x: ArrayView2<f64>,
        targets: &Targets,
        seed: u64,
    ) -> Result<NativeModel> {
        use Native::*;
        let seed = params.seed(seed)?;
        let model = match (self, targets) {
            (
                LinearRegression
                | Ridge
                | Lasso
                | ElasticNet
                | Svr
                | RandomForestRegressor
                | DecisionTreeRegressor
                | KnnRegressor,
                Targets::Values(y),
            ) => {
                // One model per target column: the same solution these estimators give for a 2-D y.
                let per_target = y
                    .columns()
                    .into_iter()
                    .map(|column| self.fit_regressor(params, x, column, seed))
                    .collect::<Result<_>>()?;
                NativeModel::Regressors(per_target)
            }
            (
                LogisticRegression
                | Svc
                | RandomForestClassifier
                | DecisionTreeClassifier
                | KnnClassifier
                | GaussianNb,
                Targets::Classes { y, labels },
            ) => {
                let classes = Classes::new(y.view(), labels.len())?;
                NativeModel::Classifier(self.fit_classifier(params, x, y.view(), classes, seed)?)
            }
            (KMeans, Targets::None) => {
                NativeModel::Clusterer(Clusterer::KMeans(cluster::kmeans(params, x, seed)?))
            }
            (Dbscan, Targets::None) => {
                NativeModel::Clusterer(Clusterer::Dbscan(cluster::dbscan(params, x)?))
            }
            (Pca, Targets::None) => NativeModel::Pca(pca::fit(params, x)?),
            _ => {
                return Err(Error::fit(format!(
                    "{self:?} cannot learn from these targets"
                )))
            }
        };
        Ok(model)
    }

    fn fit_regressor(
        self,
        params: &Params,
        x: ArrayView2<f64>,
        y: ArrayView1<f64>,
        seed: u64,
    ) -> Result<Regressor> {
        use Native::*;
        Ok(match self {
            LinearRegression => Regressor::Linear(linear::linear_regression(params, x, y)?),
            Ridge => Regressor::Linear(linear::ridge(params, x, y)?),
            Lasso => Regressor::Linear(linear::elastic_net(params, 1.0, x, y)?),
            ElasticNet => {
                Regressor::Linear(linear::elastic_net(params, params.f64("l1_ratio")?, x, y)?)
            }
            Svr => Regressor::Svr(svm::svr(params, x, y)?),
            RandomForestRegressor => Regressor::Trees(trees::forest_regressor(params, x, y, seed)?),
            DecisionTreeRegressor => Regressor::Trees(trees::tree_regressor(params, x, y, seed)?),
            _ => Regressor::Knn(neighbors::knn_regressor(params, x, y)?),
        })
    }

    fn fit_classifier(
        self,
        params: &Params,
        x: ArrayView2<f64>,
        y: ArrayView1<usize>,
        classes: Classes,
        seed: u64,
    ) -> Result<Classifier> {
        use Native::*;
        let model = match self {
            LogisticRegression => {
                ClassifierModel::Logistic(linear::logistic(params, x, y, &classes)?)
            }
            Svc => ClassifierModel::Svc(svm::svc(params, x, y, &classes)?),
            RandomForestClassifier => {
                ClassifierModel::Trees(trees::forest_classifier(params, x, y, &classes, seed)?)
            }
            DecisionTreeClassifier => {
                ClassifierModel::Trees(trees::tree_classifier(params, x, y, &classes, seed)?)
            }
            KnnClassifier => ClassifierModel::Knn(neighbors::knn_classifier(params, x, y)?),
            _ => ClassifierModel::GaussianNb(bayes::gaussian_nb(params, x, y)?),
        };
        Ok(Classifier { model, classes })
    }
}

/// A fitted native model: the payload of a model file. Variants are only ever appended (postcard
/// encodes the variant index), so older files keep their meaning.
#[derive(Serialize, Deserialize)]
pub enum NativeModel {
    /// Regression: one model per target column.
    Regressors(Vec<Regressor>),
    Classifier(Classifier),
    Clusterer(Clusterer),
    Pca(pca::PcaModel),
}

#[derive(Serialize, Deserialize)]
pub enum Regressor {
    Linear(linear::LinearModel),
    Svr(svm::SvrModel),
    /// Random forests and decision trees.
    Trees(trees::Forest),
    Knn(neighbors::Knn),
}

#[derive(Serialize, Deserialize)]
pub struct Classifier {
    model: ClassifierModel,
    classes: Classes,
}

#[derive(Serialize, Deserialize)]
enum ClassifierModel {
    Logistic(linear::LogisticModel),
    Svc(svm::SvcModel),
    /// Random forests and decision trees.
    Trees(trees::Forest),
    Knn(neighbors::Knn),
    GaussianNb(bayes::GaussianNbModel),
}

#[derive(Serialize, Deserialize)]
pub enum Clusterer {
    KMeans(cluster::KMeansModel),
    Dbscan(cluster::DbscanModel),
}

/// The classes of a classification dataset: how many there are overall, and which of them the
/// training rows contain (a small split may miss some; their probability is then 0).
#[derive(Serialize, Deserialize, Debug, Clone)]
pub struct Classes {
    pub count: usize,
    pub present: Vec<usize>,
}

impl Classes {
    fn new(y: ArrayView1<usize>, count: usize) -> Result<Self> {
        let mut present: Vec<usize> = y.to_vec();
        present.sort_unstable();
        present.dedup();
        if present.len() < 2 {
            return Err(Error::fit(
                "the training rows contain only one class; classification needs two or more",
            ));
        }
        Ok(Classes { count, present })
    }
}

impl Estimator for NativeModel {
    fn predict(&self, x: ArrayView2<f64>) -> Result<Prediction> {
        Ok(match self {
            NativeModel::Regressors(models) => {
                let mut values = Array2::zeros((x.nrows(), models.len()));
                for (mut column, model) in values.columns_mut().into_iter().zip(models) {
                    column.assign(&model.predict(x)?);
                }
                Prediction::Values(values)
            }
            NativeModel::Classifier(c) => Prediction::Classes(c.predict(x)?),
            NativeModel::Clusterer(Clusterer::KMeans(m)) => Prediction::Clusters(m.predict(x)),
            NativeModel::Clusterer(Clusterer::Dbscan(m)) => Prediction::Clusters(m.predict(x)?),
            NativeModel::Pca(m) => Prediction::Values(m.transform(x)),
        })
    }

    fn predict_proba(&self, x: ArrayView2<f64>) -> Result<Option<Array2<f64>>> {
        match self {
            NativeModel::Classifier(c) => c.predict_proba(x),
            _ => Ok(None),
        }
    }

    fn payload(&self) -> Result<Vec<u8>> {
        postcard::to_stdvec(self).map_err(|e| Error::fit(format!("cannot encode the model: {e}")))
    }
}

impl NativeModel {
    pub fn from_payload(bytes: &[u8]) -> std::result::Result<Self, postcard::Error> {
        postcard::from_bytes(bytes)
    }
}

impl Regressor {
    fn predict(&self, x: ArrayView2<f64>) -> Result<Array1<f64>> {
        match self {
            Regressor::Linear(m) => Ok(m.predict(x)),
            Regressor::Svr(m) => Ok(m.predict(x)),
            Regressor::Trees(m) => m.predict_values(x),
            Regressor::Knn(m) => Ok(m.predict_values(x)),
        }
    }
}

impl Classifier {
    fn predict(&self, x: ArrayView2<f64>) -> Result<Vec<usize>> {
        match &self.model {
            ClassifierModel::Logistic(m) => Ok(m.predict(x)),
            ClassifierModel::Svc(m) => Ok(m.predict(x, &self.classes)),
            ClassifierModel::Trees(m) => Ok(argmax_rows(&m.average(x)?)),
            ClassifierModel::Knn(m) => Ok(argmax_rows(&m.predict_proba(x, &self.classes))),
            ClassifierModel::GaussianNb(m) => Ok(m.predict(x)),
        }
    }

    fn predict_proba(&self, x: ArrayView2<f64>) -> Result<Option<Array2<f64>>> {
        let proba = match &self.model {
            ClassifierModel::Logistic(m) => m.predict_proba(x, &self.classes),
            ClassifierModel::Svc(_) => return Ok(None),
            ClassifierModel::Trees(m) => m.average(x)?,
            ClassifierModel::Knn(m) => m.predict_proba(x, &self.classes),
            ClassifierModel::GaussianNb(m) => m.predict_proba(x, &self.classes),
        };
        Ok(Some(proba))
    }
}

/// The column of each row's largest value (the first on ties, as numpy's argmax).
pub fn argmax_rows(values: &Array2<f64>) -> Vec<usize> {
    values
        .axis_iter(Axis(0))
        .map(|row| {
            row.iter()
                .enumerate()
                .fold((0, f64::NEG_INFINITY), |best, (i, &v)| {
                    if v > best.1 {
                        (i, v)
                    } else {
                        best
                    }
                })
                .0
        })
        .collect()
}

/// smartcore's matrix type, filled from an ndarray view (row-major copy).
fn dense(x: ArrayView2<f64>) -> Result<DenseMatrix<f64>> {
    DenseMatrix::new(x.nrows(), x.ncols(), x.iter().copied().collect(), false)
        .map_err(smartcore_error)
}

fn smartcore_error(e: smartcore::error::Failed) -> Error {
    Error::fit(e)
}

fn linfa_error(e: impl std::fmt::Display) -> Error {
    Error::fit(e)
}
