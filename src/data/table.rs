//! The typed table every source produces before preprocessing: per column, the number in each
//! cell that is one and interned text for each cell that is not, so a numeric file costs what it
//! did before text columns existed (8 bytes a cell, no allocation per cell). Column kinds are
//! inferred here; `preprocess` turns kinds and cells into the model's matrix.

use std::collections::HashMap;

use serde::{Deserialize, Serialize};

use super::{is_missing, quote};

/// `Text::codes` for a cell that is a number or missing.
const NOT_TEXT: u32 = u32::MAX;

/// One column's cells.
#[derive(Debug, Default, Clone)]
pub struct RawColumn {
    /// Per row: the cell's number, or NaN when the cell is missing or text.
    values: Vec<f64>,
    /// Distinct text cells in order of first appearance.
    strings: Vec<String>,
    index: HashMap<String, u32>,
    /// Per row, an index into `strings` or NOT_TEXT; empty while the column has no text.
    codes: Vec<u32>,
    /// Cells that are no value at all (not UTF-8, a number too large): row and why, the first
    /// one with its message, every row counted (predict skips them).
    bad: Vec<usize>,
    first_bad: Option<String>,
    /// The first row of a number written with leading zeros (`02139`: a code?).
    leading_zero: Option<usize>,
}

/// A column's cells kept as text (targets, `--keep` columns): one buffer, so a million rows
/// cost their bytes and an offset each instead of a million allocations.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct TextColumn {
    text: String,
    /// Where each cell ends in `text`.
    ends: Vec<usize>,
}

impl TextColumn {
    pub fn with_capacity(rows: usize) -> Self {
        TextColumn {
            text: String::new(),
            ends: Vec::with_capacity(rows),
        }
    }

    pub fn push(&mut self, cell: &str) {
        self.text.push_str(cell);
        self.ends.push(self.text.len());
    }

    pub fn len(&self) -> usize {
        self.ends.len()
    }

    pub fn is_empty(&self) -> bool {
        self.ends.is_empty()
    }

    pub fn iter(&self) -> impl Iterator<Item = &str> {
        (0..self.len()).map(|row| &self[row])
    }

    /// Appends `other`'s rows (the next chunk of the same column).
    pub fn append(&mut self, other: TextColumn) {
        let offset = self.text.len();
        self.text.push_str(&other.text);
        self.ends.extend(other.ends.iter().map(|end| end + offset));
    }

    /// Rows `rows` as a column of their own.
    pub fn slice(&self, rows: std::ops::Range<usize>) -> TextColumn {
        rows.map(|row| &self[row]).collect()
    }
}

impl std::ops::Index<usize> for TextColumn {
    type Output = str;

    fn index(&self, row: usize) -> &str {
        let start = if row == 0 { 0 } else { self.ends[row - 1] };
        &self.text[start..self.ends[row]]
    }
}

/// Cell by cell, as a list of cells would compare.
impl<S: AsRef<str>> PartialEq<Vec<S>> for TextColumn {
    fn eq(&self, cells: &Vec<S>) -> bool {
        self.len() == cells.len() && self.iter().zip(cells).all(|(a, b)| a == b.as_ref())
    }
}

impl<S: AsRef<str>> FromIterator<S> for TextColumn {
    fn from_iter<I: IntoIterator<Item = S>>(cells: I) -> Self {
        let mut column = TextColumn::default();
        cells
            .into_iter()
            .for_each(|cell| column.push(cell.as_ref()));
        column
    }
}

/// 1970-01-01 as a Julian day number.
const UNIX_EPOCH_JULIAN_DAY: i32 = 2_440_588;

/// What a cell holds.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Cell<'a> {
    Number(f64),
    Text(&'a str),
    Missing,
}

impl RawColumn {
    pub fn with_capacity(rows: usize) -> Self {
        RawColumn {
            values: Vec::with_capacity(rows),
            ..RawColumn::default()
        }
    }

    pub fn len(&self) -> usize {
        self.values.len()
    }

    pub fn is_empty(&self) -> bool {
        self.values.is_empty()
    }

