//! Linear models. Regression models are stored as plain coefficients (backend-independent, so a
//! model file never depends on a library's serialized layout); logistic regression as linfa's model.

use linfa::prelude::*;
use linfa_elasticnet::ElasticNet;
use linfa_logistic::{
    FittedLogisticRegression, LogisticRegression, MultiFittedLogisticRegression,
    MultiLogisticRegression,
};
use ndarray::{Array1, Array2, ArrayView1, ArrayView2, Axis};
use ndarray_linalg::{JobSvd, Solve, SVDDC};
use serde::{Deserialize, Serialize};

use super::model::all_finite;
use super::{linfa_error, Classes};
use crate::algorithms::params::Params;
use crate::error::{Error, Result};

#[derive(Serialize, Deserialize)]
pub struct LinearModel {
    coef: Array1<f64>,
    intercept: f64,
}

impl LinearModel {
    pub fn predict(&self, x: ArrayView2<f64>) -> Array1<f64> {
        x.dot(&self.coef) + self.intercept
    }
}

/// Ordinary least squares as scikit-learn solves it: center the columns (with an intercept), then
/// the minimum-norm solution through an SVD (LAPACK's gesdd on the statically linked OpenBLAS),
/// singular values below max(n, p) x eps of the largest taken as zero (numpy's lstsq rule).
/// Collinear columns, such as one-hot columns beside an intercept, then share their weight
/// instead of taking huge opposite coefficients (which made an unseen category, all zeros,
/// predict -9364 on a target of about 30).
pub fn linear_regression(
    params: &Params,
    x: ArrayView2<f64>,
    y: ArrayView1<f64>,
) -> Result<LinearModel> {
    let (x_mean, y_mean) = if params.bool("fit_intercept")? {
        (
            x.mean_axis(Axis(0))
                .unwrap_or_else(|| Array1::zeros(x.ncols())),
            y.mean().unwrap_or(0.0),
        )
    } else {
        (Array1::zeros(x.ncols()), 0.0)
    };
    let xc = &x - &x_mean;
    let yc = &y - y_mean;
    let (u, s, vt) = xc
        .svddc(JobSvd::Some)
        .map_err(|e| Error::fit(format!("linear: the SVD failed ({e})")))?;
    let (u, vt) = match (u, vt) {
        (Some(u), Some(vt)) => (u, vt),
        _ => return Err(Error::fit("linear: the SVD gave no singular vectors")),
    };
    let largest = s.iter().copied().fold(0.0, f64::max);
    let cutoff = largest * f64::EPSILON * x.nrows().max(x.ncols()) as f64;
    let projected = u.t().dot(&yc);
    let scaled: Array1<f64> = projected
        .iter()
        .zip(&s)
        .map(|(p, &s)| if s > cutoff { p / s } else { 0.0 })
        .collect();
    let coef = vt.t().dot(&scaled);
    let intercept = y_mean - x_mean.dot(&coef);
    Ok(LinearModel { coef, intercept })
}

/// Ridge in closed form, as scikit-learn's: minimize ||y - Xw - b||² + alpha ||w||², intercept unpenalized.
pub fn ridge(params: &Params, x: ArrayView2<f64>, y: ArrayView1<f64>) -> Result<LinearModel> {
    let alpha = params.f64("alpha")?;
    let (x_mean, y_mean) = if params.bool("fit_intercept")? {
        (
            x.mean_axis(Axis(0))
                .unwrap_or_else(|| Array1::zeros(x.ncols())),
            y.mean().unwrap_or(0.0),
        )
    } else {
        (Array1::zeros(x.ncols()), 0.0)
    };
    let xc = &x - &x_mean;
    let yc = &y - y_mean;
    let mut gram: Array2<f64> = xc.t().dot(&xc);
    gram.diag_mut().mapv_inplace(|d| d + alpha);
    let coef = gram.solve_into(xc.t().dot(&yc)).map_err(|e| {
        Error::fit(format!(
            "ridge: the system is singular ({e}); use alpha > 0"
        ))
    })?;
    let intercept = y_mean - x_mean.dot(&coef);
    Ok(LinearModel { coef, intercept })
}

