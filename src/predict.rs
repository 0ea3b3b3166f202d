//! Prediction: load and verify a model, stream the input through it in chunks, write the output.

use std::path::PathBuf;

use ndarray::{Array2, ArrayView2};

use crate::algorithms::Runtime;
use crate::data::csv::Columns;
use crate::data::{DataSource, CHUNK_ROWS};
use crate::error::{warn, Error, Result};
use crate::model::{self, Header};
use crate::output::{Cell, Format, PredictionWriter, Type};
use crate::runtime::{self, Estimator, Prediction};
use crate::task::Task;

/// Matrix cells a chunk holds at most (64 MB).
const CHUNK_CELLS: usize = 1 << 23;

/// What to do with a row the model cannot take (a cell not of its column's kind, a missing
/// value the model has no imputation for).
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum OnError {
    /// Stop with an error naming the row
    Fail,
    /// Leave the row out of the output and say how many were left out
    Skip,
}

pub struct PredictRequest {
    pub model: PathBuf,
    pub data: DataSource,
    /// A file, stdout (`None`), or a `postgresql://...?table=` URL (a new table).
    pub output: Option<PathBuf>,
    /// A table output replaces one of the same name.
    pub replace: bool,
    pub format: Format,
    pub proba: bool,
    pub precision: Option<usize>,
    /// Input columns copied beside the predictions.
    pub keep: Vec<String>,
    pub on_error: OnError,
    /// `--runtime`: python forces a Python model's library path even when it has a native form.
    pub runtime: Option<Runtime>,
}

/// Returns how many rows were predicted.
pub fn predict(request: &PredictRequest) -> Result<usize> {
    let (header, payload) = model::read(&request.model)?;
    predict_model(request, header, payload)
}

/// Predicts with a model already read and checked (a registry's); `request.model` then only
/// names it in messages.
pub fn predict_model(request: &PredictRequest, header: Header, payload: Vec<u8>) -> Result<usize> {
    if request.proba && header.task != Task::Classification {
        return Err(Error::usage(format!(
            "--proba needs a classification model; this one is {}",
            header.task
        )));
    }
    if let Some(twice) = request
        .keep
        .iter()
        .enumerate()
        .find_map(|(i, name)| request.keep[..i].contains(name).then_some(name))
    {
        return Err(Error::usage(format!("--keep names column '{twice}' twice")));
    }
    if !request.keep.is_empty() && request.format == Format::Npy {
        return Err(Error::usage(
            "NPY output holds numbers only; --keep needs csv, tsv, json or parquet output",
        ));
    }
    // Model errors from the runtimes name no file: these are about this one.
    let in_file = |e| match e {
        Error::Model(why) => Error::model(&request.model, why),
        other => other,
    };
    let model = runtime::load_on(&header, &payload, request.runtime).map_err(in_file)?;
    let missing_ok = crate::algorithms::find(&header.algorithm)
        .is_ok_and(|a| a.takes_missing_values(header.runtime));
    let transformer = header.input.transformer();
    let names = header.input.input_names();
    let columns = Columns {
        keep: &request.keep,
        ..Columns::features(&names)
    };
    // Fewer rows a chunk for wide models (one-hot over many categories): memory stays flat.
    let chunk_rows = (CHUNK_CELLS / header.feature_names.len().max(1)).clamp(1, CHUNK_ROWS);
    let mut reader = request.data.reader(&columns, chunk_rows)?;
    let source = reader.source().to_string();
    let mut writer = None;
    let (mut rows, mut predicted) = (0, 0);
    let mut skipped: Vec<usize> = Vec::new();
    let mut unseen = crate::preprocess::Problems::default();
    while let Some(chunk) = reader.read_chunk()? {
        let raw: Vec<_> = chunk.columns.iter().collect();
        let all: Vec<usize> = (0..chunk.rows).collect();
        let (x, mut problems) = transformer
            .transform(&raw, &all, missing_ok)
            .map_err(|why| Error::data(&source, why))?;
        unseen.merge(crate::preprocess::Problems {
            unseen: std::mem::take(&mut problems.unseen)
                .into_iter()
                .map(|mut p| {
                    p.first_row += rows;
                    p
                })
                .collect(),
            ..Default::default()
        });
        let (x, kept_rows) = if problems.is_empty() {
            (x, all)
        } else if request.on_error == OnError::Fail {
            return Err(crate::train::missing_values_error(
                &source,
                &problems,
                &header.algorithm,
                rows,
            ));
        } else {
            skipped.extend(problems.rows.iter().map(|r| r + rows));
            let good: Vec<usize> = all
                .into_iter()
                .filter(|r| problems.rows.binary_search(r).is_err())
                .collect();
            (crate::data::take_rows(x.view(), &good), good)
        };
        if x.nrows() > 0 {
            let table =
                predict_chunk(model.as_ref(), &header, x.view(), request.proba).map_err(in_file)?;
            check_outputs(&header, &table, x.view(), request.proba, predicted)
                .map_err(|why| Error::model(&request.model, why))?;
            let writer = match &mut writer {
                Some(w) => w,
                None => writer.insert(open_output(
                    &header,
                    request,
                    &reader,
                    table.first().map_or(0, Vec::len),
                )?),
            };
            for (row, &r) in table.iter().zip(&kept_rows) {
                let cells: Vec<Cell> = chunk
                    .kept
                    .iter()
                    .map(|column| Cell::Text(&column[r]))
                    .chain(row.iter().map(|c| c.as_cell(&header.classes)))
                    .collect();
                writer.write_row(&cells)?;
            }
            predicted += x.nrows();
        }
        rows += chunk.rows;
    }
    let writer = match writer {
        Some(w) => w,
        None => open_output(&header, request, &reader, 0)?,
    };
    writer.finish()?;
    if !unseen.unseen.is_empty() {
        warn(format!(
            "{source}: categories the model has not seen, predicted as unknown: {}",
            unseen.describe_unseen(|r| r + 1)
        ));
    }
    if !skipped.is_empty() {
        let first: Vec<String> = skipped
            .iter()
            .take(10)
            .map(|r| (r + 1).to_string())
            .collect();
        warn(format!(
            "{source}: left out {} of {rows} rows the model cannot take (rows {}{})",
            skipped.len(),
            first.join(", "),
            if skipped.len() > 10 { ", ..." } else { "" }
        ));
    }
    Ok(predicted)
}

