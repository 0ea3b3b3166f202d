//! The fuzz targets, shared by the cargo-fuzz crate (`fuzz/`) and the bounded run in
//! `tests/fuzz.rs`. Each feeds arbitrary bytes to one reader of untrusted input and checks the
//! rules every input must keep: no panic (the harness sees it), and an error is one short line
//! with no control characters, so nothing from the input can forge or flood the terminal.

use std::io::Cursor;
use std::path::Path;

use ndarray::Array2;
use pgml_cli::algorithms::{params, Runtime, ALGORITHMS};
use pgml_cli::data::csv::{Columns, CsvReader};
use pgml_cli::data::input::Dialect;
use pgml_cli::data::table::{RawColumn, TextColumn};
use pgml_cli::data::{npy, Table};
use pgml_cli::error::Error;
use pgml_cli::model;
use pgml_cli::preprocess::{Pipeline, Spec};
use pgml_cli::runtime;
use pgml_cli::task::Task;
use sha2::{Digest, Sha256};

/// Longest error message a data reader may produce: cells and names are cut well below this.
const MAX_MESSAGE: usize = 2000;
/// Longest printed line: `Error::line` keeps 2000 characters, each escaped in at most 10.
const MAX_PRINTED: usize = 20_003;

/// A target: feeds one input to a reader and asserts what it promises.
pub type Target = fn(&[u8]);

pub const TARGETS: &[(&str, Target)] = &[
    ("csv", csv),
    ("npy", npy),
    ("params", params),
    ("model", model),
];

/// Panics unless `message` is one short line of printable text.
fn check_line(message: &str, max: usize) {
    assert!(
        message.len() <= max,
        "error of {} bytes: {}...",
        message.len(),
        message.chars().take(200).collect::<String>()
    );
    assert!(
        !message.chars().any(char::is_control),
        "control character in error: {message:?}"
    );
}

/// The data readers quote every cell and name they put in a message (`data::quote`), so their
/// messages are already one short printable line before `Error::line` makes them so for stderr.
fn check_error(err: &Error) {
    check_line(&err.to_string(), MAX_MESSAGE);
    check_line(&err.line(), MAX_PRINTED);
}

fn check<T>(result: Result<T, Error>) -> Option<T> {
    result.map_err(|e| check_error(&e)).ok()
}

/// The model reader relies on `Error::line` (what main prints) to escape what the header quotes.
fn check_printed<T>(result: Result<T, Error>) -> Option<T> {
    result.map_err(|e| check_line(&e.line(), MAX_PRINTED)).ok()
}

