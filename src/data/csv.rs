//! CSV with a header row: columns chosen by name, read in chunks so prediction memory stays flat.
//! Background threads work ahead of the caller: one splits records (copying only the wanted
//! cells into one buffer per chunk), one per core parses numbers (chunks dealt to them in turn,
//! taken back in the same turn, so they stay in order); the caller predicts and writes. One chunk
//! at most waits between stages, so memory stays flat.

use std::borrow::Cow;
use std::collections::HashMap;
use std::io::Read;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc::{sync_channel, Receiver};
use std::sync::Arc;
use std::thread::JoinHandle;

use super::input::{self, Dialect};
use super::table::{RawColumn, TextColumn};
use super::{list, quote, RawTargets};
use crate::error::{Error, Result};

/// Which columns to take from the file.
pub struct Columns<'a> {
    /// The features by name; `None`: every column not named below.
    pub features: Option<&'a [String]>,
    /// Left out of the default features (`--ignore`).
    pub ignore: &'a [String],
    pub targets: &'a [String],
    /// Copied through as text beside the predictions (`predict --keep`).
    pub keep: &'a [String],
    /// Features missing from the file are the model's (said in the message).
    pub predicting: bool,
}

impl<'a> Columns<'a> {
    /// Exactly these features (a model's), nothing else.
    pub fn features(features: &'a [String]) -> Self {
        Columns {
            features: Some(features),
            ignore: &[],
            targets: &[],
            keep: &[],
            predicting: true,
        }
    }
}

/// One chunk of rows: the feature columns' cells, and the target and kept cells as text.
#[derive(Debug)]
pub struct Chunk {
    pub rows: usize,
    pub columns: Vec<RawColumn>,
    pub targets: RawTargets,
    pub kept: RawTargets,
}

/// Input that can move to the record-splitting thread.
pub type Input = Box<dyn Read + Send>;

/// Longest record (the header or one row) accepted. The CSV parser buffers a whole record, so
/// without a bound an input with no line end (`--data /dev/zero`) would take all memory.
pub const MAX_RECORD_MIB: usize = 64;

/// Most columns accepted: each column costs its name several times over (the index, the
/// feature names, the model header), so a header of 30 million one-letter names, within the record
/// bound, would take gigabytes.
pub const MAX_COLUMNS: usize = 1_000_000;

/// Most parsing threads: the splitting thread keeps up with about two.
const MAX_PARSERS: usize = 2;

/// Most bytes of wanted cells in one chunk: very wide rows make shorter chunks, so memory
/// stays flat whatever the width.
const CHUNK_BYTES: usize = 8 << 20;

/// The input as the CSV parser reads it: counts the bytes read since the last complete record
/// (`since_record`, reset by whoever reads records) and fails once that passes the bound.
/// The parser reads ahead by at most its 8 KiB buffer, so the count errs by that much.
struct Bounded {
    inner: Input,
    since_record: Arc<AtomicUsize>,
}

/// The error `Bounded` fails with, recognized by `csv_error`.
#[derive(Debug)]
struct RecordTooLong;

impl std::fmt::Display for RecordTooLong {
    fn fmt(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        write!(f, "a record longer than {MAX_RECORD_MIB} MiB")
    }
}

impl std::error::Error for RecordTooLong {}

impl Read for Bounded {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        if self.since_record.fetch_add(n, Ordering::Relaxed) + n > MAX_RECORD_MIB << 20 {
            return Err(std::io::Error::new(
                std::io::ErrorKind::InvalidData,
                RecordTooLong,
            ));
        }
        Ok(n)
    }
}

pub struct CsvReader {
    source: String,
    /// Each parsing thread's chunks; chunk i comes from `parsed[i % parsed.len()]`.
    parsed: Vec<Receiver<Result<Chunk>>>,
    next: usize,
    /// The splitting and parsing threads, joined when the next chunk's channel closes.
    threads: Vec<JoinHandle<()>>,
    pub feature_names: Vec<String>,
    pub target_names: Vec<String>,
    pub kept_names: Vec<String>,
}

/// The splitting thread's state: records to `Cells`.
struct Splitter {
    source: String,
    reader: csv::Reader<Bounded>,
    since_record: Arc<AtomicUsize>,
    record: csv::ByteRecord,
    /// The wanted columns: the features, the targets, then the kept ones.
    wanted: Vec<usize>,
    chunk_rows: usize,
    rows_read: usize,
}

