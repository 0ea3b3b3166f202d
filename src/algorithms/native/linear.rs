//! Linear models. Regression models are stored as plain coefficients (backend-independent, so a
//! model file never depends on a library's serialized layout); logistic regression by Newton's
//! method in pgml-cli's own layout (`logistic`), or as linfa's model where its L-BFGS fits (C infinite).

use linfa::prelude::*;
use linfa_elasticnet::ElasticNet;
use linfa_logistic::{
    FittedLogisticRegression, LogisticRegression, MultiFittedLogisticRegression,
    MultiLogisticRegression,
};
use ndarray::{s, Array1, Array2, ArrayView1, ArrayView2, ShapeBuilder};
use ndarray_linalg::{AllocatedArray, AllocatedArrayMut, JobSvd, Lapack, Solve, SVDDC};
use serde::{Deserialize, Serialize};

use super::model::all_finite;
use super::{lapack, linfa_error, logistic, Classes};
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

/// Rows folded into the QR triangle at a time: a block of 20 features stays in L2 cache.
const LEAST_SQUARES_BLOCK: usize = 2048;

/// The means that center the columns and the target where the model has an intercept (else
/// zeros), each in two passes (`column_moments`).
fn centers(params: &Params, x: ArrayView2<f64>, y: ArrayView1<f64>) -> Result<(Array1<f64>, f64)> {
    if !params.bool("fit_intercept")? || x.nrows() == 0 {
        return Ok((Array1::zeros(x.ncols()), 0.0));
    }
    let rows = x.nrows() as f64;
    let (x_mean, _) = super::column_moments(x);
    let first = y.sum() / rows;
    let y_mean = first + y.iter().map(|v| v - first).sum::<f64>() / rows;
    Ok((x_mean, y_mean))
}

/// Ordinary least squares as scikit-learn solves it: center the columns (with an intercept), then
/// the minimum-norm solution through a QR and an SVD (LAPACK on the statically linked OpenBLAS),
/// singular values below `tol` (1e-6) x the largest taken as zero, as scikit-learn's `tol` is
/// scipy's lstsq `cond`. Collinear columns, such as one-hot columns beside an intercept, then
/// share their weight instead of taking huge opposite coefficients (which made an unseen
/// category, all zeros, predict -9364 on a target of about 30).
pub fn linear_regression(
    params: &Params,
    x: ArrayView2<f64>,
    y: ArrayView1<f64>,
) -> Result<LinearModel> {
    let (x_mean, y_mean) = centers(params, x, y)?;
    least_squares(x, y, x_mean, y_mean, params.f64("tol")?)
}

/// The minimum-norm least-squares fit of `y - y_mean` on `x - x_mean`, singular values below
/// `cond` x the largest taken as zero.
fn least_squares(
    x: ArrayView2<f64>,
    y: ArrayView1<f64>,
    x_mean: Array1<f64>,
    y_mean: f64,
    cond: f64,
) -> Result<LinearModel> {
    // The rows are folded block by block into the triangle of a QR decomposition of [X y]
    // (TSQR): each Householder pass then runs over a block in cache, where LAPACK's own QR of a
    // tall matrix narrower than its block size made 40 passes over all of it (2M x 20 rows:
    // 2.6 s of a 9 s train). Singular values are the triangle's, which are X's. Blocks are
    // column-major, so each reflector is a contiguous column: the LQ of a row-major block strode
    // across its rows and took 2.5x as long (800k x 20: 0.185 -> 0.073 s).
    let p = x.ncols();
    let mut triangle = Array2::<f64>::zeros((0, p + 1));
    for start in (0..x.nrows()).step_by(LEAST_SQUARES_BLOCK) {
        let end = (start + LEAST_SQUARES_BLOCK).min(x.nrows());
        let mut stacked = Array2::<f64>::zeros((triangle.nrows() + end - start, p + 1).f());
        let above = triangle.nrows();
        stacked.slice_mut(s![..above, ..]).assign(&triangle);
        let mut rows = stacked.slice_mut(s![above.., ..p]);
        rows.assign(&x.slice(s![start..end, ..]));
        rows -= &x_mean;
        let mut target = stacked.slice_mut(s![above.., p]);
        target.assign(&y.slice(s![start..end]));
        target -= y_mean;
        triangle = upper_triangle(stacked)?;
    }
    // R copied (p x p at most) into a fresh array: a one-row R sliced or copied by ndarray has
    // strides (0, 0), which ndarray-linalg refuses (a one-row fit failed "invalid stride").
    let r = Array2::from_shape_fn((triangle.nrows(), p), |(i, j)| triangle[[i, j]]);
    let z = triangle.column(p);
    let (u, s, vt) = lapack(|| r.svddc(JobSvd::Some))
        .map_err(|e| Error::fit(format!("linear: the SVD failed ({e})")))?;
    let (u, vt) = match (u, vt) {
        (Some(u), Some(vt)) => (u, vt),
        _ => return Err(Error::fit("linear: the SVD gave no singular vectors")),
    };
    let largest = s.iter().copied().fold(0.0, f64::max);
    let cutoff = largest * cond;
    let projected = u.t().dot(&z);
    let scaled: Array1<f64> = projected
        .iter()
        .zip(&s)
        .map(|(p, &s)| if s > cutoff { p / s } else { 0.0 })
        .collect();
    let coef = vt.t().dot(&scaled);
    let intercept = y_mean - x_mean.dot(&coef);
    Ok(LinearModel { coef, intercept })
}

