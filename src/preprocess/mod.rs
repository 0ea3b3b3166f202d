//! PostgresML's preprocessing: per column, impute, then encode (categorical columns) or expand
//! (dates), then scale. Every statistic is fitted on the train rows only and kept in the model's
//! header (`Pipeline`), which `predict`, `score` and `--test-data` replay on raw columns, so both
//! runtimes get the same matrix. Each step is fitted on the output of the one before, as a
//! scikit-learn Pipeline does (a scale after a mean imputation sees the imputed values).

pub mod spec;

use std::collections::{HashMap, HashSet};
use std::fmt::Write;

use ndarray::Array2;
use serde::{Deserialize, Serialize};

use crate::data::table::{category_key, date_parts, parse_bool, Cell, Kind, RawColumn};
use crate::data::{escape, quote, MAX_MAGNITUDE};
use crate::error::{Error, Result};
pub use spec::{ColumnOptions, Encode, Impute, Scale, Spec};

/// What the model does to its raw input columns, in their order.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq, Default)]
pub struct Pipeline {
    pub columns: Vec<Step>,
}

/// One raw column's fitted preprocessing.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq)]
pub struct Step {
    pub name: String,
    pub kind: Kind,
    pub impute: Impute,
    /// Numbers, booleans, dates: the value a missing cell takes (dates in epoch seconds).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fill: Option<f64>,
    /// Categorical columns: the categories and their encoding.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub categories: Option<Categories>,
    pub scale: Scale,
    /// Per output: `(value - center) / divisor`; empty for `preserve`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub scaling: Vec<Affine>,
    /// The matrix columns this column becomes.
    pub outputs: Vec<String>,
    /// Missing cells in the train rows.
    pub missing: usize,
    /// A format-1 model's number column: true/false, yes/no read as 1 and 0, as its training
    /// read them (a format-2 number column held only numbers, so a word there is a bad cell).
    #[serde(skip)]
    pub booleans_as_numbers: bool,
}

impl Step {
    /// A cell as this column's number (see `Kind::decode`), or why it is not one.
    fn decode(&self, cell: Cell) -> Result<f64, String> {
        match cell {
            Cell::Text(t) if self.booleans_as_numbers => match parse_bool(t) {
                Some(truth) => Ok(f64::from(u8::from(truth))),
                None => self.kind.decode(cell),
            },
            _ => self.kind.decode(cell),
        }
    }
}

#[derive(Serialize, Deserialize, Debug, Clone, Copy, PartialEq)]
pub struct Affine {
    pub center: f64,
    pub divisor: f64,
}

#[derive(Serialize, Deserialize, Debug, Clone, Copy, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum Encoding {
    Native,
    Target,
    OneHot,
    Ordinal,
}

/// A categorical column's categories. `null` is the missing value's own category.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq)]
pub struct Categories {
    pub encoding: Encoding,
    /// In code order: first appearance in the train rows, or the ordinal order given (then the
    /// missing value, when the train rows have it).
    pub values: Vec<Option<String>>,
    /// `impute: mode`: a missing cell is this category.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub missing_as: Option<usize>,
    /// Target encoding: per category, the mean of each target output over its train rows.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub target_means: Vec<Vec<f64>>,
    /// Target encoding: the train rows' means, for unknown categories.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub global_means: Vec<f64>,
}

/// The target as target encoding sees it: per train row, one number per output (the regression
/// targets; for classification, 1 for the row's class), with the outputs' name suffixes
/// (`[]` for a single output).
pub struct TargetTable {
    pub values: Array2<f64>,
    pub suffixes: Vec<String>,
}

/// Cells that cannot become a number for the model: per column the first row (a table row
/// index), the count and why; and every such row.
#[derive(Debug, Default)]
pub struct Problems {
    pub columns: Vec<Problem>,
    pub rows: Vec<usize>,
    /// Not problems but worth a warning on new data: categories the train rows did not have,
    /// encoded as unknown (per column, `why` is the first one, quoted).
    pub unseen: Vec<Problem>,
}

#[derive(Debug, Clone)]
pub struct Problem {
    pub column: String,
    pub first_row: usize,
    pub count: usize,
    pub why: String,
    /// The cells are missing values (the fix is an imputation).
    pub missing: bool,
}

impl Problem {
    /// The same column's problem over other rows: counts add up, the smaller first row wins.
    fn add(&mut self, other: Problem) {
        self.count += other.count;
        if other.first_row < self.first_row {
            (self.first_row, self.why, self.missing) = (other.first_row, other.why, other.missing);
        }
    }
}

fn merge_into(mine: &mut Vec<Problem>, theirs: Vec<Problem>) {
    for p in theirs {
        match mine.iter_mut().find(|q| q.column == p.column) {
            Some(q) => q.add(p),
            None => mine.push(p),
        }
    }
}

impl Problems {
    pub fn is_empty(&self) -> bool {
        self.columns.is_empty()
    }

    /// Adds `other`'s (another set of rows of the same columns): per column the counts add up
    /// and the smaller first row wins.
    pub fn merge(&mut self, other: Problems) {
        merge_into(&mut self.columns, other.columns);
        merge_into(&mut self.unseen, other.unseen);
        self.rows.extend(other.rows);
    }

    /// `column 'color' row 3: 'orange' (2 rows)`, for a warning about unseen categories.
    pub fn describe_unseen(&self, row: impl Fn(usize) -> usize) -> String {
        Problems {
            columns: self.unseen.iter().map(Problem::clone).collect(),
            ..Problems::default()
        }
        .describe(row)
    }

    /// One line listing every column: `'age' row 12: missing value (3 rows); ...`, with `row`
    /// mapping table row indices to the numbers users see.
    pub fn describe(&self, row: impl Fn(usize) -> usize) -> String {
        let mut text = String::new();
        for (i, p) in self.columns.iter().enumerate() {
            let more = match p.count {
                1 => String::new(),
                n => format!(" ({n} rows)"),
            };
            let _ = write!(
                text,
                "{}column {} row {}: {}{more}",
                if i > 0 { "; " } else { "" },
                quote(&p.column),
                row(p.first_row),
                p.why
            );
        }
        text
    }
}

impl Pipeline {
    /// The pipeline of a model file written before preprocessing existed (format 1): `numeric`,
    /// its columns reading true/false and yes/no as 1 and 0 as that training did.
    pub fn of_format_1(features: &[String]) -> Pipeline {
        let mut pipeline = Pipeline::numeric(features);
        for step in &mut pipeline.columns {
            step.booleans_as_numbers = true;
        }
        pipeline
    }

