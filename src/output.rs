//! Writing predictions: CSV (or TSV) and JSON stream row by row, Parquet by row group of typed
//! columns; NPY is gathered and written at the end.
//! Files are written to a temporary file and renamed into place, so a failed run leaves none;
//! a PostgreSQL table is created and filled in one transaction, to the same effect.

use std::io::{BufWriter, Write};
use std::path::Path;
use std::sync::Arc;

use arrow_array::builder::{BooleanBuilder, Float64Builder, Int64Builder, StringBuilder};
use arrow_array::{ArrayRef, RecordBatch};
use arrow_schema::{DataType, Field, Schema, SchemaRef};
use ndarray::{Array1, Array2};
use ndarray_npy::WriteNpyExt;
use parquet::arrow::ArrowWriter;
use parquet::basic::Compression;
use parquet::file::properties::WriterProperties;

use crate::atomic;
use crate::data::postgres::{SqlValue, TableWriter};
use crate::error::{Error, Result};

#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    Csv,
    /// CSV separated by tabs
    Tsv,
    Json,
    Npy,
    Parquet,
}

impl Format {
    /// The format an output file's extension names (`p.json`, `p.npy`, `p.tsv`, `p.parquet`);
    /// CSV for any other name and for stdout.
    pub fn for_output(path: Option<&Path>) -> Format {
        let ext = path.and_then(Path::extension).and_then(|e| e.to_str());
        match ext.map(str::to_ascii_lowercase).as_deref() {
            Some("json") => Format::Json,
            Some("npy") => Format::Npy,
            Some("tsv" | "tab") => Format::Tsv,
            Some("parquet" | "pq") => Format::Parquet,
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

/// What an output column holds, for a typed output (Parquet, a PostgreSQL table).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Type {
    Float,
    Integer,
    Boolean,
    Text,
}

impl Type {
    /// How class labels are written: as booleans, integers or numbers when every label is one
    /// (the type the training data had), else as text. Integers only as an integer prints them
    /// (`01` or `+1` stay what they were).
    pub fn of_labels(labels: &[String]) -> Type {
        let all = |is: &dyn Fn(&str) -> bool| labels.iter().all(|l| is(l));
        if all(&|l| l == "true" || l == "false") {
            Type::Boolean
        } else if all(&|l| l.parse::<i64>().is_ok_and(|i| i.to_string() == l)) {
            Type::Integer
        } else if all(&|l| l.parse::<f64>().is_ok_and(f64::is_finite)) {
            Type::Float
        } else {
            Type::Text
        }
    }
}

/// Output that can move to the Parquet writer.
type Out = Box<dyn Write + Send>;

/// Rows gathered before they go to the Parquet writer as one batch.
const PARQUET_BATCH_ROWS: usize = 1 << 16;

/// Rows per Parquet row group: the writer holds one row group's encoded pages at a time.
const PARQUET_ROW_GROUP_ROWS: usize = 1 << 18;

enum Sink {
    Csv(Box<csv::Writer<Out>>),
    /// JSON: an array of objects, one per row; `rows` counts them for the separators.
    Json {
        out: Out,
        rows: usize,
    },
    Npy {
        out: Out,
        values: Vec<f64>,
        rows: usize,
    },
    /// A new PostgreSQL table, one typed column per output column.
    Table {
        writer: TableWriter,
        types: Vec<Type>,
    },
    Parquet {
        writer: Box<ArrowWriter<Out>>,
        schema: SchemaRef,
        columns: Vec<Builder>,
        rows: usize,
    },
}

/// One Parquet column being gathered.
enum Builder {
    Float(Float64Builder),
    Integer(Int64Builder),
    Boolean(BooleanBuilder),
    Text(StringBuilder),
}

impl Builder {
    fn new(kind: Type) -> Builder {
        match kind {
            Type::Float => Builder::Float(Float64Builder::new()),
            Type::Integer => Builder::Integer(Int64Builder::new()),
            Type::Boolean => Builder::Boolean(BooleanBuilder::new()),
            Type::Text => Builder::Text(StringBuilder::new()),
        }
    }

    fn data_type(kind: Type) -> DataType {
        match kind {
            Type::Float => DataType::Float64,
            Type::Integer => DataType::Int64,
            Type::Boolean => DataType::Boolean,
            Type::Text => DataType::Utf8,
        }
    }

    /// Appends a cell; one that is not of the column's type (a label `Type::of_labels` did
    /// not see) is null.
    fn append(&mut self, cell: &Cell) {
        match (self, cell) {
            (Builder::Float(b), Cell::Number(v)) => b.append_value(*v),
            (Builder::Float(b), Cell::Integer(i)) => b.append_value(*i as f64),
            (Builder::Float(b), Cell::Label(t) | Cell::Text(t)) => b.append_option(t.parse().ok()),
            (Builder::Integer(b), Cell::Integer(i)) => b.append_value(*i),
            (Builder::Integer(b), Cell::Label(t) | Cell::Text(t)) => {
                b.append_option(t.parse().ok())
            }
            (Builder::Boolean(b), Cell::Label(t) | Cell::Text(t)) => b.append_option(match *t {
                "true" => Some(true),
                "false" => Some(false),
                _ => None,
            }),
            (Builder::Text(b), Cell::Label(t) | Cell::Text(t)) => b.append_value(t),
            (Builder::Text(b), Cell::Number(v)) => b.append_value(v.to_string()),
            (Builder::Text(b), Cell::Integer(i)) => b.append_value(i.to_string()),
            (Builder::Integer(b), Cell::Number(_)) => b.append_null(),
            (Builder::Boolean(b), Cell::Number(_) | Cell::Integer(_)) => b.append_null(),
        }
    }

    fn finish(&mut self) -> ArrayRef {
        match self {
            Builder::Float(b) => Arc::new(b.finish()),
            Builder::Integer(b) => Arc::new(b.finish()),
            Builder::Boolean(b) => Arc::new(b.finish()),
            Builder::Text(b) => Arc::new(b.finish()),
        }
    }
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
    /// Writes to `path`, or stdout for `None` / `-`; `types` (one per column) for Parquet.
    pub fn create(
        path: Option<&Path>,
        format: Format,
        columns: Vec<String>,
        types: &[Type],
        precision: Option<usize>,
    ) -> Result<Self> {
        let (out, target, name): (Out, _, String) = match path.filter(|p| *p != Path::new("-")) {
            None => (
                Box::new(BufWriter::new(std::io::stdout())),
                None,
                "<stdout>".into(),
            ),
            Some(path) => {
                let name = path.display().to_string();
                let (file, commit) = atomic::create(path)?;
                (Box::new(BufWriter::new(file)) as Out, Some(commit), name)
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
            Format::Parquet => {
                let fields: Vec<Field> = columns
                    .iter()
                    .zip(types)
                    .map(|(name, &kind)| Field::new(name, Builder::data_type(kind), true))
                    .collect();
                let schema = Arc::new(Schema::new(fields));
                let properties = WriterProperties::builder()
                    .set_compression(Compression::SNAPPY)
                    .set_max_row_group_row_count(Some(PARQUET_ROW_GROUP_ROWS))
                    .build();
                let writer = ArrowWriter::try_new(out, schema.clone(), Some(properties))
                    .map_err(|e| parquet_error(&name, e))?;
                Sink::Parquet {
                    writer: Box::new(writer),
                    schema,
                    columns: types.iter().map(|&kind| Builder::new(kind)).collect(),
                    rows: 0,
                }
            }
        };
        Ok(PredictionWriter {
            columns,
            precision,
            sink,
            target,
            name,
        })
    }

    /// Creates the table `?table=` of `url` names, with these columns and types; `reading` is
    /// the identity of the table the rows come from, which `replace` must not drop.
    pub fn table(
        url: &str,
        columns: Vec<String>,
        types: Vec<Type>,
        replace: bool,
        reading: Option<&str>,
    ) -> Result<Self> {
        let definitions: Vec<(String, Type)> =
            columns.iter().cloned().zip(types.iter().copied()).collect();
        let writer = TableWriter::create(url, &definitions, replace, reading)?;
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
                                "NPY output holds numbers only; --keep needs csv, tsv, json or parquet output",
                            ))
                        }
                    });
                }
                *rows += 1;
                Ok(())
            }
            Sink::Parquet {
                writer,
                schema,
                columns,
                rows,
            } => {
                for (column, cell) in columns.iter_mut().zip(row) {
                    column.append(cell);
                }
                *rows += 1;
                if *rows == PARQUET_BATCH_ROWS {
                    *rows = 0;
                    write_batch(writer, schema, columns, &self.name)?;
                }
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
            Sink::Parquet {
                mut writer,
                schema,
                mut columns,
                rows,
            } => {
                if rows > 0 {
                    write_batch(&mut writer, &schema, &mut columns, &name)?;
                }
                let mut out = writer.into_inner().map_err(|e| parquet_error(&name, e))?;
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

/// The gathered rows as one batch to the writer, which starts a row group when one is full.
fn write_batch(
    writer: &mut ArrowWriter<Out>,
    schema: &SchemaRef,
    columns: &mut [Builder],
    name: &str,
) -> Result<()> {
    let arrays = columns.iter_mut().map(Builder::finish).collect();
    let batch = RecordBatch::try_new(schema.clone(), arrays)
        .map_err(|e| Error::Io(format!("{name}: {e}")))?;
    writer.write(&batch).map_err(|e| parquet_error(name, e))
}

fn parquet_error(name: &str, err: parquet::errors::ParquetError) -> Error {
    match err {
        parquet::errors::ParquetError::External(e) => match e.downcast::<std::io::Error>() {
            Ok(e) => Error::io(name, *e),
            Err(e) => Error::Io(format!("{name}: {e}")),
        },
        other => Error::Io(format!("{name}: {other}")),
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