    /// A cell as the CSV parser sees it: surrounding spaces ignored; numbers by the fast path.
    pub fn push_cell(&mut self, bytes: &[u8]) {
        let bytes = bytes.trim_ascii();
        if let Ok(v) = fast_float2::parse::<f64, _>(bytes) {
            if v.is_finite() && v.abs() <= super::MAX_MAGNITUDE {
                if self.leading_zero.is_none()
                    && bytes.len() > 1
                    && bytes[0] == b'0'
                    && bytes[1].is_ascii_digit()
                {
                    self.leading_zero = Some(self.values.len());
                }
                self.values.push(v);
                return self.push_code(NOT_TEXT);
            }
        }
        match std::str::from_utf8(bytes) {
            Err(_) => self.push_bad("not valid UTF-8 text".into()),
            Ok(cell) if is_missing(cell) => self.push_missing(),
            // What std reads as a number but is out of range (1e400, inf) is a bad cell, not
            // a category.
            Ok(cell) => match cell.parse::<f64>() {
                Ok(_) => match super::parse_number(cell) {
                    Ok(v) => {
                        self.values.push(v);
                        self.push_code(NOT_TEXT);
                    }
                    Err(why) => self.push_bad(why),
                },
                Err(_) => self.push_text(cell),
            },
        }
    }

    /// A number read from a typed source (NPY): NaN is missing.
    pub fn push_number(&mut self, v: f64) {
        if v.is_nan() {
            self.push_missing()
        } else {
            self.values.push(v);
            self.push_code(NOT_TEXT)
        }
    }

    pub fn push_missing(&mut self) {
        self.values.push(f64::NAN);
        self.push_code(NOT_TEXT);
    }

    /// A text cell from a typed source (a Parquet or PostgreSQL string, a date's ISO text): a
    /// category, a boolean or a date as the whole column decides, never a number.
    pub fn push_text(&mut self, text: &str) {
        let code = match self.index.get(text) {
            Some(&code) => code,
            None => {
                let code = self.strings.len() as u32;
                self.strings.push(text.to_string());
                self.index.insert(text.to_string(), code);
                code
            }
        };
        if self.codes.is_empty() {
            self.codes = vec![NOT_TEXT; self.values.len()];
        }
        self.values.push(f64::NAN);
        self.codes.push(code);
    }

    fn push_bad(&mut self, why: String) {
        self.bad.push(self.values.len());
        if self.first_bad.is_none() {
            self.first_bad = Some(why);
        }
        self.push_missing();
    }

    fn push_code(&mut self, code: u32) {
        if !self.codes.is_empty() {
            self.codes.push(code);
        }
    }

    /// Appends `other`'s rows (the next chunk of the same column).
    pub fn append(&mut self, other: RawColumn) {
        let offset = self.values.len();
        if self.leading_zero.is_none() {
            self.leading_zero = other.leading_zero.map(|r| r + offset);
        }
        self.bad.extend(other.bad.iter().map(|r| r + offset));
        if self.first_bad.is_none() {
            self.first_bad = other.first_bad;
        }
        if other.codes.is_empty() {
            self.values.extend(other.values);
            if !self.codes.is_empty() {
                self.codes.resize(self.values.len(), NOT_TEXT);
            }
            return;
        }
        for (row, v) in other.values.into_iter().enumerate() {
            match other.codes[row] {
                NOT_TEXT => {
                    self.values.push(v);
                    self.push_code(NOT_TEXT);
                }
                code => self.push_text(&other.strings[code as usize]),
            }
        }
    }

    /// Every cell's number (NaN: missing), when the column holds no text.
    pub fn numbers(&self) -> Option<&[f64]> {
        self.codes.is_empty().then_some(&self.values[..])
    }

