//! Growing one tree, depth first: each node takes the best split among `max_features` random
//! features, found from per-bin label statistics of the node's rows (see `bins`).

use rand::seq::SliceRandom;
use rand_xoshiro::Xoshiro256PlusPlus;

use super::bins::Bins;
use super::{Criterion, Labels, Node, Settings, Tree};

/// A training row in a node; bootstrap draws of one row make one sample of that weight.
#[derive(Clone, Copy)]
pub(super) struct Sample {
    pub row: usize,
    pub weight: f64,
    /// The regression target, or the class index.
    pub label: f64,
}

/// Samples for `weights` (row, weight), rows of weight 0 left out.
pub(super) fn samples(labels: &Labels, weights: impl Iterator<Item = (usize, f64)>) -> Vec<Sample> {
    weights
        .filter(|&(_, weight)| weight > 0.0)
        .map(|(row, weight)| Sample {
            row,
            weight,
            label: match labels {
                Labels::Classes { y, .. } => y[row] as f64,
                Labels::Values(y) => y[row],
            },
        })
        .collect()
}

/// Label statistics of some samples are `slots` numbers: their weight, then the weight of each
/// class (classification) or the weighted sum and sum of squares of the target (regression).
fn slots(labels: &Labels) -> usize {
    match labels {
        Labels::Classes { count, .. } => 1 + count,
        Labels::Values(_) => 3,
    }
}

#[inline(always)]
fn add(stats: &mut [f64], sample: &Sample, regression: bool) {
    stats[0] += sample.weight;
    if regression {
        stats[1] += sample.weight * sample.label;
        stats[2] += sample.weight * sample.label * sample.label;
    } else {
        stats[1 + sample.label as usize] += sample.weight;
    }
}

/// Weight times impurity: what a split minimizes summed over its two sides.
#[inline(always)]
pub(super) fn cost(stats: &[f64], criterion: Criterion) -> f64 {
    let n = stats[0];
    match criterion {
        Criterion::SquaredError => stats[2] - stats[1] * stats[1] / n,
        Criterion::Gini => n - stats[1..].iter().map(|c| c * c).sum::<f64>() / n,
        Criterion::Entropy => -stats[1..]
            .iter()
            .filter(|&&c| c > 0.0)
            .map(|c| c * (c / n).log2())
            .sum::<f64>(),
    }
}

pub(super) struct Split {
    pub feature: usize,
    pub threshold: f64,
    /// The last bin that goes left (histogram search).
    pub bin: u8,
    score: f64,
}

/// The running search for a node's best split: splits are offered in order, the first of the
/// best score wins (as in the exact search: features in their drawn order, thresholds rising).
pub(super) struct Search<'s> {
    settings: &'s Settings,
    total: Vec<f64>,
    best: Option<Split>,
}

impl Search<'_> {
    /// Offers the split with `left` (statistics) on the left and the rest on the right;
    /// `right` is scratch space of the same length.
    #[inline(always)]
    pub(super) fn offer(
        &mut self,
        left: &[f64],
        right: &mut [f64],
        feature: usize,
        bin: u8,
        threshold: impl FnOnce() -> f64,
    ) {
        let total = &self.total[..left.len()];
        let min_leaf = self.settings.min_samples_leaf as f64;
        if left[0] < min_leaf || total[0] - left[0] < min_leaf {
            return;
        }
        for ((r, t), l) in right.iter_mut().zip(total).zip(left) {
            *r = t - l;
        }
        let criterion = self.settings.criterion;
        let score = -(cost(left, criterion) + cost(right, criterion));
        if self.best.as_ref().is_none_or(|b| score > b.score) {
            self.best = Some(Split {
                feature,
                threshold: threshold(),
                bin,
                score,
            });
        }
    }
}

/// Where split candidates come from.
pub(super) trait Splitter {
    fn features(&self) -> usize;
    /// Offers `search` every split of `feature` over `samples`, thresholds rising, the left side
    /// cleared first; false (offering none) when the feature is constant there.
    fn scan(&mut self, feature: usize, samples: &[Sample], search: &mut Search) -> bool;
    fn goes_left(&self, split: &Split, row: usize) -> bool;
}

/// Split search on binned features: a node's rows are added into per-bin statistics, and the
/// bins holding rows are scanned in order. A 256-bit map of those bins keeps the cost
/// proportional to the node's rows (no sort, no pass over empty bins), so small nodes are cheap too.
pub(super) struct Histogram<'b> {
    bins: &'b Bins,
    regression: bool,
    slots: usize,
    /// Per bin statistics of one feature, all zero between scans.
    stats: Vec<f64>,
    /// The left and right sides' statistics where their length is not a constant.
    left: Vec<f64>,
    right: Vec<f64>,
}

