//! Hyperparameter search through the CLI: the report's layout, the refit, determinism.

mod common;

use common::{pgml, repo};
use serde_json::Value;

fn search(dir: &std::path::Path, name: &str, extra: &[&str]) -> Value {
    let out = pgml()
        .args([
            "train",
            "-q",
            "--task",
            "classification",
            "--target",
            "target",
        ])
        .args([
            "--algorithm",
            "random_forest",
            "--search",
            "grid",
            "--format",
            "json",
        ])
        .args([
            "--search-params",
            r#"{"max_depth": [1, 3], "n_estimators": [5, 10]}"#,
        ])
        .args(extra)
        .arg("--data")
        .arg(repo("datasets/iris.csv"))
        .arg("-o")
        .arg(dir.join(name))
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

/// `cv_results` has scikit-learn's layout; the refit model is the rank-1 candidate, and the
/// header keeps every candidate.
#[test]
fn grid_search_reports_cv_results_and_refits_the_best() {
    let dir = tempfile::tempdir().unwrap();
    let report = search(dir.path(), "m.pgml", &["--search-args", r#"{"cv": 3}"#]);
    let cv = &report["cv_results"];
    let params = cv["params"].as_array().unwrap();
    assert_eq!(params.len(), 4);
    for key in [
        "mean_test_score",
        "std_test_score",
        "mean_fit_time",
        "rank_test_score",
        "split0_test_score",
        "split2_test_score",
    ] {
        assert_eq!(cv[key].as_array().unwrap().len(), 4, "{key}");
    }
    assert!(cv["split3_test_score"].is_null());
    let ranks: Vec<u64> = cv["rank_test_score"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r.as_u64().unwrap())
        .collect();
    let best = ranks.iter().position(|&r| r == 1).unwrap();
    assert_eq!(report["hyperparams"], params[best]);
    let means: Vec<f64> = cv["mean_test_score"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_f64().unwrap())
        .collect();
    assert!(means.iter().all(|&m| m <= means[best]));
    // The mean is the mean of the folds.
    let folds: Vec<f64> = (0..3)
        .map(|f| cv[format!("split{f}_test_score")][best].as_f64().unwrap())
        .collect();
    assert!((folds.iter().sum::<f64>() / 3.0 - means[best]).abs() < 1e-12);
    assert_eq!(report["search"]["candidates"].as_array().unwrap().len(), 4);
    assert_eq!(report["search"]["metric"], "f1");
}

/// The same seed gives the same folds, scores and choice (folds run on several threads).
#[test]
fn search_is_deterministic() {
    let dir = tempfile::tempdir().unwrap();
    let scores = |name: &str| {
        let report = search(dir.path(), name, &["--seed", "3"]);
        (
            report["cv_results"]["mean_test_score"].clone(),
            report["hyperparams"].clone(),
            report["metrics"]["f1"].clone(),
        )
    };
    assert_eq!(scores("a.pgml"), scores("b.pgml"));
}

/// A metric no fold can give (svm has no probabilities for log_loss) leaves every candidate NaN:
/// an error naming the metric, not a "best" that won nothing.
#[test]
fn a_metric_no_candidate_has_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let out = pgml()
        .args([
            "train",
            "-q",
            "--task",
            "classification",
            "--target",
            "target",
        ])
        .args(["--algorithm", "svm", "--search", "grid"])
        .args([
            "--search-params",
            r#"{"C": [0.5, 1]}"#,
            "--search-metric",
            "log_loss",
        ])
        .arg("--data")
        .arg(repo("datasets/iris.csv"))
        .arg("-o")
        .arg(dir.path().join("m.pgml"))
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(5), "{stderr}");
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(
        stderr.contains("scored no candidate by log_loss"),
        "{stderr}"
    );
    assert!(!dir.path().join("m.pgml").exists());
}