    pub fn cell(&self, row: usize) -> Cell<'_> {
        match self.codes.get(row) {
            Some(&code) if code != NOT_TEXT => Cell::Text(&self.strings[code as usize]),
            _ if self.values[row].is_nan() => Cell::Missing,
            _ => Cell::Number(self.values[row]),
        }
    }

    /// The first row holding a number written with leading zeros.
    pub fn leading_zero(&self) -> Option<usize> {
        self.leading_zero
    }

    /// Rows holding no usable value, and why the first one is not.
    pub fn bad_cells(&self) -> (&[usize], Option<&str>) {
        (&self.bad, self.first_bad.as_deref())
    }

    /// The column's kind, from every row: text that is all booleans or all ISO dates is that,
    /// other text makes the column categorical, and so does `--categorical`.
    pub fn infer(&self, forced_categorical: bool) -> Kind {
        if forced_categorical {
            return Kind::Categorical;
        }
        if self.strings.is_empty() {
            return Kind::Number;
        }
        // Booleans may also be written 1 and 0 beside the words.
        if self.strings.iter().all(|s| parse_bool(s).is_some())
            && self
                .values
                .iter()
                .all(|&v| v.is_nan() || v == 0.0 || v == 1.0)
        {
            return Kind::Boolean;
        }
        let has_numbers = self.values.iter().any(|v| !v.is_nan());
        if has_numbers {
            return Kind::Categorical;
        }
        let mut kind = Kind::Date;
        for s in &self.strings {
            match parse_datetime(s) {
                Some(parsed) if parsed.has_time => kind = Kind::Timestamp,
                Some(_) => {}
                None => return Kind::Categorical,
            }
        }
        kind
    }

    /// Why a column that reads as categorical looks meant as numbers or dates, naming its first
    /// odd cell: most of its cells are numbers (`n/a`, `3+`, `$12`), or ISO dates (one
    /// `2021-02-30`), or dates in a format pgml-cli does not read (`01/02/2024`).
    pub fn mistyped(&self) -> Option<String> {
        let numbers = self
            .codes
            .iter()
            .zip(&self.values)
            .filter(|(&code, v)| code == NOT_TEXT && !v.is_nan())
            .count();
        let text_rows: Vec<(usize, &str)> = self
            .codes
            .iter()
            .enumerate()
            .filter(|(_, &code)| code != NOT_TEXT)
            .map(|(row, &code)| (row, self.strings[code as usize].as_str()))
            .collect();
        let first_where = |bad: &dyn Fn(&str) -> bool| {
            let cells: Vec<&(usize, &str)> = text_rows.iter().filter(|(_, s)| bad(s)).collect();
            cells
                .first()
                .map(|(row, s)| (row + 1, quote(s), cells.len()))
        };
        if numbers > text_rows.len() {
            let (row, cell, count) = first_where(&|_| true)?;
            let hint = if text_rows.iter().all(|(_, s)| decimal_comma_number(s)) {
                " (numbers with a decimal comma? try --decimal-comma)"
            } else {
                ""
            };
            return Some(format!(
                "holds numbers, but row {row} has {cell} ({}){hint}: correct those cells, or make the column categories with --categorical",
                super::plural(count, "cell is text", "cells are text")
            ));
        }
        // Before the numbers' early return: `12` beside `$1,234` is still a column of amounts.
        if text_rows
            .iter()
            .filter(|(_, s)| formatted_number(s))
            .count()
            * 2
            > text_rows.len()
        {
            let (row, cell, _) = first_where(&|s| formatted_number(s))?;
            return Some(format!(
                "holds numbers written like {cell} (row {row}), which pgml-cli does not read (currency and percent signs, thousands separators): write plain numbers, or make the column categories with --categorical"
            ));
        }
        if text_rows.iter().filter(|(_, s)| quoted_number(s)).count() * 2 > text_rows.len() {
            let (row, cell, _) = first_where(&|s| quoted_number(s))?;
            return Some(format!(
                "holds numbers in quotes like {cell} (row {row}): a quote after a space is part of the cell (a quote opens a cell only right after the delimiter); remove the spaces before the quotes, or make the column categories with --categorical"
            ));
        }
        if numbers > 0 {
            return None;
        }
        let dates = text_rows
            .iter()
            .filter(|(_, s)| parse_datetime(s).is_some())
            .count();
        if dates * 2 > text_rows.len() {
            let (row, cell, count) = first_where(&|s| parse_datetime(s).is_none())?;
            return Some(format!(
                "holds ISO dates, but row {row} has {cell}, which is not a date ({}): correct those cells, or make the column categories with --categorical",
                super::plural(count, "such cell", "such cells")
            ));
        }
        if text_rows.iter().filter(|(_, s)| other_date(s)).count() * 2 > text_rows.len() {
            let (row, cell, _) = first_where(&|_| true)?;
            return Some(format!(
                "holds dates written like {cell} (row {row}); pgml-cli reads ISO-8601 dates (YYYY-MM-DD, or YYYY/MM/DD): convert them, or leave the column out with --ignore"
            ));
        }
        None
    }

    /// Distinct values a categorical column would have (text, numbers, the missing value).
    pub fn distinct(&self, rows: &[usize]) -> usize {
        let mut seen = std::collections::HashSet::new();
        for &r in rows {
            seen.insert(category_key(self.cell(r)));
        }
        seen.len()
    }
}

