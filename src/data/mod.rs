//! Input data: loaders (CSV, NPY, Parquet, the bundled toy datasets), the `Table` they produce, its
//! targets, and the split.

pub mod bundled;
pub mod csv;
pub mod input;
pub mod npy;
pub mod parquet;
pub mod postgres;
pub mod split;
pub mod table;

use std::collections::HashMap;

use ndarray::{Array1, Array2};
use sha2::{Digest, Sha256};

use crate::error::{Error, Result};
use crate::task::Task;
use csv::Columns;
use table::{RawColumn, TextColumn};

/// Rows per chunk when streaming: large enough to amortize per-call costs, small enough to keep
/// memory flat however long the input is.
pub const CHUNK_ROWS: usize = 8192;

/// Data as a source gives it, before preprocessing: the feature columns' cells, and the target
/// cells as text (the task decides what they mean).
#[derive(Debug)]
pub struct Table {
    /// The file, for messages.
    pub source: String,
    /// The file target errors name: NPY labels come from their own.
    pub target_source: String,
    pub names: Vec<String>,
    pub columns: Vec<RawColumn>,
    pub target_names: Vec<String>,
    pub targets: RawTargets,
    /// Copied through (`predict --keep`).
    pub kept: RawTargets,
    pub rows: usize,
}

/// The targets of the rows that have one: a row whose target is missing is left out.
#[derive(Debug)]
pub struct Labelled {
    /// Table rows with a target, in order.
    pub rows: Vec<usize>,
    pub targets: Targets,
    /// Rows left out, and the first of them (a table row index).
    pub left_out: usize,
    pub first_left_out: Option<usize>,
}

#[derive(Debug, Clone)]
pub enum Targets {
    /// Clustering and decomposition.
    None,
    /// Regression: one column per target.
    Values(Array2<f64>),
    /// Classification: indices into `labels`, the sorted distinct original values.
    Classes {
        y: Array1<usize>,
        labels: Vec<String>,
    },
}

impl Targets {
    pub fn select(&self, rows: &[usize]) -> Targets {
        match self {
            Targets::None => Targets::None,
            Targets::Values(y) => Targets::Values(take_rows(y.view(), rows)),
            Targets::Classes { y, labels } => Targets::Classes {
                y: rows.iter().map(|&r| y[r]).collect(),
                labels: labels.clone(),
            },
        }
    }

    pub fn labels(&self) -> &[String] {
        match self {
            Targets::Classes { labels, .. } => labels,
            _ => &[],
        }
    }
}

/// The given rows, in that order. (ndarray's `select` concatenates row views one by one, which
/// took an eighth of a whole training run on 100k rows.)
pub fn take_rows(x: ndarray::ArrayView2<f64>, rows: &[usize]) -> Array2<f64> {
    let mut values = Vec::with_capacity(rows.len() * x.ncols());
    for &r in rows {
        let row = x.row(r);
        match row.as_slice() {
            Some(slice) => values.extend_from_slice(slice),
            None => values.extend(row.iter()),
        }
    }
    Array2::from_shape_vec((rows.len(), x.ncols()), values)
        .unwrap_or_else(|_| x.select(ndarray::Axis(0), rows))
}

/// Raw target cells as read, one column per target, before the task decides what they mean.
pub type RawTargets = Vec<TextColumn>;

impl Labelled {
    /// One warning for the rows left out because their target is missing.
    pub fn warn_left_out(&self, source: &str) {
        if self.left_out > 0 {
            crate::error::warn(format!(
                "{source}: left out {} rows whose target is missing (the first is row {})",
                self.left_out,
                self.first_left_out.map_or(0, |r| r + 1)
            ));
        }
    }
}

