//! The project registry in PostgreSQL (`--store postgresql://...`) on a throwaway server: the
//! flows the SQLite registry passes (tests/common/registry.rs), then what several machines
//! sharing one registry need: concurrent records keeping the deploy rule, racing deploys, racing
//! first use, and the same tables as SQLite's. No output may show the server's password.

mod common;
#[path = "common/registry.rs"]
mod flows;
#[path = "common/pg.rs"]
mod pg;

use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::sync::Barrier;
use std::time::{Duration, Instant};

use common::{pgml, repo};
use flows::Store;
use pg::PgServer;
use pgml_cli::registry::{self, Strategy};
use serde_json::Value;

/// A server and its registry's store, or None where no server can be started (outside CI).
fn server() -> Option<(PgServer, Store)> {
    let server = PgServer::start()?;
    let store = Store::postgres(&server.url, &server.password);
    Some((server, store))
}

/// The URL of another database of the server (created empty).
fn database(server: &PgServer, name: &str) -> String {
    server.psql(&format!("CREATE DATABASE {name}"));
    let (base, _) = server.url.rsplit_once('/').unwrap();
    format!("{base}/{name}")
}

macro_rules! shared_flows {
    ($($flow:ident),*) => {$(
        #[test]
        fn $flow() {
            if let Some((_server, store)) = server() {
                flows::$flow(&store);
            }
        }
    )*};
}

shared_flows!(
    deploy_rule_and_strategies,
    refusals_are_one_line,
    newer_schema_is_refused,
    crafted_registries_are_refused,
    concurrent_trains_all_land_and_the_best_is_deployed,
    names_are_printed_escaped,
    several_algorithms_are_all_recorded,
    a_killed_writer_leaves_no_half_model
);

#[test]
fn concurrent_writes_per_second() {
    if let Some((_server, store)) = server() {
        flows::concurrent_writes_per_second(&store);
    }
}

/// The tables, columns, types (SQLite's mapped) and NOT NULLs of both registries are the same.
#[test]
fn tables_are_sqlites() {
    let Some((_server, store)) = server() else {
        return;
    };
    let sqlite = Store::sqlite();
    registry::open_or_create(&sqlite.path).unwrap();
    registry::open_or_create(&store.path).unwrap();
    let conn = sqlite.sql();
    let mut statement = conn
        .prepare(
            "SELECT m.name, p.name, p.type, p.\"notnull\" OR p.pk FROM sqlite_master m,
            pragma_table_info(m.name) p WHERE m.type = 'table' ORDER BY m.name, p.cid",
        )
        .unwrap();
    let in_sqlite: Vec<(String, String, String, bool)> = statement
        .query_map([], |r| {
            let kind: String = r.get(2)?;
            let kind = match kind.as_str() {
                "INTEGER" => "bigint",
                "REAL" => "double precision",
                "BLOB" => "bytea",
                "TEXT" => "text",
                other => panic!("SQLite type {other}"),
            };
            Ok((r.get(0)?, r.get(1)?, kind.to_string(), r.get(3)?))
        })
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    let in_postgres: Vec<(String, String, String, bool)> = store
        .pg()
        .query(
            "SELECT table_name::text, column_name::text, data_type::text, is_nullable = 'NO'
            FROM information_schema.columns WHERE table_schema = 'pgml_cli'
            ORDER BY table_name, ordinal_position",
            &[],
        )
        .unwrap()
        .iter()
        .map(|r| (r.get(0), r.get(1), r.get(2), r.get(3)))
        .collect();
    assert_eq!(in_sqlite.len(), 4 + 11 + 5 + 1);
    assert_eq!(in_postgres, in_sqlite);
}

/// Models trained with different seeds score differently: their files, and their r2s.
fn model_files(dir: &Path, count: usize) -> Vec<(PathBuf, f64)> {
    let data = repo("datasets/diabetes.csv");
    let children: Vec<_> = (0..count)
        .map(|seed| {
            let file = dir.join(format!("m{seed}.pgml"));
            let child = pgml()
                .args(["train", "--target", "target", "--task", "regression"])
                .args(["-q", "--format", "json", "--seed", &seed.to_string()])
                .arg("--data")
                .arg(&data)
                .arg("-o")
                .arg(&file)
                .stdout(Stdio::piped())
                .spawn()
                .unwrap();
            (file, child)
        })
        .collect();
    children
        .into_iter()
        .map(|(file, child)| {
            let out = child.wait_with_output().unwrap();
            assert!(out.status.success());
            let report: Value = serde_json::from_slice(&out.stdout).unwrap();
            (file, flows::r2(&report))
        })
        .collect()
}

