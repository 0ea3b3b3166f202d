//! CSV with a header row: columns chosen by name, read in chunks so prediction memory stays flat.
//! Background threads work ahead of the caller: one cuts the input into blocks of whole records,
//! one per core splits a block's records and parses its cells (blocks dealt to them in turn,
//! chunks taken back in the same turn, so they stay in order); the caller predicts and writes.
//! One block at most waits between stages, so memory stays flat.

use std::borrow::Cow;
use std::collections::HashMap;
use std::io::Read;
use std::sync::mpsc::{sync_channel, Receiver};
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

/// Most parsing threads.
const MAX_PARSERS: usize = 4;

/// Most input bytes in one chunk: very wide rows make shorter chunks, so memory stays flat
/// whatever the width.
const CHUNK_BYTES: usize = 2 << 20;

/// Input bytes read at a time.
const READ_BYTES: usize = 256 << 10;

pub struct CsvReader {
    source: String,
    /// Each parsing thread's chunks; chunk i comes from `parsed[i % parsed.len()]`.
    parsed: Vec<Receiver<Parsed>>,
    next: usize,
    /// Data rows delivered so far: a failure's row counts from there.
    rows: usize,
    /// The failure that follows the rows delivered last.
    failed: Option<Error>,
    /// The cutting and parsing threads, joined when the next chunk's channel closes.
    threads: Vec<JoinHandle<()>>,
    pub feature_names: Vec<String>,
    pub target_names: Vec<String>,
    pub kept_names: Vec<String>,
}

/// The cutting thread's state: the input in blocks of whole records, in order. Only where a
/// block holds a quote does finding a record's end take the CSV parser (a quoted cell may hold
/// line ends); elsewhere a line end is one, so the parsing threads do all the record splitting.
struct Cutter {
    input: Input,
    /// Read; from `start` on not yet cut: whole records, then the start of the next one.
    pending: Vec<u8>,
    start: usize,
    /// Line ends in `pending[start..]`.
    lines_pending: usize,
    /// Where no record ends in the unread bytes: how many there must be to look again.
    search_again: usize,
    /// The input line `pending[start..]` starts on, as the CSV parser counts them (`\n` read,
    /// plus one), and the line the last record cut ended on.
    line: u64,
    record_line: u64,
    ended: bool,
    chunk_rows: usize,
    scanner: csv_core::Reader,
    /// `READ_BYTES`, but in tests.
    read_bytes: usize,
}

/// Whole records, from the start of one to the end of another.
struct Block {
    bytes: Vec<u8>,
    /// The line `bytes` starts on.
    line: u64,
    /// The line the csv crate gives its first record: the previous record's end.
    record_line: u64,
    /// Line ends in `bytes`.
    lines: usize,
    /// No quote and no `\r` in `bytes`.
    plain: bool,
}

/// Why rows stop. The row is the one after those delivered before, which the caller counts.
#[derive(Debug)]
enum Failure {
    /// `row N` then `then`.
    NextRow(String),
    Error(Error),
}

/// A block's rows, up to a failure if one stopped them: the rows before it still come first, so
/// problems are reported in the file's order.
struct Parsed {
    chunk: Chunk,
    failure: Option<Failure>,
}

/// A parsing thread's state: blocks of records to `Chunk`s.
#[derive(Clone)]
struct Parser {
    source: String,
    decimal_comma: bool,
    delimiter: u8,
    /// Fields in every record: the header's.
    width: usize,
    /// The wanted columns: the features, the targets, then the kept ones.
    wanted: Vec<usize>,
    features: usize,
    /// The target then the kept columns' names.
    text_names: Vec<String>,
    targets: usize,
    chunk_rows: usize,
}

impl CsvReader {
    /// Reads the header now; rows follow in chunks of about `chunk_rows` (lines, or records
    /// where the text holds quotes).
    pub fn new(
        source: String,
        input: Input,
        dialect: Dialect,
        columns: &Columns,
        chunk_rows: usize,
    ) -> Result<Self> {
        Self::reading_by(source, input, dialect, columns, chunk_rows, READ_BYTES)
    }

