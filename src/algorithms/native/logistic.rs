//! Logistic regression by Newton's method: scikit-learn's objective (L2 penalty 1/(2C) on the
//! coefficients, none on the intercept; multinomial softmax over every class for more than two).
//! A handful of passes over the rows, where L-BFGS takes dozens; the solution is the objective's
//! unique minimum, so probabilities equal scikit-learn's (lbfgs) wherever scikit-learn converges.
//!
//! Each step solves the Newton system exactly (the Hessian, Cholesky through LAPACK) while the
//! Hessian is small; past `EXACT_HESSIAN_VARIABLES` variables by preconditioned conjugate
//! gradients on Hessian-vector products (Newton-CG, as liblinear and scikit-learn's newton-cg),
//! which cost a few passes over the rows each and never form the Hessian, whose
//! (classes x (features + 1))^2 entries would dominate. Without a penalty (C infinite: no
//! unique minimum on separable data), linfa's L-BFGS fits.

use ndarray::{s, Array1, Array2, ArrayView1, ArrayView2, Axis, Zip};
use ndarray_linalg::{FactorizeC, SolveC, UPLO};
use serde::{Deserialize, Serialize};

use super::model::{all_finite, argmax_rows};
use super::Classes;
use crate::error::{Error, Result};

/// Up to this many variables a step forms the Hessian and solves it exactly; past it conjugate
/// gradients are faster. Measured on 100k rows x 20 features: equal at 2, 3 and 5 classes (21 to
/// 105 variables), conjugate gradients 1.6x faster at 10 classes (210), 6x on 1,437 x 64 with
/// 10 classes (650).
const EXACT_HESSIAN_VARIABLES: usize = 128;

/// Conjugate-gradient iterations per Newton step at most (scikit-learn's newton-cg `maxinner`).
const MAX_CG_ITERATIONS: usize = 200;

/// From this many rows, a fit starts from the minimum on every `WARM_START_STRIDE`th row.
const WARM_START_ROWS: usize = 32_768;
const WARM_START_STRIDE: usize = 8;

/// Rows per block when accumulating gradient and Hessian: bounded scratch memory at any row count.
const BLOCK_ROWS: usize = 4096;

/// A fitted model: `coef` is features x columns, one column (the logit of `classes[1]`) for two
/// classes, one per class (softmax) for more.
#[derive(Serialize, Deserialize, Debug, Clone)]
pub struct Logistic {
    coef: Array2<f64>,
    intercept: Array1<f64>,
    classes: Vec<usize>,
}

/// Why Newton's method stopped.
#[derive(Debug, PartialEq)]
enum Stop {
    Converged,
    /// `max_iter` steps were taken.
    Iterations,
    /// No step lowered the loss while the gradient was above `tol`.
    Stalled {
        gradient: f64,
    },
}

/// The unpenalized log loss and its derivatives at one point. Variables are in column-major
/// order: column k's coefficients, then its intercept.
struct Pass {
    loss: f64,
    gradient: Array1<f64>,
    curvature: Curvature,
}

/// What a pass knows of the second derivatives.
enum Curvature {
    /// The whole Hessian.
    Hessian(Array2<f64>),
    /// Its diagonal (the conjugate gradients' preconditioner), for products by `hessian_times`
    /// with each block's probabilities where `keeps_probabilities`.
    Diagonal {
        diagonal: Array1<f64>,
        probabilities: Option<Vec<Array2<f64>>>,
    },
}

/// Whether Newton's method fits this problem (else L-BFGS).
pub fn newton_fits(c: f64) -> bool {
    c.is_finite()
}

