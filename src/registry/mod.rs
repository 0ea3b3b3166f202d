//! The project registry: many models per project, one deployed (PostgresML's projects, deploy
//! and rollback), in one embedded database file or in PostgreSQL. `Registry` is what the
//! commands use; `ops` implements it once over a transaction's queries, which `sqlite` and
//! `postgres` answer; every statement lives in `sql`.

mod ops;
mod postgres;
mod sql;
mod sqlite;

use std::path::{Path, PathBuf};

use serde::Serialize;

use crate::error::{Error, Result};
use crate::model::{self, Header};
use crate::task::Task;

pub use self::postgres::Postgres;
pub use sqlite::Sqlite;

/// Where the registry is when `--store` is not given and `PGML_STORE` is unset.
pub const DEFAULT_LOCATION: &str = ".pgml/registry.db";

/// `--store`, else `$PGML_STORE`, else `./.pgml/registry.db`: a file, or a `postgresql://` URL.
pub fn location(store: Option<&Path>) -> PathBuf {
    store
        .map(Path::to_path_buf)
        .or_else(|| {
            std::env::var_os("PGML_STORE")
                .filter(|s| !s.is_empty())
                .map(PathBuf::from)
        })
        .unwrap_or_else(|| PathBuf::from(DEFAULT_LOCATION))
}

/// A model as listed (without its bytes).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ModelRow {
    pub id: i64,
    pub project: String,
    pub algorithm: String,
    pub runtime: String,
    pub task: String,
    /// The task's key metric on the test rows; None when absent or not a number.
    pub key_metric: Option<f64>,
    pub created: String,
    pub deployed: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ProjectRow {
    pub name: String,
    pub task: String,
    pub created: String,
    pub models: i64,
    pub deployed_model_id: Option<i64>,
}

/// What `record` did.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Recorded {
    pub model_id: i64,
    pub deployed: bool,
    /// The project's deployed model after the record (this one, or the one that stayed).
    pub deployed_model_id: Option<i64>,
}

/// How `deploy` picks the model.
#[derive(Debug, Clone, PartialEq)]
pub enum Strategy {
    /// The highest key metric, optionally among one algorithm's models.
    BestScore(Option<String>),
    /// The newest, optionally among one algorithm's models.
    MostRecent(Option<String>),
    /// The most recently deployed model that is not the current one.
    Rollback,
    /// One model by id.
    Specific(i64),
}

impl Strategy {
    /// The name stored with the deployment (PostgresML's).
    pub fn name(&self) -> &'static str {
        match self {
            Strategy::BestScore(_) => "best_score",
            Strategy::MostRecent(_) => "most_recent",
            Strategy::Rollback => "rollback",
            Strategy::Specific(_) => "specific",
        }
    }
}

/// The strategy stored for the deployment that follows a train or an import.
pub const NEW_SCORE: &str = "new_score";

pub trait Registry {
    /// The registry as messages name it (a path, or a URL without its password).
    fn name(&self) -> &str;
    /// Refuses a project that exists with another task (before any training).
    fn check_project(&mut self, project: &str, task: Task) -> Result<()>;
    /// Adds a model file's bytes to `project` (created with the model's task on first use) and,
    /// when `deploy`, deploys it if `beats` the deployed one; in one transaction.
    fn record(
        &mut self,
        project: &str,
        header: &Header,
        bytes: &[u8],
        deploy: bool,
    ) -> Result<Recorded>;
    fn deploy(&mut self, project: &str, strategy: &Strategy) -> Result<ModelRow>;
    /// Every model, or one project's, oldest first.
    fn models(&mut self, project: Option<&str>) -> Result<Vec<ModelRow>>;
    fn projects(&mut self) -> Result<Vec<ProjectRow>>;
    /// The id of the project's deployed model.
    fn deployed(&mut self, project: &str) -> Result<i64>;
    /// A model and its file's bytes, checked by `model::decode`.
    fn model_file(&mut self, id: i64) -> Result<(ModelRow, Header, Vec<u8>)>;
}

