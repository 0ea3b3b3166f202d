//! Every metric, computed here for every runtime so all models are measured the same way.
//! Definitions follow scikit-learn's (the reference PostgresML users compare against).

use std::collections::BTreeMap;

use ndarray::{ArrayView1, ArrayView2, Axis};

use crate::data::Targets;
use crate::error::{Error, Result};
use crate::runtime::Prediction;
use crate::task::Task;

pub type Metrics = BTreeMap<String, f64>;

/// The task's metrics for a model's output on rows `x` whose truth is known.
pub fn score(
    task: Task,
    x: ArrayView2<f64>,
    truth: &Targets,
    prediction: &Prediction,
    proba: Option<ArrayView2<f64>>,
) -> Result<Metrics> {
    Ok(match (prediction, truth) {
        (Prediction::Values(predicted), Targets::Values(y)) => {
            regression(y.view(), predicted.view())
        }
        (Prediction::Classes(predicted), Targets::Classes { y, labels }) => {
            classification(&y.to_vec(), predicted, proba, labels.len())
        }
        (Prediction::Clusters(clusters), Targets::None) => silhouette(x, clusters)
            .map(|s| Metrics::from([("silhouette".into(), s)]))
            .unwrap_or_default(),
        (Prediction::Values(projected), Targets::None) if task == Task::Decomposition => {
            explained_variance(x, projected.view())
                .map(|v| Metrics::from([("cumulative_explained_variance".into(), v)]))
                .unwrap_or_default()
        }
        _ => {
            return Err(Error::fit(format!(
                "the model's output does not fit a {task} task"
            )))
        }
    })
}

/// Silhouette is O(n²): beyond this many test rows it is computed on the first ones.
pub const SILHOUETTE_MAX_ROWS: usize = 5000;

/// r2, mean_absolute_error, mean_squared_error, root_mean_squared_error; each averaged over targets.
pub fn regression(truth: ArrayView2<f64>, predicted: ArrayView2<f64>) -> Metrics {
    let targets = truth.ncols() as f64;
    let (mut r2, mut mae, mut mse, mut rmse) = (0.0, 0.0, 0.0, 0.0);
    for (t, p) in truth.columns().into_iter().zip(predicted.columns()) {
        let n = t.len() as f64;
        let residual: f64 = t.iter().zip(p).map(|(a, b)| (a - b).powi(2)).sum();
        let mean = t.sum() / n;
        let total: f64 = t.iter().map(|a| (a - mean).powi(2)).sum();
        // sklearn's conventions: undefined (NaN, which fails every gate) on one row; for a
        // constant target 1 if predicted exactly, else 0.
        r2 += if t.len() < 2 {
            f64::NAN
        } else if total > 0.0 {
            1.0 - residual / total
        } else if residual == 0.0 {
            1.0
        } else {
            0.0
        };
        mae += t.iter().zip(p).map(|(a, b)| (a - b).abs()).sum::<f64>() / n;
        mse += residual / n;
        rmse += (residual / n).sqrt();
    }
    Metrics::from([
        ("r2".into(), r2 / targets),
        ("mean_absolute_error".into(), mae / targets),
        ("mean_squared_error".into(), mse / targets),
        ("root_mean_squared_error".into(), rmse / targets),
    ])
}

/// accuracy, precision/recall/f1 (weighted, as PostgresML 1.0 reported them, and macro), mcc,
/// and from probabilities roc_auc (binary, or one-vs-one weighted) and log_loss.
pub fn classification(
    truth: &[usize],
    predicted: &[usize],
    proba: Option<ArrayView2<f64>>,
    classes: usize,
) -> Metrics {
    let n = truth.len() as f64;
    let confusion = confusion_matrix(truth, predicted, classes);
    let (true_count, predicted_count) = counts(&confusion);
    let correct: usize = (0..classes).map(|c| confusion[c][c]).sum();
    // Like sklearn, the classes averaged over are those in the truth or the predictions.
    let seen: Vec<usize> = (0..classes)
        .filter(|&c| true_count[c] + predicted_count[c] > 0)
        .collect();
    let (mut macro_avg, mut weighted) = ([0.0; 3], [0.0; 3]);
    for &c in &seen {
        let weight = true_count[c] as f64 / n;
        for (i, v) in class_scores(&confusion, (&true_count, &predicted_count), c)
            .into_iter()
            .enumerate()
        {
            macro_avg[i] += v / seen.len() as f64;
            weighted[i] += v * weight;
        }
    }
    let mut metrics = Metrics::from([
        ("accuracy".into(), correct as f64 / n),
        ("precision".into(), weighted[0]),
        ("recall".into(), weighted[1]),
        ("f1".into(), weighted[2]),
        ("precision_macro".into(), macro_avg[0]),
        ("recall_macro".into(), macro_avg[1]),
        ("f1_macro".into(), macro_avg[2]),
        (
            "mcc".into(),
            mcc(correct, &true_count, &predicted_count, truth.len()),
        ),
    ]);
    if let Some(proba) = proba {
        metrics.insert("log_loss".into(), log_loss(truth, proba));
        if let Some(auc) = roc_auc(truth, proba) {
            metrics.insert("roc_auc".into(), auc);
        }
    }
    metrics
}

