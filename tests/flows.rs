//! Whole flows through the binary that need logic to check: every native algorithm in the
//! table round-trips through a model file, training is deterministic, and inputs from stdin and
//! NPY, broken pipes and failed writes behave.

mod common;

use std::path::Path;
use std::process::{Command, Stdio};

use common::{pgml, repo, write_csv};
use ndarray::{Array1, Array2};
use ndarray_npy::WriteNpyExt;
use pgml_cli::algorithms::{Runtime, ALGORITHMS};
use pgml_cli::model;

/// Runs and returns stdout; panics with stderr when the exit code is not `code`.
fn run(cmd: &mut Command, code: i32) -> String {
    let out = cmd.output().expect("pgml-cli runs");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(code), "{cmd:?}\nstderr: {stderr}");
    String::from_utf8(out.stdout).expect("utf-8 output")
}

/// A bundled dataset as (header, rows of cells).
fn read_csv(name: &str) -> (Vec<String>, Vec<Vec<String>>) {
    common::read_csv(&repo(&format!("datasets/{name}.csv")))
}

/// Every native algorithm x task of the table survives the trip through its model file.
#[test]
fn every_native_algorithm_round_trips_through_its_model_file() {
    let dir = tempfile::tempdir().unwrap();
    let mut checked = 0;
    for algorithm in ALGORITHMS {
        for &(task, _) in algorithm.native {
            assert!(
                common::assert_round_trip(dir.path(), algorithm.name, task, Runtime::Rust) > 0,
                "{} {task}",
                algorithm.name
            );
            checked += 1;
        }
    }
    assert!(checked >= 17, "only {checked} native algorithm/task pairs");
}

/// The payload (the model) and the metrics are identical for the same data and seed, for every
/// algorithm that uses randomness; another seed changes the forest.
#[test]
fn same_data_and_seed_give_the_same_model() {
    let dir = tempfile::tempdir().unwrap();
    let train = |algorithm: &str, task: &str, seed: &str, out: &str| {
        let path = dir.path().join(out);
        let mut cmd = pgml();
        cmd.args([
            "train",
            "--task",
            task,
            "--algorithm",
            algorithm,
            "--seed",
            seed,
            "-q",
            "--force",
            "--data",
        ]);
        cmd.arg(repo(if task == "clustering" {
            "datasets/iris.csv"
        } else {
            "datasets/breast_cancer.csv"
        }));
        if task == "clustering" {
            cmd.args([
                "--features",
                "sepal_length,sepal_width,petal_length,petal_width",
            ]);
        } else {
            cmd.args(["--target", "malignant"]);
        }
        run(cmd.arg("-o").arg(&path), 0);
        let (mut header, payload) = model::read(&path).unwrap();
        header.metrics.retain(|name, _| !name.ends_with("_time"));
        header.created_at.clear();
        (header, payload)
    };
    for (algorithm, task) in [
        ("random_forest", "classification"),
        ("decision_tree", "classification"),
        ("kmeans", "clustering"),
        ("linear", "classification"),
    ] {
        let a = train(algorithm, task, "3", "a.pgml");
        let b = train(algorithm, task, "3", "b.pgml");
        assert_eq!(a, b, "{algorithm}");
    }
    let a = train("random_forest", "classification", "3", "a.pgml");
    let c = train("random_forest", "classification", "4", "c.pgml");
    assert_ne!(a.1, c.1, "another seed, another forest");
}

#[test]
fn stdin_input_matches_file_input() {
    let dir = tempfile::tempdir().unwrap();
    let iris = std::fs::read(repo("datasets/iris.csv")).unwrap();
    let model_path = dir.path().join("m.pgml");
    let mut train = pgml();
    train
        .args([
            "train",
            "--data",
            "-",
            "--target",
            "target",
            "--task",
            "classification",
            "-q",
            "-o",
        ])
        .arg(&model_path);
    let out = train
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    use std::io::Write;
    out.stdin.as_ref().unwrap().write_all(&iris).unwrap();
    assert!(out.wait_with_output().unwrap().status.success());
    let (header, _) = model::read(&model_path).unwrap();
    assert_eq!(header.data.source, "<stdin>");
    assert_eq!(header.data.rows, 150);

    let from_file = run(
        pgml()
            .args(["predict", "--data"])
            .arg(repo("datasets/iris.csv"))
            .arg("--model")
            .arg(&model_path),
        0,
    );
    let mut predict = pgml();
    predict
        .args(["predict", "--data", "-", "--model"])
        .arg(&model_path);
    let child = predict
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.as_ref().unwrap().write_all(&iris).unwrap();
    let from_stdin = child.wait_with_output().unwrap();
    assert_eq!(String::from_utf8(from_stdin.stdout).unwrap(), from_file);
}

