//! Clustering: DBSCAN (smartcore, which can assign new points to the clusters it found), and the
//! linfa k-means models of older files (k-means is now fitted by `kmeans`).

use linfa::prelude::*;
use linfa_clustering::KMeans;
use linfa_nn::distance::L2Dist;
use ndarray::ArrayView2;
use serde::{Deserialize, Serialize};
use smartcore::cluster::dbscan::{DBSCANParameters, DBSCAN};
use smartcore::linalg::basic::matrix::DenseMatrix;
use smartcore::metrics::distance::euclidian::Euclidian;

use super::model::all_finite;
use super::{dense, smartcore_error};
use crate::algorithms::params::Params;
use crate::error::{Error, Result};

/// linfa's k-means, as files written before `kmeans` hold it: still read and predicted.
#[derive(Serialize, Deserialize)]
pub struct LinfaKMeans(KMeans<f64, L2Dist>);

impl LinfaKMeans {
    pub fn check(&self, features: usize) -> std::result::Result<(), String> {
        let centroids = self.0.centroids();
        if centroids.ncols() != features || centroids.nrows() == 0 {
            return Err(format!("has centroids that do not fit {features} features"));
        }
        if !all_finite(centroids.iter()) {
            return Err("has non-finite centroids".into());
        }
        Ok(())
    }

    pub fn predict(&self, x: ArrayView2<f64>) -> Vec<i64> {
        self.0.predict(&x).iter().map(|&c| c as i64).collect()
    }
}

/// DBSCAN as smartcore 0.7 fits it, kept in smartcore 0.7's serialized layout (which model files
/// hold) but read into and predicted by this crate: smartcore's own type trusts the indices in its
/// cover tree, so a crafted file could make it panic or loop. The cover tree of older files is
/// read and dropped; predictions search the training rows directly (the same neighbours).
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq)]
pub struct DbscanModel {
    /// Per training row: the cluster (0-based) or -1 for noise.
    cluster_labels: Vec<i16>,
    num_classes: usize,
    knn_algorithm: Neighbours,
    eps: f64,
}

/// smartcore's `KNNAlgorithm`: the training rows, with or without a cover tree over them. Both
/// variants keep smartcore's field order; its distance type serializes to nothing.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq)]
enum Neighbours {
    LinearSearch {
        distance: (),
        data: Vec<Vec<f64>>,
    },
    CoverTree {
        base: f64,
        inv_log_base: f64,
        distance: (),
        root: CoverNode,
        data: Vec<Vec<f64>>,
        identical_excluded: bool,
    },
}

/// A cover-tree node of an older file: read to reach the fields after it, never used.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq)]
struct CoverNode {
    idx: usize,
    max_dist: f64,
    parent_dist: f64,
    children: Vec<CoverNode>,
    scale: i64,
}

pub fn dbscan(params: &Params, x: ArrayView2<f64>) -> Result<DbscanModel> {
    let p = DBSCANParameters::default()
        .with_eps(params.f64("eps")?)
        .with_min_samples(params.usize("min_samples")?);
    let fitted: DBSCAN<f64, i32, DenseMatrix<f64>, Vec<i32>, Euclidian<f64>> =
        DBSCAN::fit(&dense(x)?, p).map_err(smartcore_error)?;
    // Through smartcore's serialized form: the fields are private, the layout is the contract.
    let bytes = postcard::to_stdvec(&fitted).map_err(|e| Error::fit(format!("dbscan: {e}")))?;
    let model: DbscanModel =
        postcard::from_bytes(&bytes).map_err(|e| Error::fit(format!("dbscan: {e}")))?;
    Ok(model.without_tree())
}

impl DbscanModel {
    /// The same model without the cover tree of an older file (never used to predict).
    pub fn without_tree(self) -> Self {
        let knn_algorithm = match self.knn_algorithm {
            Neighbours::CoverTree { data, .. } | Neighbours::LinearSearch { data, .. } => {
                Neighbours::LinearSearch { distance: (), data }
            }
        };
        DbscanModel {
            knn_algorithm,
            ..self
        }
    }

    fn rows(&self) -> &[Vec<f64>] {
        match &self.knn_algorithm {
            Neighbours::LinearSearch { data, .. } | Neighbours::CoverTree { data, .. } => data,
        }
    }

    /// smartcore's rule: the most common label among training rows within `eps` (noise counts as
    /// a label; ties go to the lowest cluster; no neighbour at all gives cluster 0).
    pub fn predict(&self, x: ArrayView2<f64>) -> Vec<i64> {
        let mut votes = vec![0usize; self.num_classes + 1];
        x.rows()
            .into_iter()
            .map(|q| {
                votes.iter_mut().for_each(|v| *v = 0);
                for (row, &label) in self.rows().iter().zip(&self.cluster_labels) {
                    let d2: f64 = row.iter().zip(q).map(|(a, b)| (a - b) * (a - b)).sum();
                    if d2.sqrt() <= self.eps {
                        let slot = usize::try_from(label).unwrap_or(self.num_classes);
                        votes[slot] += 1;
                    }
                }
                let best = (1..votes.len()).fold(0, |b, i| if votes[i] > votes[b] { i } else { b });
                if best == self.num_classes {
                    -1
                } else {
                    best as i64
                }
            })
            .collect()
    }

    /// Labels within the cluster count, rows of the model's width, a usable radius.
    pub fn check(&self, features: usize) -> std::result::Result<(), String> {
        let rows = self.rows();
        if rows.len() != self.cluster_labels.len() {
            return Err(format!(
                "dbscan holds {} rows but {} labels",
                rows.len(),
                self.cluster_labels.len()
            ));
        }
        if let Some(row) = rows.iter().find(|r| r.len() != features) {
            return Err(format!("dbscan row of width {}, not {features}", row.len()));
        }
        if rows.iter().flatten().any(|v| !v.is_finite()) {
            return Err("dbscan rows hold non-finite values".into());
        }
        if self.num_classes > rows.len() {
            return Err(format!("dbscan claims {} clusters", self.num_classes));
        }
        if let Some(l) = self
            .cluster_labels
            .iter()
            .find(|&&l| l < -1 || l as i64 >= self.num_classes as i64)
        {
            return Err(format!("dbscan label {l} out of range"));
        }
        if !(self.eps > 0.0 && self.eps.is_finite()) {
            return Err(format!(
                "dbscan radius {} is not a positive number",
                self.eps
            ));
        }
        Ok(())
    }
}
