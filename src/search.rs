//! Hyperparameter search, as PostgresML's `search`, `search_params` and `search_args`: grid or
//! random candidates, each scored by k-fold cross-validation on the train rows (preprocessing
//! fitted inside each fold), ranked by the key metric or `--search-metric`. The best candidate is
//! then refit on every train row and scored on the test rows by `train` (PostgresML 1.0's rule).

use std::collections::BTreeMap;

use rand::seq::SliceRandom;
use rand::SeedableRng;
use rand_xoshiro::Xoshiro256PlusPlus;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::error::{Error, Result};
use crate::task::Task;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, clap::ValueEnum)]
#[serde(rename_all = "lowercase")]
pub enum Method {
    /// Every combination of the listed values
    Grid,
    /// `n_iter` combinations drawn with the seed, without repeats
    Random,
}

/// Most candidates a search may have: each is `cv` fits.
pub const MAX_CANDIDATES: usize = 10_000;
/// Most folds.
pub const MAX_FOLDS: usize = 100;

#[derive(Debug, Clone)]
pub struct SearchSpec {
    pub method: Method,
    /// Each hyperparameter's values, by name (sorted, so candidates come in a stable order).
    pub params: BTreeMap<String, Vec<Value>>,
    pub cv: usize,
    pub n_iter: usize,
    /// Ranks candidates; the task's key metric when absent.
    pub metric: Option<String>,
}

impl SearchSpec {
    /// Parses `--search-params` and `--search-args` (only `cv` and `n_iter`, as PostgresML).
    pub fn parse(
        method: Method,
        params: Option<&str>,
        args: Option<&str>,
        metric: Option<String>,
    ) -> Result<SearchSpec> {
        let params = params.ok_or_else(|| {
            Error::usage("--search needs --search-params, e.g. '{\"max_depth\": [2, 4, 8]}'")
        })?;
        let params: Value = serde_json::from_str(params)
            .map_err(|e| Error::usage(format!("--search-params is not valid JSON: {e}")))?;
        let Value::Object(params) = params else {
            return Err(Error::usage(
                "--search-params must be a JSON object of lists, e.g. '{\"max_depth\": [2, 4, 8]}'",
            ));
        };
        if params.is_empty() {
            return Err(Error::usage("--search-params names no hyperparameter"));
        }
        let mut values = BTreeMap::new();
        for (name, list) in params {
            match list {
                Value::Array(list) if !list.is_empty() => {
                    values.insert(name, list);
                }
                other => {
                    return Err(Error::usage(format!(
                    "--search-params '{name}': expected a non-empty list of values, found {other}"
                )))
                }
            }
        }
        let mut spec = SearchSpec {
            method,
            params: values,
            cv: 5,
            n_iter: 10,
            metric,
        };
        if let Some(args) = args {
            let args: Value = serde_json::from_str(args)
                .map_err(|e| Error::usage(format!("--search-args is not valid JSON: {e}")))?;
            let Value::Object(args) = args else {
                return Err(Error::usage(
                    "--search-args must be a JSON object, e.g. '{\"cv\": 5, \"n_iter\": 10}'",
                ));
            };
            for (key, value) in args {
                let count = value.as_u64().and_then(|v| usize::try_from(v).ok());
                match (key.as_str(), count) {
                    ("cv", Some(cv)) if (2..=MAX_FOLDS).contains(&cv) => spec.cv = cv,
                    ("cv", _) => {
                        return Err(Error::usage(format!(
                            "--search-args cv must be a whole number of folds from 2 to {MAX_FOLDS}, not {value}"
                        )))
                    }
                    ("n_iter", Some(n)) if (1..=MAX_CANDIDATES).contains(&n) => spec.n_iter = n,
                    ("n_iter", _) => {
                        return Err(Error::usage(format!(
                            "--search-args n_iter must be a whole number from 1 to {MAX_CANDIDATES}, not {value}"
                        )))
                    }
                    (other, _) => {
                        return Err(Error::usage(format!(
                            "--search-args has no '{other}' (it takes: cv, n_iter)"
                        )))
                    }
                }
            }
        }
        Ok(spec)
    }

