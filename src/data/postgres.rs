//! PostgreSQL as a source (a table or a query, streamed in chunks like CSV) and as a sink for
//! predictions (a new table written by binary COPY in one transaction).
//!
//! Rows arrive in the binary protocol and are decoded here by type: numbers as numbers, booleans
//! as `t`/`f` (the boolean kind), text, enums and UUIDs as categories, dates and timestamps as
//! ISO text (the date kinds), NULL as missing. Other types are refused by name.

use std::sync::mpsc::{sync_channel, Receiver, SyncSender};
use std::thread::JoinHandle;

use postgres::fallible_iterator::FallibleIterator;
use postgres::types::{FromSql, IsNull, Kind, ToSql, Type};
use postgres::Client;

use super::csv::{Chunk, Columns, MAX_RECORD_MIB};
use super::table::{RawColumn, TextColumn};
use super::{quote, MAX_MAGNITUDE};
use crate::error::{Error, Result};
use crate::output::Type as Column;
use crate::postgres::{connect, error, quote_identifier, quote_table, table_identity, table_param};

/// Most bytes of cells in one chunk, as for CSV: memory stays flat whatever the row width.
const CHUNK_BYTES: usize = 8 << 20;

/// Where rows come from: the URL as given (it may hold a password: never shown, see `name`)
/// and the user's SQL, if any.
#[derive(Clone)]
pub struct PgSource {
    url: String,
    query: Option<String>,
}

// The URL may hold a password: debug output shows only what messages show.
impl std::fmt::Debug for PgSource {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.name())
    }
}

impl PgSource {
    pub fn new(url: &str, query: Option<String>) -> Result<PgSource> {
        match (table_param(url), &query) {
            (Some(_), Some(_)) => Err(Error::usage(
                "give the rows either as ?table= in the URL or as --query, not both",
            )),
            (None, None) => Err(Error::usage(
                "a postgresql:// --data needs ?table=schema.name in the URL, or --query 'SELECT ...'",
            )),
            _ => Ok(PgSource {
                url: url.to_string(),
                query,
            }),
        }
    }

    /// The table's name without its schema, or `query`: names a default model file.
    pub fn stem(&self) -> String {
        match (&self.query, table_param(&self.url)) {
            (None, Some(table)) => {
                let name = table
                    .rsplit('.')
                    .next()
                    .unwrap_or_default()
                    .replace(['"', '/', '\\'], "");
                if name.is_empty() {
                    "table".into()
                } else {
                    name
                }
            }
            _ => "query".into(),
        }
    }

    /// The SQL whose rows this source is: the table's, or the user's query (without a final `;`,
    /// so that it can be a subquery).
    pub fn sql(&self) -> Result<String> {
        match (table_param(&self.url), &self.query) {
            (Some(table), _) => Ok(format!(
                "SELECT * FROM {}",
                quote_table(&table)
                    .map_err(|why| Error::usage(format!("?table={} {why}", quote(&table))))?
            )),
            (None, Some(query)) => Ok(query.trim().trim_end_matches(';').to_string()),
            (None, None) => Err(Error::usage(
                "a postgresql:// --data needs ?table=schema.name in the URL, or --query 'SELECT ...'",
            )),
        }
    }