impl Table {
    /// The rows of `reader` (which keeps `kept` columns) up to the end of the chunk that
    /// reaches `limit`.
    pub fn read(reader: &mut Reader, kept: usize, limit: usize) -> Result<Table> {
        let mut table = Table {
            source: reader.source().to_string(),
            target_source: reader.target_source().to_string(),
            names: reader.feature_names().to_vec(),
            columns: vec![RawColumn::default(); reader.feature_names().len()],
            target_names: reader.target_names().to_vec(),
            targets: vec![TextColumn::default(); reader.target_names().len()],
            kept: vec![TextColumn::default(); kept],
            rows: 0,
        };
        while table.rows < limit {
            let Some(chunk) = reader.read_chunk()? else {
                break;
            };
            table.rows += chunk.rows;
            for (column, part) in table.columns.iter_mut().zip(chunk.columns) {
                column.append(part);
            }
            for (column, part) in table.targets.iter_mut().zip(chunk.targets) {
                column.append(part);
            }
            for (column, part) in table.kept.iter_mut().zip(chunk.kept) {
                column.append(part);
            }
        }
        Ok(table)
    }

    /// Encodes the target cells for `task`: numbers for regression, labels for classification,
    /// sorted, or `classes` (a model's) when given. Rows whose target is missing are left out.
    pub fn labelled(&self, task: Task, classes: Option<&[String]>) -> Result<Labelled> {
        let source = self.target_source.as_str();
        let supervised = task.supervised();
        let mut rows = Vec::with_capacity(self.rows);
        let mut first_left_out = None;
        for r in 0..self.rows {
            if supervised && self.targets.iter().any(|t| is_missing(&t[r])) {
                first_left_out = first_left_out.or(Some(r));
            } else {
                rows.push(r);
            }
        }
        let left_out = self.rows - rows.len();
        if rows.is_empty() {
            return Err(Error::data(
                source,
                if self.rows == 0 {
                    "has a header but no data rows".to_string()
                } else {
                    format!(
                        "has no rows with a target value ({} rows, every target missing)",
                        self.rows
                    )
                },
            ));
        }
        let targets = match task {
            Task::Clustering | Task::Decomposition => Targets::None,
            Task::Regression => {
                let mut y = Array2::zeros((rows.len(), self.targets.len()));
                for (j, column) in self.targets.iter().enumerate() {
                    for (i, &r) in rows.iter().enumerate() {
                        y[[i, j]] = parse_number(&column[r]).map_err(|why| {
                            let hint = if why.ends_with("' is not a number") {
                                " (text: did you mean --task classification?)"
                            } else {
                                ""
                            };
                            Error::data(
                                source,
                                format!(
                                    "row {}, target column {}: {why}{hint}",
                                    r + 1,
                                    quote(&self.target_names[j])
                                ),
                            )
                        })?;
                    }
                }
                Targets::Values(y)
            }
            Task::Classification => {
                if self.targets.len() != 1 {
                    return Err(Error::usage(
                        "classification takes exactly one --target column",
                    ));
                }
                let cells: Vec<&str> = rows.iter().map(|&r| &self.targets[0][r]).collect();
                match classes {
                    None => encode_labels(&cells),
                    Some(classes) => {
                        let y = labels_as(&cells, classes).map_err(|(i, label)| {
                            Error::data(
                                source,
                                format!(
                                    "row {}, target column {}: {} is not one of the model's classes ({})",
                                    rows[i] + 1,
                                    quote(&self.target_names[0]),
                                    quote(label),
                                    list(classes.iter().map(String::as_str))
                                ),
                            )
                        })?;
                        Targets::Classes {
                            y,
                            labels: classes.to_vec(),
                        }
                    }
                }
            }
        };
        Ok(Labelled {
            rows,
            targets,
            left_out,
            first_left_out,
        })
    }
}

/// SHA-256 over names, features and targets: identifies the training data in the model header.
pub fn fingerprint(names: &[String], parts: &[(&Array2<f64>, &Targets)]) -> String {
    let mut hash = Sha256::new();
    for name in names {
        hash.update(name.as_bytes());
        hash.update([0]);
    }
    for (x, targets) in parts {
        for v in x.iter() {
            hash.update(v.to_le_bytes());
        }
        match targets {
            Targets::None => {}
            Targets::Values(y) => y.iter().for_each(|v| hash.update(v.to_le_bytes())),
            Targets::Classes { y, labels } => y.iter().for_each(|&c| {
                hash.update(labels[c].as_bytes());
                hash.update([0]);
            }),
        }
    }
    format!("sha256:{:x}", hash.finalize())
}

