//! Every SQL statement of the registry, written so that SQLite and PostgreSQL both take it:
//! `$N` parameters (SQLite binds them by first appearance, so each statement names them in
//! order), no `INSERT OR ...`, `ON CONFLICT DO NOTHING`, NULLs filtered rather than ordered (they
//! sort last in SQLite and first in PostgreSQL). Only the DDL's types, the catalogue queries and
//! PostgreSQL's locks differ per database; they are marked.

/// The schema this pgml-cli writes.
pub const SCHEMA_VERSION: i64 = 1;

/// `MIGRATIONS[v]` takes a registry from version `v` to `v + 1` (0 is an empty database).
/// Written in SQLite's types; `postgres_ddl` maps them for PostgreSQL.
pub const MIGRATIONS: &[&str] = &["
CREATE TABLE schema_version (version INTEGER NOT NULL);
INSERT INTO schema_version (version) VALUES (1);
CREATE TABLE projects (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    task TEXT NOT NULL,
    created TEXT NOT NULL
);
CREATE TABLE models (
    id INTEGER PRIMARY KEY,
    project_id INTEGER NOT NULL REFERENCES projects (id),
    algorithm TEXT NOT NULL,
    runtime TEXT NOT NULL,
    task TEXT NOT NULL,
    hyperparams TEXT NOT NULL,
    metrics TEXT NOT NULL,
    key_metric REAL NULL,
    search TEXT NULL,
    created TEXT NOT NULL,
    model BLOB NOT NULL
);
CREATE INDEX models_project ON models (project_id);
CREATE TABLE deployments (
    id INTEGER PRIMARY KEY,
    project_id INTEGER NOT NULL REFERENCES projects (id),
    model_id INTEGER NOT NULL REFERENCES models (id),
    strategy TEXT NOT NULL,
    created TEXT NOT NULL
);
CREATE INDEX deployments_project ON deployments (project_id);
"];

/// A migration step in PostgreSQL's types: SQLite's `INTEGER PRIMARY KEY` (its row id) becomes
/// an identity column; its INTEGER and REAL are 8 bytes (PostgreSQL's BIGINT and DOUBLE
/// PRECISION, not INTEGER and REAL, which are 4); BLOB is BYTEA.
pub fn postgres_ddl(step: &str) -> String {
    step.replace(
        "INTEGER PRIMARY KEY",
        "BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY",
    )
    .replace("INTEGER", "BIGINT")
    .replace("REAL", "DOUBLE PRECISION")
    .replace("BLOB", "BYTEA")
}

/// PostgreSQL only, once per connection: the registry's tables live in their own schema (beside
/// the users' data, and apart from the pgml extension's `pgml` schema), which every statement
/// here leaves unqualified; a lock held longer than SQLite's busy timeout is an error, not a hang.
pub const POSTGRES_SESSION: &str = "SET search_path TO pgml_cli; SET lock_timeout = '60s'";
pub const POSTGRES_CREATE_SCHEMA: &str = "CREATE SCHEMA IF NOT EXISTS pgml_cli";
/// PostgreSQL only: one migration at a time across machines (the key is b"pgml_cli"), held to
/// the end of the transaction.
pub const POSTGRES_MIGRATION_LOCK: &str = "SELECT pg_advisory_xact_lock(8099562767073373289)";
/// PostgreSQL only: whether the version table exists, and how many tables the schema holds, in
/// one statement (one snapshot: in two, another machine's new registry could appear between).
/// Read from the catalogue's rows, not through `to_regclass`, which resolves the search path as
/// the session last saw it and misses a schema another session has just created.
pub const POSTGRES_TABLES: &str = "SELECT count(*) FILTER (WHERE tablename = 'schema_version'),
    count(*) FROM pg_tables WHERE schemaname = 'pgml_cli'";

/// SQLite only: whether the version table exists, and how many tables the database holds (an
/// empty one becomes a registry), in one statement as for PostgreSQL.
pub const SQLITE_TABLES: &str = "SELECT count(*) FILTER (WHERE name = 'schema_version'), count(*)
    FROM sqlite_master WHERE type = 'table'";

pub const SCHEMA_VERSION_GET: &str = "SELECT max(version) FROM schema_version";
pub const SCHEMA_VERSION_SET: &str = "UPDATE schema_version SET version = $1";

pub const PROJECT_CREATE: &str =
    "INSERT INTO projects (name, task, created) VALUES ($1, $2, $3) ON CONFLICT (name) DO NOTHING";
pub const PROJECT_GET: &str = "SELECT id, name, task, created FROM projects WHERE name = $1";
/// PostgreSQL only: `PROJECT_GET` locking the row to the end of the transaction, so writers to
/// one project take turns (SQLite's write transactions lock the whole file).
pub const PROJECT_LOCK: &str =
    "SELECT id, name, task, created FROM projects WHERE name = $1 FOR UPDATE";

pub const MODEL_INSERT: &str = "INSERT INTO models
    (project_id, algorithm, runtime, task, hyperparams, metrics, key_metric, search, created, model)
    VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id";

/// Listed models: id, project, algorithm, runtime, task, key_metric, created, project_id (no blob).
pub const MODEL_LIST_ALL: &str =
    "SELECT m.id, p.name, m.algorithm, m.runtime, m.task, m.key_metric,
    m.created, m.project_id FROM models m JOIN projects p ON p.id = m.project_id ORDER BY m.id";
pub const MODEL_LIST_PROJECT: &str = "SELECT m.id, p.name, m.algorithm, m.runtime, m.task,
    m.key_metric, m.created, m.project_id FROM models m JOIN projects p ON p.id = m.project_id
    WHERE p.name = $1 ORDER BY m.id";
pub const MODEL_GET: &str = "SELECT m.id, p.name, m.algorithm, m.runtime, m.task, m.key_metric,
    m.created, m.project_id FROM models m JOIN projects p ON p.id = m.project_id WHERE m.id = $1";
pub const MODEL_BLOB: &str = "SELECT model FROM models WHERE id = $1";

/// best_score's candidates, newest first, optionally of one algorithm: `super::best_score` picks
/// (in Rust, so that scores equal but for rounding count as ties on every database).
pub const SCORES: &str = "SELECT id, key_metric FROM models WHERE project_id = $1
    AND key_metric IS NOT NULL ORDER BY id DESC";
pub const SCORES_ALGORITHM: &str = "SELECT id, key_metric FROM models WHERE project_id = $1
    AND algorithm = $2 AND key_metric IS NOT NULL ORDER BY id DESC";
/// most_recent: the newest (ids grow with time; clocks need not).
pub const MOST_RECENT: &str =
    "SELECT id FROM models WHERE project_id = $1 ORDER BY id DESC LIMIT 1";
pub const MOST_RECENT_ALGORITHM: &str =
    "SELECT id FROM models WHERE project_id = $1 AND algorithm = $2 ORDER BY id DESC LIMIT 1";
/// rollback: the most recently deployed model that is not the current one.
pub const ROLLBACK: &str = "SELECT model_id FROM deployments WHERE project_id = $1
    AND model_id <> $2 ORDER BY id DESC LIMIT 1";
pub const MODEL_COUNT: &str = "SELECT count(*) FROM models WHERE project_id = $1";

pub const DEPLOYED: &str = "SELECT model_id FROM deployments WHERE project_id = $1
    ORDER BY id DESC LIMIT 1";
pub const DEPLOY: &str =
    "INSERT INTO deployments (project_id, model_id, strategy, created) VALUES ($1, $2, $3, $4)";

/// Projects with their model counts; the deployed model is asked per project (`DEPLOYED`).
pub const PROJECT_LIST: &str = "SELECT p.id, p.name, p.task, p.created,
    (SELECT count(*) FROM models m WHERE m.project_id = p.id) FROM projects p ORDER BY p.name";

#[cfg(test)]
mod tests {
    #[test]
    fn postgres_ddl_has_no_sqlite_types() {
        for step in super::MIGRATIONS {
            let ddl = super::postgres_ddl(step);
            for word in ["INTEGER", " REAL", "BLOB"] {
                assert!(!ddl.contains(word), "{word} in {ddl}");
            }
            assert_eq!(ddl.matches("GENERATED ALWAYS AS IDENTITY").count(), 3);
        }
    }
}
