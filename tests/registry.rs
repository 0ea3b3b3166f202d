//! The project registry through real processes: PostgresML's deploy rule and strategies, every
//! refusal as one line, concurrent writers, a writer killed mid-way, a read-only directory, a
//! registry from a newer pgml-cli.

mod common;

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use common::{pgml, repo};
use serde_json::Value;

/// A scratch directory with a registry in it.
struct Store {
    _dir: tempfile::TempDir,
    path: PathBuf,
}

impl Store {
    fn new() -> Store {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("reg").join("registry.db");
        Store { _dir: dir, path }
    }

    fn run(&self, args: &[&str]) -> Output {
        pgml()
            .args(args)
            .arg("--store")
            .arg(&self.path)
            .env_remove("PGML_STORE")
            .output()
            .unwrap()
    }

    fn ok(&self, args: &[&str]) -> String {
        let out = self.run(args);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(out.status.success(), "{args:?}: {stderr}");
        String::from_utf8(out.stdout).unwrap()
    }

    fn json(&self, args: &[&str]) -> Value {
        let mut args = args.to_vec();
        args.extend(["--format", "json"]);
        serde_json::from_str(&self.ok(&args)).unwrap()
    }

    /// Fails with `code` and one stderr line containing `expected`.
    fn refused(&self, args: &[&str], code: i32, expected: &str) {
        let out = self.run(args);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(code), "{args:?}: {stderr}");
        assert_eq!(stderr.lines().count(), 1, "{args:?}: {stderr}");
        assert!(
            stderr.contains(expected),
            "{args:?}: '{expected}' not in {stderr}"
        );
    }

    /// Trains on diabetes into `project`; returns the JSON report.
    fn train(&self, project: &str, algorithm: &str, seed: u64, extra: &[&str]) -> Value {
        let data = repo("datasets/diabetes.csv");
        let seed = seed.to_string();
        let mut args = vec![
            "train",
            "--data",
            data.to_str().unwrap(),
            "--target",
            "target",
            "--task",
            "regression",
            "--algorithm",
            algorithm,
            "--seed",
            &seed,
            "--project",
            project,
            "-q",
        ];
        args.extend(extra);
        self.json(&args)
    }

    fn deployed(&self, project: &str) -> i64 {
        let projects = self.json(&["projects"]);
        projects
            .as_array()
            .unwrap()
            .iter()
            .find(|p| p["name"] == project)
            .unwrap()["deployed_model_id"]
            .as_i64()
            .unwrap()
    }

    fn deploy(&self, args: &[&str]) -> i64 {
        let mut all = vec!["deploy"];
        all.extend(args);
        self.json(&all)["id"].as_i64().unwrap()
    }

    fn models(&self, project: &str) -> Vec<Value> {
        self.json(&["models", project]).as_array().unwrap().clone()
    }

    fn sql(&self) -> rusqlite::Connection {
        rusqlite::Connection::open(&self.path).unwrap()
    }
}

fn r2(report: &Value) -> f64 {
    report["metrics"]["r2"].as_f64().unwrap()
}