/// The output for `width` prediction columns: a file, stdout, or a new PostgreSQL table whose
/// kept columns have the source's types where it has them.
fn open_output(
    header: &Header,
    request: &PredictRequest,
    reader: &crate::data::Reader,
    width: usize,
) -> Result<PredictionWriter> {
    let columns = output_columns(header, request, width);
    let mut types = output_types(header, request, width);
    // Kept columns of a typed source keep their type (PostgreSQL integers); others are text.
    for (t, kept) in types.iter_mut().zip(reader.kept_types()) {
        *t = kept;
    }
    match request.output.as_deref().and_then(|o| o.to_str()) {
        Some(url) if crate::postgres::is_url(url) => {
            PredictionWriter::table(url, columns, types, request.replace, reader.pg_table())
        }
        _ => PredictionWriter::create(
            request.output.as_deref(),
            request.format,
            columns,
            &types,
            request.precision,
        ),
    }
}

/// Column names: the kept columns, then targets, class labels (`--proba`), `cluster`, or
/// `pc1..` for `width` components.
fn output_columns(header: &Header, request: &PredictRequest, width: usize) -> Vec<String> {
    let predictions = match header.task {
        Task::Classification if request.proba => header.classes.clone(),
        Task::Regression | Task::Classification => header.target_names.clone(),
        Task::Clustering => vec!["cluster".into()],
        Task::Decomposition => (1..=width).map(|i| format!("pc{i}")).collect(),
    };
    // A kept column may share a prediction's name (`--keep target` beside a prediction of
    // `target`): the prediction is then `target_predicted`, so CSV headers and JSON keys stay unique.
    let mut names = request.keep.clone();
    for mut name in predictions {
        while names.contains(&name) {
            name.push_str("_predicted");
        }
        names.push(name);
    }
    names
}

/// The columns' types, as `output_columns` names them: kept columns as their source text,
/// labels as `Type::of_labels`, clusters as integers, everything else as floats.
fn output_types(header: &Header, request: &PredictRequest, width: usize) -> Vec<Type> {
    let (kind, count) = match header.task {
        Task::Classification if request.proba => (Type::Float, header.classes.len()),
        Task::Classification => (Type::of_labels(&header.classes), 1),
        Task::Regression => (Type::Float, header.target_names.len()),
        Task::Clustering => (Type::Integer, 1),
        Task::Decomposition => (Type::Float, width),
    };
    let mut types = vec![Type::Text; request.keep.len()];
    types.resize(request.keep.len() + count, kind);
    types
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