    /// Every feature a number, nothing imputed or scaled.
    pub fn numeric(features: &[String]) -> Pipeline {
        Pipeline {
            columns: features
                .iter()
                .map(|name| Step {
                    name: name.clone(),
                    kind: Kind::Number,
                    impute: Impute::Error,
                    fill: None,
                    categories: None,
                    scale: Scale::Preserve,
                    scaling: Vec::new(),
                    outputs: vec![name.clone()],
                    missing: 0,
                    booleans_as_numbers: false,
                })
                .collect(),
        }
    }

    pub fn input_names(&self) -> Vec<String> {
        self.columns.iter().map(|s| s.name.clone()).collect()
    }

    pub fn output_names(&self) -> Vec<String> {
        self.columns
            .iter()
            .flat_map(|s| s.outputs.iter().cloned())
            .collect()
    }

    /// Fits every column on the train rows. `columns` are the raw columns in order, with
    /// their kinds and options; `target` has one row per train row.
    pub fn fit(
        columns: &[(&str, &RawColumn, Kind, ColumnOptions)],
        train: &[usize],
        target: Option<&TargetTable>,
    ) -> Result<Pipeline> {
        let mut steps = Vec::with_capacity(columns.len());
        let mut errors = Vec::new();
        // Statistics that do not depend on the rows' order read the columns in row order: a
        // shuffled split's rows took a cache miss per cell.
        let sorted: Vec<usize> = in_row_order(train).into_iter().map(|(r, _)| r).collect();
        let rows = Rows {
            train,
            sorted: &sorted,
        };
        for (name, column, kind, options) in columns {
            match fit_step(name, column, *kind, options, &rows, target) {
                Ok(step) => steps.push(step),
                Err(why) => errors.push(format!("column {}: {why}", quote(name))),
            }
        }
        if !errors.is_empty() {
            return Err(Error::Data(errors.join("; ")));
        }
        Ok(Pipeline { columns: steps })
    }

    /// Everything about a pipeline read from a file that transform relies on: the outputs are
    /// the model's features, every statistic is finite, every index in range.
    pub fn check(&self, features: &[String]) -> std::result::Result<(), String> {
        if self.output_names() != features {
            return Err("has preprocessing whose outputs are not the model's features".into());
        }
        let mut names = std::collections::HashSet::new();
        for step in &self.columns {
            let fault =
                |what: &str| format!("has preprocessing for column {} {what}", quote(&step.name));
            if !names.insert(step.name.as_str()) {
                return Err(fault("listed twice"));
            }
            let width = match (&step.categories, step.kind) {
                (None, Kind::Categorical)
                | (Some(_), Kind::Number | Kind::Boolean | Kind::Date | Kind::Timestamp) => {
                    return Err(fault("whose categories do not fit its kind"))
                }
                (None, kind) => kind.parts().len(),
                (Some(c), _) => {
                    let mut seen = std::collections::HashSet::new();
                    if !c.values.iter().all(|v| seen.insert(v)) {
                        return Err(fault("listing a category twice"));
                    }
                    if c.missing_as.is_some_and(|m| m >= c.values.len()) {
                        return Err(fault("imputing a category it does not have"));
                    }
                    match c.encoding {
                        Encoding::Native | Encoding::Ordinal => 1,
                        Encoding::OneHot => c.values.len(),
                        Encoding::Target => {
                            let w = c.global_means.len();
                            let fine = w > 0
                                && c.target_means.len() == c.values.len()
                                && c.target_means.iter().all(|m| m.len() == w)
                                && c.target_means
                                    .iter()
                                    .flatten()
                                    .chain(&c.global_means)
                                    .all(|v| v.abs() <= MAX_MAGNITUDE);
                            if !fine {
                                return Err(fault(
                                    "with target means that do not fit its categories",
                                ));
                            }
                            w
                        }
                    }
                }
            };
            if step.outputs.len() != width {
                return Err(fault("with outputs that do not fit its kind"));
            }
            let dated = matches!(step.kind, Kind::Date | Kind::Timestamp);
            if step.fill.is_some_and(|f| {
                f.is_nan()
                    || f.abs() > MAX_MAGNITUDE
                    || (dated && crate::data::table::utc_date(f).is_none())
            }) {
                return Err(fault("with a fill value out of range"));
            }
            let scaled = step.scale != Scale::Preserve;
            let fine = if scaled {
                step.scaling.len() == width
            } else {
                step.scaling.is_empty()
            } && step.scaling.iter().all(|a| {
                a.center.abs() <= MAX_MAGNITUDE && a.divisor.is_finite() && a.divisor > 0.0
            });
            if !fine {
                return Err(fault("with scaling that does not fit its outputs"));
            }
        }
        Ok(())
    }

    /// Ready to transform (category lookups built once).
    pub fn transformer(&self) -> Transformer<'_> {
        Transformer {
            lookups: self
                .columns
                .iter()
                .map(|s| {
                    s.categories.as_ref().map(|c| {
                        c.values
                            .iter()
                            .enumerate()
                            .map(|(i, v)| (v.as_deref(), i))
                            .collect()
                    })
                })
                .collect(),
            pipeline: self,
        }
    }

    /// Lines for `info`: each column's kind, options and fitted statistics.
    pub fn describe(&self) -> Vec<String> {
        self.columns
            .iter()
            .map(|step| {
                let mut line = format!(
                    "{} ({})",
                    crate::error::one_line(&step.name),
                    step.kind.name()
                );
                if step.missing > 0 {
                    let _ = write!(line, ", {} missing in train rows", step.missing);
                }
                if step.impute != Impute::Error {
                    let _ = write!(line, ", impute {}", spec_name(&step.impute));
                    if let Some(fill) = step.fill {
                        let _ = write!(line, " = {}", shown_value(step.kind, fill));
                    }
                }
                if let Some(c) = &step.categories {
                    let shown: Vec<String> = c
                        .values
                        .iter()
                        .take(20)
                        .map(|v| v.as_deref().map_or("NA".to_string(), quote))
                        .collect();
                    let more = if c.values.len() > 20 { ", ..." } else { "" };
                    let _ = write!(
                        line,
                        ", encode {} over {} [{}{more}]",
                        spec_name(&c.encoding),
                        crate::data::plural(c.values.len(), "category", "categories"),
                        shown.join(", ")
                    );
                    // `info` shows files that `check` would refuse: no index is trusted.
                    if let Some(m) = c.missing_as.and_then(|m| c.values.get(m)) {
                        let _ = write!(
                            line,
                            ", missing as {}",
                            m.as_deref().map_or("NA".into(), quote)
                        );
                    }
                }
                if step.scale != Scale::Preserve {
                    // (value - center) / divisor, per output, named when there are several.
                    let affine: Vec<String> = step
                        .scaling
                        .iter()
                        .zip(&step.outputs)
                        .map(|(a, output)| match step.outputs.len() {
                            1 => format!("({} / {})", compact(a.center), compact(a.divisor)),
                            _ => format!(
                                "{} ({} / {})",
                                escape(output),
                                compact(a.center),
                                compact(a.divisor)
                            ),
                        })
                        .collect();
                    let _ = write!(
                        line,
                        ", scale {} {}",
                        spec_name(&step.scale),
                        affine.join(" ")
                    );
                }
                line
            })
            .collect()
    }
}