/// Each cell's index among `classes` (compared as labels are: `1.0` is class `1`), or the first
/// cell that is none of them.
fn labels_as<'a>(
    cells: &[&'a str],
    classes: &[String],
) -> std::result::Result<Array1<usize>, (usize, &'a str)> {
    let keys: HashMap<LabelKey, usize> = classes
        .iter()
        .enumerate()
        .map(|(i, c)| (LabelKey::of(c), i))
        .collect();
    cells
        .iter()
        .enumerate()
        .map(|(i, cell)| keys.get(&LabelKey::of(cell)).copied().ok_or((i, *cell)))
        .collect()
}

/// Class labels: one class per distinct value (`1`, `1.0` and `1e0` are one class, `-0` is `0`,
/// `t` and `TRUE` are one; integers of any size stay exact), sorted numerically when every label
/// is a number. Each class keeps the spelling it first appeared with, which predictions print.
pub fn encode_labels(cells: &[&str]) -> Targets {
    // Most cells repeat a spelling already seen: those skip the parse.
    let mut by_text: HashMap<&str, usize> = HashMap::new();
    let mut by_key: HashMap<LabelKey, usize> = HashMap::new();
    let mut distinct: Vec<(LabelKey, &str)> = Vec::new();
    let mut seen = Vec::with_capacity(cells.len());
    for &cell in cells {
        let class = match by_text.get(cell) {
            Some(&class) => class,
            None => {
                let key = LabelKey::of(cell);
                let class = *by_key.entry(key.clone()).or_insert_with(|| {
                    distinct.push((key, cell));
                    distinct.len() - 1
                });
                by_text.insert(cell, class);
                class
            }
        };
        seen.push(class);
    }
    let mut order: Vec<usize> = (0..distinct.len()).collect();
    order.sort_by(|&a, &b| distinct[a].0.cmp(&distinct[b].0));
    let mut rank = vec![0; distinct.len()];
    for (r, &class) in order.iter().enumerate() {
        rank[class] = r;
    }
    Targets::Classes {
        y: seen.iter().map(|&class| rank[class]).collect(),
        labels: order.iter().map(|&c| distinct[c].1.to_string()).collect(),
    }
}

/// What a label is compared as. The derived order puts numbers (by value) before booleans before
/// text, so all-numeric labels sort numerically and all-text labels alphabetically.
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
enum LabelKey {
    Number(Decimal),
    Bool(bool),
    Text(String),
}

impl LabelKey {
    fn of(cell: &str) -> LabelKey {
        if let Some(b) = parse_bool(cell) {
            LabelKey::Bool(b)
        } else if let Some(d) = Decimal::parse(cell) {
            LabelKey::Number(d)
        } else {
            LabelKey::Text(cell.to_string())
        }
    }
}

/// The exact value of a decimal number's text (not its nearest f64, which merges 2^53 and
/// 2^53 + 1): `0.digits x 10^exponent`, digits without leading or trailing zeros; zero has none
/// and no sign.
#[derive(Clone, PartialEq, Eq, Hash, Debug)]
struct Decimal {
    negative: bool,
    exponent: i64,
    digits: Vec<u8>,
}

impl Decimal {
    /// What `str::parse::<f64>` reads as a finite number: `[+-]digits[.digits][e[+-]digits]`.
    fn parse(text: &str) -> Option<Decimal> {
        let (negative, rest) = match text.as_bytes().first()? {
            b'-' => (true, &text[1..]),
            b'+' => (false, &text[1..]),
            _ => (false, text),
        };
        let (mantissa, exponent) = match rest.find(['e', 'E']) {
            Some(at) => (&rest[..at], rest[at + 1..].parse::<i64>().ok()?),
            None => (rest, 0),
        };
        let (int, frac) = mantissa.split_once('.').unwrap_or((mantissa, ""));
        let all = int.as_bytes().iter().chain(frac.as_bytes());
        if int.len() + frac.len() == 0 || !all.clone().all(u8::is_ascii_digit) {
            return None;
        }
        let all: Vec<u8> = all.copied().collect();
        let leading = all.iter().take_while(|&&d| d == b'0').count();
        let trailing = all[leading..]
            .iter()
            .rev()
            .take_while(|&&d| d == b'0')
            .count();
        let digits = all[leading..all.len() - trailing].to_vec();
        if digits.is_empty() {
            return Some(Decimal {
                negative: false,
                exponent: 0,
                digits,
            });
        }
        let point = i64::try_from(int.len()).ok()? - i64::try_from(leading).ok()?;
        Some(Decimal {
            negative,
            exponent: exponent.checked_add(point)?,
            digits,
        })
    }