/// R of the QR decomposition of `a` (as many rows as it has columns, or fewer): LAPACK's
/// Householder reflections alone, without forming Q, which took as long again.
fn upper_triangle(mut a: Array2<f64>) -> Result<Array2<f64>> {
    let failed = |e: ndarray_linalg::error::LinalgError| {
        Error::fit(format!("linear: the QR decomposition failed ({e})"))
    };
    let layout = a.layout().map_err(failed)?;
    let values = a.as_allocated_mut().map_err(failed)?;
    lapack(|| f64::householder(layout, values)).map_err(|e| failed(e.into()))?;
    // A row-major matrix is factored as the LQ of its transpose: R is then in the upper triangle
    // of the rows, as it is for a column-major one.
    let k = a.nrows().min(a.ncols());
    Ok(Array2::from_shape_fn((k, a.ncols()), |(i, j)| {
        if j >= i {
            a[[i, j]]
        } else {
            0.0
        }
    }))
}

/// Ridge in closed form, as scikit-learn's: minimize ||y - Xw - b||² + alpha ||w||², intercept unpenalized.
pub fn ridge(params: &Params, x: ArrayView2<f64>, y: ArrayView1<f64>) -> Result<LinearModel> {
    let alpha = params.f64("alpha")?;
    let (x_mean, y_mean) = centers(params, x, y)?;
    if alpha == 0.0 {
        // No penalty: ordinary least squares, whose minimum-norm solution stands where the
        // normal equations are singular (they returned coefficients 19 off on 20 x 40).
        let cond = f64::EPSILON * x.nrows().max(x.ncols()) as f64;
        return least_squares(x, y, x_mean, y_mean, cond);
    }
    let xc = &x - &x_mean;
    let yc = &y - y_mean;
    let mut gram: Array2<f64> = xc.t().dot(&xc);
    gram.diag_mut().mapv_inplace(|d| d + alpha);
    let rhs = xc.t().dot(&yc);
    let coef = lapack(|| gram.solve_into(rhs)).map_err(|e| {
        Error::fit(format!(
            "ridge: the system is singular ({e}); use alpha > 0"
        ))
    })?;
    let intercept = y_mean - x_mean.dot(&coef);
    Ok(LinearModel { coef, intercept })
}

/// Lasso (l1_ratio = 1) and elastic net by coordinate descent, with scikit-learn's objective:
/// 1/(2n) ||y - Xw - b||² + alpha l1_ratio ||w||₁ + alpha (1 - l1_ratio)/2 ||w||².
/// The unpenalized intercept comes from centering X and y here: linfa's own intercept centers y
/// only, which fits another model wherever the features' means are not 0.
pub fn elastic_net(
    params: &Params,
    l1_ratio: f64,
    x: ArrayView2<f64>,
    y: ArrayView1<f64>,
) -> Result<LinearModel> {
    let (x_mean, y_mean) = centers(params, x, y)?;
    let model = ElasticNet::params()
        .penalty(params.f64("alpha")?)
        .l1_ratio(l1_ratio)
        .with_intercept(false)
        .max_iterations(params.usize("max_iter")?.min(u32::MAX as usize) as u32)
        .tolerance(params.f64("tol")?)
        .fit(&DatasetBase::new(&x - &x_mean, &y - y_mean))
        .map_err(linfa_error)?;
    let coef = model.hyperplane().clone();
    let intercept = y_mean - x_mean.dot(&coef);
    Ok(LinearModel { coef, intercept })
}

