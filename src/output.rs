//! Writing predictions: CSV (or TSV) and JSON stream row by row; NPY is gathered and written at the end.
//! Files are written to a temporary file and renamed into place, so a failed run leaves none;
//! a PostgreSQL table is created and filled in one transaction, to the same effect.

use std::io::{BufWriter, Write};
use std::path::Path;

use ndarray::{Array1, Array2};
use ndarray_npy::WriteNpyExt;

use crate::atomic;
use crate::data::postgres::{SqlType, SqlValue, TableWriter};
use crate::error::{Error, Result};

#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    Csv,
    /// CSV separated by tabs
    Tsv,
    Json,
    Npy,
}

impl Format {
    /// The format an output file's extension names (`p.json`, `p.npy`, `p.tsv`); CSV for any
    /// other name and for stdout.
    pub fn for_output(path: Option<&Path>) -> Format {
        let ext = path.and_then(Path::extension).and_then(|e| e.to_str());
        match ext.map(str::to_ascii_lowercase).as_deref() {
            Some("json") => Format::Json,
            Some("npy") => Format::Npy,
            Some("tsv" | "tab") => Format::Tsv,
            _ => Format::Csv,
        }
    }
}

/// One value of an output row.
pub enum Cell<'a> {
    Number(f64),
    Integer(i64),
    /// An original class label, printed as it was in the training data.
    Label(&'a str),
    /// A cell copied from the input (`predict --keep`).
    Text(&'a str),
}

enum Sink {
    Csv(Box<csv::Writer<Box<dyn Write>>>),
    /// JSON: an array of objects, one per row; `rows` counts them for the separators.
    Json {
        out: Box<dyn Write>,
        rows: usize,
    },
    Npy {
        out: Box<dyn Write>,
        values: Vec<f64>,
        rows: usize,
    },
    /// A new PostgreSQL table, one typed column per output column.
    Table {
        writer: TableWriter,
        types: Vec<SqlType>,
    },
}

pub struct PredictionWriter {
    columns: Vec<String>,
    precision: Option<usize>,
    sink: Sink,
    /// How a file output is put in place when done; `None` for stdout.
    target: Option<atomic::Commit>,
    name: String,
}

impl PredictionWriter {
    /// Writes to `path`, or stdout for `None` / `-`.
    pub fn create(
        path: Option<&Path>,
        format: Format,
        columns: Vec<String>,
        precision: Option<usize>,
    ) -> Result<Self> {
        let (out, target, name): (Box<dyn Write>, _, String) =
            match path.filter(|p| *p != Path::new("-")) {
                None => (
                    Box::new(BufWriter::new(std::io::stdout().lock())),
                    None,
                    "<stdout>".into(),
                ),
                Some(path) => {
                    let name = path.display().to_string();
                    let (file, commit) = atomic::create(path)?;
                    (
                        Box::new(BufWriter::new(file)) as Box<dyn Write>,
                        Some(commit),
                        name,
                    )
                }
            };
        let sink = match format {
            Format::Csv | Format::Tsv => {
                let delimiter = if format == Format::Tsv { b'\t' } else { b',' };
                let mut writer = csv::WriterBuilder::new()
                    .delimiter(delimiter)
                    .from_writer(out);
                writer
                    .write_record(&columns)
                    .map_err(|e| csv_error(&name, e))?;
                Sink::Csv(Box::new(writer))
            }
            Format::Json => Sink::Json { out, rows: 0 },
            Format::Npy => Sink::Npy {
                out,
                values: Vec::new(),
                rows: 0,
            },
        };
        Ok(PredictionWriter {
            columns,
            precision,
            sink,
            target,
            name,
        })
    }

    /// Creates the table `?table=` of `url` names, with these columns and types.
    pub fn table(
        url: &str,
        columns: Vec<String>,
        types: Vec<SqlType>,
        replace: bool,
    ) -> Result<Self> {
        let definitions: Vec<(String, SqlType)> =
            columns.iter().cloned().zip(types.iter().copied()).collect();
        let writer = TableWriter::create(url, &definitions, replace)?;
        Ok(PredictionWriter {
            columns,
            precision: None,
            name: writer.name().to_string(),
            sink: Sink::Table { writer, types },
            target: None,
        })
    }

    pub fn write_row(&mut self, row: &[Cell]) -> Result<()> {
        let io = |e| Error::io(&self.name, e);
        match &mut self.sink {
            Sink::Table { writer, types } => {
                let values =
                    row.iter()
                        .zip(types.iter())
                        .zip(&self.columns)
                        .map(|((cell, &ty), column)| match cell {
                            Cell::Number(v) => Ok(SqlValue::Float8(*v)),
                            Cell::Integer(i) => Ok(SqlValue::Int8(*i)),
                            Cell::Label(text) | Cell::Text(text) => SqlValue::parse(text, ty)
                                .map_err(|why| {
                                    Error::data(
                                        &self.name,
                                        format!("column {}: {why}", crate::data::quote(column)),
                                    )
                                }),
                        })
                        .collect::<Result<Vec<_>>>()?;
                writer.write_row(values)
            }
            Sink::Csv(writer) => {
                let fields: Vec<String> = row
                    .iter()
                    .map(|c| match c {
                        Cell::Number(v) => format_number(*v, self.precision),
                        Cell::Integer(i) => i.to_string(),
                        Cell::Label(l) | Cell::Text(l) => l.to_string(),
                    })
                    .collect();
                writer
                    .write_record(&fields)
                    .map_err(|e| csv_error(&self.name, e))
            }
            Sink::Json { out, rows } => {
                let mut line = String::from(if *rows == 0 { "[\n  {" } else { ",\n  {" });
                for (i, (column, cell)) in self.columns.iter().zip(row).enumerate() {
                    let value = match cell {
                        Cell::Number(v) if v.is_finite() => format_number(*v, self.precision),
                        Cell::Number(_) => "null".into(),
                        Cell::Integer(i) => i.to_string(),
                        Cell::Label(l) => json_label(l),
                        Cell::Text(t) => serde_json::to_string(t).unwrap_or_default(),
                    };
                    let key = serde_json::to_string(column).unwrap_or_default();
                    line.push_str(&format!("{}{key}: {value}", if i == 0 { "" } else { ", " }));
                }
                line.push('}');
                *rows += 1;
                out.write_all(line.as_bytes()).map_err(io)
            }
            Sink::Npy { values, rows, .. } => {
                for cell in row {
                    values.push(match cell {
                        Cell::Number(v) => *v,
                        Cell::Integer(i) => *i as f64,
                        Cell::Label(l) => label_number(l).ok_or_else(|| {
                            Error::usage(format!("class label '{l}' is not a number; NPY output needs numeric labels (use --format csv or json)"))
                        })?,
                        Cell::Text(_) => {
                            return Err(Error::usage(
                                "NPY output holds numbers only; --keep needs csv or json output",
                            ))
                        }
                    });
                }
                *rows += 1;
                Ok(())
            }
        }
    }

    /// Flushes, and for a file renames it into place.
    pub fn finish(self) -> Result<()> {
        let name = self.name.clone();
        let io = |e| Error::io(&name, e);
        match self.sink {
            Sink::Table { writer, .. } => writer.finish()?,
            Sink::Csv(mut writer) => writer.flush().map_err(io)?,
            Sink::Json { mut out, rows } => {
                out.write_all(if rows == 0 { b"[]\n" } else { b"\n]\n" })
                    .map_err(io)?;
                out.flush().map_err(io)?;
            }
            Sink::Npy {
                mut out,
                values,
                rows,
            } => {
                let columns = self.columns.len();
                let written = if columns == 1 {
                    Array1::from(values).write_npy(&mut out)
                } else {
                    Array2::from_shape_vec((rows, columns), values)
                        .map_err(|e| Error::Io(format!("{name}: {e}")))?
                        .write_npy(&mut out)
                };
                written.map_err(|e| match e {
                    ndarray_npy::WriteNpyError::Io(e) => io(e),
                    other => Error::Io(format!("{name}: {other}")),
                })?;
                out.flush().map_err(io)?;
            }
        }
        if let Some(commit) = self.target {
            commit.finish(true)?;
        }
        Ok(())
    }
}

/// Labels as written: true/false as booleans, numbers as the number written (`1.0` stays `1.0`)
/// where that is JSON's number syntax, everything else (`.5`, `+3`, `yes`) as a string.
fn json_label(label: &str) -> String {
    match label {
        "true" | "false" => label.into(),
        _ if is_json_number(label) => label.into(),
        _ => serde_json::to_string(label).unwrap_or_default(),
    }
}

/// JSON's number grammar: `-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?`.
fn is_json_number(text: &str) -> bool {
    let b = text.strip_prefix('-').unwrap_or(text).as_bytes();
    let digits = |b: &[u8]| b.iter().take_while(|c| c.is_ascii_digit()).count();
    let int = digits(b);
    if int == 0 || (b[0] == b'0' && int > 1) {
        return false;
    }
    let mut rest = &b[int..];
    if let Some(frac) = rest.strip_prefix(b".") {
        let n = digits(frac);
        if n == 0 {
            return false;
        }
        rest = &frac[n..];
    }
    if let Some(exp) = rest.strip_prefix(b"e").or_else(|| rest.strip_prefix(b"E")) {
        let exp = exp
            .strip_prefix(b"+")
            .or_else(|| exp.strip_prefix(b"-"))
            .unwrap_or(exp);
        let n = digits(exp);
        if n == 0 {
            return false;
        }
        rest = &exp[n..];
    }
    rest.is_empty()
}

fn label_number(label: &str) -> Option<f64> {
    match label {
        "true" => Some(1.0),
        "false" => Some(0.0),
        _ => label.parse().ok(),
    }
}

fn csv_error(name: &str, err: csv::Error) -> Error {
    match err.into_kind() {
        csv::ErrorKind::Io(e) => Error::io(name, e),
        other => Error::Io(format!("{name}: {other:?}")),
    }
}

/// Shortest round-trip text by default; fixed decimals with `--precision`.
fn format_number(v: f64, precision: Option<usize>) -> String {
    match precision {
        Some(p) => format!("{v:.p$}"),
        None => v.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Labels come back as written; text JSON cannot hold as a number stays a string.
    #[test]
    fn json_labels_as_written() {
        for (label, json) in [
            ("1.0", "1.0"),
            ("-2", "-2"),
            ("1e5", "1e5"),
            ("true", "true"),
            (".5", "\".5\""),
            ("+3", "\"+3\""),
            ("01", "\"01\""),
            ("1.", "\"1.\""),
            ("yes", "\"yes\""),
            ("NaN", "\"NaN\""),
        ] {
            assert_eq!(json_label(label), json, "{label}");
        }
    }
}