/// Fits on rows `x` with class indices `y` (into `classes.count`; `classes.present` those seen).
pub fn fit(
    x: ArrayView2<f64>,
    y: ArrayView1<usize>,
    classes: &Classes,
    c: f64,
    fit_intercept: bool,
    tol: f64,
    max_iter: usize,
) -> Result<Logistic> {
    let present = &classes.present;
    let columns = if present.len() == 2 { 1 } else { present.len() };
    let p = x.ncols();
    let width = p + 1;
    // Column of each row's class among `present` (softmax), or 1.0/0.0 for the positive class.
    let mut column_of = vec![usize::MAX; classes.count];
    for (i, &class) in present.iter().enumerate() {
        column_of[class] = i;
    }
    let target: Vec<usize> = y.iter().map(|&c| column_of[c]).collect();
    let penalty = 1.0 / c;
    // A column far from zero beside the intercept (years, timestamps) is nearly collinear with
    // it: steps along the two lose digits, and fits stopped up to 0.84 in probabilities from
    // the minimum (a column of spread 1 around 1e9). So the fit runs on centered columns, an
    // exact reparametrization (the intercept is unpenalized), and the intercept takes the means
    // back at the end; only where some column lies further from zero than its spread, so
    // standardized data is not copied.
    let means = if fit_intercept {
        let (means, spread) = super::column_moments(x);
        let off = means.iter().zip(&spread).any(|(m, s)| m.abs() > *s);
        off.then_some(means)
    } else {
        None
    };
    let centered = match &means {
        Some(means) => {
            let cells = crate::memory::zeroed(x.len()).ok_or_else(|| {
                Error::fit("logistic regression: no memory for a centered copy of the features")
            })?;
            let mut centered = Array2::from_shape_vec(x.raw_dim(), cells)
                .map_err(|e| Error::fit(e.to_string()))?;
            centered.assign(&x);
            centered -= means;
            Some(centered)
        }
        None => None,
    };
    let x = match &centered {
        Some(c) => c.view(),
        None => x.view(),
    };
    let problem = Problem {
        x: x.view(),
        target: &target,
        columns,
        fit_intercept,
        exact_hessian: columns * width <= EXACT_HESSIAN_VARIABLES,
    };
    // Many rows: Newton's method first on every `WARM_START_STRIDE`th row (its penalty scaled
    // to the share of rows, so its minimum lies near the full one), then on all rows from there,
    // where a step or two reaches the same unique minimum (the stopping test is the same, on
    // every row). The early steps, far from the minimum, then cost an eighth of a pass each.
    // A class the sample lacks would start with its intercept far towards minus infinity, from
    // where the steps crawl (a class of 15 rows in 200k, none of them every 8th: 100 steps and
    // a wrong answer): then the fit starts from zero.
    let rows: Vec<usize> = (0..x.nrows()).step_by(WARM_START_STRIDE).collect();
    let sampled = |column: usize| rows.iter().any(|&i| target[i] == column);
    let start = if x.nrows() >= WARM_START_ROWS && (0..present.len()).all(sampled) {
        let sub_x = x.select(Axis(0), &rows);
        let sub_target: Vec<usize> = rows.iter().map(|&i| target[i]).collect();
        let sub = Problem {
            x: sub_x.view(),
            target: &sub_target,
            ..problem
        };
        let share = rows.len() as f64 / x.nrows() as f64;
        let zeros = Array1::zeros(columns * width);
        sub.newton(zeros, penalty * share, tol, max_iter)
            .ok()
            .map(|(w, _)| w)
            .filter(|w| all_finite(w.iter()))
    } else {
        None
    };
    let start = start.unwrap_or_else(|| Array1::zeros(columns * width));
    let (w, stop) = problem.newton(start, penalty, tol, max_iter)?;
    if !all_finite(w.iter()) {
        return Err(Error::fit(
            "logistic regression diverged (non-finite coefficients)",
        ));
    }
    match stop {
        Stop::Converged => {}
        Stop::Iterations => crate::error::warn(&format!(
            "logistic regression did not converge in max_iter={max_iter} Newton steps"
        )),
        Stop::Stalled { gradient } => crate::error::warn(&format!(
            "logistic regression stopped short of tol={tol}: the loss no longer decreases at \
             floating-point precision (gradient {gradient:.1e} per row); features far from zero or \
             of very different scales cause this: scale them \
             (--preprocess '{{\"*\": {{\"scale\": \"standard\"}}}}')"
        )),
    }
    let (coef, mut intercept) = unpack(&w, p, columns, fit_intercept);
    if let Some(means) = &means {
        intercept -= &means.dot(&coef);
    }
    Ok(Logistic {
        coef,
        intercept,
        classes: present.clone(),
    })
}

/// The rows a fit sees: features, each row's class column, and the model's shape.
#[derive(Clone, Copy)]
struct Problem<'a> {
    x: ArrayView2<'a, f64>,
    target: &'a [usize],
    columns: usize,
    fit_intercept: bool,
    /// Whether each step forms the Hessian (else conjugate gradients).
    exact_hessian: bool,
}

