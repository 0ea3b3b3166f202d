//! The registry in PostgreSQL, for several machines sharing projects: the SQLite registry's
//! tables in the schema `pgml_cli` of the URL's database, created and migrated on first use under
//! an advisory lock. A write is one READ COMMITTED transaction that locks its project's row
//! before reading the deployed model, so concurrent writers to a project take turns and each
//! sees the others' deployments; reads are one REPEATABLE READ snapshot.

use postgres::types::{FromSql, ToSql};
use postgres::{error::SqlState, GenericClient, IsolationLevel, Row, Transaction};

use super::ops::{self, Backend, Param, Tx};
use super::{sql, ModelRow, ProjectRow};
use crate::error::{Error, Result};

pub struct Postgres {
    client: postgres::Client,
    /// The URL without its password, for messages.
    shown: String,
}

impl Postgres {
    pub fn open(url: &str, create: bool) -> Result<Postgres> {
        let (mut client, shown) = crate::postgres::connect(url)?;
        client
            .batch_execute(sql::POSTGRES_SESSION)
            .map_err(|e| db_error(&shown, e))?;
        let version = version(&mut client, &shown)?;
        if version == 0 && !create {
            return Err(Error::usage(format!(
                "no registry at {shown} (train --project creates one)"
            )));
        }
        let mut registry = Postgres { client, shown };
        if version < sql::SCHEMA_VERSION {
            registry.migrate()?;
        }
        Ok(registry)
    }

    /// Brings an older registry (or none) to `SCHEMA_VERSION` in one transaction, one process at
    /// a time: the version is read again under the lock, since another may have migrated meanwhile.
    fn migrate(&mut self) -> Result<()> {
        let shown = &self.shown;
        let err = |e| db_error(shown, e);
        let mut tx = self.client.transaction().map_err(err)?;
        tx.batch_execute(sql::POSTGRES_MIGRATION_LOCK)
            .map_err(err)?;
        let version = version(&mut tx, shown)?;
        if version == 0 {
            tx.batch_execute(sql::POSTGRES_CREATE_SCHEMA).map_err(err)?;
        }
        for step in &sql::MIGRATIONS[version as usize..] {
            tx.batch_execute(&sql::postgres_ddl(step)).map_err(err)?;
        }
        tx.execute(sql::SCHEMA_VERSION_SET, &[&sql::SCHEMA_VERSION])
            .map_err(err)?;
        tx.commit().map_err(err)
    }

    fn transaction<T>(
        &mut self,
        isolation: IsolationLevel,
        read_only: bool,
        op: impl FnOnce(&mut dyn Tx) -> Result<T>,
    ) -> Result<T> {
        let shown = &self.shown;
        let mut tx = self
            .client
            .build_transaction()
            .isolation_level(isolation)
            .read_only(read_only)
            .start()
            .map_err(|e| db_error(shown, e))?;
        // Dropped without a commit on error: rolled back.
        let value = op(&mut PgTx { tx: &mut tx, shown })?;
        tx.commit().map_err(|e| db_error(shown, e))?;
        Ok(value)
    }
}

impl Backend for Postgres {
    fn name(&self) -> &str {
        &self.shown
    }

    fn write<T>(&mut self, op: impl FnOnce(&mut dyn Tx) -> Result<T>) -> Result<T> {
        // Set explicitly: a server whose default is SERIALIZABLE would fail concurrent writers
        // instead of queueing them on the project's row.
        self.transaction(IsolationLevel::ReadCommitted, false, op)
    }

    fn read<T>(&mut self, op: impl FnOnce(&mut dyn Tx) -> Result<T>) -> Result<T> {
        self.transaction(IsolationLevel::RepeatableRead, true, op)
    }
}

/// 0 where there is no registry yet; a `pgml_cli` schema with other tables is not a registry.
fn version(client: &mut impl GenericClient, shown: &str) -> Result<i64> {
    let err = |e| db_error(shown, e);
    let tables = client.query_one(sql::POSTGRES_TABLES, &[]).map_err(err)?;
    let tables = (
        column::<i64>(&tables, 0, shown)? > 0,
        column::<i64>(&tables, 1, shown)?,
    );
    let foreign = "a pgml_cli schema without a schema_version table";
    ops::schema_version(shown, tables, foreign, || {
        let row = client
            .query_one(sql::SCHEMA_VERSION_GET, &[])
            .map_err(err)?;
        column(&row, 0, shown)
    })
}

