//! Gaussian naive Bayes (linfa-bayes).

use linfa::prelude::*;
use linfa_bayes::{GaussianNb, NaiveBayes};
use ndarray::{Array2, ArrayView1, ArrayView2};
use serde::{Deserialize, Serialize};

use super::{linfa_error, model, Classes};
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

impl GaussianNbModel {
    /// Per class: means and variances of the model's width, variances positive (a zero variance
    /// makes every likelihood NaN, which linfa's argmax then panics on).
    pub fn check(&self, features: usize, classes: &Classes) -> std::result::Result<(), String> {
        let fields = model::fields(&self.0)?;
        let info = fields
            .get("class_info")
            .and_then(|i| i.as_object())
            .ok_or("has no classes")?;
        if info.len() < 2 {
            return Err("has fewer than two classes".into());
        }
        for (class, stats) in info {
            if !class
                .parse::<usize>()
                .is_ok_and(|c| classes.present.contains(&c))
            {
                return Err("names classes it was not trained on".into());
            }
            for field in ["theta", "sigma"] {
                let values = stats.get(field).ok_or("misses class statistics")?;
                if model::shape(values) != Some(vec![features]) || !model::finite(values) {
                    return Err(format!(
                        "has class statistics that do not fit {features} features"
                    ));
                }
            }
            let positive = stats
                .pointer("/sigma/data")
                .and_then(|d| d.as_array())
                .is_some_and(|d| d.iter().all(|v| v.as_f64().is_some_and(|v| v > 0.0)));
            if !positive || !stats.get("prior").is_some_and(model::finite) {
                return Err("has zero variances: every feature is constant within a class".into());
            }
        }
        Ok(())
    }
}
