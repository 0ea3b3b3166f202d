//! The single table of algorithms: names (PostgresML's, kept forever), tasks, runtimes and the
//! per-algorithm facts. Dispatch, `pgml-cli algorithms` and the tests all read it.

pub mod library;
pub mod native;
pub mod params;
#[cfg(feature = "python")]
pub mod python;

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::task::Task;
use native::Native;
use Task::{Classification as C, Clustering as K, Decomposition as D, Regression as R};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, clap::ValueEnum)]
#[serde(rename_all = "lowercase")]
pub enum Runtime {
    /// linfa and smartcore, in this binary.
    Rust,
    /// scikit-learn, xgboost, lightgbm and catboost in embedded CPython.
    Python,
}

impl Runtime {
    pub fn name(self) -> &'static str {
        match self {
            Runtime::Rust => "rust",
            Runtime::Python => "python",
        }
    }

    /// Whether this build can run models on this runtime.
    pub fn available(self) -> bool {
        match self {
            Runtime::Rust => true,
            Runtime::Python => cfg!(feature = "python"),
        }
    }
}

pub struct Algorithm {
    pub name: &'static str,
    /// Other spellings PostgresML accepted.
    pub aliases: &'static [&'static str],
    /// Native implementations, by task.
    pub native: &'static [(Task, Native)],
    /// Python classes (`module.Class`), by task.
    pub python: &'static [(Task, &'static str)],
    /// A single-target Python estimator that needs MultiOutputRegressor for several targets.
    pub python_single_target: bool,
    /// The Python estimator takes missing values (NaN) as they are: no imputation needed.
    pub python_missing_values: bool,
    /// A tree ensemble: its Python models may carry pgml-cli's native tree form.
    pub python_trees: bool,
}

impl Algorithm {
    pub fn tasks(&self) -> Vec<Task> {
        Task::ALL
            .into_iter()
            .filter(|t| self.native_for(*t).is_some() || self.python_class(*t).is_some())
            .collect()
    }

    pub fn native_for(&self, task: Task) -> Option<Native> {
        self.native
            .iter()
            .find(|(t, _)| *t == task)
            .map(|(_, n)| *n)
    }

    pub fn python_class(&self, task: Task) -> Option<&'static str> {
        self.python
            .iter()
            .find(|(t, _)| *t == task)
            .map(|(_, c)| *c)
    }

    /// Whether the model takes missing feature values as they are on `runtime`.
    pub fn takes_missing_values(&self, runtime: Runtime) -> bool {
        runtime == Runtime::Python && self.python_missing_values
    }

    pub fn runtimes(&self, task: Task) -> Vec<Runtime> {
        let mut runtimes = Vec::new();
        if self.native_for(task).is_some() {
            runtimes.push(Runtime::Rust);
        }
        if self.python_class(task).is_some() {
            runtimes.push(Runtime::Python);
        }
        runtimes
    }
}

macro_rules! algorithm {
    ($name:literal $(aka $($alias:literal),+)?; native [$($nt:ident => $n:ident),*]; python [$($pt:ident => $p:literal),*] $(; $flag:ident)*) => {
        Algorithm {
            name: $name,
            aliases: &[$($($alias),+)?],
            native: &[$(($nt, Native::$n)),*],
            python: &[$(($pt, $p)),*],
            python_single_target: false $(|| algorithm!(@is single_target $flag))*,
            python_missing_values: false $(|| algorithm!(@is missing_values $flag))*,
            python_trees: false $(|| algorithm!(@is trees $flag))*,
        }
    };
    (@is single_target single_target) => { true };
    (@is missing_values missing_values) => { true };
    (@is trees trees) => { true };
    (@is $wanted:ident $flag:ident) => { false };
}

