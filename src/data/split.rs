//! Seeded train/test split, as PostgresML's `test_size` and `test_sampling` define it.

use rand::seq::SliceRandom;
use rand::SeedableRng;
use rand_xoshiro::Xoshiro256PlusPlus;
use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, clap::ValueEnum)]
#[serde(rename_all = "lowercase")]
pub enum Sampling {
    /// Shuffle with the seed, then the test rows are the last part (PostgresML 1.0).
    Random,
    /// The first rows are the test rows.
    First,
    /// The last rows are the test rows.
    Last,
    /// Shuffle within each class so the test rows keep the class proportions (classification only).
    Stratified,
}

impl Sampling {
    pub fn name(self) -> &'static str {
        match self {
            Sampling::Random => "random",
            Sampling::First => "first",
            Sampling::Last => "last",
            Sampling::Stratified => "stratified",
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Split {
    pub train: Vec<usize>,
    pub test: Vec<usize>,
}

/// How many of `rows` are test rows: `size` <= 1 is a fraction (rounded), above 1 a row count.
pub fn test_row_count(rows: usize, size: f64) -> Result<usize> {
    if !(size >= 0.0 && size.is_finite()) {
        return Err(Error::usage(format!(
            "--test-size {size}: expected a fraction in [0, 1) or a row count"
        )));
    }
    let test = if size > 1.0 {
        if size.fract() != 0.0 {
            return Err(Error::usage(format!(
                "--test-size {size}: a value above 1 is a row count, a whole number"
            )));
        }
        size as usize
    } else {
        (rows as f64 * size).round() as usize
    };
    if test >= rows {
        return Err(Error::usage(format!(
            "--test-size {size} leaves no training rows out of {rows}"
        )));
    }
    Ok(test)
}

/// Splits `0..rows`; `classes` (one class index per row) is needed for stratified sampling.
pub fn split(
    rows: usize,
    size: f64,
    sampling: Sampling,
    seed: u64,
    classes: Option<&[usize]>,
) -> Result<Split> {
    let test_rows = test_row_count(rows, size)?;
    let mut rng = Xoshiro256PlusPlus::seed_from_u64(seed);
    let all: Vec<usize> = (0..rows).collect();
    let split = match sampling {
        Sampling::First => Split {
            test: all[..test_rows].to_vec(),
            train: all[test_rows..].to_vec(),
        },
        Sampling::Last => {
            let cut = rows - test_rows;
            Split {
                train: all[..cut].to_vec(),
                test: all[cut..].to_vec(),
            }
        }
        Sampling::Random => {
            let mut order = all;
            order.shuffle(&mut rng);
            let cut = rows - test_rows;
            Split {
                test: order.split_off(cut),
                train: order,
            }
        }
        Sampling::Stratified => {
            let classes = classes.ok_or_else(|| {
                Error::usage("--test-sampling stratified needs a classification task")
            })?;
            stratified(classes, test_rows, &mut rng)
        }
    };
    Ok(split)
}

/// `n` of `0..rows` drawn with the seed without repeats, in their original order (PostgresML 1.0's
/// `ORDER BY random() LIMIT n` view, made reproducible).
pub fn sample(rows: usize, n: usize, seed: u64) -> Vec<usize> {
    let mut rng = Xoshiro256PlusPlus::seed_from_u64(seed);
    let mut order: Vec<usize> = (0..rows).collect();
    order.shuffle(&mut rng);
    order.truncate(n);
    order.sort_unstable();
    order
}

/// Each class gives test rows in proportion to its size; the rounding remainder goes to the classes
/// with the largest fractional share (ties: lower class index).
fn stratified(classes: &[usize], test_rows: usize, rng: &mut Xoshiro256PlusPlus) -> Split {
    let n_classes = classes.iter().max().map_or(0, |&m| m + 1);
    let mut members: Vec<Vec<usize>> = vec![Vec::new(); n_classes];
    for (row, &c) in classes.iter().enumerate() {
        members[c].push(row);
    }
    let rows = classes.len() as f64;
    let shares: Vec<f64> = members
        .iter()
        .map(|m| m.len() as f64 * test_rows as f64 / rows)
        .collect();
    let mut take: Vec<usize> = shares.iter().map(|s| s.floor() as usize).collect();
    let mut by_remainder: Vec<usize> = (0..n_classes).collect();
    by_remainder.sort_by(|&a, &b| {
        (shares[b] - shares[b].floor())
            .total_cmp(&(shares[a] - shares[a].floor()))
            .then(a.cmp(&b))
    });
    let missing = test_rows - take.iter().sum::<usize>();
    let room: Vec<usize> = by_remainder
        .into_iter()
        .filter(|&c| take[c] < members[c].len())
        .take(missing)
        .collect();
    for c in room {
        take[c] += 1;
    }
    let (mut train, mut test) = (Vec::new(), Vec::new());
    for (rows_of_class, n_test) in members.iter_mut().zip(take) {
        rows_of_class.shuffle(rng);
        test.extend_from_slice(&rows_of_class[..n_test]);
        train.extend_from_slice(&rows_of_class[n_test..]);
    }
    train.shuffle(rng);
    test.shuffle(rng);
    Split { train, test }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_are_fractions_or_counts() {
        assert_eq!(test_row_count(100, 0.25).unwrap(), 25);
        assert_eq!(test_row_count(10, 0.25).unwrap(), 3);
        assert_eq!(test_row_count(100, 30.0).unwrap(), 30);
        assert_eq!(test_row_count(100, 0.0).unwrap(), 0);
        assert!(test_row_count(100, 100.0).is_err());
        assert!(test_row_count(100, 2.5).is_err());
        assert!(test_row_count(100, -0.1).is_err());
    }

    #[test]
    fn same_seed_same_split_and_every_row_once() {
        let a = split(50, 0.2, Sampling::Random, 7, None).unwrap();
        assert_eq!(a, split(50, 0.2, Sampling::Random, 7, None).unwrap());
        assert_ne!(a, split(50, 0.2, Sampling::Random, 8, None).unwrap());
        let mut all: Vec<usize> = a.train.iter().chain(&a.test).copied().collect();
        all.sort();
        assert_eq!(all, (0..50).collect::<Vec<_>>());
        assert_eq!(a.test.len(), 10);
    }

    #[test]
    fn first_and_last() {
        assert_eq!(
            split(4, 0.5, Sampling::First, 0, None).unwrap().test,
            vec![0, 1]
        );
        assert_eq!(
            split(4, 0.5, Sampling::Last, 0, None).unwrap().test,
            vec![2, 3]
        );
    }

    #[test]
    fn stratified_keeps_proportions() {
        let classes: Vec<usize> = (0..100).map(|i| if i < 80 { 0 } else { 1 }).collect();
        let s = split(100, 0.25, Sampling::Stratified, 0, Some(&classes)).unwrap();
        assert_eq!(s.test.len(), 25);
        assert_eq!(s.test.iter().filter(|&&r| classes[r] == 1).count(), 5);
        assert!(split(10, 0.2, Sampling::Stratified, 0, None).is_err());
    }
}