    /// Runs `work` on a connection in a read-only transaction: a few small questions about the
    /// rows (`train --workers-read`), errors named after this source.
    pub fn ask<T>(
        &self,
        work: impl FnOnce(&mut postgres::Transaction<'_>) -> std::result::Result<T, postgres::Error>,
    ) -> Result<T> {
        let source = self.name();
        let (mut client, _) = connect(&self.url)?;
        let mut transaction = client
            .build_transaction()
            .read_only(true)
            .start()
            .map_err(|e| error(&source, &e))?;
        work(&mut transaction).map_err(|e| error(&source, &e))
    }

    /// The connection as a libpq string, password included, for Dask workers. Never shown.
    pub fn conninfo(&self) -> Result<String> {
        crate::postgres::conninfo(&self.url)
    }

    /// For messages and the model header: the URL without a password, and the table or query.
    pub fn name(&self) -> String {
        let shown = crate::postgres::shown(&self.url);
        match (&self.query, table_param(&self.url)) {
            (Some(query), _) => format!("{shown} query {}", quote(query)),
            (None, Some(table)) => format!("{shown}?table={table}"),
            (None, None) => shown,
        }
    }
}

/// A value type pgml-cli reads, and how.
#[derive(Clone, Copy, Debug, PartialEq)]
enum PgType {
    Bool,
    Int2,
    Int4,
    Int8,
    Oid,
    Float4,
    Float8,
    Numeric,
    Text,
    /// `char(n)`: trailing spaces are padding.
    Bpchar,
    /// `"char"`: one byte.
    Char,
    Date,
    Timestamp,
    TimestampTz,
    Uuid,
}

impl PgType {
    fn of(ty: &Type) -> Option<PgType> {
        Some(match *ty {
            Type::BOOL => PgType::Bool,
            Type::INT2 => PgType::Int2,
            Type::INT4 => PgType::Int4,
            Type::INT8 => PgType::Int8,
            Type::OID => PgType::Oid,
            Type::FLOAT4 => PgType::Float4,
            Type::FLOAT8 => PgType::Float8,
            Type::NUMERIC => PgType::Numeric,
            Type::TEXT | Type::VARCHAR | Type::NAME | Type::UNKNOWN => PgType::Text,
            Type::BPCHAR => PgType::Bpchar,
            Type::CHAR => PgType::Char,
            Type::DATE => PgType::Date,
            Type::TIMESTAMP => PgType::Timestamp,
            Type::TIMESTAMPTZ => PgType::TimestampTz,
            Type::UUID => PgType::Uuid,
            _ if matches!(ty.kind(), Kind::Enum(_)) => PgType::Text,
            _ => return None,
        })
    }

    /// The column a kept (key) column of this type becomes in an output table.
    fn sink_type(self) -> Column {
        match self {
            PgType::Int2 | PgType::Int4 | PgType::Int8 | PgType::Oid => Column::Integer,
            _ => Column::Text,
        }
    }
}

/// One decoded cell.
enum Value {
    Missing,
    Number(f64),
    /// A float4, kept apart so its text is its shortest form (`0.1`, not `0.100000001`).
    Float4(f32),
    Integer(i64),
    Bool(bool),
    /// A category (text, enum, UUID) or a date.
    Text(String),
    /// A numeric's exact decimal text.
    Decimal(String),
}

/// A cell's bytes as the server sent them: decoded by `decode`, whatever the type.
struct Raw<'a>(&'a [u8]);

impl<'a> FromSql<'a> for Raw<'a> {
    fn from_sql(
        _: &Type,
        raw: &'a [u8],
    ) -> std::result::Result<Self, Box<dyn std::error::Error + Sync + Send>> {
        Ok(Raw(raw))
    }

    fn accepts(_: &Type) -> bool {
        true
    }
}

/// Microseconds and days from 2000-01-01 (PostgreSQL's epoch) to 1970-01-01.
const PG_EPOCH_DAYS: i64 = 10_957;

/// A cell of type `ty`; a `kept` one (copied to the output, such as a key) that is a numeric
/// keeps its exact text.
fn decode(ty: PgType, raw: &[u8], kept: bool) -> std::result::Result<Value, String> {
    let fixed = |n: usize| -> std::result::Result<&[u8], String> {
        if raw.len() == n {
            Ok(raw)
        } else {
            Err(format!(
                "the server sent {} bytes for a {ty:?} value",
                raw.len()
            ))
        }
    };
    let text = |bytes: &[u8]| {
        String::from_utf8(bytes.to_vec()).map_err(|_| "not valid UTF-8 text".to_string())
    };
    Ok(match ty {
        PgType::Bool => Value::Bool(fixed(1)?[0] != 0),
        PgType::Int2 => Value::Integer(i16::from_be_bytes(fixed(2)?.try_into().unwrap()).into()),
        PgType::Int4 => Value::Integer(i32::from_be_bytes(fixed(4)?.try_into().unwrap()).into()),
        PgType::Oid => Value::Integer(u32::from_be_bytes(fixed(4)?.try_into().unwrap()).into()),
        PgType::Int8 => Value::Integer(i64::from_be_bytes(fixed(8)?.try_into().unwrap())),
        PgType::Float4 => Value::Float4(f32::from_be_bytes(fixed(4)?.try_into().unwrap())),
        PgType::Float8 => Value::Number(f64::from_be_bytes(fixed(8)?.try_into().unwrap())),
        PgType::Numeric if kept => Value::Text(numeric_text(raw, true)?),
        PgType::Numeric => Value::Decimal(numeric_text(raw, false)?),
        PgType::Text => Value::Text(text(raw)?),
        PgType::Bpchar => Value::Text(text(raw)?.trim_end_matches(' ').to_string()),
        PgType::Char => Value::Text(text(fixed(1)?)?),
        PgType::Date => {
            let days = i32::from_be_bytes(fixed(4)?.try_into().unwrap());
            match iso_date(i64::from(days) + PG_EPOCH_DAYS) {
                Some(date) => Value::Text(date),
                None => Value::Text(if days < 0 { "-infinity" } else { "infinity" }.into()),
            }
        }
        PgType::Timestamp | PgType::TimestampTz => {
            let micros = i64::from_be_bytes(fixed(8)?.try_into().unwrap());
            let (days, within) = (
                micros.div_euclid(86_400_000_000),
                micros.rem_euclid(86_400_000_000),
            );
            match iso_date(days + PG_EPOCH_DAYS) {
                Some(date) => {
                    let seconds = within / 1_000_000;
                    let mut text = format!(
                        "{date}T{:02}:{:02}:{:02}",
                        seconds / 3600,
                        seconds / 60 % 60,
                        seconds % 60
                    );
                    if within % 1_000_000 != 0 {
                        text.push_str(&format!(".{:06}", within % 1_000_000));
                    }
                    if ty == PgType::TimestampTz {
                        text.push('Z');
                    }
                    Value::Text(text)
                }
                None => Value::Text(if micros < 0 { "-infinity" } else { "infinity" }.into()),
            }
        }
        PgType::Uuid => {
            let hex: String = fixed(16)?.iter().map(|b| format!("{b:02x}")).collect();
            Value::Text(format!(
                "{}-{}-{}-{}-{}",
                &hex[..8],
                &hex[8..12],
                &hex[12..16],
                &hex[16..20],
                &hex[20..]
            ))
        }
    })
}

