//! The project registry through real processes on an SQLite file: the flows every store shares
//! (tests/common/registry.rs: PostgresML's deploy rule and strategies, every refusal as one line,
//! concurrent writers, a registry from a newer pgml-cli), and the file's own cases: files that are
//! not registries, a writer killed mid-way, a read-only directory, the default location.

mod common;
#[path = "common/registry.rs"]
mod flows;

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use common::{pgml, repo};
use flows::Store;

#[test]
fn deploy_rule_and_strategies() {
    flows::deploy_rule_and_strategies(&Store::sqlite());
}

#[test]
fn refusals_are_one_line() {
    flows::refusals_are_one_line(&Store::sqlite());
}

#[test]
fn files_that_are_not_registries_are_refused() {
    // Text, and an SQLite database of something else.
    let dir = tempfile::tempdir().unwrap();
    let text = dir.path().join("notes.db");
    std::fs::write(
        &text,
        "not a database at all, but long enough to look like a header .....",
    )
    .unwrap();
    let other = dir.path().join("other.db");
    rusqlite::Connection::open(&other)
        .unwrap()
        .execute_batch("CREATE TABLE t (x INTEGER)")
        .unwrap();
    for (file, why) in [
        (&text, "not an SQLite database"),
        (&other, "without a schema_version table"),
    ] {
        for args in [
            vec!["projects"],
            vec!["deploy", "p", "--strategy", "best_score"],
        ] {
            let out = pgml()
                .args(&args)
                .arg("--store")
                .arg(file)
                .output()
                .unwrap();
            let stderr = String::from_utf8_lossy(&out.stderr);
            assert_eq!(out.status.code(), Some(4), "{stderr}");
            assert_eq!(stderr.lines().count(), 1);
            assert!(
                stderr.contains("is not a pgml-cli registry") && stderr.contains(why),
                "{stderr}"
            );
        }
    }
    // The text file is left as it was.
    assert!(std::fs::read_to_string(&text)
        .unwrap()
        .starts_with("not a database"));
}

#[test]
fn newer_schema_is_refused() {
    flows::newer_schema_is_refused(&Store::sqlite());
}

/// A registry from anyone: versions below 1, values of the wrong type, a stored file that is
/// not the model its row describes; each is a model error (exit 4) on one line, never a panic.
#[test]
fn crafted_registries_are_refused() {
    flows::crafted_registries_are_refused(&Store::sqlite());
}

#[test]
fn location_and_creation() {
    // PGML_STORE when no --store; an empty file becomes a version-1 registry (the migration
    // from version 0); the default is ./.pgml/registry.db, created with its directory.
    let dir = tempfile::tempdir().unwrap();
    let empty = dir.path().join("empty.db");
    std::fs::write(&empty, "").unwrap();
    let out = pgml()
        .arg("projects")
        .env("PGML_STORE", &empty)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(
        String::from_utf8(out.stdout).unwrap(),
        "project  task  models  deployed  created\n"
    );
    let version: i64 = rusqlite::Connection::open(&empty)
        .unwrap()
        .query_row("SELECT version FROM schema_version", [], |r| r.get(0))
        .unwrap();
    assert_eq!(version, 1);
    let data = repo("datasets/diabetes.csv");
    let out = pgml()
        .args([
            "train",
            "--data",
            data.to_str().unwrap(),
            "--target",
            "target",
        ])
        .args(["--task", "regression", "--project", "p", "-q"])
        .env_remove("PGML_STORE")
        .current_dir(dir.path())
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(dir.path().join(".pgml/registry.db").is_file());
    let files: Vec<_> = std::fs::read_dir(dir.path()).unwrap().collect();
    assert_eq!(
        files.len(),
        2,
        "no model file beside the registry: {files:?}"
    );
}

#[test]
fn concurrent_trains_all_land_and_the_best_is_deployed() {
    flows::concurrent_trains_all_land_and_the_best_is_deployed(&Store::sqlite());
}

