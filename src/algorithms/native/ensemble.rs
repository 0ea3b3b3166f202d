//! pgml-cli's own form of tree ensembles fitted by other libraries (xgboost, lightgbm,
//! scikit-learn): what `predict` walks, without Python, for a model trained on the Python
//! runtime. docs/model-format.md describes it; python/pgml_runtime.py (`native_trees`) converts
//! each library's model into it at train time, and the conversion is kept only when its
//! predictions equal the library's on the train and test rows.
//!
//! Not the native forest of `trees.rs`: that one's postcard layout is fixed by the model files
//! written since pgml-cli 0.1 (postcard has no optional fields) and it has one semantics
//! (float64 `<=`, no missing values, averaged). These trees need a comparison per library,
//! a default direction for missing values, sums with a base score and a link function.

use ndarray::{Array2, ArrayView2, Axis};
use serde::{Deserialize, Serialize};

use super::argmax_rows;
use crate::error::{Error, Result};
use crate::runtime::{Estimator, Prediction};
use crate::task::Task;

/// What a Python model's payload may carry after the library's bytes. Variants are only ever
/// appended (postcard stores the index).
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq)]
pub enum NativeForm {
    Trees(Ensemble),
}

/// How a split compares a feature value `x` with its threshold; true sends the row left.
#[derive(Serialize, Deserialize, Debug, Clone, Copy, PartialEq, Eq)]
pub enum Compare {
    /// xgboost: `x < threshold`, both as float32.
    LessF32,
    /// scikit-learn: `x` cast to float32 (as scikit-learn casts its input), then
    /// `x <= threshold` in float64.
    LessEqualCastF32,
    /// lightgbm: `x <= threshold` in float64.
    LessEqual,
}

/// Where a missing value (NaN) goes at a split.
#[derive(Serialize, Deserialize, Debug, Clone, Copy, PartialEq, Eq)]
pub enum Missing {
    /// NaN takes the split's default direction (xgboost, scikit-learn, lightgbm `NaN`).
    Nan,
    /// NaN and zero (|x| <= 1e-35) take the default direction (lightgbm `Zero`).
    ZeroOrNan,
    /// NaN is compared as 0.0 (lightgbm `None`).
    AsZero,
}

#[derive(Serialize, Deserialize, Debug, Clone, PartialEq)]
pub enum Node {
    Split {
        feature: u32,
        threshold: f64,
        left: u32,
        right: u32,
        missing: Missing,
        default_left: bool,
    },
    /// Index of the leaf's values in `leaves` (times the ensemble's `leaf_width`).
    Leaf(u32),
}

#[derive(Serialize, Deserialize, Debug, Clone, PartialEq)]
pub struct Tree {
    /// The output this tree adds to (leaf width 1), or 0 when its leaves hold every output.
    pub output: u32,
    pub nodes: Vec<Node>,
    pub leaves: Vec<f64>,
}

/// How the trees' leaf values become one output each.
#[derive(Serialize, Deserialize, Debug, Clone, Copy, PartialEq, Eq)]
pub enum Combine {
    /// `base + tree_1 + tree_2 + ...` in tree order (boosting; learning rates are in the leaves).
    Sum,
    /// `base + (tree_1 + tree_2 + ...) / trees of that output` (forests).
    Average,
}

/// The arithmetic of the sums and the link: xgboost's is float32, the others' float64.
#[derive(Serialize, Deserialize, Debug, Clone, Copy, PartialEq, Eq)]
pub enum Precision {
    F32,
    F64,
}

#[derive(Serialize, Deserialize, Debug, Clone, Copy, PartialEq, Eq)]
pub enum Link {
    /// Outputs as summed: regression values, or class probabilities of a forest.
    Identity,
    /// One output, the positive class's margin: probabilities `[1 - p, p]`, `p = 1/(1+e^-m)`.
    Sigmoid,
    /// One margin per class: probabilities `e^m_k / sum e^m`.
    Softmax,
}