/// `YYYY-MM-DD` of days since 1970-01-01, for years 0 to 9999 (others: `None`).
fn iso_date(days: i64) -> Option<String> {
    let julian = i32::try_from(days + 2_440_588).ok()?;
    let date = time::Date::from_julian_day(julian).ok()?;
    (0..=9999).contains(&date.year()).then(|| {
        format!(
            "{:04}-{:02}-{:02}",
            date.year(),
            u8::from(date.month()),
            date.day()
        )
    })
}

/// A binary numeric as text: `NaN`, `Infinity`, `-Infinity`, or its exact digits from its
/// base-10000 ones, in scientific form (`1.2345678e4`, short whatever the magnitude: the number
/// parser rounds it once, as it would the text psql prints) or, when `plain`, as psql prints it,
/// with its scale (`12345.678`, `1.10`: a kept column, such as a key, copied digit for digit).
fn numeric_text(raw: &[u8], plain: bool) -> std::result::Result<String, String> {
    let bad = || {
        format!(
            "the server sent a numeric value of {} bytes that is not one",
            raw.len()
        )
    };
    let word = |i: usize| -> std::result::Result<u16, String> {
        raw.get(2 * i..2 * i + 2)
            .map(|b| u16::from_be_bytes([b[0], b[1]]))
            .ok_or_else(bad)
    };
    let (ndigits, weight, sign) = (word(0)? as usize, word(1)? as i16, word(2)?);
    if raw.len() != 8 + 2 * ndigits {
        return Err(bad());
    }
    let negative = match sign {
        0x0000 => false,
        0x4000 => true,
        0xC000 => return Ok("NaN".into()),
        0xD000 => return Ok("Infinity".into()),
        0xF000 => return Ok("-Infinity".into()),
        _ => return Err(bad()),
    };
    let mut digits = String::with_capacity(4 * ndigits);
    for i in 0..ndigits {
        let digit = word(4 + i)?;
        if digit > 9999 {
            return Err(bad());
        }
        digits.push_str(&format!("{digit:04}"));
    }
    // The value is 0.<digits> x 10^point.
    let point = 4 * (i64::from(weight) + 1);
    let sign = if negative { "-" } else { "" };
    if plain {
        let scale = usize::from(word(3)? & 0x3FFF);
        let whole = match usize::try_from(point) {
            Ok(n) if n > 0 => {
                let mut whole: String = digits.chars().take(n).collect();
                whole.extend(std::iter::repeat_n('0', n - whole.len()));
                whole.trim_start_matches('0').to_string()
            }
            _ => String::new(),
        };
        let mut fraction = match usize::try_from(point) {
            Ok(n) => digits.get(n..).unwrap_or_default().to_string(),
            Err(_) => "0".repeat(point.unsigned_abs() as usize) + &digits,
        };
        fraction.truncate(scale);
        fraction.extend(std::iter::repeat_n('0', scale - fraction.len()));
        let whole = if whole.is_empty() { "0" } else { &whole };
        let sign = if whole == "0" && fraction.bytes().all(|b| b == b'0') {
            ""
        } else {
            sign
        };
        return Ok(match scale {
            0 => format!("{sign}{whole}"),
            _ => format!("{sign}{whole}.{fraction}"),
        });
    }
    let significant = digits.trim_start_matches('0');
    let exponent = point - (digits.len() - significant.len()) as i64 - 1;
    let significant = significant.trim_end_matches('0');
    if significant.is_empty() {
        return Ok("0".into());
    }
    let (first, rest) = significant.split_at(1);
    Ok(match rest {
        "" => format!("{sign}{first}e{exponent}"),
        _ => format!("{sign}{first}.{rest}e{exponent}"),
    })
}