    /// `new`, reading `read_bytes` at a time (tests read a few bytes at a time, which also
    /// takes the threads for a small input).
    fn reading_by(
        source: String,
        input: Input,
        dialect: Dialect,
        columns: &Columns,
        chunk_rows: usize,
        read_bytes: usize,
    ) -> Result<Self> {
        let mut cutter = Cutter {
            input,
            pending: Vec::new(),
            start: 0,
            lines_pending: 0,
            search_again: 0,
            line: 1,
            record_line: 1,
            ended: false,
            chunk_rows: chunk_rows.max(1),
            scanner: csv_reader(dialect.delimiter),
            read_bytes,
        };
        let header = cutter.header(&source)?;
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
        let names: Vec<&str> = header.iter().map(String::as_str).collect();
        let hint = other_delimiter(&names, dialect.delimiter).map(|delimiter| {
            format!(
                "the header is one column {}: is the delimiter {delimiter}? try --delimiter {delimiter}",
                quote(names[0])
            )
        });
        let Selection {
            feature_names,
            target_names,
            kept_names,
            wanted,
        } = select(&source, &names, columns, hint)?;
        let parser = Parser {
            source: source.clone(),
            decimal_comma: dialect.decimal_comma,
            delimiter: dialect.delimiter,
            width: header.len(),
            wanted,
            features: feature_names.len(),
            text_names: target_names.iter().chain(&kept_names).cloned().collect(),
            targets: target_names.len(),
            chunk_rows: chunk_rows.max(1),
        };
        let reader = |parsed, threads| CsvReader {
            source: source.clone(),
            parsed,
            next: 0,
            rows: 0,
            failed: None,
            threads,
            feature_names,
            target_names,
            kept_names,
        };
        if cutter.ended {
            // The header's read held the whole input: parsed here, as starting threads would
            // cost more than the parsing (a one-row predict).
            let (send, parsed) = std::sync::mpsc::channel();
            while let Some(next) = cutter.next_block(&source).transpose() {
                let parsed = parser.parse_next(next);
                let failed = parsed.failure.is_some();
                send.send(parsed).expect("the receiver is here");
                if failed {
                    break;
                }
            }
            return Ok(reader(vec![parsed], Vec::new()));
        }
        // Each stage ends at the end of the input, after an error, or when the next one stops.
        // The caller joins every thread once the next chunk's channel closes, so a panic in
        // any of them is raised again there instead of looking like the end of the input.
        let parsers = std::thread::available_parallelism().map_or(1, |n| n.get().min(MAX_PARSERS));
        let mut threads = Vec::with_capacity(parsers + 1);
        let mut to_parse = Vec::with_capacity(parsers);
        let mut parsed = Vec::with_capacity(parsers);
        for _ in 0..parsers {
            let (send_block, blocks) = sync_channel::<std::result::Result<Block, Failure>>(1);
            let (send_chunk, chunks) = sync_channel(1);
            let parser = parser.clone();
            threads.push(crate::memory::spawn(move || {
                for next in &blocks {
                    let parsed = parser.parse_next(next);
                    let failed = parsed.failure.is_some();
                    if send_chunk.send(parsed).is_err() || failed {
                        return;
                    }
                }
            }));
            to_parse.push(send_block);
            parsed.push(chunks);
        }
        let reading = source.clone();
        threads.push(crate::memory::spawn(move || {
            for parser in to_parse.iter().cycle() {
                let Some(next) = cutter.next_block(&reading).transpose() else {
                    return;
                };
                let failed = next.is_err();
                if parser.send(next).is_err() || failed {
                    return;
                }
            }
        }));
        Ok(reader(parsed, threads))
    }

    pub fn source(&self) -> &str {
        &self.source
    }

    /// The next chunk of rows, or `None` at the end of the input.
    pub fn read_chunk(&mut self) -> Result<Option<Chunk>> {
        loop {
            if let Some(e) = self.failed.take() {
                return Err(e);
            }
            let parsed = &self.parsed[self.next % self.parsed.len()];
            let Ok(Parsed { chunk, failure }) = parsed.recv() else {
                // The input has ended, or a thread panicked.
                self.threads.drain(..).for_each(join);
                return Ok(None);
            };
            self.next += 1;
            self.rows += chunk.rows;
            self.failed = failure.map(|f| match f {
                Failure::Error(e) => e,
                Failure::NextRow(then) => {
                    Error::data(&self.source, format!("row {}{then}", self.rows + 1))
                }
            });
            // A block of empty lines holds no rows.
            if chunk.rows > 0 {
                return Ok(Some(chunk));
            }
        }
    }
}