impl<'b> Histogram<'b> {
    pub(super) fn new(bins: &'b Bins, labels: &Labels) -> Self {
        let slots = slots(labels);
        Histogram {
            bins,
            regression: matches!(labels, Labels::Values(_)),
            slots,
            stats: vec![0.0; 256 * slots],
            left: vec![0.0; slots],
            right: vec![0.0; slots],
        }
    }

    /// `scan` for regression or not, with `SLOTS` statistics (0: `self.slots`).
    fn scan_with<const REGRESSION: bool, const SLOTS: usize>(
        &mut self,
        feature: usize,
        samples: &[Sample],
        search: &mut Search,
    ) -> bool {
        let column = self.bins.column(feature);
        let slots = if SLOTS > 0 { SLOTS } else { self.slots };
        let mut used = [0u64; 4];
        for sample in samples {
            let bin = column[sample.row] as usize;
            used[bin / 64] |= 1 << (bin % 64);
            add(
                &mut self.stats[bin * slots..(bin + 1) * slots],
                sample,
                REGRESSION,
            );
        }
        let constant = used.iter().map(|w| w.count_ones()).sum::<u32>() < 2;
        // Local arrays where the length is known, so the sums can stay in registers.
        let mut sides = [[0.0; 4]; 2];
        let (left, right) = if SLOTS > 0 {
            let [left, right] = &mut sides;
            (&mut left[..SLOTS], &mut right[..SLOTS])
        } else {
            self.left.fill(0.0);
            (&mut self.left[..], &mut self.right[..])
        };
        let mut previous: Option<usize> = None;
        for (word, mut bits) in used.into_iter().enumerate() {
            while bits != 0 {
                let bin = word * 64 + bits.trailing_zeros() as usize;
                bits &= bits - 1;
                if let Some(p) = previous.filter(|_| !constant) {
                    let bins = self.bins;
                    search.offer(left, right, feature, p as u8, || {
                        bins.threshold(feature, p, bin)
                    });
                }
                let stats = &mut self.stats[bin * slots..(bin + 1) * slots];
                left.iter_mut().zip(stats.iter()).for_each(|(l, s)| *l += s);
                stats.fill(0.0);
                previous = Some(bin);
            }
        }
        !constant
    }
}

impl Splitter for Histogram<'_> {
    fn features(&self) -> usize {
        self.bins.features()
    }

    fn scan(&mut self, feature: usize, samples: &[Sample], search: &mut Search) -> bool {
        // Statistics of a known length let the compiler unroll the per-bin work.
        match (self.regression, self.slots) {
            (true, _) => self.scan_with::<true, 3>(feature, samples, search),
            (false, 3) => self.scan_with::<false, 3>(feature, samples, search),
            (false, 4) => self.scan_with::<false, 4>(feature, samples, search),
            _ => self.scan_with::<false, 0>(feature, samples, search),
        }
    }

    fn goes_left(&self, split: &Split, row: usize) -> bool {
        self.bins.column(split.feature)[row] <= split.bin
    }
}

/// The best split among `max_features` random features; like scikit-learn, constant features do
/// not count towards that number, and more are drawn until one can split or none are left.
fn best_split<'s>(
    splitter: &mut impl Splitter,
    samples: &[Sample],
    search: &mut Search<'s>,
    order: &mut [usize],
    rng: &mut Xoshiro256PlusPlus,
) -> Option<Split> {
    order.shuffle(rng);
    search.best = None;
    let mut tried = 0;
    for &feature in order.iter() {
        if tried >= search.settings.max_features && search.best.is_some() {
            break;
        }
        if splitter.scan(feature, samples, search) {
            tried += 1;
        }
    }
    search.best.take()
}