/// NPY features (f32) and labels (i64) train the same model as the CSV, and NPY output holds
/// the same predictions.
#[test]
fn npy_input_and_output() {
    let dir = tempfile::tempdir().unwrap();
    let (_, rows) = read_csv("iris");
    let x = Array2::from_shape_fn((rows.len(), 4), |(r, c)| rows[r][c].parse::<f32>().unwrap());
    let y: Array1<i64> = rows.iter().map(|r| r[4].parse().unwrap()).collect();
    let (x_path, y_path) = (dir.path().join("x.npy"), dir.path().join("y.npy"));
    x.write_npy(std::fs::File::create(&x_path).unwrap())
        .unwrap();
    y.write_npy(std::fs::File::create(&y_path).unwrap())
        .unwrap();

    let npy_model = dir.path().join("npy.pgml");
    run(
        pgml()
            .args([
                "train",
                "--task",
                "classification",
                "--algorithm",
                "knn",
                "-q",
                "--data",
            ])
            .arg(&x_path)
            .arg("--labels")
            .arg(&y_path)
            .arg("-o")
            .arg(&npy_model),
        0,
    );
    let (header, _) = model::read(&npy_model).unwrap();
    assert_eq!(header.feature_names, ["x0", "x1", "x2", "x3"]);
    assert_eq!(header.classes, ["0", "1", "2"]);

    let out = dir.path().join("p.npy");
    run(
        pgml()
            .args(["predict", "--format", "npy", "--data"])
            .arg(&x_path)
            .arg("--model")
            .arg(&npy_model)
            .arg("-o")
            .arg(&out),
        0,
    );
    let predicted: Array1<f64> = ndarray_npy::read_npy(&out).unwrap();
    assert_eq!(predicted.len(), 150);
    let accuracy = predicted
        .iter()
        .zip(&y)
        .filter(|(p, t)| **p == **t as f64)
        .count() as f64
        / 150.0;
    assert!(accuracy > 0.9, "knn on iris: accuracy {accuracy}");

    let wrong = dir.path().join("wrong.npy");
    Array2::<f64>::zeros((2, 3))
        .write_npy(std::fs::File::create(&wrong).unwrap())
        .unwrap();
    let out = pgml()
        .args(["predict", "--data"])
        .arg(&wrong)
        .arg("--model")
        .arg(&npy_model)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(3));
    assert!(String::from_utf8_lossy(&out.stderr)
        .contains("has 3 feature columns but the model was trained on 4"));
}

/// Columns are matched by name: extra columns and another order change nothing.
#[test]
fn predict_matches_columns_by_name() {
    let dir = tempfile::tempdir().unwrap();
    let model_path = dir.path().join("m.pgml");
    run(
        pgml()
            .args([
                "train",
                "--task",
                "classification",
                "--target",
                "target",
                "-q",
                "--data",
            ])
            .arg(repo("datasets/iris.csv"))
            .arg("-o")
            .arg(&model_path),
        0,
    );
    let (header, rows) = read_csv("iris");
    let order = [3, 4, 0, 2, 1];
    let shuffled_header: Vec<String> = order
        .iter()
        .map(|&i| header[i].clone())
        .chain(["extra".into()])
        .collect();
    let shuffled_rows: Vec<Vec<String>> = rows
        .iter()
        .map(|r| {
            order
                .iter()
                .map(|&i| r[i].clone())
                .chain(["x".into()])
                .collect()
        })
        .collect();
    let shuffled = dir.path().join("shuffled.csv");
    write_csv(&shuffled, &shuffled_header, &shuffled_rows);
    let a = run(
        pgml()
            .args(["predict", "--data"])
            .arg(repo("datasets/iris.csv"))
            .arg("--model")
            .arg(&model_path),
        0,
    );
    let b = run(
        pgml()
            .args(["predict", "--data"])
            .arg(&shuffled)
            .arg("--model")
            .arg(&model_path),
        0,
    );
    assert_eq!(a, b);
}