#[derive(Serialize, Deserialize, Debug, Clone, PartialEq)]
pub struct Ensemble {
    pub features: u32,
    /// Margins per row: regression targets, 1 (binary), classes (softmax, forests).
    pub outputs: u32,
    /// Values per leaf: 1 (the tree adds to its `output`) or `outputs`.
    pub leaf_width: u32,
    pub compare: Compare,
    pub precision: Precision,
    pub combine: Combine,
    /// One per output, added before the link (xgboost's base margin, gradient boosting's prior).
    pub base: Vec<f64>,
    pub link: Link,
    pub trees: Vec<Tree>,
}

/// Deeper trees are refused (a trained one gets no native form, and says so): the libraries'
/// defaults grow far shallower trees, and a file's chain of millions of nodes would make every
/// row walk all of them.
const MAX_DEPTH: u32 = 10_000;

/// lightgbm's `kZeroThreshold` (a float32 constant compared in float64).
const ZERO: f64 = 1e-35_f32 as f64;

impl Ensemble {
    /// Columns of the result of `probabilities` (classification) or `margins` (regression).
    pub fn width(&self) -> usize {
        match self.link {
            Link::Sigmoid => 2,
            _ => self.outputs as usize,
        }
    }

    /// Checks everything prediction relies on, for the model's `features`: every index inside
    /// its array, every child after its parent (so a walk ends within the tree's node count:
    /// no cycle, no recursion), thresholds not NaN, base and leaf values finite, widths that
    /// fit the link.
    pub fn check(&self, features: usize) -> std::result::Result<(), String> {
        let outputs = self.outputs as usize;
        let width = self.leaf_width as usize;
        if self.features as usize != features {
            return Err(format!(
                "is for {} features; the header names {features}",
                self.features
            ));
        }
        if outputs == 0 || (width != 1 && width != outputs) {
            return Err(format!(
                "has {outputs} outputs and leaves of {width} values"
            ));
        }
        if self.base.len() != outputs || !self.base.iter().all(|b| b.is_finite()) {
            return Err(format!(
                "has {} base values for {outputs} outputs, or one not finite",
                self.base.len()
            ));
        }
        let link_fits = match self.link {
            Link::Identity => true,
            Link::Sigmoid => outputs == 1,
            Link::Softmax => outputs >= 2,
        };
        if !link_fits {
            return Err(format!("has a {:?} link over {outputs} outputs", self.link));
        }
        if self.trees.is_empty() {
            return Err("holds no trees".into());
        }
        for (t, tree) in self.trees.iter().enumerate() {
            tree.check(features, outputs, width)
                .map_err(|why| format!("has a bad tree {t}: {why}"))?;
        }
        if self.combine == Combine::Average && self.tree_counts().contains(&0) {
            return Err("averages an output no tree gives".into());
        }
        Ok(())
    }

    /// Trees per output (for averaging).
    fn tree_counts(&self) -> Vec<usize> {
        let mut counts = vec![0; self.outputs as usize];
        for tree in &self.trees {
            if self.leaf_width == 1 {
                counts[tree.output as usize] += 1;
            } else {
                counts.iter_mut().for_each(|c| *c += 1);
            }
        }
        counts
    }

    /// Outputs before the link, one row per row of `x`.
    pub fn margins(&self, x: ArrayView2<f64>) -> Result<Array2<f64>> {
        if x.ncols() != self.features as usize {
            return Err(Error::Model(format!(
                "the native form takes {} features, not {}",
                self.features,
                x.ncols()
            )));
        }
        match self.precision {
            Precision::F32 => self.margins_in::<f32>(x),
            Precision::F64 => self.margins_in::<f64>(x),
        }
    }