/// A column of the type the schema gives it; another type means someone altered the tables.
fn column<'a, T: FromSql<'a>>(row: &'a Row, i: usize, shown: &str) -> Result<T> {
    row.try_get(i).map_err(|e| {
        Error::Model(format!(
            "{shown} is not a pgml-cli registry (damaged: {})",
            message(&e)
        ))
    })
}

/// One line for a database failure: the registry's URL, and what the server said.
fn db_error(shown: &str, e: postgres::Error) -> Error {
    match e.code() {
        // Not expected at READ COMMITTED with the project's row locked; said plainly if a
        // server setting brings them anyway.
        Some(&SqlState::T_R_SERIALIZATION_FAILURE | &SqlState::T_R_DEADLOCK_DETECTED) => {
            Error::Io(format!(
                "{shown}: the registry write conflicted with another writer ({}); nothing was written, run it again",
                message(&e)
            ))
        }
        Some(&SqlState::LOCK_NOT_AVAILABLE) => Error::Io(format!(
            "{shown}: the registry stayed locked by another writer for 60 s ({})",
            message(&e)
        )),
        _ => Error::Io(format!("{shown}: {}", message(&e))),
    }
}

fn message(e: &postgres::Error) -> String {
    match (e.as_db_error(), std::error::Error::source(e)) {
        (Some(db), _) => db.message().to_string(),
        (None, Some(cause)) => format!("{e}: {cause}"),
        (None, None) => e.to_string(),
    }
}

struct PgTx<'t, 'c> {
    tx: &'t mut Transaction<'c>,
    shown: &'t str,
}

fn bind<'p>(params: &'p [Param]) -> Vec<&'p (dyn ToSql + Sync)> {
    params
        .iter()
        .map(|p| -> &(dyn ToSql + Sync) {
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

impl PgTx<'_, '_> {
    fn rows<T>(
        &mut self,
        query: &str,
        params: &[Param],
        read: impl Fn(&Row, &str) -> Result<T>,
    ) -> Result<Vec<T>> {
        let rows = self
            .tx
            .query(query, &bind(params))
            .map_err(|e| db_error(self.shown, e))?;
        rows.iter().map(|r| read(r, self.shown)).collect()
    }
}

fn read_model(r: &Row, shown: &str) -> Result<(ModelRow, i64)> {
    Ok((
        ModelRow {
            id: column(r, 0, shown)?,
            project: column(r, 1, shown)?,
            algorithm: column(r, 2, shown)?,
            runtime: column(r, 3, shown)?,
            task: column(r, 4, shown)?,
            key_metric: column(r, 5, shown)?,
            created: column(r, 6, shown)?,
            deployed: false,
        },
        column(r, 7, shown)?,
    ))
}

impl Tx for PgTx<'_, '_> {
    fn name(&self) -> &str {
        self.shown
    }

    fn project_for_write(&self) -> &'static str {
        sql::PROJECT_LOCK
    }

    fn execute(&mut self, query: &str, params: &[Param]) -> Result<()> {
        self.tx
            .execute(query, &bind(params))
            .map_err(|e| db_error(self.shown, e))?;
        Ok(())
    }

    fn ints(&mut self, query: &str, params: &[Param]) -> Result<Vec<i64>> {
        self.rows(query, params, |r, s| column(r, 0, s))
    }

    fn scores(&mut self, query: &str, params: &[Param]) -> Result<Vec<(i64, f64)>> {
        self.rows(query, params, |r, s| {
            Ok((column(r, 0, s)?, column(r, 1, s)?))
        })
    }

    fn models(&mut self, query: &str, params: &[Param]) -> Result<Vec<(ModelRow, i64)>> {
        self.rows(query, params, read_model)
    }

    fn project(&mut self, query: &str, name: &str) -> Result<Option<(i64, String)>> {
        let rows = self.rows(query, &[Param::Text(name)], |r, s| {
            Ok((column(r, 0, s)?, column(r, 2, s)?))
        })?;
        Ok(rows.into_iter().next())
    }

    fn projects(&mut self) -> Result<Vec<(i64, ProjectRow)>> {
        self.rows(sql::PROJECT_LIST, &[], |r, s| {
            Ok((
                column(r, 0, s)?,
                ProjectRow {
                    name: column(r, 1, s)?,
                    task: column(r, 2, s)?,
                    created: column(r, 3, s)?,
                    models: column(r, 4, s)?,
                    deployed_model_id: None,
                },
            ))
        })
    }

    fn blob(&mut self, id: i64) -> Result<Option<Vec<u8>>> {
        let rows = self.rows(sql::MODEL_BLOB, &[Param::Int(id)], |r, s| column(r, 0, s))?;
        Ok(rows.into_iter().next())
    }
}