/// Grows one tree on `samples`, depth first.
pub(super) fn grow(
    splitter: &mut impl Splitter,
    labels: &Labels,
    mut samples: Vec<Sample>,
    s: &Settings,
    rng: &mut Xoshiro256PlusPlus,
) -> Tree {
    let width = labels.width();
    let regression = matches!(labels, Labels::Values(_));
    let slots = slots(labels);
    let mut tree = Tree {
        nodes: vec![Node::Leaf(0)],
        leaf_values: Vec::new(),
        width,
    };
    let mut order: Vec<usize> = (0..splitter.features()).collect();
    let mut search = Search {
        settings: s,
        total: vec![0.0; slots],
        best: None,
    };
    // (node index, first sample, end sample, depth)
    let mut stack = vec![(0usize, 0usize, samples.len(), 0usize)];
    while let Some((node, start, end, depth)) = stack.pop() {
        let node_samples = &mut samples[start..end];
        search.total.fill(0.0);
        node_samples
            .iter()
            .for_each(|sample| add(&mut search.total, sample, regression));
        let size = search.total[0];
        let split = if depth >= s.max_depth
            || size < s.min_samples_split as f64
            || size < 2.0 * s.min_samples_leaf as f64
            || cost(&search.total, s.criterion) / size <= 1e-12
        {
            None
        } else {
            best_split(splitter, node_samples, &mut search, &mut order, rng)
        };
        let Some(best) = split else {
            tree.nodes[node] = Node::Leaf((tree.leaf_values.len() / width) as u32);
            let values = if regression {
                &search.total[1..2]
            } else {
                &search.total[1..]
            };
            tree.leaf_values.extend(values.iter().map(|v| v / size));
            continue;
        };
        let mut middle = 0;
        for i in 0..node_samples.len() {
            if splitter.goes_left(&best, node_samples[i].row) {
                node_samples.swap(i, middle);
                middle += 1;
            }
        }
        let (left, right) = (tree.nodes.len(), tree.nodes.len() + 1);
        tree.nodes.push(Node::Leaf(0));
        tree.nodes.push(Node::Leaf(0));
        tree.nodes[node] = Node::Split {
            feature: best.feature as u32,
            threshold: best.threshold,
            left: left as u32,
            right: right as u32,
        };
        stack.push((right, start + middle, end, depth + 1));
        stack.push((left, start, start + middle, depth + 1));
    }
    tree
}

#[cfg(test)]
mod tests {
    use super::super::{fit_tree, grow_forest, midpoint, Forest};
    use super::*;
    use ndarray::{Array1, Array2, ArrayView2};
    use rand::{Rng, SeedableRng};

    /// The exact search the histograms replace: a node's rows sorted by each feature, every
    /// threshold between two distinct values tried.
    struct Exact {
        columns: Vec<f64>,
        rows: usize,
        features: usize,
    }

    impl Exact {
        fn new(x: ArrayView2<f64>) -> Self {
            Exact {
                columns: x.t().iter().copied().collect(),
                rows: x.nrows(),
                features: x.ncols(),
            }
        }

        fn column(&self, feature: usize) -> &[f64] {
            &self.columns[feature * self.rows..(feature + 1) * self.rows]
        }
    }

    impl Splitter for Exact {
        fn features(&self) -> usize {
            self.features
        }

        fn scan(&mut self, feature: usize, samples: &[Sample], search: &mut Search) -> bool {
            let column = self.column(feature);
            let mut sorted: Vec<(f64, &Sample)> =
                samples.iter().map(|s| (column[s.row], s)).collect();
            sorted.sort_by(|a, b| a.0.total_cmp(&b.0));
            if sorted[0].0 == sorted[sorted.len() - 1].0 {
                return false;
            }
            let regression = search.settings.criterion == Criterion::SquaredError;
            let mut left = vec![0.0; search.total.len()];
            let mut right = left.clone();
            for pair in sorted.windows(2) {
                add(&mut left, pair[0].1, regression);
                if pair[0].0 != pair[1].0 {
                    search.offer(&left, &mut right, feature, 0, || {
                        midpoint(pair[0].0, pair[1].0)
                    });
                }
            }
            true
        }

        fn goes_left(&self, split: &Split, row: usize) -> bool {
            self.column(split.feature)[row] <= split.threshold
        }
    }

    fn settings(criterion: Criterion, max_features: usize, min_samples_leaf: usize) -> Settings {
        Settings {
            criterion,
            max_depth: usize::MAX,
            min_samples_split: 2,
            min_samples_leaf,
            max_features,
        }
    }

    /// Rows of `features` columns in [-4, 4); column j takes `values(j)` distinct values.
    fn data(rows: usize, features: usize, values: impl Fn(usize) -> u32, seed: u64) -> Array2<f64> {
        let mut rng = Xoshiro256PlusPlus::seed_from_u64(seed);
        Array2::from_shape_fn((rows, features), |(_, j)| {
            let n = values(j);
            rng.gen_range(0..n) as f64 * 8.0 / n as f64 - 4.0
        })
    }

    fn classes(x: &Array2<f64>, noise: u64) -> Array1<usize> {
        let mut rng = Xoshiro256PlusPlus::seed_from_u64(noise);
        x.rows()
            .into_iter()
            .map(|r| {
                let score = r[0] + r[1] * r[1] / 4.0 - r[2] + rng.gen_range(-1.0..1.0);
                (score > 0.0) as usize + (score > 2.0) as usize
            })
            .collect()
    }

    fn values(x: &Array2<f64>, noise: u64) -> Array1<f64> {
        let mut rng = Xoshiro256PlusPlus::seed_from_u64(noise);
        x.rows()
            .into_iter()
            .map(|r| (3.0 * r[0] + r[1] * r[2] + rng.gen_range(-4.0..4.0)).round())
            .collect()
    }

