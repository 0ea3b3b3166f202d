//! The registry in an SQLite file (through rusqlite, SQLite compiled in). WAL mode and a busy
//! timeout let concurrent writers queue instead of failing; every write is one `BEGIN IMMEDIATE`
//! transaction, so a process killed mid-way leaves nothing half-recorded.

use std::path::{Path, PathBuf};
use std::time::Duration;

use rusqlite::{params, Connection, ErrorCode, OpenFlags, OptionalExtension, TransactionBehavior};

use super::{sql, ModelRow, ProjectRow, Recorded, Registry, Strategy, NEW_SCORE};
use crate::error::{Error, Result};
use crate::model::{self, Header};
use crate::task::Task;

/// How long a writer waits for another one; a write holds the lock for milliseconds, so this
/// is only reached when something holds the database open in a transaction.
const BUSY_TIMEOUT: Duration = Duration::from_secs(60);

pub struct Sqlite {
    path: PathBuf,
    conn: Connection,
}

impl Sqlite {
    pub fn open(path: &Path, create: bool) -> Result<Sqlite> {
        if path.exists() && !path.is_file() {
            return Err(Error::usage(format!(
                "{} is not a registry file (a directory, a device or a pipe)",
                path.display()
            )));
        }
        if !create && !path.exists() {
            return Err(Error::usage(format!(
                "no registry at {} (train --project creates one)",
                path.display()
            )));
        }
        if create {
            let dir = crate::atomic::parent_dir(path);
            std::fs::create_dir_all(dir).map_err(|e| Error::io(dir.display(), e))?;
        }
        let mut flags = OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX;
        if create {
            flags |= OpenFlags::SQLITE_OPEN_CREATE;
        }
        let conn = Connection::open_with_flags(path, flags).map_err(|e| db_error(path, e))?;
        let mut registry = Sqlite {
            path: path.to_path_buf(),
            conn,
        };
        registry.setup()?;
        Ok(registry)
    }

    fn setup(&mut self) -> Result<()> {
        let path = self.path.clone();
        let err = |e| db_error(&path, e);
        self.conn.busy_timeout(BUSY_TIMEOUT).map_err(err)?;
        // The version first: a file that is no database fails here, before anything is written.
        let version = self.version()?;
        self.check_not_newer(version)?;
        // Switching to WAL needs the database to itself: when another process holds it (several
        // opening a new registry at once) SQLite keeps the old mode without waiting, so wait
        // here, within the busy timeout. Once switched, the mode is the file's for good.
        let started = std::time::Instant::now();
        let mode = loop {
            let mode: String = self
                .conn
                .query_row("PRAGMA journal_mode = WAL", [], |r| r.get(0))
                .map_err(err)?;
            if mode.eq_ignore_ascii_case("wal") || started.elapsed() >= BUSY_TIMEOUT {
                break mode;
            }
            std::thread::sleep(std::time::Duration::from_millis(10));
        };
        if !mode.eq_ignore_ascii_case("wal") {
            return Err(Error::Io(format!(
                "{}: cannot switch the registry to WAL mode (it stays '{mode}')",
                path.display()
            )));
        }
        self.conn
            .execute_batch("PRAGMA foreign_keys = ON")
            .map_err(err)?;
        if version < sql::SCHEMA_VERSION {
            self.migrate()?;
        }
        Ok(())
    }

    /// 0 for an empty database; an SQLite file with other tables is not a registry.
    fn version(&self) -> Result<i64> {
        let err = |e| db_error(&self.path, e);
        let has_version: i64 = self
            .conn
            .query_row(sql::SQLITE_HAS_VERSION, [], |r| r.get(0))
            .map_err(err)?;
        if has_version == 1 {
            let version: Option<i64> = self
                .conn
                .query_row(sql::SCHEMA_VERSION_GET, [], |r| r.get(0))
                .map_err(err)?;
            // Versions start at 1; a migration indexes by the version, so nothing else may pass.
            return match version {
                Some(v) if v >= 1 => Ok(v),
                Some(v) => Err(self.not_a_registry(&format!("its schema_version is {v}"))),
                None => Err(self.not_a_registry("its schema_version table is empty")),
            };
        }
        let tables: i64 = self
            .conn
            .query_row(sql::SQLITE_TABLE_COUNT, [], |r| r.get(0))
            .map_err(err)?;
        match tables {
            0 => Ok(0),
            _ => Err(self.not_a_registry("an SQLite database without a schema_version table")),
        }
    }