#[test]
fn deploy_rule_and_strategies() {
    let store = Store::new();
    // linear scores best on this split, then ridge, then lasso (r2 0.55, 0.45, 0.36).
    let linear = store.train("diabetes", "linear", 0, &[]);
    let ridge = store.train("diabetes", "ridge", 0, &[]);
    let lasso = store.train("diabetes", "lasso", 0, &[]);
    assert!(r2(&linear) > r2(&ridge) && r2(&ridge) > r2(&lasso));
    assert_eq!(
        (&linear["model_id"], &linear["deployed"], &linear["model"]),
        (&Value::from(1), &Value::from(true), &Value::Null),
        "the first model is deployed; no file is written without --output"
    );
    assert_eq!(
        (&ridge["model_id"], &ridge["deployed"]),
        (&Value::from(2), &Value::from(false))
    );
    assert_eq!(ridge["deployed_model_id"], 1);
    assert_eq!(store.deployed("diabetes"), 1);

    assert_eq!(store.deploy(&["diabetes", "--strategy", "most_recent"]), 3);
    assert_eq!(store.deploy(&["diabetes", "--strategy", "rollback"]), 1);
    assert_eq!(store.deploy(&["diabetes", "--strategy", "rollback"]), 3);
    let args = [
        "diabetes",
        "--strategy",
        "best_score",
        "--algorithm",
        "ridge",
    ];
    assert_eq!(store.deploy(&args), 2);
    assert_eq!(store.deploy(&["diabetes", "--strategy", "best_score"]), 1);
    let args = [
        "diabetes",
        "--strategy",
        "most_recent",
        "--algorithm",
        "ridge",
    ];
    assert_eq!(store.deploy(&args), 2);
    assert_eq!(store.deploy(&["diabetes", "--model", "3"]), 3);
    assert_eq!(store.deployed("diabetes"), 3);

    // A better model replaces lasso; --no-deploy records without deploying.
    let again = store.train("diabetes", "linear", 0, &["--no-deploy"]);
    assert_eq!(
        (&again["model_id"], &again["deployed"]),
        (&Value::from(4), &Value::from(false))
    );
    assert_eq!(store.deployed("diabetes"), 3);
    let ridge2 = store.train("diabetes", "ridge", 0, &[]);
    assert_eq!(
        (&ridge2["model_id"], &ridge2["deployed"]),
        (&Value::from(5), &Value::from(true))
    );

    let models = store.models("diabetes");
    assert_eq!(models.len(), 5);
    let marked: Vec<_> = models.iter().filter(|m| m["deployed"] == true).collect();
    assert_eq!(marked.len(), 1);
    assert_eq!(marked[0]["id"], 5);
    assert!((models[0]["key_metric"].as_f64().unwrap() - r2(&linear)).abs() < 1e-12);

    // Predicting by project uses the deployed model: the same numbers as by its id, and as
    // the exported file.
    let dir = tempfile::tempdir().unwrap();
    let rows = dir.path().join("rows.csv");
    let diabetes = std::fs::read_to_string(repo("datasets/diabetes.csv")).unwrap();
    let head: Vec<&str> = diabetes.lines().take(6).collect();
    std::fs::write(&rows, head.join("\n") + "\n").unwrap();
    let rows = rows.to_str().unwrap();
    let by_project = store.ok(&["predict", "--project", "diabetes", "--data", rows]);
    let by_id = store.ok(&["predict", "--model", "5", "--data", rows]);
    assert_eq!(by_project, by_id);
    let exported = dir.path().join("m5.pgml");
    let out = store.ok(&["models", "export", "5", "-o", exported.to_str().unwrap()]);
    assert!(out.contains("exported model 5"), "{out}");
    let by_file = pgml()
        .args([
            "predict",
            "--model",
            exported.to_str().unwrap(),
            "--data",
            rows,
        ])
        .output()
        .unwrap();
    assert_eq!(String::from_utf8(by_file.stdout).unwrap(), by_project);
    let by_linear = store.ok(&["predict", "--model", "1", "--data", rows]);
    assert_ne!(by_linear, by_project);

    // Import applies the deploy rule: ridge does not beat ridge in the same project; in a new
    // project it is the first model, so it is deployed.
    let file = exported.to_str().unwrap();
    let out = store.ok(&["models", "import", file, "--project", "diabetes"]);
    assert!(
        out.contains("as model 6 of project 'diabetes', not deployed (model 5 stays deployed)"),
        "{out}"
    );
    let out = store.ok(&["models", "import", file, "--project", "copy"]);
    assert!(
        out.contains("as model 7 of project 'copy', deployed"),
        "{out}"
    );
    let blob: Vec<u8> = store
        .sql()
        .query_row("SELECT model FROM models WHERE id = 7", [], |r| r.get(0))
        .unwrap();
    assert_eq!(
        blob,
        std::fs::read(&exported).unwrap(),
        "the file's own bytes are stored"
    );
}