impl Problem<'_> {
    /// Newton's method from `w` with L2 penalty `penalty` on the coefficients: the weights and
    /// why it stopped.
    fn newton(
        &self,
        mut w: Array1<f64>,
        penalty: f64,
        tol: f64,
        max_iter: usize,
    ) -> Result<(Array1<f64>, Stop)> {
        let Problem {
            x,
            target,
            columns,
            fit_intercept,
            exact_hessian,
        } = *self;
        let p = x.ncols();
        let width = p + 1;
        let n = x.nrows() as f64;
        let objective = |w: &Array1<f64>| -> Result<f64> {
            Ok(loss(x, target, w, columns, fit_intercept)? + penalty_of(w, p, penalty))
        };
        let mut stop = Stop::Iterations;
        // The last step's decrease was below what the loss resolves.
        let mut at_floor = false;
        // The pass at `w` when the last step computed it.
        let mut computed: Option<Pass> = None;
        for _ in 0..max_iter {
            let at = match computed.take() {
                Some(at) => at,
                None => pass(x, target, &w, columns, fit_intercept, exact_hessian)?,
            };
            let mut gradient = at.gradient;
            for (i, g) in gradient.iter_mut().enumerate() {
                if i % width != p {
                    *g += penalty * w[i];
                }
            }
            // What the penalty and the intercepts add to the curvature. The intercept is
            // unpenalized. Softmax intercepts are only defined up to a shared constant: a tiny
            // ridge keeps the Hessian definite, and the gradient along that constant is zero, so
            // the solution does not move. Without an intercept, its variables are pinned at 0
            // (no gradient, unit curvature).
            let pinned = |i: usize| !fit_intercept && i % width == p;
            let diagonal = match &at.curvature {
                Curvature::Hessian(hessian) => hessian.diag().to_owned(),
                Curvature::Diagonal { diagonal, .. } => diagonal.clone(),
            };
            let shift = Array1::from_shape_fn(diagonal.len(), |i| {
                if i % width != p {
                    penalty
                } else {
                    1e-12 * diagonal[i].abs().max(1.0)
                }
            });
            let size = gradient.iter().fold(0.0f64, |m, g| m.max(g.abs())) / n;
            let step = match at.curvature {
                Curvature::Hessian(mut hessian) => {
                    for i in 0..hessian.nrows() {
                        if pinned(i) {
                            hessian.row_mut(i).fill(0.0);
                            hessian.column_mut(i).fill(0.0);
                            hessian[[i, i]] = 1.0;
                        } else {
                            hessian[[i, i]] += shift[i];
                        }
                    }
                    newton_step(&hessian, &gradient)?
                }
                Curvature::Diagonal { probabilities, .. } => {
                    let preconditioner = Array1::from_shape_fn(diagonal.len(), |i| {
                        let d = diagonal[i] + shift[i];
                        if pinned(i) || !(d > 0.0 && d.is_finite()) {
                            1.0
                        } else {
                            d
                        }
                    });
                    let times = |v: &Array1<f64>| -> Result<Array1<f64>> {
                        let mut product = hessian_times(
                            x,
                            &w,
                            v,
                            columns,
                            fit_intercept,
                            probabilities.as_deref(),
                        )?;
                        for i in 0..product.len() {
                            product[i] = if pinned(i) {
                                v[i]
                            } else {
                                product[i] + shift[i] * v[i]
                            };
                        }
                        Ok(product)
                    };
                    // scipy's newton-cg forcing term, min(0.5, sqrt(|g|_1 per row)). A step taken
                    // with the gradient already within tol is likely the last: its solve is
                    // tightened to |g|_1 per row, so it lands nearer the minimum (100k x 20, 10
                    // classes, default tol: 9e-6 from it instead of 1.3e-4). Tighter still, to
                    // the largest gradient per row, gained nothing on digits or 5,000 x 3,000
                    // and took 65% longer on the latter.
                    let per_row = gradient.iter().map(|g| g.abs()).sum::<f64>() / n;
                    let forcing = if size <= tol {
                        per_row.min(per_row.sqrt())
                    } else {
                        per_row.sqrt()
                    };
                    conjugate_gradient(times, &gradient, &preconditioner, forcing.min(0.5))?
                }
            };
            // Backtracking (Armijo) on the full objective: Newton's step is 1 near the minimum.
            // The whole step is tried with a full pass, which the next iteration then starts from
            // (one pass over the rows per step, not two); shorter ones with the loss alone.
            let start = at.loss + penalty_of(&w, p, penalty);
            let slope = gradient.dot(&step);
            // The step would lower the loss by about -slope/2 (Newton's decrement). Below what
            // the loss can resolve twice in a row, no step can do better in floating point
            // (before columns were centered, a column around 1e12 kept the gradient above tol
            // for ever: 100 steps, 4 s). Converged if the gradient is within tol, else said to
            // have stalled (a warning), as with a column of spread 1e12. Once is not enough: the
            // step from there still sharpens the weights where the gradient is exact, so at the
            // floor that step is taken whole: the loss cannot tell its decrease from rounding,
            // and a line search on it cut the step short 1e-8 from the minimum.
            let below_floor = -slope <= 16.0 * f64::EPSILON * start.abs();
            if below_floor {
                if at_floor {
                    stop = if size <= tol {
                        Stop::Converged
                    } else {
                        Stop::Stalled { gradient: size }
                    };
                    break;
                }
                at_floor = true;
            } else {
                at_floor = false;
            }
            let whole = &w + &step;
            let tried = pass(x, target, &whole, columns, fit_intercept, exact_hessian)?;
            let mut t = 1.0;
            if below_floor || tried.loss + penalty_of(&whole, p, penalty) <= start + 1e-4 * slope {
                (w, computed) = (whole, Some(tried));
            } else {
                t = 0.5;
                let mut next = &w + &(&step * t);
                let mut higher = objective(&next)? > start + 1e-4 * t * slope;
                while higher && t > 1e-10 {
                    t *= 0.5;
                    next = &w + &(&step * t);
                    higher = objective(&next)? > start + 1e-4 * t * slope;
                }
                w = next;
                // No step along Newton's direction lowers the loss: rounding hides the rest of
                // the way (a column around 1e12), and every further step would search as long
                // (34 loss passes each; 100 of them took 5 s where the fit takes 0.05 s).
                if higher && size > tol {
                    stop = Stop::Stalled { gradient: size };
                    break;
                }
            }
            // Converged to `tol` (scikit-learn's gradient criterion, per row) after this step: it
            // squared the remaining error, so the result is at the minimum, not merely near it.
            // Where the objective is flat (separable classes, a rare class, a large C) a small
            // gradient is still far from the minimum, and the step shows it: it must also have
            // moved the weights by at most sqrt(tol) of their size (at C=1e4 on separable data
            // the gradient test alone stopped at probability 0.64 where the minimum has 0.97).
            let moved = step.iter().fold(0.0f64, |m, s| m.max((t * s).abs()));
            let size_of_w = w.iter().fold(1.0f64, |m, v| m.max(v.abs()));
            if size <= tol && moved <= tol.sqrt() * size_of_w {
                stop = Stop::Converged;
                break;
            }
        }
        Ok((w, stop))
    }
}