    fn check_not_newer(&self, version: i64) -> Result<()> {
        if version > sql::SCHEMA_VERSION {
            return Err(Error::Model(format!(
                "{} is a registry of schema version {version}; this pgml-cli {} knows versions up to {}; upgrade pgml-cli",
                self.path.display(),
                env!("CARGO_PKG_VERSION"),
                sql::SCHEMA_VERSION
            )));
        }
        Ok(())
    }

    fn not_a_registry(&self, why: &str) -> Error {
        Error::Model(format!(
            "{} is not a pgml-cli registry ({why})",
            self.path.display()
        ))
    }

    /// Brings an older registry (or an empty file) to `SCHEMA_VERSION` in one transaction; the
    /// version is read again inside it, since another process may have migrated meanwhile.
    fn migrate(&mut self) -> Result<()> {
        let path = self.path.clone();
        let err = |e| db_error(&path, e);
        // By hand rather than `Transaction`, which would hold `self.conn` borrowed from `version()`.
        self.conn.execute_batch("BEGIN IMMEDIATE").map_err(err)?;
        let result = (|| {
            let version = self.version()?;
            self.check_not_newer(version)?;
            for step in &sql::MIGRATIONS[version as usize..] {
                self.conn.execute_batch(step).map_err(err)?;
            }
            self.conn
                .execute(sql::SCHEMA_VERSION_SET, params![sql::SCHEMA_VERSION])
                .map_err(err)?;
            self.conn.execute_batch("COMMIT").map_err(err)
        })();
        if result.is_err() {
            let _ = self.conn.execute_batch("ROLLBACK");
        }
        result
    }

    fn err(&self) -> impl Fn(rusqlite::Error) -> Error + '_ {
        move |e| db_error(&self.path, e)
    }
}

fn project_id(path: &Path, conn: &Connection, project: &str) -> Result<(i64, String)> {
    conn.query_row(sql::PROJECT_GET, params![project], |r| {
        Ok((r.get(0)?, r.get(2)?))
    })
    .optional()
    .map_err(|e| db_error(path, e))?
    .ok_or_else(|| Error::usage(format!("no project '{project}' in {}", path.display())))
}

/// A model's row, whether it is deployed, and its project's id.
fn model_row(path: &Path, conn: &Connection, id: i64) -> Result<Option<(ModelRow, i64)>> {
    let err = |e| db_error(path, e);
    let row = conn
        .query_row(sql::MODEL_GET, params![id], read_model)
        .optional()
        .map_err(err)?;
    match row {
        Some((mut row, project_id)) => {
            row.deployed = deployed(conn, project_id).map_err(err)? == Some(row.id);
            Ok(Some((row, project_id)))
        }
        None => Ok(None),
    }
}

/// One line for a database failure: the registry's path, and what SQLite said.
fn db_error(path: &Path, e: rusqlite::Error) -> Error {
    match e.sqlite_error_code() {
        Some(ErrorCode::NotADatabase) => Error::Model(format!(
            "{} is not a pgml-cli registry (not an SQLite database)",
            path.display()
        )),
        Some(ErrorCode::DatabaseBusy | ErrorCode::DatabaseLocked) => Error::Io(format!(
            "{}: the registry stayed locked by another process for {} s",
            path.display(),
            BUSY_TIMEOUT.as_secs()
        )),
        Some(ErrorCode::CannotOpen | ErrorCode::ReadOnly | ErrorCode::PermissionDenied) => {
            Error::Io(format!(
                "{}: {e} (the registry needs write access to the file and to its directory {}, for its -wal and -shm files)",
                path.display(),
                crate::atomic::parent_dir(path).display()
            ))
        }
        // A value of the wrong type where the schema puts another (NULL, text for a number):
        // the file was written by something else.
        _ if matches!(
            e,
            rusqlite::Error::InvalidColumnType(..) | rusqlite::Error::FromSqlConversionFailure(..)
        ) =>
        {
            Error::Model(format!(
                "{} is not a pgml-cli registry (damaged: {e})",
                path.display()
            ))
        }
        _ => Error::Io(format!("{}: {e}", path.display())),
    }
}

fn read_model(r: &rusqlite::Row) -> rusqlite::Result<(ModelRow, i64)> {
    Ok((
        ModelRow {
            id: r.get(0)?,
            project: r.get(1)?,
            algorithm: r.get(2)?,
            runtime: r.get(3)?,
            task: r.get(4)?,
            key_metric: r.get(5)?,
            created: r.get(6)?,
            deployed: false,
        },
        r.get(7)?,
    ))
}

