//! Native k-means against scikit-learn's `KMeans(init=centers, n_init=1, algorithm="lloyd")`
//! from the same initial centers (scikit-learn's k-means++ draws them): the same labels, the
//! same number of iterations, inertia within 1e-6 relative and centers within 1e-9. One case
//! starts a center far from every row, so its cluster is empty and relocated (as scikit-learn:
//! the farthest row); one is noise, stopped by the tolerance after many iterations. Then the
//! CLI's whole path: a trained model predicts each row's nearest
//! center.
#![cfg(feature = "python")]

mod common;

use std::path::Path;

use common::{numbers, python_reference, read_csv, repo, train_and_predict};
use ndarray::{Array2, Axis};
use pgml_cli::algorithms::native::kmeans;
use serde_json::Value;

/// Writes the rows and the initial centers (17 digits: read back bit for bit) and prints
/// scikit-learn's fit from those centers.
const REFERENCE: &str = r#"
import json, sys
import numpy as np, pandas as pd
from sklearn.cluster import KMeans, kmeans_plusplus
from sklearn.datasets import make_blobs
source, k, far, out = sys.argv[1], int(sys.argv[2]), sys.argv[3] == "1", sys.argv[4]
if source == "blobs":
    X = make_blobs(n_samples=3000, centers=6, n_features=5, cluster_std=2.0, random_state=1)[0]
elif source == "noise":
    X = np.random.default_rng(0).normal(size=(5000, 4))
else:
    X = pd.read_csv(source).drop(columns=["target"]).values.astype(np.float64)
init = kmeans_plusplus(X, k, random_state=0)[0]
if far:
    init[-1] = X.max(axis=0) + 100.0
pd.DataFrame(X).to_csv(out + "-x.csv", index=False, float_format="%.17g")
pd.DataFrame(init).to_csv(out + "-init.csv", index=False, float_format="%.17g")
m = KMeans(n_clusters=k, init=init, n_init=1, algorithm="lloyd").fit(X)
print(json.dumps({"labels": m.labels_.tolist(), "inertia": m.inertia_, "iterations": m.n_iter_,
                  "centers": m.cluster_centers_.tolist()}))
"#;

fn case(dir: &Path, source: &str, k: usize, far: bool) {
    let name = format!("{}-{k}-{far}", source.rsplit('/').next().unwrap());
    let out = dir.join(&name);
    let clusters = k.to_string();
    let expected: Value = python_reference(
        REFERENCE,
        &[
            source.as_ref(),
            clusters.as_ref(),
            (if far { "1" } else { "0" }).as_ref(),
            out.as_ref(),
        ],
    );
    let x = numbers(&read_csv(&dir.join(format!("{name}-x.csv"))).1);
    let init = numbers(&read_csv(&dir.join(format!("{name}-init.csv"))).1);

    let fit = kmeans::lloyd(x.view(), init.view(), 300, 1e-4).unwrap();
    let labels: Vec<usize> = serde_json::from_value(expected["labels"].clone()).unwrap();
    assert_eq!(fit.labels, labels, "{name}: labels");
    assert_eq!(
        fit.iterations as u64,
        expected["iterations"].as_u64().unwrap(),
        "{name}: iterations"
    );
    let inertia = expected["inertia"].as_f64().unwrap();
    let relative = (fit.inertia - inertia).abs() / inertia;
    eprintln!(
        "{name}: inertia {} vs {inertia} ({relative:.1e}), {} iterations",
        fit.inertia, fit.iterations
    );
    assert!(relative <= 1e-6, "{name}: inertia {relative:.2e} apart");
    let centers: Vec<Vec<f64>> = serde_json::from_value(expected["centers"].clone()).unwrap();
    for (mine, theirs) in fit.centers.rows().into_iter().zip(&centers) {
        for (a, b) in mine.iter().zip(theirs) {
            assert!(
                (a - b).abs() <= 1e-9 * (1.0 + b.abs()),
                "{name}: center {a} vs {b}"
            );
        }
    }
    if far {
        // The far center's cluster was empty at first: relocated, it ends with rows.
        assert!(
            labels.contains(&(k - 1)),
            "{name}: the far cluster stayed empty"
        );
    }
}

#[test]
fn lloyd_equals_scikit_learn_from_the_same_centers() {
    let dir = tempfile::tempdir().unwrap();
    let iris = repo("datasets/iris.csv");
    let wine = repo("datasets/wine.csv");
    case(dir.path(), "blobs", 6, false);
    case(dir.path(), "blobs", 6, true);
    // No structure: many iterations, stopped by the center shift.
    case(dir.path(), "noise", 8, false);
    case(dir.path(), iris.to_str().unwrap(), 3, false);
    case(dir.path(), wine.to_str().unwrap(), 4, false);
    case(dir.path(), wine.to_str().unwrap(), 5, true);
}

/// Squared distance of every row to every center.
fn distances(x: &Array2<f64>, centers: &Array2<f64>) -> Array2<f64> {
    Array2::from_shape_fn((x.nrows(), centers.nrows()), |(i, j)| {
        (&x.row(i) - &centers.row(j)).mapv(|v| v * v).sum()
    })
}

#[test]
fn trained_model_predicts_the_nearest_center_and_follows_the_seed() {
    let dir = tempfile::tempdir().unwrap();
    let data = repo("datasets/wine.csv");
    // Trains with `seed` and predicts the training rows.
    let labels_of = |seed: &str| -> Vec<usize> {
        let hyperparams = r#"{"n_clusters": 4, "n_init": 3}"#;
        train_and_predict(
            dir.path(),
            "wine",
            &data,
            &[
                "--task",
                "clustering",
                "--algorithm",
                "kmeans",
                "--ignore",
                "target",
                "--seed",
                seed,
                "--hyperparams",
                hyperparams,
            ],
            &[],
        )
        .1
        .iter()
        .map(|r| r[0].parse().unwrap())
        .collect()
    };
    let (_, rows) = read_csv(&data);
    let mut x = numbers(&rows);
    x.remove_index(Axis(1), 13); // the target
    let labels = labels_of("7");
    // Each cluster's mean is its center; every row is nearest to its own.
    let mut centers = Array2::zeros((4, x.ncols()));
    let mut counts = [0.0; 4];
    for (row, &l) in x.rows().into_iter().zip(&labels) {
        centers.row_mut(l).scaled_add(1.0, &row);
        counts[l] += 1.0;
    }
    assert!(
        counts.iter().all(|&c| c > 0.0),
        "an empty cluster: {counts:?}"
    );
    for (mut center, count) in centers.rows_mut().into_iter().zip(counts) {
        center /= count;
    }
    for (d, &l) in distances(&x, &centers).rows().into_iter().zip(&labels) {
        let nearest = d.iter().cloned().fold(f64::INFINITY, f64::min);
        assert!(
            d[l] <= nearest * (1.0 + 1e-9),
            "row not at its nearest center"
        );
    }
    // The same seed, the same clustering.
    assert_eq!(labels, labels_of("7"));
}