    fn margins_in<A: Accumulator>(&self, x: ArrayView2<f64>) -> Result<Array2<f64>> {
        let outputs = self.outputs as usize;
        let features = self.features as usize;
        let counts = self.tree_counts();
        let width = self.leaf_width as usize;
        let compiled: Vec<Walk> = self
            .trees
            .iter()
            .map(|t| Walk::compile(t, width, self.compare))
            .collect();
        // Features as the comparison sees them: scikit-learn and xgboost compare float32 values
        // (cast once here, not at every split); thresholds were cast alike by `Walk::compile`.
        let cast = |v: f64| match self.compare {
            Compare::LessEqual => v,
            Compare::LessF32 | Compare::LessEqualCastF32 => f64::from(v as f32),
        };
        // Rows in blocks over the cores; within a block one tree at a time (its nodes stay in
        // cache) and each row's sum still adds the trees in order, as the libraries do.
        const BLOCK: usize = 1024;
        let blocks = x.nrows().div_ceil(BLOCK);
        let parts = super::trees::on_all_cores(blocks, |b| {
            let rows = x.slice(ndarray::s![b * BLOCK..((b + 1) * BLOCK).min(x.nrows()), ..]);
            let n = rows.nrows();
            let values: Vec<f64> = rows.iter().map(|&v| cast(v)).collect();
            let mut sums: Vec<A> = match self.combine {
                Combine::Sum => (0..n)
                    .flat_map(|_| self.base.iter().map(|&b| A::start(b)))
                    .collect(),
                Combine::Average => vec![A::zero(); n * outputs],
            };
            for (tree, walk_tree) in self.trees.iter().zip(&compiled) {
                let first = if width == 1 { tree.output as usize } else { 0 };
                for start in (0..n).step_by(LANES) {
                    let lanes = (n - start).min(LANES);
                    let rows = &values[start * features..(start + lanes) * features];
                    let at = match self.compare {
                        Compare::LessF32 => walk::<true>(walk_tree, rows, features),
                        _ => walk::<false>(walk_tree, rows, features),
                    };
                    for (lane, &at) in at[..lanes].iter().enumerate() {
                        let sum = &mut sums[(start + lane) * outputs + first..][..width];
                        sum.iter_mut()
                            .zip(&tree.leaves[at..at + width])
                            .for_each(|(s, &v)| *s = s.add(v));
                    }
                }
            }
            Array2::from_shape_fn((n, outputs), |(r, k)| {
                let s = sums[r * outputs + k];
                match self.combine {
                    Combine::Sum => s.get(),
                    Combine::Average => A::start(self.base[k]).add(s.divide(counts[k])).get(),
                }
            })
        })?;
        let views: Vec<_> = parts.iter().map(|p| p.view()).collect();
        if views.is_empty() {
            return Ok(Array2::zeros((0, outputs)));
        }
        ndarray::concatenate(Axis(0), &views).map_err(|e| Error::Model(e.to_string()))
    }

    /// Class probabilities (the link applied to the margins), one column per model class.
    pub fn probabilities(&self, x: ArrayView2<f64>) -> Result<Array2<f64>> {
        let mut m = self.margins(x)?;
        Ok(match (self.link, self.precision) {
            (Link::Identity, _) => m,
            (Link::Sigmoid, precision) => {
                let p = m.column(0).mapv(|v| sigmoid(v, precision));
                let mut out = Array2::zeros((m.nrows(), 2));
                out.column_mut(0).assign(&p.mapv(|p| 1.0 - p));
                out.column_mut(1).assign(&p);
                out
            }
            (Link::Softmax, precision) => {
                m.rows_mut().into_iter().for_each(|mut row| {
                    softmax(row.as_slice_mut().into_iter().flatten(), precision)
                });
                m
            }
        })
    }
}

/// xgboost's float32 sigmoid (`common::Sigmoid`, exponent clamped at 88.7), else float64's.
fn sigmoid(m: f64, precision: Precision) -> f64 {
    if m.is_nan() {
        return m; // the clamp below would turn it into a confident 0
    }
    match precision {
        Precision::F32 => {
            let e = (-(m as f32)).min(88.7_f32).exp();
            f64::from(1.0_f32 / (e + 1.0_f32 + 1e-16_f32))
        }
        Precision::F64 => 1.0 / (1.0 + (-m).exp()),
    }
}