    fn forests(x: &Array2<f64>, labels: &Labels, s: &Settings, trees: usize) -> (Forest, Forest) {
        let bins = Bins::new(x.view()).unwrap();
        let histogram = grow_forest(trees, x.nrows(), labels, s, 7, || {
            Histogram::new(&bins, labels)
        });
        let exact = grow_forest(trees, x.nrows(), labels, s, 7, || Exact::new(x.view()));
        (histogram.unwrap(), exact.unwrap())
    }

    #[test]
    fn where_each_bin_is_one_value_the_trees_are_the_exact_searchs() {
        // Up to 256 distinct values per feature: the bins lose nothing, so every split, threshold
        // and leaf must be the exact search's (integer targets keep all sums exact, so the
        // order in which they are added cannot break a tie differently).
        let x = data(3000, 5, |j| [2, 7, 40, 256, 1][j], 1);
        let (y, v) = (classes(&x, 2), values(&x, 3));
        let class_labels = Labels::Classes {
            y: y.view(),
            count: 3,
        };
        for (criterion, labels) in [
            (Criterion::Gini, &class_labels),
            (Criterion::Entropy, &class_labels),
            (Criterion::SquaredError, &Labels::Values(v.view())),
        ] {
            for (max_features, min_samples_leaf) in [(2, 1), (5, 1), (3, 4)] {
                let s = settings(criterion, max_features, min_samples_leaf);
                let (histogram, exact) = forests(&x, labels, &s, 4);
                assert!(exact.trees.iter().all(|t| t.nodes.len() > 50));
                assert!(histogram == exact, "{max_features} {min_samples_leaf}");
            }
            // A single tree on all rows, with a depth cap.
            let mut s = settings(criterion, 5, 1);
            s.max_depth = 6;
            let tree = fit_tree(x.view(), labels, &s, 3).unwrap();
            let mut rng = Xoshiro256PlusPlus::seed_from_u64(3);
            let all = samples(labels, (0..x.nrows()).map(|row| (row, 1.0)));
            let exact = grow(&mut Exact::new(x.view()), labels, all, &s, &mut rng);
            assert_eq!(tree.trees[0], exact);
        }
    }

    fn r2(forest: &Forest, x: &Array2<f64>, y: &Array1<f64>) -> f64 {
        let p = forest.predict_values(x.view()).unwrap();
        let mean = y.mean().unwrap();
        1.0 - (&p - y).mapv(|e| e * e).sum() / y.mapv(|v| (v - mean).powi(2)).sum()
    }

    fn accuracy(forest: &Forest, x: &Array2<f64>, y: &Array1<usize>) -> f64 {
        let p = forest.average(x.view()).unwrap();
        let hits = p
            .rows()
            .into_iter()
            .zip(y)
            .filter(|(row, &c)| row.iter().enumerate().all(|(k, &q)| q <= row[c] || k == c));
        hits.count() as f64 / y.len() as f64
    }

    #[test]
    fn with_more_values_than_bins_the_forests_fit_as_well_as_the_exact_ones() {
        // Continuous features (thousands of distinct values each): 256 quantile bins.
        let x = data(6000, 4, |_| 100_000, 4);
        let (train, test) = (
            x.slice(ndarray::s![..4000, ..]).to_owned(),
            x.slice(ndarray::s![4000.., ..]).to_owned(),
        );
        let v = values(&x, 5);
        let (v_train, v_test) = (
            v.slice(ndarray::s![..4000]).to_owned(),
            v.slice(ndarray::s![4000..]).to_owned(),
        );
        let s = settings(Criterion::SquaredError, 4, 1);
        let (histogram, exact) = forests(&train, &Labels::Values(v_train.view()), &s, 10);
        let (h, e) = (r2(&histogram, &test, &v_test), r2(&exact, &test, &v_test));
        eprintln!("R2 {h} {e}");
        assert!(e > 0.8 && (h - e).abs() < 0.02, "r2 {h} against exact {e}");

        let y = classes(&x, 6);
        let (y_train, y_test) = (
            y.slice(ndarray::s![..4000]).to_owned(),
            y.slice(ndarray::s![4000..]).to_owned(),
        );
        let s = settings(Criterion::Gini, 2, 1);
        let labels = Labels::Classes {
            y: y_train.view(),
            count: 3,
        };
        let (histogram, exact) = forests(&train, &labels, &s, 10);
        let (h, e) = (
            accuracy(&histogram, &test, &y_test),
            accuracy(&exact, &test, &y_test),
        );
        assert!(
            e > 0.7 && (h - e).abs() < 0.02,
            "accuracy {h} against exact {e}"
        );
    }
}