    fn sign(&self) -> i8 {
        match (self.digits.is_empty(), self.negative) {
            (true, _) => 0,
            (false, true) => -1,
            (false, false) => 1,
        }
    }
}

impl Ord for Decimal {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        let magnitude = || (self.exponent, &self.digits).cmp(&(other.exponent, &other.digits));
        match self.sign().cmp(&other.sign()) {
            std::cmp::Ordering::Equal if self.negative => magnitude().reverse(),
            std::cmp::Ordering::Equal => magnitude(),
            by_sign => by_sign,
        }
    }
}

impl PartialOrd for Decimal {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

fn parse_bool(cell: &str) -> Option<bool> {
    match cell {
        "true" | "True" | "TRUE" | "t" | "T" => Some(true),
        "false" | "False" | "FALSE" | "f" | "F" => Some(false),
        _ => None,
    }
}

/// Cells that mean "no value".
pub fn is_missing(cell: &str) -> bool {
    // pandas' default na_values (what a CSV written by pandas or a spreadsheet holds), and `?`.
    matches!(
        cell,
        "" | "NA"
            | "N/A"
            | "n/a"
            | "NaN"
            | "nan"
            | "-NaN"
            | "-nan"
            | "NAN"
            | "NULL"
            | "null"
            | "None"
            | "<NA>"
            | "#N/A"
            | "#N/A N/A"
            | "#NA"
            | "-1.#IND"
            | "-1.#QNAN"
            | "1.#IND"
            | "1.#QNAN"
            | "?"
    )
}

/// Largest magnitude accepted in features and regression targets. Fits sum squares (variances,
/// least squares, distances, line searches): squares of values up to 1e150 summed over up to
/// 1e8 rows stay below f64::MAX (1.8e308); beyond that a sum overflows to inf and an iterative
/// fit can chase NaN forever (logistic regression on a 1e160 hung).
pub const MAX_MAGNITUDE: f64 = 1e150;

/// `v` if a fit can use it, else why not (for a message that names the value).
pub fn check_magnitude(v: f64) -> std::result::Result<f64, &'static str> {
    if v.abs() <= MAX_MAGNITUDE {
        Ok(v)
    } else if v.is_nan() {
        Err("is not a number")
    } else if v.is_infinite() {
        Err("is not a finite number")
    } else {
        Err(TOO_LARGE)
    }
}

const TOO_LARGE: &str = "is too large (pgml-cli accepts magnitudes up to 1e150)";

/// A feature or regression-target cell as f64; booleans read as 1/0. Surrounding spaces are
/// ignored. The common case, a plain number, takes the fast path (no UTF-8 check, no lookups).
pub fn parse_number(cell: impl AsRef<[u8]>) -> std::result::Result<f64, String> {
    let bytes = cell.as_ref().trim_ascii();
    if let Ok(v) = fast_float2::parse::<f64, _>(bytes) {
        if let Ok(v) = check_magnitude(v) {
            return Ok(v);
        }
    }
    let cell = std::str::from_utf8(bytes).map_err(|_| "not valid UTF-8 text".to_string())?;
    if is_missing(cell) {
        return Err("missing value".into());
    }
    if let Some(b) = parse_bool(cell) {
        return Ok(if b { 1.0 } else { 0.0 });
    }
    let why = match cell.parse::<f64>() {
        // Digits that overflow f64 (1e400) are a number too large, not an infinity.
        Ok(v) if v.is_infinite() && cell.bytes().any(|b| b.is_ascii_digit()) => TOO_LARGE,
        Ok(v) => check_magnitude(v).err().unwrap_or(TOO_LARGE),
        Err(_) if table::decimal_comma_number(cell) => {
            "is not a number (a decimal comma? try --decimal-comma)"
        }
        Err(_) => "is not a number",
    };
    Err(format!("{} {why}", quote(cell)))
}

