//! The four kinds of learning problem pgml-cli knows, with the facts that depend only on the task.

use serde::{Deserialize, Serialize};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, clap::ValueEnum)]
#[serde(rename_all = "lowercase")]
pub enum Task {
    Regression,
    Classification,
    Clustering,
    Decomposition,
}

impl Task {
    pub const ALL: [Task; 4] = [
        Task::Regression,
        Task::Classification,
        Task::Clustering,
        Task::Decomposition,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Task::Regression => "regression",
            Task::Classification => "classification",
            Task::Clustering => "clustering",
            Task::Decomposition => "decomposition",
        }
    }

    /// Supervised tasks learn from target columns; the others take none.
    pub fn supervised(self) -> bool {
        matches!(self, Task::Regression | Task::Classification)
    }

    /// The metric that decides which model is best (PostgresML's choice).
    pub fn key_metric(self) -> &'static str {
        match self {
            Task::Regression => "r2",
            Task::Classification => "f1",
            Task::Clustering => "silhouette",
            Task::Decomposition => "cumulative_explained_variance",
        }
    }
}

impl std::fmt::Display for Task {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}
