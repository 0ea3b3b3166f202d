//! The Python runtime, in-process where the story needs one process (native OpenBLAS and
//! SciPy's BLAS side by side) and where speed matters (every algorithm of the table), through the
//! binary where the user's view matters (warnings, Ctrl-C).
#![cfg(feature = "python")]

mod common;

use std::process::Command;

use common::{pgml, read_csv, repo};
use ndarray::Array2;
use pgml_cli::algorithms::native::Native;
use pgml_cli::algorithms::params::Params;
use pgml_cli::algorithms::{self, Runtime, ALGORITHMS};
use pgml_cli::data::input::Dialect;
use pgml_cli::data::split::Sampling;
use pgml_cli::data::{DataSource, Targets};
use pgml_cli::model;
use pgml_cli::output::Format;
use pgml_cli::predict::{self, PredictRequest};
use pgml_cli::progress::Progress;
use pgml_cli::runtime::{Estimator, Plan, Prediction};
use pgml_cli::task::Task;
use pgml_cli::train::{self, TrainRequest};
use serde_json::{json, Map, Value};

fn diabetes() -> (Array2<f64>, Array2<f64>) {
    let data = common::load(
        &repo("datasets/diabetes.csv"),
        None,
        &["target".into()],
        Task::Regression,
    );
    let Targets::Values(y) = data.targets else {
        panic!("regression targets")
    };
    (data.x, y)
}

fn values(p: Prediction) -> Array2<f64> {
    match p {
        Prediction::Values(v) => v,
        other => panic!("expected values, got {other:?}"),
    }
}

fn close(a: &Array2<f64>, b: &Array2<f64>, relative: f64) {
    assert_eq!(a.dim(), b.dim());
    for (x, y) in a.iter().zip(b) {
        assert!(
            (x - y).abs() <= relative * x.abs().max(y.abs()).max(1.0),
            "{x} vs {y}"
        );
    }
}

/// The seed's regression test: in one process, LAPACK from the statically linked OpenBLAS, then
/// scikit-learn through SciPy's BLAS/LAPACK, then OpenBLAS again. PostgresML crashed here when
/// SciPy bound to the host's shared OpenBLAS.
#[test]
fn native_openblas_and_scipy_blas_in_one_process() {
    let (x, y) = diabetes();
    let targets = Targets::Values(y);
    let params =
        Params::validate("linear", Native::LinearRegression.params(), &Map::new()).unwrap();
    let native = Native::LinearRegression
        .fit(&params, x.view(), &targets, 0)
        .unwrap();
    let native_prediction = values(native.predict(x.view()).unwrap());

    let choice =
        algorithms::choose("linear", Task::Regression, Some(Runtime::Python), &[]).unwrap();
    let sklearn_ols = Plan::new(&choice, Task::Regression, &Map::new(), 0, 1).unwrap();
    let ols = sklearn_ols
        .fit(Task::Regression, x.clone(), &targets, 0)
        .unwrap();
    close(
        &values(ols.predict(x.view()).unwrap()),
        &native_prediction,
        1e-9,
    );

    let choice = algorithms::choose("ridge", Task::Regression, Some(Runtime::Python), &[]).unwrap();
    let svd: Map<String, Value> = json!({"solver": "svd", "alpha": 1e-12})
        .as_object()
        .unwrap()
        .clone();
    let ridge = Plan::new(&choice, Task::Regression, &svd, 0, 1)
        .unwrap()
        .fit(Task::Regression, x.clone(), &targets, 0)
        .unwrap();
    close(
        &values(ridge.predict(x.view()).unwrap()),
        &native_prediction,
        1e-8,
    );

    // OpenBLAS still answers after SciPy loaded its own.
    let again = Native::LinearRegression
        .fit(&params, x.view(), &targets, 0)
        .unwrap();
    assert_eq!(values(again.predict(x.view()).unwrap()), native_prediction);
}

