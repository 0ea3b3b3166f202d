//! Training where the Dask workers read the data (`train --cluster ... --workers-read`): each
//! worker reads its partitions (a Parquet file's row groups) straight from the source, so the
//! rows never pass through this process, which reads only a sample: enough to type the columns,
//! fit the (stateless) preprocessing and verify the model's native form.
//!
//! What that rules out, refused before anything is read: preprocessing that learns from the
//! rows (imputation, scaling, encodings), text and date features, a search, `--test-data`, and
//! stratified sampling (the held-out rows are drawn per row, by a hash of the seed and the row's
//! position, so no worker needs another's rows).

use ndarray::Array2;
use serde_json::{json, Value};

use super::{header, infer_kinds, TrainRequest};
use crate::algorithms;
use crate::data::csv::Columns;
use crate::data::split::{self, Sampling};
use crate::data::table::Kind;
use crate::data::{encode_labels, quote, DataSource, Reader, Table, Targets, CHUNK_ROWS};
use crate::error::{Error, Result};
use crate::metrics::{self, Metrics};
use crate::model::{self, DataInfo, Header, SplitInfo};
use crate::preprocess::{Pipeline, Spec};
use crate::progress::Progress;
use crate::runtime::{Estimator, Plan, Prediction};
use crate::task::Task;

/// Rows this process reads to type the columns and verify the native form.
const SAMPLE_ROWS: usize = 10_000;

/// Distinct classification targets the workers may report.
const MAX_CLASSES: usize = 10_000;

/// Refuses, before anything is read, what the workers cannot do on their own.
pub(super) fn check(request: &TrainRequest) -> Result<()> {
    let refuse = |what: &str| Err(Error::usage(format!("--workers-read: {what}")));
    if request.cluster.is_none() {
        return refuse("the workers of a --cluster read the data; give --cluster");
    }
    if !matches!(request.data, DataSource::Parquet(_)) {
        return refuse(&format!(
            "the workers read Parquet files; {} is not one (train without --workers-read to send its rows from here)",
            request.data.name()
        ));
    }
    if request.search.is_some() {
        return refuse("a --search is not run on the workers' reads");
    }
    if request.test_data.is_some() {
        return refuse(
            "the held-out rows come from --data; --test-data is not read by the workers",
        );
    }
    if request.sampling == Sampling::Stratified {
        return refuse("--test-sampling stratified needs every row's class before the split; use random, first or last");
    }
    if !request.categorical.is_empty() || request.preprocess != Spec::default() {
        return refuse(
            "--preprocess and --categorical learn from the rows, which the workers hold; the features are used as they are",
        );
    }
    if request.targets.len() != 1 {
        return refuse("give exactly one --target");
    }
    Ok(())
}

/// Trains `plan` (a Python plan on the cluster) on the workers' reads and writes the model file.
pub(super) fn train(
    request: &TrainRequest,
    choice: &algorithms::Choice,
    plan: &Plan,
    progress: Progress,
) -> Result<Header> {
    let task = request.task;
    let Plan::Python(prepared) = plan else {
        return Err(Error::usage("--workers-read fits on the python runtime"));
    };
    let columns = Columns {
        features: request.features.as_deref(),
        ignore: &request.ignore,
        targets: &request.targets,
        keep: &[],
        predicting: false,
    };
    let DataSource::Parquet(path) = &request.data else {
        return Err(Error::usage("--workers-read reads Parquet files"));
    };
    let mut reader = request.data.reader(&columns, CHUNK_ROWS)?;
    let Reader::Parquet(parquet) = &reader else {
        return Err(Error::usage("--workers-read reads Parquet files"));
    };
    let mut parts = Vec::new();
    let mut rows = 0;
    for (index, &count) in parquet.row_groups().iter().enumerate() {
        parts.push(json!({"index": index, "offset": rows, "rows": count}));
        rows += count;
    }
    let sample = Table::read(&mut reader, 0, SAMPLE_ROWS)?;
    let source_name = sample.source.clone();
    let labelled = sample.labelled(task, None)?;
    let (pipeline, x_sample) = stateless_pipeline(&sample, &labelled.rows)?;
    let feature_names = pipeline.output_names();
    super::check_feature_names(&source_name, &feature_names)?;
    let test_rows = split::test_row_count(rows, request.test_size)?;
    let source = json!({
        "name": source_name,
        "path": std::path::absolute(path).map_err(|e| Error::io(&source_name, e))?,
        "rows": rows,
        "parts": parts,
    });

    // Classes: every distinct target cell the workers read, labelled as for any other train.
    let (labels, classes) = match task {
        Task::Classification => {
            let cells = progress.run("reading the classes on the workers", || {
                prepared.cluster_labels(&source, &request.targets[0], MAX_CLASSES)
            })?;
            let texts: Vec<&str> = cells.iter().map(String::as_str).collect();
            let (y, labels) = match encode_labels(&texts) {
                Targets::Classes { y, labels } => (y, labels),
                _ => (Default::default(), Vec::new()),
            };
            let map: serde_json::Map<String, Value> = cells
                .iter()
                .zip(y.iter())
                .map(|(cell, &class)| (cell.clone(), json!(class)))
                .collect();
            (labels, Value::Object(map))
        }
        _ => (Vec::new(), Value::Null),
    };
    let job = json!({
        "features": sample.names,
        "target": request.targets[0],
        "classes": classes,
        "sampling": request.sampling.name(),
        "test_rows": test_rows,
        "seed": request.seed,
    });

    let started = std::time::Instant::now();
    let (model, fit) = progress.run(
        format!("fitting {} on the workers", choice.algorithm.name),
        || {
            prepared.fit_on_workers(
                task,
                &source,
                &job,
                labels.len(),
                request.seed,
                x_sample.view(),
            )
        },
    )?;
    let fit_time = started.elapsed().as_secs_f64();
    if fit.left_out > 0 {
        crate::error::warn(format!(
            "{source_name}: left out {} rows whose target is missing",
            fit.left_out
        ));
    }
    let n_test = fit.y_test.len();
    let mut metrics = Metrics::new();
    if let Some(predicted) = &fit.predicted {
        metrics = held_out_metrics(task, &fit.y_test, predicted, fit.proba.as_ref(), &labels)?;
    }
    metrics.insert("fit_time".into(), fit_time);

    let split = SplitInfo {
        test_size: request.test_size,
        sampling: request.sampling,
        train_rows: fit.train_rows,
        test_rows: n_test,
    };
    let data = DataInfo {
        source: request.data.name(),
        rows: fit.rows,
        fingerprint: fit.fingerprint.clone(),
    };
    let header = Header {
        feature_names,
        target_names: sample.target_names.clone(),
        classes: labels,
        ..header(
            request,
            choice,
            plan,
            &request.hyperparams,
            pipeline,
            split,
            data,
            metrics,
            &model,
        )
    };
    let bytes = model::encode(&header, &model.payload()?)?;
    model::write_atomically(&request.output, &bytes, request.force)?;
    Ok(header)
}