    /// The candidates: each the base hyperparameters with one combination over them.
    pub fn candidates(
        &self,
        base: &Map<String, Value>,
        seed: u64,
    ) -> Result<Vec<Map<String, Value>>> {
        let sizes: Vec<usize> = self.params.values().map(Vec::len).collect();
        // None: more combinations than a usize counts, which only random search can draw from.
        let grid = sizes.iter().try_fold(1usize, |n, &s| n.checked_mul(s));
        if self.method == Method::Grid && grid.is_none_or(|n| n > MAX_CANDIDATES) {
            return Err(Error::usage(format!(
                "--search grid has more than {MAX_CANDIDATES} candidates; use --search random"
            )));
        }
        // A combination is one value index per name, in the names' order.
        let combination = |digits: Vec<usize>| -> Map<String, Value> {
            let mut params = base.clone();
            for ((name, values), digit) in self.params.iter().zip(digits) {
                params.insert(name.clone(), values[digit].clone());
            }
            params
        };
        // The last name varies fastest, as scikit-learn's ParameterGrid.
        let grid_digits = |mut index: usize| -> Vec<usize> {
            let mut digits = vec![0; sizes.len()];
            for (digit, size) in digits.iter_mut().zip(&sizes).rev() {
                *digit = index % size;
                index /= size;
            }
            digits
        };
        let picks: Vec<Vec<usize>> = match grid {
            Some(grid) if self.method == Method::Grid || grid <= self.n_iter => {
                (0..grid).map(grid_digits).collect()
            }
            _ => {
                // Distinct draws from the grid (scikit-learn's ParameterSampler over lists), one
                // index per name so the grid is never counted or built; it holds more than
                // n_iter combinations here, so the loop ends.
                let mut rng = Xoshiro256PlusPlus::seed_from_u64(seed);
                let mut chosen = std::collections::BTreeSet::new();
                let mut order = Vec::with_capacity(self.n_iter);
                while order.len() < self.n_iter {
                    let digits: Vec<usize> = sizes
                        .iter()
                        .map(|&size| rand::Rng::gen_range(&mut rng, 0..size))
                        .collect();
                    if chosen.insert(digits.clone()) {
                        order.push(digits);
                    }
                }
                order
            }
        };
        Ok(picks.into_iter().map(combination).collect())
    }
}

/// Whether a larger value of `metric` is better (errors, losses and times are smaller-is-better).
pub fn higher_is_better(metric: &str) -> bool {
    !(metric.contains("error") || metric == "log_loss" || metric.ends_with("_time"))
}

/// `k` folds of `n` rows (positions), seeded: stratified by class when `classes` are given (each
/// class dealt round-robin over the folds after a shuffle), else a shuffled k-fold.
pub fn folds(n: usize, k: usize, classes: Option<&[usize]>, seed: u64) -> Result<Vec<Vec<usize>>> {
    if n < k {
        return Err(Error::usage(format!(
            "--search-args cv {k} needs at least {k} train rows, there are {n}"
        )));
    }
    let mut rng = Xoshiro256PlusPlus::seed_from_u64(seed);
    let mut folds = vec![Vec::new(); k];
    match classes {
        Some(classes) => {
            let classes_n = classes.iter().max().map_or(0, |&c| c + 1);
            let mut members: Vec<Vec<usize>> = vec![Vec::new(); classes_n];
            for (row, &c) in classes.iter().enumerate() {
                members[c].push(row);
            }
            // Dealing continues across classes, so fold sizes differ by at most one.
            let mut next = 0;
            for rows in &mut members {
                rows.shuffle(&mut rng);
                for &row in rows.iter() {
                    folds[next % k].push(row);
                    next += 1;
                }
            }
        }
        None => {
            let mut order: Vec<usize> = (0..n).collect();
            order.shuffle(&mut rng);
            for (i, row) in order.into_iter().enumerate() {
                folds[i % k].push(row);
            }
        }
    }
    for fold in &mut folds {
        fold.sort_unstable();
    }
    Ok(folds)
}

/// One candidate's cross-validation.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Scored {
    pub params: Map<String, Value>,
    pub fold_scores: Vec<f64>,
    pub fit_times: Vec<f64>,
}

impl Scored {
    pub fn mean(&self) -> f64 {
        self.fold_scores.iter().sum::<f64>() / self.fold_scores.len() as f64
    }

    /// Population standard deviation, as scikit-learn's `std_test_score`.
    pub fn std(&self) -> f64 {
        let mean = self.mean();
        (self
            .fold_scores
            .iter()
            .map(|s| (s - mean).powi(2))
            .sum::<f64>()
            / self.fold_scores.len() as f64)
            .sqrt()
    }

    pub fn mean_fit_time(&self) -> f64 {
        self.fit_times.iter().sum::<f64>() / self.fit_times.len() as f64
    }
}

/// What the model header keeps of a search.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct SearchResults {
    pub method: Method,
    pub cv: usize,
    pub metric: String,
    pub candidates: Vec<Scored>,
    /// Candidates by rank: `ranking[0]` is the best's index.
    pub ranking: Vec<usize>,
}

