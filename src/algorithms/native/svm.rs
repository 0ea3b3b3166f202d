//! Support vector machines (linfa-svm): epsilon-SVR, and C-SVC made multiclass one-vs-one as
//! scikit-learn's SVC does. Kernels: rbf (with sklearn's gamma rules) and linear.

use linfa::prelude::*;
use linfa_svm::{ExitReason, Svm, SvmParams};
use ndarray::{Array1, ArrayView1, ArrayView2, Axis};
use serde::{Deserialize, Serialize};

use super::{linfa_error, model, Classes};
use crate::algorithms::params::Params;
use crate::error::{Error, Result};

#[derive(Serialize, Deserialize)]
pub struct SvrModel(Svm<f64, f64>);

/// One binary machine per pair of classes `(a, b)`; it answers `true` for `a`.
#[derive(Serialize, Deserialize)]
pub struct SvcModel(Vec<(usize, usize, Svm<f64, bool>)>);

/// Kernel and solver settings shared by both tasks.
fn configure<T>(
    params: &Params,
    x: ArrayView2<f64>,
    svm: SvmParams<f64, T>,
) -> Result<SvmParams<f64, T>> {
    let svm = svm
        .eps(params.f64("tol")?)
        .shrinking(params.bool("shrinking")?);
    Ok(match params.str("kernel")? {
        "linear" => svm.linear_kernel(),
        _ => {
            let gamma = match params.raw("gamma")?.as_str() {
                Some("auto") => 1.0 / x.ncols() as f64,
                Some(_) => {
                    let variance = x.var(0.0);
                    if variance > 0.0 {
                        1.0 / (x.ncols() as f64 * variance)
                    } else {
                        1.0
                    }
                }
                None => params.f64("gamma")?,
            };
            // linfa's gaussian kernel is exp(-|x - y|² / eps).
            svm.gaussian_kernel(1.0 / gamma)
        }
    })
}

pub fn svr(params: &Params, x: ArrayView2<f64>, y: ArrayView1<f64>) -> Result<SvrModel> {
    // linfa refuses an epsilon of 0 (as "Negative C value"), which scikit-learn takes: the
    // smallest positive one is the same tube to every digit.
    let epsilon = params.f64("epsilon")?.max(f64::MIN_POSITIVE);
    let svm = Svm::<f64, f64>::params().c_svr(params.f64("C")?, Some(epsilon));
    let model = configure(params, x, svm)?
        .fit(&DatasetBase::new(x.to_owned(), y.to_owned()))
        .map_err(linfa_error)?;
    warn_if_stopped_early(&model, "svm", params)?;
    Ok(SvrModel(model))
}

/// The solver's iteration limit (libsvm's: max(10^7, 100 x rows)) ends a fit whose `tol` it
/// cannot reach, as libsvm does, with its warning.
fn warn_if_stopped_early<T>(machine: &Svm<f64, T>, what: &str, params: &Params) -> Result<()> {
    if *machine.exit_reason() == ExitReason::ReachedIterations {
        crate::error::warn(&format!(
            "{what} stopped at its iteration limit ({} iterations) before reaching tol={:e}; \
             it may not be at the optimum (a larger tol, or scaled features, converge)",
            machine.iterations(),
            params.f64("tol")?
        ));
    }
    Ok(())
}

impl SvrModel {
    pub fn predict(&self, x: ArrayView2<f64>) -> Array1<f64> {
        self.0.predict(&x)
    }
}

pub fn svc(
    params: &Params,
    x: ArrayView2<f64>,
    y: ArrayView1<usize>,
    classes: &Classes,
) -> Result<SvcModel> {
    let c = params.f64("C")?;
    let mut machines = Vec::new();
    for (i, &a) in classes.present.iter().enumerate() {
        for &b in &classes.present[i + 1..] {
            let rows: Vec<usize> = (0..y.len()).filter(|&r| y[r] == a || y[r] == b).collect();
            let targets: Array1<bool> = rows.iter().map(|&r| y[r] == a).collect();
            let svm = configure(params, x, Svm::<f64, bool>::params().pos_neg_weights(c, c))?;
            let machine = svm
                .fit(&DatasetBase::new(x.select(Axis(0), &rows), targets))
                .map_err(|e| Error::fit(format!("svm (classes {a} vs {b}): {e}")))?;
            warn_if_stopped_early(&machine, &format!("svm (classes {a} vs {b})"), params)?;
            machines.push((a, b, machine));
        }
    }
    Ok(SvcModel(machines))
}

impl SvcModel {
    /// Majority vote of the pairwise machines; ties go to the lower class, as in libsvm.
    pub fn predict(&self, x: ArrayView2<f64>, classes: &Classes) -> Vec<usize> {
        let mut votes = vec![vec![0u32; classes.count]; x.nrows()];
        for (a, b, machine) in &self.0 {
            let said_a: Array1<bool> = machine.predict(&x);
            for (row, &is_a) in said_a.iter().enumerate() {
                votes[row][if is_a { *a } else { *b }] += 1;
            }
        }
        votes
            .iter()
            .map(|v| {
                v.iter()
                    .enumerate()
                    .fold(
                        (0, 0),
                        |best, (c, &n)| if n > best.1 { (c, n) } else { best },
                    )
                    .0
            })
            .collect()
    }
}

/// A machine's support vectors (or hyperplane) have the model's width and finite weights.
fn check_machine<T>(machine: &Svm<f64, T>, features: usize) -> std::result::Result<(), String> {
    let fields = model::fields(machine)?;
    let plane = fields
        .get("sep_hyperplane")
        .and_then(|p| p.get("Linear").or_else(|| p.get("WeightedCombination")));
    let width = plane.and_then(model::shape).and_then(|s| s.last().copied());
    if width != Some(features) {
        return Err(format!(
            "has support vectors that do not fit {features} features"
        ));
    }
    let numbers = [plane, fields.get("alpha"), fields.get("rho")];
    if !numbers.iter().all(|v| v.is_some_and(model::finite)) {
        return Err("has non-finite support vector weights".into());
    }
    Ok(())
}

impl SvrModel {
    pub fn check(&self, features: usize) -> std::result::Result<(), String> {
        check_machine(&self.0, features)
    }
}

impl SvcModel {
    pub fn check(&self, features: usize, classes: &Classes) -> std::result::Result<(), String> {
        if self.0.is_empty() {
            return Err("has no machines".into());
        }
        for (a, b, machine) in &self.0 {
            if a == b || !classes.present.contains(a) || !classes.present.contains(b) {
                return Err("names classes it was not trained on".into());
            }
            check_machine(machine, features)?;
        }
        Ok(())
    }
}
