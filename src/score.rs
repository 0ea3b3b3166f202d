//! Scoring a saved model on labelled rows: `pgml-cli score`, and `train --test-data`, which
//! replay the model's preprocessing on a file it has not seen.

use std::path::PathBuf;

use ndarray::Array2;

use crate::data::csv::Columns;
use crate::data::{DataSource, Targets};
use crate::error::{warn, Error, Result};
use crate::metrics::{self, ClassReport, Metrics};
use crate::model::{self, Header};
use crate::preprocess::Pipeline;
use crate::runtime::{self, Prediction};
use crate::task::Task;

/// Labelled rows through a fitted preprocessing.
pub struct HeldOut {
    pub x: Array2<f64>,
    pub targets: Targets,
}

/// Reads `data`'s raw columns for `pipeline` and its targets, leaving out rows without a target;
/// classification labels must be among `classes`.
pub fn load_labelled(
    data: &DataSource,
    pipeline: &Pipeline,
    target_names: &[String],
    task: Task,
    classes: &[String],
    missing_ok: bool,
    algorithm: &str,
) -> Result<HeldOut> {
    let names = pipeline.input_names();
    let columns = Columns {
        targets: target_names,
        ..Columns::features(&names)
    };
    let table = data.load(&columns)?;
    let labelled = table.labelled(task, (task == Task::Classification).then_some(classes))?;
    labelled.warn_left_out(&table.source);
    let raw: Vec<_> = table.columns.iter().collect();
    let (x, problems) = pipeline
        .transformer()
        .transform(&raw, &labelled.rows, missing_ok)
        .map_err(|why| Error::data(&table.source, why))?;
    if !problems.unseen.is_empty() {
        warn(format!(
            "{}: categories the model has not seen, scored as unknown: {}",
            table.source,
            problems.describe_unseen(|r| r + 1)
        ));
    }
    if !problems.is_empty() {
        return Err(crate::train::missing_values_error(
            &table.source,
            &problems,
            algorithm,
            0,
        ));
    }
    Ok(HeldOut {
        x,
        targets: labelled.targets,
    })
}

pub struct ScoreRequest {
    pub model: PathBuf,
    pub data: DataSource,
    /// `--runtime`, as for predict.
    pub runtime: Option<crate::algorithms::Runtime>,
}

pub struct Scored {
    pub header: Header,
    pub rows: usize,
    pub metrics: Metrics,
    /// Classification: per class precision, recall, f1, support, and the confusion matrix.
    pub classes: Option<ClassReport>,
}

/// What predict also refuses of a model, whatever its file says: a value per row, finite
/// numbers, classes among the header's (inputs are within range, so the model made them).
fn check_predictions(
    prediction: &Prediction,
    proba: Option<&Array2<f64>>,
    rows: usize,
    header: &Header,
) -> std::result::Result<(), String> {
    let fine = match prediction {
        Prediction::Values(v) => v.nrows() == rows && v.iter().all(|v| v.is_finite()),
        Prediction::Classes(c) => c.len() == rows && c.iter().all(|&c| c < header.classes.len()),
        Prediction::Clusters(c) => c.len() == rows,
    } && proba
        .is_none_or(|p| p.dim() == (rows, header.classes.len()) && p.iter().all(|v| v.is_finite()));
    match fine {
        true => Ok(()),
        false => Err(
            "gives predictions that are not a finite number or a known class for every row".into(),
        ),
    }
}

pub fn score(request: &ScoreRequest) -> Result<Scored> {
    let (header, payload) = model::read(&request.model)?;
    if !header.task.supervised() {
        return Err(Error::usage(format!(
            "score needs labelled rows; this model is {}",
            header.task
        )));
    }
    let in_file = |e| match e {
        Error::Model(why) => Error::model(&request.model, why),
        other => other,
    };
    let model = runtime::load_on(&header, &payload, request.runtime).map_err(in_file)?;
    if request.data.name() == header.data.source {
        warn(format!(
            "{} is the file the model was trained on: its train rows are among these, so the metrics are optimistic",
            header.data.source
        ));
    }
    let missing_ok = crate::algorithms::find(&header.algorithm)
        .is_ok_and(|a| a.takes_missing_values(header.runtime));
    let held_out = load_labelled(
        &request.data,
        &header.input,
        &header.target_names,
        header.task,
        &header.classes,
        missing_ok,
        &header.algorithm,
    )?;
    let started = std::time::Instant::now();
    let prediction = model.predict(held_out.x.view()).map_err(in_file)?;
    let proba = match header.task {
        Task::Classification => model.predict_proba(held_out.x.view()).map_err(in_file)?,
        _ => None,
    };
    check_predictions(&prediction, proba.as_ref(), held_out.x.nrows(), &header)
        .map_err(|why| Error::model(&request.model, why))?;
    let mut metrics = metrics::score(
        header.task,
        held_out.x.view(),
        &held_out.targets,
        &prediction,
        proba.as_ref().map(|p| p.view()),
    )
    .map_err(in_file)?;
    metrics.insert("score_time".into(), started.elapsed().as_secs_f64());
    let classes = match (&prediction, &held_out.targets) {
        (Prediction::Classes(predicted), Targets::Classes { y, labels }) => {
            Some(metrics::class_report(&y.to_vec(), predicted, labels))
        }
        _ => None,
    };
    Ok(Scored {
        rows: held_out.x.nrows(),
        header,
        metrics,
        classes,
    })
}
