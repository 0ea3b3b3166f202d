//! Features binned once per fit, as LightGBM and scikit-learn's HistGradientBoosting do: each
//! feature's training values fall into at most 256 bins of about equal row counts, so a node's
//! split search adds its rows into 256 slots per feature instead of sorting them.

use ndarray::{ArrayView1, ArrayView2};

use super::{midpoint, on_all_cores};
use crate::error::Result;

const MAX_BINS: usize = 256;

pub(super) struct Bins {
    rows: usize,
    /// Bin of each training value, column-major (one feature's rows together).
    codes: Vec<u8>,
    /// Per feature, per bin: the smallest and the largest training value in it.
    edges: Vec<Vec<(f64, f64)>>,
}

impl Bins {
    pub(super) fn new(x: ArrayView2<f64>) -> Result<Bins> {
        let binned = on_all_cores(x.ncols(), |f| bin_column(x.column(f)))?;
        let mut codes = Vec::with_capacity(x.nrows() * x.ncols());
        let mut edges = Vec::with_capacity(x.ncols());
        for (column, column_edges) in binned {
            codes.extend_from_slice(&column);
            edges.push(column_edges);
        }
        Ok(Bins {
            rows: x.nrows(),
            codes,
            edges,
        })
    }

    pub(super) fn features(&self) -> usize {
        self.edges.len()
    }

    pub(super) fn column(&self, feature: usize) -> &[u8] {
        &self.codes[feature * self.rows..(feature + 1) * self.rows]
    }

    /// A threshold that sends bin `left` and below one way, bin `right` (the next bin holding
    /// rows of the node) and above the other: midway between the values on either side, so
    /// where each bin holds one value it is the threshold the exact search would choose.
    pub(super) fn threshold(&self, feature: usize, left: usize, right: usize) -> f64 {
        midpoint(self.edges[feature][left].1, self.edges[feature][right].0)
    }
}

/// One feature's bins: one per distinct value when there are at most 256, else runs of
/// consecutive distinct values holding about equal shares of the rows still unassigned.
fn bin_column(column: ArrayView1<f64>) -> (Vec<u8>, Vec<(f64, f64)>) {
    let mut sorted = column.to_vec();
    sorted.sort_unstable_by(f64::total_cmp);
    // Runs of equal values (`==`, so -0.0 and 0.0 are one value, as `x <= threshold` sees them).
    let mut runs: Vec<(f64, usize)> = Vec::new();
    for &v in &sorted {
        match runs.last_mut() {
            Some((last, count)) if *last == v => *count += 1,
            _ => runs.push((v, 1)),
        }
    }
    drop(sorted);
    let mut edges: Vec<(f64, f64)> = Vec::with_capacity(runs.len().min(MAX_BINS));
    if runs.len() <= MAX_BINS {
        edges.extend(runs.iter().map(|&(v, _)| (v, v)));
    } else {
        let mut remaining = column.len();
        let mut in_bin = 0;
        for &(v, count) in &runs {
            if in_bin == 0 {
                edges.push((v, v));
            }
            edges.last_mut().expect("a bin was opened").1 = v;
            in_bin += count;
            let bins_left = MAX_BINS - edges.len() + 1;
            if bins_left > 1 && in_bin * bins_left >= remaining {
                remaining -= in_bin;
                in_bin = 0;
            }
        }
    }
    // A value's bin is the first whose largest value is not below it.
    let codes = column
        .iter()
        .map(|&v| {
            edges
                .partition_point(|&(_, hi)| hi < v)
                .min(edges.len() - 1) as u8
        })
        .collect();
    (codes, edges)
}

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::Array2;

    #[test]
    fn few_values_get_a_bin_each_and_many_get_256_even_bins() {
        let rows = 10_000;
        let x = Array2::from_shape_fn((rows, 2), |(i, j)| {
            if j == 0 {
                (i % 7) as f64 - 3.0
            } else {
                ((i * 7919) % rows) as f64
            }
        });
        let bins = Bins::new(x.view()).unwrap();
        assert_eq!(bins.edges[0].len(), 7);
        assert!(bins.edges[0].iter().all(|&(lo, hi)| lo == hi));
        for (i, &code) in bins.column(0).iter().enumerate() {
            assert_eq!(bins.edges[0][code as usize].0, x[[i, 0]]);
        }
        assert_eq!(bins.threshold(0, 2, 3), -0.5);
        // 10000 distinct values: 256 bins of 39 or 40 rows, each value inside its bin.
        assert_eq!(bins.edges[1].len(), 256);
        let mut per_bin = [0usize; 256];
        for (i, &code) in bins.column(1).iter().enumerate() {
            let (lo, hi) = bins.edges[1][code as usize];
            assert!(lo <= x[[i, 1]] && x[[i, 1]] <= hi);
            per_bin[code as usize] += 1;
        }
        assert!(
            per_bin.iter().all(|&n| (39..=40).contains(&n)),
            "{per_bin:?}"
        );
    }

    #[test]
    fn a_heavy_value_takes_one_bin_and_the_rest_share_the_others() {
        // Half the rows are 0.0; the other half are distinct.
        let rows = 4_000;
        let x = Array2::from_shape_fn((rows, 1), |(i, _)| if i % 2 == 0 { 0.0 } else { i as f64 });
        let bins = Bins::new(x.view()).unwrap();
        assert!(bins.edges[0].len() <= 256);
        assert_eq!(bins.edges[0][0], (0.0, 0.0));
        let zeros = bins.column(0).iter().filter(|&&c| c == 0).count();
        assert_eq!(zeros, rows / 2);
        // The 2000 other values spread over the 255 other bins: 7 or 8 values each, at most 8.
        let mut per_bin = [0usize; 256];
        bins.column(0)
            .iter()
            .for_each(|&c| per_bin[c as usize] += 1);
        assert!(per_bin[1..].iter().all(|&n| n <= 9), "{per_bin:?}");
    }
}