impl Cutter {
    /// The header's cells, trimmed; none for an empty input.
    fn header(&mut self, source: &str) -> Result<Vec<String>> {
        let too_long = || {
            Error::data(
                source,
                format!("the header row is longer than {MAX_RECORD_MIB} MiB (is this a CSV file?)"),
            )
        };
        let (mut fields, mut ends) = (vec![0; 1024], vec![0; 64]);
        let (mut at, mut out, mut end) = (0, 0, 0);
        loop {
            if at == self.pending.len() && !self.ended {
                self.read_more()
                    .map_err(|e| input::read_error(source, &e))?;
                continue;
            }
            // An empty input tells the parser the input has ended.
            let (result, read, wrote, ended) =
                self.scanner
                    .read_record(&self.pending[at..], &mut fields[out..], &mut ends[end..]);
            (at, out, end) = (at + read, out + wrote, end + ended);
            if at > MAX_RECORD_MIB << 20 {
                return Err(too_long());
            }
            match result {
                csv_core::ReadRecordResult::InputEmpty => {}
                csv_core::ReadRecordResult::OutputFull => fields.resize(fields.len() * 2, 0),
                csv_core::ReadRecordResult::OutputEndsFull => ends.resize(ends.len() * 2, 0),
                csv_core::ReadRecordResult::Record | csv_core::ReadRecordResult::End => break,
            }
        }
        self.line = self.scanner.line();
        self.record_line = self.line;
        self.start = at;
        self.lines_pending = memchr::memchr_iter(b'\n', &self.pending[at..]).count();
        let mut start = 0;
        ends[..end]
            .iter()
            .map(|&stop| {
                let cell = std::str::from_utf8(&fields[start..stop])
                    .map(|c| c.trim().to_string())
                    .map_err(|_| Error::data(source, "line 1: is not valid UTF-8 text"));
                start = stop;
                cell
            })
            .collect()
    }

    /// Reads up to `read_bytes` more; at the end of the input, `ended`.
    fn read_more(&mut self) -> std::io::Result<()> {
        // What was cut goes once it is most of the buffer: each byte moves about once.
        if self.start > 0 && self.start >= self.pending.len() / 2 {
            self.pending.drain(..self.start);
            self.start = 0;
        }
        let before = self.pending.len();
        let n = (&mut self.input)
            .take(self.read_bytes as u64)
            .read_to_end(&mut self.pending)?;
        // `read_to_end` stops short only at the end of the input.
        self.ended = n < self.read_bytes;
        self.lines_pending += memchr::memchr_iter(b'\n', &self.pending[before..]).count();
        Ok(())
    }

    /// The next block: up to `chunk_rows` records or `CHUNK_BYTES` bytes of whole records (more
    /// when one record is longer), or `None` at the end of the input.
    fn next_block(&mut self, source: &str) -> std::result::Result<Option<Block>, Failure> {
        loop {
            let unread = self.pending.len() - self.start;
            let due = unread >= CHUNK_BYTES || self.lines_pending >= self.chunk_rows;
            let too_long = unread > MAX_RECORD_MIB << 20;
            if (due && unread >= self.search_again) || too_long || self.ended {
                // A record longer than a chunk: its end is looked for again once twice as
                // many bytes are in, so a long record costs its length, not its square.
                let cut = match self.search_again {
                    0 => self.records_end(CHUNK_BYTES),
                    _ => 0,
                };
                let cut = match cut {
                    0 => self.records_end(usize::MAX),
                    cut => cut,
                };
                self.search_again = if cut == 0 { 2 * unread } else { 0 };
                // At the end, a last record without a line end.
                let cut = match cut {
                    0 if self.ended => unread,
                    cut => cut,
                };
                if cut > 0 {
                    let bytes = self.pending[self.start..self.start + cut].to_vec();
                    self.start += cut;
                    let (line, lines) = (self.line, memchr::memchr_iter(b'\n', &bytes).count());
                    self.line += lines as u64;
                    self.lines_pending -= lines;
                    // The csv crate counts a record's line from where the record before it
                    // ended (the `\r` of `\r\n`), not after the empty lines between them.
                    let record_line = self.record_line;
                    if let Some(last) = bytes.iter().rposition(|&b| b != b'\n' && b != b'\r') {
                        let end = (last + 2).min(bytes.len());
                        self.record_line =
                            line + memchr::memchr_iter(b'\n', &bytes[..end]).count() as u64;
                    }
                    let plain = memchr::memchr2(b'"', b'\r', &bytes).is_none();
                    return Ok(Some(Block {
                        bytes,
                        line,
                        record_line,
                        lines,
                        plain,
                    }));
                }
                if self.ended {
                    return Ok(None);
                }
            }
            if too_long {
                return Err(Failure::NextRow(format!(
                    " is longer than {MAX_RECORD_MIB} MiB (is this a CSV file?)"
                )));
            }
            self.read_more()
                .map_err(|e| Failure::Error(input::read_error(source, &e)))?;
        }
    }