impl Value {
    /// Into a feature column, as the CSV reader would take the same cell.
    fn push_feature(self, column: &mut RawColumn) {
        match self {
            Value::Missing => column.push_missing(),
            Value::Integer(i) => column.push_number(i as f64),
            Value::Float4(v) => push_float(column, f64::from(v)),
            Value::Number(v) => push_float(column, v),
            Value::Bool(b) => column.push_text(if b { "t" } else { "f" }),
            Value::Text(t) => column.push_text(&t),
            Value::Decimal(d) => column.push_cell(d.as_bytes()),
        }
    }

    /// As text (targets, kept columns), as psql prints it; missing is empty.
    fn into_text(self) -> String {
        match self {
            Value::Missing => String::new(),
            Value::Integer(i) => i.to_string(),
            Value::Float4(v) => float_text(v.into(), v.to_string()),
            Value::Number(v) => float_text(v, v.to_string()),
            Value::Bool(b) => if b { "t" } else { "f" }.into(),
            Value::Text(t) => t,
            Value::Decimal(d) => match d.parse::<f64>() {
                Ok(v) if v.is_finite() => v.to_string(),
                _ => d,
            },
        }
    }
}

/// A float's `text`, but NaN and the infinities as psql prints them.
fn float_text(v: f64, text: String) -> String {
    match v {
        v if v.is_nan() => "NaN".into(),
        f64::INFINITY => "Infinity".into(),
        f64::NEG_INFINITY => "-Infinity".into(),
        _ => text,
    }
}

/// A float cell: NaN is missing, infinities and huge values are bad cells, as in CSV.
fn push_float(column: &mut RawColumn, v: f64) {
    if v.is_finite() && v.abs() <= MAX_MAGNITUDE {
        column.push_number(v)
    } else {
        column.push_cell(v.to_string().as_bytes())
    }
}

/// Rows from a table or query, decoded on a thread of their own one chunk ahead of the caller.
pub struct PgReader {
    source: String,
    chunks: Receiver<Result<Chunk>>,
    thread: Option<JoinHandle<()>>,
    pub feature_names: Vec<String>,
    pub target_names: Vec<String>,
    pub kept_names: Vec<String>,
    /// The output-table column each kept column becomes.
    pub kept_types: Vec<Column>,
    /// The table read (`table_identity`): `--replace` must not drop it.
    pub table: Option<String>,
}