/// The preprocessing of the sample's columns, which must need nothing learnt from the rows:
/// numbers and booleans as they are (the libraries take missing values). Returns it and the
/// sample's rows through it.
fn stateless_pipeline(sample: &Table, rows: &[usize]) -> Result<(Pipeline, Array2<f64>)> {
    let (kinds, problems) = infer_kinds(sample, rows, &[]);
    for (name, kind) in sample.names.iter().zip(&kinds) {
        if !matches!(kind, Kind::Number | Kind::Boolean) {
            return Err(Error::usage(format!(
                "--workers-read: column {} holds {} values in {}; the workers read number and boolean features only (--ignore it, or train without --workers-read)",
                quote(name),
                kind.name(),
                sample.source
            )));
        }
    }
    if let Some((_, why)) = problems.first() {
        return Err(Error::data(&sample.source, why));
    }
    let spec = Spec::default();
    let options = sample
        .names
        .iter()
        .zip(&kinds)
        .map(|(name, kind)| spec.for_column(name, *kind))
        .collect::<Result<Vec<_>>>()?;
    let fit_columns: Vec<_> = sample
        .names
        .iter()
        .zip(&sample.columns)
        .zip(kinds.iter().zip(options))
        .map(|((name, column), (kind, options))| (name.as_str(), column, *kind, options))
        .collect();
    let pipeline =
        Pipeline::fit(&fit_columns, rows, None).map_err(|e| Error::data(&sample.source, e))?;
    let raw: Vec<_> = sample.columns.iter().collect();
    let (x, _) = pipeline
        .transformer()
        .transform(&raw, rows, true)
        .map_err(|why| Error::data(&sample.source, why))?;
    Ok((pipeline, x))
}

/// Metrics of the held-out rows from their targets and the predictions the cluster made.
fn held_out_metrics(
    task: Task,
    y_test: &[f64],
    predicted: &[f64],
    proba: Option<&Array2<f64>>,
    labels: &[String],
) -> Result<Metrics> {
    let n = y_test.len();
    let (truth, prediction) = match task {
        Task::Classification => {
            let index = |v: f64| -> Result<usize> {
                if v >= 0.0 && v.fract() == 0.0 && (v as usize) < labels.len() {
                    Ok(v as usize)
                } else {
                    Err(Error::Fit(format!(
                        "the cluster predicted class {v}, not one of the {}",
                        labels.len()
                    )))
                }
            };
            let y = y_test.iter().map(|&v| index(v)).collect::<Result<_>>()?;
            let p = predicted.iter().map(|&v| index(v)).collect::<Result<_>>()?;
            (
                Targets::Classes {
                    y,
                    labels: labels.to_vec(),
                },
                Prediction::Classes(p),
            )
        }
        _ => (
            Targets::Values(Array2::from_shape_vec((n, 1), y_test.to_vec()).map_err(fit_shape)?),
            Prediction::Values(
                Array2::from_shape_vec((predicted.len(), 1), predicted.to_vec())
                    .map_err(fit_shape)?,
            ),
        ),
    };
    let proba = proba.filter(|p| p.ncols() == labels.len() && p.nrows() == n);
    metrics::score(
        task,
        Array2::zeros((0, 0)).view(),
        &truth,
        &prediction,
        proba.map(|p| p.view()),
    )
}

fn fit_shape(e: ndarray::ShapeError) -> Error {
    Error::Fit(format!(
        "the cluster's predictions do not fit the held-out rows: {e}"
    ))
}