/// Every algorithm, in PostgresML's order, then pgml-cli's additions. `single_target` marks the
/// Python estimators wrapped in MultiOutputRegressor for several targets (PostgresML's list);
/// `missing_values` the ones that take missing values as they are.
pub const ALGORITHMS: &[Algorithm] = &[
    algorithm!("linear"; native [R => LinearRegression, C => LogisticRegression]; python [R => "sklearn.linear_model.LinearRegression", C => "sklearn.linear_model.LogisticRegression"]),
    algorithm!("ridge"; native [R => Ridge]; python [R => "sklearn.linear_model.Ridge", C => "sklearn.linear_model.RidgeClassifier"]),
    algorithm!("lasso"; native [R => Lasso]; python [R => "sklearn.linear_model.Lasso"]),
    algorithm!("elastic_net"; native [R => ElasticNet]; python [R => "sklearn.linear_model.ElasticNet"]),
    algorithm!("least_angle"; native []; python [R => "sklearn.linear_model.Lars"]),
    algorithm!("lasso_least_angle"; native []; python [R => "sklearn.linear_model.LassoLars"]),
    algorithm!("orthogonal_matching_pursuit" aka "orthoganl_matching_pursuit"; native []; python [R => "sklearn.linear_model.OrthogonalMatchingPursuit"]),
    algorithm!("bayesian_ridge"; native []; python [R => "sklearn.linear_model.BayesianRidge"]; single_target),
    algorithm!("automatic_relevance_determination"; native []; python [R => "sklearn.linear_model.ARDRegression"]; single_target),
    algorithm!("stochastic_gradient_descent"; native []; python [R => "sklearn.linear_model.SGDRegressor", C => "sklearn.linear_model.SGDClassifier"]; single_target),
    algorithm!("perceptron"; native []; python [C => "sklearn.linear_model.Perceptron"]),
    algorithm!("passive_aggressive"; native []; python [R => "sklearn.linear_model.PassiveAggressiveRegressor", C => "sklearn.linear_model.PassiveAggressiveClassifier"]; single_target),
    algorithm!("ransac"; native []; python [R => "sklearn.linear_model.RANSACRegressor"]),
    algorithm!("theil_sen"; native []; python [R => "sklearn.linear_model.TheilSenRegressor"]; single_target),
    algorithm!("huber"; native []; python [R => "sklearn.linear_model.HuberRegressor"]; single_target),
    algorithm!("quantile"; native []; python [R => "sklearn.linear_model.QuantileRegressor"]; single_target),
    algorithm!("kernel_ridge"; native []; python [R => "sklearn.kernel_ridge.KernelRidge"]),
    algorithm!("gaussian_process"; native []; python [R => "sklearn.gaussian_process.GaussianProcessRegressor", C => "sklearn.gaussian_process.GaussianProcessClassifier"]),
    algorithm!("svm"; native [R => Svr, C => Svc]; python [R => "sklearn.svm.SVR", C => "sklearn.svm.SVC"]; single_target),
    algorithm!("nu_svm"; native []; python [R => "sklearn.svm.NuSVR", C => "sklearn.svm.NuSVC"]; single_target),
    algorithm!("linear_svm"; native []; python [R => "sklearn.svm.LinearSVR", C => "sklearn.svm.LinearSVC"]; single_target),
    algorithm!("ada_boost"; native []; python [R => "sklearn.ensemble.AdaBoostRegressor", C => "sklearn.ensemble.AdaBoostClassifier"]; single_target; trees),
    algorithm!("bagging"; native []; python [R => "sklearn.ensemble.BaggingRegressor", C => "sklearn.ensemble.BaggingClassifier"]; trees),
    algorithm!("extra_trees"; native []; python [R => "sklearn.ensemble.ExtraTreesRegressor", C => "sklearn.ensemble.ExtraTreesClassifier"]; trees),
    algorithm!("gradient_boosting_trees"; native []; python [R => "sklearn.ensemble.GradientBoostingRegressor", C => "sklearn.ensemble.GradientBoostingClassifier"]; single_target; trees),
    algorithm!("hist_gradient_boosting"; native []; python [R => "sklearn.ensemble.HistGradientBoostingRegressor", C => "sklearn.ensemble.HistGradientBoostingClassifier"]; single_target; missing_values; trees),
    algorithm!("random_forest"; native [R => RandomForestRegressor, C => RandomForestClassifier]; python [R => "sklearn.ensemble.RandomForestRegressor", C => "sklearn.ensemble.RandomForestClassifier"]; trees),
    algorithm!("xgboost"; native []; python [R => "xgboost.XGBRegressor", C => "xgboost.XGBClassifier"]; missing_values; trees),
    algorithm!("xgboost_random_forest"; native []; python [R => "xgboost.XGBRFRegressor", C => "xgboost.XGBRFClassifier"]; missing_values; trees),
    algorithm!("lightgbm"; native []; python [R => "lightgbm.LGBMRegressor", C => "lightgbm.LGBMClassifier"]; single_target; missing_values; trees),
    algorithm!("catboost"; native []; python [R => "catboost.CatBoostRegressor", C => "catboost.CatBoostClassifier"]; missing_values; trees),
    algorithm!("affinity_propagation"; native []; python [K => "sklearn.cluster.AffinityPropagation"]),
    algorithm!("birch"; native []; python [K => "sklearn.cluster.Birch"]),
    algorithm!("kmeans"; native [K => KMeans]; python [K => "sklearn.cluster.KMeans"]),
    algorithm!("mini_batch_kmeans"; native []; python [K => "sklearn.cluster.MiniBatchKMeans"]),
    algorithm!("mean_shift"; native []; python [K => "sklearn.cluster.MeanShift"]),
    algorithm!("pca"; native [D => Pca]; python [D => "sklearn.decomposition.PCA"]),
    // pgml-cli's additions.
    algorithm!("decision_tree"; native [R => DecisionTreeRegressor, C => DecisionTreeClassifier]; python [R => "sklearn.tree.DecisionTreeRegressor", C => "sklearn.tree.DecisionTreeClassifier"]; trees),
    algorithm!("knn"; native [R => KnnRegressor, C => KnnClassifier]; python [R => "sklearn.neighbors.KNeighborsRegressor", C => "sklearn.neighbors.KNeighborsClassifier"]),
    algorithm!("naive_bayes"; native [C => GaussianNb]; python [C => "sklearn.naive_bayes.GaussianNB"]),
    algorithm!("dbscan"; native [K => Dbscan]; python []),
];