    /// Where the last whole record (and the empty lines after it) within the first `within`
    /// unread bytes ends, counting at most `chunk_rows` records (0: none ends there).
    fn records_end(&mut self, within: usize) -> usize {
        let unread = &self.pending[self.start..];
        let bytes = &unread[..within.min(unread.len())];
        if memchr::memchr(b'"', bytes).is_none() {
            // A line holding more than line ends is a record (`\r` alone ends records too,
            // counted here as one); runs of empty lines cost nothing.
            let (mut cut, mut records) = (0, 0);
            for at in memchr::memchr_iter(b'\n', bytes) {
                records += usize::from(bytes[cut..at].iter().any(|&b| b != b'\r'));
                cut = at + 1;
                if records >= self.chunk_rows {
                    break;
                }
            }
            if cut > 0 {
                return cut;
            }
        }
        // Quotes, or only `\r` line ends: the parser finds the records' ends.
        self.scanner.reset();
        let (mut fields, mut ends) = ([0; 1024], [0; 64]);
        let (mut at, mut cut, mut records) = (0, 0, 0);
        // An empty input would tell the parser the input has ended.
        while records < self.chunk_rows && at < bytes.len() {
            let (result, read, _, _) =
                self.scanner
                    .read_record(&bytes[at..], &mut fields, &mut ends);
            at += read;
            match result {
                csv_core::ReadRecordResult::Record => {
                    records += 1;
                    cut = at;
                }
                csv_core::ReadRecordResult::OutputFull
                | csv_core::ReadRecordResult::OutputEndsFull => {}
                csv_core::ReadRecordResult::InputEmpty | csv_core::ReadRecordResult::End => break,
            }
        }
        cut
    }
}

impl Parser {
    /// A field's bytes as a cell: decimal commas made points where the dialect has them.
    fn cell<'f>(&self, field: &'f [u8]) -> Cow<'f, [u8]> {
        match self.decimal_comma {
            true => input::decimal_comma(field),
            false => Cow::Borrowed(field),
        }
    }

    /// The rows of the cutter's next block, or its failure.
    fn parse_next(&self, next: std::result::Result<Block, Failure>) -> Parsed {
        match next {
            Ok(block) => self.parse(block),
            Err(failure) => Parsed {
                chunk: self.empty(),
                failure: Some(failure),
            },
        }
    }

    fn parse(&self, block: Block) -> Parsed {
        // Line ends bound the rows from above, and chunk_rows most blocks (a run of empty lines
        // is many line ends and no row).
        let mut chunk = Filling::new(self, (block.lines + 1).min(self.chunk_rows));
        let failure = match block.plain {
            true => chunk.plain(&block),
            false => chunk.quoted(&block),
        }
        .err();
        Parsed {
            chunk: chunk.into_chunk(),
            failure,
        }
    }

    fn empty(&self) -> Chunk {
        Filling::new(self, 0).into_chunk()
    }
}

/// A chunk being filled, record after record.
struct Filling<'a> {
    parser: &'a Parser,
    columns: Vec<RawColumn>,
    /// The targets, then the kept columns.
    text: RawTargets,
    rows: usize,
}