/// `1 row`, `2 rows`.
pub fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// A name as a shell word for a suggested command: as it is when that is safe, else in single
/// quotes (`--ignore 'Individual ID'`); escaped like any name in a message.
pub fn shell_word(name: &str) -> String {
    let plain = !name.is_empty()
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"_-./,:=+@%".contains(&b));
    if plain {
        escape(name)
    } else {
        format!("'{}'", escape(&name.replace('\'', r"'\''")))
    }
}

/// Characters of a cell or name that a message shows.
const QUOTE_CHARS: usize = 40;
/// Names listed in a message (e.g. the columns a file has).
const LIST_NAMES: usize = 20;

/// A cell or name from the input as messages show it: quoted, cut to 40 characters, with control
/// and invisible characters escaped, so no input can forge a line, drive the terminal or flood
/// stderr.
pub fn quote(text: &str) -> String {
    format!("'{}'", escape(text))
}

/// Names as a message lists them: escaped (not quoted), at most 20, then how many in all.
pub fn list<'a>(names: impl IntoIterator<Item = &'a str>) -> String {
    let mut names = names.into_iter();
    let mut shown: Vec<String> = names.by_ref().take(LIST_NAMES).map(escape).collect();
    let count = shown.len() + names.count();
    if count > LIST_NAMES {
        shown.push(format!("... ({count} in all)"));
    }
    shown.join(", ")
}