/// Softmax after subtracting the largest margin, in the ensemble's precision.
fn softmax<'a>(row: impl Iterator<Item = &'a mut f64>, precision: Precision) {
    let row: Vec<&mut f64> = row.collect();
    let max = row.iter().map(|v| **v).fold(f64::NEG_INFINITY, f64::max);
    match precision {
        Precision::F32 => {
            let exps: Vec<f32> = row
                .iter()
                .map(|v| ((**v as f32) - (max as f32)).exp())
                .collect();
            let sum: f64 = exps.iter().map(|&e| f64::from(e)).sum();
            for (v, e) in row.into_iter().zip(exps) {
                *v = f64::from(e / sum as f32);
            }
        }
        Precision::F64 => {
            let exps: Vec<f64> = row.iter().map(|v| (**v - max).exp()).collect();
            let sum: f64 = exps.iter().sum();
            for (v, e) in row.into_iter().zip(exps) {
                *v = e / sum;
            }
        }
    }
}

/// A running sum in float32 (xgboost) or float64.
trait Accumulator: Copy + Send {
    fn zero() -> Self;
    fn start(v: f64) -> Self;
    fn add(self, v: f64) -> Self;
    fn divide(self, n: usize) -> f64;
    fn get(self) -> f64;
}

impl Accumulator for f32 {
    fn zero() -> Self {
        0.0
    }
    fn start(v: f64) -> Self {
        v as f32
    }
    fn add(self, v: f64) -> Self {
        self + v as f32
    }
    fn divide(self, n: usize) -> f64 {
        f64::from(self / n as f32)
    }
    fn get(self) -> f64 {
        f64::from(self)
    }
}

impl Accumulator for f64 {
    fn zero() -> Self {
        0.0
    }
    fn start(v: f64) -> Self {
        v
    }
    fn add(self, v: f64) -> Self {
        self + v
    }
    fn divide(self, n: usize) -> f64 {
        self / n as f64
    }
    fn get(self) -> f64 {
        self
    }
}

impl Tree {
    fn check(
        &self,
        features: usize,
        outputs: usize,
        width: usize,
    ) -> std::result::Result<(), String> {
        let nodes = self.nodes.len();
        if nodes == 0 {
            return Err("no nodes".into());
        }
        if self.output as usize >= if width == 1 { outputs } else { 1 } {
            return Err(format!("adds to output {} of {outputs}", self.output));
        }
        // Children come after their parent, and each node has one parent (a shared child would
        // make a graph whose depth one pass cannot bound), so one pass in order sets every depth.
        let mut depth = vec![0u32; nodes];
        let mut has_parent = vec![false; nodes];
        for (i, node) in self.nodes.iter().enumerate() {
            match *node {
                Node::Split {
                    feature,
                    threshold,
                    left,
                    right,
                    ..
                } => {
                    let inside = |c: u32| (c as usize) > i && (c as usize) < nodes;
                    if !inside(left) || !inside(right) {
                        return Err(format!("node {i} links outside the tree or backwards"));
                    }
                    if depth[i] >= MAX_DEPTH {
                        return Err(format!("is deeper than {MAX_DEPTH} levels"));
                    }
                    for child in [left, right] {
                        if std::mem::replace(&mut has_parent[child as usize], true) {
                            return Err(format!("node {child} has two parents"));
                        }
                    }
                    depth[left as usize] = depth[i] + 1;
                    depth[right as usize] = depth[i] + 1;
                    if feature as usize >= features {
                        return Err(format!(
                            "node {i} splits on feature {feature} of {features}"
                        ));
                    }
                    if threshold.is_nan() {
                        return Err(format!("node {i} has a NaN threshold"));
                    }
                }
                Node::Leaf(leaf) => {
                    let end = (leaf as usize + 1).checked_mul(width);
                    if end.is_none_or(|end| end > self.leaves.len()) {
                        return Err(format!("node {i} points past the leaf values"));
                    }
                }
            }
        }
        if !self.leaves.iter().all(|v| v.is_finite()) {
            return Err("has a leaf value that is not finite".into());
        }
        Ok(())
    }
}