/// Solves `hessian · step = -gradient`. Scaled to a unit diagonal first: features of very
/// different scales (dates as seconds beside 0/1 columns) otherwise make the Cholesky
/// factorization fail in floating point. Where it still fails (nearly collinear columns with a
/// weak penalty), a growing ridge damps the step, which the line search then accepts.
fn newton_step(hessian: &Array2<f64>, gradient: &Array1<f64>) -> Result<Array1<f64>> {
    let scale = hessian.diag().mapv(|d| {
        if d > 0.0 && d.is_finite() {
            1.0 / d.sqrt()
        } else {
            1.0
        }
    });
    let scaled = hessian * &scale.view().insert_axis(Axis(1)) * &scale.view().insert_axis(Axis(0));
    let rhs = -(gradient * &scale);
    let mut ridge = 0.0;
    loop {
        let mut damped = scaled.clone();
        damped.diag_mut().mapv_inplace(|d| d + ridge);
        match super::lapack(|| damped.factorizec(UPLO::Lower).and_then(|f| f.solvec(&rhs))) {
            Ok(step) if all_finite(step.iter()) => return Ok(step * &scale),
            _ if ridge < 1e3 => ridge = if ridge == 0.0 { 1e-10 } else { ridge * 100.0 },
            Ok(_) => break,
            Err(e) => {
                return Err(Error::fit(format!(
                    "logistic regression: no Newton step: {e}"
                )))
            }
        }
    }
    Err(Error::fit(
        "logistic regression: no finite Newton step (non-finite features or weights)",
    ))
}

fn penalty_of(w: &Array1<f64>, p: usize, penalty: f64) -> f64 {
    let width = p + 1;
    0.5 * penalty
        * w.iter()
            .enumerate()
            .filter(|(i, _)| i % width != p)
            .map(|(_, v)| v * v)
            .sum::<f64>()
}

/// The unpenalized log loss at `w` (for the line search: no derivatives), as a pass computes it.
fn loss(
    x: ArrayView2<f64>,
    target: &[usize],
    w: &Array1<f64>,
    columns: usize,
    fit_intercept: bool,
) -> Result<f64> {
    let (coef, intercept) = unpack(w, x.ncols(), columns, fit_intercept);
    let parts = by_blocks(x.nrows(), |start, end| {
        let mut z = x.slice(s![start..end, ..]).dot(&coef) + &intercept;
        to_probabilities(&mut z, Some(&target[start..end]))
    })?;
    Ok(parts.into_iter().sum())
}

/// `work(start, end)` for each block of rows, on every core, in the blocks' order (so sums over
/// them do not depend on the number of cores).
fn by_blocks<T: Send>(rows: usize, work: impl Fn(usize, usize) -> T + Sync) -> Result<Vec<T>> {
    super::trees::on_all_cores(rows.div_ceil(BLOCK_ROWS), |b| {
        work(b * BLOCK_ROWS, ((b + 1) * BLOCK_ROWS).min(rows))
    })
}

/// log(1 + e^v) without overflow.
fn log1p_exp(v: f64) -> f64 {
    if v > 0.0 {
        v + (-v).exp().ln_1p()
    } else {
        v.exp().ln_1p()
    }
}

/// Turns a block's logits into probabilities in place (the positive class's for one column,
/// softmax over the columns for more) and returns the log loss of `target` (0 without one).
fn to_probabilities(z: &mut Array2<f64>, target: Option<&[usize]>) -> f64 {
    let mut loss = 0.0;
    for (i, mut row) in z.rows_mut().into_iter().enumerate() {
        let t = target.map(|t| t[i]);
        if row.len() == 1 {
            let v = row[0];
            if let Some(t) = t {
                // log(1 + e^-v) for the positive class, log(1 + e^v) for the negative.
                loss += log1p_exp(if t == 1 { -v } else { v });
            }
            row[0] = 1.0 / (1.0 + (-v).exp());
        } else {
            let top = row.fold(f64::NEG_INFINITY, |m, &v| m.max(v));
            let at_target = t.map(|t| row[t]);
            row.mapv_inplace(|v| (v - top).exp());
            let sum = row.sum();
            if let Some(v) = at_target {
                loss += sum.ln() + top - v;
            }
            row /= sum;
        }
    }
    loss
}