/// The wanted cells of a chunk of rows, in one buffer (no allocation per row).
struct Cells {
    first_row: usize,
    rows: usize,
    bytes: Vec<u8>,
    /// Where each cell ends in `bytes`, row after row.
    ends: Vec<usize>,
}

/// A parsing thread's state: `Cells` to `Chunk`s.
#[derive(Clone)]
struct Parser {
    source: String,
    decimal_comma: bool,
    features: usize,
    /// The target then the kept columns' names.
    text_names: Vec<String>,
    targets: usize,
}

impl CsvReader {
    /// Reads the header now; rows follow in chunks of `chunk_rows`.
    pub fn new(
        source: String,
        input: Input,
        dialect: Dialect,
        columns: &Columns,
        chunk_rows: usize,
    ) -> Result<Self> {
        // Cells are trimmed one by one where they are used: csv's record-level trim rebuilds
        // every record and cost a third of the parse time.
        let since_record = Arc::new(AtomicUsize::new(0));
        let mut reader = csv::ReaderBuilder::new()
            .delimiter(dialect.delimiter)
            .from_reader(Bounded {
                inner: input,
                since_record: since_record.clone(),
            });
        let mut header = reader
            .headers()
            .map_err(|e| csv_error(&source, e, 0))?
            .clone();
        since_record.store(0, Ordering::Relaxed);
        header.trim();
        if header.is_empty() {
            return Err(Error::data(&source, "is empty (expected a header row)"));
        }
        if header.len() > MAX_COLUMNS {
            return Err(Error::data(
                &source,
                format!(
                    "has {} columns (pgml-cli reads at most {MAX_COLUMNS})",
                    header.len()
                ),
            ));
        }
        let names: Vec<&str> = header.iter().collect();
        let hint = other_delimiter(&header, dialect.delimiter).map(|delimiter| {
            format!(
                "the header is one column {}: is the delimiter {delimiter}? try --delimiter {delimiter}",
                quote(&header[0])
            )
        });
        let Selection {
            feature_names,
            target_names,
            kept_names,
            wanted,
        } = select(&source, &names, columns, hint)?;
        let mut splitter = Splitter {
            source: source.clone(),
            reader,
            since_record,
            record: csv::ByteRecord::new(),
            wanted,
            chunk_rows,
            rows_read: 0,
        };
        let parser = Parser {
            source: source.clone(),
            decimal_comma: dialect.decimal_comma,
            features: feature_names.len(),
            text_names: target_names.iter().chain(&kept_names).cloned().collect(),
            targets: target_names.len(),
        };
        // Each stage ends at the end of the input, after an error, or when the next one stops.
        // The caller joins every thread once the next chunk's channel closes, so a panic in
        // any of them is raised again there instead of looking like the end of the input.
        let parsers = std::thread::available_parallelism().map_or(1, |n| n.get().min(MAX_PARSERS));
        let mut threads = Vec::with_capacity(parsers + 1);
        let mut to_parse = Vec::with_capacity(parsers);
        let mut parsed = Vec::with_capacity(parsers);
        for _ in 0..parsers {
            let (send_cells, cells) = sync_channel::<Result<Cells>>(1);
            let (send_chunk, chunks) = sync_channel(1);
            let parser = parser.clone();
            threads.push(std::thread::spawn(move || {
                for next in &cells {
                    let chunk = next.and_then(|c| parser.parse(c));
                    let failed = chunk.is_err();
                    if send_chunk.send(chunk).is_err() || failed {
                        return;
                    }
                }
            }));
            to_parse.push(send_cells);
            parsed.push(chunks);
        }
        threads.push(std::thread::spawn(move || {
            for parser in to_parse.iter().cycle() {
                let Some(next) = splitter.next_cells().transpose() else {
                    return;
                };
                let failed = next.is_err();
                if parser.send(next).is_err() || failed {
                    return;
                }
            }
        }));
        Ok(CsvReader {
            source,
            parsed,
            next: 0,
            threads,
            feature_names,
            target_names,
            kept_names,
        })
    }

    pub fn source(&self) -> &str {
        &self.source
    }

    /// The next chunk of rows, or `None` at the end of the input.
    pub fn read_chunk(&mut self) -> Result<Option<Chunk>> {
        let parsed = &self.parsed[self.next % self.parsed.len()];
        match parsed.recv() {
            Ok(chunk) => {
                self.next += 1;
                chunk.map(Some)
            }
            Err(_) => {
                // The input has ended, or a thread panicked.
                self.threads.drain(..).for_each(join);
                Ok(None)
            }
        }
    }
}