impl PgReader {
    pub fn new(pg: &PgSource, columns: &Columns, chunk_rows: usize) -> Result<PgReader> {
        let source = pg.name();
        let (mut client, _) = connect(&pg.url)?;
        let db_error = |e: postgres::Error| error(&source, &e);
        // The user's own SQL runs read-only: a query cannot change the database.
        client
            .batch_execute("BEGIN TRANSACTION READ ONLY")
            .map_err(|e| error(&source, &e))?;
        let table = match table_param(&pg.url) {
            Some(table) => Some(
                quote_table(&table)
                    .map_err(|why| Error::usage(format!("?table={} {why}", quote(&table))))?,
            ),
            None => None,
        };
        let identity = match &table {
            Some(table) => table_identity(&mut client, table).map_err(db_error)?,
            None => None,
        };
        let statement = client.prepare(&pg.sql()?).map_err(db_error)?;
        if !statement.params().is_empty() {
            return Err(Error::data(
                &source,
                "the query takes parameters ($1...), and pgml-cli passes none: write the values into the SQL",
            ));
        }
        let header: Vec<(String, Type)> = statement
            .columns()
            .iter()
            .map(|c| (c.name().to_string(), c.type_().clone()))
            .collect();
        let names: Vec<&str> = header.iter().map(|(n, _)| n.as_str()).collect();
        let wanted = super::csv::select(&source, &names, columns, None)?;
        let mut types = Vec::with_capacity(wanted.wanted.len());
        for &i in &wanted.wanted {
            let (name, ty) = &header[i];
            types.push(PgType::of(ty).ok_or_else(|| {
                Error::data(
                    &source,
                    format!(
                        "column {} is of type {}, which pgml-cli cannot read (it reads numbers, booleans, text, enums, UUIDs, dates and timestamps): cast it in a --query, or leave it out with --ignore",
                        quote(name),
                        ty.name()
                    ),
                )
            })?);
        }
        // From a table only the wanted columns are sent; a query's result is taken as it is.
        let (statement, indices) = match &table {
            Some(table) => {
                let list: Vec<String> = wanted
                    .wanted
                    .iter()
                    .map(|&i| quote_identifier(&names[i]))
                    .collect();
                let sql = format!("SELECT {} FROM {table}", list.join(", "));
                (
                    client.prepare(&sql).map_err(db_error)?,
                    (0..list.len()).collect(),
                )
            }
            None => (statement, wanted.wanted.clone()),
        };
        let kept_types = types[types.len() - wanted.kept_names.len()..]
            .iter()
            .map(|t| t.sink_type())
            .collect();
        let stream = Stream {
            source: source.clone(),
            features: wanted.feature_names.len(),
            indices,
            types,
            names: wanted
                .feature_names
                .iter()
                .chain(&wanted.target_names)
                .chain(&wanted.kept_names)
                .cloned()
                .collect(),
            targets: wanted.target_names.len(),
            chunk_rows,
        };
        let (send, chunks) = sync_channel(1);
        let thread = crate::memory::spawn(move || stream.run(client, statement, send));
        Ok(PgReader {
            source,
            chunks,
            thread: Some(thread),
            feature_names: wanted.feature_names,
            target_names: wanted.target_names,
            kept_names: wanted.kept_names,
            kept_types,
            table: identity,
        })
    }

    pub fn source(&self) -> &str {
        &self.source
    }

    pub fn read_chunk(&mut self) -> Result<Option<Chunk>> {
        match self.chunks.recv() {
            Ok(chunk) => chunk.map(Some),
            Err(_) => {
                if let Some(thread) = self.thread.take() {
                    if let Err(panic) = thread.join() {
                        std::panic::resume_unwind(panic);
                    }
                }
                Ok(None)
            }
        }
    }
}

/// The reading thread's state.
struct Stream {
    source: String,
    features: usize,
    /// Result columns wanted: the features, the targets, then the kept ones.
    indices: Vec<usize>,
    types: Vec<PgType>,
    names: Vec<String>,
    targets: usize,
    chunk_rows: usize,
}

impl Stream {
    fn run(
        self,
        mut client: Client,
        statement: postgres::Statement,
        send: SyncSender<Result<Chunk>>,
    ) {
        let mut rows = match client.query_raw(&statement, std::iter::empty::<&dyn ToSql>()) {
            Ok(rows) => rows,
            Err(e) => {
                let _ = send.send(Err(error(&self.source, &e)));
                return;
            }
        };
        let mut read = 0;
        loop {
            let mut chunk = self.empty_chunk();
            let mut bytes = 0;
            let mut failed = None;
            while chunk.rows < self.chunk_rows && bytes < CHUNK_BYTES {
                let row = match rows.next() {
                    Ok(Some(row)) => row,
                    Ok(None) => break,
                    Err(e) => {
                        failed = Some(error(&self.source, &e));
                        break;
                    }
                };
                read += 1;
                if let Err(e) = self.take_row(&row, read, &mut chunk, &mut bytes) {
                    failed = Some(e);
                    break;
                }
            }
            // A chunk that failed may end in part of a row (its first columns taken): not sent.
            if let Some(e) = failed {
                let _ = send.send(Err(e));
                return;
            }
            let done = chunk.rows < self.chunk_rows && bytes < CHUNK_BYTES;
            if chunk.rows > 0 && send.send(Ok(chunk)).is_err() {
                return;
            }
            if done {
                return;
            }
        }
    }

    fn empty_chunk(&self) -> Chunk {
        let texts = self.indices.len() - self.features;
        Chunk {
            rows: 0,
            columns: vec![RawColumn::default(); self.features],
            targets: vec![TextColumn::default(); self.targets],
            kept: vec![TextColumn::default(); texts - self.targets],
        }
    }

