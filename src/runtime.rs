//! What train and predict see of a model, whichever runtime holds it.

use ndarray::{Array2, ArrayView2};

use crate::algorithms::native::NativeModel;
use crate::algorithms::Runtime;
use crate::error::{Error, Result};

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
}

/// Rebuilds a model from a model file's payload.
pub fn load(runtime: Runtime, payload: &[u8]) -> Result<Box<dyn Estimator>> {
    match runtime {
        Runtime::Rust => NativeModel::from_payload(payload)
            .map(|m| Box::new(m) as Box<dyn Estimator>)
            .map_err(|e| Error::Model(format!("the native model cannot be decoded: {e}"))),
        Runtime::Python => Err(Error::Model(
            "this model needs the python runtime, which this build of pgml-cli does not have"
                .into(),
        )),
    }
}