/// CSV: the first byte picks the columns and the task, the rest is the file; what loads goes
/// through type inference, preprocessing fitted on every row, and the transform.
pub fn csv(data: &[u8]) {
    let Some((&mode, text)) = data.split_first() else {
        return;
    };
    let target = vec!["y".to_string()];
    let features = vec!["a".to_string(), "b".to_string()];
    let (columns, task) = match mode % 4 {
        0 => (Columns::features(&features), None),
        1 => (
            Columns {
                targets: &target,
                features: None,
                predicting: false,
                ..Columns::features(&features)
            },
            Some(Task::Classification),
        ),
        2 => (
            Columns {
                targets: &target,
                features: None,
                predicting: false,
                ..Columns::features(&features)
            },
            Some(Task::Regression),
        ),
        _ => (
            Columns {
                predicting: false,
                ..Columns::features(&features)
            },
            Some(Task::Clustering),
        ),
    };
    // Small chunks so that inputs of a few rows cross chunk boundaries.
    let chunk_rows = 1 + usize::from(mode / 4 % 4);
    let dialect = match mode / 16 % 2 {
        0 => Dialect::default(),
        _ => Dialect {
            delimiter: b';',
            decimal_comma: true,
        },
    };
    let input = Box::new(Cursor::new(text.to_vec()));
    let Some(mut reader) = check(CsvReader::new(
        "t.csv".into(),
        input,
        dialect,
        &columns,
        chunk_rows,
    )) else {
        return;
    };
    let mut table: Vec<RawColumn> = vec![RawColumn::default(); reader.feature_names.len()];
    let mut targets: Vec<TextColumn> = vec![TextColumn::default(); reader.target_names.len()];
    let mut rows = 0;
    loop {
        match check(reader.read_chunk()) {
            Some(Some(chunk)) => {
                rows += chunk.rows;
                for (all, part) in table.iter_mut().zip(chunk.columns) {
                    all.append(part);
                }
                for (all, part) in targets.iter_mut().zip(chunk.targets) {
                    all.append(part);
                }
            }
            Some(None) => break,
            None => return,
        }
    }
    let Some(task) = task else { return };
    let table = Table {
        source: "t.csv".into(),
        target_source: "t.csv".into(),
        names: reader.feature_names.clone(),
        columns: table,
        target_names: reader.target_names.clone(),
        targets,
        kept: Vec::new(),
        rows,
    };
    let Some(labelled) = check(table.labelled(task, None)) else {
        return;
    };
    let spec = Spec::parse(Some(r#"{"*": {"impute": "mode", "scale": "robust"}}"#)).unwrap();
    let fitted: Vec<_> = table
        .names
        .iter()
        .zip(&table.columns)
        .filter_map(|(name, column)| {
            let kind = column.infer(mode & 0x40 != 0);
            Some((
                name.as_str(),
                column,
                kind,
                spec.for_column(name, kind).ok()?,
            ))
        })
        .collect();
    let Some(pipeline) = check(Pipeline::fit(&fitted, &labelled.rows, None)) else {
        return;
    };
    let raw: Vec<&RawColumn> = fitted.iter().map(|f| f.1).collect();
    let (x, _) = match pipeline.transformer().transform(&raw, &labelled.rows, true) {
        Ok(done) => done,
        Err(why) => return check_line(&why, MAX_MESSAGE),
    };
    assert_eq!(
        x.dim(),
        (labelled.rows.len(), pipeline.output_names().len())
    );
    assert_eq!(pipeline.check(&pipeline.output_names()), Ok(()));
}

/// NPY: the bytes as a features file, and as a labels file for classification and regression.
pub fn npy(data: &[u8]) {
    if let Some(x) = check(npy::features_from("x.npy", data)) {
        assert!(x.nrows() > 0 && x.ncols() > 0);
        assert!(x.iter().all(|v| !v.is_infinite()));
    }
    if let Some(raw) = check(npy::labels_from("y.npy", data)) {
        let rows = raw.first().map_or(0, TextColumn::len);
        let table = Table {
            source: "y.npy".into(),
            target_source: "y.npy".into(),
            names: vec!["x0".into()],
            columns: vec![RawColumn::default()],
            target_names: (0..raw.len()).map(|i| format!("y{i}")).collect(),
            targets: raw,
            kept: Vec::new(),
            rows,
        };
        for task in [Task::Classification, Task::Regression] {
            check(table.labelled(task, None));
        }
    }
}

/// A model file: decoded, and for the native runtime loaded and asked to predict two rows.
/// Most mutations break the checksum, so the input is also tried with its checksum made right,
/// which lets the fuzzer reach the header and payload checks.
/// (Python payloads are never loaded here: a fuzz target must not start Python.)
pub fn model(data: &[u8]) {
    load_model(data);
    if data.len() >= 44 {
        let mut sealed = data.to_vec();
        let end = sealed.len() - 32;
        let checksum = Sha256::digest(&sealed[..end]);
        sealed[end..].copy_from_slice(&checksum);
        load_model(&sealed);
    }
}

fn load_model(data: &[u8]) {
    let Some((header, payload)) = check_printed(model::decode(Path::new("m.pgml"), data)) else {
        return;
    };
    if header.runtime != Runtime::Rust {
        return;
    }
    let Some(estimator) = check_printed(runtime::load(&header, &payload)) else {
        return;
    };
    let width = header.feature_names.len().min(1000);
    let x = Array2::from_shape_fn((2, width), |(i, j)| (i + j) as f64 * 0.5);
    check_printed(estimator.predict(x.view()));
    check_printed(estimator.predict_proba(x.view()));
}

/// `--hyperparams`: parsed, then checked against every native algorithm's declarations.
pub fn params(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let Some(given) = check(params::parse_json(Some(text))) else {
        return;
    };
    for algorithm in ALGORITHMS {
        for &(_, native) in algorithm.native {
            check(params::Params::validate(
                algorithm.name,
                native.params(),
                &given,
            ));
        }
    }
}