#[test]
fn refusals_are_one_line() {
    let store = Store::new();
    store.refused(&["models"], 2, "no registry at");
    store.train("one", "linear", 0, &[]);
    store.train("two", "linear", 1, &[]);
    store.refused(
        &["deploy", "nope", "--strategy", "best_score"],
        2,
        "no project 'nope'",
    );
    store.refused(&["models", "nope"], 2, "no project 'nope'");
    store.refused(
        &["predict", "--project", "nope", "--data", "x.csv"],
        2,
        "no project 'nope'",
    );
    store.refused(
        &["deploy", "one", "--strategy", "rollback"],
        2,
        "project 'one' has no earlier deployment to roll back to",
    );
    store.refused(&["deploy", "one", "--model", "9"], 2, "no model 9 in");
    store.refused(
        &["deploy", "one", "--model", "2"],
        2,
        "model 2 belongs to project 'two', not 'one'",
    );
    store.refused(
        &[
            "deploy",
            "one",
            "--strategy",
            "most_recent",
            "--algorithm",
            "svm",
        ],
        2,
        "project 'one' has no model of algorithm 'svm'",
    );
    store.refused(
        &[
            "deploy",
            "one",
            "--strategy",
            "rollback",
            "--algorithm",
            "svm",
        ],
        2,
        "--algorithm applies to best_score and most_recent",
    );
    store.refused(
        &["models", "export", "9", "-o", "/nonexistent/x.pgml"],
        1,
        "does not exist",
    );
    let diabetes = repo("datasets/diabetes.csv");
    let args = [
        "train",
        "--data",
        diabetes.to_str().unwrap(),
        "--target",
        "target",
    ];
    let mut args = args.to_vec();
    args.extend(["--task", "regression", "--project", "one", "--force"]);
    store.refused(&args, 2, "--force replaces the model file");
    let take_neither = "export and import take neither";
    store.refused(
        &["models", "one", "export", "1", "-o", "x.pgml"],
        2,
        take_neither,
    );
    let args = ["models", "--format", "json", "export", "1", "-o", "x.pgml"];
    store.refused(&args, 2, take_neither);

    // A project of another task is refused before training (nothing recorded).
    let iris = repo("datasets/iris.csv");
    let args = [
        "train",
        "--data",
        iris.to_str().unwrap(),
        "--target",
        "target",
    ];
    let mut args = args.to_vec();
    args.extend(["--task", "classification", "--project", "one", "-q"]);
    let started = Instant::now();
    store.refused(&args, 2, "project 'one' in");
    assert!(started.elapsed() < Duration::from_secs(5));
    assert_eq!(store.models("one").len(), 1);

    // Imports: a model of another task, a file that is not a model; --output with --project
    // writes the file and records the same bytes.
    let dir = tempfile::tempdir().unwrap();
    let iris_model = dir.path().join("iris.pgml");
    let mut args = args.clone();
    args[8] = "fresh";
    args.extend(["-o", iris_model.to_str().unwrap()]);
    store.ok(&args);
    let blob: Vec<u8> = store
        .sql()
        .query_row("SELECT model FROM models WHERE id = 3", [], |r| r.get(0))
        .unwrap();
    assert_eq!(blob, std::fs::read(&iris_model).unwrap());
    let file = iris_model.to_str().unwrap();
    store.refused(
        &["models", "import", file, "--project", "one"],
        2,
        "project 'one' in",
    );
    let csv = repo("datasets/iris.csv");
    let args = [
        "models",
        "import",
        csv.to_str().unwrap(),
        "--project",
        "one",
    ];
    store.refused(&args, 4, "is not a pgml-cli model file");
    assert_eq!(store.models("one").len(), 1);

    // An empty project (no model yet: made by hand here).
    store
        .sql()
        .execute(
            "INSERT INTO projects (name, task, created) VALUES ('empty', 'regression', 'now')",
            [],
        )
        .unwrap();
    store.refused(
        &["deploy", "empty", "--strategy", "best_score"],
        2,
        "project 'empty' has no models",
    );
    store.refused(
        &["deploy", "empty", "--strategy", "rollback"],
        2,
        "project 'empty' has no models",
    );
    store.refused(
        &["predict", "--project", "empty", "--data", "x.csv"],
        2,
        "project 'empty' has no deployed model",
    );

    // Files that are not registries: text, and an SQLite database of something else.
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
    let store = Store::new();
    store.train("p", "linear", 0, &[]);
    store
        .sql()
        .execute("UPDATE schema_version SET version = 2", [])
        .unwrap();
    for args in [
        vec!["models"],
        vec!["deploy", "p", "--strategy", "best_score"],
    ] {
        store.refused(&args, 4, "is a registry of schema version 2; this pgml-cli");
        store.refused(&args, 4, "knows versions up to 1");
    }
    let data = repo("datasets/diabetes.csv");
    let args = [
        "train",
        "--data",
        data.to_str().unwrap(),
        "--target",
        "target",
    ];
    let mut args = args.to_vec();
    args.extend(["--task", "regression", "--project", "p", "-q"]);
    store.refused(&args, 4, "schema version 2");
}

