//! Apache Parquet input, read by record batch (bounded memory, only the wanted columns decoded)
//! into the same chunks as CSV, so column choice and preprocessing are the same.
//!
//! Types: integers, floats and decimals are numbers; booleans, strings and dictionary-encoded
//! strings are text cells (booleans, categories or ISO dates as the column decides, as in a CSV);
//! dates and timestamps become the ISO text a CSV written by pandas holds (a timestamp at
//! midnight as a date); nulls are missing. Other types (binary, lists, structs...) are refused
//! by name before any row is read.
//!
//! The file is untrusted: reads are checked against the file's length before anything is
//! allocated for them, and a panic in the Parquet crate on a malformed file is an error naming
//! the file.

use std::fs::File;
use std::io::Read;
use std::path::Path;

use ::parquet::arrow::arrow_reader::{ParquetRecordBatchReader, ParquetRecordBatchReaderBuilder};
use ::parquet::arrow::ProjectionMask;
use ::parquet::errors::ParquetError;
use ::parquet::file::reader::{ChunkReader, Length};
use arrow_array::cast::AsArray;
use arrow_array::types::*;
use arrow_array::{Array, RecordBatch};
use arrow_schema::{DataType, TimeUnit};
use bytes::Bytes;

use super::csv::{self, Chunk, Columns, Selection};
use super::table::{utc_date, RawColumn, TextColumn};
use super::{input, is_missing, npy::float_text, quote, RawTargets};
use crate::error::{Error, Result};
use crate::panic::catch;

/// What a Parquet file starts and ends with.
const MAGIC: &[u8; 4] = b"PAR1";

/// A `.parquet` or `.pq` file, or any regular file that starts and ends with Parquet's magic.
pub fn is_parquet(path: &Path) -> bool {
    if input::extension(path)
        .and_then(|e| e.to_str())
        .is_some_and(|e| e.eq_ignore_ascii_case("parquet") || e.eq_ignore_ascii_case("pq"))
    {
        return true;
    }
    // Only a regular file is opened: opening a FIFO would wait for a writer, and closing it
    // again could fail the writer's next write.
    let sniff = || -> std::io::Result<bool> {
        let meta = std::fs::metadata(path)?;
        if !meta.is_file() || meta.len() < 8 {
            return Ok(false);
        }
        let mut file = File::open(path)?;
        let (mut head, mut tail) = ([0u8; 4], [0u8; 4]);
        file.read_exact(&mut head)?;
        std::io::Seek::seek(&mut file, std::io::SeekFrom::End(-4))?;
        file.read_exact(&mut tail)?;
        Ok(&head == MAGIC && &tail == MAGIC)
    };
    path != Path::new("-") && sniff().unwrap_or(false)
}

pub struct ParquetReader {
    source: String,
    batches: ParquetRecordBatchReader,
    pub feature_names: Vec<String>,
    pub target_names: Vec<String>,
    /// Positions in a batch (which holds only the wanted columns, in file order) of the
    /// features, then the targets, then the kept columns.
    wanted: Vec<usize>,
    rows_read: usize,
    /// Rows in each row group, in file order.
    row_groups: Vec<usize>,
    /// The file's length, and how many of its columns are read.
    file_len: u64,
    columns: usize,
    /// Bytes of text cells handed out so far, and how many the file may expand to: a
    /// dictionary of a few long strings repeated on every row expands without bound otherwise.
    text_bytes: u64,
    text_budget: u64,
}

/// What any file may expand to before it is refused as a bomb: 256 MiB, or 64 times its size.
fn text_budget(file_len: u64) -> u64 {
    (256 << 20u64).max(file_len.saturating_mul(64))
}

/// What the cells of a file read for training may take in memory, whatever the file's size
/// (beyond that, 64 times the file's size).
const MAX_TRAIN_BYTES: u64 = 4 << 30;

/// The largest column chunk (one column in one row group, uncompressed) any file may hold.
const MAX_COLUMN_CHUNK: u64 = 512 << 20;