impl SearchResults {
    pub fn new(
        method: Method,
        cv: usize,
        metric: String,
        candidates: Vec<Scored>,
    ) -> SearchResults {
        let higher = higher_is_better(&metric);
        // NaN ranks last; ties (within rounding noise: equal fits on another CPU) keep candidate
        // order, the first listed winning as in scikit-learn. Picked one at a time, as "equal
        // within noise" is no total order to sort by.
        let key = |i: usize| {
            let m = candidates[i].mean();
            if m.is_nan() {
                f64::NEG_INFINITY
            } else if higher {
                m
            } else {
                -m
            }
        };
        let mut left: Vec<usize> = (0..candidates.len()).collect();
        let mut ranking = Vec::with_capacity(left.len());
        while !left.is_empty() {
            let mut best = 0;
            for j in 1..left.len() {
                if crate::metrics::clearly_higher(key(left[j]), key(left[best])) {
                    best = j;
                }
            }
            ranking.push(left.remove(best));
        }
        SearchResults {
            method,
            cv,
            metric,
            candidates,
            ranking,
        }
    }

    pub fn best(&self) -> &Scored {
        &self.candidates[self.ranking[0]]
    }

    /// scikit-learn's `cv_results_` layout.
    pub fn cv_results(&self) -> Value {
        let mut rank = vec![0; self.candidates.len()];
        for (r, &i) in self.ranking.iter().enumerate() {
            rank[i] = r + 1;
        }
        let number = |v: f64| serde_json::Number::from_f64(v).map_or(Value::Null, Value::Number);
        let mut results = Map::new();
        results.insert(
            "params".into(),
            self.candidates
                .iter()
                .map(|c| Value::Object(c.params.clone()))
                .collect(),
        );
        for fold in 0..self.cv {
            results.insert(
                format!("split{fold}_test_score"),
                self.candidates
                    .iter()
                    .map(|c| number(c.fold_scores[fold]))
                    .collect(),
            );
        }
        let column = |f: &dyn Fn(&Scored) -> f64| -> Value {
            self.candidates.iter().map(|c| number(f(c))).collect()
        };
        results.insert("mean_test_score".into(), column(&Scored::mean));
        results.insert("std_test_score".into(), column(&Scored::std));
        results.insert("mean_fit_time".into(), column(&Scored::mean_fit_time));
        results.insert("rank_test_score".into(), rank.into_iter().collect());
        Value::Object(results)
    }
}

