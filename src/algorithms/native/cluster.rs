//! Clustering: k-means (linfa, k-means++ with restarts) and DBSCAN (smartcore, which can assign
//! new points to the clusters it found).

use linfa::prelude::*;
use linfa_clustering::KMeans;
use linfa_nn::distance::L2Dist;
use ndarray::ArrayView2;
use rand::SeedableRng;
use rand_xoshiro::Xoshiro256Plus;
use serde::{Deserialize, Serialize};
use smartcore::cluster::dbscan::{DBSCANParameters, DBSCAN};
use smartcore::linalg::basic::matrix::DenseMatrix;
use smartcore::metrics::distance::euclidian::Euclidian;

use super::{dense, linfa_error, smartcore_error};
use crate::algorithms::params::Params;
use crate::error::{Error, Result};

#[derive(Serialize, Deserialize)]
pub struct KMeansModel(KMeans<f64, L2Dist>);

#[derive(Serialize, Deserialize)]
pub struct DbscanModel(DBSCAN<f64, i32, DenseMatrix<f64>, Vec<i32>, Euclidian<f64>>);

pub fn kmeans(params: &Params, x: ArrayView2<f64>, seed: u64) -> Result<KMeansModel> {
    let clusters = params.usize("n_clusters")?;
    if clusters > x.nrows() {
        return Err(Error::fit(format!(
            "kmeans: n_clusters = {clusters} but there are only {} training rows",
            x.nrows()
        )));
    }
    let model = KMeans::params_with_rng(clusters, Xoshiro256Plus::seed_from_u64(seed))
        .max_n_iterations(params.usize("max_iter")? as u64)
        .tolerance(params.f64("tol")?)
        .n_runs(params.usize("n_init")?)
        .fit(&DatasetBase::from(x.to_owned()))
        .map_err(linfa_error)?;
    Ok(KMeansModel(model))
}

impl KMeansModel {
    pub fn predict(&self, x: ArrayView2<f64>) -> Vec<i64> {
        self.0.predict(&x).iter().map(|&c| c as i64).collect()
    }
}

pub fn dbscan(params: &Params, x: ArrayView2<f64>) -> Result<DbscanModel> {
    let p = DBSCANParameters::default()
        .with_eps(params.f64("eps")?)
        .with_min_samples(params.usize("min_samples")?);
    Ok(DbscanModel(
        DBSCAN::fit(&dense(x)?, p).map_err(smartcore_error)?,
    ))
}

impl DbscanModel {
    /// smartcore numbers clusters from 1 and uses 0 for noise; sklearn's convention is 0.. and -1.
    pub fn predict(&self, x: ArrayView2<f64>) -> Result<Vec<i64>> {
        let labels = self.0.predict(&dense(x)?).map_err(smartcore_error)?;
        Ok(labels.into_iter().map(|c| c as i64 - 1).collect())
    }
}