impl ParquetReader {
    /// Reads the footer and checks the wanted columns' types; rows follow in chunks of `chunk_rows`.
    pub fn open(path: &Path, columns: &Columns, chunk_rows: usize) -> Result<Self> {
        let source = path.display().to_string();
        // Parquet is read by seeking: a FIFO or device (which would also block open) is refused.
        let meta = std::fs::metadata(path).map_err(|e| Error::io(&source, e))?;
        if !meta.is_file() {
            return Err(Error::data(
                &source,
                "is not a regular file (Parquet is read by seeking; CSV can be piped)",
            ));
        }
        let file = File::open(path).map_err(|e| Error::io(&source, e))?;
        let len = file.metadata().map_err(|e| Error::io(&source, e))?.len();
        let builder = catch(|| ParquetRecordBatchReaderBuilder::try_new(Checked { file, len }))
            .map_err(|panic| damaged(&source, panic))?
            .map_err(|e| unreadable(&source, e))?;
        let schema = builder.schema().clone();
        let header: Vec<&str> = schema.fields().iter().map(|f| f.name().as_str()).collect();
        if header.len() > csv::MAX_COLUMNS {
            return Err(Error::data(
                &source,
                format!(
                    "has {} columns (pgml-cli reads at most {})",
                    header.len(),
                    csv::MAX_COLUMNS
                ),
            ));
        }
        let Selection {
            feature_names,
            target_names,
            wanted,
            ..
        } = csv::select(&source, &header, columns, None)?;
        for &i in &wanted {
            let field = schema.field(i);
            let empty = arrow_array::new_empty_array(field.data_type());
            if each_value(empty.as_ref(), &mut |_| {}).is_err() {
                return Err(Error::data(
                    &source,
                    format!(
                        "column {} has type {}, which pgml-cli does not read (it reads numbers, booleans, text, dates and timestamps)",
                        quote(field.name()),
                        field.data_type()
                    ),
                ));
            }
        }
        // A batch holds the projected columns in file order, each once.
        let mut roots = wanted.clone();
        roots.sort_unstable();
        roots.dedup();
        // A compression bomb: the crate decompresses a page whole, sized by its header.
        let budget = text_budget(len);
        for group in builder.metadata().row_groups() {
            for chunk in group.columns() {
                let root = chunk.column_path().parts().first().map(String::as_str);
                let wanted = root.is_some_and(|r| roots.iter().any(|&i| header[i] == r));
                let size = u64::try_from(chunk.uncompressed_size()).unwrap_or(u64::MAX);
                if wanted && size > budget.max(MAX_COLUMN_CHUNK) {
                    return Err(Error::data(
                        &source,
                        format!(
                            "column {} holds {size} bytes uncompressed in one row group, from a {len}-byte file: refused as a compression bomb",
                            quote(root.unwrap_or_default())
                        ),
                    ));
                }
            }
        }
        let row_groups: Vec<usize> = builder
            .metadata()
            .row_groups()
            .iter()
            .map(|g| usize::try_from(g.num_rows()).unwrap_or_default())
            .collect();
        let wanted = wanted
            .iter()
            .map(|i| roots.binary_search(i).unwrap_or_default())
            .collect();
        let read_columns = roots.len();
        let mask = ProjectionMask::roots(builder.parquet_schema(), roots);
        let batches = catch(|| {
            builder
                .with_projection(mask)
                .with_batch_size(chunk_rows.max(1))
                .build()
        })
        .map_err(|panic| damaged(&source, panic))?
        .map_err(|e| unreadable(&source, e))?;
        Ok(ParquetReader {
            source,
            batches,
            feature_names,
            target_names,
            wanted,
            rows_read: 0,
            file_len: len,
            columns: read_columns,
            row_groups,
            text_bytes: 0,
            text_budget: budget,
        })
    }

