//! The registry's flows through real processes, on either store: tests/registry.rs runs them on
//! an SQLite file, tests/registry_postgres.rs on a PostgreSQL server. Used with
//! `#[path = "common/registry.rs"] mod flows;` beside `mod common;`.
#![allow(dead_code)] // each test file uses its own part

use std::path::PathBuf;
use std::process::{Output, Stdio};
use std::time::{Duration, Instant};

use serde_json::Value;

use crate::common::{pgml, repo};

/// A registry for one test: an SQLite file in a scratch directory, or a PostgreSQL URL (held in
/// `path` too, since `--store` takes either).
pub struct Store {
    pub path: PathBuf,
    _dir: Option<tempfile::TempDir>,
    /// A PostgreSQL registry's password, which no output may show.
    password: Option<String>,
}

impl Store {
    pub fn sqlite() -> Store {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("reg").join("registry.db");
        Store {
            path,
            _dir: Some(dir),
            password: None,
        }
    }

    pub fn postgres(url: &str, password: &str) -> Store {
        Store {
            path: PathBuf::from(url),
            _dir: None,
            password: Some(password.to_string()),
        }
    }

    pub fn url(&self) -> Option<&str> {
        self.password.as_ref().and(self.path.to_str())
    }

    pub fn run(&self, args: &[&str]) -> Output {
        let out = pgml()
            .args(args)
            .arg("--store")
            .arg(&self.path)
            .env_remove("PGML_STORE")
            .output()
            .unwrap();
        if let Some(password) = &self.password {
            for text in [&out.stdout, &out.stderr] {
                let text = String::from_utf8_lossy(text);
                assert!(!text.contains(password.as_str()), "{args:?}: {text}");
            }
        }
        out
    }

    pub fn ok(&self, args: &[&str]) -> String {
        let out = self.run(args);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(out.status.success(), "{args:?}: {stderr}");
        String::from_utf8(out.stdout).unwrap()
    }

    pub fn json(&self, args: &[&str]) -> Value {
        let mut args = args.to_vec();
        args.extend(["--format", "json"]);
        serde_json::from_str(&self.ok(&args)).unwrap()
    }

    /// Fails with `code` and one stderr line containing `expected`.
    pub fn refused(&self, args: &[&str], code: i32, expected: &str) {
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
    pub fn train(&self, project: &str, algorithm: &str, seed: u64, extra: &[&str]) -> Value {
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

    pub fn deployed(&self, project: &str) -> i64 {
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

    pub fn deploy(&self, args: &[&str]) -> i64 {
        let mut all = vec!["deploy"];
        all.extend(args);
        self.json(&all)["id"].as_i64().unwrap()
    }

    pub fn models(&self, project: &str) -> Vec<Value> {
        self.json(&["models", project]).as_array().unwrap().clone()
    }

    /// The SQLite file (SQLite only).
    pub fn sql(&self) -> rusqlite::Connection {
        assert!(self.password.is_none(), "sql() opens an SQLite registry");
        rusqlite::Connection::open(&self.path).unwrap()
    }

    /// A client of the PostgreSQL registry, in its schema (PostgreSQL only).
    pub fn pg(&self) -> postgres::Client {
        let mut client = postgres::Client::connect(self.url().unwrap(), postgres::NoTls).unwrap();
        client.batch_execute("SET search_path TO pgml_cli").unwrap();
        client
    }

    /// Runs SQL that both databases take on the registry.
    pub fn execute(&self, sql: &str) {
        match self.url() {
            Some(_) => self.pg().batch_execute(sql).unwrap(),
            None => self.sql().execute_batch(sql).unwrap(),
        }
    }

    /// A model's stored bytes.
    pub fn blob(&self, id: i64) -> Vec<u8> {
        let query = "SELECT model FROM models WHERE id = $1";
        match self.url() {
            Some(_) => self.pg().query_one(query, &[&id]).unwrap().get(0),
            None => self.sql().query_row(query, [id], |r| r.get(0)).unwrap(),
        }
    }
}

pub fn r2(report: &Value) -> f64 {
    report["metrics"]["r2"].as_f64().unwrap()
}

pub fn deploy_rule_and_strategies(store: &Store) {
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
    assert_eq!(
        store.blob(7),
        std::fs::read(&exported).unwrap(),
        "the file's own bytes are stored"
    );
}

/// The refusals every store gives (SQLite's file checks are its own).
pub fn refusals_are_one_line(store: &Store) {
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
    assert_eq!(store.blob(3), std::fs::read(&iris_model).unwrap());
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
    store.execute(
        "INSERT INTO projects (name, task, created) VALUES ('empty', 'regression', 'now')",
    );
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
}

pub fn newer_schema_is_refused(store: &Store) {
    store.train("p", "linear", 0, &[]);
    store.execute("UPDATE schema_version SET version = 2");
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
pub fn crafted_registries_are_refused(store: &Store) {
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
    store.execute("UPDATE models SET model = (SELECT model FROM models WHERE id = 2) WHERE id = 1");
    store.refused(&predict, 4, "the registry lists a regression linear one");
    // PostgreSQL keeps a column's type: the text goes into a column altered to take it.
    if store.url().is_some() {
        store.execute("ALTER TABLE models ALTER COLUMN key_metric TYPE TEXT");
    }
    store.execute("UPDATE models SET key_metric = 'high' WHERE id = 1");
    store.refused(&["models"], 4, "is not a pgml-cli registry (damaged: ");
    for version in ["-1", "0"] {
        store.execute(&format!("UPDATE schema_version SET version = {version}"));
        store.refused(&["models"], 4, &format!("its schema_version is {version}"));
        store.refused(&predict, 4, "is not a pgml-cli registry");
    }
}

pub fn concurrent_trains_all_land_and_the_best_is_deployed(store: &Store) {
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
pub fn concurrent_writes_per_second(store: &Store) -> f64 {
    use pgml_cli::registry;
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
                    registry::record_file(reg.as_mut(), "p", &file, true).unwrap();
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
    let rate = (8 * EACH) as f64 / seconds;
    eprintln!(
        "registry {}: {} writes by 8 writers in {seconds:.2} s = {rate:.0} writes/s",
        if store.url().is_some() {
            "postgresql"
        } else {
            "sqlite"
        },
        8 * EACH,
    );
    rate
}

pub fn names_are_printed_escaped(store: &Store) {
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
pub fn several_algorithms_are_all_recorded(store: &Store) {
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

/// Imports killed (SIGKILL) at staggered moments: some land, none half; the next one lands.
pub fn a_killed_writer_leaves_no_half_model(store: &Store) {
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
    if store.url().is_none() {
        let check: String = store
            .sql()
            .query_row("PRAGMA integrity_check", [], |r| r.get(0))
            .unwrap();
        assert_eq!(check, "ok");
    }
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
