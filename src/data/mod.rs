//! Input data: loaders (CSV, NPY, the bundled toy datasets), the `Dataset` they produce, and the split.

pub mod bundled;
pub mod csv;
pub mod input;
pub mod npy;
pub mod split;

use std::collections::HashMap;

use ndarray::{Array1, Array2};
use sha2::{Digest, Sha256};

use crate::error::{Error, Result};
use crate::task::Task;

/// Rows per chunk when streaming: large enough to amortize per-call costs, small enough to keep
/// memory flat however long the input is.
pub const CHUNK_ROWS: usize = 8192;

/// Everything a model learns from: features as f64 plus targets already encoded for the task.
#[derive(Debug)]
pub struct Dataset {
    pub feature_names: Vec<String>,
    pub x: Array2<f64>,
    pub target_names: Vec<String>,
    pub targets: Targets,
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

/// Raw target cells as read, one `Vec` per target column, before the task decides what they mean.
pub type RawTargets = Vec<Vec<String>>;

impl Dataset {
    /// Encode raw target cells for `task`: numbers for regression, sorted labels for classification.
    /// Errors name `source`, the file the targets come from.
    pub fn new(
        source: &str,
        feature_names: Vec<String>,
        x: Array2<f64>,
        target_names: Vec<String>,
        raw: RawTargets,
        task: Task,
    ) -> Result<Self> {
        if x.nrows() == 0 {
            return Err(Error::data(source, "has a header but no data rows"));
        }
        let targets = match task {
            Task::Clustering | Task::Decomposition => Targets::None,
            Task::Regression => {
                let mut y = Array2::zeros((x.nrows(), raw.len()));
                for (j, column) in raw.iter().enumerate() {
                    for (i, cell) in column.iter().enumerate() {
                        y[[i, j]] = parse_number(cell).map_err(|why| {
                            Error::data(
                                source,
                                format!(
                                    "row {}, target column {}: {why}",
                                    i + 1,
                                    quote(&target_names[j])
                                ),
                            )
                        })?;
                    }
                }
                Targets::Values(y)
            }
            Task::Classification => {
                if raw.len() != 1 {
                    return Err(Error::usage(
                        "classification takes exactly one --target column",
                    ));
                }
                encode_labels(source, &target_names[0], &raw[0])?
            }
        };
        Ok(Dataset {
            feature_names,
            x,
            target_names,
            targets,
        })
    }

    pub fn rows(&self) -> usize {
        self.x.nrows()
    }