/// `text` as `quote` shows it, without the quotes.
pub fn escape(text: &str) -> String {
    let mut out = String::new();
    for (i, c) in text.chars().enumerate() {
        if i == QUOTE_CHARS {
            out.push_str(&format!("...({} bytes)", text.len()));
            break;
        }
        match c {
            // Quotes are shown as they are: the text is one value either way.
            '\'' | '"' => out.push(c),
            c => out.extend(c.escape_debug()),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_booleans_and_missing_values() {
        assert_eq!(parse_number("1.5"), Ok(1.5));
        assert_eq!(parse_number(" -2e3 "), Ok(-2000.0));
        assert_eq!(parse_number("0.1"), Ok("0.1".parse::<f64>().unwrap()));
        assert_eq!(parse_number("t"), Ok(1.0));
        assert_eq!(parse_number("FALSE"), Ok(0.0));
        assert!(parse_number("NA").unwrap_err().contains("missing"));
        assert!(parse_number("inf").unwrap_err().contains("finite"));
        assert!(parse_number("abc").unwrap_err().contains("not a number"));
    }

    /// Values whose squares would overflow f64 sums are refused (a logistic fit on 1e160 hung).
    #[test]
    fn magnitudes_beyond_the_bound_are_refused() {
        assert_eq!(parse_number("1e150"), Ok(1e150));
        assert_eq!(parse_number("-1e150"), Ok(-1e150));
        let too_large = "is too large (pgml-cli accepts magnitudes up to 1e150)";
        assert_eq!(parse_number("1e160"), Err(format!("'1e160' {too_large}")));
        assert_eq!(
            parse_number("-1.1e150"),
            Err(format!("'-1.1e150' {too_large}"))
        );
        assert_eq!(parse_number("1e400"), Err(format!("'1e400' {too_large}")));
        assert_eq!(
            parse_number("-inf"),
            Err("'-inf' is not a finite number".into())
        );
        assert_eq!(parse_number("+nan"), Err("'+nan' is not a number".into()));
    }

    /// Cells reach messages escaped and cut: no forged lines, no terminal escapes, no floods.
    #[test]
    fn cells_in_messages_are_escaped_and_cut() {
        assert_eq!(quote("plain"), "'plain'");
        assert_eq!(
            quote("a\npgml-cli: error: forged"),
            "'a\\npgml-cli: error: forged'"
        );
        assert_eq!(quote("a\nb\u{1b}[31m"), "'a\\nb\\u{1b}[31m'");
        assert_eq!(quote("\u{202e}x"), "'\\u{202e}x'");
        let long = "x".repeat(5_000_000);
        assert_eq!(
            quote(&long),
            format!("'{}...(5000000 bytes)'", "x".repeat(40))
        );
        let err = parse_number(format!("{long}\n")).unwrap_err();
        assert!(err.len() < 100 && !err.contains('\n'), "{err}");
        let many: Vec<String> = (0..1000).map(|i| format!("c{i}")).collect();
        let shown = list(many.iter().map(String::as_str));
        assert!(shown.starts_with("c0, c1, ") && shown.ends_with("c19, ... (1000 in all)"));
        assert_eq!(list(["a", "b"]), "a, b");
    }

    /// The fast parser gives exactly the standard library's (correctly rounded) values.
    #[test]
    fn fast_number_parsing_equals_std() {
        for dataset in bundled::DATASETS {
            for cell in dataset.csv.lines().skip(1).flat_map(|line| line.split(',')) {
                if let Ok(expected) = cell.parse::<f64>() {
                    assert_eq!(
                        parse_number(cell).map(f64::to_bits),
                        Ok(expected.to_bits()),
                        "{cell}"
                    );
                }
            }
        }
        for cell in [
            "1e-310",
            "2.2250738585072014e-308",
            "0.30000000000000004",
            "-0.0",
            "123456789012345678901234567890",
        ] {
            assert_eq!(
                parse_number(cell).map(f64::to_bits),
                Ok(cell.parse::<f64>().unwrap().to_bits()),
                "{cell}"
            );
        }
    }

    #[test]
    fn labels_sort_numerically_and_merge_spellings() {
        let Targets::Classes { y, labels } = encode_labels(&["10", "2", "2.0", "1e1"]) else {
            panic!()
        };
        assert_eq!(labels, vec!["2", "10"]);
        assert_eq!(y.to_vec(), vec![1, 0, 0, 1]);
    }

    fn classes(cells: &[&str]) -> (Vec<String>, Vec<usize>) {
        let Targets::Classes { y, labels } = encode_labels(cells) else {
            panic!()
        };
        (labels, y.to_vec())
    }

    /// Booleans are one class per truth value, shown as first spelled.
    #[test]
    fn boolean_labels() {
        let (labels, y) = classes(&["t", "false", "TRUE"]);
        assert_eq!(labels, vec!["false", "t"]);
        assert_eq!(y, vec![1, 0, 1]);
    }

    /// Labels compare as the values they are: exact integers of any size, -0 = 0, and the
    /// class keeps the text it first appeared as.
    #[test]
    fn labels_compare_as_exact_values_and_keep_their_text() {
        let (labels, y) = classes(&["9007199254740992", "9007199254740993", "9007199254740992"]);
        assert_eq!(labels, vec!["9007199254740992", "9007199254740993"]);
        assert_eq!(y, vec![0, 1, 0]);
        let (labels, y) = classes(&["-0", "0", "0.0", "1.0", "1"]);
        assert_eq!(labels, vec!["-0", "1.0"]);
        assert_eq!(y, vec![0, 0, 0, 1, 1]);
        let (labels, _) = classes(&[
            "1e20",
            "10",
            "2",
            "0.5",
            "-0",
            "-1",
            "-1.5",
            ".25",
            "-1e-3",
            "+3.",
            "0.1",
            "0.10000000000000001",
        ]);
        assert_eq!(
            labels,
            vec![
                "-1.5",
                "-1",
                "-1e-3",
                "-0",
                "0.1",
                "0.10000000000000001",
                ".25",
                "0.5",
                "2",
                "+3.",
                "10",
                "1e20"
            ]
        );
        // Numbers first (by value), then booleans, then text; a model's classes match by value.
        let (labels, _) = classes(&["b", "true", "10", "a", "2", "1e99999999999999999999"]);
        assert_eq!(
            labels,
            vec!["2", "10", "true", "1e99999999999999999999", "a", "b"]
        );
        assert_eq!(
            labels_as(&["1.0", "2", "x"], &["1".into(), "2".into()]),
            Err((2, "x"))
        );
        assert_eq!(
            labels_as(&["2.0", "1"], &["1".into(), "2".into()])
                .unwrap()
                .to_vec(),
            vec![1, 0]
        );
    }
}

/// Where training data comes from.
#[derive(Debug, Clone)]
pub enum DataSource {
    /// A CSV file with a header (`-` = stdin), written in this dialect.
    Csv(std::path::PathBuf, input::Dialect),
    /// An NPY features matrix, with an NPY labels file for supervised tasks.
    Npy {
        features: std::path::PathBuf,
        labels: Option<std::path::PathBuf>,
    },
    /// A Parquet file (named columns, typed).
    Parquet(std::path::PathBuf),
    /// A PostgreSQL table or query.
    Postgres(postgres::PgSource),
}

impl DataSource {
    /// NPY when the file ends in `.npy` or labels are given; Parquet for a `.parquet`/`.pq`
    /// file or one with Parquet's magic; CSV in `dialect` otherwise.
    pub fn from_args(
        data: &std::path::Path,
        labels: Option<&std::path::Path>,
        dialect: input::Dialect,
    ) -> Self {
        if labels.is_some() || npy::is_npy(data) {
            DataSource::Npy {
                features: data.to_path_buf(),
                labels: labels.map(|l| l.to_path_buf()),
            }
        } else if parquet::is_parquet(data) {
            DataSource::Parquet(data.to_path_buf())
        } else {
            DataSource::Csv(data.to_path_buf(), dialect)
        }
    }

    /// A `postgresql://` --data takes its rows from `query` when given; `--query` names
    /// nothing else.
    pub fn with_query(self, query: Option<String>) -> Result<Self> {
        match self {
            DataSource::Npy {
                features: path,
                labels: Some(_),
            } if crate::postgres::is_url(&path.to_string_lossy()) => Err(Error::usage(
                "--labels goes with NPY --data; a PostgreSQL source takes --target",
            )),
            DataSource::Csv(path, _) | DataSource::Npy { features: path, .. }
                if crate::postgres::is_url(&path.to_string_lossy()) =>
            {
                Ok(DataSource::Postgres(postgres::PgSource::new(
                    &path.to_string_lossy(),
                    query,
                )?))
            }
            _ if query.is_some() => Err(Error::usage(
                "--query reads from PostgreSQL: give --data 'postgresql://user@host/db'",
            )),
            source => Ok(source),
        }
    }

    pub fn name(&self) -> String {
        let path = match self {
            DataSource::Csv(p, _)
            | DataSource::Npy { features: p, .. }
            | DataSource::Parquet(p) => p,
            DataSource::Postgres(pg) => return pg.name(),
        };
        if path == std::path::Path::new("-") {
            "<stdin>".into()
        } else {
            path.display().to_string()
        }
    }

    /// Reads every row of the wanted columns.
    pub fn load(&self, columns: &Columns) -> Result<Table> {
        let mut reader = self.reader(columns, CHUNK_ROWS)?;
        if let Reader::Parquet(parquet) = &reader {
            parquet.check_loadable()?;
        }
        Table::read(&mut reader, columns.keep.len(), usize::MAX)
    }

    /// Opens the source for reading in chunks of `chunk_rows`. With `columns.predicting`, NPY
    /// features are taken by position and must be as many as `columns.features` names.
    pub fn reader(&self, columns: &Columns, chunk_rows: usize) -> Result<Reader> {
        match self {
            DataSource::Postgres(pg) => Ok(Reader::Postgres(postgres::PgReader::new(
                pg, columns, chunk_rows,
            )?)),
            DataSource::Csv(path, dialect) => {
                let (source, input) = input::open_input(path)?;
                Ok(Reader::Csv(csv::CsvReader::new(
                    source, input, *dialect, columns, chunk_rows,
                )?))
            }
            DataSource::Parquet(path) => Ok(Reader::Parquet(parquet::ParquetReader::open(
                path, columns, chunk_rows,
            )?)),
            DataSource::Npy {
                features: path,
                labels,
            } => {
                let named = columns.features.is_some() && !columns.predicting;
                if named
                    || !columns.ignore.is_empty()
                    || !columns.keep.is_empty()
                    || (!columns.predicting && !columns.targets.is_empty())
                {
                    return Err(Error::usage(
                        "--features, --target, --ignore and --keep name CSV or Parquet columns; NPY input takes --labels",
                    ));
                }
                let (source, x) = npy::read_features(path)?;
                let names = match columns.features {
                    Some(expected) if expected.len() != x.ncols() => {
                        return Err(Error::data(
                            source,
                            format!(
                                "has {} feature columns but the model was trained on {}",
                                x.ncols(),
                                expected.len()
                            ),
                        ))
                    }
                    Some(expected) => expected.to_vec(),
                    None => npy::feature_names(x.ncols()),
                };
                let mut labels_source = None;
                let (target_names, targets) = match labels {
                    Some(labels) => {
                        let (labels_file, raw) = npy::read_labels(labels, x.nrows())?;
                        labels_source = Some(labels_file);
                        let names = if raw.len() == 1 {
                            vec!["y".to_string()]
                        } else {
                            (0..raw.len()).map(|i| format!("y{i}")).collect()
                        };
                        (names, raw)
                    }
                    None if columns.predicting && !columns.targets.is_empty() => {
                        return Err(Error::usage(format!(
                            "{source} is NPY: give its labels with --labels y.npy"
                        )))
                    }
                    None => (Vec::new(), Vec::new()),
                };
                Ok(Reader::Npy {
                    source,
                    labels_source,
                    names,
                    target_names,
                    x,
                    targets,
                    at: 0,
                    chunk_rows,
                })
            }
        }
    }
}

/// Chunks of rows from any source.
pub enum Reader {
    Csv(csv::CsvReader),
    Parquet(parquet::ParquetReader),
    Postgres(postgres::PgReader),
    /// NPY is read whole (a matrix file), then handed out in chunks like CSV.
    Npy {
        source: String,
        /// Target errors name the labels file.
        labels_source: Option<String>,
        names: Vec<String>,
        target_names: Vec<String>,
        x: Array2<f64>,
        targets: RawTargets,
        at: usize,
        chunk_rows: usize,
    },
}

impl Reader {
    pub fn source(&self) -> &str {
        match self {
            Reader::Csv(r) => r.source(),
            Reader::Parquet(r) => r.source(),
            Reader::Postgres(r) => r.source(),
            Reader::Npy { source, .. } => source,
        }
    }

    /// The file target errors name.
    pub fn target_source(&self) -> &str {
        match self {
            Reader::Npy {
                labels_source: Some(labels),
                ..
            } => labels,
            _ => self.source(),
        }
    }

    pub fn feature_names(&self) -> &[String] {
        match self {
            Reader::Csv(r) => &r.feature_names,
            Reader::Parquet(r) => &r.feature_names,
            Reader::Postgres(r) => &r.feature_names,
            Reader::Npy { names, .. } => names,
        }
    }

    pub fn target_names(&self) -> &[String] {
        match self {
            Reader::Csv(r) => &r.target_names,
            Reader::Parquet(r) => &r.target_names,
            Reader::Postgres(r) => &r.target_names,
            Reader::Npy { target_names, .. } => target_names,
        }
    }

    /// The output-table column each kept column becomes: a Postgres source's integers stay
    /// integers, anything else is text.
    pub fn kept_types(&self) -> Vec<crate::output::Type> {
        match self {
            Reader::Postgres(r) => r.kept_types.clone(),
            _ => Vec::new(),
        }
    }

    /// The identity of the PostgreSQL table read (`crate::postgres::table_identity`), if any.
    pub fn pg_table(&self) -> Option<&str> {
        match self {
            Reader::Postgres(r) => r.table.as_deref(),
            _ => None,
        }
    }

    /// The next chunk, or `None` at the end.
    pub fn read_chunk(&mut self) -> Result<Option<csv::Chunk>> {
        match self {
            Reader::Csv(r) => r.read_chunk(),
            Reader::Parquet(r) => r.read_chunk(),
            Reader::Postgres(r) => r.read_chunk(),
            Reader::Npy {
                x,
                targets,
                at,
                chunk_rows,
                ..
            } => {
                let end = (*at + *chunk_rows).min(x.nrows());
                if *at >= end {
                    return Ok(None);
                }
                let columns = x
                    .slice(ndarray::s![*at..end, ..])
                    .columns()
                    .into_iter()
                    .map(|c| {
                        let mut column = RawColumn::default();
                        c.iter().for_each(|&v| column.push_number(v));
                        column
                    })
                    .collect();
                let chunk = csv::Chunk {
                    rows: end - *at,
                    columns,
                    targets: targets.iter().map(|t| t.slice(*at..end)).collect(),
                    kept: Vec::new(),
                };
                *at = end;
                Ok(Some(chunk))
            }
        }
    }
}