/// Loss, gradient and curvature (the Hessian, or its diagonal past `EXACT_HESSIAN_VARIABLES`)
/// of the unpenalized log loss at `w`, summed over the rows block by block.
fn pass(
    x: ArrayView2<f64>,
    target: &[usize],
    w: &Array1<f64>,
    columns: usize,
    fit_intercept: bool,
    exact: bool,
) -> Result<Pass> {
    let p = x.ncols();
    let (coef, intercept) = unpack(w, p, columns, fit_intercept);
    let keep = !exact && keeps_probabilities(x, columns);
    let parts = by_blocks(x.nrows(), |start, end| {
        let block = x.slice(s![start..end, ..]);
        let target = &target[start..end];
        let mut probs = block.dot(&coef) + &intercept;
        let loss = to_probabilities(&mut probs, Some(target));
        // Residuals: probability - indicator.
        let mut residual = probs.clone();
        for (mut row, &t) in residual.rows_mut().into_iter().zip(target) {
            if columns == 1 {
                row[0] -= f64::from(u8::from(t == 1));
            } else {
                row[t] -= 1.0;
            }
        }
        let gradient = pack(block.t().dot(&residual), residual.sum_axis(Axis(0)));
        let curvature = if exact {
            Curvature::Hessian(hessian_of(block, &probs))
        } else {
            // Per row, x² times the diagonal of diag(p) - p p' (p(1 - p) for one column); summed
            // row by row, not as a product with the block squared: that copy was a block's size
            // (4096 x 3,000 features: 98 MB per core).
            let spread = probs.mapv(|q| q * (1.0 - q));
            let mut diagonal = Array2::<f64>::zeros((block.ncols(), columns));
            let sums = diagonal.as_slice_mut().expect("a new array is contiguous");
            for (row, weights) in block.rows().into_iter().zip(spread.rows()) {
                let weights = weights
                    .as_slice()
                    .expect("a new array's rows are contiguous");
                for (&v, sum) in row.iter().zip(sums.chunks_exact_mut(columns)) {
                    for (s, &w) in sum.iter_mut().zip(weights) {
                        *s += v * v * w;
                    }
                }
            }
            Curvature::Diagonal {
                diagonal: pack(diagonal, spread.sum_axis(Axis(0))),
                probabilities: keep.then(|| vec![probs]),
            }
        };
        Pass {
            loss,
            gradient,
            curvature,
        }
    })?;
    let mut parts = parts.into_iter();
    let mut total = parts
        .next()
        .ok_or_else(|| Error::fit("logistic regression: no rows"))?;
    for part in parts {
        total.loss += part.loss;
        total.gradient += &part.gradient;
        match (&mut total.curvature, part.curvature) {
            (Curvature::Hessian(sum), Curvature::Hessian(h)) => *sum += &h,
            (
                Curvature::Diagonal {
                    diagonal: sum,
                    probabilities: kept,
                },
                Curvature::Diagonal {
                    diagonal,
                    probabilities,
                },
            ) => {
                *sum += &diagonal;
                if let (Some(kept), Some(more)) = (kept, probabilities) {
                    kept.extend(more);
                }
            }
            _ => unreachable!("every block computes the same curvature"),
        }
    }
    if !fit_intercept {
        // The intercepts stay 0: no gradient along them.
        for k in 0..columns {
            total.gradient[k * (p + 1) + p] = 0.0;
        }
    }
    Ok(total)
}

/// Whether a pass keeps every row's probabilities for the Hessian-vector products at its point:
/// each product then skips a matrix product and the exponentials (a third of the fit's time on
/// 40k x 20 with 50 classes), for memory no larger than the features (or 32 MiB).
fn keeps_probabilities(x: ArrayView2<f64>, columns: usize) -> bool {
    x.nrows().saturating_mul(columns) <= x.len().max(1 << 22)
}

/// The Hessian of one block's log loss from its probabilities, over the variables of `pack`.
fn hessian_of(block: ArrayView2<f64>, probs: &Array2<f64>) -> Array2<f64> {
    let (rows, p) = block.dim();
    let (width, columns) = (p + 1, probs.ncols());
    // With a column of ones, so the intercept is one more coefficient.
    let mut xb = Array2::<f64>::ones((rows, width));
    xb.slice_mut(s![.., ..p]).assign(&block);
    if columns == 1 {
        let weight = probs.column(0).mapv(|q| (q * (1.0 - q)).sqrt());
        let scaled = &xb * &weight.insert_axis(Axis(1));
        return scaled.t().dot(&scaled);
    }
    // Block (k, l): X' diag(p_k (δ_kl - p_l)) X.
    let mut h = Array2::<f64>::zeros((columns * width, columns * width));
    for k in 0..columns {
        for l in k..columns {
            let weight: Array1<f64> = probs
                .rows()
                .into_iter()
                .map(|r| r[k] * (f64::from(u8::from(k == l)) - r[l]))
                .collect();
            let weighted = &xb * &weight.insert_axis(Axis(1));
            let part = xb.t().dot(&weighted);
            h.slice_mut(s![k * width..(k + 1) * width, l * width..(l + 1) * width])
                .assign(&part);
            if k != l {
                h.slice_mut(s![l * width..(l + 1) * width, k * width..(k + 1) * width])
                    .assign(&part.t());
            }
        }
    }
    h
}

