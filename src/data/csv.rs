//! CSV with a header row: columns chosen by name, read in chunks so prediction memory stays flat.

use std::collections::HashMap;
use std::fs::File;
use std::io::{BufReader, Read};
use std::path::Path;

use ndarray::Array2;

use super::{parse_number, RawTargets};
use crate::error::{Error, Result};

/// Which columns to take from the file.
pub enum Columns<'a> {
    /// Training: the targets by name; the features by name, or every other column.
    Train {
        features: Option<&'a [String]>,
        targets: &'a [String],
    },
    /// Prediction: exactly these features by name; any other column is ignored.
    Predict { features: &'a [String] },
}

/// One chunk of rows: features plus the raw target cells (empty when predicting).
#[derive(Debug)]
pub struct Chunk {
    pub x: Array2<f64>,
    pub targets: RawTargets,
}

pub struct CsvReader {
    source: String,
    reader: csv::Reader<Box<dyn Read>>,
    record: csv::StringRecord,
    feature_idx: Vec<usize>,
    target_idx: Vec<usize>,
    pub feature_names: Vec<String>,
    pub target_names: Vec<String>,
    rows_read: usize,
}

/// Opens `path`, or standard input for `-`.
pub fn open_input(path: &Path) -> Result<(String, Box<dyn Read>)> {
    if path == Path::new("-") {
        return Ok(("<stdin>".to_string(), Box::new(std::io::stdin().lock())));
    }
    let source = path.display().to_string();
    let file = File::open(path).map_err(|e| Error::io(&source, e))?;
    Ok((source, Box::new(BufReader::with_capacity(1 << 16, file))))
}

impl CsvReader {
    pub fn new(source: String, input: Box<dyn Read>, columns: Columns) -> Result<Self> {
        let mut reader = csv::ReaderBuilder::new()
            .trim(csv::Trim::All)
            .from_reader(input);
        let header = reader.headers().map_err(|e| csv_error(&source, e))?.clone();
        if header.is_empty() {
            return Err(Error::data(&source, "is empty (expected a header row)"));
        }
        let mut index = HashMap::new();
        for (i, name) in header.iter().enumerate() {
            if index.insert(name.to_string(), i).is_some() {
                return Err(Error::data(
                    &source,
                    format!("column '{name}' appears twice in the header"),
                ));
            }
        }
        let predicting = matches!(columns, Columns::Predict { .. });
        let find = |name: &String| {
            index.get(name).copied().ok_or_else(|| {
                let known: Vec<&str> = header.iter().collect();
                let why = if predicting {
                    ", which the model was trained on"
                } else {
                    ""
                };
                Error::data(
                    &source,
                    format!("no column '{name}'{why} (columns: {})", known.join(", ")),
                )
            })
        };
        let (feature_names, target_names): (Vec<String>, Vec<String>) = match columns {
            Columns::Train { features, targets } => {
                targets.iter().map(&find).collect::<Result<Vec<_>>>()?;
                let features = match features {
                    Some(features) => features.to_vec(),
                    None => header
                        .iter()
                        .filter(|h| !targets.iter().any(|t| t == h))
                        .map(String::from)
                        .collect(),
                };
                if let Some(both) = features.iter().find(|f| targets.contains(f)) {
                    return Err(Error::usage(format!(
                        "column '{both}' is both a feature and a target"
                    )));
                }
                (features, targets.to_vec())
            }
            Columns::Predict { features } => (features.to_vec(), Vec::new()),
        };
        if feature_names.is_empty() {
            return Err(Error::data(&source, "has no feature columns"));
        }
        let feature_idx = feature_names.iter().map(&find).collect::<Result<_>>()?;
        let target_idx = target_names.iter().map(&find).collect::<Result<_>>()?;
        Ok(CsvReader {
            source,
            reader,
            record: csv::StringRecord::new(),
            feature_idx,
            target_idx,
            feature_names,
            target_names,
            rows_read: 0,
        })
    }

    pub fn source(&self) -> &str {
        &self.source
    }