/// Every Python algorithm x task of the table survives the trip through its model file, and the
/// reloaded model predicts what the live estimator it was saved from predicts.
#[test]
fn every_python_algorithm_round_trips_through_its_model_file() {
    let dir = tempfile::tempdir().unwrap();
    let mut checked = 0;
    for algorithm in ALGORITHMS {
        for &(task, _) in algorithm.python {
            let metrics =
                common::assert_round_trip(dir.path(), algorithm.name, task, Runtime::Python);
            assert!(
                metrics > 0,
                "{} {task}: no metrics compared",
                algorithm.name
            );
            assert_reloaded_equals_live(algorithm.name, task);
            checked += 1;
        }
    }
    assert!(checked >= 59, "only {checked} python algorithm/task pairs");
}

/// Fits on the task's whole dataset, then compares the reloaded model's predictions and
/// probabilities on those rows with the live estimator's.
fn assert_reloaded_equals_live(algorithm: &str, task: Task) {
    let (dataset, targets, features) = common::setup(task);
    let data = common::load(
        &repo(&format!("datasets/{dataset}.csv")),
        features.as_deref(),
        &targets,
        task,
    );
    let choice = algorithms::choose(algorithm, task, Some(Runtime::Python), &[]).unwrap();
    let plan = Plan::new(
        &choice,
        task,
        &common::hyperparams(algorithm),
        0,
        targets.len(),
    )
    .unwrap();
    let Plan::Python(prepared) = plan else {
        panic!("{algorithm} {task}: not a Python plan")
    };
    let (reloaded, live) = prepared
        .fit_keeping_live(task, data.x.clone(), &data.targets, 0, data.x.view())
        .unwrap_or_else(|e| panic!("{algorithm} {task}: {e}"));
    let x = data.x.view();
    match (reloaded.predict(x).unwrap(), live.predict(x).unwrap()) {
        (Prediction::Values(a), Prediction::Values(b)) => close(&a, &b, 1e-9),
        (a, b) => assert_eq!(a, b, "{algorithm} {task}"),
    }
    match (
        reloaded.predict_proba(x).unwrap(),
        live.predict_proba(x).unwrap(),
    ) {
        (Some(a), Some(b)) => close(&a, &b, 1e-9),
        (a, b) => assert_eq!(a.is_some(), b.is_some(), "{algorithm} {task}"),
    }
}

const SKLEARN_SCRIPT: &str = r#"
import importlib, json, sys
import numpy as np, pandas as pd
path, params, data, target = sys.argv[1], json.loads(sys.argv[2]), sys.argv[3], sys.argv[4]
module, _, name = path.rpartition(".")
cls = getattr(importlib.import_module(module), name)
if "random_state" in cls().get_params():
    params.setdefault("random_state", 0)
d = pd.read_csv(data)
X, y = d.drop(columns=[target]).values.astype(np.float64), d[target].values
m = cls(**params).fit(X, y)
out = m.predict_proba(X) if hasattr(m, "predict_proba") and sys.argv[5] == "proba" else m.predict(X)
print(json.dumps(np.asarray(out, dtype=np.float64).tolist()))
"#;

