//! Gaussian naive Bayes (linfa-bayes).

use linfa::prelude::*;
use linfa_bayes::{GaussianNb, NaiveBayes};
use ndarray::{Array2, ArrayView1, ArrayView2};
use serde::{Deserialize, Serialize};

use super::{linfa_error, Classes};
use crate::algorithms::params::Params;
use crate::error::Result;

#[derive(Serialize, Deserialize)]
pub struct GaussianNbModel(GaussianNb<f64, usize>);

pub fn gaussian_nb(
    params: &Params,
    x: ArrayView2<f64>,
    y: ArrayView1<usize>,
) -> Result<GaussianNbModel> {
    let model = GaussianNb::params()
        .var_smoothing(params.f64("var_smoothing")?)
        .fit(&DatasetBase::new(x, y))
        .map_err(linfa_error)?;
    Ok(GaussianNbModel(model))
}

impl GaussianNbModel {
    pub fn predict(&self, x: ArrayView2<f64>) -> Vec<usize> {
        self.0.predict(&x).to_vec()
    }

    pub fn predict_proba(&self, x: ArrayView2<f64>, classes: &Classes) -> Array2<f64> {
        let (p, order) = self.0.predict_proba(x);
        let mut proba = Array2::zeros((x.nrows(), classes.count));
        for (column, &&class) in order.iter().enumerate() {
            proba.column_mut(class).assign(&p.column(column));
        }
        proba
    }
}