    /// Refuses a file whose every row would not fit in memory, as a whole train holds them:
    /// repeated values compress to almost nothing (1.3 MB held 150M rows, 17 GB once read).
    /// Streaming (predict) and sampling (`--workers-read`) take files of any length.
    pub fn check_loadable(&self) -> Result<()> {
        let rows = self
            .row_groups
            .iter()
            .fold(0u64, |n, &r| n.saturating_add(r as u64));
        let bytes = rows.saturating_mul(self.columns as u64).saturating_mul(8);
        if bytes > MAX_TRAIN_BYTES.max(self.file_len.saturating_mul(64)) {
            return Err(Error::data(
                &self.source,
                format!(
                    "holds {rows} rows of {} columns, {} GiB in memory, in a {}-byte file: refused as a decompression bomb (predict streams files of any length)",
                    self.columns,
                    bytes >> 30,
                    self.file_len
                ),
            ));
        }
        Ok(())
    }

    /// Rows in each row group, in file order: the partitions Dask workers read.
    pub fn row_groups(&self) -> &[usize] {
        &self.row_groups
    }

    pub fn source(&self) -> &str {
        &self.source
    }

    /// The next chunk of rows, or `None` at the end of the file.
    pub fn read_chunk(&mut self) -> Result<Option<Chunk>> {
        let batches = &mut self.batches;
        let batch = match catch(|| batches.next()).map_err(|panic| damaged(&self.source, panic))? {
            None => return Ok(None),
            Some(Err(e)) => {
                return Err(Error::data(
                    &self.source,
                    format!(
                        "is damaged: rows after {} cannot be read ({e})",
                        self.rows_read
                    ),
                ))
            }
            Some(Ok(batch)) => batch,
        };
        let text_bytes: u64 = batch.columns().iter().map(|c| text_size(c.as_ref())).sum();
        self.text_bytes = self.text_bytes.saturating_add(text_bytes);
        if self.text_bytes > self.text_budget {
            return Err(Error::data(
                &self.source,
                format!(
                    "expands to more than {} bytes of text by row {}: refused as a decompression bomb",
                    self.text_budget,
                    self.rows_read + batch.num_rows()
                ),
            ));
        }
        let chunk = catch(|| self.chunk(&batch))
            .map_err(|panic| damaged(&self.source, panic))?
            .map_err(|()| {
                Error::data(
                    &self.source,
                    format!(
                        "is damaged: rows after {} do not have the types its footer gives",
                        self.rows_read
                    ),
                )
            })?;
        self.rows_read += chunk.rows;
        Ok(Some(chunk))
    }

    /// The batch's cells; `Err` when a column is not of the type checked at open, or not as
    /// long as the batch (a damaged file).
    fn chunk(&self, batch: &RecordBatch) -> std::result::Result<Chunk, ()> {
        let features = self.feature_names.len();
        let targets = self.target_names.len();
        let rows = batch.num_rows();
        let array = |k: usize| batch.column(self.wanted[k]).as_ref();
        let mut columns = Vec::with_capacity(features);
        for k in 0..features {
            let mut column = RawColumn::default();
            each_value(array(k), &mut |v| v.push_to(&mut column))?;
            if column.len() != rows {
                return Err(());
            }
            columns.push(column);
        }
        let mut text: RawTargets = Vec::with_capacity(self.wanted.len() - features);
        for k in features..self.wanted.len() {
            let mut cells = TextColumn::with_capacity(rows);
            each_value(array(k), &mut |v| cells.push(&v.text()))?;
            if cells.len() != rows {
                return Err(());
            }
            text.push(cells);
        }
        let kept = text.split_off(targets);
        Ok(Chunk {
            rows,
            columns,
            targets: text,
            kept,
        })
    }
}

/// The file, with every read checked against its length: a damaged footer or page header
/// claiming gigabytes is refused instead of allocated for.
struct Checked {
    file: File,
    len: u64,
}

impl Length for Checked {
    fn len(&self) -> u64 {
        self.len
    }
}

impl ChunkReader for Checked {
    type T = <File as ChunkReader>::T;

    fn get_read(&self, start: u64) -> ::parquet::errors::Result<Self::T> {
        if start > self.len {
            return Err(past_end(start, 0, self.len));
        }
        self.file.get_read(start)
    }

    fn get_bytes(&self, start: u64, length: usize) -> ::parquet::errors::Result<Bytes> {
        match start.checked_add(length as u64) {
            Some(end) if end <= self.len => self.file.get_bytes(start, length),
            _ => Err(past_end(start, length, self.len)),
        }
    }
}

