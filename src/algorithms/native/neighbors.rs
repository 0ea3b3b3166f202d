//! k-nearest neighbors (smartcore, Euclidean distance).

use ndarray::{Array1, Array2, ArrayView1, ArrayView2};
use serde::{Deserialize, Serialize};
use smartcore::linalg::basic::matrix::DenseMatrix;
use smartcore::metrics::distance::euclidian::Euclidian;
use smartcore::neighbors::knn_classifier::{KNNClassifier, KNNClassifierParameters};
use smartcore::neighbors::knn_regressor::{KNNRegressor, KNNRegressorParameters};
use smartcore::neighbors::KNNWeightFunction;

use super::{dense, smartcore_error};
use crate::algorithms::params::Params;
use crate::error::{Error, Result};

type Matrix = DenseMatrix<f64>;

#[derive(Serialize, Deserialize)]
pub struct KnnRegressor(KNNRegressor<f64, f64, Matrix, Vec<f64>, Euclidian<f64>>);

#[derive(Serialize, Deserialize)]
pub struct KnnClassifier(KNNClassifier<f64, u32, Matrix, Vec<u32>, Euclidian<f64>>);

/// `n_neighbors` and `weights`; more neighbors than training rows is refused up front.
fn settings(params: &Params, rows: usize) -> Result<(usize, KNNWeightFunction)> {
    let k = params.usize("n_neighbors")?;
    if k > rows {
        return Err(Error::fit(format!(
            "knn: n_neighbors = {k} but there are only {rows} training rows"
        )));
    }
    let weight = match params.str("weights")? {
        "distance" => KNNWeightFunction::Distance,
        _ => KNNWeightFunction::Uniform,
    };
    Ok((k, weight))
}

pub fn knn_regressor(
    params: &Params,
    x: ArrayView2<f64>,
    y: ArrayView1<f64>,
) -> Result<KnnRegressor> {
    let (k, weight) = settings(params, x.nrows())?;
    let p = KNNRegressorParameters::default()
        .with_k(k)
        .with_weight(weight);
    Ok(KnnRegressor(
        KNNRegressor::fit(&dense(x)?, &y.to_vec(), p).map_err(smartcore_error)?,
    ))
}

impl KnnRegressor {
    pub fn predict(&self, x: ArrayView2<f64>) -> Result<Array1<f64>> {
        Ok(Array1::from(
            self.0.predict(&dense(x)?).map_err(smartcore_error)?,
        ))
    }
}

pub fn knn_classifier(
    params: &Params,
    x: ArrayView2<f64>,
    y: ArrayView1<usize>,
) -> Result<KnnClassifier> {
    let (k, weight) = settings(params, x.nrows())?;
    let p = KNNClassifierParameters::default()
        .with_k(k)
        .with_weight(weight);
    let y: Vec<u32> = y.iter().map(|&c| c as u32).collect();
    Ok(KnnClassifier(
        KNNClassifier::fit(&dense(x)?, &y, p).map_err(smartcore_error)?,
    ))
}

impl KnnClassifier {
    pub fn predict(&self, x: ArrayView2<f64>) -> Result<Vec<usize>> {
        Ok(self
            .0
            .predict(&dense(x)?)
            .map_err(smartcore_error)?
            .into_iter()
            .map(|c| c as usize)
            .collect())
    }

    /// Columns follow the classes present in the training rows.
    pub fn predict_proba(&self, x: ArrayView2<f64>) -> Result<Array2<f64>> {
        let rows = self.0.predict_proba(&dense(x)?).map_err(smartcore_error)?;
        let cols = rows.first().map_or(0, Vec::len);
        Array2::from_shape_vec((rows.len(), cols), rows.into_iter().flatten().collect())
            .map_err(|e| Error::fit(format!("knn: {e}")))
    }
}
