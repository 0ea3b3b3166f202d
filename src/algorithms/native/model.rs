//! A fitted native model: what a fit produces, what a model file's payload holds (postcard), and
//! the checks that make a payload from anyone safe to predict with: every index, length and
//! count is compared with the header before the model is used.

use ndarray::{Array1, Array2, ArrayView1, ArrayView2, Axis};
use serde::{Deserialize, Serialize};

use super::{bayes, cluster, kmeans, linear, neighbors, pca, svm, trees, Native};
use crate::error::{Error, Result};
use crate::runtime::{Estimator, Prediction};

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
    pub(super) model: ClassifierModel,
    pub(super) classes: Classes,
}

#[derive(Serialize, Deserialize)]
pub(super) enum ClassifierModel {
    Logistic(linear::LogisticModel),
    Svc(svm::SvcModel),
    /// Random forests and decision trees.
    Trees(trees::Forest),
    Knn(neighbors::Knn),
    GaussianNb(bayes::GaussianNbModel),
}

#[derive(Serialize, Deserialize)]
pub enum Clusterer {
    /// linfa's k-means, in files written before pgml-cli fitted k-means itself.
    LinfaKMeans(cluster::LinfaKMeans),
    Dbscan(cluster::DbscanModel),
    KMeans(kmeans::KMeansModel),
}

/// The classes of a classification dataset: how many there are overall, and which of them the
/// training rows contain (a small split may miss some; their probability is then 0).
#[derive(Serialize, Deserialize, Debug, Clone)]
pub struct Classes {
    pub count: usize,
    pub present: Vec<usize>,
}