/// A Python-trained model predicting through its native form.
pub struct NativeTrees {
    ensemble: Ensemble,
    task: Task,
    /// Classification: the header's class index of each model class (probability column).
    classes: Vec<usize>,
    class_count: usize,
}

impl NativeTrees {
    /// The form checked for a model of `task` with `features`, `targets` and, for
    /// classification, the header's class index of each model class among `class_count`.
    pub fn new(
        form: NativeForm,
        task: Task,
        features: usize,
        targets: usize,
        classes: Vec<usize>,
        class_count: usize,
    ) -> std::result::Result<Self, String> {
        let NativeForm::Trees(ensemble) = form;
        ensemble.check(features)?;
        let width = ensemble.width();
        let fits = match task {
            Task::Regression => ensemble.link == Link::Identity && width == targets,
            // Class scores are summed margins under a link, or averaged class fractions.
            Task::Classification => {
                (ensemble.link != Link::Identity || ensemble.combine == Combine::Average)
                    && width == classes.len()
                    && classes.iter().all(|&c| c < class_count)
            }
            Task::Clustering | Task::Decomposition => false,
        };
        if !fits {
            return Err(format!(
                "gives {width} outputs ({:?} link), which do not fit {task} with {targets} target(s) and {} classes",
                ensemble.link,
                classes.len()
            ));
        }
        Ok(NativeTrees {
            ensemble,
            task,
            classes,
            class_count,
        })
    }
}

impl NativeTrees {
    /// The ensemble's class probabilities, refused unless each row is a distribution (finite,
    /// in [0, 1], summing to 1): sums that overflowed, or a form crafted to give scores outside
    /// [0, 1], must not become labels.
    fn probabilities(&self, x: ArrayView2<f64>) -> Result<Array2<f64>> {
        let p = self.ensemble.probabilities(x)?;
        for (row, values) in p.rows().into_iter().enumerate() {
            let sum: f64 = values.sum();
            let inside = values.iter().all(|v| (-1e-9..=1.0 + 1e-9).contains(v));
            if !inside || (sum - 1.0).abs() > 1e-5 {
                return Err(Error::Model(format!(
                    "the native form gives row {} class probabilities that are no distribution ({})",
                    row + 1,
                    values.iter().map(|v| v.to_string()).collect::<Vec<_>>().join(", ")
                )));
            }
        }
        Ok(p)
    }
}

impl Estimator for NativeTrees {
    fn predict(&self, x: ArrayView2<f64>) -> Result<Prediction> {
        Ok(match self.task {
            Task::Classification => {
                let p = self.probabilities(x)?;
                Prediction::Classes(
                    argmax_rows(&p)
                        .into_iter()
                        .map(|c| self.classes[c])
                        .collect(),
                )
            }
            _ => Prediction::Values(self.ensemble.margins(x)?),
        })
    }

    fn predict_proba(&self, x: ArrayView2<f64>) -> Result<Option<Array2<f64>>> {
        if self.task != Task::Classification {
            return Ok(None);
        }
        let p = self.probabilities(x)?;
        let mut all = Array2::zeros((p.nrows(), self.class_count));
        for (column, &class) in self.classes.iter().enumerate() {
            all.column_mut(class).assign(&p.column(column));
        }
        Ok(Some(all))
    }

    fn payload(&self) -> Result<Vec<u8>> {
        Err(Error::fit(
            "a native form is stored beside its library's model, never alone",
        ))
    }
}