/// The metric searches rank by: `--search-metric`, checked against the task's, or the key one.
pub fn metric_for(task: Task, chosen: Option<&str>) -> Result<String> {
    match chosen {
        None => Ok(task.key_metric().to_string()),
        Some(name) => {
            let known = crate::train::metric_names(task);
            if known.contains(&name) && !name.ends_with("_time") {
                Ok(name.to_string())
            } else {
                Err(Error::usage(format!(
                    "--search-metric: {task} has no metric '{name}' (it has: {})",
                    known
                        .iter()
                        .filter(|m| !m.ends_with("_time"))
                        .copied()
                        .collect::<Vec<_>>()
                        .join(", ")
                )))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn spec(method: Method, params: &str, args: Option<&str>) -> Result<SearchSpec> {
        SearchSpec::parse(method, Some(params), args, None)
    }

    #[test]
    fn grid_is_the_cartesian_product_last_name_fastest() {
        let s = spec(
            Method::Grid,
            r#"{"n_estimators": [20, 40], "max_depth": [1, 2, 3]}"#,
            None,
        )
        .unwrap();
        let base = json!({"learning_rate": 0.1}).as_object().cloned().unwrap();
        let c = s.candidates(&base, 0).unwrap();
        assert_eq!(c.len(), 6);
        assert_eq!(
            c[0],
            json!({"learning_rate": 0.1, "max_depth": 1, "n_estimators": 20})
                .as_object()
                .cloned()
                .unwrap()
        );
        assert_eq!(c[1]["n_estimators"], json!(40));
        assert_eq!(
            c[5],
            json!({"learning_rate": 0.1, "max_depth": 3, "n_estimators": 40})
                .as_object()
                .cloned()
                .unwrap()
        );
    }

    #[test]
    fn random_draws_distinct_candidates_from_the_seed() {
        let s = spec(
            Method::Random,
            r#"{"a": [1, 2, 3, 4], "b": [1, 2, 3]}"#,
            Some(r#"{"n_iter": 5}"#),
        )
        .unwrap();
        let base = Map::new();
        let a = s.candidates(&base, 7).unwrap();
        assert_eq!(a, s.candidates(&base, 7).unwrap());
        assert_ne!(a, s.candidates(&base, 8).unwrap());
        assert_eq!(a.len(), 5);
        let distinct: std::collections::BTreeSet<String> = a
            .iter()
            .map(|c| Value::Object(c.clone()).to_string())
            .collect();
        assert_eq!(distinct.len(), 5);
        // More draws than the grid holds: the grid.
        let s = spec(
            Method::Random,
            r#"{"a": [1, 2]}"#,
            Some(r#"{"n_iter": 10}"#),
        )
        .unwrap();
        assert_eq!(s.candidates(&base, 0).unwrap().len(), 2);
    }

    #[test]
    fn random_draws_from_a_grid_too_large_to_count() {
        // 100^10 combinations overflow a u64: random search still draws n_iter of them.
        let values: Vec<usize> = (0..100).collect();
        let params: Map<String, Value> =
            (0..10).map(|i| (format!("p{i}"), json!(values))).collect();
        let params = Value::Object(params).to_string();
        let s = spec(Method::Random, &params, Some(r#"{"n_iter": 4}"#)).unwrap();
        let c = s.candidates(&Map::new(), 3).unwrap();
        assert_eq!(c.len(), 4);
        assert!(c.iter().all(|c| c.len() == 10));
        assert!(spec(Method::Grid, &params, None)
            .unwrap()
            .candidates(&Map::new(), 3)
            .unwrap_err()
            .to_string()
            .contains("use --search random"));
    }

    #[test]
    fn search_args_take_only_cv_and_n_iter() {
        let err = |args: &str| {
            spec(Method::Grid, r#"{"a": [1]}"#, Some(args))
                .unwrap_err()
                .to_string()
        };
        assert_eq!(
            err(r#"{"folds": 3}"#),
            "--search-args has no 'folds' (it takes: cv, n_iter)"
        );
        assert!(err(r#"{"cv": 1}"#).contains("from 2 to 100"));
        assert!(err(r#"{"cv": "5"}"#).contains("from 2 to 100"));
        assert!(spec(Method::Grid, r#"{"a": []}"#, None)
            .unwrap_err()
            .to_string()
            .contains("non-empty list"));
        assert!(spec(Method::Grid, r#"{"a": 1}"#, None).is_err());
        let s = spec(
            Method::Grid,
            r#"{"a": [1]}"#,
            Some(r#"{"cv": 3, "n_iter": 4}"#),
        )
        .unwrap();
        assert_eq!((s.cv, s.n_iter), (3, 4));
    }

    #[test]
    fn folds_cover_every_row_once_and_keep_class_shares() {
        let classes: Vec<usize> = (0..100).map(|i| usize::from(i >= 80)).collect();
        let f = folds(100, 5, Some(&classes), 0).unwrap();
        let mut all: Vec<usize> = f.iter().flatten().copied().collect();
        all.sort_unstable();
        assert_eq!(all, (0..100).collect::<Vec<_>>());
        for fold in &f {
            assert_eq!(fold.len(), 20);
            assert_eq!(fold.iter().filter(|&&r| classes[r] == 1).count(), 4);
        }
        assert_eq!(f, folds(100, 5, Some(&classes), 0).unwrap());
        let plain = folds(10, 3, None, 1).unwrap();
        assert_eq!(
            plain.iter().map(Vec::len).collect::<Vec<_>>(),
            vec![4, 3, 3]
        );
        assert!(folds(2, 3, None, 0).is_err());
    }

    #[test]
    fn ranking_follows_the_metric_direction() {
        let scored = |v: [f64; 2]| Scored {
            params: Map::new(),
            fold_scores: v.to_vec(),
            fit_times: vec![0.0, 0.0],
        };
        let r = SearchResults::new(
            Method::Grid,
            2,
            "r2".into(),
            vec![
                scored([0.1, 0.2]),
                scored([0.5, 0.5]),
                scored([f64::NAN, 1.0]),
            ],
        );
        assert_eq!(r.ranking, vec![1, 0, 2]);
        let r = SearchResults::new(
            Method::Grid,
            2,
            "mean_squared_error".into(),
            vec![scored([3.0, 3.0]), scored([1.0, 2.0])],
        );
        assert_eq!(r.ranking, vec![1, 0]);
        assert_eq!(r.cv_results()["rank_test_score"], json!([2, 1]));
        assert_eq!(r.cv_results()["mean_test_score"], json!([3.0, 1.5]));
    }
}