fn deployed(conn: &Connection, project_id: i64) -> rusqlite::Result<Option<i64>> {
    conn.query_row(sql::DEPLOYED, params![project_id], |r| r.get(0))
        .optional()
}

impl Registry for Sqlite {
    fn check_project(&mut self, project: &str, task: Task) -> Result<()> {
        let existing: Option<String> = self
            .conn
            .query_row(sql::PROJECT_GET, params![project], |r| r.get(2))
            .optional()
            .map_err(self.err())?;
        match existing {
            Some(existing) if existing != task.name() => Err(Error::usage(format!(
                "project '{project}' in {} is a {existing} project; this model is {task}",
                self.path.display()
            ))),
            _ => Ok(()),
        }
    }

    fn record(
        &mut self,
        project: &str,
        header: &Header,
        bytes: &[u8],
        deploy: bool,
    ) -> Result<Recorded> {
        let path = self.path.clone();
        let err = |e| db_error(&path, e);
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(err)?;
        let now = crate::train::now();
        tx.execute(
            sql::PROJECT_CREATE,
            params![project, header.task.name(), now],
        )
        .map_err(err)?;
        let (project_id, task): (i64, String) = tx
            .query_row(sql::PROJECT_GET, params![project], |r| {
                Ok((r.get(0)?, r.get(2)?))
            })
            .map_err(err)?;
        if task != header.task.name() {
            return Err(Error::usage(format!(
                "project '{project}' in {} is a {task} project; this model is {}",
                path.display(),
                header.task
            )));
        }
        let json = |v: &serde_json::Value| v.to_string();
        let metrics = crate::model::metrics_json(&header.metrics);
        // Search results, once the header carries them, are kept beside the model.
        let search = serde_json::to_value(header)
            .ok()
            .and_then(|h| h.get("search").filter(|s| !s.is_null()).map(json));
        let key = super::key_metric(header);
        let model_id: i64 = tx
            .query_row(
                sql::MODEL_INSERT,
                params![
                    project_id,
                    header.algorithm,
                    header.runtime.name(),
                    header.task.name(),
                    json(&header.hyperparams),
                    json(&metrics),
                    key,
                    search,
                    now,
                    bytes
                ],
                |r| r.get(0),
            )
            .map_err(err)?;
        let mut deployed_now = false;
        let mut current = deployed(&tx, project_id).map_err(err)?;
        if deploy {
            let current_key = match current {
                Some(id) => {
                    tx.query_row(sql::MODEL_GET, params![id], read_model)
                        .map_err(err)?
                        .0
                        .key_metric
                }
                None => None,
            };
            if current.is_none() || super::beats(key, current_key) {
                tx.execute(sql::DEPLOY, params![project_id, model_id, NEW_SCORE, now])
                    .map_err(err)?;
                deployed_now = true;
                current = Some(model_id);
            }
        }
        tx.commit().map_err(err)?;
        Ok(Recorded {
            model_id,
            deployed: deployed_now,
            deployed_model_id: current,
        })
    }