impl<'a> Filling<'a> {
    /// Room for `rows` numbers in each feature column.
    fn new(parser: &'a Parser, rows: usize) -> Self {
        Filling {
            parser,
            columns: (0..parser.features)
                .map(|_| RawColumn::with_capacity(rows))
                .collect(),
            text: vec![TextColumn::default(); parser.text_names.len()],
            rows: 0,
        }
    }

    fn into_chunk(self) -> Chunk {
        let mut text = self.text;
        let kept = text.split_off(self.parser.targets);
        Chunk {
            rows: self.rows,
            columns: self.columns,
            targets: text,
            kept,
        }
    }

    /// Records without quotes or `\r`: a line is a record, split at each delimiter, which is
    /// what the CSV parser would make of them at a fraction of its cost.
    fn plain(&mut self, block: &Block) -> std::result::Result<(), Failure> {
        let bytes = &block.bytes[..];
        let delimiter = self.parser.delimiter;
        let (mut start, mut line, mut record_line) = (0, block.line, block.record_line);
        let mut ends = Vec::with_capacity(self.parser.width);
        let line_ends = memchr::memchr_iter(b'\n', bytes).chain([bytes.len()]);
        for stop in line_ends {
            let record = &bytes[start.min(stop)..stop];
            start = stop + 1;
            if !record.is_empty() {
                ends.clear();
                ends.extend(memchr::memchr_iter(delimiter, record));
                ends.push(record.len());
                let field = |i: usize| {
                    let from = if i == 0 { 0 } else { ends[i - 1] + 1 };
                    &record[from..ends[i]]
                };
                self.record(field, ends.len(), record_line)?;
            }
            // Empty lines are skipped; the next record's line counts from this one's end.
            line += u64::from(stop < bytes.len());
            if !record.is_empty() {
                record_line = line;
            }
        }
        Ok(())
    }

    /// Records as the CSV parser reads them.
    fn quoted(&mut self, block: &Block) -> std::result::Result<(), Failure> {
        let mut reader = csv_reader(self.parser.delimiter);
        reader.set_line(block.line);
        let (mut fields, mut ends) = (vec![0; 4096], vec![0; self.parser.width + 1]);
        let (mut input, mut out, mut end) = (&block.bytes[..], 0, 0);
        // Where the record being read starts, as the csv crate reports it.
        let mut line = block.record_line;
        loop {
            let (result, read, wrote, ended) =
                reader.read_record(input, &mut fields[out..], &mut ends[end..]);
            (input, out, end) = (&input[read..], out + wrote, end + ended);
            match result {
                // Read again with the input empty, which ends a last record without a line end.
                csv_core::ReadRecordResult::InputEmpty => {}
                csv_core::ReadRecordResult::OutputFull => fields.resize(fields.len() * 2, 0),
                csv_core::ReadRecordResult::OutputEndsFull => ends.resize(ends.len() * 2, 0),
                csv_core::ReadRecordResult::End => return Ok(()),
                csv_core::ReadRecordResult::Record => {
                    let field = |i: usize| {
                        let from = if i == 0 { 0 } else { ends[i - 1] };
                        &fields[from..ends[i]]
                    };
                    self.record(field, end, line)?;
                    (out, end) = (0, 0);
                    line = reader.line();
                }
            }
        }
    }