/// A fill value as people read it: dates and timestamps as ISO-8601, in UTC.
fn shown_value(kind: Kind, value: f64) -> String {
    let instant = time::OffsetDateTime::from_unix_timestamp(value.floor() as i64).ok();
    match (kind, instant) {
        (Kind::Date, Some(t)) => t.date().to_string(),
        (Kind::Timestamp, Some(t)) => t
            .format(&time::format_description::well_known::Rfc3339)
            .unwrap_or_else(|_| value.to_string()),
        _ => compact(value),
    }
}

/// A statistic as `info` shows it: exponent notation far from 1 (a mean of -1.7e-309 was 310
/// characters of zeros), else as written.
fn compact(value: f64) -> String {
    let size = value.abs();
    if size != 0.0 && !(1e-6..1e16).contains(&size) {
        format!("{value:e}")
    } else {
        value.to_string()
    }
}

fn spec_name<T: Serialize>(value: &T) -> String {
    serde_json::to_value(value)
        .ok()
        .and_then(|v| v.as_str().map(String::from))
        .unwrap_or_default()
}

pub struct Transformer<'a> {
    pipeline: &'a Pipeline,
    lookups: Vec<Option<HashMap<Option<&'a str>, usize>>>,
}

impl Transformer<'_> {
    /// The model's matrix for `rows` of `columns` (the pipeline's raw columns, in order).
    /// Missing numbers stay NaN when `missing_ok` (the algorithm takes them); otherwise they, and
    /// cells that are not of their column's kind, are problems and their rows hold NaN.
    pub fn transform(
        &self,
        columns: &[&RawColumn],
        rows: &[usize],
        missing_ok: bool,
    ) -> std::result::Result<(Array2<f64>, Problems), String> {
        let steps = &self.pipeline.columns;
        let width: usize = steps.iter().map(|s| s.outputs.len()).sum();
        let mut x = matrix(rows.len(), width)?;
        let bad_cells: Vec<HashSet<usize>> = columns
            .iter()
            .map(|c| c.bad_cells().0.iter().copied().collect())
            .collect();
        let data = x
            .as_slice_mut()
            .expect("a new matrix is in standard layout");
        // Consecutive matrix rows per core: a million rows took a second on one.
        let parts = match (width, rows.len() / ROWS_PER_THREAD) {
            // A matrix without columns has nothing to share out; a few rows stay on this core
            // (without asking the cgroup files how many there are: a one-row predict).
            (0, _) | (_, 0..=1) => 1,
            (_, by_rows) => std::thread::available_parallelism()
                .map_or(1, |n| n.get())
                .min(by_rows),
        };
        let per_part = rows.len().div_ceil(parts).max(1);
        let done: Vec<Part> = if parts == 1 {
            vec![self.transform_part(columns, &bad_cells, rows, missing_ok, data)]
        } else {
            std::thread::scope(|scope| {
                let running: Vec<_> = rows
                    .chunks(per_part)
                    .zip(data.chunks_mut(per_part * width))
                    .map(|(rows, data)| {
                        let bad_cells = &bad_cells;
                        crate::memory::spawn_scoped(scope, move || {
                            self.transform_part(columns, bad_cells, rows, missing_ok, data)
                        })
                    })
                    .collect();
                running
                    .into_iter()
                    .map(|t| t.join().unwrap_or_else(|e| std::panic::resume_unwind(e)))
                    .collect()
            })
        };
        let mut found: Vec<Option<Problem>> = steps.iter().map(|_| None).collect();
        let mut unseen: Vec<Option<Problem>> = steps.iter().map(|_| None).collect();
        let mut bad_row = Vec::with_capacity(rows.len());
        for part in done {
            found
                .iter_mut()
                .zip(part.found)
                .for_each(|(a, b)| combine(a, b));
            unseen
                .iter_mut()
                .zip(part.unseen)
                .for_each(|(a, b)| combine(a, b));
            bad_row.extend(part.bad_row);
        }
        let problems = Problems {
            columns: found.into_iter().flatten().collect(),
            unseen: unseen.into_iter().flatten().collect(),
            rows: rows
                .iter()
                .zip(&bad_row)
                .filter(|(_, &bad)| bad)
                .map(|(&r, _)| r)
                .collect(),
        };
        Ok((x, problems))
    }

    /// `rows` into `data` (their matrix rows, in order), with the problems found on the way.
    fn transform_part(
        &self,
        columns: &[&RawColumn],
        bad_cells: &[HashSet<usize>],
        rows: &[usize],
        missing_ok: bool,
        data: &mut [f64],
    ) -> Part {
        let steps = &self.pipeline.columns;
        let width: usize = steps.iter().map(|s| s.outputs.len()).sum();
        let mut found: Vec<Option<Problem>> = steps.iter().map(|_| None).collect();
        let mut unseen: Vec<Option<Problem>> = steps.iter().map(|_| None).collect();
        let mut bad_row = vec![false; rows.len()];
        let mut out = vec![0.0; steps.iter().map(|s| s.outputs.len()).max().unwrap_or(0)];
        // Cells are read in row order (each column streams through memory) and each matrix row
        // is written whole: a shuffled split read column after column in its own order took a
        // cache miss per cell, a third of a 2M-row train.
        let order = in_row_order(rows);
        // Plain number columns, whose cells mostly take the fast path below.
        let numbers: Vec<Option<&[f64]>> = steps
            .iter()
            .zip(columns)
            .zip(bad_cells)
            .map(|((step, column), bad)| {
                let plain = step.kind == Kind::Number
                    && step.categories.is_none()
                    && step.outputs.len() == 1
                    && bad.is_empty();
                column.numbers().filter(|_| plain)
            })
            .collect();
        // Rows are made in row order into a block that stays in cache, then copied to their
        // places: written in place, each row's scattered stores held up the column reads.
        let mut block = vec![0.0; BLOCK_ROWS * width];
        for batch in order.chunks(BLOCK_ROWS) {
            for (k, &(row, i)) in batch.iter().enumerate() {
                let x_row = &mut block[k * width..(k + 1) * width];
                let mut at = 0;
                for (s, (step, column)) in steps.iter().zip(columns).enumerate() {
                    let w = step.outputs.len();
                    let out = &mut out[..w];
                    let target = &mut x_row[at..at + w];
                    at += w;
                    if let Some(values) = numbers[s] {
                        // A number that stays in range once scaled: what the general path below
                        // would write, at a tenth of its cost.
                        let v = values[row];
                        let t = step
                            .scaling
                            .first()
                            .map_or(v, |a| (v - a.center) / a.divisor);
                        if t.abs() <= MAX_MAGNITUDE {
                            target[0] = t;
                            continue;
                        }
                    }
                    if !bad_cells[s].is_empty() && bad_cells[s].contains(&row) {
                        let why = column.bad_cells().1.unwrap_or("not a value");
                        note(&mut found[s], step, row, || why.to_string(), false);
                        bad_row[i] = true;
                        target.fill(f64::NAN);
                        continue;
                    }
                    let cell = column.cell(row);
                    // The cell goes to the model as NaN (missing, or a problem already noted).
                    let missing = match (&step.categories, &self.lookups[s]) {
                        (Some(c), Some(lookup)) => {
                            let key = category_key(cell);
                            let index = match (&key, c.missing_as) {
                                (None, Some(m)) => Some(m),
                                _ => lookup.get(&key.as_deref()).copied(),
                            };
                            if index.is_none() {
                                let shown =
                                    || key.as_deref().map_or("a missing value".into(), quote);
                                note(&mut unseen[s], step, row, shown, key.is_none());
                            }
                            encode(c, index, out);
                            false
                        }
                        _ => {
                            let (v, decoded) = match step.decode(cell) {
                                Ok(v) => (v, true),
                                Err(why) => {
                                    note(&mut found[s], step, row, || why, false);
                                    bad_row[i] = true;
                                    (f64::NAN, false)
                                }
                            };
                            let v = match (v.is_nan(), step.fill) {
                                (true, Some(fill)) => fill,
                                _ => v,
                            };
                            if v.is_nan() && !missing_ok && decoded {
                                note(&mut found[s], step, row, || "missing value".into(), true);
                                bad_row[i] = true;
                            }
                            expand(step.kind, v, out);
                            v.is_nan()
                        }
                    };
                    let mut beyond = None;
                    for (k, (t, v)) in target.iter_mut().zip(out.iter()).enumerate() {
                        *t = match step.scaling.get(k) {
                            Some(a) => (v - a.center) / a.divisor,
                            None => *v,
                        };
                        if t.is_nan() || t.abs() > MAX_MAGNITUDE {
                            beyond.get_or_insert(*t);
                        }
                    }
                    // A value within range can leave it once expanded or scaled (a spread fitted on
                    // tiny values, a model file's statistics): the model gets no inf, NaN or 1e300.
                    if let (false, Some(beyond)) = (missing, beyond) {
                        let shown = match cell {
                            Cell::Number(v) => format!("{v:?}"),
                            Cell::Text(t) => quote(t),
                            Cell::Missing => "the value imputed for a missing cell".into(),
                        };
                        let why = || {
                            format!(
                                "{shown} becomes {beyond:?} once preprocessed \
                             (pgml-cli accepts magnitudes up to 1e150)"
                            )
                        };
                        note(&mut found[s], step, row, why, false);
                        bad_row[i] = true;
                        target.fill(f64::NAN);
                    }
                }
            }
            for (k, &(_, i)) in batch.iter().enumerate() {
                data[i * width..(i + 1) * width]
                    .copy_from_slice(&block[k * width..(k + 1) * width]);
            }
        }
        Part {
            found,
            unseen,
            bad_row,
        }
    }
}