/// A registry from anyone: versions below 1, values of the wrong type, a stored file that is
/// not the model its row describes; each is a model error (exit 4) on one line, never a panic.
#[test]
fn crafted_registries_are_refused() {
    let store = Store::new();
    store.train("p", "linear", 0, &[]);
    store.train("q", "ridge", 0, &["--no-deploy"]);
    let data = repo("datasets/diabetes.csv");
    let predict = [
        "predict",
        "--project",
        "p",
        "--data",
        data.to_str().unwrap(),
    ];
    // The swapped file: model 1's row with model 2's bytes (another algorithm).
    let sql = store.sql();
    sql.execute(
        "UPDATE models SET model = (SELECT model FROM models WHERE id = 2) WHERE id = 1",
        [],
    )
    .unwrap();
    store.refused(&predict, 4, "the registry lists a regression linear one");
    sql.execute("UPDATE models SET key_metric = 'high' WHERE id = 1", [])
        .unwrap();
    store.refused(&["models"], 4, "is not a pgml-cli registry (damaged: ");
    for version in ["-1", "0"] {
        sql.execute(
            &format!("UPDATE schema_version SET version = {version}"),
            [],
        )
        .unwrap();
        store.refused(&["models"], 4, &format!("its schema_version is {version}"));
        store.refused(&predict, 4, "is not a pgml-cli registry");
    }
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
    let store = Store::new();
    let data = repo("datasets/diabetes.csv");
    let children: Vec<_> = (0..8)
        .map(|seed| {
            pgml()
                .args([
                    "train",
                    "--data",
                    data.to_str().unwrap(),
                    "--target",
                    "target",
                ])
                .args([
                    "--task",
                    "regression",
                    "--project",
                    "p",
                    "-q",
                    "--format",
                    "json",
                ])
                .args(["--seed", &seed.to_string(), "--store"])
                .arg(&store.path)
                .stdout(Stdio::piped())
                .stderr(Stdio::piped())
                .spawn()
                .unwrap()
        })
        .collect();
    let mut reports = Vec::new();
    for child in children {
        let out = child.wait_with_output().unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        reports.push(serde_json::from_slice::<Value>(&out.stdout).unwrap());
    }
    let models = store.models("p");
    assert_eq!(models.len(), 8);
    let mut ids: Vec<i64> = reports
        .iter()
        .map(|r| r["model_id"].as_i64().unwrap())
        .collect();
    ids.sort();
    assert_eq!(ids, (1..=8).collect::<Vec<_>>());
    // Whatever the order they landed in, the rule leaves the highest r2 deployed.
    let best = reports
        .iter()
        .max_by(|a, b| r2(a).total_cmp(&r2(b)))
        .unwrap();
    let best_r2 = r2(best);
    let deployed = store.deployed("p");
    let deployed_r2 = models.iter().find(|m| m["id"] == deployed).unwrap()["key_metric"]
        .as_f64()
        .unwrap();
    assert_eq!(deployed_r2, best_r2);
}

/// Registry writes per second with 8 writers (threads with their own connections, as 8
/// processes would have); printed for the README.
#[test]
fn concurrent_writes_per_second() {
    use pgml_cli::registry::{self, Registry};
    let store = Store::new();
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("m.pgml");
    let data = repo("datasets/diabetes.csv");
    let out = pgml()
        .args([
            "train",
            "--data",
            data.to_str().unwrap(),
            "--target",
            "target",
        ])
        .args(["--task", "regression", "-q", "-o"])
        .arg(&file)
        .output()
        .unwrap();
    assert!(out.status.success());
    registry::open_or_create(&store.path).unwrap();
    const EACH: usize = 25;
    let started = Instant::now();
    std::thread::scope(|s| {
        for _ in 0..8 {
            s.spawn(|| {
                let mut reg = registry::open(&store.path).unwrap();
                for _ in 0..EACH {
                    registry::record_file(&mut reg, "p", &file, true).unwrap();
                }
            });
        }
    });
    let seconds = started.elapsed().as_secs_f64();
    let models = registry::open(&store.path)
        .unwrap()
        .models(Some("p"))
        .unwrap();
    assert_eq!(models.len(), 8 * EACH);
    eprintln!(
        "registry: {} writes by 8 writers in {seconds:.2} s = {:.0} writes/s",
        8 * EACH,
        (8 * EACH) as f64 / seconds
    );
}

