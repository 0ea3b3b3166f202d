//! Hyperparameter specs of the native algorithms: scikit-learn's names and defaults, so the same
//! JSON means the same thing on both runtimes.

use super::Native;
use crate::algorithms::params::{Kind, ParamSpec};

const fn float(min: f64, min_exclusive: bool) -> Kind {
    Kind::Float {
        min,
        min_exclusive,
        max: f64::INFINITY,
    }
}
const FIT_INTERCEPT: ParamSpec = ParamSpec {
    name: "fit_intercept",
    kind: Kind::Bool,
    default: "true",
    help: "learn an intercept",
};
const MAX_ITER: ParamSpec = ParamSpec {
    name: "max_iter",
    kind: Kind::Int {
        min: 1,
        max: 1_000_000,
    },
    default: "1000",
    help: "iteration limit",
};
const TOL: ParamSpec = ParamSpec {
    name: "tol",
    kind: float(0.0, true),
    default: "0.0001",
    help: "stopping tolerance",
};
const LSTSQ_TOL: ParamSpec = ParamSpec {
    name: "tol",
    kind: float(0.0, false),
    default: "1e-6",
    help: "singular values below tol x the largest are taken as zero",
};
const ALPHA: ParamSpec = ParamSpec {
    name: "alpha",
    kind: float(0.0, false),
    default: "1.0",
    help: "regularization strength",
};
const C: ParamSpec = ParamSpec {
    name: "C",
    kind: float(0.0, true),
    default: "1.0",
    help: "inverse regularization strength",
};
const KERNEL: ParamSpec = ParamSpec {
    name: "kernel",
    kind: Kind::Choice(&["rbf", "linear"]),
    default: "\"rbf\"",
    help: "kernel function",
};
const GAMMA: ParamSpec = ParamSpec {
    name: "gamma",
    kind: Kind::ChoiceOrNumber(&["scale", "auto"]),
    default: "\"scale\"",
    help: "rbf width: scale = 1/(features * var(X)), auto = 1/features",
};
const SVM_TOL: ParamSpec = ParamSpec {
    name: "tol",
    kind: float(0.0, true),
    default: "0.001",
    help: "stopping tolerance",
};
const SHRINKING: ParamSpec = ParamSpec {
    name: "shrinking",
    kind: Kind::Bool,
    default: "true",
    help: "use the shrinking heuristic",
};
const MAX_DEPTH: ParamSpec = ParamSpec {
    name: "max_depth",
    kind: Kind::OptionalInt { min: 1 },
    default: "null",
    help: "tree depth limit (null: grow until pure)",
};
const MIN_SAMPLES_SPLIT: ParamSpec = ParamSpec {
    name: "min_samples_split",
    kind: Kind::Int {
        min: 2,
        max: i64::MAX,
    },
    default: "2",
    help: "rows needed to split a node",
};
const MIN_SAMPLES_LEAF: ParamSpec = ParamSpec {
    name: "min_samples_leaf",
    kind: Kind::Int {
        min: 1,
        max: i64::MAX,
    },
    default: "1",
    help: "rows needed in a leaf",
};
const CRITERION: ParamSpec = ParamSpec {
    name: "criterion",
    kind: Kind::Choice(&["gini", "entropy"]),
    default: "\"gini\"",
    help: "split quality measure",
};
const N_ESTIMATORS: ParamSpec = ParamSpec {
    name: "n_estimators",
    kind: Kind::Int {
        min: 1,
        max: 100_000,
    },
    default: "100",
    help: "number of trees",
};
const fn max_features(default: &'static str) -> ParamSpec {
    ParamSpec {
        name: "max_features",
        kind: Kind::ChoiceOrNumber(&["sqrt", "log2"]),
        default,
        help: "features tried per split: sqrt, log2, a fraction (float) or a count (integer)",
    }
}
const N_NEIGHBORS: ParamSpec = ParamSpec {
    name: "n_neighbors",
    kind: Kind::Int {
        min: 1,
        max: i64::MAX,
    },
    default: "5",
    help: "neighbors that vote",
};
const WEIGHTS: ParamSpec = ParamSpec {
    name: "weights",
    kind: Kind::Choice(&["uniform", "distance"]),
    default: "\"uniform\"",
    help: "neighbor weighting",
};