/// A reader that goes away (`| head`) ends prediction quietly with success.
#[test]
fn broken_pipe_exits_quietly() {
    let dir = tempfile::tempdir().unwrap();
    let model_path = dir.path().join("m.pgml");
    let data = dir.path().join("big.csv");
    let rows: Vec<Vec<String>> = (0..200_000)
        .map(|i| vec![i.to_string(), "1".into(), "2".into()])
        .collect();
    write_csv(&data, &["a".into(), "b".into(), "y".into()], &rows);
    run(
        pgml()
            .args([
                "train",
                "--task",
                "regression",
                "--target",
                "y",
                "-q",
                "--data",
            ])
            .arg(&data)
            .arg("-o")
            .arg(&model_path),
        0,
    );
    let mut child = pgml()
        .args(["predict", "--data"])
        .arg(&data)
        .arg("--model")
        .arg(&model_path)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdout = child.stdout.take().unwrap();
    let mut first = [0u8; 16];
    std::io::Read::read_exact(&mut stdout, &mut first).unwrap();
    drop(stdout);
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(String::from_utf8_lossy(&out.stderr), "");
}

/// A failure part-way leaves neither the output file nor a temporary file behind.
#[test]
fn failed_runs_leave_no_files() {
    let dir = tempfile::tempdir().unwrap();
    let model_path = dir.path().join("m.pgml");
    let data = dir.path().join("bad.csv");
    let mut rows: Vec<Vec<String>> = (0..20_000)
        .map(|i| vec![i.to_string(), "1".into(), "2".into()])
        .collect();
    rows.push(vec!["1".into(), "1e400".into(), "2".into()]);
    write_csv(&data, &["a".into(), "b".into(), "y".into()], &rows);
    let out = pgml()
        .args(["train", "--task", "regression", "--target", "y", "--data"])
        .arg(&data)
        .arg("-o")
        .arg(&model_path)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(3));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("column 'b' row 20001: '1e400' is too large")
    );
    assert!(!model_path.exists());

    write_csv(&data, &["a".into(), "b".into(), "y".into()], &rows[..100]);
    run(
        pgml()
            .args([
                "train",
                "--task",
                "regression",
                "--target",
                "y",
                "-q",
                "--data",
            ])
            .arg(&data)
            .arg("-o")
            .arg(&model_path),
        0,
    );
    write_csv(&data, &["a".into(), "b".into(), "y".into()], &rows);
    let predictions = dir.path().join("p.csv");
    let out = pgml()
        .args(["predict", "--data"])
        .arg(&data)
        .arg("--model")
        .arg(&model_path)
        .arg("-o")
        .arg(&predictions)
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(3),
        "the bad row comes after the first chunk was written"
    );
    let left: Vec<String> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    let mut left = left;
    left.sort();
    assert_eq!(left, ["bad.csv", "m.pgml"]);
}