/// How a category is known: its text, a number by its shortest exact form (`1`, `1.0` and
/// `1e0` are one category), or `None` for the missing value.
pub fn category_key(cell: Cell) -> Option<String> {
    match cell {
        Cell::Number(v) => Some(if v == 0.0 { "0".into() } else { v.to_string() }),
        Cell::Text(t) => Some(t.to_string()),
        Cell::Missing => None,
    }
}

/// What a column holds, decided on the training data and stored in the model.
#[derive(Serialize, Deserialize, Debug, Clone, Copy, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    Number,
    /// true/false, t/f, yes/no in any case: 1 and 0.
    Boolean,
    /// ISO-8601 dates (`2024-03-01`): year, month, day, weekday.
    Date,
    /// ISO-8601 date and time (`2024-03-01T12:30:00Z`): the date's parts, hour, minute, second
    /// and epoch seconds, in UTC.
    Timestamp,
    /// Text, or a column forced with `--categorical`.
    Categorical,
}

impl Kind {
    pub fn name(self) -> &'static str {
        match self {
            Kind::Number => "number",
            Kind::Boolean => "boolean",
            Kind::Date => "date",
            Kind::Timestamp => "timestamp",
            Kind::Categorical => "categorical",
        }
    }

    /// The numeric parts a value of this kind expands to (after the column's name).
    pub fn parts(self) -> &'static [&'static str] {
        match self {
            Kind::Number | Kind::Boolean | Kind::Categorical => &[""],
            Kind::Date => &[".year", ".month", ".day", ".weekday"],
            Kind::Timestamp => &[
                ".year", ".month", ".day", ".weekday", ".hour", ".minute", ".second", ".epoch",
            ],
        }
    }

    /// A cell as this kind's number (booleans 1/0, dates and timestamps as epoch seconds), NaN
    /// when missing; `Err` says why the cell is not of this kind.
    pub fn decode(self, cell: Cell) -> Result<f64, String> {
        match (self, cell) {
            (_, Cell::Missing) => Ok(f64::NAN),
            (Kind::Number, Cell::Number(v)) => Ok(v),
            (Kind::Boolean, Cell::Number(v)) if v == 0.0 || v == 1.0 => Ok(v),
            (Kind::Boolean, Cell::Text(t)) if parse_bool(t).is_some() => {
                Ok(if parse_bool(t) == Some(true) {
                    1.0
                } else {
                    0.0
                })
            }
            (Kind::Number, Cell::Text(t)) => Err(format!("{} is not a number", quote(t))),
            (Kind::Boolean, Cell::Number(v)) => Err(format!("{v} is not a boolean")),
            (Kind::Boolean, Cell::Text(t)) => Err(format!(
                "{} is not a boolean (true/false, t/f, yes/no)",
                quote(t)
            )),
            (Kind::Date | Kind::Timestamp, Cell::Text(t)) => parse_datetime(t)
                .map(|d| d.epoch_seconds)
                .ok_or_else(|| format!("{} is not an ISO-8601 date (YYYY-MM-DD)", quote(t))),
            (Kind::Date | Kind::Timestamp, Cell::Number(v)) => {
                Err(format!("{v} is not an ISO-8601 date (YYYY-MM-DD)"))
            }
            (Kind::Categorical, _) => unreachable!("categories are looked up, not decoded"),
        }
    }
}