const LOGISTIC_PARAMS: &[ParamSpec] = &[
    C,
    FIT_INTERCEPT,
    ParamSpec {
        default: "100",
        ..MAX_ITER
    },
    TOL,
];
const ELASTIC_NET_PARAMS: &[ParamSpec] = &[
    ALPHA,
    ParamSpec {
        name: "l1_ratio",
        kind: Kind::Float {
            min: 0.0,
            min_exclusive: false,
            max: 1.0,
        },
        default: "0.5",
        help: "mix of L1 (1) and L2 (0) penalties",
    },
    FIT_INTERCEPT,
    MAX_ITER,
    TOL,
];
const SVR_PARAMS: &[ParamSpec] = &[
    C,
    ParamSpec {
        name: "epsilon",
        kind: float(0.0, false),
        default: "0.1",
        help: "width of the no-penalty tube",
    },
    KERNEL,
    GAMMA,
    SVM_TOL,
    SHRINKING,
];
const FOREST_REGRESSOR_PARAMS: &[ParamSpec] = &[
    N_ESTIMATORS,
    MAX_DEPTH,
    MIN_SAMPLES_SPLIT,
    MIN_SAMPLES_LEAF,
    max_features("1.0"),
];
const FOREST_CLASSIFIER_PARAMS: &[ParamSpec] = &[
    N_ESTIMATORS,
    CRITERION,
    MAX_DEPTH,
    MIN_SAMPLES_SPLIT,
    MIN_SAMPLES_LEAF,
    max_features("\"sqrt\""),
];
const GAUSSIAN_NB_PARAMS: &[ParamSpec] = &[ParamSpec {
    name: "var_smoothing",
    kind: float(0.0, false),
    default: "1e-9",
    help: "share of the largest variance added to all variances",
}];
const KMEANS_PARAMS: &[ParamSpec] = &[
    ParamSpec {
        name: "n_clusters",
        kind: Kind::Int {
            min: 1,
            max: i64::MAX,
        },
        default: "8",
        help: "number of clusters",
    },
    ParamSpec {
        default: "300",
        ..MAX_ITER
    },
    TOL,
    ParamSpec {
        name: "n_init",
        kind: Kind::Int { min: 1, max: 1_000 },
        default: "1",
        help: "k-means++ restarts; the best is kept (sklearn's n_init='auto' is 1 for k-means++)",
    },
];
const DBSCAN_PARAMS: &[ParamSpec] = &[
    ParamSpec {
        name: "eps",
        kind: float(0.0, true),
        default: "0.5",
        help: "neighborhood radius",
    },
    ParamSpec {
        name: "min_samples",
        kind: Kind::Int {
            min: 1,
            max: i64::MAX,
        },
        default: "5",
        help: "rows that make a core point",
    },
];
const PCA_PARAMS: &[ParamSpec] = &[ParamSpec {
    name: "n_components",
    kind: Kind::OptionalInt { min: 1 },
    default: "null",
    help: "components kept (null: min(rows, features))",
}];

impl Native {
    /// The hyperparameters it takes (plus `random_state`, which every one takes).
    pub fn params(self) -> &'static [ParamSpec] {
        use Native::*;
        match self {
            LinearRegression => &[FIT_INTERCEPT, LSTSQ_TOL],
            LogisticRegression => LOGISTIC_PARAMS,
            Ridge => &[ALPHA, FIT_INTERCEPT],
            Lasso => &[ALPHA, FIT_INTERCEPT, MAX_ITER, TOL],
            ElasticNet => ELASTIC_NET_PARAMS,
            Svr => SVR_PARAMS,
            Svc => &[C, KERNEL, GAMMA, SVM_TOL, SHRINKING],
            RandomForestRegressor => FOREST_REGRESSOR_PARAMS,
            RandomForestClassifier => FOREST_CLASSIFIER_PARAMS,
            DecisionTreeRegressor => &[MAX_DEPTH, MIN_SAMPLES_SPLIT, MIN_SAMPLES_LEAF],
            DecisionTreeClassifier => &[CRITERION, MAX_DEPTH, MIN_SAMPLES_SPLIT, MIN_SAMPLES_LEAF],
            KnnRegressor | KnnClassifier => &[N_NEIGHBORS, WEIGHTS],
            GaussianNb => GAUSSIAN_NB_PARAMS,
            KMeans => KMEANS_PARAMS,
            Dbscan => DBSCAN_PARAMS,
            Pca => PCA_PARAMS,
        }
    }
}