/// The Hessian of the unpenalized log loss at `w` times `v`, without forming it: per row,
/// x (diag(p) - p p') (V' x) with V `v`'s coefficients (for one column, p(1 - p) x x'v).
fn hessian_times(
    x: ArrayView2<f64>,
    w: &Array1<f64>,
    v: &Array1<f64>,
    columns: usize,
    fit_intercept: bool,
    kept: Option<&[Array2<f64>]>,
) -> Result<Array1<f64>> {
    let p = x.ncols();
    let (coef, intercept) = unpack(w, p, columns, fit_intercept);
    let (along, along_intercept) = unpack(v, p, columns, fit_intercept);
    let parts = by_blocks(x.nrows(), |start, end| {
        let block = x.slice(s![start..end, ..]);
        let computed;
        let probs = match kept {
            Some(kept) => &kept[start / BLOCK_ROWS],
            None => {
                let mut probs = block.dot(&coef) + &intercept;
                to_probabilities(&mut probs, None);
                computed = probs;
                &computed
            }
        };
        let mut r = block.dot(&along) + &along_intercept;
        for (mut ri, pi) in r.rows_mut().into_iter().zip(probs.rows()) {
            // p (u - p'u), which for one column is p (1 - p) u.
            let shared = ri.dot(&pi);
            Zip::from(&mut ri)
                .and(&pi)
                .for_each(|u, &q| *u = q * (*u - shared));
        }
        pack(block.t().dot(&r), r.sum_axis(Axis(0)))
    })?;
    let mut total = Array1::zeros(columns * (p + 1));
    for part in parts {
        total += &part;
    }
    Ok(total)
}

/// Solves `H step = -gradient` approximately by conjugate gradients on products `times(v) = H v`,
/// preconditioned by H's diagonal, until the residual's L1 norm is within `forcing` of the
/// gradient's (at most `MAX_CG_ITERATIONS`). Far from the minimum a rough step does; near it the
/// caller tightens `forcing`, which keeps Newton's fast convergence.
fn conjugate_gradient(
    times: impl Fn(&Array1<f64>) -> Result<Array1<f64>>,
    gradient: &Array1<f64>,
    preconditioner: &Array1<f64>,
    forcing: f64,
) -> Result<Array1<f64>> {
    let magnitude: f64 = gradient.iter().map(|g| g.abs()).sum();
    let enough = forcing * magnitude;
    let mut step = Array1::zeros(gradient.len());
    let mut residual = -gradient;
    let mut z = &residual / preconditioner;
    let mut direction = z.clone();
    let mut rz = residual.dot(&z);
    for i in 0..MAX_CG_ITERATIONS {
        if residual.iter().map(|r| r.abs()).sum::<f64>() <= enough {
            break;
        }
        let product = times(&direction)?;
        let curvature = direction.dot(&product);
        if !(curvature > 0.0 && curvature.is_finite()) {
            // No curvature left along this direction (rounding): the step so far descends, and
            // on the first iteration the preconditioned gradient does.
            return Ok(if i == 0 { direction } else { step });
        }
        let alpha = rz / curvature;
        step.scaled_add(alpha, &direction);
        residual.scaled_add(-alpha, &product);
        z = &residual / preconditioner;
        let next = residual.dot(&z);
        direction = &z + &(direction * (next / rz));
        rz = next;
    }
    Ok(step)
}

/// Per column, its coefficients then its intercept: the layout of the variables.
fn pack(coef: Array2<f64>, intercept: Array1<f64>) -> Array1<f64> {
    let p = coef.nrows();
    let mut out = Array1::zeros(coef.ncols() * (p + 1));
    for (k, column) in coef.columns().into_iter().enumerate() {
        out.slice_mut(s![k * (p + 1)..k * (p + 1) + p])
            .assign(&column);
        out[k * (p + 1) + p] = intercept[k];
    }
    out
}

/// `w` as a coefficient matrix (features x columns) and intercepts.
fn unpack(
    w: &Array1<f64>,
    p: usize,
    columns: usize,
    fit_intercept: bool,
) -> (Array2<f64>, Array1<f64>) {
    let width = p + 1;
    let mut coef = Array2::zeros((p, columns));
    let mut intercept = Array1::zeros(columns);
    for k in 0..columns {
        coef.column_mut(k)
            .assign(&w.slice(s![k * width..k * width + p]));
        if fit_intercept {
            intercept[k] = w[k * width + p];
        }
    }
    (coef, intercept)
}