/// For deterministic estimators the CLI's predictions equal a plain scikit-learn fit on the same
/// rows with the same parameters, to 1e-9 relative.
#[test]
fn deterministic_estimators_match_plain_scikit_learn() {
    let dir = tempfile::tempdir().unwrap();
    let python = repo(".venv/bin/python");
    let cases = [
        ("linear", Task::Regression, json!({})),
        ("ridge", Task::Regression, json!({"alpha": 0.5})),
        ("lasso", Task::Regression, json!({"alpha": 0.1})),
        ("elastic_net", Task::Regression, json!({"alpha": 0.01})),
        ("least_angle", Task::Regression, json!({})),
        ("bayesian_ridge", Task::Regression, json!({})),
        ("kernel_ridge", Task::Regression, json!({"alpha": 0.1})),
        ("svm", Task::Regression, json!({"C": 10.0})),
        ("nu_svm", Task::Regression, json!({})),
        (
            "random_forest",
            Task::Regression,
            json!({"n_estimators": 5}),
        ),
        ("linear", Task::Classification, json!({"max_iter": 1000})),
        ("svm", Task::Classification, json!({"probability": false})),
        ("knn", Task::Classification, json!({})),
    ];
    for (name, task, params) in cases {
        let (dataset, target) = if task == Task::Regression {
            ("diabetes", "target")
        } else {
            ("iris", "target")
        };
        let data = repo(&format!("datasets/{dataset}.csv"));
        let model_path = dir.path().join(format!("{name}-{task}.pgml"));
        let request = TrainRequest {
            data: DataSource::Csv(data.clone(), Dialect::default()),
            test_data: None,
            features: None,
            ignore: Vec::new(),
            categorical: Vec::new(),
            preprocess: Default::default(),
            search: None,
            targets: vec![target.into()],
            task,
            algorithm: name.into(),
            runtime: Some(Runtime::Python),
            hyperparams: params.as_object().cloned().unwrap(),
            test_size: 0.0,
            // Rows in file order, as the reference script sees them (forests depend on it).
            sampling: Sampling::First,
            seed: 0,
            output: model_path.clone(),
            force: false,
            cluster: None,
            workers_read: None,
        };
        let header = train::train(&request, Progress::new(true)).unwrap();
        let proba = task == Task::Classification && name == "linear";
        let out = dir.path().join("p.csv");
        predict::predict(&PredictRequest {
            model: model_path,
            data: DataSource::Csv(data.clone(), Dialect::default()),
            output: Some(out.clone()),
            replace: false,
            format: Format::Csv,
            proba,
            precision: None,
            keep: Vec::new(),
            on_error: pgml_cli::predict::OnError::Fail,
            runtime: None,
        })
        .unwrap();
        let ours: Vec<Vec<f64>> = read_csv(&out)
            .1
            .iter()
            .map(|r| r.iter().map(|c| c.parse().unwrap()).collect())
            .collect();
        let class = header.python.unwrap().class;
        let reference = Command::new(&python)
            .args(["-c", SKLEARN_SCRIPT, &class, &params.to_string()])
            .arg(&data)
            .args([target, if proba { "proba" } else { "labels" }])
            .output()
            .unwrap();
        assert!(
            reference.status.success(),
            "{}",
            String::from_utf8_lossy(&reference.stderr)
        );
        let theirs: Value = serde_json::from_slice(&reference.stdout).unwrap();
        let theirs: Vec<Vec<f64>> = theirs
            .as_array()
            .unwrap()
            .iter()
            .map(|v| match v {
                Value::Array(row) => row.iter().map(|x| x.as_f64().unwrap()).collect(),
                x => vec![x.as_f64().unwrap()],
            })
            .collect();
        let ours = Array2::from_shape_fn((ours.len(), ours[0].len()), |(r, c)| ours[r][c]);
        let theirs = Array2::from_shape_fn((theirs.len(), theirs[0].len()), |(r, c)| theirs[r][c]);
        close(&ours, &theirs, 1e-9);
    }
}

/// A model written under other package versions still loads, with one warning naming both.
#[test]
fn other_package_versions_warn_once_and_still_predict() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("m.pgml");
    let out = pgml()
        .args([
            "train",
            "-q",
            "--task",
            "regression",
            "--target",
            "target",
            "--algorithm",
            "ridge",
            "--runtime",
            "python",
            "--data",
        ])
        .arg(repo("datasets/diabetes.csv"))
        .arg("-o")
        .arg(&path)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let (mut header, payload) = model::read(&path).unwrap();
    let versions = &mut header.python.as_mut().unwrap().versions;
    let current = versions["scikit-learn"].clone().unwrap();
    versions.insert("scikit-learn".into(), Some("1.0.0".into()));
    std::fs::write(&path, model::encode(&header, &payload).unwrap()).unwrap();
    let out = pgml()
        .args(["predict", "--data"])
        .arg(repo("datasets/diabetes.csv"))
        .arg("--model")
        .arg(&path)
        .output()
        .unwrap();
    assert!(out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(
        stderr.trim(),
        format!("pgml-cli: warning: the model was written with scikit-learn 1.0.0; this environment has {current}")
    );
    assert_eq!(String::from_utf8_lossy(&out.stdout).lines().count(), 443);
}

