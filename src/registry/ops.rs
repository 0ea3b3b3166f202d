//! The registry's operations, written once over `Tx` (the few queries a database answers inside
//! one transaction); `sqlite` and `postgres` only open, migrate and run the transactions.

use std::path::PathBuf;

use super::{sql, ModelRow, ProjectRow, Recorded, Registry, Strategy, NEW_SCORE};
use crate::error::{Error, Result};
use crate::model::{self, Header};
use crate::task::Task;

/// A statement's parameter, bound by each database's own types.
pub enum Param<'a> {
    Int(i64),
    Text(&'a str),
    OptText(Option<&'a str>),
    OptReal(Option<f64>),
    Bytes(&'a [u8]),
}

/// One transaction of a registry database.
pub trait Tx {
    /// The registry as messages name it (a path, or a URL without its password).
    fn name(&self) -> &str;
    /// The statement that reads a project before writing to it (`PROJECT_GET` shape); PostgreSQL
    /// locks the row, SQLite's write transactions already hold the whole database.
    fn project_for_write(&self) -> &'static str;
    fn execute(&mut self, sql: &str, params: &[Param]) -> Result<()>;
    /// The first column of each row, an integer (ids, counts).
    fn ints(&mut self, sql: &str, params: &[Param]) -> Result<Vec<i64>>;
    /// `(id, key_metric)` rows.
    fn scores(&mut self, sql: &str, params: &[Param]) -> Result<Vec<(i64, f64)>>;
    /// `MODEL_GET`/`MODEL_LIST_*` rows (not yet marked deployed) with their project ids.
    fn models(&mut self, sql: &str, params: &[Param]) -> Result<Vec<(ModelRow, i64)>>;
    /// `(id, task)` of `PROJECT_GET`-shaped rows.
    fn project(&mut self, sql: &str, name: &str) -> Result<Option<(i64, String)>>;
    /// `PROJECT_LIST` rows (not yet with their deployed models) with their ids.
    fn projects(&mut self) -> Result<Vec<(i64, ProjectRow)>>;
    fn blob(&mut self, id: i64) -> Result<Option<Vec<u8>>>;
}

/// A registry database: runs an operation in one transaction (committed when it succeeds).
pub trait Backend {
    fn name(&self) -> &str;
    fn write<T>(&mut self, op: impl FnOnce(&mut dyn Tx) -> Result<T>) -> Result<T>;
    /// A read-only transaction: one consistent view of the registry.
    fn read<T>(&mut self, op: impl FnOnce(&mut dyn Tx) -> Result<T>) -> Result<T>;
}

impl<B: Backend> Registry for B {
    fn name(&self) -> &str {
        Backend::name(self)
    }

    fn check_project(&mut self, project: &str, task: Task) -> Result<()> {
        self.read(|tx| match tx.project(sql::PROJECT_GET, project)? {
            Some((_, existing)) => same_task(tx, project, &existing, task),
            None => Ok(()),
        })
    }

    fn record(
        &mut self,
        project: &str,
        header: &Header,
        bytes: &[u8],
        deploy: bool,
    ) -> Result<Recorded> {
        self.write(|tx| record(tx, project, header, bytes, deploy))
    }

    fn deploy(&mut self, project: &str, strategy: &Strategy) -> Result<ModelRow> {
        self.write(|tx| self::deploy(tx, project, strategy))
    }

    fn models(&mut self, project: Option<&str>) -> Result<Vec<ModelRow>> {
        self.read(|tx| {
            let listed = match project {
                Some(name) => {
                    project_id(tx, sql::PROJECT_GET, name)?;
                    tx.models(sql::MODEL_LIST_PROJECT, &[Param::Text(name)])?
                }
                None => tx.models(sql::MODEL_LIST_ALL, &[])?,
            };
            let mut current = std::collections::HashMap::new();
            let mut rows = Vec::with_capacity(listed.len());
            for (mut row, project_id) in listed {
                if let std::collections::hash_map::Entry::Vacant(e) = current.entry(project_id) {
                    e.insert(deployed(tx, project_id)?);
                }
                row.deployed = current[&project_id] == Some(row.id);
                rows.push(row);
            }
            Ok(rows)
        })
    }

    fn projects(&mut self) -> Result<Vec<ProjectRow>> {
        self.read(|tx| {
            let mut rows = Vec::new();
            for (id, mut row) in tx.projects()? {
                row.deployed_model_id = deployed(tx, id)?;
                rows.push(row);
            }
            Ok(rows)
        })
    }

    fn deployed(&mut self, project: &str) -> Result<i64> {
        self.read(|tx| {
            let (id, _) = project_id(tx, sql::PROJECT_GET, project)?;
            deployed(tx, id)?
                .ok_or_else(|| Error::usage(format!("project '{project}' has no deployed model")))
        })
    }

    fn model_file(&mut self, id: i64) -> Result<(ModelRow, Header, Vec<u8>)> {
        self.read(|tx| {
            let store = tx.name().to_string();
            let missing = || Error::usage(format!("no model {id} in {store}"));
            let (row, _) = model_row(tx, id)?.ok_or_else(missing)?;
            let bytes = tx.blob(id)?.ok_or_else(missing)?;
            let name = PathBuf::from(format!("{store} model {id}"));
            let (header, _) = model::decode(&name, &bytes)?;
            // The file must be the model the row describes (a crafted registry may swap them).
            if header.task.name() != row.task || header.algorithm != row.algorithm {
                return Err(Error::Model(format!(
                    "{}: the stored file is a {} {} model, the registry lists a {} {} one",
                    name.display(),
                    header.task,
                    header.algorithm,
                    row.task,
                    row.algorithm
                )));
            }
            Ok((row, header, bytes))
        })
    }
}

fn same_task(tx: &dyn Tx, project: &str, existing: &str, task: Task) -> Result<()> {
    match existing == task.name() {
        true => Ok(()),
        false => Err(Error::usage(format!(
            "project '{project}' in {} is a {existing} project; this model is {task}",
            tx.name()
        ))),
    }
}

fn project_id(tx: &mut dyn Tx, query: &str, project: &str) -> Result<(i64, String)> {
    tx.project(query, project)?
        .ok_or_else(|| Error::usage(format!("no project '{project}' in {}", tx.name())))
}

fn deployed(tx: &mut dyn Tx, project_id: i64) -> Result<Option<i64>> {
    Ok(tx
        .ints(sql::DEPLOYED, &[Param::Int(project_id)])?
        .first()
        .copied())
}

/// A model's row, marked when deployed, and its project's id.
fn model_row(tx: &mut dyn Tx, id: i64) -> Result<Option<(ModelRow, i64)>> {
    match tx.models(sql::MODEL_GET, &[Param::Int(id)])?.pop() {
        Some((mut row, project_id)) => {
            row.deployed = deployed(tx, project_id)? == Some(row.id);
            Ok(Some((row, project_id)))
        }
        None => Ok(None),
    }
}

fn record(
    tx: &mut dyn Tx,
    project: &str,
    header: &Header,
    bytes: &[u8],
    deploy: bool,
) -> Result<Recorded> {
    let now = crate::train::now();
    let task = header.task.name();
    tx.execute(
        sql::PROJECT_CREATE,
        &[Param::Text(project), Param::Text(task), Param::Text(&now)],
    )?;
    // Locked (PostgreSQL) before the deployed model is read, so that concurrent records into
    // one project take turns: none can deploy on a stale view of the deployed model.
    let lock = tx.project_for_write();
    let (project_id, existing) = project_id(tx, lock, project)?;
    same_task(tx, project, &existing, header.task)?;
    let json = |v: &serde_json::Value| v.to_string();
    let metrics = json(&model::metrics_json(&header.metrics));
    // Search results, once the header carries them, are kept beside the model.
    let search = serde_json::to_value(header)
        .ok()
        .and_then(|h| h.get("search").filter(|s| !s.is_null()).map(json));
    let key = super::key_metric(header);
    let model_id = tx
        .ints(
            sql::MODEL_INSERT,
            &[
                Param::Int(project_id),
                Param::Text(&header.algorithm),
                Param::Text(header.runtime.name()),
                Param::Text(task),
                Param::Text(&json(&header.hyperparams)),
                Param::Text(&metrics),
                Param::OptReal(key),
                Param::OptText(search.as_deref()),
                Param::Text(&now),
                Param::Bytes(bytes),
            ],
        )?
        .first()
        .copied()
        .ok_or_else(|| Error::Io(format!("{}: the new model got no id", tx.name())))?;
    let mut deployed_now = false;
    let mut current = deployed(tx, project_id)?;
    if deploy {
        let current_key = match current {
            Some(id) => model_row(tx, id)?.and_then(|(row, _)| row.key_metric),
            None => None,
        };
        if current.is_none() || super::beats(key, current_key) {
            tx.execute(
                sql::DEPLOY,
                &[
                    Param::Int(project_id),
                    Param::Int(model_id),
                    Param::Text(NEW_SCORE),
                    Param::Text(&now),
                ],
            )?;
            deployed_now = true;
            current = Some(model_id);
        }
    }
    Ok(Recorded {
        model_id,
        deployed: deployed_now,
        deployed_model_id: current,
    })
}

fn deploy(tx: &mut dyn Tx, project: &str, strategy: &Strategy) -> Result<ModelRow> {
    let lock = tx.project_for_write();
    let (project_id, task) = project_id(tx, lock, project)?;
    let count = tx.ints(sql::MODEL_COUNT, &[Param::Int(project_id)])?;
    if count.first().copied().unwrap_or(0) == 0 {
        return Err(Error::usage(format!("project '{project}' has no models")));
    }
    let of = |algorithm: &Option<String>| match algorithm {
        Some(a) => format!(" of algorithm '{a}'"),
        None => String::new(),
    };
    let pid = Param::Int(project_id);
    let model_id = match strategy {
        Strategy::BestScore(algorithm) => {
            let scores = match algorithm {
                Some(a) => tx.scores(sql::SCORES_ALGORITHM, &[pid, Param::Text(a)])?,
                None => tx.scores(sql::SCORES, &[pid])?,
            };
            super::best_score(&scores).ok_or_else(|| {
                let key = super::key_metric_name(&task);
                Error::usage(format!(
                    "project '{project}' has no model{} with a {key} score",
                    of(algorithm)
                ))
            })?
        }
        Strategy::MostRecent(algorithm) => match algorithm {
            Some(a) => tx.ints(sql::MOST_RECENT_ALGORITHM, &[pid, Param::Text(a)])?,
            None => tx.ints(sql::MOST_RECENT, &[pid])?,
        }
        .first()
        .copied()
        .ok_or_else(|| {
            Error::usage(format!("project '{project}' has no model{}", of(algorithm)))
        })?,
        Strategy::Rollback => {
            let current = deployed(tx, project_id)?.ok_or_else(|| {
                Error::usage(format!(
                    "project '{project}' has no deployment to roll back"
                ))
            })?;
            tx.ints(sql::ROLLBACK, &[pid, Param::Int(current)])?
                .first()
                .copied()
                .ok_or_else(|| {
                    Error::usage(format!(
                        "project '{project}' has no earlier deployment to roll back to (model {current} is the only one deployed)"
                    ))
                })?
        }
        Strategy::Specific(id) => match model_row(tx, *id)? {
            Some((_, pid)) if pid == project_id => *id,
            Some((row, _)) => {
                return Err(Error::usage(format!(
                    "model {id} belongs to project '{}', not '{project}'",
                    row.project
                )))
            }
            None => return Err(Error::usage(format!("no model {id} in {}", tx.name()))),
        },
    };
    let now = crate::train::now();
    tx.execute(
        sql::DEPLOY,
        &[
            Param::Int(project_id),
            Param::Int(model_id),
            Param::Text(strategy.name()),
            Param::Text(&now),
        ],
    )?;
    let (row, _) = model_row(tx, model_id)?
        .ok_or_else(|| Error::Io(format!("{}: model {model_id} vanished", tx.name())))?;
    Ok(row)
}

/// A registry's schema version from what its database holds: `(whether the version table exists,
/// how many tables there are)`, read in one statement, then the version table (read only when it
/// exists). 0 for an empty database; `foreign` says what one with other tables is.
pub fn schema_version(
    name: &str,
    (has_version, tables): (bool, i64),
    foreign: &str,
    version: impl FnOnce() -> Result<Option<i64>>,
) -> Result<i64> {
    let not_a_registry =
        |why: &str| Error::Model(format!("{name} is not a pgml-cli registry ({why})"));
    let version = match (has_version, tables) {
        // Versions start at 1; a migration indexes by the version, so nothing else may pass.
        (true, _) => match version()? {
            Some(v) if v >= 1 => v,
            Some(v) => return Err(not_a_registry(&format!("its schema_version is {v}"))),
            None => return Err(not_a_registry("its schema_version table is empty")),
        },
        (false, 0) => 0,
        (false, _) => return Err(not_a_registry(foreign)),
    };
    if version > sql::SCHEMA_VERSION {
        return Err(Error::Model(format!(
            "{name} is a registry of schema version {version}; this pgml-cli {} knows versions up to {}; upgrade pgml-cli",
            env!("CARGO_PKG_VERSION"),
            sql::SCHEMA_VERSION
        )));
    }
    Ok(version)
}