    fn take_row(
        &self,
        row: &postgres::Row,
        number: usize,
        chunk: &mut Chunk,
        bytes: &mut usize,
    ) -> Result<()> {
        // A row as long as CSV refuses: one text cell of a few hundred MiB would otherwise be a
        // category in memory several times over, and in the model file.
        let size: usize = self
            .indices
            .iter()
            .map(|&i| match row.try_get::<_, Option<Raw>>(i) {
                Ok(Some(Raw(raw))) => raw.len(),
                _ => 0,
            })
            .sum();
        if size > MAX_RECORD_MIB << 20 {
            return Err(Error::data(
                &self.source,
                format!("row {number} is longer than {MAX_RECORD_MIB} MiB: leave out its long columns, or cut them in a --query"),
            ));
        }
        for (j, (&i, &ty)) in self.indices.iter().zip(&self.types).enumerate() {
            let cell = row
                .try_get::<_, Option<Raw>>(i)
                .map_err(|e| error(&self.source, &e))?;
            let value = match cell {
                None => Value::Missing,
                Some(Raw(raw)) => {
                    *bytes += raw.len();
                    decode(ty, raw, j >= self.features + self.targets).map_err(|why| {
                        Error::data(
                            &self.source,
                            format!("row {number}, column {}: {why}", quote(&self.names[j])),
                        )
                    })?
                }
            };
            if j < self.features {
                value.push_feature(&mut chunk.columns[j]);
            } else if j < self.features + self.targets {
                chunk.targets[j - self.features].push(&value.into_text());
            } else {
                chunk.kept[j - self.features - self.targets].push(&value.into_text());
            }
        }
        chunk.rows += 1;
        Ok(())
    }
}

/// The column type of an output table for an output column of type `t`.
fn sql_type(t: Column) -> Type {
    match t {
        Column::Integer => Type::INT8,
        Column::Float => Type::FLOAT8,
        Column::Boolean => Type::BOOL,
        Column::Text => Type::TEXT,
    }
}

/// One value of an output row, typed for its column.
#[derive(Debug)]
pub enum SqlValue {
    Null,
    Int8(i64),
    Float8(f64),
    Bool(bool),
    Text(String),
}

impl SqlValue {
    /// `text` (a label, a kept cell) as a value of `ty`; empty is NULL.
    pub fn parse(text: &str, ty: Column) -> std::result::Result<SqlValue, String> {
        if text.is_empty() && ty != Column::Text {
            return Ok(SqlValue::Null);
        }
        if text.contains('\0') {
            // Named here: the server's refusal names neither the column nor the value.
            return Err(format!(
                "{} holds a NUL character, which PostgreSQL text cannot",
                quote(text)
            ));
        }
        let parsed = match ty {
            Column::Integer => text.trim().parse().ok().map(SqlValue::Int8),
            Column::Float => text.trim().parse().ok().map(SqlValue::Float8),
            Column::Boolean => text.trim().parse().ok().map(SqlValue::Bool),
            Column::Text => Some(SqlValue::Text(text.to_string())),
        };
        parsed.ok_or_else(|| format!("{} is not a {} value", quote(text), sql_type(ty).name()))
    }
}

impl ToSql for SqlValue {
    fn to_sql(
        &self,
        ty: &Type,
        out: &mut postgres::types::private::BytesMut,
    ) -> std::result::Result<IsNull, Box<dyn std::error::Error + Sync + Send>> {
        match self {
            SqlValue::Null => Ok(IsNull::Yes),
            SqlValue::Int8(v) => v.to_sql(ty, out),
            SqlValue::Float8(v) => v.to_sql(ty, out),
            SqlValue::Bool(v) => v.to_sql(ty, out),
            SqlValue::Text(v) => v.to_sql(ty, out),
        }
    }

    fn accepts(ty: &Type) -> bool {
        [Type::INT8, Type::FLOAT8, Type::BOOL, Type::TEXT].contains(ty)
    }

    postgres::types::to_sql_checked!();
}

/// How long creating (or replacing) the output table waits for a lock.
const LOCK_TIMEOUT_SECONDS: u32 = 10;

/// Rows sent to the writing thread at once.
const BATCH_ROWS: usize = 4096;

enum Batch {
    Rows(Vec<SqlValue>),
    /// Everything was sent: commit.
    Finish,
}

/// A new table filled by binary COPY on a thread of its own, in one transaction committed by
/// `finish`: dropped before that (an error, Ctrl-C), it leaves no table behind.
pub struct TableWriter {
    name: String,
    width: usize,
    batch: Vec<SqlValue>,
    send: SyncSender<Batch>,
    thread: Option<JoinHandle<Result<()>>>,
}