/// Per class precision, recall, f1 and support, and the confusion matrix (rows: true class,
/// columns: predicted), as scikit-learn's classification_report and confusion_matrix.
#[derive(serde::Serialize, Debug, Clone, PartialEq)]
pub struct ClassReport {
    pub classes: Vec<ClassScores>,
    pub confusion_matrix: Vec<Vec<usize>>,
}

#[derive(serde::Serialize, Debug, Clone, PartialEq)]
pub struct ClassScores {
    pub label: String,
    pub precision: f64,
    pub recall: f64,
    pub f1: f64,
    pub support: usize,
}

pub fn class_report(truth: &[usize], predicted: &[usize], labels: &[String]) -> ClassReport {
    let confusion = confusion_matrix(truth, predicted, labels.len());
    let (true_count, predicted_count) = counts(&confusion);
    ClassReport {
        classes: labels
            .iter()
            .enumerate()
            .map(|(c, label)| {
                let [precision, recall, f1] =
                    class_scores(&confusion, (&true_count, &predicted_count), c);
                ClassScores {
                    label: label.clone(),
                    precision,
                    recall,
                    f1,
                    support: true_count[c],
                }
            })
            .collect(),
        confusion_matrix: confusion,
    }
}

fn confusion_matrix(truth: &[usize], predicted: &[usize], classes: usize) -> Vec<Vec<usize>> {
    let mut confusion = vec![vec![0usize; classes]; classes];
    for (&t, &p) in truth.iter().zip(predicted) {
        confusion[t][p] += 1;
    }
    confusion
}

/// Rows of each true class, and predictions of each class.
fn counts(confusion: &[Vec<usize>]) -> (Vec<usize>, Vec<usize>) {
    let classes = confusion.len();
    (
        (0..classes).map(|c| confusion[c].iter().sum()).collect(),
        (0..classes)
            .map(|c| confusion.iter().map(|row| row[c]).sum())
            .collect(),
    )
}

/// Precision, recall and f1 of class `c` (0 where undefined, as sklearn's zero_division).
fn class_scores(
    confusion: &[Vec<usize>],
    (true_count, predicted_count): (&[usize], &[usize]),
    c: usize,
) -> [f64; 3] {
    let ratio = |a: usize, b: usize| if b == 0 { 0.0 } else { a as f64 / b as f64 };
    let precision = ratio(confusion[c][c], predicted_count[c]);
    let recall = ratio(confusion[c][c], true_count[c]);
    let f1 = if precision + recall > 0.0 {
        2.0 * precision * recall / (precision + recall)
    } else {
        0.0
    };
    [precision, recall, f1]
}

/// Matthews correlation coefficient, multiclass (Gorodkin's R_K, as sklearn).
fn mcc(correct: usize, true_count: &[usize], predicted_count: &[usize], samples: usize) -> f64 {
    let (c, s) = (correct as f64, samples as f64);
    let pt: f64 = true_count
        .iter()
        .zip(predicted_count)
        .map(|(&t, &p)| t as f64 * p as f64)
        .sum();
    let pp: f64 = predicted_count.iter().map(|&p| (p as f64).powi(2)).sum();
    let tt: f64 = true_count.iter().map(|&t| (t as f64).powi(2)).sum();
    let denominator = ((s * s - pp) * (s * s - tt)).sqrt();
    if denominator == 0.0 {
        0.0
    } else {
        (c * s - pt) / denominator
    }
}

