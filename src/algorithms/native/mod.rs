//! The native runtime: linfa and smartcore (and LAPACK through ndarray-linalg) in this process.
//! Each `Native` names one implementation for one task; `specs` holds their hyperparameters,
//! `model` what a fit produces and a model file's payload holds, and this file the fit dispatch.

mod bayes;
mod cluster;
pub mod ensemble;
pub mod kmeans;
mod linear;
mod logistic;
mod model;
mod neighbors;
mod pca;
mod specs;
mod svm;
mod trees;

use ndarray::{Array1, ArrayView1, ArrayView2, Axis};
use smartcore::linalg::basic::matrix::DenseMatrix;

pub use model::{argmax_rows, Classes, Expected, NativeModel};
use model::{Classifier, ClassifierModel, Clusterer, Regressor};

use super::params::Params;
use crate::data::Targets;
use crate::error::{Error, Result};
use crate::panic;

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

impl Native {
    pub fn backend(self) -> Backend {
        use Native::*;
        match self {
            LinearRegression | Ridge => Backend::NdarrayLinalg,
            LogisticRegression | Lasso | ElasticNet | Svr | Svc | GaussianNb | Pca => {
                Backend::Linfa
            }
            RandomForestRegressor
            | RandomForestClassifier
            | DecisionTreeRegressor
            | DecisionTreeClassifier
            | KnnRegressor
            | KnnClassifier
            | KMeans => Backend::PgmlCli,
            Dbscan => Backend::Smartcore,
        }
    }

    /// Fits, then checks the fitted model as a loaded one would be: a degenerate fit (NaN
    /// coefficients, zero variances) fails here instead of writing a model that cannot predict.
    pub fn fit(
        self,
        params: &Params,
        x: ArrayView2<f64>,
        targets: &Targets,
        seed: u64,
    ) -> Result<NativeModel> {
        let seed = params.seed(seed)?;
        let model = panic::catch(|| self.dispatch(params, x, targets, seed)).map_err(|why| {
            Error::fit(format!(
                "{self:?} ({}) failed on this data ({why}); try other hyperparameters or --runtime python",
                self.backend().name()
            ))
        })??;
        let expected = Expected {
            native: self,
            features: x.ncols(),
            targets: match targets {
                Targets::Values(y) => y.ncols(),
                _ => 0,
            },
            classes: targets.labels().len(),
        };
        model
            .check(&expected)
            .map_err(|why| Error::fit(format!("the fitted {self:?} model {why}")))?;
        Ok(model)
    }