/// Without the `python` feature, Python algorithms are answered with one clear line.
#[cfg(not(feature = "python"))]
#[test]
fn python_algorithms_need_the_python_build() {
    let out = pgml()
        .args([
            "train",
            "--task",
            "regression",
            "--target",
            "target",
            "--algorithm",
            "xgboost",
            "--data",
        ])
        .arg(repo("datasets/diabetes.csv"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        String::from_utf8_lossy(&out.stderr),
        "pgml-cli: error: xgboost for regression runs on the python runtime, which this build of pgml-cli does not have (built without the `python` feature); native regression algorithms: linear, ridge, lasso, elastic_net, svm, random_forest, decision_tree, knn\n"
    );
}

/// Classes are label values, compared exactly, and print as first written: 2^53 and 2^53 + 1
/// stay two classes, `-0` is `0`, `1.0` prints as `1.0`; int64 NPY labels are exact too.
#[test]
fn labels_are_exact_values_and_keep_their_text() {
    let dir = tempfile::tempdir().unwrap();
    let train_predict = |data: &[&Path], predict: &Path| -> (Vec<String>, String) {
        let model_path = dir.path().join("labels.pgml");
        let mut cmd = pgml();
        cmd.args(["train", "-q", "--force", "--task", "classification"])
            .args([
                "--algorithm",
                "knn",
                "--hyperparams",
                r#"{"n_neighbors": 1}"#,
            ])
            .args(["--test-size", "0", "-o"])
            .arg(&model_path)
            .arg("--data")
            .arg(data[0]);
        match data.get(1) {
            Some(labels) => cmd.arg("--labels").arg(labels),
            None => cmd.args(["--target", "y"]),
        };
        run(&mut cmd, 0);
        let (header, _) = model::read(&model_path).unwrap();
        let predicted = run(
            pgml()
                .arg("predict")
                .arg("--model")
                .arg(&model_path)
                .arg("--data")
                .arg(predict),
            0,
        );
        (header.classes, predicted)
    };

    let csv = dir.path().join("labels.csv");
    std::fs::write(
        &csv,
        "a,y\n0,9007199254740992\n10,9007199254740993\n20,1.0\n30,-0\n31,0\n40,1\n",
    )
    .unwrap();
    let (classes, predicted) = train_predict(&[&csv], &csv);
    assert_eq!(
        classes,
        ["-0", "1.0", "9007199254740992", "9007199254740993"]
    );
    assert_eq!(
        predicted,
        "y\n9007199254740992\n9007199254740993\n1.0\n-0\n-0\n1.0\n"
    );

    let x_path = dir.path().join("x.npy");
    let y_path = dir.path().join("y.npy");
    Array2::from_shape_fn((3, 1), |(i, _)| i as f64 * 10.0)
        .write_npy(std::fs::File::create(&x_path).unwrap())
        .unwrap();
    Array1::from(vec![1i64 << 53, (1i64 << 53) + 1, -1])
        .write_npy(std::fs::File::create(&y_path).unwrap())
        .unwrap();
    let (classes, predicted) = train_predict(&[&x_path, &y_path], &x_path);
    assert_eq!(classes, ["-1", "9007199254740992", "9007199254740993"]);
    assert_eq!(predicted, "y\n9007199254740992\n9007199254740993\n-1\n");
}

/// A bad regression target in an NPY labels file is reported in that file, by row.
#[test]
fn npy_target_errors_name_the_labels_file() {
    let dir = tempfile::tempdir().unwrap();
    let (x_path, y_path) = (dir.path().join("x.npy"), dir.path().join("y.npy"));
    Array2::<f64>::zeros((3, 2))
        .write_npy(std::fs::File::create(&x_path).unwrap())
        .unwrap();
    Array1::from(vec![1.0, 1e160, 2.0])
        .write_npy(std::fs::File::create(&y_path).unwrap())
        .unwrap();
    let out = pgml()
        .args(["train", "--task", "regression", "--data"])
        .arg(&x_path)
        .arg("--labels")
        .arg(&y_path)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(3));
    assert_eq!(
        String::from_utf8_lossy(&out.stderr),
        format!(
            "pgml-cli: error: {}: row 2, target column 'y': '1e160' is too large \
             (pgml-cli accepts magnitudes up to 1e150)\n",
            y_path.display()
        )
    );
}

/// Preprocessing fitted twice on the same rows is the same to the byte: category tables, modes
/// and target means never follow a hash map's order. The messy fixture with every kind of
/// column, target encoding over several classes, one-hot, and every impute and scale.
#[test]
fn preprocessing_is_deterministic() {
    let dir = tempfile::tempdir().unwrap();
    let train = |out: &str, args: &[&str]| {
        let path = dir.path().join(out);
        let mut cmd = pgml();
        cmd.env("SOURCE_DATE_EPOCH", "1767225600")
            .args(["train", "-q", "--force", "--categorical", "zip", "--data"])
            .arg(repo("tests/fixtures/messy.csv"))
            .args(args)
            .arg("-o")
            .arg(&path);
        let out = cmd.output().unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let bytes = std::fs::read(&path).unwrap();
        let (mut header, payload) = model::decode(&path, &bytes).unwrap();
        header.metrics.retain(|name, _| !name.ends_with("_time"));
        (serde_json::to_string(&header).unwrap(), payload)
    };
    let cases: [&[&str]; 2] = [
        &[
            "--target",
            "tier",
            "--task",
            "classification",
            "--ignore",
            "price,name",
            "--algorithm",
            "random_forest",
            "--hyperparams",
            r#"{"n_estimators": 3}"#,
            "--preprocess",
            r#"{"*": {"impute": "mode", "scale": "robust", "encode": "target"}, "color": {"encode": "one_hot"}, "size": {"impute": "median", "scale": "standard"}}"#,
        ],
        &[
            "--target",
            "price",
            "--task",
            "regression",
            "--ignore",
            "tier,name",
            "--algorithm",
            "knn",
            "--preprocess",
            r#"{"*": {"impute": "mean", "scale": "min_max", "encode": "target"}, "zip": {"impute": "mode", "encode": "one_hot"}}"#,
        ],
    ];
    for args in cases {
        let a = train("a.pgml", args);
        let b = train("b.pgml", args);
        assert!(a.0.contains("target_means"), "{}", a.0);
        assert_eq!(a, b, "{args:?}");
    }
}
