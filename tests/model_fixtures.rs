//! The model files in `tests/fixtures/models/`, kept from every model format version: each must
//! still load and reproduce the predictions (and probabilities) recorded when it was written, so
//! a reordered enum, a changed payload layout or a lost Python format fails here. They are
//! written once by `tests/fixtures/make-models.sh` and never regenerated.

mod common;

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use common::{pgml, read_csv, repo};
use pgml_cli::algorithms::{Runtime, ALGORITHMS};
use pgml_cli::model;
use pgml_cli::task::Task;

/// Predictions of a stored model are the same computation on any machine but for the rounding
/// of BLAS kernels (linear models, distances, kernels, projections: ~1e-15) and, for Python
/// models, of a newer library (float32 boosters: ~1e-7).
const RELATIVE: f64 = 1e-6;
const ABSOLUTE: f64 = 1e-9;

/// The Python payload formats, each of which needs a fixture.
const PYTHON_FORMATS: &[&str] = &[
    "skops",
    "xgboost-ubj",
    "lightgbm-text",
    "catboost-cbm",
    "lightgbm-text/per-target",
];

fn fixtures() -> Vec<PathBuf> {
    let mut models: Vec<PathBuf> = std::fs::read_dir(repo("tests/fixtures/models"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "pgml"))
        // The damaged copies (truncated.pgml, format-99.pgml) are for the error cases.
        .filter(|p| p.file_name().unwrap().to_string_lossy().starts_with('v'))
        .collect();
    models.sort();
    models
}

/// `name.pgml` -> `name.<suffix>`.
fn beside(model: &Path, suffix: &str) -> PathBuf {
    model.with_extension(suffix)
}

/// Runs predict and returns stdout; stderr may only hold warnings (a Python model read under
/// other package versions says so).
fn predict(model: &Path, input: &Path, proba: bool) -> String {
    let mut cmd = pgml();
    cmd.arg("predict")
        .arg("--model")
        .arg(model)
        .arg("--data")
        .arg(input);
    if proba {
        cmd.arg("--proba");
    }
    let out = cmd.output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{}: {stderr}", model.display());
    for line in stderr.lines() {
        assert!(
            line.starts_with("pgml-cli: warning: "),
            "{}: {line}",
            model.display()
        );
    }
    String::from_utf8(out.stdout).unwrap()
}

/// Compares predict's CSV output with the recorded one: same header and row count; labels (and
/// any non-number) exactly, numbers within RELATIVE/ABSOLUTE.
fn assert_same(model: &Path, expected_file: &Path, actual: &str, labels: bool) {
    let (header, rows) = read_csv(expected_file);
    let mut reader = csv::Reader::from_reader(actual.as_bytes());
    let actual_header: Vec<String> = reader.headers().unwrap().iter().map(String::from).collect();
    let actual_rows: Vec<Vec<String>> = reader
        .records()
        .map(|r| r.unwrap().iter().map(String::from).collect())
        .collect();
    let what = expected_file.display();
    assert_eq!(actual_header, header, "{what}");
    assert_eq!(actual_rows.len(), rows.len(), "{what}");
    for (row, (e_row, a_row)) in rows.iter().zip(&actual_rows).enumerate() {
        for (e, a) in e_row.iter().zip(a_row) {
            let agree = match (e.parse::<f64>(), a.parse::<f64>()) {
                (Ok(x), Ok(y)) if !labels => (x - y).abs() <= ABSOLUTE.max(RELATIVE * x.abs()),
                _ => e == a,
            };
            assert!(
                agree,
                "{}: row {}: {a}, recorded {e} ({what})",
                model.display(),
                row + 1
            );
        }
    }
}

/// The payload's format name: the first field of the postcard-encoded Python payload.
fn python_format(payload: &[u8]) -> String {
    let len = usize::from(payload[0]);
    assert!(len < 0x80, "format names are short");
    String::from_utf8(payload[1..1 + len].to_vec()).unwrap()
}

#[test]
fn every_model_fixture_reproduces_its_predictions() {
    let mut native = BTreeSet::new();
    let mut python = BTreeSet::new();
    for path in fixtures() {
        let (header, payload) = model::read(&path).unwrap();
        let name = path.file_name().unwrap().to_string_lossy().to_string();
        assert!(
            name.starts_with(&format!("v{}-", header.format_version)),
            "{name} holds format {}",
            header.format_version
        );
        if header.runtime == Runtime::Python {
            if !cfg!(feature = "python") {
                continue; // this build has no Python runtime to load it with
            }
            python.insert(python_format(&payload));
        } else {
            native.insert((header.algorithm.clone(), header.task.name()));
        }
        let input = beside(&path, "input.csv");
        let expected = beside(&path, "expected.csv");
        assert!(
            input.exists() && expected.exists(),
            "{}: every fixture needs its .input.csv and .expected.csv",
            path.display()
        );
        let labels = matches!(header.task, Task::Classification | Task::Clustering);
        assert_same(&path, &expected, &predict(&path, &input, false), labels);
        // Models with probabilities have them recorded; the others (svm) still refuse --proba.
        let proba = beside(&path, "proba.csv");
        if proba.exists() {
            assert_same(&path, &proba, &predict(&path, &input, true), false);
        } else if header.task == Task::Classification {
            let out = pgml()
                .args(["predict", "--proba", "--model"])
                .arg(&path)
                .arg("--data")
                .arg(&input)
                .output()
                .unwrap();
            assert_eq!(
                out.status.code(),
                Some(2),
                "{}: no .proba.csv",
                path.display()
            );
        }
    }
    // Every native algorithm x task has a fixture (a new one needs one too).
    for algorithm in ALGORITHMS {
        for &(task, _) in algorithm.native {
            assert!(
                native.contains(&(algorithm.name.to_string(), task.name())),
                "no model fixture for native {} {}",
                algorithm.name,
                task.name()
            );
        }
    }
    if cfg!(feature = "python") {
        let wanted: BTreeSet<String> = PYTHON_FORMATS.iter().map(|f| f.to_string()).collect();
        assert_eq!(python, wanted, "Python payload formats with a fixture");
    }
}