impl Classes {
    pub(super) fn new(y: ArrayView1<usize>, count: usize) -> Result<Self> {
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

/// A backend panic while predicting with a model that passed every check: the model is unusable.
fn guarded<T>(work: impl FnOnce() -> Result<T>) -> Result<T> {
    crate::panic::catch(work)
        .map_err(|why| Error::Model(format!("the model cannot predict these rows ({why})")))?
}

impl Estimator for NativeModel {
    fn predict(&self, x: ArrayView2<f64>) -> Result<Prediction> {
        guarded(|| self.predict_unguarded(x))
    }

    fn predict_proba(&self, x: ArrayView2<f64>) -> Result<Option<Array2<f64>>> {
        guarded(|| match self {
            NativeModel::Classifier(c) => c.predict_proba(x),
            _ => Ok(None),
        })
    }

    fn payload(&self) -> Result<Vec<u8>> {
        postcard::to_stdvec(self).map_err(|e| Error::fit(format!("cannot encode the model: {e}")))
    }
}

impl NativeModel {
    fn predict_unguarded(&self, x: ArrayView2<f64>) -> Result<Prediction> {
        Ok(match self {
            NativeModel::Regressors(models) => {
                let mut values = Array2::zeros((x.nrows(), models.len()));
                for (mut column, model) in values.columns_mut().into_iter().zip(models) {
                    column.assign(&model.predict(x)?);
                }
                Prediction::Values(values)
            }
            NativeModel::Classifier(c) => Prediction::Classes(c.predict(x)?),
            NativeModel::Clusterer(Clusterer::LinfaKMeans(m)) => Prediction::Clusters(m.predict(x)),
            NativeModel::Clusterer(Clusterer::KMeans(m)) => Prediction::Clusters(m.predict(x)?),
            NativeModel::Clusterer(Clusterer::Dbscan(m)) => Prediction::Clusters(m.predict(x)),
            NativeModel::Pca(m) => Prediction::Values(m.transform(x)),
        })
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
            ClassifierModel::Logistic(m) => Ok(m.predict(x, self.classes.count)),
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

/// What the header says the payload must be.
pub struct Expected {
    pub native: Native,
    pub features: usize,
    /// Regression: target columns.
    pub targets: usize,
    /// Classification: class labels.
    pub classes: usize,
}

impl NativeModel {
    /// Decodes a payload and checks it against the header; the error says what is wrong.
    ///
    /// Past 8 KiB, decoding runs on a thread whose stack grows with the payload: older DBSCAN
    /// payloads nest a cover tree one level per ~20 bytes, and serde decodes (and drops) nesting
    /// recursively.
    pub fn load(bytes: &[u8], expected: &Expected) -> std::result::Result<Self, String> {
        // A panic while decoding is a model that cannot be used, on either thread: one line.
        let decode = || {
            crate::panic::catch(|| {
                let (model, rest): (NativeModel, _) = postcard::take_from_bytes(bytes)
                    .map_err(|e| format!("cannot be decoded: {e}"))?;
                if !rest.is_empty() {
                    return Err(format!("has {} bytes after the model", rest.len()));
                }
                model.check(expected)?;
                Ok(model.flattened())
            })
            .unwrap_or_else(|why| Err(format!("cannot be decoded ({why})")))
        };
        let stack = bytes.len().saturating_mul(STACK_PER_PAYLOAD_BYTE);
        // However it nests, a small payload fits the current thread's stack: a one-row predict
        // of a linear model starts no thread for it.
        if stack <= INLINE_DECODE_STACK {
            return decode();
        }
        std::thread::scope(|scope| {
            std::thread::Builder::new()
                .stack_size(stack.clamp(8 << 20, 8 << 30))
                .spawn_scoped(scope, decode)
                // Its stack grows with the payload (hostile nesting): a limit that refuses it is
                // the process's, not the model's fault.
                .unwrap_or_else(|e| crate::memory::no_thread(e))
                .join()
                .map_err(|_| "cannot be decoded".to_string())?
        })
    }

    /// Older DBSCAN payloads carry a cover tree that is never used: dropped here, on the big stack.
    fn flattened(self) -> Self {
        match self {
            NativeModel::Clusterer(Clusterer::Dbscan(m)) => {
                NativeModel::Clusterer(Clusterer::Dbscan(m.without_tree()))
            }
            other => other,
        }
    }

    /// Every index, length and count against the header; every stored number finite. Run after
    /// each fit too, so a degenerate fit fails at train time rather than writing a bad model.
    pub fn check(&self, e: &Expected) -> std::result::Result<(), String> {
        use Native::*;
        let mismatch = || {
            Err(format!(
                "does not hold the {:?} model its header names",
                e.native
            ))
        };
        match e.native {
            LinearRegression
            | Ridge
            | Lasso
            | ElasticNet
            | Svr
            | RandomForestRegressor
            | DecisionTreeRegressor
            | KnnRegressor => {
                let NativeModel::Regressors(models) = self else {
                    return mismatch();
                };
                if models.len() != e.targets {
                    return Err(format!(
                        "holds {} regression models for {} targets",
                        models.len(),
                        e.targets
                    ));
                }
                for model in models {
                    match (e.native, model) {
                        (LinearRegression | Ridge | Lasso | ElasticNet, Regressor::Linear(m)) => {
                            m.check(e.features)?
                        }
                        (Svr, Regressor::Svr(m)) => m.check(e.features)?,
                        (RandomForestRegressor, Regressor::Trees(m)) => {
                            m.check(e.features, 1, None)?
                        }
                        (DecisionTreeRegressor, Regressor::Trees(m)) => {
                            m.check(e.features, 1, Some(1))?
                        }
                        (KnnRegressor, Regressor::Knn(m)) => m.check(e.features, None)?,
                        _ => return mismatch(),
                    }
                }
                Ok(())
            }
            LogisticRegression
            | Svc
            | RandomForestClassifier
            | DecisionTreeClassifier
            | KnnClassifier
            | GaussianNb => {
                let NativeModel::Classifier(Classifier { model, classes }) = self else {
                    return mismatch();
                };
                classes.check(e.classes)?;
                let count = classes.count;
                match (e.native, model) {
                    (LogisticRegression, ClassifierModel::Logistic(m)) => {
                        m.check(e.features, classes)
                    }
                    (Svc, ClassifierModel::Svc(m)) => m.check(e.features, classes),
                    (RandomForestClassifier, ClassifierModel::Trees(m)) => {
                        m.check(e.features, count, None)
                    }
                    (DecisionTreeClassifier, ClassifierModel::Trees(m)) => {
                        m.check(e.features, count, Some(1))
                    }
                    (KnnClassifier, ClassifierModel::Knn(m)) => m.check(e.features, Some(count)),
                    (GaussianNb, ClassifierModel::GaussianNb(m)) => m.check(e.features, classes),
                    _ => mismatch(),
                }
            }
            KMeans => match self {
                NativeModel::Clusterer(Clusterer::LinfaKMeans(m)) => m.check(e.features),
                NativeModel::Clusterer(Clusterer::KMeans(m)) => m.check(e.features),
                _ => mismatch(),
            },
            Dbscan => match self {
                NativeModel::Clusterer(Clusterer::Dbscan(m)) => m.check(e.features),
                _ => mismatch(),
            },
            Pca => match self {
                NativeModel::Pca(m) => m.check(e.features),
                _ => mismatch(),
            },
        }
    }
}

/// Stack bytes reserved per payload byte when decoding (measured: a cover-tree level takes ~20
/// payload bytes and under 600 stack bytes to decode and drop).
const STACK_PER_PAYLOAD_BYTE: usize = 32;

/// The most stack a payload decoded on the calling thread may need (payloads up to 8 KiB): a
/// small part of any main thread's (8 MiB by default).
const INLINE_DECODE_STACK: usize = 256 << 10;

impl Classes {
    fn check(&self, labels: usize) -> std::result::Result<(), String> {
        if self.count != labels {
            return Err(format!(
                "has {} classes where the header lists {labels}",
                self.count
            ));
        }
        let increasing = self.present.windows(2).all(|w| w[0] < w[1]);
        if self.present.len() < 2 || !increasing || self.present.iter().any(|&c| c >= labels) {
            return Err("has an invalid list of trained classes".into());
        }
        Ok(())
    }
}

/// A third-party model's serialized fields, for checks its API does not offer. Non-finite
/// numbers serialize as null, so `finite` below also catches NaN and infinity.
pub(super) fn fields(model: &impl Serialize) -> std::result::Result<serde_json::Value, String> {
    serde_json::to_value(model).map_err(|e| format!("cannot be inspected: {e}"))
}

/// The shape of an ndarray in its serde form (`{"v": 1, "dim": [...], "data": [...]}`).
pub(super) fn shape(array: &serde_json::Value) -> Option<Vec<usize>> {
    array
        .get("dim")?
        .as_array()?
        .iter()
        .map(|d| d.as_u64().and_then(|d| usize::try_from(d).ok()))
        .collect()
}

/// Whether every number in `value` is finite (no nulls where numbers were serialized).
pub(super) fn finite(value: &serde_json::Value) -> bool {
    match value {
        serde_json::Value::Null => false,
        serde_json::Value::Array(items) => items.iter().all(finite),
        serde_json::Value::Object(map) => map.values().all(finite),
        _ => true,
    }
}

pub(super) fn all_finite<'a>(values: impl IntoIterator<Item = &'a f64>) -> bool {
    values.into_iter().all(|v| v.is_finite())
}