impl Splitter {
    fn next_cells(&mut self) -> Result<Option<Cells>> {
        let mut cells = Cells {
            first_row: self.rows_read + 1,
            rows: 0,
            bytes: Vec::new(),
            ends: Vec::new(),
        };
        while cells.rows < self.chunk_rows && cells.bytes.len() < CHUNK_BYTES {
            let row = self.rows_read + cells.rows + 1;
            let more = self
                .reader
                .read_byte_record(&mut self.record)
                .map_err(|e| csv_error(&self.source, e, row))?;
            self.since_record.store(0, Ordering::Relaxed);
            if !more {
                break;
            }
            for &i in &self.wanted {
                cells.bytes.extend_from_slice(&self.record[i]);
                cells.ends.push(cells.bytes.len());
            }
            cells.rows += 1;
        }
        self.rows_read += cells.rows;
        Ok((cells.rows > 0).then_some(cells))
    }
}

impl Parser {
    fn parse(&self, cells: Cells) -> Result<Chunk> {
        let width = self.features + self.text_names.len();
        let mut columns = vec![RawColumn::default(); self.features];
        let mut text: RawTargets =
            vec![TextColumn::with_capacity(cells.rows); self.text_names.len()];
        let mut start = 0;
        for (r, row) in cells.ends.chunks_exact(width).enumerate() {
            for (j, &end) in row.iter().enumerate() {
                let bytes = &cells.bytes[start..end];
                start = end;
                let bytes = match self.decimal_comma {
                    true => input::decimal_comma(bytes),
                    false => Cow::Borrowed(bytes),
                };
                if j < self.features {
                    columns[j].push_cell(&bytes);
                } else {
                    let name = &self.text_names[j - self.features];
                    let cell = cell(&bytes).map_err(|why| {
                        Error::data(
                            &self.source,
                            format!("row {}, column {}: {why}", cells.first_row + r, quote(name)),
                        )
                    })?;
                    text[j - self.features].push(cell);
                }
            }
        }
        let kept = text.split_off(self.targets);
        Ok(Chunk {
            rows: cells.rows,
            columns,
            targets: text,
            kept,
        })
    }
}

/// The columns a reader takes from a header, and where they are in it.
pub struct Selection {
    pub feature_names: Vec<String>,
    pub target_names: Vec<String>,
    pub kept_names: Vec<String>,
    /// Header positions of the features, then the targets, then the kept columns.
    pub wanted: Vec<usize>,
}

/// Chooses `columns` from a header (any source's column names): every name must be there once;
/// the features default to every column that is neither a target nor ignored. `hint` replaces
/// the list of columns in a "no column" message (a CSV read with the wrong delimiter).
pub fn select(
    source: &str,
    header: &[&str],
    columns: &Columns,
    hint: Option<String>,
) -> Result<Selection> {
    if header.is_empty() {
        return Err(Error::data(source, "has no columns"));
    }
    let mut index = HashMap::new();
    for (i, &name) in header.iter().enumerate() {
        if index.insert(name, i).is_some() {
            return Err(Error::data(
                source,
                format!("column {} appears twice in the header", quote(name)),
            ));
        }
    }
    let (targets, keep) = (columns.targets, columns.keep);
    let find = |name: &String| {
        index.get(name.as_str()).copied().ok_or_else(|| {
            let why = if keep.contains(name) {
                ", asked for by --keep"
            } else if targets.contains(name) && columns.predicting {
                ", the model's target"
            } else if columns.predicting {
                ", which the model was trained on"
            } else {
                ""
            };
            let columns = hint
                .clone()
                .unwrap_or_else(|| format!("columns: {}", list(header.iter().copied())));
            Error::data(
                source,
                format!("no column {}{why} ({columns})", quote(name)),
            )
        })
    };
    for name in columns
        .targets
        .iter()
        .chain(columns.ignore)
        .chain(columns.keep)
    {
        find(name)?;
    }
    let feature_names: Vec<String> = match columns.features {
        Some(features) => features.to_vec(),
        None => header
            .iter()
            .filter(|h| {
                let named = |list: &[String]| list.iter().any(|t| t == *h);
                !named(columns.targets) && !named(columns.ignore)
            })
            .map(|h| h.to_string())
            .collect(),
    };
    if let Some(both) = feature_names.iter().find(|f| columns.targets.contains(f)) {
        return Err(Error::usage(format!(
            "column {} is both a feature and a target",
            quote(both)
        )));
    }
    if feature_names.is_empty() {
        return Err(Error::data(source, "has no feature columns"));
    }
    let (target_names, kept_names) = (columns.targets.to_vec(), columns.keep.to_vec());
    let wanted: Vec<usize> = feature_names
        .iter()
        .chain(&target_names)
        .chain(&kept_names)
        .map(&find)
        .collect::<Result<_>>()?;
    Ok(Selection {
        feature_names,
        target_names,
        kept_names,
        wanted,
    })
}