/// `rows` with their positions, in row order. Distinct rows (a split's) take one counting pass
/// over the table's rows, a tenth of what sorting them took.
fn in_row_order(rows: &[usize]) -> Vec<(usize, usize)> {
    let mut order: Vec<(usize, usize)> = Vec::with_capacity(rows.len());
    if rows.is_sorted() {
        order.extend(rows.iter().copied().zip(0..));
        return order;
    }
    let end = rows.iter().max().map_or(0, |&r| r + 1);
    if end <= 16 * rows.len() && rows.len() < u32::MAX as usize {
        let mut at = vec![u32::MAX; end];
        let distinct = rows
            .iter()
            .zip(0..)
            .all(|(&r, i)| std::mem::replace(&mut at[r], i) == u32::MAX);
        if distinct {
            order.extend(
                at.iter()
                    .enumerate()
                    .filter(|(_, &i)| i != u32::MAX)
                    .map(|(r, &i)| (r, i as usize)),
            );
            return order;
        }
    }
    order.extend(rows.iter().copied().zip(0..));
    order.sort_unstable();
    order
}

/// Matrix rows made at a time before they are copied to their places.
const BLOCK_ROWS: usize = 512;

/// Matrix rows below which a transform stays on one thread.
const ROWS_PER_THREAD: usize = 16_384;

/// One thread's share of a transform: per step its problem, per row whether it has one.
struct Part {
    found: Vec<Option<Problem>>,
    unseen: Vec<Option<Problem>>,
    bad_row: Vec<bool>,
}

fn combine(mine: &mut Option<Problem>, theirs: Option<Problem>) {
    match (mine.as_mut(), theirs) {
        (_, None) => {}
        (None, theirs) => *mine = theirs,
        (Some(q), Some(p)) => q.add(p),
    }
}

/// Counts a problem of `step` at `row`; rows may come in any order (a shuffled split), and the
/// first one shown is the smallest.
fn note(
    found: &mut Option<Problem>,
    step: &Step,
    row: usize,
    why: impl FnOnce() -> String,
    missing: bool,
) {
    match found {
        Some(p) => {
            p.count += 1;
            if row < p.first_row {
                (p.first_row, p.why, p.missing) = (row, why(), missing);
            }
        }
        None => {
            *found = Some(Problem {
                column: step.name.clone(),
                first_row: row,
                count: 1,
                why: why(),
                missing,
            })
        }
    }
}

