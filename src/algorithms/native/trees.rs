//! Decision trees and random forests (smartcore). A forest is kept as one-tree smartcore forests so
//! each tree's vote is visible (smartcore's own forest only gives the majority), which gives
//! probabilities, and the trees are fitted and queried on every core.

use ndarray::{Array1, Array2, ArrayView1, ArrayView2};
use serde::{Deserialize, Serialize};
use smartcore::ensemble::random_forest_classifier::{
    RandomForestClassifier, RandomForestClassifierParameters,
};
use smartcore::ensemble::random_forest_regressor::{
    RandomForestRegressor, RandomForestRegressorParameters,
};
use smartcore::linalg::basic::matrix::DenseMatrix;
use smartcore::tree::decision_tree_classifier::{
    DecisionTreeClassifier, DecisionTreeClassifierParameters, SplitCriterion,
};
use smartcore::tree::decision_tree_regressor::{
    DecisionTreeRegressor, DecisionTreeRegressorParameters,
};

use super::{dense, smartcore_error, Classes};
use crate::algorithms::params::Params;
use crate::error::{Error, Result};

type Matrix = DenseMatrix<f64>;
type OneTreeRegressor = RandomForestRegressor<f64, f64, Matrix, Vec<f64>>;
type OneTreeClassifier = RandomForestClassifier<f64, u32, Matrix, Vec<u32>>;

#[derive(Serialize, Deserialize)]
pub struct ForestRegressor(Vec<OneTreeRegressor>);

#[derive(Serialize, Deserialize)]
pub struct ForestClassifier(Vec<OneTreeClassifier>);

#[derive(Serialize, Deserialize)]
pub struct TreeRegressor(DecisionTreeRegressor<f64, f64, Matrix, Vec<f64>>);

#[derive(Serialize, Deserialize)]
pub struct TreeClassifier(DecisionTreeClassifier<f64, u32, Matrix, Vec<u32>>);

fn depth(params: &Params) -> Result<Option<u16>> {
    Ok(params
        .opt_usize("max_depth")?
        .map(|d| d.min(u16::MAX as usize) as u16))
}

fn criterion(params: &Params) -> Result<SplitCriterion> {
    Ok(match params.str("criterion")? {
        "entropy" => SplitCriterion::Entropy,
        _ => SplitCriterion::Gini,
    })
}

/// Features tried per split, from sklearn's `max_features`: a name, a fraction (float) or a count (integer).
fn features_per_split(params: &Params, features: usize) -> Result<usize> {
    let value = params.raw("max_features")?;
    let count = match value.as_str() {
        Some("sqrt") => (features as f64).sqrt().floor() as usize,
        Some(_) => (features as f64).log2().floor() as usize,
        None if value.is_u64() => params.usize("max_features")?,
        None => {
            let fraction = params.f64("max_features")?;
            if fraction > 1.0 {
                return Err(Error::usage(format!(
                    "max_features {fraction}: a float is a fraction in (0, 1]"
                )));
            }
            (fraction * features as f64).floor() as usize
        }
    };
    Ok(count.clamp(1, features))
}

/// Tree `i`'s seed: distinct per tree, fixed by the run's seed.
fn tree_seed(seed: u64, i: usize) -> u64 {
    seed.wrapping_mul(0x9E37_79B9_7F4A_7C15)
        .wrapping_add(i as u64)
}

/// `work(i)` for every `i < count`, spread over the machine's cores; results in index order.
fn on_all_cores<T: Send>(count: usize, work: impl Fn(usize) -> Result<T> + Sync) -> Result<Vec<T>> {
    let threads = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .min(count)
        .max(1);
    let work = &work;
    let mut results: Vec<(usize, Result<T>)> = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..threads)
            .map(|t| {
                scope.spawn(move || {
                    (t..count)
                        .step_by(threads)
                        .map(|i| (i, work(i)))
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().map_err(|_| Error::fit("a worker thread panicked")))
            .collect::<Result<Vec<_>>>()
    })?
    .into_iter()
    .flatten()
    .collect();
    results.sort_by_key(|(i, _)| *i);
    results.into_iter().map(|(_, r)| r).collect()
}

pub fn forest_regressor(
    params: &Params,
    x: ArrayView2<f64>,
    y: ArrayView1<f64>,
    seed: u64,
) -> Result<ForestRegressor> {
    let (xm, yv) = (dense(x)?, y.to_vec());
    let mut base = RandomForestRegressorParameters::default()
        .with_n_trees(1)
        .with_min_samples_leaf(params.usize("min_samples_leaf")?)
        .with_min_samples_split(params.usize("min_samples_split")?)
        .with_m(features_per_split(params, x.ncols())?);
    base.max_depth = depth(params)?;
    let trees = on_all_cores(params.usize("n_estimators")?, |i| {
        OneTreeRegressor::fit(&xm, &yv, base.clone().with_seed(tree_seed(seed, i)))
            .map_err(smartcore_error)
    })?;
    Ok(ForestRegressor(trees))
}