fn log_loss(truth: &[usize], proba: ArrayView2<f64>) -> f64 {
    let eps = f64::EPSILON;
    let total: f64 = truth
        .iter()
        .zip(proba.axis_iter(Axis(0)))
        .map(|(&t, row)| {
            let sum = row.sum();
            let p = if sum > 0.0 { row[t] / sum } else { 0.0 };
            -p.clamp(eps, 1.0 - eps).ln()
        })
        .sum();
    total / truth.len() as f64
}

/// Binary: AUC of the second class's probability. Multiclass: sklearn's one-vs-one average weighted
/// by how many rows each pair of classes has. `None` when the truth holds a single class.
fn roc_auc(truth: &[usize], proba: ArrayView2<f64>) -> Option<f64> {
    let mut present: Vec<usize> = truth.to_vec();
    present.sort_unstable();
    present.dedup();
    if present.len() < 2 {
        return None;
    }
    if proba.ncols() == 2 {
        let positive: Vec<bool> = truth.iter().map(|&t| t == 1).collect();
        return Some(auc(&positive, proba.column(1)));
    }
    let (mut sum, mut weights) = (0.0, 0.0);
    for (i, &a) in present.iter().enumerate() {
        for &b in &present[i + 1..] {
            let rows: Vec<usize> = (0..truth.len())
                .filter(|&r| truth[r] == a || truth[r] == b)
                .collect();
            let is_a: Vec<bool> = rows.iter().map(|&r| truth[r] == a).collect();
            let is_b: Vec<bool> = is_a.iter().map(|&x| !x).collect();
            let score_a: Vec<f64> = rows.iter().map(|&r| proba[[r, a]]).collect();
            let score_b: Vec<f64> = rows.iter().map(|&r| proba[[r, b]]).collect();
            let pair = (auc(&is_a, ArrayView1::from(&score_a))
                + auc(&is_b, ArrayView1::from(&score_b)))
                / 2.0;
            let prevalence = rows.len() as f64 / truth.len() as f64;
            sum += pair * prevalence;
            weights += prevalence;
        }
    }
    Some(sum / weights)
}

/// Area under the ROC curve by the rank statistic, ties given their average rank.
fn auc(positive: &[bool], score: ArrayView1<f64>) -> f64 {
    let mut order: Vec<usize> = (0..score.len()).collect();
    order.sort_by(|&i, &j| score[i].total_cmp(&score[j]));
    let mut rank_sum = 0.0;
    let mut start = 0;
    while start < order.len() {
        let mut end = start;
        while end + 1 < order.len() && score[order[end + 1]] == score[order[start]] {
            end += 1;
        }
        let average_rank = (start + end) as f64 / 2.0 + 1.0;
        rank_sum +=
            order[start..=end].iter().filter(|&&i| positive[i]).count() as f64 * average_rank;
        start = end + 1;
    }
    let pos = positive.iter().filter(|&&p| p).count() as f64;
    let neg = positive.len() as f64 - pos;
    (rank_sum - pos * (pos + 1.0) / 2.0) / (pos * neg)
}

/// Mean silhouette coefficient (Euclidean); `None` unless there are 2..n-1 distinct labels.
pub fn silhouette(x: ArrayView2<f64>, labels: &[i64]) -> Option<f64> {
    let n = x.nrows().min(SILHOUETTE_MAX_ROWS);
    let (x, labels) = (x.slice(ndarray::s![..n, ..]), &labels[..n]);
    let mut distinct: Vec<i64> = labels.to_vec();
    distinct.sort_unstable();
    distinct.dedup();
    if distinct.len() < 2 || distinct.len() >= n {
        return None;
    }
    let index = |l: i64| distinct.binary_search(&l).unwrap_or(0);
    let sizes: Vec<usize> = distinct
        .iter()
        .map(|&d| labels.iter().filter(|&&l| l == d).count())
        .collect();
    let mut total = 0.0;
    let mut sums = vec![0.0; distinct.len()];
    for i in 0..n {
        sums.iter_mut().for_each(|s| *s = 0.0);
        for j in 0..n {
            if i != j {
                let d: f64 = x
                    .row(i)
                    .iter()
                    .zip(x.row(j))
                    .map(|(a, b)| (a - b).powi(2))
                    .sum::<f64>()
                    .sqrt();
                sums[index(labels[j])] += d;
            }
        }
        let own = index(labels[i]);
        if sizes[own] == 1 {
            continue; // sklearn: 0 for a point alone in its cluster
        }
        let a = sums[own] / (sizes[own] - 1) as f64;
        let b = (0..distinct.len())
            .filter(|&c| c != own)
            .map(|c| sums[c] / sizes[c] as f64)
            .fold(f64::INFINITY, f64::min);
        total += (b - a) / a.max(b);
    }
    Some(total / n as f64)
}