/// Lasso (l1_ratio = 1) and elastic net by coordinate descent, with scikit-learn's objective:
/// 1/(2n) ||y - Xw - b||² + alpha l1_ratio ||w||₁ + alpha (1 - l1_ratio)/2 ||w||².
pub fn elastic_net(
    params: &Params,
    l1_ratio: f64,
    x: ArrayView2<f64>,
    y: ArrayView1<f64>,
) -> Result<LinearModel> {
    let model = ElasticNet::params()
        .penalty(params.f64("alpha")?)
        .l1_ratio(l1_ratio)
        .with_intercept(params.bool("fit_intercept")?)
        .max_iterations(params.usize("max_iter")?.min(u32::MAX as usize) as u32)
        .tolerance(params.f64("tol")?)
        .fit(&DatasetBase::new(x.to_owned(), y.to_owned()))
        .map_err(linfa_error)?;
    Ok(LinearModel {
        coef: model.hyperplane().clone(),
        intercept: model.intercept(),
    })
}

#[derive(Serialize, Deserialize)]
pub enum LogisticModel {
    Binary(FittedLogisticRegression<f64, usize>),
    Multinomial(MultiFittedLogisticRegression<f64, usize>),
}

/// Logistic regression with scikit-learn's penalty: C scales the loss, so linfa's L2 weight is 1/C.
pub fn logistic(
    params: &Params,
    x: ArrayView2<f64>,
    y: ArrayView1<usize>,
    classes: &Classes,
) -> Result<LogisticModel> {
    let alpha = 1.0 / params.f64("C")?;
    let max_iter = params.usize("max_iter")?.min(u64::MAX as usize) as u64;
    let tol = params.f64("tol")?;
    let intercept = params.bool("fit_intercept")?;
    let data = DatasetBase::new(x, y);
    if classes.present.len() == 2 {
        LogisticRegression::default()
            .alpha(alpha)
            .max_iterations(max_iter)
            .gradient_tolerance(tol)
            .with_intercept(intercept)
            .fit(&data)
            .map(LogisticModel::Binary)
            .map_err(linfa_error)
    } else {
        MultiLogisticRegression::default()
            .alpha(alpha)
            .max_iterations(max_iter)
            .gradient_tolerance(tol)
            .with_intercept(intercept)
            .fit(&data)
            .map(LogisticModel::Multinomial)
            .map_err(linfa_error)
    }
}

impl LogisticModel {
    pub fn predict(&self, x: ArrayView2<f64>) -> Vec<usize> {
        match self {
            LogisticModel::Binary(m) => m.predict(&x).to_vec(),
            LogisticModel::Multinomial(m) => m.predict(&x).to_vec(),
        }
    }

    pub fn predict_proba(&self, x: ArrayView2<f64>, classes: &Classes) -> Array2<f64> {
        let mut proba = Array2::zeros((x.nrows(), classes.count));
        match self {
            LogisticModel::Binary(m) => {
                let positive = m.predict_probabilities(&x);
                let labels = m.labels();
                proba.column_mut(labels.pos.class).assign(&positive);
                proba
                    .column_mut(labels.neg.class)
                    .assign(&positive.mapv(|p| 1.0 - p));
            }
            LogisticModel::Multinomial(m) => {
                let p = m.predict_probabilities(&x);
                for (column, &class) in m.classes().iter().enumerate() {
                    proba.column_mut(class).assign(&p.column(column));
                }
            }
        }
        proba
    }
}

impl LinearModel {
    pub fn check(&self, features: usize) -> std::result::Result<(), String> {
        if self.coef.len() != features {
            return Err(format!(
                "has {} coefficients for {features} features",
                self.coef.len()
            ));
        }
        if !all_finite(self.coef.iter().chain([&self.intercept])) {
            return Err("has non-finite coefficients".into());
        }
        Ok(())
    }
}

impl LogisticModel {
    pub fn check(&self, features: usize, classes: &Classes) -> std::result::Result<(), String> {
        let known = |c: usize| classes.present.contains(&c);
        let (shape_ok, classes_ok, finite) = match self {
            LogisticModel::Binary(m) => {
                let labels = m.labels();
                (
                    m.params().len() == features,
                    known(labels.pos.class)
                        && known(labels.neg.class)
                        && labels.pos.class != labels.neg.class,
                    all_finite(m.params().iter().chain([&m.intercept()])),
                )
            }
            LogisticModel::Multinomial(m) => (
                m.params().dim() == (features, m.classes().len())
                    && m.intercept().len() == m.classes().len(),
                m.classes().len() >= 2 && m.classes().iter().all(|&c| known(c)),
                all_finite(m.params().iter().chain(m.intercept())),
            ),
        };
        match (shape_ok, classes_ok, finite) {
            (false, _, _) => Err(format!(
                "has coefficients that do not fit {features} features"
            )),
            (_, false, _) => Err("names classes it was not trained on".into()),
            (_, _, false) => Err("has non-finite coefficients".into()),
            _ => Ok(()),
        }
    }
}
