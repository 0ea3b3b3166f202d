//! Input data: loaders (CSV, NPY, the bundled toy datasets), the `Dataset` they produce, and the split.

pub mod bundled;
pub mod csv;
pub mod npy;
pub mod split;

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
                                    "row {}, target column '{}': {why}",
                                    i + 1,
                                    target_names[j]
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

/// Distinct labels sorted numerically when every label is a number, else as text.
fn encode_labels(source: &str, column: &str, cells: &[String]) -> Result<Targets> {
    let canonical: Vec<String> = cells
        .iter()
        .enumerate()
        .map(|(i, cell)| {
            if is_missing(cell) {
                return Err(Error::data(
                    source,
                    format!("row {}, target column '{column}': missing value", i + 1),
                ));
            }
            Ok(canonical_label(cell))
        })
        .collect::<Result<_>>()?;
    let mut labels: Vec<String> = canonical.clone();
    labels.sort();
    labels.dedup();
    let numeric: Option<Vec<f64>> = labels.iter().map(|l| l.parse::<f64>().ok()).collect();
    if let Some(values) = numeric {
        let mut pairs: Vec<(f64, String)> = values.into_iter().zip(labels).collect();
        pairs.sort_by(|a, b| a.0.total_cmp(&b.0));
        labels = pairs.into_iter().map(|(_, l)| l).collect();
    }
    let index: std::collections::HashMap<&str, usize> = labels
        .iter()
        .enumerate()
        .map(|(i, l)| (l.as_str(), i))
        .collect();
    let y = canonical.iter().map(|l| index[l.as_str()]).collect();
    Ok(Targets::Classes { y, labels })
}

/// "1", "1.0" and "1e0" are one label; "t"/"TRUE" are "true".
fn canonical_label(cell: &str) -> String {
    if let Some(b) = parse_bool(cell) {
        return b.to_string();
    }
    match cell.parse::<f64>() {
        Ok(v) if v.is_finite() => v.to_string(),
        _ => cell.to_string(),
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

/// A feature or regression-target cell as f64; booleans read as 1/0. Surrounding spaces are
/// ignored. The common case, a plain number, takes the fast path (no UTF-8 check, no lookups).
pub fn parse_number(cell: impl AsRef<[u8]>) -> std::result::Result<f64, String> {
    let bytes = cell.as_ref().trim_ascii();
    if let Ok(v) = fast_float2::parse::<f64, _>(bytes) {
        if v.is_finite() {
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
    match cell.parse::<f64>() {
        Ok(_) => Err(format!("'{cell}' is not a finite number")),
        Err(_) => Err(format!("'{cell}' is not a number")),
    }
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

    #[test]
    fn boolean_labels() {
        let cells: Vec<String> = ["t", "false", "TRUE"]
            .iter()
            .map(|s| s.to_string())
            .collect();
        let Targets::Classes { y, labels } = encode_labels("t", "c", &cells).unwrap() else {
            panic!()
        };
        assert_eq!(labels, vec!["false", "true"]);
        assert_eq!(y.to_vec(), vec![1, 0, 1]);
    }
}

/// Where training data comes from.
#[derive(Debug, Clone)]
pub enum DataSource {
    /// A CSV file with a header (`-` = stdin).
    Csv(std::path::PathBuf),
    /// An NPY features matrix, with an NPY labels file for supervised tasks.
    Npy {
        features: std::path::PathBuf,
        labels: Option<std::path::PathBuf>,
    },
}

impl DataSource {
    /// NPY when the file ends in `.npy` or labels are given; CSV otherwise.
    pub fn from_args(data: &std::path::Path, labels: Option<&std::path::Path>) -> Self {
        if labels.is_some() || npy::is_npy(data) {
            DataSource::Npy {
                features: data.to_path_buf(),
                labels: labels.map(|l| l.to_path_buf()),
            }
        } else {
            DataSource::Csv(data.to_path_buf())
        }
    }

    pub fn name(&self) -> String {
        let path = match self {
            DataSource::Csv(p) | DataSource::Npy { features: p, .. } => p,
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
            DataSource::Csv(path) => {
                let (source, input) = csv::open_input(path)?;
                let mut reader = csv::CsvReader::new(
                    source,
                    input,
                    csv::Columns::Train { features, targets },
                    CHUNK_ROWS,
                )?;
                let chunk = reader.read_all()?;
                let (feature_names, target_names) =
                    (reader.feature_names.clone(), reader.target_names.clone());
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
                let (source, x) = npy::read_features(path)?;
                let (target_names, raw) = match (labels, task.supervised()) {
                    (Some(labels), true) => {
                        let (_, raw) = npy::read_labels(labels, x.nrows())?;
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