    /// Up to `max_rows` more rows, or `None` at the end of the input.
    pub fn read_chunk(&mut self, max_rows: usize) -> Result<Option<Chunk>> {
        let width = self.feature_idx.len();
        let mut values = Vec::with_capacity(width * max_rows.min(1 << 16));
        let mut targets: RawTargets = vec![Vec::new(); self.target_idx.len()];
        let mut rows = 0;
        while rows < max_rows {
            let more = self
                .reader
                .read_record(&mut self.record)
                .map_err(|e| csv_error(&self.source, e))?;
            if !more {
                break;
            }
            self.rows_read += 1;
            for (&i, name) in self.feature_idx.iter().zip(&self.feature_names) {
                let value = parse_number(&self.record[i]).map_err(|why| {
                    Error::data(
                        &self.source,
                        format!("row {}, column '{name}': {why}", self.rows_read),
                    )
                })?;
                values.push(value);
            }
            for (column, &i) in targets.iter_mut().zip(&self.target_idx) {
                column.push(self.record[i].to_string());
            }
            rows += 1;
        }
        if rows == 0 {
            return Ok(None);
        }
        let x = Array2::from_shape_vec((rows, width), values)
            .map_err(|e| Error::data(&self.source, e))?;
        Ok(Some(Chunk { x, targets }))
    }

    /// Every remaining row as one chunk (training needs the whole table in memory).
    pub fn read_all(&mut self) -> Result<Chunk> {
        let chunk = self.read_chunk(usize::MAX)?;
        Ok(chunk.unwrap_or_else(|| Chunk {
            x: Array2::zeros((0, self.feature_idx.len())),
            targets: vec![Vec::new(); self.target_idx.len()],
        }))
    }
}

fn csv_error(source: &str, err: csv::Error) -> Error {
    let line = err
        .position()
        .map(|p| format!("line {}: ", p.line()))
        .unwrap_or_default();
    match err.kind() {
        csv::ErrorKind::UnequalLengths {
            expected_len, len, ..
        } => Error::data(
            source,
            format!("{line}has {len} fields but the header has {expected_len}"),
        ),
        csv::ErrorKind::Io(e) => Error::io(source, std::io::Error::new(e.kind(), e.to_string())),
        csv::ErrorKind::Utf8 { .. } => {
            Error::data(source, format!("{line}is not valid UTF-8 text"))
        }
        _ => Error::data(source, format!("{line}{err}")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reader(text: &'static str, columns: Columns) -> Result<CsvReader> {
        CsvReader::new("t.csv".into(), Box::new(text.as_bytes()), columns)
    }

    #[test]
    fn chunks_cover_every_row_once() {
        let names = vec!["b".to_string()];
        let mut r = reader(
            "a,b\n1,2\n3,4\n5,6\n",
            Columns::Predict { features: &names },
        )
        .unwrap();
        let first = r.read_chunk(2).unwrap().unwrap();
        assert_eq!(first.x.column(0).to_vec(), vec![2.0, 4.0]);
        let second = r.read_chunk(2).unwrap().unwrap();
        assert_eq!(second.x.column(0).to_vec(), vec![6.0]);
        assert!(r.read_chunk(2).unwrap().is_none());
    }

    #[test]
    fn features_default_to_every_non_target_column() {
        let targets = vec!["y".to_string()];
        let mut r = reader(
            "a,y,b\n1,x,2\n",
            Columns::Train {
                features: None,
                targets: &targets,
            },
        )
        .unwrap();
        assert_eq!(r.feature_names, vec!["a", "b"]);
        let chunk = r.read_all().unwrap();
        assert_eq!(chunk.x.row(0).to_vec(), vec![1.0, 2.0]);
        assert_eq!(chunk.targets, vec![vec!["x".to_string()]]);
    }

    #[test]
    fn errors_name_row_and_column() {
        let names = vec!["a".to_string()];
        let mut r = reader("a\n1\nfoo\n", Columns::Predict { features: &names }).unwrap();
        let err = r.read_all().unwrap_err().to_string();
        assert_eq!(err, "t.csv: row 2, column 'a': 'foo' is not a number");
        let mut r = reader("a,b\n1,2\n3\n", Columns::Predict { features: &names }).unwrap();
        assert_eq!(
            r.read_all().unwrap_err().to_string(),
            "t.csv: line 3: has 1 fields but the header has 2"
        );
    }
}