    /// SHA-256 over names, features and targets: identifies the training data in the model header.
    pub fn fingerprint(&self) -> String {
        let mut hash = Sha256::new();
        for name in self.feature_names.iter().chain(&self.target_names) {
            hash.update(name.as_bytes());
            hash.update([0]);
        }
        for v in self.x.iter() {
            hash.update(v.to_le_bytes());
        }
        match &self.targets {
            Targets::None => {}
            Targets::Values(y) => y.iter().for_each(|v| hash.update(v.to_le_bytes())),
            Targets::Classes { y, labels } => y.iter().for_each(|&c| {
                hash.update(labels[c].as_bytes());
                hash.update([0]);
            }),
        }
        format!("sha256:{:x}", hash.finalize())
    }
}

/// Class labels: one class per distinct value (`1`, `1.0` and `1e0` are one class, `-0` is `0`,
/// `t` and `TRUE` are one; integers of any size stay exact), sorted numerically when every label
/// is a number. Each class keeps the spelling it first appeared with, which predictions print.
fn encode_labels(source: &str, column: &str, cells: &[String]) -> Result<Targets> {
    // Most cells repeat a spelling already seen: those skip the parse.
    let mut by_text: HashMap<&str, usize> = HashMap::new();
    let mut by_key: HashMap<LabelKey, usize> = HashMap::new();
    let mut distinct: Vec<(LabelKey, &str)> = Vec::new();
    let mut seen = Vec::with_capacity(cells.len());
    for (i, cell) in cells.iter().enumerate() {
        let class = match by_text.get(cell.as_str()) {
            Some(&class) => class,
            None => {
                if is_missing(cell) {
                    return Err(Error::data(
                        source,
                        format!(
                            "row {}, target column {}: missing value",
                            i + 1,
                            quote(column)
                        ),
                    ));
                }
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
    Ok(Targets::Classes {
        y: seen.iter().map(|&class| rank[class]).collect(),
        labels: order.iter().map(|&c| distinct[c].1.to_string()).collect(),
    })
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

/// Cells that mean "no value". Imputation is a later feature; for now they are refused.
pub fn is_missing(cell: &str) -> bool {
    matches!(
        cell,
        "" | "NA" | "N/A" | "NaN" | "nan" | "NAN" | "NULL" | "null" | "None" | "?"
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
        return Err("missing value (imputation is not supported yet)".into());
    }
    if let Some(b) = parse_bool(cell) {
        return Ok(if b { 1.0 } else { 0.0 });
    }
    let why = match cell.parse::<f64>() {
        // Digits that overflow f64 (1e400) are a number too large, not an infinity.
        Ok(v) if v.is_infinite() && cell.bytes().any(|b| b.is_ascii_digit()) => TOO_LARGE,
        Ok(v) => check_magnitude(v).err().unwrap_or(TOO_LARGE),
        Err(_) => "is not a number",
    };
    Err(format!("{} {why}", quote(cell)))
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
        let cells: Vec<String> = ["10", "2", "2.0", "1e1"]
            .iter()
            .map(|s| s.to_string())
            .collect();
        let Targets::Classes { y, labels } = encode_labels("t", "c", &cells).unwrap() else {
            panic!()
        };
        assert_eq!(labels, vec!["2", "10"]);
        assert_eq!(y.to_vec(), vec![1, 0, 0, 1]);
    }

    fn classes(cells: &[&str]) -> (Vec<String>, Vec<usize>) {
        let cells: Vec<String> = cells.iter().map(|s| s.to_string()).collect();
        let Targets::Classes { y, labels } = encode_labels("t", "c", &cells).unwrap() else {
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
        // Numbers first (by value), then booleans, then text; a missing label is refused.
        let (labels, _) = classes(&["b", "true", "10", "a", "2", "1e99999999999999999999"]);
        assert_eq!(
            labels,
            vec!["2", "10", "true", "1e99999999999999999999", "a", "b"]
        );
        let cells = vec!["1".to_string(), "NA".to_string()];
        assert_eq!(
            encode_labels("t", "c\n", &cells).unwrap_err().to_string(),
            "t: row 2, target column 'c\\n': missing value"
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
}

impl DataSource {
    /// NPY when the file ends in `.npy` or labels are given; CSV in `dialect` otherwise.
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
        } else {
            DataSource::Csv(data.to_path_buf(), dialect)
        }
    }

    pub fn name(&self) -> String {
        let path = match self {
            DataSource::Csv(p, _) | DataSource::Npy { features: p, .. } => p,
        };
        if path == std::path::Path::new("-") {
            "<stdin>".into()
        } else {
            path.display().to_string()
        }
    }

    /// Reads the whole dataset for training.
    pub fn load(
        &self,
        features: Option<&[String]>,
        targets: &[String],
        task: Task,
    ) -> Result<Dataset> {
        match self {
            DataSource::Csv(path, dialect) => {
                let (source, input) = input::open_input(path)?;
                let mut reader = csv::CsvReader::new(
                    source,
                    input,
                    *dialect,
                    csv::Columns::Train { features, targets },
                    CHUNK_ROWS,
                )?;
                let chunk = reader.read_all()?;
                let (feature_names, target_names) = (
                    std::mem::take(&mut reader.feature_names),
                    std::mem::take(&mut reader.target_names),
                );
                Dataset::new(
                    reader.source(),
                    feature_names,
                    chunk.x,
                    target_names,
                    chunk.targets,
                    task,
                )
            }
            DataSource::Npy {
                features: path,
                labels,
            } => {
                if features.is_some() || !targets.is_empty() {
                    return Err(Error::usage(
                        "--features and --target name CSV columns; NPY input takes --labels",
                    ));
                }
                let (mut source, x) = npy::read_features(path)?;
                let (target_names, raw) = match (labels, task.supervised()) {
                    (Some(labels), true) => {
                        // Target errors name the labels file (features were checked already).
                        let (labels_source, raw) = npy::read_labels(labels, x.nrows())?;
                        source = labels_source;
                        let names = if raw.len() == 1 {
                            vec!["y".to_string()]
                        } else {
                            (0..raw.len()).map(|i| format!("y{i}")).collect()
                        };
                        (names, raw)
                    }
                    (None, true) => {
                        return Err(Error::usage(format!(
                            "{task} on NPY data needs --labels y.npy"
                        )))
                    }
                    (Some(_), false) => {
                        return Err(Error::usage(format!("{task} takes no --labels")))
                    }
                    (None, false) => (Vec::new(), Vec::new()),
                };
                Dataset::new(
                    &source,
                    npy::feature_names(x.ncols()),
                    x,
                    target_names,
                    raw,
                    task,
                )
            }
        }
    }
}