/// 8 writers record models of different scores into one project at once, each through its own
/// connection: every record lands once, and the deployments stay a chain in which each model
/// beats the one before (a writer that deployed on a stale view of the deployed model breaks it),
/// ending at the best model.
#[test]
fn concurrent_records_keep_the_deploy_rule() {
    let Some((_server, store)) = server() else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let files = model_files(dir.path(), 8);
    registry::open_or_create(&store.path).unwrap();
    const WRITERS: usize = 8;
    const ROUNDS: usize = 4;
    let start = Barrier::new(WRITERS);
    let started = Instant::now();
    let recorded: Vec<registry::Recorded> = std::thread::scope(|s| {
        let writers: Vec<_> = (0..WRITERS)
            .map(|w| {
                let (files, start, path) = (&files, &start, &store.path);
                s.spawn(move || {
                    let mut reg = registry::open(path).unwrap();
                    start.wait();
                    let mut recorded = Vec::new();
                    for i in 0..ROUNDS * files.len() {
                        // Each writer its own order of the files.
                        let (file, _) = &files[(i * (w + 1) + w) % files.len()];
                        let (_, r) = registry::record_file(reg.as_mut(), "p", file, true).unwrap();
                        recorded.push(r);
                    }
                    recorded
                })
            })
            .collect();
        writers
            .into_iter()
            .flat_map(|w| w.join().unwrap())
            .collect()
    });
    let seconds = started.elapsed().as_secs_f64();
    let total = WRITERS * ROUNDS * files.len();
    eprintln!(
        "registry postgresql: {total} records (8 writers, one project, deploy rule) in {seconds:.2} s = {:.0} records/s",
        total as f64 / seconds
    );
    let mut ids: Vec<i64> = recorded.iter().map(|r| r.model_id).collect();
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), total);
    let models = registry::open(&store.path)
        .unwrap()
        .models(Some("p"))
        .unwrap();
    assert_eq!(models.len(), total);
    let key = |id: i64| models.iter().find(|m| m.id == id).unwrap().key_metric;
    let chain: Vec<i64> = store
        .pg()
        .query("SELECT model_id FROM deployments ORDER BY id", &[])
        .unwrap()
        .iter()
        .map(|r| r.get(0))
        .collect();
    assert_eq!(
        chain.len(),
        recorded.iter().filter(|r| r.deployed).count(),
        "one deployment per record that says it deployed"
    );
    for pair in chain.windows(2) {
        assert!(
            registry::beats(key(pair[1]), key(pair[0])),
            "model {} (r2 {:?}) was deployed over model {} (r2 {:?})",
            pair[1],
            key(pair[1]),
            pair[0],
            key(pair[0])
        );
    }
    let best = files.iter().map(|(_, r2)| *r2).fold(f64::MIN, f64::max);
    let deployed = models.iter().find(|m| m.deployed).unwrap();
    assert!((deployed.key_metric.unwrap() - best).abs() < 1e-12);
    assert_eq!(Some(deployed.id), chain.last().copied());
}

/// Two rollbacks at once take turns: the second rolls back the first (PostgresML's rollback
/// alternates), so the pair ends where it began; read concurrently, both would deploy the same.
#[test]
fn racing_deploys_take_turns() {
    let Some((_server, store)) = server() else {
        return;
    };
    store.train("p", "linear", 0, &[]);
    store.train("p", "ridge", 0, &["--no-deploy"]);
    store.deploy(&["p", "--model", "2"]);
    const ITERATIONS: usize = 200;
    let start = Barrier::new(2);
    let started = Instant::now();
    let results: Vec<Vec<i64>> = std::thread::scope(|s| {
        let racers: Vec<_> = (0..2)
            .map(|_| {
                let (start, path) = (&start, &store.path);
                s.spawn(move || {
                    let mut reg = registry::open(path).unwrap();
                    (0..ITERATIONS)
                        .map(|_| {
                            start.wait();
                            let row = reg.deploy("p", &Strategy::Rollback).unwrap();
                            // Both done before the next pair starts.
                            start.wait();
                            row.id
                        })
                        .collect()
                })
            })
            .collect();
        racers.into_iter().map(|r| r.join().unwrap()).collect()
    });
    eprintln!(
        "registry postgresql: {ITERATIONS} pairs of racing rollbacks in {:.2} s",
        started.elapsed().as_secs_f64()
    );
    for (i, (a, b)) in results[0].iter().zip(&results[1]).enumerate() {
        let mut pair = [*a, *b];
        pair.sort();
        assert_eq!(pair, [1, 2], "iteration {i}");
    }
    assert_eq!(store.deployed("p"), 2);
    // The same through the CLI, two processes at a time.
    for i in 0..10 {
        let children: Vec<_> = (0..2)
            .map(|_| {
                pgml()
                    .args(["deploy", "p", "--strategy", "rollback", "--format", "json"])
                    .arg("--store")
                    .arg(&store.path)
                    .stdout(Stdio::piped())
                    .stderr(Stdio::piped())
                    .spawn()
                    .unwrap()
            })
            .collect();
        let mut pair: Vec<i64> = children
            .into_iter()
            .map(|c| {
                let out = c.wait_with_output().unwrap();
                assert!(
                    out.status.success(),
                    "{}",
                    String::from_utf8_lossy(&out.stderr)
                );
                serde_json::from_slice::<Value>(&out.stdout).unwrap()["id"]
                    .as_i64()
                    .unwrap()
            })
            .collect();
        pair.sort();
        assert_eq!(pair, [1, 2], "CLI iteration {i}");
    }
    assert_eq!(store.deployed("p"), 2);
    let deployments = store
        .pg()
        .query_one("SELECT count(*) FROM deployments", &[])
        .unwrap()
        .get::<_, i64>(0);
    assert_eq!(deployments as usize, 2 + 2 * ITERATIONS + 2 * 10);
}

