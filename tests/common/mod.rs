//! Helpers shared by the integration tests.
#![allow(dead_code)] // each test file uses its own part

use std::path::{Path, PathBuf};
use std::process::Command;

use ndarray::Array2;
use pgml_cli::algorithms::Runtime;
use pgml_cli::data::csv::Columns;
use pgml_cli::data::input::Dialect;
use pgml_cli::data::split::{self, Sampling};
use pgml_cli::data::{take_rows, DataSource, Targets};
use pgml_cli::metrics;
use pgml_cli::output::Format;
use pgml_cli::predict::{self, OnError, PredictRequest};
use pgml_cli::preprocess::{Pipeline, Spec};
use pgml_cli::progress::Progress;
use pgml_cli::runtime::Prediction;
use pgml_cli::task::Task;
use pgml_cli::train::{self, TrainRequest};
use serde_json::{json, Map, Value};

/// A numeric CSV as the model's matrix: every column a number, nothing preprocessed.
pub struct Loaded {
    pub feature_names: Vec<String>,
    pub x: Array2<f64>,
    pub targets: Targets,
}

impl Loaded {
    pub fn rows(&self) -> usize {
        self.x.nrows()
    }
}

pub fn load(path: &Path, features: Option<&[String]>, targets: &[String], task: Task) -> Loaded {
    let columns = Columns {
        features,
        ignore: &[],
        targets,
        keep: &[],
        predicting: false,
    };
    let table = DataSource::Csv(path.to_path_buf(), Dialect::default())
        .load(&columns)
        .unwrap();
    let labelled = table.labelled(task, None).unwrap();
    let raw: Vec<_> = table.columns.iter().collect();
    let (x, problems) = Pipeline::numeric(&table.names)
        .transformer()
        .transform(&raw, &labelled.rows, false)
        .unwrap();
    assert!(problems.is_empty(), "{}", problems.describe(|r| r + 1));
    Loaded {
        feature_names: table.names,
        x,
        targets: labelled.targets,
    }
}

pub fn repo(path: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(path)
}

pub fn pgml() -> Command {
    Command::new(assert_cmd::cargo::cargo_bin!("pgml-cli"))
}