impl TableWriter {
    /// Creates `?table=` of `url` with these columns (replacing one of that name when
    /// `replace`, unless it is the table `reading` identifies: the rows being predicted), in a
    /// transaction that `finish` commits.
    pub fn create(
        url: &str,
        columns: &[(String, Column)],
        replace: bool,
        reading: Option<&str>,
    ) -> Result<TableWriter> {
        let table = table_param(url).ok_or_else(|| {
            Error::usage("a postgresql:// --output needs ?table=schema.name in the URL")
        })?;
        let quoted = quote_table(&table)
            .map_err(|why| Error::usage(format!("?table={} {why}", quote(&table))))?;
        let (mut client, shown) = connect(url)?;
        let name = format!("{shown}?table={table}");
        let failed = |e: postgres::Error| {
            let hint = match e.code() {
                Some(&postgres::error::SqlState::DUPLICATE_TABLE) => {
                    " (drop it, name another, or give --replace)"
                }
                Some(&postgres::error::SqlState::LOCK_NOT_AVAILABLE) => {
                    " (the table is in use: by another session, or is it this run's --data?)"
                }
                _ => "",
            };
            match error(&name, &e) {
                Error::Data(why) => Error::Data(format!("{why}{hint}")),
                other => other,
            }
        };
        // A table locked by another session (or by this run's own --data, under --replace)
        // fails after a while instead of waiting forever.
        client
            .batch_execute(&format!(
                "BEGIN; SET LOCAL lock_timeout = '{LOCK_TIMEOUT_SECONDS}s'"
            ))
            .map_err(failed)?;
        let definitions: Vec<String> = columns
            .iter()
            .map(|(column, ty)| format!("{} {}", quote_identifier(column), sql_type(*ty).name()))
            .collect();
        let mut sql = String::new();
        if replace {
            // Small tables are read to the end (and their lock released) before the first
            // prediction: replacing the input would then succeed, and lose it.
            if reading.is_some()
                && table_identity(&mut client, &quoted)
                    .map_err(failed)?
                    .as_deref()
                    == reading
            {
                return Err(Error::usage(format!(
                    "--output {name} is the --data table: replacing it with predictions would lose the rows they come from; write them to another table"
                )));
            }
            sql.push_str(&format!("DROP TABLE IF EXISTS {quoted};"));
        }
        sql.push_str(&format!(
            "CREATE TABLE {quoted} ({});",
            definitions.join(", ")
        ));
        client.batch_execute(&sql).map_err(failed)?;
        let copy = format!(
            "COPY {quoted} ({}) FROM STDIN (FORMAT binary)",
            columns
                .iter()
                .map(|(c, _)| quote_identifier(c))
                .collect::<Vec<_>>()
                .join(", ")
        );
        let types: Vec<Type> = columns.iter().map(|(_, t)| sql_type(*t)).collect();
        let (send, batches) = sync_channel::<Batch>(2);
        let thread_name = name.clone();
        let thread = crate::memory::spawn(move || -> Result<()> {
            let failed = |e: postgres::Error| error(&thread_name, &e);
            let writer = client.copy_in(&copy).map_err(failed)?;
            let mut writer = postgres::binary_copy::BinaryCopyInWriter::new(writer, &types);
            let width = types.len();
            for batch in batches {
                match batch {
                    Batch::Rows(values) => {
                        for row in values.chunks(width.max(1)) {
                            writer.write_raw(row.iter()).map_err(failed)?;
                        }
                    }
                    Batch::Finish => {
                        writer.finish().map_err(failed)?;
                        return client.batch_execute("COMMIT").map_err(failed);
                    }
                }
            }
            // The caller stopped without finishing: the transaction is rolled back.
            Ok(())
        });
        Ok(TableWriter {
            name,
            width: columns.len(),
            batch: Vec::new(),
            send,
            thread: Some(thread),
        })
    }

    pub fn name(&self) -> &str {
        &self.name
    }

    pub fn write_row(&mut self, row: Vec<SqlValue>) -> Result<()> {
        debug_assert_eq!(row.len(), self.width);
        self.batch.extend(row);
        if self.batch.len() >= BATCH_ROWS * self.width.max(1) {
            let batch = std::mem::take(&mut self.batch);
            if self.send.send(Batch::Rows(batch)).is_err() {
                // The thread stopped on an error: `finish` reports it.
                return Err(self.failure());
            }
        }
        Ok(())
    }