/// Ctrl-C during a Python fit stops the run: exit 130, one error line, no model file. The
/// signal is sent once the fit is running (its first progress line), not after a fixed wait.
#[test]
fn ctrl_c_during_a_python_fit_stops_cleanly() {
    use std::io::{BufRead, BufReader};
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("m.pgml");
    let mut child = pgml()
        .args([
            "train",
            "-q",
            "--task",
            "regression",
            "--target",
            "target",
            "--algorithm",
            "gradient_boosting_trees",
        ])
        // verbose: scikit-learn prints a line as the fit starts (on stderr: pgml-cli sends
        // Python's stdout there); the fit itself would take hours.
        .args([
            "--hyperparams",
            r#"{"n_estimators": 10000000, "verbose": 1}"#,
            "--data",
        ])
        .arg(repo("datasets/diabetes.csv"))
        .arg("-o")
        .arg(&path)
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let (lines, ready) = std::sync::mpsc::channel();
    let stderr = BufReader::new(child.stderr.take().unwrap());
    let reader = std::thread::spawn(move || {
        let mut all = Vec::new();
        for line in stderr.lines() {
            let line = line.unwrap();
            if line.trim_start().starts_with("Iter") {
                let _ = lines.send(());
            }
            all.push(line);
        }
        all
    });
    // Starting Python and importing scikit-learn takes seconds on a busy machine: wait for the
    // fit, with a generous limit so that a broken readiness signal fails instead of hanging.
    if ready
        .recv_timeout(std::time::Duration::from_secs(120))
        .is_err()
    {
        let _ = child.kill();
        let stderr = reader.join().unwrap();
        panic!("the fit did not start within 120 s: {stderr:?}");
    }
    // SAFETY: sending a signal to our own child process.
    unsafe { libc::kill(child.id() as i32, libc::SIGINT) };
    let status = child.wait().unwrap();
    let stderr = reader.join().unwrap();
    assert_eq!(status.code(), Some(130), "{stderr:?}");
    let ours: Vec<&String> = stderr
        .iter()
        .filter(|l| l.starts_with("pgml-cli:"))
        .collect();
    assert_eq!(ours, ["pgml-cli: error: interrupted"], "{stderr:?}");
    assert_eq!(stderr.last().unwrap(), "pgml-cli: error: interrupted");
    assert!(!path.exists());
}

/// Native models never start Python: a native train + predict works with no environment at all.
#[test]
fn native_runs_do_not_need_python() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("m.pgml");
    let status = pgml()
        .args([
            "train",
            "-q",
            "--task",
            "regression",
            "--target",
            "target",
            "--python-env",
            "/nonexistent",
            "--data",
        ])
        .arg(repo("datasets/diabetes.csv"))
        .arg("-o")
        .arg(&path)
        .output()
        .unwrap()
        .status;
    assert!(status.success());
    let out = pgml()
        .args(["predict", "--python-env", "/nonexistent", "--data"])
        .arg(repo("datasets/diabetes.csv"))
        .arg("--model")
        .arg(&path)
        .output()
        .unwrap();
    assert!(out.status.success());
}