fn past_end(start: u64, length: usize, len: u64) -> ParquetError {
    ParquetError::EOF(format!(
        "{length} bytes at offset {start} are past the end of the file ({len} bytes)"
    ))
}

fn unreadable(source: &str, e: ParquetError) -> Error {
    Error::data(source, format!("is not a readable Parquet file ({e})"))
}

fn damaged(source: &str, panic: String) -> Error {
    Error::data(
        source,
        format!("is a damaged Parquet file (the reader failed: {panic})"),
    )
}

/// One cell as the file types it.
#[derive(Clone)]
enum Value<'a> {
    Missing,
    Int(i64),
    UInt(u64),
    F32(f32),
    F64(f64),
    Bool(bool),
    Text(&'a str),
    /// A decimal's exact digits.
    Decimal(String),
    /// Days since 1970-01-01.
    Date(i64),
    /// Seconds since 1970-01-01T00:00:00Z, and nanoseconds.
    Timestamp(i64, u32),
}

impl Value<'_> {
    fn push_to(self, column: &mut RawColumn) {
        match self {
            Value::Missing => column.push_missing(),
            Value::Int(v) => column.push_number(v as f64),
            Value::UInt(v) => column.push_number(v as f64),
            Value::F32(v) => float_to(column, f64::from(v)),
            Value::F64(v) => float_to(column, v),
            // Text, as a CSV holds them, so the column is one of booleans like a CSV's.
            Value::Bool(b) => column.push_text(if b { "true" } else { "false" }),
            Value::Text(t) if is_missing(t) => column.push_missing(),
            Value::Text(t) => column.push_text(t),
            Value::Decimal(d) => column.push_cell(d.as_bytes()),
            Value::Date(_) | Value::Timestamp(..) => column.push_text(&self.text()),
        }
    }

    /// The cell as a target or kept column holds it: its exact text, "" when missing.
    fn text(&self) -> String {
        match self {
            Value::Missing => String::new(),
            Value::Int(v) => v.to_string(),
            Value::UInt(v) => v.to_string(),
            Value::F32(v) if v.is_nan() => String::new(),
            Value::F64(v) if v.is_nan() => String::new(),
            Value::F32(v) => float_text(*v),
            Value::F64(v) => float_text(*v),
            Value::Bool(b) => b.to_string(),
            Value::Text(t) => t.to_string(),
            Value::Decimal(d) => d.clone(),
            Value::Date(days) => date_text(days.saturating_mul(86400), 0),
            Value::Timestamp(seconds, nanos) => date_text(*seconds, *nanos),
        }
    }
}

/// NaN is missing; a value beyond what a fit takes (inf, 1e160) goes through the CSV path,
/// which makes it a bad cell whose message names it.
fn float_to(column: &mut RawColumn, v: f64) {
    if v.is_nan() || super::check_magnitude(v).is_ok() {
        column.push_number(v)
    } else {
        column.push_cell(float_text(v).as_bytes())
    }
}

/// ISO-8601 in UTC as a CSV written by pandas has it: the date alone at midnight, else date and
/// time (with the fraction when there is one). Beyond the years there are dates for: the raw
/// value, which no column kind reads.
fn date_text(seconds: i64, nanos: u32) -> String {
    let Some((date, within)) = utc_date(seconds as f64) else {
        return format!("{seconds}s");
    };
    let day = format!(
        "{:04}-{:02}-{:02}",
        date.year(),
        u8::from(date.month()),
        date.day()
    );
    let within = within as u32;
    if within == 0 && nanos == 0 {
        return day;
    }
    let time = format!(
        "{day}T{:02}:{:02}:{:02}",
        within / 3600,
        within / 60 % 60,
        within % 60
    );
    if nanos == 0 {
        format!("{time}Z")
    } else {
        let fraction = format!("{nanos:09}");
        format!("{time}.{}Z", fraction.trim_end_matches('0'))
    }
}