/// A zeroed matrix, or why it cannot be had: one-hot encoding over many categories (or target
/// encoding of many classes) can ask for far more than any memory (a million categories on a
/// million rows is 8 TB), which is refused here rather than aborting, or swapping until killed
/// where memory is overcommitted.
pub(crate) fn matrix(rows: usize, width: usize) -> std::result::Result<Array2<f64>, String> {
    let too_large = || {
        format!(
            "preprocessing makes {width} features, {rows} rows of which do not fit in memory \
             (one-hot encoding makes a feature per category, target encoding one per class: \
             encode native instead)"
        )
    };
    let cells = rows
        .checked_mul(width)
        .filter(|&cells| {
            crate::memory::physical_memory()
                .is_none_or(|bytes| (cells as u64).saturating_mul(8) <= bytes)
        })
        .ok_or_else(too_large)?;
    let values = crate::memory::zeroed(cells).ok_or_else(too_large)?;
    Array2::from_shape_vec((rows, width), values).map_err(|e| e.to_string())
}

/// A category's outputs; `None` is a category the train rows did not have.
fn encode(c: &Categories, index: Option<usize>, out: &mut [f64]) {
    match c.encoding {
        Encoding::Native | Encoding::Ordinal => {
            out[0] = index.unwrap_or(c.values.len()) as f64;
        }
        Encoding::OneHot => {
            out.fill(0.0);
            if let Some(i) = index {
                out[i] = 1.0;
            }
        }
        Encoding::Target => {
            let means = index.map_or(&c.global_means, |i| &c.target_means[i]);
            out.copy_from_slice(means);
        }
    }
}

/// A number's outputs: itself, or a date's parts.
fn expand(kind: Kind, v: f64, out: &mut [f64]) {
    match kind {
        Kind::Date | Kind::Timestamp => date_parts(v, out),
        _ => out[0] = v,
    }
}

/// The train rows as a split gave them (categories are numbered in their order, target means
/// follow it) and sorted.
struct Rows<'a> {
    train: &'a [usize],
    sorted: &'a [usize],
}

fn fit_step(
    name: &str,
    column: &RawColumn,
    kind: Kind,
    options: &ColumnOptions,
    rows: &Rows,
    target: Option<&TargetTable>,
) -> std::result::Result<Step, String> {
    // A number column without text: its cells are its numbers (NaN: missing).
    let numbers = column.numbers().filter(|_| kind == Kind::Number);
    let missing = match numbers {
        Some(values) => rows.sorted.iter().filter(|&&r| values[r].is_nan()).count(),
        None => rows
            .sorted
            .iter()
            .filter(|&&r| column.cell(r) == crate::data::table::Cell::Missing)
            .count(),
    };
    let mut step = Step {
        name: name.to_string(),
        kind,
        impute: options.impute,
        fill: None,
        categories: None,
        scale: options.scale,
        scaling: Vec::new(),
        outputs: Vec::new(),
        missing,
        booleans_as_numbers: false,
    };
    let encoded: Array2<f64>;
    if kind == Kind::Categorical {
        let categories = fit_categories(column, options, rows.train, target)?;
        step.outputs = match categories.encoding {
            Encoding::Native | Encoding::Ordinal => vec![name.to_string()],
            Encoding::OneHot => categories
                .values
                .iter()
                .map(|v| format!("{name}={}", v.as_deref().unwrap_or("NA")))
                .collect(),
            Encoding::Target => target
                .map(|t| t.suffixes.iter().map(|s| format!("{name}{s}")).collect())
                .unwrap_or_default(),
        };
        step.categories = Some(categories);
    } else {
        let value = |r: usize| match numbers {
            Some(values) => values[r],
            None => kind.decode(column.cell(r)).unwrap_or(f64::NAN),
        };
        // A fill by a statistic needs the values; otherwise a number column's missing count
        // says whether it has any.
        let by_statistic = !matches!(options.impute, Impute::Error | Impute::Zero);
        let mut present: Vec<f64> = Vec::new();
        if by_statistic || numbers.is_none() {
            present.reserve(rows.sorted.len() - missing);
            present.extend(
                rows.sorted
                    .iter()
                    .map(|&r| value(r))
                    .filter(|v| !v.is_nan()),
            );
        }
        let has_values = match numbers {
            Some(_) => missing < rows.sorted.len(),
            None => !present.is_empty(),
        };
        if !has_values {
            return Err("has no values in the train rows (leave it out with --ignore)".into());
        }
        if matches!(
            options.impute,
            Impute::Median | Impute::Mode | Impute::Min | Impute::Max
        ) {
            present.sort_by(f64::total_cmp);
        }
        step.fill = match options.impute {
            Impute::Error => None,
            Impute::Mean => Some(present.iter().sum::<f64>() / present.len() as f64),
            Impute::Median => Some(quantile(&present, 0.5)),
            Impute::Mode => Some(mode(&present)),
            Impute::Min => Some(present[0]),
            Impute::Max => Some(present[present.len() - 1]),
            Impute::Zero => Some(0.0),
        };
        step.outputs = kind.parts().iter().map(|p| format!("{name}{p}")).collect();
    }
    // Scale statistics come from the train rows as the steps before left them.
    if options.scale != Scale::Preserve {
        let pipeline = Pipeline {
            columns: vec![step.clone()],
        };
        (encoded, _) = pipeline
            .transformer()
            .transform(&[column], rows.sorted, true)?;
        step.scaling = encoded
            .columns()
            .into_iter()
            .map(|c| {
                let mut v: Vec<f64> = c.iter().copied().filter(|v| !v.is_nan()).collect();
                if options.scale == Scale::Robust {
                    v.sort_by(f64::total_cmp);
                }
                scaling(options.scale, &v)
            })
            .collect();
    }
    Ok(step)
}