/// The delimiter a one-column header seems to be split by instead of `delimiter`, quoted as
/// `--delimiter` takes it (`';'`, `tab`): the commonest of `,` `;` tab `|` in the one name.
fn other_delimiter(header: &csv::StringRecord, delimiter: u8) -> Option<&'static str> {
    if header.len() != 1 {
        return None;
    }
    [(b',', "','"), (b';', "';'"), (b'\t', "tab"), (b'|', "'|'")]
        .into_iter()
        .filter(|&(d, _)| d != delimiter)
        .map(|(d, shown)| (header[0].bytes().filter(|&b| b == d).count(), shown))
        .filter(|&(count, _)| count > 0)
        .max_by_key(|&(count, _)| count)
        .map(|(_, shown)| shown)
}

/// Waits for a thread that has ended; its panic, if any, continues in the caller.
fn join(thread: JoinHandle<()>) {
    if let Err(panic) = thread.join() {
        std::panic::resume_unwind(panic);
    }
}

/// A cell's text without surrounding spaces.
fn cell(bytes: &[u8]) -> std::result::Result<&str, String> {
    std::str::from_utf8(bytes)
        .map(str::trim)
        .map_err(|_| "not valid UTF-8 text".to_string())
}

/// `row` is the data row being read (0: the header), for errors without a position.
fn csv_error(source: &str, err: csv::Error, row: usize) -> Error {
    let line = err
        .position()
        .map(|p| format!("line {}: ", p.line()))
        .unwrap_or_default();
    match err.kind() {
        csv::ErrorKind::Io(e)
            if e.get_ref()
                .is_some_and(|inner| inner.downcast_ref::<RecordTooLong>().is_some()) =>
        {
            let record = match row {
                0 => "the header row".to_string(),
                row => format!("row {row}"),
            };
            Error::data(
                source,
                format!("{record} is longer than {MAX_RECORD_MIB} MiB (is this a CSV file?)"),
            )
        }
        csv::ErrorKind::UnequalLengths {
            expected_len, len, ..
        } => Error::data(
            source,
            format!("{line}has {len} fields but the header has {expected_len}"),
        ),
        csv::ErrorKind::Io(e) => input::read_error(source, e),
        csv::ErrorKind::Utf8 { .. } => {
            Error::data(source, format!("{line}is not valid UTF-8 text"))
        }
        _ => Error::data(source, format!("{line}{err}")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::data::table::Cell;

    fn drain(r: &mut CsvReader) -> Result<Vec<Chunk>> {
        let mut chunks = Vec::new();
        while let Some(chunk) = r.read_chunk()? {
            chunks.push(chunk);
        }
        Ok(chunks)
    }

    fn reader(text: &'static str, columns: &Columns) -> Result<CsvReader> {
        dialect_reader(text, Dialect::default(), columns)
    }

    fn dialect_reader(
        text: &'static str,
        dialect: Dialect,
        columns: &Columns,
    ) -> Result<CsvReader> {
        CsvReader::new(
            "t.csv".into(),
            Box::new(text.as_bytes()),
            dialect,
            columns,
            2,
        )
    }

    fn train<'a>(targets: &'a [String]) -> Columns<'a> {
        Columns {
            features: None,
            ignore: &[],
            targets,
            keep: &[],
            predicting: false,
        }
    }

    /// A European file: semicolons, decimal commas in features and targets; text labels and
    /// a quoted cell holding the delimiter stay as written.
    #[test]
    fn semicolons_and_decimal_commas() {
        let european = Dialect {
            delimiter: b';',
            decimal_comma: true,
        };
        let targets = vec!["y".to_string(), "label".to_string()];
        let mut r = dialect_reader(
            "a;b;y;label\n3,25;-2;0,5;\"x;y,z\"\n1e3;1,5e-1;2;b\n",
            european,
            &train(&targets),
        )
        .unwrap();
        let chunk = drain(&mut r).unwrap().remove(0);
        let cells = |j: usize| [chunk.columns[j].cell(0), chunk.columns[j].cell(1)];
        assert_eq!(cells(0), [Cell::Number(3.25), Cell::Number(1000.0)]);
        assert_eq!(cells(1), [Cell::Number(-2.0), Cell::Number(0.15)]);
        let targets: Vec<TextColumn> = vec![
            ["0.5", "2"].into_iter().collect(),
            ["x;y,z", "b"].into_iter().collect(),
        ];
        assert_eq!(chunk.targets, targets);
        // Without --decimal-comma, 3,14 is text.
        let names = vec!["a".to_string()];
        let plain = Dialect {
            decimal_comma: false,
            ..european
        };
        let mut r = dialect_reader("a;b\n3,14;1\n", plain, &Columns::features(&names)).unwrap();
        assert_eq!(
            drain(&mut r).unwrap()[0].columns[0].cell(0),
            Cell::Text("3,14")
        );
    }

    /// A header that is one column holding another delimiter says so.
    #[test]
    fn a_one_column_header_suggests_the_delimiter() {
        let names = vec!["mdvis".to_string()];
        let err = |text, dialect| {
            dialect_reader(text, dialect, &Columns::features(&names))
                .err()
                .unwrap()
                .to_string()
        };
        assert_eq!(
            err("mdvis;lncoins;idp\n1;2;3\n", Dialect::default()),
            "t.csv: no column 'mdvis', which the model was trained on (the header is one column \
             'mdvis;lncoins;idp': is the delimiter ';'? try --delimiter ';')"
        );
        assert!(err("mdvis\tlncoins\n", Dialect::default()).ends_with("try --delimiter tab)"));
        let semicolon = Dialect {
            delimiter: b';',
            decimal_comma: false,
        };
        assert!(err("mdvis,lncoins\n", semicolon).ends_with("try --delimiter ',')"));
        // A one-column header with no other delimiter, or several columns: the plain list.
        assert_eq!(
            err("other\n1\n", Dialect::default()),
            "t.csv: no column 'mdvis', which the model was trained on (columns: other)"
        );
        assert!(err("a;b,c\n", Dialect::default()).ends_with("(columns: a;b, c)"));
        let targets = vec!["y".to_string()];
        let err = dialect_reader("a|b|y\n", Dialect::default(), &train(&targets))
            .err()
            .unwrap();
        assert_eq!(
            err.to_string(),
            "t.csv: no column 'y' (the header is one column 'a|b|y': is the delimiter '|'? try \
             --delimiter '|')"
        );
    }

    /// A compressed line with no end (a zip bomb) stops at the record bound on the decoded bytes.
    #[test]
    fn a_compressed_endless_line_stops_at_the_bound() {
        use std::io::Write;
        // One member of 1 MiB of 'x' compresses to about 1 KiB; 100 of them decode to 100 MiB.
        let mut member = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
        member.write_all(&vec![b'x'; 1 << 20]).unwrap();
        let bomb = member.finish().unwrap().repeat(100);
        assert!(bomb.len() < 1 << 20);
        let path =
            std::env::temp_dir().join(format!("pgml-cli-bomb-{}.csv.gz", std::process::id()));
        std::fs::write(&path, &bomb).unwrap();
        let (source, input) = input::open_input(&path).unwrap();
        std::fs::remove_file(&path).unwrap();
        let names = vec!["a".to_string()];
        let err = CsvReader::new(
            source,
            input,
            Dialect::default(),
            &Columns::features(&names),
            2,
        )
        .err()
        .unwrap();
        assert_eq!(
            err.to_string(),
            format!(
                "{}: the header row is longer than 64 MiB (is this a CSV file?)",
                path.display()
            )
        );
    }

    #[test]
    fn chunks_cover_every_row_once() {
        let names = vec!["b".to_string()];
        let mut r = reader("a,b\n1,2\n3,4\n5,6\n", &Columns::features(&names)).unwrap();
        let values = |c: Chunk| -> Vec<Cell<'static>> {
            (0..c.rows)
                .map(|r| match c.columns[0].cell(r) {
                    Cell::Number(v) => Cell::Number(v),
                    _ => Cell::Missing,
                })
                .collect()
        };
        let first = r.read_chunk().unwrap().unwrap();
        assert_eq!(values(first), vec![Cell::Number(2.0), Cell::Number(4.0)]);
        let second = r.read_chunk().unwrap().unwrap();
        assert_eq!(values(second), vec![Cell::Number(6.0)]);
        assert!(r.read_chunk().unwrap().is_none());
    }

    #[test]
    fn features_default_to_every_non_target_column() {
        let targets = vec!["y".to_string()];
        let mut r = reader(
            "a,y,b\n1,x,2\n",
            &Columns {
                features: None,
                ignore: &[],
                targets: &targets,
                keep: &[],
                predicting: false,
            },
        )
        .unwrap();
        assert_eq!(r.feature_names, vec!["a", "b"]);
        let chunk = drain(&mut r).unwrap().remove(0);
        assert_eq!(chunk.columns[1].cell(0), Cell::Number(2.0));
        assert_eq!(
            chunk.targets,
            vec![["x"].into_iter().collect::<TextColumn>()]
        );
    }

    #[test]
    fn errors_name_row_and_column() {
        let names = vec!["a".to_string()];
        let mut r = reader("a,b\n1,2\n3\n", &Columns::features(&names)).unwrap();
        assert_eq!(
            drain(&mut r).unwrap_err().to_string(),
            "t.csv: line 3: has 1 fields but the header has 2"
        );
    }

    /// Input with no record end (`--data /dev/zero`, an unclosed quote) stops at the bound.
    #[test]
    fn endless_records_are_refused_at_the_bound() {
        let names = vec!["a".to_string()];
        let endless = |head: &'static [u8], body: &'static [u8]| -> Input {
            Box::new(head.chain(std::io::repeat(body[0]).take(1 << 40)))
        };
        let err = CsvReader::new(
            "zero".into(),
            endless(b"", b"\0"),
            Dialect::default(),
            &Columns::features(&names),
            2,
        )
        .err()
        .unwrap();
        assert_eq!(
            err.to_string(),
            "zero: the header row is longer than 64 MiB (is this a CSV file?)"
        );
        let mut r = CsvReader::new(
            "q".into(),
            endless(b"a\n1\n\"", b"\n"),
            Dialect::default(),
            &Columns::features(&names),
            2,
        )
        .unwrap();
        assert_eq!(
            drain(&mut r).unwrap_err().to_string(),
            "q: row 2 is longer than 64 MiB (is this a CSV file?)"
        );
    }

    #[test]
    fn too_many_columns_are_refused() {
        let header: Vec<String> = (0..=MAX_COLUMNS).map(|i| i.to_string()).collect();
        let text = format!("{}\n", header.join(","));
        let names = vec!["0".to_string()];
        let err = CsvReader::new(
            "wide".into(),
            Box::new(std::io::Cursor::new(text)),
            Dialect::default(),
            &Columns::features(&names),
            2,
        )
        .err()
        .unwrap();
        assert_eq!(
            err.to_string(),
            "wide: has 1000001 columns (pgml-cli reads at most 1000000)"
        );
    }

    /// A panic while reading (a bug) is raised in the caller, not taken for the end of the input.
    #[test]
    fn a_panic_in_a_reader_thread_reaches_the_caller() {
        struct Failing(usize);
        impl Read for Failing {
            fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
                self.0 += 1;
                assert!(self.0 < 3, "reader bug");
                let text: &[u8] = if self.0 == 1 { b"a\n1\n" } else { b"2\n" };
                buf[..text.len()].copy_from_slice(text);
                Ok(text.len())
            }
        }
        let names = vec!["a".to_string()];
        let mut r = CsvReader::new(
            "t".into(),
            Box::new(Failing(0)),
            Dialect::default(),
            &Columns::features(&names),
            1,
        )
        .unwrap();
        let caught = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| drain(&mut r)));
        assert!(
            caught.is_err(),
            "the panic was taken for the end: {caught:?}"
        );
    }

    /// A cell or name holding a line break or a terminal escape reaches the message escaped.
    #[test]
    fn cells_and_names_in_errors_are_escaped() {
        let missing = vec!["z\n".to_string()];
        let err = reader("a,b\n1,2\n", &Columns::features(&missing))
            .err()
            .unwrap();
        assert_eq!(
            err.to_string(),
            "t.csv: no column 'z\\n', which the model was trained on (columns: a, b)"
        );
    }

    /// A `--keep` column missing from the file is the user's, not the model's.
    #[test]
    fn a_missing_kept_column_is_named_as_kept() {
        let (features, keep) = (vec!["a".to_string()], vec!["id".to_string()]);
        let columns = Columns {
            keep: &keep,
            ..Columns::features(&features)
        };
        let err = reader("a,b\n1,2\n", &columns).err().unwrap();
        assert_eq!(
            err.to_string(),
            "t.csv: no column 'id', asked for by --keep (columns: a, b)"
        );
    }
}