/// A feature cell's truth value: true/false, t/f, yes/no, y/n, in any case.
pub fn parse_bool(cell: &str) -> Option<bool> {
    match cell.to_ascii_lowercase().as_str() {
        "true" | "t" | "yes" | "y" => Some(true),
        "false" | "f" | "no" | "n" => Some(false),
        _ => None,
    }
}

/// `3,14`: a number written with a decimal comma.
pub fn decimal_comma_number(cell: &str) -> bool {
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    match cell.trim_start_matches(['-', '+']).split_once(',') {
        Some((int, frac)) => digits(int) && digits(frac),
        None => false,
    }
}

/// A date in a format other than ISO-8601: `01/02/2024`, `1.2.24`, `01-02-2024`.
/// `$1,234.50`, `-12.5%`, `€3`: a number with a currency or percent sign (and perhaps thousands
/// separators), which is text to pgml-cli. Separators alone (`4,312`, `1.234,56`) are not
/// enough: multiple-choice answers (`1,2`) and addresses (`10.131.148.255`) look the same.
fn formatted_number(cell: &str) -> bool {
    let unsigned = cell.strip_prefix(['-', '+']).unwrap_or(cell);
    let currency = unsigned.trim_start_matches(['$', '€', '£', '¥']);
    let percent = currency.strip_suffix('%');
    let number = percent.unwrap_or(currency).trim();
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    // Groups of three after a first of one to three, by `separator`; a fraction after `point`.
    let grouped = |separator: char, point: char| {
        let (whole, fraction) = number.split_once(point).unwrap_or((number, "0"));
        let mut groups = whole.split(separator);
        let first = groups.next().unwrap_or("");
        digits(fraction)
            && digits(first)
            && first.len() <= 3
            && groups.all(|g| g.len() == 3 && digits(g))
    };
    let marked = currency.len() < unsigned.len() || percent.is_some();
    marked && (grouped(',', '.') || grouped('.', ',') || number.parse::<f64>().is_ok())
}

/// `"2"`: a number in quotes after a space (`1, "2"`), which the CSV reader takes as text with
/// its quotes: a quote opens a cell only right after the delimiter.
fn quoted_number(cell: &str) -> bool {
    cell.strip_prefix('"')
        .and_then(|c| c.strip_suffix('"'))
        .is_some_and(|inner| inner.trim().parse::<f64>().is_ok())
}