/// scikit-learn models are stored deflated (every predict reads and hashes the whole file; 100
/// trees on breast_cancer take 2.06 MB stored, 279 KB deflated) and read back through Python.
#[test]
fn scikit_learn_payloads_are_deflated() {
    let dir = tempfile::tempdir().unwrap();
    let data = repo("datasets/breast_cancer.csv");
    let train = [
        "--target",
        "malignant",
        "--task",
        "classification",
        "--algorithm",
        "random_forest",
        "--runtime",
        "python",
    ];
    let native = common::train_and_predict(dir.path(), "forest", &data, &train, &[]);
    let size = std::fs::metadata(dir.path().join("forest.pgml"))
        .unwrap()
        .len();
    assert!(size < 600_000, "the model file takes {size} bytes");
    let python = common::train_and_predict(
        dir.path(),
        "forest",
        &data,
        &train,
        &["--runtime", "python"],
    );
    assert_eq!(native, python);
}

/// A payload that deflating would shrink past what a reader accepts (64x plus 1 MiB, against zip
/// bombs) is padded with a stored member just large enough to meet that bound, and reads back:
/// k-nearest neighbors over 20,000 rows of zeros keeps 9.6 MB of them, which deflate about 850x.
/// Stored whole, the file took 9.6 MB; padded, (9.6 MB - 64 x 11 KB - 1 MiB) / 63, about 130 KB.
#[test]
fn payloads_too_compressible_for_the_reader_are_padded() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("zeros.csv");
    let header: Vec<String> = (0..60)
        .map(|i| format!("x{i}"))
        .chain(["y".to_string()])
        .collect();
    let rows: Vec<Vec<String>> = (0..20_000)
        .map(|r| {
            let mut row = vec!["0".to_string(); 60];
            row.push((r % 7).to_string());
            row
        })
        .collect();
    common::write_csv(&data, &header, &rows);
    let train = [
        "--target",
        "y",
        "--task",
        "regression",
        "--algorithm",
        "knn",
        "--runtime",
        "python",
    ];
    let (_, predictions) =
        common::train_and_predict(dir.path(), "zeros", &data, &train, &["--runtime", "python"]);
    assert_eq!(predictions.len(), 20_000);
    let size = std::fs::metadata(dir.path().join("zeros.pgml"))
        .unwrap()
        .len();
    assert!(
        (100_000..200_000).contains(&size),
        "the model file takes {size} bytes"
    );
}

/// A library's own printing never reaches stdout, even as its objects are freed: xgboost at
/// verbosity 3 prints its monitor when a booster is freed, which came before the JSON report.
#[test]
fn library_output_never_reaches_stdout() {
    let dir = tempfile::tempdir().unwrap();
    let out = pgml()
        .current_dir(dir.path())
        .args(["train", "--data"])
        .arg(repo("datasets/iris.csv"))
        .args([
            "--target",
            "target",
            "--task",
            "classification",
            "--algorithm",
            "xgboost",
            "--hyperparams",
            r#"{"verbosity": 3}"#,
            "--format",
            "json",
            "-o",
            "m.pgml",
        ])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let report: Value = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&out.stdout)));
    assert_eq!(report["algorithm"], "xgboost");
    assert!(String::from_utf8_lossy(&out.stderr).contains("Monitor"));
}

/// Training rows of one class are a failed fit (exit 5) naming the target and the class, on
/// either runtime: xgboost and lightgbm failed in ways that blamed the model (exit 4).
#[test]
fn one_class_is_a_failed_fit_on_every_runtime() {
    let dir = tempfile::tempdir().unwrap();
    let mut csv = String::from("a,b,label\n");
    for i in 0..40 {
        csv += &format!("{i},{},only\n", i % 3);
    }
    std::fs::write(dir.path().join("one.csv"), csv).unwrap();
    for algorithm in ["linear", "xgboost", "lightgbm", "random_forest"] {
        let out = pgml()
            .current_dir(dir.path())
            .args(["train", "--data", "one.csv", "--target", "label"])
            .args([
                "--task",
                "classification",
                "--algorithm",
                algorithm,
                "-o",
                "m.pgml",
            ])
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(5), "{algorithm}: {stderr}");
        assert_eq!(
            stderr.trim_end(),
            "pgml-cli: error: one.csv: the training rows of 'label' hold one class only ('only'); \
             classification needs two or more",
            "{algorithm}"
        );
    }
}