/// Runs `script` with the checkout's Python and `args` (the scikit-learn side of a comparison)
/// and parses what it prints as JSON; fails with its stderr.
pub fn python_reference<T: serde::de::DeserializeOwned>(
    script: &str,
    args: &[&std::ffi::OsStr],
) -> T {
    let out = Command::new(repo(".venv/bin/python"))
        .arg("-c")
        .arg(script)
        .args(args)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "reference script {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

/// `train` on every row of `data` with `train_args` into `dir/name.pgml`, then `predict` with
/// `predict_args` on the same rows: the predictions' header and rows.
pub fn train_and_predict(
    dir: &Path,
    name: &str,
    data: &Path,
    train_args: &[&str],
    predict_args: &[&str],
) -> (Vec<String>, Vec<Vec<String>>) {
    let model = dir.join(format!("{name}.pgml"));
    let train = pgml()
        .args(["train", "-q", "--test-size", "0", "--force"])
        .args(train_args)
        .arg("--data")
        .arg(data)
        .arg("-o")
        .arg(&model)
        .output()
        .unwrap();
    assert!(
        train.status.success(),
        "{name}: {}",
        String::from_utf8_lossy(&train.stderr)
    );
    let predictions = dir.join(format!("{name}-predictions.csv"));
    let predict = pgml()
        .arg("predict")
        .args(predict_args)
        .arg("--model")
        .arg(&model)
        .arg("--data")
        .arg(data)
        .arg("-o")
        .arg(&predictions)
        .output()
        .unwrap();
    assert!(
        predict.status.success(),
        "{name}: {}",
        String::from_utf8_lossy(&predict.stderr)
    );
    read_csv(&predictions)
}

/// A CSV file as (header, rows of cells).
pub fn read_csv(path: &Path) -> (Vec<String>, Vec<Vec<String>>) {
    let mut reader = csv::Reader::from_path(path).unwrap();
    let header = reader.headers().unwrap().iter().map(String::from).collect();
    let rows = reader
        .records()
        .map(|r| r.unwrap().iter().map(String::from).collect())
        .collect();
    (header, rows)
}

pub fn write_csv(path: &Path, header: &[String], rows: &[Vec<String>]) {
    let mut writer = csv::Writer::from_path(path).unwrap();
    writer.write_record(header).unwrap();
    rows.iter().for_each(|r| writer.write_record(r).unwrap());
    writer.flush().unwrap();
}

pub fn numbers(rows: &[Vec<String>]) -> Array2<f64> {
    let cols = rows.first().map_or(0, Vec::len);
    Array2::from_shape_fn((rows.len(), cols), |(r, c)| rows[r][c].parse().unwrap())
}

/// The bundled dataset, targets and feature columns each task is exercised with.
pub fn setup(task: Task) -> (&'static str, Vec<String>, Option<Vec<String>>) {
    let iris = ["sepal_length", "sepal_width", "petal_length", "petal_width"]
        .map(String::from)
        .to_vec();
    match task {
        Task::Regression => ("diabetes", vec!["target".into()], None),
        Task::Classification => ("iris", vec!["target".into()], None),
        Task::Clustering | Task::Decomposition => ("iris", vec![], Some(iris)),
    }
}

/// Small settings for the slow ones (PostgresML 1.0's where it had them).
pub fn hyperparams(algorithm: &str) -> Map<String, Value> {
    let value = match algorithm {
        "ada_boost"
        | "bagging"
        | "extra_trees"
        | "gradient_boosting_trees"
        | "random_forest"
        | "lightgbm" => {
            json!({"n_estimators": 5})
        }
        "xgboost" | "xgboost_random_forest" => json!({"n_estimators": 10}),
        "catboost" => json!({"iterations": 10}),
        "theil_sen" => json!({"max_iter": 10, "max_subpopulation": 100}),
        "kmeans" | "mini_batch_kmeans" => json!({"n_clusters": 3}),
        "pca" => json!({"n_components": 2}),
        "dbscan" => json!({"eps": 0.6}),
        _ => json!({}),
    };
    value.as_object().cloned().unwrap_or_default()
}

/// Trains with a quarter of the rows held out, predicts those rows from the saved file, and
/// recomputes the metrics from the written predictions: they must equal what train reported.
/// Returns how many metrics were compared.
pub fn assert_round_trip(dir: &Path, algorithm: &str, task: Task, runtime: Runtime) -> usize {
    let (dataset, targets, features) = setup(task);
    let model = dir.join(format!("{algorithm}-{task}.pgml"));
    let request = TrainRequest {
        data: DataSource::Csv(repo(&format!("datasets/{dataset}.csv")), Dialect::default()),
        test_data: None,
        ignore: Vec::new(),
        categorical: Vec::new(),
        preprocess: Spec::default(),
        search: None,
        features: features.clone(),
        targets: targets.clone(),
        task,
        algorithm: algorithm.into(),
        runtime: Some(runtime),
        hyperparams: hyperparams(algorithm),
        test_size: 0.25,
        sampling: Sampling::Random,
        seed: 0,
        output: model.clone(),
        force: true,
        cluster: None,
        workers_read: None,
    };
    let header = train::train(&request, Progress::new(true))
        .unwrap_or_else(|e| panic!("{algorithm} {task}: {e}"));
    let data = load(
        &repo(&format!("datasets/{dataset}.csv")),
        features.as_deref(),
        &targets,
        task,
    );
    let split = split::split(data.rows(), 0.25, Sampling::Random, 0, None).unwrap();
    assert_eq!(split.test.len(), header.split.test_rows);
    let x_test = take_rows(data.x.view(), &split.test);
    let truth = data.targets.select(&split.test);
    let test_csv = dir.join("test.csv");
    let cells: Vec<Vec<String>> = x_test
        .rows()
        .into_iter()
        .map(|r| r.iter().map(|v| format!("{v:?}")).collect())
        .collect();
    write_csv(&test_csv, &data.feature_names, &cells);

    let predict_rows = |proba: bool| {
        let out = dir.join("predictions.csv");
        let request = PredictRequest {
            model: model.clone(),
            data: DataSource::Csv(test_csv.clone(), Dialect::default()),
            output: Some(out.clone()),
            replace: false,
            format: Format::Csv,
            proba,
            precision: None,
            keep: Vec::new(),
            on_error: OnError::Fail,
            runtime: None,
        };
        predict::predict(&request).unwrap_or_else(|e| panic!("{algorithm} {task}: {e}"));
        read_csv(&out).1
    };
    let rows = predict_rows(false);
    let prediction = match task {
        Task::Regression | Task::Decomposition => Prediction::Values(numbers(&rows)),
        Task::Classification => Prediction::Classes(
            rows.iter()
                .map(|r| header.classes.iter().position(|c| *c == r[0]).unwrap())
                .collect(),
        ),
        Task::Clustering => {
            Prediction::Clusters(rows.iter().map(|r| r[0].parse().unwrap()).collect())
        }
    };
    let proba = (matches!(truth, Targets::Classes { .. })
        && header.metrics.contains_key("log_loss"))
    .then(|| numbers(&predict_rows(true)));
    let recomputed = metrics::score(
        task,
        x_test.view(),
        &truth,
        &prediction,
        proba.as_ref().map(|p| p.view()),
    )
    .unwrap();
    let reported: Vec<&String> = header
        .metrics
        .keys()
        .filter(|k| !k.ends_with("_time"))
        .collect();
    assert_eq!(
        recomputed.keys().collect::<Vec<_>>(),
        reported,
        "{algorithm} {task}"
    );
    for (name, value) in &recomputed {
        let trained = header.metrics[name];
        assert!(
            (value - trained).abs() <= 1e-9 * trained.abs().max(1.0),
            "{algorithm} {task} {name}: {value} from the file, {trained} at training"
        );
    }
    recomputed.len()
}
