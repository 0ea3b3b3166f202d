//! Preprocessing against its reference: the same options in a scikit-learn Pipeline give the
//! same predictions; raw files train and predict end to end through the CLI.
#![cfg(feature = "python")]

mod common;

use common::{pgml, read_csv, repo};

/// What scikit-learn does with `impute: mean, scale: standard` (numbers) and `encode: one_hot`
/// (categories, the missing value one of them), feeding LinearRegression.
const SKLEARN_PIPELINE: &str = r#"
import json, sys
import pandas as pd
from sklearn.compose import ColumnTransformer
from sklearn.impute import SimpleImputer
from sklearn.linear_model import LinearRegression
from sklearn.pipeline import Pipeline, make_pipeline
from sklearn.preprocessing import OneHotEncoder, StandardScaler

train, test, numbers, categories, target = sys.argv[1], sys.argv[2], json.loads(sys.argv[3]), json.loads(sys.argv[4]), sys.argv[5]
read = lambda p: pd.read_csv(p, na_values=["?"], dtype={c: str for c in categories})
train, test = read(train), read(test)
train = train[train[target].notna()]
model = Pipeline([
    ("columns", ColumnTransformer([
        ("numbers", make_pipeline(SimpleImputer(strategy="mean"), StandardScaler()), numbers),
        ("categories", OneHotEncoder(handle_unknown="ignore"), categories),
    ])),
    ("linear", LinearRegression()),
]).fit(train[numbers + categories], train[target])
print(json.dumps(model.predict(test[numbers + categories]).tolist()))
"#;

/// Native `linear` with `{"*": {"impute": "mean", "scale": "standard", "encode": "one_hot"}}`
/// predicts what scikit-learn's Pipeline(ColumnTransformer(SimpleImputer, StandardScaler,
/// OneHotEncoder), LinearRegression) predicts, fitted on the same train rows, to 1e-9.
#[test]
fn one_hot_standard_mean_equals_scikit_learn_pipeline() {
    let dir = tempfile::tempdir().unwrap();
    // Train on rows 1-75 of the messy fixture, predict rows 76-100: missing values among them,
    // and an unseen colour in rows 91-100, all zeros in one-hot, which only a minimum-norm
    // solution of the collinear one-hot columns predicts as scikit-learn does.
    let text = std::fs::read_to_string(repo("tests/fixtures/messy.csv")).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    let (train, test) = (dir.path().join("train.csv"), dir.path().join("test.csv"));
    std::fs::write(&train, [&lines[..1], &lines[1..76]].concat().join("\n")).unwrap();
    std::fs::write(&test, [&lines[..1], &lines[76..]].concat().join("\n")).unwrap();
    let model = dir.path().join("m.pgml");
    let out = pgml()
        .args(["train", "-q", "--task", "regression", "--target", "price"])
        .args([
            "--features",
            "color,size,unit price,weight,zip",
            "--categorical",
            "zip",
        ])
        .args(["--test-size", "0", "--preprocess"])
        .arg(r#"{"*": {"impute": "mean", "scale": "standard", "encode": "one_hot"}}"#)
        .arg("--data")
        .arg(&train)
        .arg("-o")
        .arg(&model)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let out = pgml()
        .args(["predict", "--model"])
        .arg(&model)
        .arg("--data")
        .arg(&test)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let ours: Vec<f64> = String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .skip(1)
        .map(|l| l.parse().unwrap())
        .collect();
    let reference = std::process::Command::new(repo(".venv/bin/python"))
        .args(["-c", SKLEARN_PIPELINE])
        .arg(&train)
        .arg(&test)
        .args([
            r#"["size", "unit price", "weight"]"#,
            r#"["color", "zip"]"#,
            "price",
        ])
        .output()
        .unwrap();
    assert!(
        reference.status.success(),
        "{}",
        String::from_utf8_lossy(&reference.stderr)
    );
    let theirs: Vec<f64> = serde_json::from_slice(&reference.stdout).unwrap();
    assert_eq!(ours.len(), 25);
    assert_eq!(ours.len(), theirs.len());
    for (i, (a, b)) in ours.iter().zip(&theirs).enumerate() {
        assert!(
            (a - b).abs() <= 1e-9 * b.abs().max(1.0),
            "row {}: pgml-cli {a}, scikit-learn {b}",
            i + 76
        );
    }
}

/// The raw messy file trains and predicts with no hand-cleaning on both runtimes: unseen
/// categories and missing values at predict are handled, and the two runtimes see the same
/// matrix (the header's input columns agree).
#[test]
fn raw_messy_file_end_to_end_on_both_runtimes() {
    let dir = tempfile::tempdir().unwrap();
    let preprocess =
        r#"{"*": {"impute": "median", "scale": "standard"}, "color": {"encode": "one_hot"}}"#;
    let mut inputs = Vec::new();
    for runtime in ["rust", "python"] {
        let model = dir.path().join(format!("{runtime}.pgml"));
        let out = pgml()
            .args([
                "train",
                "-q",
                "--task",
                "classification",
                "--target",
                "tier",
            ])
            .args([
                "--ignore",
                "name,price",
                "--categorical",
                "zip",
                "--algorithm",
                "knn",
            ])
            .args([
                "--runtime",
                runtime,
                "--preprocess",
                preprocess,
                "--format",
                "json",
            ])
            .arg("--data")
            .arg(repo("tests/fixtures/messy.csv"))
            .arg("-o")
            .arg(&model)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        assert!(report["metrics"]["f1"].as_f64().unwrap() > 0.5, "{report}");
        inputs.push(report["input"].clone());
        let predictions = dir.path().join(format!("{runtime}.csv"));
        let out = pgml()
            .args(["predict", "--keep", "name", "--model"])
            .arg(&model)
            .arg("--data")
            .arg(repo("tests/fixtures/messy-predict.csv"))
            .arg("-o")
            .arg(&predictions)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let (header, rows) = read_csv(&predictions);
        assert_eq!(header, vec!["name", "tier"]);
        assert_eq!(rows.len(), 12);
        assert!(rows
            .iter()
            .all(|r| ["low", "mid", "high"].contains(&r[1].as_str())));
    }
    assert_eq!(inputs[0], inputs[1]);
    // kNN with the same k over the same matrix: the same neighbours, the same labels.
    assert_eq!(
        read_csv(&dir.path().join("rust.csv")),
        read_csv(&dir.path().join("python.csv"))
    );
}