impl ForestRegressor {
    pub fn predict(&self, x: ArrayView2<f64>) -> Result<Array1<f64>> {
        let xm = dense(x)?;
        let per_tree = on_all_cores(self.0.len(), |i| {
            self.0[i].predict(&xm).map_err(smartcore_error)
        })?;
        let mut mean = Array1::zeros(x.nrows());
        for values in &per_tree {
            mean += &ArrayView1::from(values.as_slice());
        }
        Ok(mean / self.0.len() as f64)
    }
}

pub fn forest_classifier(
    params: &Params,
    x: ArrayView2<f64>,
    y: ArrayView1<usize>,
    seed: u64,
) -> Result<ForestClassifier> {
    let (xm, yv) = (dense(x)?, y.iter().map(|&c| c as u32).collect::<Vec<u32>>());
    let mut base = RandomForestClassifierParameters::default()
        .with_n_trees(1)
        .with_criterion(criterion(params)?)
        .with_min_samples_leaf(params.usize("min_samples_leaf")?)
        .with_min_samples_split(params.usize("min_samples_split")?)
        .with_m(features_per_split(params, x.ncols())?);
    base.max_depth = depth(params)?;
    let trees = on_all_cores(params.usize("n_estimators")?, |i| {
        OneTreeClassifier::fit(&xm, &yv, base.clone().with_seed(tree_seed(seed, i)))
            .map_err(smartcore_error)
    })?;
    Ok(ForestClassifier(trees))
}

impl ForestClassifier {
    /// The share of trees voting for each class.
    pub fn predict_proba(&self, x: ArrayView2<f64>, classes: &Classes) -> Result<Array2<f64>> {
        let xm = dense(x)?;
        let per_tree = on_all_cores(self.0.len(), |i| {
            self.0[i].predict(&xm).map_err(smartcore_error)
        })?;
        let mut votes = Array2::zeros((x.nrows(), classes.count));
        for said in &per_tree {
            for (row, &class) in said.iter().enumerate() {
                votes[[row, class as usize]] += 1.0;
            }
        }
        Ok(votes / self.0.len() as f64)
    }
}

pub fn tree_regressor(
    params: &Params,
    x: ArrayView2<f64>,
    y: ArrayView1<f64>,
    seed: u64,
) -> Result<TreeRegressor> {
    let mut p = DecisionTreeRegressorParameters::default()
        .with_min_samples_leaf(params.usize("min_samples_leaf")?)
        .with_min_samples_split(params.usize("min_samples_split")?);
    p.max_depth = depth(params)?;
    p.seed = Some(seed);
    let tree = DecisionTreeRegressor::fit(&dense(x)?, &y.to_vec(), p).map_err(smartcore_error)?;
    Ok(TreeRegressor(tree))
}

impl TreeRegressor {
    pub fn predict(&self, x: ArrayView2<f64>) -> Result<Array1<f64>> {
        Ok(Array1::from(
            self.0.predict(&dense(x)?).map_err(smartcore_error)?,
        ))
    }
}

pub fn tree_classifier(
    params: &Params,
    x: ArrayView2<f64>,
    y: ArrayView1<usize>,
    seed: u64,
) -> Result<TreeClassifier> {
    let mut p = DecisionTreeClassifierParameters::default()
        .with_criterion(criterion(params)?)
        .with_min_samples_leaf(params.usize("min_samples_leaf")?)
        .with_min_samples_split(params.usize("min_samples_split")?);
    p.max_depth = depth(params)?;
    p.seed = Some(seed);
    let y: Vec<u32> = y.iter().map(|&c| c as u32).collect();
    let tree = DecisionTreeClassifier::fit(&dense(x)?, &y, p).map_err(smartcore_error)?;
    Ok(TreeClassifier(tree))
}

impl TreeClassifier {
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
        let p = self.0.predict_proba(&dense(x)?).map_err(smartcore_error)?;
        let (rows, cols) = smartcore::linalg::basic::arrays::Array::shape(&p);
        Ok(Array2::from_shape_fn((rows, cols), |(r, c)| {
            *smartcore::linalg::basic::arrays::Array::get(&p, (r, c))
        }))
    }
}