    /// One record of `count` fields, starting on `line`.
    fn record<'f>(
        &mut self,
        field: impl Fn(usize) -> &'f [u8],
        count: usize,
        line: u64,
    ) -> std::result::Result<(), Failure> {
        let parser = self.parser;
        if count != parser.width {
            return Err(Failure::Error(Error::data(
                &parser.source,
                format!(
                    "line {line}: has {count} fields but the header has {}",
                    parser.width
                ),
            )));
        }
        // Text cells are checked before any cell is kept: a failed row leaves no trace.
        for (j, &i) in parser.wanted.iter().enumerate().skip(parser.features) {
            if let Err(why) = cell(&parser.cell(field(i))) {
                let name = &parser.text_names[j - parser.features];
                return Err(Failure::NextRow(format!(", column {}: {why}", quote(name))));
            }
        }
        for (j, &i) in parser.wanted.iter().enumerate() {
            let bytes = parser.cell(field(i));
            match j.checked_sub(parser.features) {
                None => self.columns[j].push_cell(&bytes),
                Some(t) => self.text[t].push(cell(&bytes).unwrap_or_default()),
            }
        }
        self.rows += 1;
        Ok(())
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
    // All of the model's missing features at once: a file of the wrong columns is seen whole.
    let absent: Vec<&str> = feature_names
        .iter()
        .filter(|f| !index.contains_key(f.as_str()))
        .map(String::as_str)
        .collect();
    if columns.predicting && absent.len() > 1 {
        let columns = hint
            .clone()
            .unwrap_or_else(|| format!("columns: {}", list(header.iter().copied())));
        return Err(Error::data(
            source,
            format!(
                "no columns {} ({} of the model's {} features), which the model was trained on ({columns})",
                list(absent.iter().copied()),
                absent.len(),
                feature_names.len()
            ),
        ));
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
fn other_delimiter(header: &[&str], delimiter: u8) -> Option<&'static str> {
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

/// The CSV parser as the csv crate's reader sets it up by default: `"` quotes, `""` inside
/// them, CRLF, LF or CR line ends, empty lines skipped.
fn csv_reader(delimiter: u8) -> csv_core::Reader {
    csv_core::ReaderBuilder::new().delimiter(delimiter).build()
}

/// A cell's text without surrounding spaces.
fn cell(bytes: &[u8]) -> std::result::Result<&str, String> {
    std::str::from_utf8(bytes)
        .map(str::trim)
        .map_err(|_| "not valid UTF-8 text".to_string())
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
        // Rows past the first read, then a bug.
        struct Failing(std::io::Cursor<Vec<u8>>);
        impl Read for Failing {
            fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
                let n = self.0.read(buf)?;
                assert!(n > 0, "reader bug");
                Ok(n)
            }
        }
        let text = format!("a\n{}", "1\n".repeat(READ_BYTES));
        let names = vec!["a".to_string()];
        let mut r = CsvReader::new(
            "t".into(),
            Box::new(Failing(std::io::Cursor::new(text.into_bytes()))),
            Dialect::default(),
            &Columns::features(&names),
            8192,
        )
        .unwrap();
        let caught = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| drain(&mut r)));
        assert!(
            caught.is_err(),
            "the panic was taken for the end: {caught:?}"
        );
    }

    /// Rows (the kept cells, trimmed) or the ragged row's message, as the csv crate reads the
    /// text with the settings this reader always had.
    fn as_the_csv_crate_reads(text: &[u8]) -> std::result::Result<Vec<Vec<String>>, String> {
        let mut reader = csv::ReaderBuilder::new().from_reader(text);
        let width = reader.byte_headers().map_err(|e| e.to_string())?.len();
        let mut rows = Vec::new();
        for record in reader.byte_records() {
            let record = record.map_err(|e| match e.kind() {
                csv::ErrorKind::UnequalLengths { pos, len, .. } => format!(
                    "t.csv: line {}: has {len} fields but the header has {width}",
                    pos.as_ref().map_or(0, |p| p.line())
                ),
                _ => e.to_string(),
            })?;
            let mut cells = Vec::new();
            for (name, cell) in ["a", "b", "c"].iter().zip(record.iter().skip(1)) {
                let Ok(cell) = std::str::from_utf8(cell) else {
                    let row = rows.len() + 1;
                    return Err(format!(
                        "t.csv: row {row}, column '{name}': not valid UTF-8 text"
                    ));
                };
                cells.push(cell.trim().to_string());
            }
            rows.push(cells);
        }
        Ok(rows)
    }

    /// The same through `CsvReader`, in chunks of `chunk_rows`, reading `read_bytes` at a time
    /// (`READ_BYTES` reads a small text whole, so the reader parses it without threads).
    fn as_read(
        text: &[u8],
        chunk_rows: usize,
        read_bytes: usize,
    ) -> std::result::Result<Vec<Vec<String>>, String> {
        let (features, kept) = (["x".to_string()], ["a", "b", "c"].map(String::from));
        let columns = Columns {
            features: Some(&features),
            ignore: &[],
            targets: &[],
            keep: &kept,
            predicting: true,
        };
        let input = Box::new(std::io::Cursor::new(text.to_vec()));
        let mut reader = CsvReader::reading_by(
            "t.csv".into(),
            input,
            Dialect::default(),
            &columns,
            chunk_rows,
            read_bytes,
        )
        .map_err(|e| e.to_string())?;
        let chunks = drain(&mut reader).map_err(|e| e.to_string())?;
        Ok(chunks
            .iter()
            .flat_map(|c| (0..c.rows).map(|r| c.kept.iter().map(|k| k[r].to_string()).collect()))
            .collect())
    }

    /// Quoted cells holding delimiters, quotes and line ends; CRLF, LF and CR line ends; empty
    /// lines; ragged rows; cells that are not UTF-8; no last line end: wherever the input is cut
    /// into chunks or read, the rows (or the first problem: a ragged row's line, a bad cell's
    /// row) are what the csv crate reads. 400 random files, each read whole (no threads) and
    /// 1, 2 and 7 bytes at a time (the threads).
    #[test]
    fn reads_what_the_csv_crate_reads() {
        let cells = [
            "1",
            "",
            " 2.5 ",
            "x y",
            "\u{1}",
            "\"q,\"\"\n\r\"",
            "\"\"",
            "\"a\r\nb\"",
            "-",
        ];
        let ends = ["\n", "\r\n", "\r", "\n\n", "\r\n\r\n"];
        let mut state = 7u64;
        let mut next = |n: usize| {
            state = state
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            (state >> 33) as usize % n
        };
        for _ in 0..400 {
            let end = ends[next(2)];
            let mut text = format!("x,a,\"b\",c{end}");
            for row in 0..next(12) {
                let width = if next(25) == 0 { 3 + 2 * next(2) } else { 4 };
                let fields: Vec<&str> = (0..width)
                    .map(|i| {
                        if i == 0 {
                            "1"
                        } else {
                            cells[next(cells.len())]
                        }
                    })
                    .collect();
                text += &fields.join(",");
                if row > 0 && next(10) == 0 {
                    text += ends[next(ends.len())];
                }
                text += if next(5) == 0 {
                    ends[next(ends.len())]
                } else {
                    end
                };
            }
            if next(4) == 0 {
                text.truncate(text.trim_end_matches(['\r', '\n']).len());
            }
            // \u{1} stands for a byte that is not UTF-8.
            let text: Vec<u8> = text
                .bytes()
                .map(|b| if b == 1 { 0xff } else { b })
                .collect();
            let expected = as_the_csv_crate_reads(&text);
            for chunk_rows in [1, 2, 3, 8192] {
                for read_bytes in [READ_BYTES, 1, 2, 7] {
                    let shown = String::from_utf8_lossy(&text);
                    assert_eq!(
                        as_read(&text, chunk_rows, read_bytes),
                        expected,
                        "{shown:?} in chunks of {chunk_rows}, read by {read_bytes}"
                    );
                }
            }
        }
    }

    /// Runs of empty lines longer than a chunk's bytes (blocks of nothing but line ends) move
    /// neither the rows nor a ragged row's line.
    #[test]
    fn long_runs_of_empty_lines_are_read_as_the_csv_crate_reads() {
        for end in ["\n", "\r\n"] {
            let blank = end.repeat(3 * CHUNK_BYTES / end.len());
            let text = format!("x,a,b,c{end}1,2,3,4{end}{blank}1,5,6,7{end}{blank}1,8,9{end}");
            let expected = as_the_csv_crate_reads(text.as_bytes());
            // Counted from the end of the record before the second run: its `\n`, or the `\r`
            // of its `\r\n`.
            let before = if end == "\n" { 4 } else { 3 };
            let line = format!("line {}:", before + 3 * CHUNK_BYTES / end.len());
            assert!(
                expected.as_ref().is_err_and(|e| e.contains(&line)),
                "{expected:?}"
            );
            for chunk_rows in [1, 8192] {
                assert_eq!(as_read(text.as_bytes(), chunk_rows, READ_BYTES), expected);
            }
        }
    }

    /// Every feature the file lacks is named, not only the first.
    #[test]
    fn every_missing_feature_is_named() {
        let features: Vec<String> = ["a", "x", "b", "y"].map(String::from).to_vec();
        let err = reader("a,b\n1,2\n", &Columns::features(&features))
            .err()
            .unwrap();
        assert_eq!(
            err.to_string(),
            "t.csv: no columns x, y (2 of the model's 4 features), which the model was trained on \
             (columns: a, b)"
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