/// Several machines using a new registry at once: one creates the tables, the others wait for
/// it and use them; no one fails.
#[test]
fn first_use_races() {
    let Some((server, _)) = server() else {
        return;
    };
    const ROUNDS: usize = 10;
    const OPENERS: usize = 4;
    for round in 0..ROUNDS {
        let url = database(&server, &format!("first{round}"));
        let start = Barrier::new(OPENERS);
        std::thread::scope(|s| {
            for _ in 0..OPENERS {
                let (start, url) = (&start, &url);
                s.spawn(move || {
                    start.wait();
                    let mut reg = registry::open_or_create(Path::new(url)).unwrap();
                    assert_eq!(reg.projects().unwrap(), vec![]);
                });
            }
        });
        let tables: i64 = Store::postgres(&url, &server.password)
            .pg()
            .query_one(
                "SELECT count(*) FROM pg_tables WHERE schemaname = 'pgml_cli'",
                &[],
            )
            .unwrap()
            .get(0);
        assert_eq!(tables, 4, "round {round}");
    }
    // Processes importing into a new registry at once.
    let dir = tempfile::tempdir().unwrap();
    let files = model_files(dir.path(), 1);
    let url = database(&server, "imports");
    let children: Vec<_> = (0..OPENERS)
        .map(|_| {
            pgml()
                .args(["models", "import", "--project", "p", "--store", &url])
                .arg(&files[0].0)
                .stdout(Stdio::null())
                .stderr(Stdio::piped())
                .spawn()
                .unwrap()
        })
        .collect();
    for child in children {
        let out = child.wait_with_output().unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    let store = Store::postgres(&url, &server.password);
    let models = store.models("p");
    assert_eq!(models.len(), OPENERS);
    assert_eq!(models.iter().filter(|m| m["deployed"] == true).count(), 1);
    let version = store
        .pg()
        .query_one("SELECT version FROM schema_version", &[])
        .unwrap()
        .get::<_, i64>(0);
    assert_eq!(version, 1);
}

/// A server that refuses, one that is not there, a database whose pgml_cli schema holds other
/// tables: one line each, the password never shown; PGML_STORE takes a URL too.
#[test]
fn connection_and_schema_refusals() {
    let Some((server, store)) = server() else {
        return;
    };
    let wrong = server.url.replace(&server.password, "not-the-password");
    let out = pgml()
        .args(["projects", "--store", &wrong])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(
        stderr.contains("password authentication failed"),
        "{stderr}"
    );
    assert!(stderr.contains(&server.url_without_password()), "{stderr}");
    assert!(!stderr.contains("not-the-password"), "{stderr}");

    let free = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = free.local_addr().unwrap().port();
    drop(free);
    let gone = format!("postgresql://u:secret@127.0.0.1:{port}/db");
    let started = Instant::now();
    let out = pgml()
        .args(["projects", "--store", &gone])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(
        stderr.contains(&format!("postgresql://u@127.0.0.1:{port}/db")),
        "{stderr}"
    );
    assert!(!stderr.contains("secret"), "{stderr}");
    assert!(started.elapsed() < Duration::from_secs(15));

    store.refused(
        &["projects"],
        2,
        "no registry at postgresql://postgres@127.0.0.1:",
    );
    server.psql("CREATE SCHEMA pgml_cli; CREATE TABLE pgml_cli.projects (x int)");
    for args in [
        vec!["projects"],
        vec!["models", "import", "x.pgml", "--project", "p"],
    ] {
        store.refused(
            &args,
            4,
            "is not a pgml-cli registry (a pgml_cli schema without a schema_version table)",
        );
    }
    server.psql("DROP SCHEMA pgml_cli CASCADE");

    // The user's own tables elsewhere in the database do not matter; PGML_STORE names the URL.
    server.psql("CREATE TABLE public.projects (x int); CREATE TABLE public.models (y text)");
    store.train("p", "linear", 0, &[]);
    let out = pgml()
        .args(["projects", "--format", "json"])
        .env("PGML_STORE", &server.url)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let projects: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(projects[0]["name"], "p");
    assert_eq!(server.psql("SELECT count(*) FROM public.projects"), "0\n");
}