/// Left out of `--algorithm all`: their cost grows with the cube or square of the rows, or they
/// solve a linear program per fit (minutes on 100k rows where the others take seconds).
pub const SLOW: &[&str] = &[
    "gaussian_process",
    "kernel_ridge",
    "quantile",
    "theil_sen",
    "affinity_propagation",
    "mean_shift",
];

/// `--algorithm`: one name, several separated by commas, or `all` (every algorithm of the task
/// this build can run, but the `SLOW` ones).
pub fn names(given: &str, task: Task) -> Vec<String> {
    if given == "all" {
        return ALGORITHMS
            .iter()
            .filter(|a| !SLOW.contains(&a.name))
            .filter(|a| a.runtimes(task).iter().any(|r| r.available()))
            .map(|a| a.name.to_string())
            .collect();
    }
    given.split(',').map(|n| n.trim().to_string()).collect()
}

/// The algorithm called `name` (or one of its aliases); an unknown name suggests the closest one.
pub fn find(name: &str) -> Result<&'static Algorithm> {
    if let Some(found) = ALGORITHMS
        .iter()
        .find(|a| a.name == name || a.aliases.contains(&name))
    {
        return Ok(found);
    }
    let closest = ALGORITHMS
        .iter()
        .flat_map(|a| std::iter::once(a.name).chain(a.aliases.iter().copied()))
        .map(|candidate| (strsim::jaro_winkler(name, candidate), candidate))
        .max_by(|a, b| a.0.total_cmp(&b.0));
    let hint = match closest {
        Some((score, candidate)) if score > 0.8 => format!("; did you mean '{candidate}'?"),
        _ => String::new(),
    };
    Err(Error::usage(format!(
        "unknown algorithm '{name}'{hint} (`pgml-cli algorithms` lists them)"
    )))
}

/// Whether `name`'s Python models may carry pgml-cli's native tree form.
pub fn has_native_trees(name: &str) -> bool {
    find(name).is_ok_and(|a| a.python_trees)
}

/// What will train: the algorithm, the runtime, and the native implementation when the runtime is rust.
pub struct Choice {
    pub algorithm: &'static Algorithm,
    pub runtime: Runtime,
    /// Why the python runtime was chosen over the native one, to say once the hyperparameters
    /// are known to fit it.
    pub note: Option<String>,
}