    /// Sends the last rows and commits.
    pub fn finish(mut self) -> Result<()> {
        let batch = std::mem::take(&mut self.batch);
        if self.send.send(Batch::Rows(batch)).is_err() || self.send.send(Batch::Finish).is_err() {
            return Err(self.failure());
        }
        self.join().unwrap_or(Ok(()))
    }

    /// The writing thread's error, once it has stopped.
    fn failure(&mut self) -> Error {
        match self.join() {
            Some(Err(e)) => e,
            _ => Error::Io(format!("{}: the writer stopped", self.name)),
        }
    }

    fn join(&mut self) -> Option<Result<()>> {
        let thread = self.thread.take()?;
        Some(
            thread
                .join()
                .unwrap_or_else(|p| std::panic::resume_unwind(p)),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numerics_decode_to_their_exact_text() {
        // 12345.678: weight 1, digits 1 2345 6780, dscale 3.
        let raw = [0, 3, 0, 1, 0, 0, 0, 3, 0, 1, 0x09, 0x29, 0x1a, 0x7c];
        assert_eq!(numeric_text(&raw, false).unwrap(), "1.2345678e4");
        assert_eq!(numeric_text(&raw, true).unwrap(), "12345.678");
        // -0.0001: weight -1, one digit 1, dscale 4.
        let raw = [0, 1, 0xff, 0xff, 0x40, 0, 0, 4, 0, 1];
        assert_eq!(numeric_text(&raw, false).unwrap(), "-1e-4");
        assert_eq!(numeric_text(&raw, true).unwrap(), "-0.0001");
        assert_eq!(
            numeric_text(&raw, false).unwrap().parse::<f64>().unwrap(),
            -0.0001
        );
        // Found by review: a numeric key beyond 2^53 was copied through an f64
        // (12345678901234567890123 as 12345678901234568000000), and 1e200 shown as 0.0001e204.
        // 12345678901234567890123: weight 5, digits 123 4567 8901 2345 6789 0123.
        let raw = [
            0, 6, 0, 5, 0, 0, 0, 0, 0, 0x7b, 0x11, 0xd7, 0x22, 0xc5, 0x09, 0x29, 0x1a, 0x85, 0,
            0x7b,
        ];
        assert_eq!(numeric_text(&raw, true).unwrap(), "12345678901234567890123");
        assert_eq!(
            numeric_text(&raw, false).unwrap(),
            "1.2345678901234567890123e22"
        );
        // 1e200: weight 50, one digit 1; 1.10 keeps its scale; 0.00 its zeros.
        assert_eq!(
            numeric_text(&[0, 1, 0, 50, 0, 0, 0, 0, 0, 1], false).unwrap(),
            "1e200"
        );
        assert_eq!(
            numeric_text(&[0, 2, 0, 0, 0, 0, 0, 2, 0, 1, 0x03, 0xe8], true).unwrap(),
            "1.10"
        );
        assert_eq!(
            numeric_text(&[0, 0, 0, 0, 0, 0, 0, 2], true).unwrap(),
            "0.00"
        );
        assert_eq!(numeric_text(&[0, 0, 0, 0, 0, 0, 0, 2], false).unwrap(), "0");
        assert_eq!(
            numeric_text(&[0, 0, 0, 0, 0xC0, 0, 0, 0], true).unwrap(),
            "NaN"
        );
        assert!(numeric_text(&[0, 5, 0, 0, 0, 0, 0, 0], false).is_err());
        assert!(numeric_text(&[0, 1], false).is_err());
    }

    #[test]
    fn a_nul_in_output_text_is_named() {
        let err = SqlValue::parse("a\0b", Column::Text).unwrap_err();
        assert!(err.contains("NUL character"), "{err}");
        assert!(matches!(
            SqlValue::parse("ab", Column::Text),
            Ok(SqlValue::Text(t)) if t == "ab"
        ));
    }

    #[test]
    fn dates_and_timestamps_as_iso_text() {
        let Ok(Value::Text(t)) = decode(PgType::Date, &(-1i32).to_be_bytes(), false) else {
            panic!()
        };
        assert_eq!(t, "1999-12-31");
        let micros: i64 = 86_400_000_000 + 3_723_000_001;
        let Ok(Value::Text(t)) = decode(PgType::TimestampTz, &micros.to_be_bytes(), false) else {
            panic!()
        };
        assert_eq!(t, "2000-01-02T01:02:03.000001Z");
        let Ok(Value::Text(t)) = decode(PgType::Timestamp, &i64::MAX.to_be_bytes(), false) else {
            panic!()
        };
        assert_eq!(t, "infinity");
        assert!(decode(PgType::Int4, &[0, 1], false).is_err());
    }
}
