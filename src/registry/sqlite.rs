//! The registry in an SQLite file (through rusqlite, SQLite compiled in). WAL mode and a busy
//! timeout let concurrent writers queue instead of failing; every write is one `BEGIN IMMEDIATE`
//! transaction, so a process killed mid-way leaves nothing half-recorded.

use std::path::{Path, PathBuf};
use std::time::Duration;

use rusqlite::{params, Connection, ErrorCode, OpenFlags, TransactionBehavior};

use super::ops::{self, Backend, Param, Tx};
use super::{sql, ModelRow, ProjectRow};
use crate::error::{Error, Result};

/// How long a writer waits for another one; a write holds the lock for milliseconds, so this
/// is only reached when something holds the database open in a transaction.
const BUSY_TIMEOUT: Duration = Duration::from_secs(60);

pub struct Sqlite {
    path: PathBuf,
    /// The path as messages show it.
    name: String,
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
            name: path.display().to_string(),
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
        let tables = self
            .conn
            .query_row(sql::SQLITE_TABLES, [], |r| {
                Ok((r.get::<_, i64>(0)? > 0, r.get(1)?))
            })
            .map_err(err)?;
        let foreign = "an SQLite database without a schema_version table";
        ops::schema_version(&self.name, tables, foreign, || {
            self.conn
                .query_row(sql::SCHEMA_VERSION_GET, [], |r| r.get(0))
                .map_err(err)
        })
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

/// A transaction's (or the connection's) statements, with the messages' names.
struct SqliteTx<'a> {
    conn: &'a Connection,
    path: &'a Path,
    name: &'a str,
}

fn bind<'p>(params: &'p [Param]) -> Vec<&'p dyn rusqlite::ToSql> {
    params
        .iter()
        .map(|p| -> &dyn rusqlite::ToSql {
            match p {
                Param::Int(v) => v,
                Param::Text(v) => v,
                Param::OptText(v) => v,
                Param::OptReal(v) => v,
                Param::Bytes(v) => v,
            }
        })
        .collect()
}

impl SqliteTx<'_> {
    fn rows<T>(
        &self,
        sql: &str,
        params: &[Param],
        read: impl FnMut(&rusqlite::Row) -> rusqlite::Result<T>,
    ) -> Result<Vec<T>> {
        let err = |e| db_error(self.path, e);
        let mut statement = self.conn.prepare(sql).map_err(err)?;
        let rows = statement
            .query_map(bind(params).as_slice(), read)
            .and_then(|rows| rows.collect())
            .map_err(err)?;
        Ok(rows)
    }
}

impl Tx for SqliteTx<'_> {
    fn name(&self) -> &str {
        self.name
    }

    fn project_for_write(&self) -> &'static str {
        sql::PROJECT_GET
    }

    fn execute(&mut self, sql: &str, params: &[Param]) -> Result<()> {
        self.conn
            .execute(sql, bind(params).as_slice())
            .map_err(|e| db_error(self.path, e))?;
        Ok(())
    }

    fn ints(&mut self, sql: &str, params: &[Param]) -> Result<Vec<i64>> {
        self.rows(sql, params, |r| r.get(0))
    }

    fn scores(&mut self, sql: &str, params: &[Param]) -> Result<Vec<(i64, f64)>> {
        self.rows(sql, params, |r| Ok((r.get(0)?, r.get(1)?)))
    }

    fn models(&mut self, sql: &str, params: &[Param]) -> Result<Vec<(ModelRow, i64)>> {
        self.rows(sql, params, read_model)
    }

    fn project(&mut self, sql: &str, name: &str) -> Result<Option<(i64, String)>> {
        Ok(self
            .rows(sql, &[Param::Text(name)], |r| Ok((r.get(0)?, r.get(2)?)))?
            .pop())
    }

    fn projects(&mut self) -> Result<Vec<(i64, ProjectRow)>> {
        self.rows(sql::PROJECT_LIST, &[], |r| {
            Ok((
                r.get(0)?,
                ProjectRow {
                    name: r.get(1)?,
                    task: r.get(2)?,
                    created: r.get(3)?,
                    models: r.get(4)?,
                    deployed_model_id: None,
                },
            ))
        })
    }

    fn blob(&mut self, id: i64) -> Result<Option<Vec<u8>>> {
        Ok(self
            .rows(sql::MODEL_BLOB, &[Param::Int(id)], |r| r.get(0))?
            .pop())
    }
}

impl Backend for Sqlite {
    fn name(&self) -> &str {
        &self.name
    }

    fn write<T>(&mut self, op: impl FnOnce(&mut dyn Tx) -> Result<T>) -> Result<T> {
        self.transaction(TransactionBehavior::Immediate, op)
    }

    fn read<T>(&mut self, op: impl FnOnce(&mut dyn Tx) -> Result<T>) -> Result<T> {
        self.transaction(TransactionBehavior::Deferred, op)
    }
}

impl Sqlite {
    /// Runs `op` in one transaction, committed when it succeeds (rolled back when dropped).
    fn transaction<T>(
        &mut self,
        behavior: TransactionBehavior,
        op: impl FnOnce(&mut dyn Tx) -> Result<T>,
    ) -> Result<T> {
        let path = &self.path;
        let tx = self
            .conn
            .transaction_with_behavior(behavior)
            .map_err(|e| db_error(path, e))?;
        let value = op(&mut SqliteTx {
            conn: &tx,
            path,
            name: &self.name,
        })?;
        tx.commit().map_err(|e| db_error(path, e))?;
        Ok(value)
    }
}
