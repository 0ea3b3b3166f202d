//! Prediction: load and verify a model, stream the input through it in chunks, write the output.

use std::path::PathBuf;

use ndarray::{s, Array2, ArrayView2};

use crate::data::csv::{Columns, CsvReader};
use crate::data::input::{open_input, Dialect};
use crate::data::{npy, CHUNK_ROWS};
use crate::error::{Error, Result};
use crate::model::{self, Header};
use crate::output::{Cell, Format, PredictionWriter};
use crate::runtime::{self, Estimator, Prediction};
use crate::task::Task;

pub struct PredictRequest {
    pub model: PathBuf,
    pub data: PathBuf,
    /// How CSV `data` is written (the model does not say: predict input may come in another).
    pub dialect: Dialect,
    pub output: Option<PathBuf>,
    pub format: Format,
    pub proba: bool,
    pub precision: Option<usize>,
}

/// Returns how many rows were predicted.
pub fn predict(request: &PredictRequest) -> Result<usize> {
    let (header, payload) = model::read(&request.model)?;
    if request.proba && header.task != Task::Classification {
        return Err(Error::usage(format!(
            "--proba needs a classification model; this one is {}",
            header.task
        )));
    }
    // Model errors from the runtimes name no file: these are about this one.
    let in_file = |e| match e {
        Error::Model(why) => Error::model(&request.model, why),
        other => other,
    };
    let model = runtime::load(&header, &payload).map_err(in_file)?;
    let mut writer = None;
    let mut rows = 0;
    let mut each_chunk = |x: ArrayView2<f64>| -> Result<()> {
        let table = predict_chunk(model.as_ref(), &header, x, request.proba).map_err(in_file)?;
        check_outputs(&header, &table, x, request.proba, rows)
            .map_err(|why| Error::model(&request.model, why))?;
        let writer = match &mut writer {
            Some(w) => w,
            None => writer.insert(PredictionWriter::create(
                request.output.as_deref(),
                request.format,
                output_columns(&header, request.proba, table.first().map_or(0, Vec::len)),
                request.precision,
            )?),
        };
        for row in table {
            writer.write_row(
                &row.iter()
                    .map(|c| c.as_cell(&header.classes))
                    .collect::<Vec<_>>(),
            )?;
        }
        rows += x.nrows();
        Ok(())
    };

    if npy::is_npy(&request.data) {
        let (source, x) = npy::read_features(&request.data)?;
        if x.ncols() != header.feature_names.len() {
            return Err(Error::data(
                source,
                format!(
                    "has {} feature columns but the model was trained on {}",
                    x.ncols(),
                    header.feature_names.len()
                ),
            ));
        }
        for start in (0..x.nrows()).step_by(CHUNK_ROWS) {
            each_chunk(x.slice(s![start..(start + CHUNK_ROWS).min(x.nrows()), ..]))?;
        }
    } else {
        let (source, input) = open_input(&request.data)?;
        let mut reader = CsvReader::new(
            source,
            input,
            request.dialect,
            Columns::Predict {
                features: &header.feature_names,
            },
            CHUNK_ROWS,
        )?;
        while let Some(chunk) = reader.read_chunk()? {
            each_chunk(chunk.x.view())?;
        }
    }
    let writer = match writer {
        Some(w) => w,
        None => PredictionWriter::create(
            request.output.as_deref(),
            request.format,
            output_columns(&header, request.proba, 0),
            request.precision,
        )?,
    };
    writer.finish()?;
    Ok(rows)
}

/// Column names: targets, class labels (`--proba`), `cluster`, or `pc1..` for `width` components.
fn output_columns(header: &Header, proba: bool, width: usize) -> Vec<String> {
    match header.task {
        Task::Classification if proba => header.classes.clone(),
        Task::Regression | Task::Classification => header.target_names.clone(),
        Task::Clustering => vec!["cluster".into()],
        Task::Decomposition => (1..=width).map(|i| format!("pc{i}")).collect(),
    }
}

/// A value before formatting: class indices become the original labels at the end.
enum Value {
    Number(f64),
    Integer(i64),
    Class(usize),
}

impl Value {
    fn as_cell<'a>(&self, classes: &'a [String]) -> Cell<'a> {
        match self {
            Value::Number(v) => Cell::Number(*v),
            Value::Integer(i) => Cell::Integer(*i),
            Value::Class(c) => Cell::Label(classes.get(*c).map_or("?", String::as_str)),
        }
    }
}

fn predict_chunk(
    model: &dyn Estimator,
    header: &Header,
    x: ArrayView2<f64>,
    proba: bool,
) -> Result<Vec<Vec<Value>>> {
    if proba {
        let p = model.predict_proba(x)?.ok_or_else(|| {
            Error::usage(format!(
                "{} models give no probabilities; drop --proba",
                header.algorithm
            ))
        })?;
        return Ok(numbers(&p));
    }
    Ok(match model.predict(x)? {
        Prediction::Values(v) => numbers(&v),
        Prediction::Classes(c) => c.into_iter().map(|c| vec![Value::Class(c)]).collect(),
        Prediction::Clusters(c) => c.into_iter().map(|c| vec![Value::Integer(c)]).collect(),
    })
}

/// What any model must give, whatever its file says: one output row per input row, of the
/// width the header implies, finite numbers, class indices among the header's classes (inputs
/// are finite and bounded, so a NaN comes from the model). `before`: rows of earlier chunks.
fn check_outputs(
    header: &Header,
    table: &[Vec<Value>],
    x: ArrayView2<f64>,
    proba: bool,
    before: usize,
) -> std::result::Result<(), String> {
    if table.len() != x.nrows() {
        return Err(format!(
            "gives {} predictions for {} rows",
            table.len(),
            x.nrows()
        ));
    }
    let width = match header.task {
        Task::Classification if proba => header.classes.len(),
        Task::Regression => header.target_names.len(),
        Task::Classification | Task::Clustering => 1,
        Task::Decomposition => table
            .first()
            .map_or(1, Vec::len)
            .clamp(1, header.feature_names.len()),
    };
    for (i, row) in table.iter().enumerate() {
        let row_number = before + i + 1;
        if row.len() != width {
            return Err(format!(
                "gives {} values instead of {width} for row {row_number}",
                row.len()
            ));
        }
        let fine = row.iter().all(|v| match v {
            Value::Number(n) => n.is_finite(),
            Value::Class(c) => *c < header.classes.len(),
            Value::Integer(_) => true,
        });
        if !fine {
            return Err(format!(
                "gives a value that is not a finite number or a known class for row {row_number}"
            ));
        }
    }
    Ok(())
}

fn numbers(values: &Array2<f64>) -> Vec<Vec<Value>> {
    values
        .rows()
        .into_iter()
        .map(|r| r.iter().map(|&v| Value::Number(v)).collect())
        .collect()
}
