//! Training, start to finish: validate, load, split, fit, score, write the model file.

use std::path::PathBuf;
use std::time::Instant;

use ndarray::ArrayView2;
use serde_json::{Map, Value};

use crate::algorithms::{self, Runtime};
use crate::data::split::{self, Sampling};
use crate::data::{take_rows, DataSource, Targets};
use crate::error::{Error, Result};
use crate::metrics::{self, Metrics};
use crate::model::{self, DataInfo, Header, SplitInfo};
use crate::progress::Progress;
use crate::runtime::{Estimator, Plan};
use crate::task::Task;

pub struct TrainRequest {
    pub data: DataSource,
    pub features: Option<Vec<String>>,
    pub targets: Vec<String>,
    pub task: Task,
    pub algorithm: String,
    pub runtime: Option<Runtime>,
    pub hyperparams: Map<String, Value>,
    pub test_size: f64,
    pub sampling: Sampling,
    pub seed: u64,
    pub output: PathBuf,
    pub force: bool,
}

/// Checks everything that needs no data, then trains. Returns the header that was written.
pub fn train(request: &TrainRequest, progress: Progress) -> Result<Header> {
    let task = request.task;
    let choice = algorithms::choose(&request.algorithm, task, request.runtime)?;
    check_targets(request)?;
    model::check_writable(&request.output, request.force)?;
    let plan = Plan::new(
        &choice,
        task,
        &request.hyperparams,
        request.seed,
        request.targets.len(),
    )?;

    let data = progress.run(format!("loading {}", request.data.name()), || {
        request
            .data
            .load(request.features.as_deref(), &request.targets, task)
    })?;
    let classes = match &data.targets {
        Targets::Classes { y, .. } => Some(y.to_vec()),
        _ => None,
    };
    let split = split::split(
        data.rows(),
        request.test_size,
        request.sampling,
        request.seed,
        classes.as_deref(),
    )?;
    let x_train = take_rows(data.x.view(), &split.train);
    let y_train = data.targets.select(&split.train);

    let started = Instant::now();
    let model = progress.run(format!("fitting {}", choice.algorithm.name), || {
        plan.fit(task, x_train, &y_train, request.seed)
    })?;
    let fit_time = started.elapsed().as_secs_f64();

    let mut metrics = Metrics::new();
    if !split.test.is_empty() {
        let started = Instant::now();
        let x_test = take_rows(data.x.view(), &split.test);
        metrics = progress.run("scoring", || {
            evaluate(
                model.as_ref(),
                x_test.view(),
                &data.targets.select(&split.test),
                task,
            )
        })?;
        metrics.insert("score_time".into(), started.elapsed().as_secs_f64());
    }
    metrics.insert("fit_time".into(), fit_time);

    let header = Header {
        format_version: model::FORMAT_VERSION,
        pgml_cli_version: env!("CARGO_PKG_VERSION").into(),
        created_at: now(),
        task,
        algorithm: choice.algorithm.name.into(),
        runtime: choice.runtime,
        backend: plan.backend(),
        hyperparams: Value::Object(request.hyperparams.clone()),
        resolved_hyperparams: plan.resolved_hyperparams(),
        feature_names: data.feature_names.clone(),
        target_names: data.target_names.clone(),
        classes: data.targets.labels().to_vec(),
        seed: request.seed,
        split: SplitInfo {
            test_size: request.test_size,
            sampling: request.sampling,
            train_rows: split.train.len(),
            test_rows: split.test.len(),
        },
        data: DataInfo {
            source: request.data.name(),
            rows: data.rows(),
            fingerprint: data.fingerprint(),
        },
        metrics,
        python: plan.python_info(),
    };
    let bytes = model::encode(&header, &model.payload()?)?;
    model::write_atomically(&request.output, &bytes, request.force)?;
    Ok(header)
}

fn check_targets(request: &TrainRequest) -> Result<()> {
    let task = request.task;
    let columns = request.features.iter().flatten().chain(&request.targets);
    let mut seen = std::collections::HashSet::new();
    if let Some(twice) = columns.into_iter().find(|c| !seen.insert(c.as_str())) {
        return Err(Error::usage(format!(
            "column {} is named twice in --features/--target",
            crate::data::quote(twice)
        )));
    }
    let csv = matches!(request.data, DataSource::Csv(..));
    match (task.supervised(), request.targets.len()) {
        (true, 0) if csv => Err(Error::usage(format!("{task} needs --target COLUMN"))),
        (false, n) if n > 0 => Err(Error::usage(format!("{task} takes no --target"))),
        (true, n) if n > 1 && task == Task::Classification => Err(Error::usage(
            "classification takes exactly one --target column",
        )),
        _ => Ok(()),
    }
}

/// The task's metrics on held-out rows.
pub fn evaluate(
    model: &dyn Estimator,
    x: ArrayView2<f64>,
    truth: &Targets,
    task: Task,
) -> Result<Metrics> {
    let prediction = model.predict(x)?;
    let proba = match task {
        Task::Classification => model.predict_proba(x)?,
        _ => None,
    };
    metrics::score(
        task,
        x,
        truth,
        &prediction,
        proba.as_ref().map(|p| p.view()),
    )
}

/// Now, or SOURCE_DATE_EPOCH when set (reproducible model files, golden tests).
fn now() -> String {
    let epoch = std::env::var("SOURCE_DATE_EPOCH")
        .ok()
        .and_then(|s| s.parse::<i64>().ok());
    epoch
        .and_then(|s| time::OffsetDateTime::from_unix_timestamp(s).ok())
        .unwrap_or_else(time::OffsetDateTime::now_utc)
        .format(&time::format_description::well_known::Rfc3339)
        .unwrap_or_else(|_| "unknown".into())
}

/// The default model path: `<data file stem>-<algorithm>.pgml` in the current directory.
pub fn default_output(data: &DataSource, algorithm: &str) -> PathBuf {
    let (DataSource::Csv(path, _) | DataSource::Npy { features: path, .. }) = data;
    let stem = crate::data::input::stem(path)
        .and_then(|s| s.to_str())
        .filter(|s| *s != "-")
        .unwrap_or("stdin");
    PathBuf::from(format!("{stem}-{algorithm}.pgml"))
}

/// The metrics a task can report, for validating `--min-metric` before training.
pub fn metric_names(task: Task) -> &'static [&'static str] {
    match task {
        Task::Regression => &[
            "r2",
            "mean_absolute_error",
            "mean_squared_error",
            "root_mean_squared_error",
            "fit_time",
            "score_time",
        ],
        Task::Classification => &[
            "accuracy",
            "f1",
            "precision",
            "recall",
            "f1_macro",
            "precision_macro",
            "recall_macro",
            "mcc",
            "roc_auc",
            "log_loss",
            "fit_time",
            "score_time",
        ],
        Task::Clustering => &["silhouette", "fit_time", "score_time"],
        Task::Decomposition => &["cumulative_explained_variance", "fit_time", "score_time"],
    }
}