/// Share of the rows' total variance that the projection keeps (rows = test rows).
pub fn explained_variance(x: ArrayView2<f64>, projected: ArrayView2<f64>) -> Option<f64> {
    let total: f64 = x.var_axis(Axis(0), 0.0).sum();
    (total > 0.0 && x.nrows() > 1).then(|| projected.var_axis(Axis(0), 0.0).sum() / total)
}

/// Scores closer than this (relative, at least absolute) are ties: below the six decimals
/// reports print, and about where two fits of one model part (scikit-learn's and the native
/// linear regression differ in the last bits; libsvm's and linfa's SVR by 3e-9), so which model or
/// candidate wins does not hang on a CPU's rounding.
const SCORE_NOISE: f64 = 1e-6;

/// Whether score `a` is higher than `b` by more than rounding noise.
pub fn clearly_higher(a: f64, b: f64) -> bool {
    if !(a.is_finite() && b.is_finite()) {
        return a > b;
    }
    a - b > SCORE_NOISE * b.abs().max(1.0)
}

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::array;

    fn close(a: f64, b: f64) {
        assert!((a - b).abs() < 1e-12, "{a} != {b}");
    }

    // Expected values computed with scikit-learn 1.9.1.
    #[test]
    fn regression_matches_sklearn() {
        let m = regression(
            array![[3.0], [-0.5], [2.0], [7.0]].view(),
            array![[2.5], [0.0], [2.0], [8.0]].view(),
        );
        close(m["r2"], 0.9486081370449679);
        close(m["mean_absolute_error"], 0.5);
        close(m["mean_squared_error"], 0.375);
        close(m["root_mean_squared_error"], 0.375f64.sqrt());
        // One row: r2 is undefined (scikit-learn warns and gives NaN), the errors are not.
        let m = regression(array![[3.0]].view(), array![[2.5]].view());
        assert!(m["r2"].is_nan());
        close(m["mean_absolute_error"], 0.5);
    }

    #[test]
    fn classification_matches_sklearn() {
        let truth = [0, 1, 2, 0, 1, 2];
        let predicted = [0, 2, 1, 0, 0, 1];
        let m = classification(&truth, &predicted, None, 3);
        close(m["accuracy"], 1.0 / 3.0);
        close(m["f1_macro"], 0.26666666666666666);
        close(m["f1"], 0.26666666666666666);
        close(m["precision_macro"], 0.2222222222222222);
        close(m["mcc"], 0.0);
    }

    #[test]
    fn binary_probabilities_match_sklearn() {
        let truth = [0, 0, 1, 1];
        let proba = array![[0.9, 0.1], [0.6, 0.4], [0.65, 0.35], [0.2, 0.8]];
        let m = classification(&truth, &[0, 0, 0, 1], Some(proba.view()), 2);
        close(m["roc_auc"], 0.75);
        close(m["log_loss"], 0.47228795380917615);
        close(m["mcc"], 0.5773502691896258);
    }

    #[test]
    fn multiclass_ovo_auc_matches_sklearn() {
        let truth = [0, 1, 2, 2, 1, 0];
        let proba = array![
            [0.6, 0.3, 0.1],
            [0.2, 0.5, 0.3],
            [0.1, 0.2, 0.7],
            [0.3, 0.3, 0.4],
            [0.4, 0.4, 0.2],
            [0.5, 0.1, 0.4]
        ];
        let auc = roc_auc(&truth, proba.view()).unwrap();
        close(auc, 0.9791666666666665);
    }

    #[test]
    fn silhouette_matches_sklearn() {
        let x = array![[0.0, 0.0], [0.0, 1.0], [5.0, 5.0], [5.0, 6.0], [9.0, 0.0]];
        close(
            silhouette(x.view(), &[0, 0, 1, 1, 2]).unwrap(),
            0.6844645162145344,
        );
        assert!(silhouette(x.view(), &[0, 0, 0, 0, 0]).is_none());
    }
}