    fn dispatch(
        self,
        params: &Params,
        x: ArrayView2<f64>,
        targets: &Targets,
        seed: u64,
    ) -> Result<NativeModel> {
        use Native::*;
        let regress = |fit: &dyn Fn(ArrayView1<f64>) -> Result<Regressor>| {
            let Targets::Values(y) = targets else {
                return Err(self.wrong_targets());
            };
            // One model per target column: the same solution these estimators give for a 2-D y.
            let per_target = y.columns().into_iter().map(fit).collect::<Result<_>>()?;
            Ok(NativeModel::Regressors(per_target))
        };
        let classify = |fit: &dyn Fn(ArrayView1<usize>, &Classes) -> Result<ClassifierModel>| {
            let Targets::Classes { y, labels } = targets else {
                return Err(self.wrong_targets());
            };
            let classes = Classes::new(y.view(), labels.len())?;
            let model = fit(y.view(), &classes)?;
            Ok(NativeModel::Classifier(Classifier { model, classes }))
        };
        let unsupervised = |fit: &dyn Fn() -> Result<NativeModel>| match targets {
            Targets::None => fit(),
            _ => Err(self.wrong_targets()),
        };
        // Exhaustive on purpose: a new variant must say what it fits.
        match self {
            LinearRegression => {
                regress(&|y| Ok(Regressor::Linear(linear::linear_regression(params, x, y)?)))
            }
            Ridge => regress(&|y| Ok(Regressor::Linear(linear::ridge(params, x, y)?))),
            Lasso => regress(&|y| Ok(Regressor::Linear(linear::elastic_net(params, 1.0, x, y)?))),
            ElasticNet => regress(&|y| {
                let l1_ratio = params.f64("l1_ratio")?;
                Ok(Regressor::Linear(linear::elastic_net(
                    params, l1_ratio, x, y,
                )?))
            }),
            Svr => regress(&|y| Ok(Regressor::Svr(svm::svr(params, x, y)?))),
            RandomForestRegressor => regress(&|y| {
                Ok(Regressor::Trees(trees::forest_regressor(
                    params, x, y, seed,
                )?))
            }),
            DecisionTreeRegressor => {
                regress(&|y| Ok(Regressor::Trees(trees::tree_regressor(params, x, y, seed)?)))
            }
            KnnRegressor => {
                regress(&|y| Ok(Regressor::Knn(neighbors::knn_regressor(params, x, y)?)))
            }
            LogisticRegression => classify(&|y, classes| {
                Ok(ClassifierModel::Logistic(linear::logistic(
                    params, x, y, classes,
                )?))
            }),
            Svc => {
                classify(&|y, classes| Ok(ClassifierModel::Svc(svm::svc(params, x, y, classes)?)))
            }
            RandomForestClassifier => classify(&|y, classes| {
                Ok(ClassifierModel::Trees(trees::forest_classifier(
                    params, x, y, classes, seed,
                )?))
            }),
            DecisionTreeClassifier => classify(&|y, classes| {
                Ok(ClassifierModel::Trees(trees::tree_classifier(
                    params, x, y, classes, seed,
                )?))
            }),
            KnnClassifier => classify(&|y, _| {
                Ok(ClassifierModel::Knn(neighbors::knn_classifier(
                    params, x, y,
                )?))
            }),
            GaussianNb => classify(&|y, _| {
                Ok(ClassifierModel::GaussianNb(bayes::gaussian_nb(
                    params, x, y,
                )?))
            }),
            KMeans => unsupervised(&|| {
                Ok(NativeModel::Clusterer(Clusterer::KMeans(kmeans::fit(
                    params, x, seed,
                )?)))
            }),
            Dbscan => unsupervised(&|| {
                Ok(NativeModel::Clusterer(Clusterer::Dbscan(cluster::dbscan(
                    params, x,
                )?)))
            }),
            Pca => unsupervised(&|| Ok(NativeModel::Pca(pca::fit(params, x)?))),
        }
    }

    fn wrong_targets(self) -> Error {
        Error::fit(format!("{self:?} cannot learn from these targets"))
    }
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

/// Each column's mean and root-mean-square deviation from it. The mean takes a second pass that
/// adds the mean of what is left after the first: a column around 1e12 then keeps its intercept
/// to the digits scikit-learn's pairwise sums do (one running sum was 20 times further off at
/// 200k rows). Row by row: no copy of the matrix.
pub(crate) fn column_moments(x: ArrayView2<f64>) -> (Array1<f64>, Array1<f64>) {
    let rows = x.nrows().max(1) as f64;
    let first = x.sum_axis(Axis(0)) / rows;
    let mut left = Array1::<f64>::zeros(x.ncols());
    let mut squares = Array1::<f64>::zeros(x.ncols());
    for row in x.rows() {
        ndarray::Zip::from(&mut left)
            .and(&mut squares)
            .and(&row)
            .and(&first)
            .for_each(|l, q, &v, &m| {
                *l += v - m;
                *q += (v - m) * (v - m);
            });
    }
    let means = &first + &(&left / rows);
    // Deviations from `first`, less the shift to the mean.
    let spread = (squares / rows - (&left / rows).mapv(|d| d * d)).mapv(|v| v.max(0.0).sqrt());
    (means, spread)
}

/// Runs `call`, which calls LAPACK or BLAS, while no other thread does. The statically linked
/// OpenBLAS is Debian's single-threaded build, whose work buffers are handed out without a lock:
/// two threads calling it at once (cross-validation fits folds on every core) could be given the
/// same buffer, and a 10-fold search of linear regression on 200k rows then scored folds at 0.66
/// and 0.89 instead of 0.98, differently on each run.
pub(crate) fn lapack<T>(call: impl FnOnce() -> T) -> T {
    static LAPACK: std::sync::Mutex<()> = std::sync::Mutex::new(());
    // OpenBLAS (Debian's 0.3.21) takes a 129 MiB work buffer at its first large call and, when
    // an address-space limit refuses it, retries forever: a linear fit under `ulimit -v 300000`
    // spun for minutes. Before the first call that room is asked for, once.
    static BUFFER_ROOM: std::sync::Once = std::sync::Once::new();
    BUFFER_ROOM.call_once(|| crate::memory::ensure_address_space(129 << 20));
    // A panic inside LAPACK's caller leaves nothing of ours half-done: the lock stays usable.
    let _only_caller = LAPACK
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner());
    call()
}