fn other_date(cell: &str) -> bool {
    let parts: Vec<&str> = cell.split(['/', '.', '-']).collect();
    parts.len() == 3
        && parts
            .iter()
            .all(|p| (1..=4).contains(&p.len()) && p.bytes().all(|b| b.is_ascii_digit()))
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub struct DateTime {
    /// Seconds since 1970-01-01T00:00:00Z.
    pub epoch_seconds: f64,
    pub has_time: bool,
}

/// ISO-8601 as people write it (`YYYY/MM/DD` too): `YYYY-MM-DD`, optionally followed by `T` or a space, `HH:MM`,
/// optional `:SS` with an optional fraction, and an optional `Z` or `±HH:MM` / `±HHMM` / `±HH`
/// offset (none: UTC). Calendar-checked (no 2023-02-29).
pub fn parse_datetime(text: &str) -> Option<DateTime> {
    let b = text.as_bytes();
    let digits = |range: std::ops::Range<usize>| -> Option<i64> {
        let part = b.get(range)?;
        part.iter()
            .all(u8::is_ascii_digit)
            .then(|| part.iter().fold(0, |n, d| n * 10 + i64::from(d - b'0')))
    };
    // `-` as ISO-8601 has it, or `/` (2024/03/01) as spreadsheets write it; never mixed.
    if b.len() < 10 || !matches!((b[4], b[7]), (b'-', b'-') | (b'/', b'/')) {
        return None;
    }
    let (year, month, day) = (digits(0..4)?, digits(5..7)?, digits(8..10)?);
    let month = time::Month::try_from(u8::try_from(month).ok()?).ok()?;
    let date = time::Date::from_calendar_date(year as i32, month, u8::try_from(day).ok()?).ok()?;
    let days = i64::from(date.to_julian_day() - UNIX_EPOCH_JULIAN_DAY);
    if b.len() == 10 {
        return Some(DateTime {
            epoch_seconds: (days * 86400) as f64,
            has_time: false,
        });
    }
    if !matches!(b[10], b'T' | b't' | b' ') || b.len() < 16 || b[13] != b':' {
        return None;
    }
    let (hour, minute) = (digits(11..13)?, digits(14..16)?);
    let mut at = 16;
    let mut second = 0.0;
    if b.get(at) == Some(&b':') {
        let whole = digits(at + 1..at + 3)?;
        at += 3;
        let mut fraction = String::from("0");
        if b.get(at) == Some(&b'.') {
            let end = b[at + 1..]
                .iter()
                .position(|c| !c.is_ascii_digit())
                .map_or(b.len(), |p| at + 1 + p);
            if end == at + 1 {
                return None;
            }
            fraction = format!("0.{}", &text[at + 1..end]);
            at = end;
        }
        second = whole as f64 + fraction.parse::<f64>().ok()?;
        if whole > 60 {
            return None;
        }
    }
    let offset = match &b[at..] {
        [] | [b'Z' | b'z'] => 0,
        [sign @ (b'+' | b'-'), rest @ ..] => {
            let (h, m) = match rest {
                [_, _] => (digits(at + 1..at + 3)?, 0),
                [_, _, b':', _, _] => (digits(at + 1..at + 3)?, digits(at + 4..at + 6)?),
                [_, _, _, _] => (digits(at + 1..at + 3)?, digits(at + 3..at + 5)?),
                _ => return None,
            };
            if h > 23 || m > 59 {
                return None;
            }
            (h * 3600 + m * 60) * if *sign == b'-' { -1 } else { 1 }
        }
        _ => return None,
    };
    if hour > 23 || minute > 59 {
        return None;
    }
    let epoch_seconds = (days * 86400 + hour * 3600 + minute * 60 - offset) as f64 + second;
    // An offset or a leap second can carry 9999-12-31 past the last date there are parts for.
    utc_date(epoch_seconds)?;
    Some(DateTime {
        epoch_seconds,
        has_time: true,
    })
}

/// The UTC date of epoch seconds and the seconds into that day; `None` outside the dates
/// `time` has (years -9999 to 9999), NaN included.
pub fn utc_date(epoch_seconds: f64) -> Option<(time::Date, f64)> {
    let days = (epoch_seconds / 86400.0).floor();
    // Far beyond any date: refused before the casts below, which would saturate or wrap.
    if days.is_nan() || days.abs() >= 1e9 {
        return None;
    }
    let julian = i32::try_from(days as i64 + i64::from(UNIX_EPOCH_JULIAN_DAY)).ok()?;
    let date = time::Date::from_julian_day(julian).ok()?;
    Some((date, epoch_seconds - days * 86400.0))
}

/// A date's parts from epoch seconds, in UTC: year, month, day, weekday (Monday 0, as pandas),
/// then hour, minute, second and the epoch seconds themselves, as many as `out` holds.
pub fn date_parts(epoch_seconds: f64, out: &mut [f64]) {
    let Some((date, within)) = utc_date(epoch_seconds) else {
        out.fill(f64::NAN);
        return;
    };
    let values = [
        f64::from(date.year()),
        f64::from(u8::from(date.month())),
        f64::from(date.day()),
        f64::from(date.weekday().number_days_from_monday()),
        (within / 3600.0).floor(),
        ((within % 3600.0) / 60.0).floor(),
        within % 60.0,
        epoch_seconds,
    ];
    for (o, v) in out.iter_mut().zip(values) {
        *o = v;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn column(cells: &[&str]) -> RawColumn {
        let mut c = RawColumn::default();
        for cell in cells {
            c.push_cell(cell.as_bytes());
        }
        c
    }

    #[test]
    fn cells_are_numbers_text_or_missing() {
        let c = column(&["1.5", " x ", "", "NA", "?", "x", "2"]);
        assert_eq!(c.cell(0), Cell::Number(1.5));
        assert_eq!(c.cell(1), Cell::Text("x"));
        assert_eq!(c.cell(2), Cell::Missing);
        assert_eq!(c.cell(3), Cell::Missing);
        assert_eq!(c.cell(4), Cell::Missing);
        assert_eq!(c.cell(5), Cell::Text("x"));
        assert_eq!(c.cell(6), Cell::Number(2.0));
        let c = column(&["1", "1e400", "inf"]);
        let (bad, why) = c.bad_cells();
        assert_eq!(bad, &[1, 2]);
        assert!(why.unwrap().contains("too large"), "{why:?}");
    }

    #[test]
    fn chunks_append_with_their_text() {
        let mut a = column(&["1", "2"]);
        a.append(column(&["b", "3", "a"]));
        a.append(column(&["a", "4"]));
        let cells: Vec<Cell> = (0..a.len()).map(|r| a.cell(r)).collect();
        assert_eq!(
            cells,
            vec![
                Cell::Number(1.0),
                Cell::Number(2.0),
                Cell::Text("b"),
                Cell::Number(3.0),
                Cell::Text("a"),
                Cell::Text("a"),
                Cell::Number(4.0)
            ]
        );
    }

    #[test]
    fn kinds_are_inferred_from_the_cells() {
        assert_eq!(column(&["1", "", "2.5"]).infer(false), Kind::Number);
        assert_eq!(column(&["1", "2"]).infer(true), Kind::Categorical);
        assert_eq!(
            column(&["Yes", "no", "", "TRUE", "f"]).infer(false),
            Kind::Boolean
        );
        assert_eq!(column(&["2024-02-29", "NA"]).infer(false), Kind::Date);
        assert_eq!(
            column(&["2024-02-29", "2024-03-01 10:00"]).infer(false),
            Kind::Timestamp
        );
        assert_eq!(column(&["2023-02-29"]).infer(false), Kind::Categorical);
        assert_eq!(column(&["a", "1"]).infer(false), Kind::Categorical);
        assert_eq!(column(&["Y", "0", "no", "1"]).infer(false), Kind::Boolean);
        assert_eq!(column(&["2024/03/01"]).infer(false), Kind::Date);
        assert_eq!(column(&["x", "y", "x"]).distinct(&[0, 1, 2]), 2);
        assert_eq!(column(&["1", "1.0", "", "a"]).distinct(&[0, 1, 2, 3]), 3);
    }

    /// A column that reads as categories but is meant as numbers or dates is pointed out.
    #[test]
    fn formatted_numbers_are_told_apart() {
        for cell in [
            "$1,234.50",
            "-12.5%",
            "€3",
            "$1.234,56",
            "£1,234,567",
            "+7%",
            "10%",
        ] {
            assert!(formatted_number(cell), "{cell}");
        }
        for cell in [
            "3+",
            "1.2.3",
            "12 kg",
            "2021-02-30",
            "01/02/2024",
            "abc",
            "$",
            "%",
            "4,312",
            "1,2",
            "1.234,56",
            "10.131.148.255",
        ] {
            assert!(!formatted_number(cell), "{cell}");
        }
        assert!(quoted_number("\"2\"") && quoted_number("\" -1.5 \""));
        assert!(!quoted_number("\"a\"") && !quoted_number("\"") && !quoted_number("2"));
    }

    #[test]
    fn mistyped_columns_name_their_first_odd_cell() {
        let why = column(&["1", "2", "3+", "4", "n/a"]).mistyped().unwrap();
        assert!(
            why.starts_with("holds numbers, but row 3 has '3+' (1 cell is text)"),
            "{why}"
        );
        let why = column(&["1,5", "2", "3"]).mistyped().unwrap();
        assert!(why.contains("--decimal-comma"), "{why}");
        let why = column(&["2021-02-01", "2021-02-30", "2021-03-01"])
            .mistyped()
            .unwrap();
        assert!(
            why.starts_with("holds ISO dates, but row 2 has '2021-02-30'"),
            "{why}"
        );
        let why = column(&["01/02/2024", "13/02/2024"]).mistyped().unwrap();
        assert!(
            why.starts_with("holds dates written like '01/02/2024' (row 1)"),
            "{why}"
        );
        assert_eq!(column(&["red", "green", "1"]).mistyped(), None);
        let why = column(&["12", "$1,234", "$56", "7"]).mistyped().unwrap();
        assert!(
            why.starts_with(
                "holds numbers written like '$1,234' (row 2), which pgml-cli does not read"
            ),
            "{why}"
        );
        let why = column(&["1.9%", "2.5%", "0.1%"]).mistyped().unwrap();
        assert!(
            why.starts_with("holds numbers written like '1.9%'"),
            "{why}"
        );
        let why = column(&["\"2\"", "\"3\"", "\"1\""]).mistyped().unwrap();
        assert!(why.starts_with("holds numbers in quotes like"), "{why}");
        assert_eq!(column(&["1,2", "1,3", "2", "1"]).mistyped(), None);
    }

    #[test]
    fn iso_dates_and_timestamps() {
        let at = |s: &str| parse_datetime(s).map(|d| d.epoch_seconds);
        assert_eq!(at("1970-01-01"), Some(0.0));
        assert_eq!(at("1970-01-02T00:00:01Z"), Some(86401.0));
        assert_eq!(at("1970-01-01 01:00:00+01:00"), Some(0.0));
        assert_eq!(at("1970-01-01T00:00-0130"), Some(5400.0));
        assert_eq!(at("1969-12-31T23:59:59.5"), Some(-0.5));
        assert_eq!(at("2000-03-01"), Some(951868800.0));
        for bad in [
            "2000-13-01",
            "2000-1-01",
            "2000-01-01T25:00",
            "2000-01-01X",
            "01/02/2000",
        ] {
            assert_eq!(at(bad), None, "{bad}");
        }
        let mut parts = [0.0; 8];
        date_parts(at("2024-03-01T13:45:30Z").unwrap(), &mut parts);
        assert_eq!(&parts[..7], &[2024.0, 3.0, 1.0, 4.0, 13.0, 45.0, 30.0]);
        date_parts(at("1969-12-31").unwrap(), &mut parts[..4]);
        assert_eq!(&parts[..4], &[1969.0, 12.0, 31.0, 2.0]);
        // The ends of the calendar: a timestamp that an offset or a leap second carries past
        // 9999-12-31 is no date (its parts would be NaN); year 0 is one.
        assert_eq!(at("9999-12-31T23:59:60"), None);
        assert_eq!(at("9999-12-31T20:00:00-05:00"), None);
        assert!(at("9999-12-31T23:59:59").is_some());
        date_parts(at("0000-01-01T00:00:00+05:00").unwrap(), &mut parts[..3]);
        assert_eq!(&parts[..3], &[-1.0, 12.0, 31.0]);
        // Epoch seconds no calendar holds (a model header's fill) give NaN, never wrap around.
        for far in [1e15, -1e15, 1e150, f64::NAN] {
            date_parts(far, &mut parts);
            assert!(parts.iter().all(|p| p.is_nan()), "{far}");
        }
    }

    #[test]
    fn decoding_by_kind() {
        assert_eq!(Kind::Boolean.decode(Cell::Text("YES")), Ok(1.0));
        assert_eq!(
            Kind::Number.decode(Cell::Text("false")),
            Err("'false' is not a number".into())
        );
        assert_eq!(
            Kind::Number.decode(Cell::Text("abc")),
            Err("'abc' is not a number".into())
        );
        assert!(Kind::Date.decode(Cell::Number(2020.0)).is_err());
        assert!(Kind::Date.decode(Cell::Missing).unwrap().is_nan());
    }
}
