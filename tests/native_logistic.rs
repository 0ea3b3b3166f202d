//! Native logistic regression (Newton's method) against scikit-learn's `LogisticRegression`
//! (lbfgs) run to convergence (tol 1e-10): the probabilities agree to 1e-4, binary and
//! multinomial, with and without an intercept, at several C. (At its default tol 1e-4 scikit-learn
//! stops short: on standardized breast_cancer 3.7e-3 from its own tol-1e-10 answer, which is
//! the objective's minimum that Newton's method reaches.)
#![cfg(feature = "python")]

mod common;

use std::path::Path;

use common::{pgml, read_csv, repo};

/// Writes each case's data (standardized where scikit-learn needs it to converge) and prints
/// scikit-learn's probabilities on every row, failing when scikit-learn did not converge.
const REFERENCE: &str = r#"
import json, sys, warnings
import numpy as np, pandas as pd
from sklearn.exceptions import ConvergenceWarning
from sklearn.linear_model import LogisticRegression
warnings.simplefilter("error", ConvergenceWarning)
source, target, out, standardize, params = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4] == "1", json.loads(sys.argv[5])
d = pd.read_csv(source)
X = d.drop(columns=[target]).values.astype(np.float64)
if standardize:
    X = (X - X.mean(axis=0)) / np.where(X.std(axis=0) > 0, X.std(axis=0), 1.0)
frame = pd.DataFrame(X, columns=[c for c in d.columns if c != target])
frame[target] = d[target].values
frame.to_csv(out, index=False, float_format="%.17g")
m = LogisticRegression(max_iter=100000, tol=1e-10, **params).fit(X, d[target].values)
print(json.dumps(m.predict_proba(X).tolist()))
"#;

fn case(dir: &Path, dataset: &str, target: &str, standardize: bool, params: &str) {
    let name = format!("{dataset}-{}", params.len());
    let data = dir.join(format!("{name}.csv"));
    let reference = std::process::Command::new(repo(".venv/bin/python"))
        .args(["-c", REFERENCE])
        .arg(repo(&format!("datasets/{dataset}.csv")))
        .arg(target)
        .arg(&data)
        .arg(if standardize { "1" } else { "0" })
        .arg(params)
        .output()
        .unwrap();
    assert!(
        reference.status.success(),
        "{name}: {}",
        String::from_utf8_lossy(&reference.stderr)
    );
    let expected: Vec<Vec<f64>> = serde_json::from_slice(&reference.stdout).unwrap();

    let model = dir.join(format!("{name}.pgml"));
    let train = pgml()
        .args([
            "train",
            "-q",
            "--task",
            "classification",
            "--algorithm",
            "linear",
        ])
        .args(["--runtime", "rust", "--test-size", "0", "--target", target])
        .args(["--hyperparams", params])
        .arg("--data")
        .arg(&data)
        .arg("-o")
        .arg(&model)
        .output()
        .unwrap();
    assert!(
        train.status.success(),
        "{name}: {}",
        String::from_utf8_lossy(&train.stderr)
    );
    let proba = dir.join(format!("{name}-proba.csv"));
    let predict = pgml()
        .args(["predict", "--proba", "--model"])
        .arg(&model)
        .arg("--data")
        .arg(&data)
        .arg("-o")
        .arg(&proba)
        .output()
        .unwrap();
    assert!(predict.status.success());
    let (_, rows) = read_csv(&proba);
    assert_eq!(rows.len(), expected.len());
    let mut worst = 0.0f64;
    for (row, want) in rows.iter().zip(&expected) {
        assert_eq!(row.len(), want.len(), "{name}: class columns");
        for (cell, w) in row.iter().zip(want) {
            worst = worst.max((cell.parse::<f64>().unwrap() - w).abs());
        }
    }
    eprintln!("{name} {params}: largest probability difference {worst:.2e}");
    assert!(
        worst <= 1e-4,
        "{name} {params}: probabilities {worst} apart"
    );
}

#[test]
fn newton_logistic_equals_scikit_learn_where_it_converges() {
    let dir = tempfile::tempdir().unwrap();
    case(dir.path(), "breast_cancer", "malignant", true, "{}");
    case(
        dir.path(),
        "breast_cancer",
        "malignant",
        true,
        r#"{"C": 0.05}"#,
    );
    case(
        dir.path(),
        "breast_cancer",
        "malignant",
        true,
        r#"{"fit_intercept": false}"#,
    );
    case(dir.path(), "iris", "target", false, "{}");
    case(dir.path(), "wine", "target", true, r#"{"C": 10.0}"#);
}