/// Variants are appended, never reordered: a stored model names its variant by position.
#[derive(Serialize, Deserialize)]
pub enum LogisticModel {
    Binary(FittedLogisticRegression<f64, usize>),
    Multinomial(MultiFittedLogisticRegression<f64, usize>),
    /// Fitted by Newton's method (pgml-cli's own layout).
    Newton(logistic::Logistic),
}

/// Logistic regression with scikit-learn's penalty: by Newton's method, or without a penalty
/// (C infinite) linfa's L-BFGS (C scales the loss, so linfa's L2 weight is 1/C).
pub fn logistic(
    params: &Params,
    x: ArrayView2<f64>,
    y: ArrayView1<usize>,
    classes: &Classes,
) -> Result<LogisticModel> {
    let c = params.f64("C")?;
    let tol = params.f64("tol")?;
    let intercept = params.bool("fit_intercept")?;
    if logistic::newton_fits(c) {
        let max_iter = params.usize("max_iter")?;
        return logistic::fit(x, y, classes, c, intercept, tol, max_iter)
            .map(LogisticModel::Newton);
    }
    let alpha = 1.0 / c;
    let max_iter = params.usize("max_iter")?.min(u64::MAX as usize) as u64;
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
    pub fn predict(&self, x: ArrayView2<f64>, count: usize) -> Vec<usize> {
        match self {
            LogisticModel::Binary(m) => m.predict(&x).to_vec(),
            LogisticModel::Multinomial(m) => m.predict(&x).to_vec(),
            LogisticModel::Newton(m) => m.predict(x, count),
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
            LogisticModel::Newton(m) => return m.predict_proba(x, classes.count),
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
            LogisticModel::Newton(m) => return m.check(features, classes),
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::algorithms::native::Native;

    fn fit(x: ArrayView2<f64>, y: ArrayView1<f64>) -> LinearModel {
        let params = Params::validate(
            "linear",
            Native::LinearRegression.params(),
            &Default::default(),
        )
        .unwrap();
        linear_regression(&params, x, y).unwrap()
    }

    /// Rows folded block by block (5000 rows: three blocks) give the exact least-squares fit.
    #[test]
    fn blocks_of_rows_give_the_least_squares_solution() {
        let x = Array2::from_shape_fn((5000, 3), |(i, j)| ((i * (j + 3)) % 17) as f64 + j as f64);
        let y: Array1<f64> = x
            .rows()
            .into_iter()
            .map(|r| 2.0 * r[0] - r[1] + 0.5 * r[2] + 7.0)
            .collect();
        let model = fit(x.view(), y.view());
        for (c, expected) in model.coef.iter().zip([2.0, -1.0, 0.5]) {
            assert!((c - expected).abs() < 1e-9, "{:?}", model.coef);
        }
        assert!((model.intercept - 7.0).abs() < 1e-9, "{}", model.intercept);
    }

    /// One row and one column: scikit-learn's fit is the intercept alone (the one-row R had
    /// strides LAPACK refused: "the SVD failed (invalid stride)").
    #[test]
    fn one_row_fits_the_intercept() {
        let model = fit(ndarray::arr2(&[[1.0]]).view(), ndarray::arr1(&[2.0]).view());
        assert_eq!((model.coef[0], model.intercept), (0.0, 2.0));
    }

    /// Collinear columns (one-hot beside the intercept) share their weight: a row of zeros, an
    /// unseen category, predicts near the mean instead of far off.
    #[test]
    fn collinear_columns_take_the_minimum_norm_solution() {
        let x = ndarray::arr2(&[[1.0, 0.0], [0.0, 1.0], [1.0, 0.0], [0.0, 1.0]]);
        let y = ndarray::arr1(&[10.0, 20.0, 12.0, 22.0]);
        let model = fit(x.view(), y.view());
        assert!(
            (model.coef[0] + model.coef[1]).abs() < 1e-9,
            "{:?}",
            model.coef
        );
        let unseen = model.predict(ndarray::arr2(&[[0.0, 0.0]]).view())[0];
        assert!((unseen - 16.0).abs() < 1e-9, "{unseen}");
    }

    /// Two columns equal but for noise of 1e-9 are one direction to scikit-learn 1.9 (its `tol`
    /// 1e-6 is lstsq's cond): they share the weight, as there, instead of taking +-2.7e7.
    #[test]
    fn nearly_collinear_columns_share_their_weight_as_in_scikit_learn() {
        let x = Array2::from_shape_fn((4000, 2), |(i, j)| {
            let v = ((i * 7919) % 4001) as f64 / 4001.0 - 0.5;
            v + j as f64 * 1e-9 * (((i * 104_729) % 13) as f64 - 6.0)
        });
        let y: Array1<f64> = x.column(0).iter().map(|v| 2.0 * v + 1.0).collect();
        let model = fit(x.view(), y.view());
        assert!(
            (model.coef[0] - 1.0).abs() < 1e-6 && (model.coef[1] - 1.0).abs() < 1e-6,
            "{:?}",
            model.coef
        );
    }

    /// The mean of a column around 1e12 is found to its last digit: one running sum was further
    /// off than scikit-learn's pairwise sums, and the intercept with it (200k rows around 1e12:
    /// predictions 0.011 off, now 0.0007, scikit-learn's 0.0005).
    #[test]
    fn a_column_far_from_zero_has_its_mean_to_the_last_digit() {
        let offset = 1e12;
        let x = Array2::from_shape_fn((200_000, 3), |(i, j)| {
            let u = ((i * (7919 + j * 2)) % 200_003) as f64 / 200_003.0 - 0.5;
            if j == 0 {
                offset + u * 1000.0
            } else {
                u
            }
        });
        let y = Array1::from_elem(x.nrows(), 1.0);
        let params = Params::validate(
            "linear",
            Native::LinearRegression.params(),
            &Default::default(),
        )
        .unwrap();
        let (means, _) = centers(&params, x.view(), y.view()).unwrap();
        // x - offset is exact for these cells, and a sum of small numbers is accurate.
        let exact = offset + x.column(0).iter().map(|v| v - offset).sum::<f64>() / x.nrows() as f64;
        // Rounded to nearest: within half of the relative precision (one running sum was 1.2e-4 off).
        let error = (means[0] - exact).abs();
        assert!(error <= offset * f64::EPSILON / 2.0, "{error}");
    }

    /// Ridge without a penalty on more columns than rows: the minimum-norm least-squares fit,
    /// not whatever a singular system's LU gives.
    #[test]
    fn ridge_without_penalty_is_least_squares() {
        let x = Array2::from_shape_fn((20, 40), |(i, j)| ((i * 31 + j * 17) % 23) as f64 - 11.0);
        let y: Array1<f64> = (0..20).map(|i| ((i * 13) % 7) as f64).collect();
        let params = Params::validate(
            "ridge",
            Native::Ridge.params(),
            &serde_json::from_str(r#"{"alpha": 0.0}"#).unwrap(),
        )
        .unwrap();
        let ridge = ridge(&params, x.view(), y.view()).unwrap();
        let least = fit(x.view(), y.view());
        for (a, b) in ridge.coef.iter().zip(&least.coef) {
            assert!((a - b).abs() < 1e-9, "{a} {b}");
        }
    }

    /// Fits on two threads at once (as cross-validation runs folds) give the one-thread result to
    /// the bit: the single-threaded OpenBLAS shares its work buffers between callers, and without
    /// the lock around LAPACK such fits came out wrong, differently on each run.
    #[test]
    fn fits_on_two_threads_at_once_equal_the_fit_alone() {
        let x = Array2::from_shape_fn((40_000, 20), |(i, j)| {
            (((i * 31 + j * 17) % 101) as f64 - 50.0) / 7.0 + ((i * j) % 13) as f64
        });
        let y: Array1<f64> = x
            .rows()
            .into_iter()
            .enumerate()
            .map(|(i, r)| r.sum() * 0.3 - r[3] + (i % 7) as f64)
            .collect();
        let alone = fit(x.view(), y.view());
        let bits = |m: &LinearModel| -> Vec<u64> {
            m.coef
                .iter()
                .chain([&m.intercept])
                .map(|v| v.to_bits())
                .collect()
        };
        std::thread::scope(|scope| {
            let runs: Vec<_> = (0..2)
                .map(|_| {
                    crate::memory::spawn_scoped(scope, || {
                        (0..8)
                            .map(|_| bits(&fit(x.view(), y.view())))
                            .collect::<Vec<_>>()
                    })
                })
                .collect();
            for run in runs {
                for fitted in run.join().unwrap() {
                    assert_eq!(fitted, bits(&alone));
                }
            }
        });
    }
}