#[test]
fn a_killed_writer_leaves_no_half_model() {
    let store = Store::new();
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("m.pgml");
    let data = repo("datasets/digits.csv");
    let out = pgml()
        .args([
            "train",
            "--data",
            data.to_str().unwrap(),
            "--target",
            "target",
        ])
        .args(["--task", "classification", "-q", "-o"])
        .arg(&file)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    store.ok(&["models", "import", file.to_str().unwrap(), "--project", "p"]);
    // Imports killed at every point from start-up to the commit: some land, none half.
    let mut killed = 0;
    for delay in 0..30u64 {
        let mut child = pgml()
            .args([
                "models",
                "import",
                file.to_str().unwrap(),
                "--project",
                "p",
                "--store",
            ])
            .arg(&store.path)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(Duration::from_micros(delay * 300));
        if child.try_wait().unwrap().is_none() {
            child.kill().unwrap(); // SIGKILL
            killed += 1;
        }
        child.wait().unwrap();
    }
    assert!(killed > 0, "no import was killed mid-way");
    let conn = store.sql();
    let check: String = conn
        .query_row("PRAGMA integrity_check", [], |r| r.get(0))
        .unwrap();
    assert_eq!(check, "ok");
    // Every model that is there is whole, and a new write goes through.
    let models = store.models("p");
    for model in &models {
        let id = model["id"].to_string();
        let out = dir.path().join(format!("{id}.pgml"));
        store.ok(&["models", "export", &id, "-o", out.to_str().unwrap()]);
        assert_eq!(std::fs::read(&out).unwrap(), std::fs::read(&file).unwrap());
    }
    store.ok(&["models", "import", file.to_str().unwrap(), "--project", "p"]);
    assert_eq!(store.models("p").len(), models.len() + 1);
}

/// As root (which ignores permissions) the directory is made read-only by a read-only bind
/// mount in a private mount namespace.
#[test]
fn read_only_directory_fails_quickly() {
    let store = Store::new();
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
    let store = Store::new();
    let name = "red\u{1b}[31m\nname";
    let data = repo("datasets/diabetes.csv");
    let args = [
        "train",
        "--data",
        data.to_str().unwrap(),
        "--target",
        "target",
    ];
    let mut args = args.to_vec();
    args.extend(["--task", "regression", "-q", "--project", name]);
    let mut outputs = vec![store.ok(&args)];
    outputs.push(store.ok(&["projects"]));
    outputs.push(store.ok(&["models"]));
    outputs.push(store.ok(&["deploy", name, "--strategy", "best_score"]));
    for out in outputs {
        assert!(!out.contains('\u{1b}'), "{out}");
        assert!(out.contains("red\\u{1b}[31m\\nname"), "{out}");
    }
}

/// Several algorithms in one call: every model that trains is recorded, the deploy rule picks
/// the best, and it is the leaderboard's best.
#[test]
fn several_algorithms_are_all_recorded() {
    let store = Store::new();
    let report = store.train("many", "lasso,linear,ridge", 0, &[]);
    let ids: Vec<i64> = report["model_ids"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_i64().unwrap())
        .collect();
    assert_eq!(ids, vec![1, 2, 3]);
    assert_eq!(report["algorithm"], "linear");
    let board = report["leaderboard"].as_array().unwrap();
    assert_eq!(board.len(), 3);
    let best = board.iter().max_by(|a, b| r2(a).total_cmp(&r2(b))).unwrap();
    assert_eq!(best["algorithm"], "linear");
    // linear is the second model recorded, and beats lasso, deployed before it.
    assert_eq!(store.deployed("many"), 2);
    assert_eq!(report["deployed_model_id"], 2);
    assert_eq!(store.models("many").len(), 3);
}

/// `train --project` killed at staggered moments, from start-up through the fit to the record:
/// the registry stays whole, every model in it exports and reads back, the next train lands.
#[test]
fn trains_killed_at_any_moment_leave_no_half_model() {
    let store = Store::new();
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