    fn deploy(&mut self, project: &str, strategy: &Strategy) -> Result<ModelRow> {
        let path = self.path.clone();
        let err = |e| db_error(&path, e);
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(err)?;
        let (project_id, task) = project_id(&path, &tx, project)?;
        let count: i64 = tx
            .query_row(sql::MODEL_COUNT, params![project_id], |r| r.get(0))
            .map_err(err)?;
        if count == 0 {
            return Err(Error::usage(format!("project '{project}' has no models")));
        }
        let one = |query: &str, p: &[&dyn rusqlite::ToSql]| -> Result<Option<i64>> {
            tx.query_row(query, p, |r| r.get(0)).optional().map_err(err)
        };
        let of = |algorithm: &Option<String>| match algorithm {
            Some(a) => format!(" of algorithm '{a}'"),
            None => String::new(),
        };
        let model_id = match strategy {
            Strategy::BestScore(algorithm) => {
                let (query, p): (&str, Vec<&dyn rusqlite::ToSql>) = match algorithm {
                    Some(a) => (sql::SCORES_ALGORITHM, vec![&project_id, a]),
                    None => (sql::SCORES, vec![&project_id]),
                };
                let mut statement = tx.prepare(query).map_err(err)?;
                let scores = statement
                    .query_map(p.as_slice(), |r| Ok((r.get(0)?, r.get(1)?)))
                    .and_then(|rows| rows.collect::<rusqlite::Result<Vec<(i64, f64)>>>())
                    .map_err(err)?;
                super::best_score(&scores)
            }
            .ok_or_else(|| {
                let key = super::key_metric_name(&task);
                Error::usage(format!(
                    "project '{project}' has no model{} with a {key} score",
                    of(algorithm)
                ))
            })?,
            Strategy::MostRecent(algorithm) => match algorithm {
                Some(a) => one(sql::MOST_RECENT_ALGORITHM, &[&project_id, a])?,
                None => one(sql::MOST_RECENT, &[&project_id])?,
            }
            .ok_or_else(|| {
                Error::usage(format!("project '{project}' has no model{}", of(algorithm)))
            })?,
            Strategy::Rollback => {
                let current = deployed(&tx, project_id).map_err(err)?.ok_or_else(|| {
                    Error::usage(format!(
                        "project '{project}' has no deployment to roll back"
                    ))
                })?;
                one(sql::ROLLBACK, &[&project_id, &current])?.ok_or_else(|| {
                    Error::usage(format!(
                        "project '{project}' has no earlier deployment to roll back to (model {current} is the only one deployed)"
                    ))
                })?
            }
            Strategy::Specific(id) => match model_row(&path, &tx, *id)? {
                Some((_, pid)) if pid == project_id => *id,
                Some((row, _)) => {
                    return Err(Error::usage(format!(
                        "model {id} belongs to project '{}', not '{project}'",
                        row.project
                    )))
                }
                None => return Err(Error::usage(format!("no model {id} in {}", path.display()))),
            },
        };
        tx.execute(
            sql::DEPLOY,
            params![project_id, model_id, strategy.name(), crate::train::now()],
        )
        .map_err(err)?;
        let (row, _) = model_row(&path, &tx, model_id)?
            .ok_or_else(|| Error::Io(format!("{}: model {model_id} vanished", path.display())))?;
        tx.commit().map_err(err)?;
        Ok(row)
    }

    fn models(&mut self, project: Option<&str>) -> Result<Vec<ModelRow>> {
        let mut rows = Vec::new();
        let mut statement = match project {
            Some(name) => {
                project_id(&self.path, &self.conn, name)?;
                self.conn.prepare(sql::MODEL_LIST_PROJECT)
            }
            None => self.conn.prepare(sql::MODEL_LIST_ALL),
        }
        .map_err(self.err())?;
        let listed = match project {
            Some(name) => statement.query_map(params![name], read_model),
            None => statement.query_map([], read_model),
        }
        .map_err(self.err())?;
        let mut current = std::collections::HashMap::new();
        for row in listed {
            let (mut row, project_id) = row.map_err(self.err())?;
            if let std::collections::hash_map::Entry::Vacant(e) = current.entry(project_id) {
                e.insert(deployed(&self.conn, project_id).map_err(self.err())?);
            }
            row.deployed = current[&project_id] == Some(row.id);
            rows.push(row);
        }
        Ok(rows)
    }

    fn projects(&mut self) -> Result<Vec<ProjectRow>> {
        let mut statement = self.conn.prepare(sql::PROJECT_LIST).map_err(self.err())?;
        let listed = statement
            .query_map([], |r| {
                Ok((
                    r.get::<_, i64>(0)?,
                    ProjectRow {
                        name: r.get(1)?,
                        task: r.get(2)?,
                        created: r.get(3)?,
                        models: r.get(4)?,
                        deployed_model_id: None,
                    },
                ))
            })
            .map_err(self.err())?;
        let mut rows = Vec::new();
        for row in listed {
            let (id, mut row) = row.map_err(self.err())?;
            row.deployed_model_id = deployed(&self.conn, id).map_err(self.err())?;
            rows.push(row);
        }
        Ok(rows)
    }

    fn deployed(&mut self, project: &str) -> Result<i64> {
        let (id, _) = project_id(&self.path, &self.conn, project)?;
        deployed(&self.conn, id)
            .map_err(self.err())?
            .ok_or_else(|| Error::usage(format!("project '{project}' has no deployed model")))
    }

    fn model_file(&mut self, id: i64) -> Result<(ModelRow, Header, Vec<u8>)> {
        let (row, _) = model_row(&self.path, &self.conn, id)?
            .ok_or_else(|| Error::usage(format!("no model {id} in {}", self.path.display())))?;
        let bytes: Vec<u8> = self
            .conn
            .query_row(sql::MODEL_BLOB, params![id], |r| r.get(0))
            .map_err(self.err())?;
        let name = PathBuf::from(format!("{} model {id}", self.path.display()));
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
    }
}