/// PostgresML's automatic deploy: a model with a key metric beats a deployed model without one
/// or with a lower one (by more than rounding noise); a model without one (NaN, no test rows)
/// never beats.
pub fn beats(new: Option<f64>, deployed: Option<f64>) -> bool {
    match (
        new.filter(|v| v.is_finite()),
        deployed.filter(|v| v.is_finite()),
    ) {
        (Some(new), Some(deployed)) => crate::metrics::clearly_higher(new, deployed),
        (Some(_), None) => true,
        (None, _) => false,
    }
}

/// best_score's pick among `(id, key metric)` listed newest first: the highest, ties (within
/// rounding noise) going to the newest.
pub fn best_score(scores: &[(i64, f64)]) -> Option<i64> {
    let mut best: Option<(i64, f64)> = None;
    for &(id, score) in scores {
        if beats(Some(score), best.map(|(_, b)| b)) {
            best = Some((id, score));
        }
    }
    best.map(|(id, _)| id)
}

/// The key metric of a model's header, when it is a number.
pub fn key_metric(header: &Header) -> Option<f64> {
    header
        .metrics
        .get(header.task.key_metric())
        .copied()
        .filter(|v| v.is_finite())
}

/// The key metric of a task stored by name.
pub fn key_metric_name(task: &str) -> &'static str {
    <Task as clap::ValueEnum>::from_str(task, false).map_or("key metric", |t| t.key_metric())
}

/// Opens the registry at `store` (from `location`) for reading and deploying (it must exist).
pub fn open(store: &Path) -> Result<Box<dyn Registry>> {
    open_store(store, false)
}

/// Opens the registry at `store`, creating it (and a file's directory) on first use.
pub fn open_or_create(store: &Path) -> Result<Box<dyn Registry>> {
    open_store(store, true)
}

fn open_store(store: &Path, create: bool) -> Result<Box<dyn Registry>> {
    // A URL passes through `--store`'s path unchanged.
    match store.to_str().filter(|s| crate::postgres::is_url(s)) {
        Some(url) => Ok(Box::new(Postgres::open(url, create)?)),
        None => Ok(Box::new(Sqlite::open(store, create)?)),
    }
}

/// Reads and checks a model file, then records it (train's output, import).
pub fn record_file(
    registry: &mut dyn Registry,
    project: &str,
    path: &Path,
    deploy: bool,
) -> Result<(Header, Recorded)> {
    // `model::read` bounds every length by the file's size before reading it; the bytes stored
    // are the file's own (a format-1 file stays format 1).
    model::read(path)?;
    let bytes = std::fs::read(path).map_err(|e| Error::io(path.display(), e))?;
    let (header, _) = model::decode(path, &bytes)?;
    let recorded = registry.record(project, &header, &bytes, deploy)?;
    Ok((header, recorded))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn deploy_rule() {
        assert!(beats(Some(0.5), None));
        assert!(beats(Some(0.5), Some(0.4)));
        assert!(!beats(Some(0.4), Some(0.4)));
        assert!(!beats(Some(0.3), Some(0.4)));
        assert!(!beats(None, None));
        assert!(!beats(Some(f64::NAN), None));
        assert!(!beats(Some(f64::NAN), Some(0.1)));
        assert!(beats(Some(-1.0), Some(f64::NAN)));
        // The same r2 from two libraries, apart in the last bits: a tie.
        assert!(!beats(Some(0.547_267_000_000_001), Some(0.547_267)));
        assert!(!beats(Some(0.547_267_5), Some(0.547_267)));
        assert!(beats(Some(0.547_270), Some(0.547_267)));
    }

    #[test]
    fn best_score_ties_go_to_the_newest() {
        assert_eq!(best_score(&[]), None);
        assert_eq!(best_score(&[(3, 0.2), (2, 0.5), (1, 0.4)]), Some(2));
        assert_eq!(best_score(&[(2, 0.5 + 1e-15), (1, 0.5)]), Some(2));
        assert_eq!(best_score(&[(2, 0.5), (1, 0.5 + 1e-15)]), Some(2));
        assert_eq!(best_score(&[(2, -3.0), (1, -2.0)]), Some(1));
        assert!(crate::metrics::clearly_higher(-5.0, f64::NEG_INFINITY));
        assert!(!crate::metrics::clearly_higher(f64::NEG_INFINITY, -5.0));
    }
}