/// Picks the runtime: the one asked for, else rust where the algorithm has a native
/// implementation that takes every hyperparameter `given` (PostgresML's scikit-learn names, such
/// as 1.0's `max_iter` for svm, keep working: such a model trains on the python runtime, and a
/// warning says why).
pub fn choose(name: &str, task: Task, runtime: Option<Runtime>, given: &[&str]) -> Result<Choice> {
    let algorithm = find(name)?;
    let offered = algorithm.runtimes(task);
    if offered.is_empty() {
        let tasks: Vec<&str> = algorithm.tasks().iter().map(|t| t.name()).collect();
        return Err(Error::usage(format!(
            "{} does not do {task} (it does: {})",
            algorithm.name,
            tasks.join(", ")
        )));
    }
    let mut note = None;
    let runtime = match runtime {
        Some(r) if !offered.contains(&r) => {
            return Err(Error::usage(format!(
                "{} has no {} runtime for {task} (it has: {})",
                algorithm.name,
                r.name(),
                offered
                    .iter()
                    .map(|r| r.name())
                    .collect::<Vec<_>>()
                    .join(", ")
            )))
        }
        Some(r) => r,
        None => match (algorithm.native_for(task), offered.get(1)) {
            (Some(native), Some(&Runtime::Python)) if Runtime::Python.available() => {
                let known = |key: &&str| {
                    native.params().iter().any(|s| s.name == *key)
                        || *key == params::RANDOM_STATE.name
                };
                match given.iter().find(|key| !known(key)) {
                    Some(key) => {
                        note = Some(format!(
                            "the native {} takes no hyperparameter '{key}': training on the python runtime",
                            algorithm.name
                        ));
                        Runtime::Python
                    }
                    None => Runtime::Rust,
                }
            }
            _ => offered[0],
        },
    };
    if !runtime.available() {
        let native: Vec<&str> = ALGORITHMS
            .iter()
            .filter(|a| a.native_for(task).is_some())
            .map(|a| a.name)
            .collect();
        return Err(Error::usage(format!(
            "{} for {task} runs on the python runtime, which this build of pgml-cli does not have (built without the `python` feature); native {task} algorithms: {}",
            algorithm.name,
            native.join(", ")
        )));
    }
    Ok(Choice {
        algorithm,
        runtime,
        note,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_and_aliases_are_unique() {
        let mut names: Vec<&str> = ALGORITHMS
            .iter()
            .flat_map(|a| std::iter::once(a.name).chain(a.aliases.iter().copied()))
            .collect();
        let count = names.len();
        names.sort();
        names.dedup();
        assert_eq!(names.len(), count);
    }

    #[test]
    fn every_algorithm_does_something() {
        for a in ALGORITHMS {
            assert!(!a.tasks().is_empty(), "{}", a.name);
        }
    }

    #[test]
    fn both_spellings_of_omp() {
        assert_eq!(
            find("orthoganl_matching_pursuit").unwrap().name,
            "orthogonal_matching_pursuit"
        );
    }

    #[test]
    fn unknown_names_suggest_the_closest() {
        let err = find("random_forrest").err().unwrap().to_string();
        assert!(err.contains("did you mean 'random_forest'"), "{err}");
    }

    #[test]
    fn runtime_defaults_to_rust_where_native_exists() {
        assert_eq!(
            choose("linear", Task::Regression, None, &[])
                .unwrap()
                .runtime,
            Runtime::Rust
        );
        assert_eq!(
            choose("linear", Task::Regression, Some(Runtime::Python), &[])
                .unwrap()
                .runtime,
            Runtime::Python
        );
        assert!(choose("lasso", Task::Classification, None, &[]).is_err());
        assert!(choose("dbscan", Task::Clustering, Some(Runtime::Python), &[]).is_err());
        // A scikit-learn hyperparameter the native svm lacks picks the python runtime.
        if cfg!(feature = "python") {
            let choice = choose("svm", Task::Regression, None, &["max_iter"]).unwrap();
            assert_eq!(choice.runtime, Runtime::Python);
            let choice = choose("svm", Task::Regression, None, &["C", "random_state"]).unwrap();
            assert_eq!(choice.runtime, Runtime::Rust);
        }
        match choose("xgboost", Task::Regression, None, &[]) {
            Ok(choice) => assert_eq!(choice.runtime, Runtime::Python),
            Err(e) => {
                assert!(!cfg!(feature = "python") && e.to_string().contains("python runtime"))
            }
        }
    }
}