fn fit_categories(
    column: &RawColumn,
    options: &ColumnOptions,
    train: &[usize],
    target: Option<&TargetTable>,
) -> std::result::Result<Categories, String> {
    let keys: Vec<Option<String>> = train
        .iter()
        .map(|&r| category_key(column.cell(r)))
        .collect();
    // Counts in order of first appearance.
    let mut order: Vec<Option<String>> = Vec::new();
    let mut counts: HashMap<&Option<String>, (usize, usize)> = HashMap::new();
    for key in &keys {
        let len = counts.len();
        counts.entry(key).or_insert((len, 0)).1 += 1;
        if counts[key].1 == 1 {
            order.push(key.clone());
        }
    }
    let mode = if options.impute == Impute::Mode {
        let best = order
            .iter()
            .filter(|k| k.is_some())
            .max_by(|a, b| {
                counts[a]
                    .1
                    .cmp(&counts[b].1)
                    .then(counts[b].0.cmp(&counts[a].0))
            })
            .ok_or("has no values in the train rows to take the mode of")?;
        Some(best.clone())
    } else {
        None
    };
    let has_missing = mode.is_none() && order.contains(&None);
    let (encoding, values) = match &options.encode {
        Encode::Ordinal(list) => {
            if let Some(Some(other)) = order
                .iter()
                .find(|k| k.as_ref().is_some_and(|k| !list.contains(k)))
            {
                return Err(format!(
                    "has {}, which the ordinal order does not list ({})",
                    quote(other),
                    crate::data::list(list.iter().map(String::as_str))
                ));
            }
            let mut values: Vec<Option<String>> = list.iter().cloned().map(Some).collect();
            if has_missing {
                values.push(None);
            }
            (Encoding::Ordinal, values)
        }
        other => {
            let encoding = match other {
                Encode::Native => Encoding::Native,
                Encode::Target => Encoding::Target,
                _ => Encoding::OneHot,
            };
            let values = order
                .into_iter()
                .filter(|k| k.is_some() || has_missing)
                .collect();
            (encoding, values)
        }
    };
    let missing_as = mode.map(|m| values.iter().position(|v| *v == m).unwrap_or(0));
    let mut categories = Categories {
        encoding,
        values,
        missing_as,
        target_means: Vec::new(),
        global_means: Vec::new(),
    };
    if encoding == Encoding::Target {
        let target = target.ok_or("target encoding needs a target (this task has none)")?;
        let (n, w) = target.values.dim();
        let index: HashMap<&Option<String>, usize> = categories
            .values
            .iter()
            .enumerate()
            .map(|(i, v)| (v, i))
            .collect();
        let mut sums = vec![vec![0.0; w]; categories.values.len()];
        let mut members = vec![0usize; categories.values.len()];
        let mut global = vec![0.0; w];
        for (r, key) in keys.iter().enumerate().take(n) {
            let i = match (key, categories.missing_as) {
                (None, Some(m)) => m,
                _ => index[key],
            };
            members[i] += 1;
            for k in 0..w {
                sums[i][k] += target.values[[r, k]];
                global[k] += target.values[[r, k]];
            }
        }
        global.iter_mut().for_each(|g| *g /= n.max(1) as f64);
        categories.target_means = sums
            .into_iter()
            .zip(&members)
            .map(|(s, &m)| {
                if m == 0 {
                    global.clone()
                } else {
                    s.into_iter().map(|v| v / m as f64).collect()
                }
            })
            .collect();
        categories.global_means = global;
    }
    Ok(categories)
}

fn min_max(values: &[f64]) -> (f64, f64) {
    values
        .iter()
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), &v| {
            (lo.min(v), hi.max(v))
        })
}

/// numpy's default (linear) quantile of sorted values.
fn quantile(sorted: &[f64], q: f64) -> f64 {
    let at = (sorted.len() - 1) as f64 * q;
    let (lo, hi) = (at.floor() as usize, at.ceil() as usize);
    sorted[lo] + (sorted[hi] - sorted[lo]) * (at - lo as f64)
}

/// The most frequent value; the smallest among ties (scikit-learn's SimpleImputer).
fn mode(sorted: &[f64]) -> f64 {
    let (mut best, mut best_count) = (sorted[0], 0);
    let mut i = 0;
    while i < sorted.len() {
        let run = sorted[i..].iter().take_while(|v| **v == sorted[i]).count();
        if run > best_count {
            (best, best_count) = (sorted[i], run);
        }
        i += run;
    }
    best
}