/// Bytes of the text cells of `array` as rows see them (a dictionary's value once per row).
fn text_size(array: &dyn Array) -> u64 {
    let mut bytes = 0u64;
    let _ = each_value(array, &mut |v| {
        if let Value::Text(t) = v {
            bytes += t.len() as u64;
        }
    });
    bytes
}

/// Calls `each` with every cell of `array`, in row order; `Err` for a type pgml-cli does not
/// read (checked on an empty array when the file is opened).
fn each_value<'a>(
    array: &'a dyn Array,
    each: &mut dyn FnMut(Value<'a>),
) -> std::result::Result<(), ()> {
    macro_rules! cells {
        ($typed:expr, $v:ident => $value:expr) => {
            cells!($typed, (_i, $v) => $value)
        };
        ($typed:expr, ($i:ident, $v:ident) => $value:expr) => {{
            let typed = $typed;
            for $i in 0..typed.len() {
                each(if typed.is_null($i) {
                    Value::Missing
                } else {
                    let $v = typed.value($i);
                    $value
                });
            }
        }};
    }
    macro_rules! timestamps {
        ($t:ty, $per_second:expr) => {
            cells!(array.as_primitive::<$t>(), v => {
                let per_second: i64 = $per_second;
                let nanos = v.rem_euclid(per_second) * (1_000_000_000 / per_second);
                Value::Timestamp(v.div_euclid(per_second), nanos as u32)
            })
        };
    }
    match array.data_type() {
        DataType::Null => (0..array.len()).for_each(|_| each(Value::Missing)),
        DataType::Int8 => cells!(array.as_primitive::<Int8Type>(), v => Value::Int(v.into())),
        DataType::Int16 => cells!(array.as_primitive::<Int16Type>(), v => Value::Int(v.into())),
        DataType::Int32 => cells!(array.as_primitive::<Int32Type>(), v => Value::Int(v.into())),
        DataType::Int64 => cells!(array.as_primitive::<Int64Type>(), v => Value::Int(v)),
        DataType::UInt8 => cells!(array.as_primitive::<UInt8Type>(), v => Value::UInt(v.into())),
        DataType::UInt16 => {
            cells!(array.as_primitive::<UInt16Type>(), v => Value::UInt(v.into()))
        }
        DataType::UInt32 => {
            cells!(array.as_primitive::<UInt32Type>(), v => Value::UInt(v.into()))
        }
        DataType::UInt64 => cells!(array.as_primitive::<UInt64Type>(), v => Value::UInt(v)),
        DataType::Float16 => {
            cells!(array.as_primitive::<Float16Type>(), v => Value::F32(v.to_f32()))
        }
        DataType::Float32 => cells!(array.as_primitive::<Float32Type>(), v => Value::F32(v)),
        DataType::Float64 => cells!(array.as_primitive::<Float64Type>(), v => Value::F64(v)),
        DataType::Boolean => cells!(array.as_boolean(), v => Value::Bool(v)),
        DataType::Utf8 => cells!(array.as_string::<i32>(), v => Value::Text(v)),
        DataType::LargeUtf8 => cells!(array.as_string::<i64>(), v => Value::Text(v)),
        DataType::Utf8View => cells!(array.as_string_view(), v => Value::Text(v)),
        DataType::Decimal32(..) => {
            let typed = array.as_primitive::<Decimal32Type>();
            cells!(typed, (i, _v) => Value::Decimal(typed.value_as_string(i)))
        }
        DataType::Decimal64(..) => {
            let typed = array.as_primitive::<Decimal64Type>();
            cells!(typed, (i, _v) => Value::Decimal(typed.value_as_string(i)))
        }
        DataType::Decimal128(..) => {
            let typed = array.as_primitive::<Decimal128Type>();
            cells!(typed, (i, _v) => Value::Decimal(typed.value_as_string(i)))
        }
        DataType::Decimal256(..) => {
            let typed = array.as_primitive::<Decimal256Type>();
            cells!(typed, (i, _v) => Value::Decimal(typed.value_as_string(i)))
        }
        DataType::Date32 => cells!(array.as_primitive::<Date32Type>(), v => Value::Date(v.into())),
        DataType::Date64 => timestamps!(Date64Type, 1000),
        DataType::Timestamp(TimeUnit::Second, _) => timestamps!(TimestampSecondType, 1),
        DataType::Timestamp(TimeUnit::Millisecond, _) => {
            timestamps!(TimestampMillisecondType, 1000)
        }
        DataType::Timestamp(TimeUnit::Microsecond, _) => {
            timestamps!(TimestampMicrosecondType, 1_000_000)
        }
        DataType::Timestamp(TimeUnit::Nanosecond, _) => {
            timestamps!(TimestampNanosecondType, 1_000_000_000)
        }
        DataType::Dictionary(..) => {
            let dictionary = array.as_any_dictionary();
            let mut values = Vec::with_capacity(dictionary.values().len());
            each_value(dictionary.values().as_ref(), &mut |v| values.push(v))?;
            // normalized_keys asserts a dictionary has values; without, every row is null.
            if values.is_empty() {
                (0..array.len()).for_each(|_| each(Value::Missing));
                return Ok(());
            }
            let keys = dictionary.normalized_keys();
            for (i, key) in keys.into_iter().enumerate() {
                each(match values.get(key) {
                    Some(v) if !dictionary.is_null(i) => v.clone(),
                    _ => Value::Missing,
                });
            }
        }
        _ => return Err(()),
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use arrow_array::{DictionaryArray, Int64Array, StringArray, TimestampMillisecondArray};

    fn texts(array: &dyn Array) -> Vec<String> {
        let mut out = Vec::new();
        each_value(array, &mut |v| out.push(v.text())).unwrap();
        out
    }

    /// Dates and timestamps as pandas writes them to CSV, which `parse_datetime` reads back.
    #[test]
    fn dates_and_timestamps_as_iso_text() {
        assert_eq!(date_text(0, 0), "1970-01-01");
        assert_eq!(date_text(-1, 0), "1969-12-31T23:59:59Z");
        assert_eq!(
            date_text(86400 + 3723, 500_000_000),
            "1970-01-02T01:02:03.5Z"
        );
        assert_eq!(date_text(1_709_251_200, 0), "2024-03-01");
        assert_eq!(date_text(i64::MAX / 2, 0), format!("{}s", i64::MAX / 2));
        for (seconds, nanos) in [(-1, 0), (86400 + 3723, 500_000_000), (1_709_251_200, 0)] {
            let parsed = super::super::table::parse_datetime(&date_text(seconds, nanos)).unwrap();
            assert_eq!(
                parsed.epoch_seconds,
                seconds as f64 + f64::from(nanos) / 1e9
            );
        }
        let millis = TimestampMillisecondArray::from(vec![Some(-1500), None, Some(86_400_000)]);
        assert_eq!(texts(&millis), ["1969-12-31T23:59:58.5Z", "", "1970-01-02"]);
    }

    /// Dictionary cells are their values; null keys are missing; other types are refused.
    #[test]
    fn dictionaries_nulls_and_refused_types() {
        let dictionary: DictionaryArray<arrow_array::types::Int8Type> =
            vec![Some("b"), None, Some("a"), Some("b")]
                .into_iter()
                .collect();
        assert_eq!(texts(&dictionary), ["b", "", "a", "b"]);
        let ints = Int64Array::from(vec![Some(i64::MAX), None]);
        assert_eq!(texts(&ints), [i64::MAX.to_string(), String::new()]);
        let mut column = RawColumn::default();
        let strings = StringArray::from(vec![Some("x"), Some("NA"), None, Some("3.5")]);
        each_value(&strings, &mut |v| v.push_to(&mut column)).unwrap();
        use super::super::table::Cell;
        assert_eq!(
            (0..4).map(|r| column.cell(r)).collect::<Vec<_>>(),
            [
                Cell::Text("x"),
                Cell::Missing,
                Cell::Missing,
                Cell::Text("3.5")
            ]
        );
        let binary = arrow_array::BinaryArray::from(vec![b"a".as_ref()]);
        assert!(each_value(&binary, &mut |_| {}).is_err());
    }
}