/// A node as the walk reads it, built from a checked `Tree` for each prediction.
#[derive(Clone, Copy)]
struct Step {
    /// The threshold cast as the comparison casts the feature (float32 for xgboost).
    threshold: f64,
    /// 0 for a leaf (any feature will do: a leaf is its own two children).
    feature: u32,
    left: u32,
    right: u32,
    /// Where a missing value goes (for lightgbm `None`: where 0.0 goes).
    default_left: bool,
    /// Values with |x| <= 1e-35 are missing too (lightgbm `Zero`).
    zero_missing: bool,
}

/// A tree as the walk reads it: its steps, each leaf's first value in the tree's `leaves`, and
/// its depth. Leaves point to themselves, so a walk is `depth` steps without a test for leaves.
struct Walk {
    steps: Vec<Step>,
    leaf_values: Vec<u32>,
    depth: usize,
}

impl Walk {
    /// `tree`'s nodes, thresholds cast for `compare`, leaves as offsets into its values.
    fn compile(tree: &Tree, width: usize, compare: Compare) -> Walk {
        let cast = |threshold: f64| match compare {
            Compare::LessF32 => f64::from(threshold as f32),
            Compare::LessEqualCastF32 | Compare::LessEqual => threshold,
        };
        let mut depths = vec![0; tree.nodes.len()];
        let mut walk = Walk {
            steps: Vec::with_capacity(tree.nodes.len()),
            leaf_values: vec![0; tree.nodes.len()],
            depth: 0,
        };
        for (i, node) in tree.nodes.iter().enumerate() {
            let step = match *node {
                Node::Split {
                    feature,
                    threshold,
                    left,
                    right,
                    missing,
                    default_left,
                } => {
                    // Children come after their parents (checked when the model was read).
                    for child in [left, right] {
                        depths[child as usize] = depths[i] + 1;
                    }
                    let threshold = cast(threshold);
                    Step {
                        threshold,
                        feature,
                        left,
                        right,
                        default_left: match missing {
                            Missing::AsZero if matches!(compare, Compare::LessF32) => {
                                0.0 < threshold
                            }
                            Missing::AsZero => 0.0 <= threshold,
                            Missing::Nan | Missing::ZeroOrNan => default_left,
                        },
                        zero_missing: missing == Missing::ZeroOrNan,
                    }
                }
                Node::Leaf(leaf) => {
                    walk.leaf_values[i] = leaf * width as u32;
                    Step {
                        threshold: 0.0,
                        feature: 0,
                        left: i as u32,
                        right: i as u32,
                        default_left: false,
                        zero_missing: false,
                    }
                }
            };
            walk.depth = walk.depth.max(depths[i]);
            walk.steps.push(step);
        }
        walk
    }
}

/// Rows walked through a tree together: their independent walks overlap in the processor.
const LANES: usize = 16;

/// For each of up to `LANES` rows (`rows`, `features` values each, cast as the comparison
/// wants), the offset of the leaf values it reaches: one step per level. `STRICT`:
/// `x < threshold` (xgboost), else `<=`.
fn walk<const STRICT: bool>(tree: &Walk, rows: &[f64], features: usize) -> [usize; LANES] {
    let lanes = rows.len() / features.max(1);
    let mut at = [0usize; LANES];
    for _ in 0..tree.depth {
        for (lane, at) in at[..lanes].iter_mut().enumerate() {
            let step = &tree.steps[*at];
            let x = rows[lane * features + step.feature as usize];
            let missing = x.is_nan() || (step.zero_missing && x.abs() <= ZERO);
            let below = if STRICT {
                x < step.threshold
            } else {
                x <= step.threshold
            };
            let left = if missing { step.default_left } else { below };
            *at = if left { step.left } else { step.right } as usize;
        }
        // Unbalanced trees (scikit-learn's forests): every lane may be at a leaf early.
        if at[..lanes]
            .iter()
            .all(|&a| tree.steps[a].left as usize == a)
        {
            break;
        }
    }
    at.map(|i| tree.leaf_values[i] as usize)
}