/// scikit-learn's scalers: a zero spread divides by 1. `values` are sorted for `robust`.
fn scaling(scale: Scale, values: &[f64]) -> Affine {
    let sorted = values;
    if sorted.is_empty() {
        return Affine {
            center: 0.0,
            divisor: 1.0,
        };
    }
    let n = sorted.len() as f64;
    let (center, spread) = match scale {
        Scale::Preserve => (0.0, 1.0),
        Scale::Standard => {
            let mean = sorted.iter().sum::<f64>() / n;
            let variance = sorted.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / n;
            (mean, variance.sqrt())
        }
        Scale::MinMax => {
            let (min, max) = min_max(values);
            (min, max - min)
        }
        Scale::MaxAbs => {
            let (min, max) = min_max(values);
            (0.0, min.abs().max(max.abs()))
        }
        Scale::Robust => (
            quantile(sorted, 0.5),
            quantile(sorted, 0.75) - quantile(sorted, 0.25),
        ),
    };
    Affine {
        center,
        divisor: if spread.is_finite() && spread > 0.0 {
            spread
        } else {
            1.0
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::data::table::Kind;

    /// Rows enough for several threads, in a shuffled order, with problems in more than one
    /// thread's share: the same matrix and problems as one thread makes.
    #[test]
    fn a_transform_on_several_threads_is_the_one_on_one() {
        let cells: Vec<String> = (0..100_000)
            .map(|i| match i % 9_999 {
                0 => "x".to_string(),
                1 => String::new(),
                _ => (i as f64 / 7.0).to_string(),
            })
            .collect();
        let raw = column(&cells.iter().map(String::as_str).collect::<Vec<_>>());
        let steps = Pipeline {
            columns: vec![fit_step(
                "c",
                &raw,
                Kind::Number,
                &options(r#"{"scale": "standard"}"#, Kind::Number),
                &Rows {
                    train: &[2, 3, 4],
                    sorted: &[2, 3, 4],
                },
                None,
            )
            .unwrap()],
        };
        let rows: Vec<usize> = (0..100_000).map(|i| (i * 7_919) % 100_000).collect();
        let transformer = steps.transformer();
        let (all, problems) = transformer.transform(&[&raw], &rows, false).unwrap();
        let mut one = Array2::zeros((rows.len(), 1));
        let part = transformer.transform_part(
            &[&raw],
            &[HashSet::new()],
            &rows,
            false,
            one.as_slice_mut().unwrap(),
        );
        assert_eq!(all.as_slice().unwrap().len(), 100_000);
        assert!(all
            .iter()
            .zip(one.iter())
            .all(|(a, b)| a == b || (a.is_nan() && b.is_nan())));
        let first = part.found[0].as_ref().unwrap();
        assert_eq!(problems.columns.len(), 1);
        assert_eq!(
            (problems.columns[0].first_row, problems.columns[0].count),
            (first.first_row, first.count)
        );
        assert_eq!(problems.columns[0].first_row, 0);
        assert_eq!(
            problems.rows.len(),
            part.bad_row.iter().filter(|&&b| b).count()
        );
        // No columns: nothing to share out.
        let empty = Pipeline::default();
        let (x, _) = empty.transformer().transform(&[], &rows, false).unwrap();
        assert_eq!(x.dim(), (100_000, 0));
    }

    fn column(cells: &[&str]) -> RawColumn {
        let mut c = RawColumn::default();
        for cell in cells {
            c.push_cell(cell.as_bytes());
        }
        c
    }

    fn options(json: &str, kind: Kind) -> ColumnOptions {
        Spec::parse(Some(&format!("{{\"c\": {json}}}")))
            .unwrap()
            .for_column("c", kind)
            .unwrap()
    }

    fn run(
        cells: &[&str],
        kind: Kind,
        json: &str,
        train: &[usize],
        rows: &[usize],
    ) -> (Step, Vec<Vec<f64>>, Problems) {
        let c = column(cells);
        let pipeline = Pipeline::fit(&[("c", &c, kind, options(json, kind))], train, None).unwrap();
        let (x, problems) = pipeline
            .transformer()
            .transform(&[&c], rows, false)
            .unwrap();
        let rows = x.rows().into_iter().map(|r| r.to_vec()).collect();
        (pipeline.columns[0].clone(), rows, problems)
    }

    #[test]
    fn numbers_are_imputed_from_train_rows_then_scaled() {
        // Train rows 0..4; row 4 (a test row) must not move the statistics.
        let cells = ["1", "", "3", "8", "1000", ""];
        let (step, x, problems) = run(
            &cells,
            Kind::Number,
            r#"{"impute": "mean", "scale": "standard"}"#,
            &[0, 1, 2, 3],
            &[0, 1, 2, 3, 4, 5],
        );
        assert_eq!(step.fill, Some(4.0));
        assert!(problems.is_empty());
        // Imputed train values 1, 4, 3, 8: mean 4, population std sqrt(6.5).
        let sd = 6.5f64.sqrt();
        assert_eq!(
            step.scaling,
            vec![Affine {
                center: 4.0,
                divisor: sd
            }]
        );
        assert_eq!(x[1][0], 0.0);
        assert!((x[4][0] - 996.0 / sd).abs() < 1e-12);
        for (impute, fill) in [
            ("median", 3.0),
            ("min", 1.0),
            ("max", 8.0),
            ("zero", 0.0),
            ("mode", 1.0),
        ] {
            let (step, _, _) = run(
                &cells,
                Kind::Number,
                &format!("{{\"impute\": \"{impute}\"}}"),
                &[0, 1, 2, 3],
                &[0],
            );
            assert_eq!(step.fill, Some(fill), "{impute}");
        }
    }

    /// Every column's missing values are reported, also in rows another column already made bad.
    #[test]
    fn missing_values_of_every_column_are_reported() {
        let (a, b) = (column(&["1", ""]), column(&["", ""]));
        let opts = options("{}", Kind::Number);
        let p = Pipeline::fit(
            &[
                ("a", &a, Kind::Number, opts.clone()),
                ("b", &b, Kind::Number, opts),
            ],
            &[0],
            None,
        );
        assert!(p.is_err(), "b has no values in the train rows");
        let b = column(&["2", ""]);
        let opts = options("{}", Kind::Number);
        let p = Pipeline::fit(
            &[
                ("a", &a, Kind::Number, opts.clone()),
                ("b", &b, Kind::Number, opts),
            ],
            &[0],
            None,
        )
        .unwrap();
        let (_, problems) = p
            .transformer()
            .transform(&[&a, &b], &[0, 1], false)
            .unwrap();
        assert_eq!(
            problems.describe(|r| r + 1),
            "column 'a' row 2: missing value; column 'b' row 2: missing value"
        );
    }

    #[test]
    fn missing_numbers_without_imputation_are_problems() {
        let (_, _, problems) = run(
            &["1", "", "3", "NA"],
            Kind::Number,
            "{}",
            &[0, 2],
            &[0, 1, 2, 3],
        );
        assert_eq!(problems.rows, vec![1, 3]);
        assert_eq!(
            problems.describe(|r| r + 1),
            "column 'c' row 2: missing value (2 rows)"
        );
        let (_, _, problems) = run(&["1", "x"], Kind::Number, "{}", &[0], &[1]);
        assert_eq!(
            problems.describe(|r| r + 1),
            "column 'c' row 2: 'x' is not a number"
        );
    }

    #[test]
    fn categories_by_first_appearance_with_missing_and_unknown() {
        let cells = ["b", "a", "", "b", "c"];
        let (step, x, _) = run(
            &cells,
            Kind::Categorical,
            "{}",
            &[0, 1, 2, 3],
            &[0, 1, 2, 3, 4],
        );
        let c = step.categories.unwrap();
        assert_eq!(c.values, vec![Some("b".into()), Some("a".into()), None]);
        assert_eq!(
            x,
            vec![vec![0.0], vec![1.0], vec![2.0], vec![0.0], vec![3.0]]
        );
        let (step, x, _) = run(
            &cells,
            Kind::Categorical,
            r#"{"encode": "one_hot"}"#,
            &[0, 1, 2, 3],
            &[2, 4],
        );
        assert_eq!(step.outputs, vec!["c=b", "c=a", "c=NA"]);
        assert_eq!(x, vec![vec![0.0, 0.0, 1.0], vec![0.0, 0.0, 0.0]]);
        let (step, x, _) = run(
            &cells,
            Kind::Categorical,
            r#"{"impute": "mode"}"#,
            &[0, 1, 2, 3],
            &[2],
        );
        assert_eq!(step.categories.unwrap().values.len(), 2);
        assert_eq!(x, vec![vec![0.0]]);
        let (_, x, _) = run(
            &["lo", "hi", "mid"],
            Kind::Categorical,
            r#"{"encode": {"ordinal": ["lo", "mid", "hi"]}}"#,
            &[0, 1, 2],
            &[0, 1, 2],
        );
        assert_eq!(x, vec![vec![0.0], vec![2.0], vec![1.0]]);
    }

    #[test]
    fn target_means_from_train_rows() {
        let c = column(&["x", "y", "x", "z"]);
        let y = ndarray::arr2(&[[1.0], [10.0], [3.0]]);
        let target = TargetTable {
            values: y,
            suffixes: vec![String::new()],
        };
        let opts = options(r#"{"encode": "target"}"#, Kind::Categorical);
        let p = Pipeline::fit(
            &[("c", &c, Kind::Categorical, opts)],
            &[0, 1, 2],
            Some(&target),
        )
        .unwrap();
        let (x, _) = p.transformer().transform(&[&c], &[0, 1, 3], false).unwrap();
        assert_eq!(x.column(0).to_vec(), vec![2.0, 10.0, 14.0 / 3.0]);
    }

    #[test]
    fn dates_expand_to_parts() {
        let (step, x, _) = run(
            &["2024-03-01", "", "2024-03-03"],
            Kind::Date,
            r#"{"impute": "min"}"#,
            &[0, 1, 2],
            &[1, 2],
        );
        assert_eq!(
            step.outputs,
            vec!["c.year", "c.month", "c.day", "c.weekday"]
        );
        assert_eq!(
            x,
            vec![vec![2024.0, 3.0, 1.0, 4.0], vec![2024.0, 3.0, 3.0, 6.0]]
        );
    }

    #[test]
    fn checks_refuse_what_transform_cannot_use() {
        let c = column(&["a", "b"]);
        let mut p = Pipeline::fit(
            &[(
                "c",
                &c,
                Kind::Categorical,
                options(r#"{"encode": "one_hot"}"#, Kind::Categorical),
            )],
            &[0, 1],
            None,
        )
        .unwrap();
        assert_eq!(p.check(&["c=a".into(), "c=b".into()]), Ok(()));
        assert!(p.check(&["c".into()]).is_err());
        p.columns[0].outputs.pop();
        assert!(p.check(&["c=a".into()]).is_err());
        let mut p = Pipeline::numeric(&["n".into()]);
        p.columns[0].fill = Some(f64::NAN);
        assert!(p.check(&["n".into()]).is_err());
        // Statistics no fit makes: a center beyond 1e150, a divisor that is not positive.
        for (center, divisor) in [(1e300, 1.0), (0.0, -1.0), (0.0, 0.0)] {
            let mut p = Pipeline::numeric(&["n".into()]);
            p.columns[0].scale = Scale::Standard;
            p.columns[0].scaling = vec![Affine { center, divisor }];
            assert!(p.check(&["n".into()]).is_err(), "{center} {divisor}");
        }
        // A date fill no calendar holds (its parts would wrap around or be NaN).
        let (mut step, _, _) = run(
            &["2024-03-01"],
            Kind::Date,
            r#"{"impute": "min"}"#,
            &[0],
            &[0],
        );
        let outputs = step.outputs.clone();
        assert_eq!(
            Pipeline {
                columns: vec![step.clone()]
            }
            .check(&outputs),
            Ok(())
        );
        step.fill = Some(1e15);
        assert!(Pipeline {
            columns: vec![step]
        }
        .check(&outputs)
        .is_err());
        // Target means beyond 1e150 would reach the model as they are.
        let c = column(&["x", "y"]);
        let target = TargetTable {
            values: ndarray::arr2(&[[1.0], [2.0]]),
            suffixes: vec![String::new()],
        };
        let opts = options(r#"{"encode": "target"}"#, Kind::Categorical);
        let mut p = Pipeline::fit(
            &[("c", &c, Kind::Categorical, opts)],
            &[0, 1],
            Some(&target),
        )
        .unwrap();
        assert_eq!(p.check(&["c".into()]), Ok(()));
        p.columns[0].categories.as_mut().unwrap().target_means[0][0] = 1e300;
        assert!(p.check(&["c".into()]).is_err());
    }

    /// `info` describes files that `check` refuses: an index out of range is not followed.
    #[test]
    fn describe_trusts_no_index() {
        let (mut step, _, _) = run(
            &["a", "", "b"],
            Kind::Categorical,
            r#"{"impute": "mode"}"#,
            &[0, 1, 2],
            &[0],
        );
        step.categories.as_mut().unwrap().missing_as = Some(99);
        let lines = Pipeline {
            columns: vec![step],
        }
        .describe();
        assert_eq!(lines, vec!["c (categorical), 1 missing in train rows, impute mode, encode native over 2 categories ['a', 'b']"]);
    }

    #[test]
    fn statistics_far_from_one_are_shown_with_an_exponent() {
        let shown: Vec<String> = [-1.7e-309, 2.5e-7, 0.5, 0.0, 1234.0, 3e20]
            .into_iter()
            .map(compact)
            .collect();
        assert_eq!(shown, ["-1.7e-309", "2.5e-7", "0.5", "0", "1234", "3e20"]);
    }

    /// A value within range that scaling carries beyond it is a problem of its row: the model
    /// never gets inf, NaN or 1e300 from a finite cell.
    #[test]
    fn values_that_leave_the_range_once_scaled_are_problems() {
        let cells = ["0", "1e-300", "1e150", ""];
        let (step, x, problems) = run(
            &cells,
            Kind::Number,
            r#"{"scale": "min_max"}"#,
            &[0, 1],
            &[0, 1, 2],
        );
        assert_eq!(step.scaling[0].divisor, 1e-300);
        assert_eq!(problems.rows, vec![2]);
        assert_eq!(
            problems.describe(|r| r + 1),
            "column 'c' row 3: 1e150 becomes inf once preprocessed (pgml-cli accepts magnitudes up to 1e150)"
        );
        assert_eq!(x[1], vec![1.0]);
        assert!(x[2][0].is_nan());
        // A missing value for a model that takes them stays NaN, and is no problem.
        let c = column(&cells);
        let opts = options(r#"{"scale": "min_max"}"#, Kind::Number);
        let p = Pipeline::fit(&[("c", &c, Kind::Number, opts)], &[0, 1], None).unwrap();
        let (x, problems) = p.transformer().transform(&[&c], &[3], true).unwrap();
        assert!(problems.is_empty() && x[[0, 0]].is_nan());
    }

    #[test]
    fn a_matrix_beyond_memory_is_refused() {
        for (rows, width) in [(usize::MAX / 2, 4), (1 << 40, 1 << 20), (1 << 30, 1 << 20)] {
            let why = matrix(rows, width).unwrap_err();
            assert!(
                why.contains("one-hot encoding makes a feature per category"),
                "{why}"
            );
        }
        assert_eq!(matrix(2, 3).unwrap().dim(), (2, 3));
    }
}