impl Logistic {
    /// Class probabilities: a column per class of `count`, zeros for classes never seen.
    pub fn predict_proba(&self, x: ArrayView2<f64>, count: usize) -> Array2<f64> {
        let mut z = x.dot(&self.coef) + &self.intercept;
        to_probabilities(&mut z, None);
        let mut proba = Array2::zeros((x.nrows(), count));
        if self.coef.ncols() == 1 {
            let positive = z.column(0);
            proba.column_mut(self.classes[1]).assign(&positive);
            proba
                .column_mut(self.classes[0])
                .assign(&positive.mapv(|p| 1.0 - p));
        } else {
            for (&class, column) in self.classes.iter().zip(z.columns()) {
                proba.column_mut(class).assign(&column);
            }
        }
        proba
    }

    /// The most probable class of each row (the first of equals, as argmax does).
    pub fn predict(&self, x: ArrayView2<f64>, count: usize) -> Vec<usize> {
        argmax_rows(&self.predict_proba(x, count))
    }

    pub fn check(&self, features: usize, classes: &Classes) -> std::result::Result<(), String> {
        let columns = if self.classes.len() == 2 {
            1
        } else {
            self.classes.len()
        };
        if self.coef.nrows() != features
            || self.coef.ncols() != columns
            || self.intercept.len() != columns
        {
            return Err(format!(
                "has coefficients that do not fit {features} features"
            ));
        }
        let mut seen = self.classes.clone();
        seen.sort_unstable();
        seen.dedup();
        if self.classes.len() < 2
            || seen.len() != self.classes.len()
            || !self.classes.iter().all(|c| classes.present.contains(c))
        {
            return Err("names classes it was not trained on".into());
        }
        if !all_finite(self.coef.iter().chain(&self.intercept)) {
            return Err("has non-finite coefficients".into());
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Rows from a known logistic model with noise: 5 features, `classes` classes.
    fn rows(n: usize, classes: usize) -> (Array2<f64>, Array1<usize>) {
        let mut state = 99u64;
        let mut uniform = move || {
            state = state
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            (state >> 11) as f64 / (1u64 << 53) as f64
        };
        let x = Array2::from_shape_fn((n, 5), |_| 4.0 * uniform() - 2.0);
        let y = x
            .rows()
            .into_iter()
            .map(|r| {
                let score = r[0] - 0.5 * r[1] + 0.25 * r[2] * r[3] + uniform();
                ((score + 2.5).max(0.0) as usize * classes / 5).min(classes - 1)
            })
            .collect();
        (x, y)
    }

    /// The largest difference between two models' probabilities on `x`.
    fn apart(a: &Logistic, b: &Logistic, x: ArrayView2<f64>, classes: usize) -> f64 {
        let (a, b) = (a.predict_proba(x, classes), b.predict_proba(x, classes));
        (&a - &b).iter().fold(0.0f64, |m, d| m.max(d.abs()))
    }

    /// Newton's method from zero on every row, with an intercept and the exact Hessian unless
    /// `how` says otherwise.
    fn from_zero(
        x: ArrayView2<f64>,
        y: ArrayView1<usize>,
        classes: usize,
        c: f64,
        tol: f64,
    ) -> Logistic {
        from_zero_by(x, y, classes, c, tol, (true, true))
    }

    /// `from_zero` with `how` = (fit_intercept, exact_hessian).
    fn from_zero_by(
        x: ArrayView2<f64>,
        y: ArrayView1<usize>,
        classes: usize,
        c: f64,
        tol: f64,
        (fit_intercept, exact_hessian): (bool, bool),
    ) -> Logistic {
        let columns = if classes == 2 { 1 } else { classes };
        let target: Vec<usize> = y.to_vec();
        let problem = Problem {
            x: x.view(),
            target: &target,
            columns,
            fit_intercept,
            exact_hessian,
        };
        let (w, stop) = problem
            .newton(Array1::zeros(columns * (x.ncols() + 1)), 1.0 / c, tol, 100)
            .unwrap();
        assert_eq!(stop, Stop::Converged);
        let (coef, intercept) = unpack(&w, x.ncols(), columns, fit_intercept);
        Logistic {
            coef,
            intercept,
            classes: (0..classes).collect(),
        }
    }

    /// Steps by conjugate gradients reach the minimum that steps through the whole Hessian
    /// reach: binary and multinomial, with an intercept and without (its variables pinned at 0),
    /// to 1e-9 in probabilities at tol 1e-10; and to 1e-5 at the default tol 1e-4, where the
    /// last step's tighter solve keeps them at the minimum.
    #[test]
    fn conjugate_gradients_reach_the_exact_minimum() {
        for (classes, fit_intercept, tol, within) in [
            (2, true, 1e-10, 1e-9),
            (4, true, 1e-10, 1e-9),
            (2, false, 1e-10, 1e-9),
            (4, false, 1e-10, 1e-9),
            (2, true, 1e-4, 1e-5),
            (4, true, 1e-4, 1e-5),
        ] {
            let (x, y) = rows(3000, classes);
            let by = |exact| {
                from_zero_by(
                    x.view(),
                    y.view(),
                    classes,
                    1.0,
                    tol,
                    (fit_intercept, exact),
                )
            };
            let (exact, cg) = (by(true), by(false));
            let worst = apart(&exact, &cg, x.view(), classes);
            assert!(
                worst <= within,
                "{classes} classes, intercept {fit_intercept}, tol {tol}: {worst:e} apart"
            );
            if !fit_intercept {
                assert!(cg.intercept.iter().all(|&v| v == 0.0));
            }
        }
    }

    /// A column far from zero changes only the intercept: the fit on it predicts what the fit
    /// without the offset predicts, through the exact Hessian (2 classes) and conjugate gradients
    /// (30 classes, 180 variables). Before columns were centered, an offset of 1e6 left a
    /// multinomial fit 0.30 from its minimum (1e9: 0.84, without a warning).
    #[test]
    fn a_column_far_from_zero_changes_only_the_intercept() {
        for classes in [2, 30] {
            let (x, y) = rows(3000, classes);
            let mut present: Vec<usize> = y.to_vec();
            present.sort_unstable();
            present.dedup();
            let present = Classes {
                count: classes,
                present,
            };
            let mut far = x.clone();
            far.column_mut(0).mapv_inplace(|v| v + 1e6);
            let near = fit(x.view(), y.view(), &present, 1.0, true, 1e-8, 100).unwrap();
            let offset = fit(far.view(), y.view(), &present, 1.0, true, 1e-8, 100).unwrap();
            let (a, b) = (
                near.predict_proba(x.view(), classes),
                offset.predict_proba(far.view(), classes),
            );
            let worst = (&a - &b).iter().fold(0.0f64, |m, d| m.max(d.abs()));
            assert!(worst <= 1e-6, "{classes} classes: {worst:e} apart");
        }
    }

    /// A class none of whose rows is every 8th (15 rows in 33,768) leaves the warm start out:
    /// from the sample's minimum its intercept sat far towards minus infinity, and the steps from
    /// there crawled to a wrong answer. The fit equals the one from zero.
    #[test]
    fn a_class_the_sample_lacks_is_fitted_from_zero() {
        let (x, mut y) = rows(WARM_START_ROWS + 1000, 2);
        let mut rare = (0..x.nrows())
            .filter(|&i| i % WARM_START_STRIDE != 0 && x[[i, 0]] > 1.8)
            .take(15);
        for i in rare.by_ref() {
            y[i] = 2;
        }
        let present = Classes {
            count: 3,
            present: vec![0, 1, 2],
        };
        let fitted = fit(x.view(), y.view(), &present, 1.0, true, 1e-4, 100).unwrap();
        let cold = from_zero(x.view(), y.view(), 3, 1.0, 1e-4);
        let worst = apart(&fitted, &cold, x.view(), 3);
        assert!(worst <= 1e-6, "{worst:e} apart");
    }

    /// Separable classes at C=1e4: the objective is flat far from its minimum, where the gradient
    /// test alone stopped (probabilities 0.33 from scikit-learn's at tol 1e-10); the step test
    /// goes on to the minimum.
    #[test]
    fn a_flat_objective_is_followed_to_its_minimum() {
        let x = Array2::from_shape_fn((4000, 2), |(i, j)| {
            (((i * (7919 + 6 * j)) % 4001) as f64 / 4001.0 - 0.5) * 4.0
        });
        let y: Array1<usize> = x
            .rows()
            .into_iter()
            .map(|r| usize::from(r[0] + 0.5 * r[1] > 0.0))
            .collect();
        let present = Classes {
            count: 2,
            present: vec![0, 1],
        };
        let fitted = fit(x.view(), y.view(), &present, 1e4, true, 1e-4, 100).unwrap();
        let exact = from_zero(x.view(), y.view(), 2, 1e4, 1e-12);
        let worst = apart(&fitted, &exact, x.view(), 2);
        assert!(worst <= 1e-4, "{worst:e} apart");
    }

    /// The warm start on every 8th row reaches the minimum that Newton's method from zero on
    /// every row reaches, binary and multinomial: to 1e-10 in probabilities at tol 1e-8, and to
    /// 1e-5 at the default tol 1e-4 (each path stops after a step within the tests, from
    /// different points; scikit-learn's own lbfgs stops 3.7e-3 from its minimum on
    /// breast_cancer at that tol).
    #[test]
    fn a_warm_start_reaches_the_same_minimum() {
        for (classes, tol, within) in [
            (2, 1e-8, 1e-10),
            (3, 1e-8, 1e-10),
            (2, 1e-4, 1e-5),
            (3, 1e-4, 1e-5),
        ] {
            let (x, y) = rows(WARM_START_ROWS + 1000, classes);
            let present = Classes {
                count: classes,
                present: (0..classes).collect(),
            };
            let warm = fit(x.view(), y.view(), &present, 1.0, true, tol, 100).unwrap();
            let cold = from_zero(x.view(), y.view(), classes, 1.0, tol);
            let worst = apart(&warm, &cold, x.view(), classes);
            assert!(
                worst <= within,
                "{classes} classes, tol {tol}: {worst:e} apart"
            );
            let proba = warm.predict_proba(x.view(), classes);
            assert!(
                proba.iter().any(|&p| p > 0.1 && p < 0.9),
                "a trivial problem"
            );
        }
    }
}