/// Registry writes per second with 8 writers (threads with their own connections, as 8
/// processes would have); printed for the README.
#[test]
fn concurrent_writes_per_second() {
    flows::concurrent_writes_per_second(&Store::sqlite());
}

#[test]
fn a_killed_writer_leaves_no_half_model() {
    flows::a_killed_writer_leaves_no_half_model(&Store::sqlite());
}

/// As root (which ignores permissions) the directory is made read-only by a read-only bind
/// mount in a private mount namespace.
#[test]
fn read_only_directory_fails_quickly() {
    let store = Store::sqlite();
    store.train("p", "linear", 0, &[]);
    let dir = store.path.parent().unwrap();
    let root = unsafe { libc::geteuid() } == 0;
    let args = ["projects", "--store", store.path.to_str().unwrap()];
    let started = Instant::now();
    let out = if root {
        let bin = assert_cmd::cargo::cargo_bin!("pgml-cli");
        let script = format!(
            "mount --bind {d} {d} && mount -o remount,bind,ro {d} && exec {bin} {args}",
            d = dir.display(),
            bin = bin.display(),
            args = args.join(" ")
        );
        let out = Command::new("unshare")
            .args(["-m", "sh", "-c", &script])
            .output()
            .unwrap();
        if String::from_utf8_lossy(&out.stderr).contains("mount:") {
            eprintln!(
                "skipped: no read-only bind mount here: {}",
                String::from_utf8_lossy(&out.stderr)
            );
            return;
        }
        out
    } else {
        set_mode(dir, 0o555);
        let out = pgml().args(args).output().unwrap();
        set_mode(dir, 0o755);
        out
    };
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(stderr.contains("needs write access"), "{stderr}");
    assert!(started.elapsed() < Duration::from_secs(5));
}

fn set_mode(path: &Path, mode: u32) {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode)).unwrap();
}

#[test]
fn names_are_printed_escaped() {
    flows::names_are_printed_escaped(&Store::sqlite());
}

/// Several algorithms in one call: every model that trains is recorded, the deploy rule picks
/// the best, and it is the leaderboard's best.
#[test]
fn several_algorithms_are_all_recorded() {
    flows::several_algorithms_are_all_recorded(&Store::sqlite());
}

/// `train --project` killed at staggered moments, from start-up through the fit to the record:
/// the registry stays whole, every model in it exports and reads back, the next train lands.
#[test]
fn trains_killed_at_any_moment_leave_no_half_model() {
    let store = Store::sqlite();
    store.train("p", "linear", 0, &[]);
    let data = repo("datasets/diabetes.csv");
    let mut killed = 0;
    for delay in 0..24u64 {
        let mut child = pgml()
            .args(["train", "-q", "--task", "regression", "--target", "target"])
            .args(["--algorithm", "random_forest", "--project", "p", "--data"])
            .arg(&data)
            .arg("--store")
            .arg(&store.path)
            .env_remove("PGML_STORE")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(Duration::from_millis(delay * 5));
        if child.try_wait().unwrap().is_none() {
            child.kill().unwrap(); // SIGKILL
            killed += 1;
        }
        child.wait().unwrap();
    }
    assert!(killed > 0, "no train was killed mid-way");
    let check: String = store
        .sql()
        .query_row("PRAGMA integrity_check", [], |r| r.get(0))
        .unwrap();
    assert_eq!(check, "ok");
    let dir = tempfile::tempdir().unwrap();
    let models = store.models("p");
    for model in &models {
        let id = model["id"].to_string();
        let out = dir.path().join(format!("{id}.pgml"));
        store.ok(&["models", "export", &id, "-o", out.to_str().unwrap()]);
        let info = pgml().arg("info").arg(&out).output().unwrap();
        assert!(info.status.success(), "model {id}");
    }
    store.train("p", "ridge", 0, &[]);
    assert_eq!(store.models("p").len(), models.len() + 1);
}
