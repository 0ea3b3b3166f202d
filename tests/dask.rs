//! `train --cluster`: xgboost and lightgbm fitted on a Dask cluster (a scheduler and two workers
//! started here on loopback) score as the same fit in one process does, write a plain model that
//! predicts without any cluster, and what a cluster cannot train is refused before any data is read.
#![cfg(feature = "python")]

mod common;

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

use common::{pgml, repo};
use serde_json::Value;

/// `dask scheduler` and two `dask worker`s (no nannies: one process each, so killing them ends
/// them), killed on drop.
struct Cluster {
    address: String,
    processes: Vec<Child>,
    logs: PathBuf,
}

impl Cluster {
    fn start(dir: &Path) -> Cluster {
        let dask = repo(".venv/bin/dask");
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .unwrap()
            .port();
        let address = format!("tcp://127.0.0.1:{port}");
        let spawn = |args: &[&str], log: &str| {
            Command::new(&dask)
                .args(args)
                // Dashboards listen on loopback too (Dask's default is every interface).
                .args(["--host", "127.0.0.1", "--dashboard-address", "127.0.0.1:0"])
                .stdin(Stdio::null())
                .stdout(Stdio::null())
                .stderr(fs::File::create(dir.join(log)).unwrap())
                .spawn()
                .expect("start dask")
        };
        let mut cluster = Cluster {
            address: address.clone(),
            logs: dir.to_path_buf(),
            processes: vec![spawn(
                &["scheduler", "--port", &port.to_string()],
                "scheduler.log",
            )],
        };
        for i in 0..2 {
            let log = format!("worker{i}.log");
            cluster.processes.push(spawn(
                &["worker", &address, "--nthreads", "1", "--no-nanny"],
                &log,
            ));
        }
        // Both workers registered, so the rows go out in two partitions.
        let started = Instant::now();
        while (0..2).any(|i| {
            !fs::read_to_string(dir.join(format!("worker{i}.log")))
                .unwrap_or_default()
                .contains("Registered to")
        }) {
            assert!(
                started.elapsed() < Duration::from_secs(120),
                "the Dask workers did not register: {}",
                fs::read_to_string(dir.join("worker0.log")).unwrap_or_default()
            );
            std::thread::sleep(Duration::from_millis(100));
        }
        cluster
    }
}

impl Drop for Cluster {
    /// Kills the processes; after a failed assertion, prints the ends of their logs first (a
    /// worker that left the cluster says why there).
    fn drop(&mut self) {
        if std::thread::panicking() {
            for log in ["scheduler.log", "worker0.log", "worker1.log"] {
                let text = fs::read_to_string(self.logs.join(log)).unwrap_or_default();
                let tail: Vec<&str> = text.lines().rev().take(40).collect();
                eprintln!("--- {log} (last {} lines)", tail.len());
                for line in tail.iter().rev() {
                    eprintln!("{line}");
                }
            }
        }
        for p in self.processes.iter_mut().rev() {
            let _ = p.kill();
            let _ = p.wait();
        }
    }
}

/// A problem with some structure for trees to find: 3000 rows, 6 features, a regression target
/// `y` and a class `high` (y above 0.5). Large enough that a fit's score does not hang on a few
/// rows: the cluster fits on two partitions of it.
fn waves_csv(dir: &Path) -> PathBuf {
    let path = dir.join("waves.csv");
    let mut text = String::from("a,b,c,d,e,f,y,high\n");
    let mut state = 12345u64;
    let mut uniform = || {
        state = state
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (state >> 11) as f64 / (1u64 << 53) as f64 * 4.0 - 2.0
    };
    for _ in 0..3000 {
        let x: Vec<f64> = (0..6).map(|_| uniform()).collect();
        let y = (2.0 * x[0]).sin() + x[1] * x[2] + 0.5 * x[3].abs() + 0.1 * uniform();
        let cells: Vec<String> = x.iter().map(|v| format!("{v:.6}")).collect();
        text.push_str(&format!(
            "{},{y:.6},{}\n",
            cells.join(","),
            u8::from(y > 0.5)
        ));
    }
    fs::write(&path, text).unwrap();
    path
}

fn run(cmd: &mut Command) -> Output {
    cmd.env_remove("DASK_SCHEDULER_ADDRESS").output().unwrap()
}

/// Trains and returns (the JSON report, stderr).
fn train(
    data: &Path,
    target: &str,
    task: &str,
    algorithm: &str,
    out: &Path,
    extra: &[&str],
) -> (Value, String) {
    let output = run(pgml()
        .args(["train", "--format", "json", "--force", "--task", task])
        .args(["--algorithm", algorithm, "--target", target])
        .arg("--data")
        .arg(data)
        .arg("-o")
        .arg(out)
        .args(extra));
    let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
    assert!(output.status.success(), "{algorithm} {extra:?}: {stderr}");
    (serde_json::from_slice(&output.stdout).unwrap(), stderr)
}

/// `predict` with the model on `data` through `runtime`; the rust runtime with Python made
/// unusable (a cluster's model carries native trees).
fn predict_with(model: &Path, data: &Path, runtime: &str) -> String {
    let python_home = if runtime == "rust" {
        "/nonexistent"
    } else {
        ""
    };
    let out = run(pgml()
        .args(["predict", "--runtime", runtime, "--model"])
        .arg(model)
        .arg("--data")
        .arg(data)
        .env("PYTHONHOME", python_home));
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

/// Runs a Python script in the project's environment with `args`.
fn python(script: &str, args: &[&Path]) {
    let out = Command::new(repo(".venv/bin/python"))
        .args(["-c", script])
        .args(args)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

fn metric(report: &Value, name: &str) -> f64 {
    report["metrics"][name]
        .as_f64()
        .unwrap_or_else(|| panic!("no {name} in {report}"))
}

#[test]
fn fits_on_a_dask_cluster_as_in_process() {
    let dir = tempfile::tempdir().unwrap();
    let cluster = Cluster::start(dir.path());
    let waves = waves_csv(dir.path());
    let cases = [
        ("y", "regression", "xgboost", "r2"),
        ("y", "regression", "lightgbm", "r2"),
        ("high", "classification", "xgboost_random_forest", "f1"),
        ("high", "classification", "lightgbm", "f1"),
    ];
    for (target, task, algorithm, key) in cases {
        let data = &waves;
        let local = dir.path().join(format!("{algorithm}-{task}-local.pgml"));
        let remote = dir.path().join(format!("{algorithm}-{task}-dask.pgml"));
        let other = if target == "y" { "high" } else { "y" };
        let (here, _) = train(data, target, task, algorithm, &local, &["--ignore", other]);
        let (there, _) = train(
            data,
            target,
            task,
            algorithm,
            &remote,
            &["--ignore", other, "--cluster", &cluster.address],
        );
        let (a, b) = (metric(&here, key), metric(&there, key));
        eprintln!("{algorithm} {task}: {key} {a} in one process, {b} on the cluster");
        assert!(
            a > 0.8,
            "{algorithm} {task}: in-process {key} {a}: a weak baseline proves nothing"
        );
        assert!(
            (a - b).abs() <= 1e-2,
            "{algorithm} {task}: {key} {b} on the cluster, {a} in one process"
        );
        assert_eq!(
            there["python"]["cluster"],
            cluster.address.as_str(),
            "{there}"
        );
        assert!(here["python"].get("cluster").is_none());

        // The file holds a plain model: predicting needs neither the cluster nor Python (native
        // trees), and equals the library's own prediction.
        let predict = |runtime: &str| predict_with(&remote, data, runtime);
        let native = predict("rust");
        assert_eq!(
            native.lines().count(),
            fs::read_to_string(data).unwrap().lines().count()
        );
        if task == "classification" {
            assert_eq!(native, predict("python"), "{algorithm}");
        }
    }

    // DASK_SCHEDULER_ADDRESS sends what a cluster can train there, and nothing else.
    let with_env = |algorithm: &str| {
        let out = pgml()
            .args([
                "train",
                "--task",
                "regression",
                "--target",
                "y",
                "--ignore",
                "high",
            ])
            .arg("--force")
            .args(["--algorithm", algorithm])
            .arg("--data")
            .arg(&waves)
            .arg("-o")
            .arg(dir.path().join("env.pgml"))
            .env("DASK_SCHEDULER_ADDRESS", &cluster.address)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).unwrap()
    };
    assert!(with_env("xgboost").contains(&format!("on the Dask cluster at {}", cluster.address)));
    let ridge = with_env("ridge");
    assert!(
        ridge.starts_with("trained ridge (regression, rust runtime"),
        "{ridge}"
    );
    assert!(!ridge.contains("Dask"));
}

/// One failing `train` with `args`: its exit code and the one line it printed.
fn refused(args: &[&str]) -> (i32, String) {
    let dir = tempfile::tempdir().unwrap();
    let out = run(pgml()
        .arg("train")
        .args(args)
        .arg("-o")
        .arg(dir.path().join("m.pgml")));
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    let lines: Vec<&str> = stderr.lines().filter(|l| !l.is_empty()).collect();
    assert!(!dir.path().join("m.pgml").exists());
    (
        out.status.code().unwrap(),
        lines.last().copied().unwrap_or("").to_string(),
    )
}

#[test]
fn what_a_cluster_cannot_train_is_refused_first() {
    let iris = repo("datasets/iris.csv");
    let iris = iris.to_str().unwrap();
    let linnerud = repo("datasets/linnerud.csv");
    // Nothing listens on port 1: each refusal below comes before any connection is tried.
    let base = ["--cluster", "tcp://127.0.0.1:1", "--data"];
    let classification = ["--target", "target", "--task", "classification"];
    let (code, line) =
        refused(&[&base[..], &[iris], &classification, &["--algorithm", "svm"]].concat());
    assert_eq!(code, 2);
    assert_eq!(
        line,
        "pgml-cli: error: --cluster trains xgboost, xgboost_random_forest, lightgbm for classification; not svm"
    );
    let (code, line) = refused(
        &[
            &base[..],
            &[iris],
            &classification,
            &["--algorithm", "svm", "--runtime", "rust"],
        ]
        .concat(),
    );
    assert_eq!(code, 2);
    assert_eq!(
        line,
        "pgml-cli: error: --cluster fits on the python runtime; svm was asked for on the rust one"
    );
    let (code, line) = refused(
        &[
            &base[..],
            &[linnerud.to_str().unwrap()],
            &[
                "--target",
                "Weight,Waist",
                "--task",
                "regression",
                "--algorithm",
                "lightgbm",
            ],
        ]
        .concat(),
    );
    assert_eq!(code, 2);
    assert_eq!(
        line,
        "pgml-cli: error: --cluster trains one target at a time; several were given"
    );
    let (code, line) = refused(&[
        "--cluster",
        " ",
        "--data",
        iris,
        "--target",
        "target",
        "--task",
        "classification",
    ]);
    assert_eq!(code, 2, "{line}");
    // A user and password in the address are refused without being echoed.
    let (code, line) = refused(&[
        "--cluster",
        "tcp://alice:s3cret@127.0.0.1:8786",
        "--data",
        iris,
        "--target",
        "target",
        "--task",
        "classification",
    ]);
    assert_eq!(code, 2, "{line}");
    let why = "a Dask scheduler address holds no user or password (Dask's TLS takes certificates from its configuration)";
    assert_eq!(
        line,
        format!("pgml-cli: error: --cluster tcp://...@127.0.0.1:8786: {why}")
    );
    // Also with whitespace in the password (checked first), or `://` in it (no scheme shown).
    for (address, shown) in [
        ("tcp://u:se cret@h:8786", "tcp://...@h:8786"),
        ("alice:pa://ss@h:8786", "...@h:8786"),
    ] {
        let (code, line) = refused(&[
            "--cluster",
            address,
            "--data",
            iris,
            "--target",
            "target",
            "--task",
            "classification",
        ]);
        assert_eq!(code, 2, "{line}");
        assert_eq!(line, format!("pgml-cli: error: --cluster {shown}: {why}"));
    }
    // From DASK_SCHEDULER_ADDRESS, checked only where a cluster would train.
    let with_variable = |algorithm: &str| {
        let dir = tempfile::tempdir().unwrap();
        pgml()
            .args([
                "train",
                "--data",
                iris,
                "--target",
                "target",
                "--task",
                "classification",
                "--algorithm",
                algorithm,
            ])
            .arg("-o")
            .arg(dir.path().join("m.pgml"))
            .env("DASK_SCHEDULER_ADDRESS", "tcp://u:p@h:1")
            .output()
            .unwrap()
    };
    assert!(with_variable("linear").status.success());
    let out = with_variable("xgboost");
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        String::from_utf8_lossy(&out.stderr).trim_end(),
        format!("pgml-cli: error: DASK_SCHEDULER_ADDRESS tcp://...@h:1: {why}")
    );
    // A server that accepts and never speaks Dask (found by review: it hung forever): exit 1.
    let silent = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let address = format!("tcp://{}", silent.local_addr().unwrap());
    let (code, line) = refused(
        &[
            &["--cluster", &address, "--data"][..],
            &[iris],
            &classification,
            &["--algorithm", "xgboost"],
        ]
        .concat(),
    );
    assert_eq!(code, 1);
    assert_eq!(
        line,
        format!("pgml-cli: error: the Dask scheduler at {address} did not answer within 15 s")
    );
    // A scheduler that cannot be reached: exit 1 after the connect timeout, one line naming it.
    let (code, line) = refused(
        &[
            &base[..],
            &[iris],
            &classification,
            &["--algorithm", "xgboost"],
        ]
        .concat(),
    );
    assert_eq!(code, 1);
    assert!(
        line.starts_with("pgml-cli: error: cannot reach the Dask scheduler at tcp://127.0.0.1:1: "),
        "{line}"
    );
}

/// The waves rows as Parquet in row groups of 500 (six partitions), with a text column `name`,
/// a missing value in `a` on row 5 and no target on rows 10 and 20.
fn waves_parquet(dir: &Path) -> PathBuf {
    let csv = waves_csv(dir);
    let path = dir.join("waves.parquet");
    let script = r#"
import sys
import pandas as pd
frame = pd.read_csv(sys.argv[1])
frame["name"] = ["row %d" % i for i in range(len(frame))]
frame.loc[5, "a"] = None
frame.loc[[10, 20], ["y", "high"]] = None
frame["high"] = frame["high"].astype("Int64")
frame.to_parquet(sys.argv[2], row_group_size=500, index=False)
"#;
    python(script, &[&csv, &path]);
    path
}

#[test]
fn workers_read_parquet_row_groups_themselves() {
    let dir = tempfile::tempdir().unwrap();
    let cluster = Cluster::start(dir.path());
    let data = waves_parquet(dir.path());
    let on_workers = ["--cluster", &cluster.address, "--workers-read"];
    for (target, task, algorithm, key, sampling) in [
        ("y", "regression", "xgboost", "r2", "random"),
        ("high", "classification", "lightgbm", "f1", "last"),
    ] {
        let other = if target == "y" { "high" } else { "y" };
        let ignore = format!("{other},name");
        let common = ["--ignore", &ignore, "--test-sampling", sampling];
        let local = dir.path().join(format!("{algorithm}-local.pgml"));
        let remote = dir.path().join(format!("{algorithm}-workers.pgml"));
        let (here, _) = train(&data, target, task, algorithm, &local, &common);
        let (there, stderr) = train(
            &data,
            target,
            task,
            algorithm,
            &remote,
            &[&common[..], &on_workers[..]].concat(),
        );
        let (a, b) = (metric(&here, key), metric(&there, key));
        eprintln!("{algorithm} {task}: {key} {a} in one process, {b} read by the workers");
        assert!(a > 0.8, "{algorithm}: in-process {key} {a}");
        assert!(
            (a - b).abs() <= 1e-2,
            "{algorithm}: {key} {b} read by the workers, {a} here"
        );
        assert!(
            stderr.contains("left out 2 rows whose target is missing"),
            "{stderr}"
        );
        let split = &there["split"];
        let (train_rows, test_rows) = (
            split["train_rows"].as_u64().unwrap(),
            split["test_rows"].as_u64().unwrap(),
        );
        assert_eq!(train_rows + test_rows, 2998, "{there}");
        assert_eq!(there["data"]["rows"], 3000);
        if sampling == "last" {
            // The last quarter of the file's rows, all labelled: the very rows held out here.
            assert_eq!(test_rows, 750);
            assert_eq!(here["split"]["test_rows"], 750);
        } else {
            // Each row held out with probability 0.25 (seeded): 750 +- 4 standard deviations.
            assert!((656..=844).contains(&test_rows), "{test_rows}");
        }
        assert_eq!(there["python"]["cluster"], cluster.address.as_str());
        assert!(
            there["python"]["native"]["verified_rows"]
                .as_u64()
                .unwrap_or(0)
                > 0
                || there.to_string().contains("native"),
            "{there}"
        );

        // Same seed, same rows held out, same model and metrics. (lightgbm's distributed learner
        // is not repeatable even on rows scattered from here: f1 0.9846 then 0.9860 on the same
        // data, so it is not run twice.)
        if algorithm == "xgboost" {
            let again = dir.path().join(format!("{algorithm}-again.pgml"));
            let (twice, _) = train(
                &data,
                target,
                task,
                algorithm,
                &again,
                &[&common[..], &on_workers[..]].concat(),
            );
            assert_eq!(twice["data"]["fingerprint"], there["data"]["fingerprint"]);
            assert_eq!(twice["split"], there["split"]);
            assert_eq!(twice["metrics"][key], there["metrics"][key]);
        }

        // A plain model: it predicts with Python unusable (native trees), as the library does.
        let predict = |runtime: &str| predict_with(&remote, &data, runtime);
        let native = predict("rust");
        assert_eq!(native.lines().count(), 3001);
        if task == "classification" {
            assert_eq!(native, predict("python"));
        }
    }

    // A cell no model can take, past the rows read here: the worker reading it says where
    // (exit 3, one line).
    let late = dir.path().join("late.parquet");
    let script = r#"
import sys
import numpy as np, pandas as pd
frame = pd.DataFrame({"a": np.arange(20000.0), "y": np.arange(20000.0) % 7})
frame.loc[19000, "a"] = np.inf
frame.to_parquet(sys.argv[1], row_group_size=5000, index=False)
"#;
    python(script, &[&late]);
    let (code, line) = refused(&[
        "--cluster",
        &cluster.address,
        "--workers-read",
        "--data",
        late.to_str().unwrap(),
        "--target",
        "y",
        "--task",
        "regression",
        "--algorithm",
        "xgboost",
    ]);
    assert_eq!(
        (code, line),
        (
            3,
            format!(
                "pgml-cli: error: {}: column 'a' row 19001: 'inf' is not a finite number",
                late.display()
            )
        )
    );
}

#[test]
fn what_the_workers_cannot_read_is_refused_first() {
    let dir = tempfile::tempdir().unwrap();
    let data = waves_parquet(dir.path());
    let data = data.to_str().unwrap();
    let iris = repo("datasets/iris.csv");
    // Nothing listens on port 1: each refusal comes before any connection is tried.
    let args = |extra: &[&str]| -> Vec<String> {
        let mut all = vec!["--cluster", "tcp://127.0.0.1:1", "--workers-read", "--task"];
        all.extend(["regression", "--algorithm", "xgboost", "--target", "y"]);
        all.extend(extra);
        all.into_iter().map(String::from).collect()
    };
    let refuse = |extra: &[&str]| {
        let args = args(extra);
        refused(&args.iter().map(String::as_str).collect::<Vec<_>>())
    };
    assert_eq!(
        refuse(&["--data", data, "--ignore", "high"]),
        (2, "pgml-cli: error: --workers-read: column 'name' holds categorical values in ".to_string()
            + data
            + "; the workers read number and boolean features only (--ignore it, or train without --workers-read)")
    );
    assert_eq!(
        refuse(&["--data", iris.to_str().unwrap()]),
        (2, format!("pgml-cli: error: --workers-read: the workers read Parquet files and PostgreSQL; {} is neither (train without --workers-read to send its rows from here)", iris.display()))
    );
    let (code, line) = refuse(&[
        "--data",
        data,
        "--ignore",
        "high,name",
        "--test-sampling",
        "stratified",
    ]);
    assert_eq!((code, line.contains("stratified")), (2, true), "{line}");
    let (code, line) = refuse(&[
        "--data",
        data,
        "--ignore",
        "high,name",
        "--preprocess",
        r#"{"a": {"scale": "standard"}}"#,
    ]);
    assert_eq!((code, line.contains("--preprocess")), (2, true), "{line}");
    // --workers-read alone: the workers are a cluster's.
    let out = run(pgml().args([
        "train",
        "--workers-read",
        "--data",
        data,
        "--target",
        "y",
        "--task",
        "regression",
    ]));
    assert_eq!(out.status.code(), Some(2));
}

#[path = "common/pg.rs"]
mod pg;

/// From PostgreSQL the workers read ranges of an integer key themselves, connecting with what
/// pgml-cli resolved (the password never shown or stored).
#[test]
fn workers_read_postgresql_key_ranges_themselves() {
    let Some(server) = pg::PgServer::start() else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let cluster = Cluster::start(dir.path());
    let csv = waves_csv(dir.path());
    server.psql("CREATE TABLE waves (a float8, b float8, c float8, d float8, e float8, f float8, y float8, high int)");
    let copied = Command::new("psql")
        .args(["-X", "-q", "-v", "ON_ERROR_STOP=1", &server.url, "-c"])
        .arg(format!(
            "\\copy waves FROM '{}' WITH (FORMAT csv, HEADER)",
            csv.display()
        ))
        .output()
        .unwrap();
    assert!(
        copied.status.success(),
        "{}",
        String::from_utf8_lossy(&copied.stderr)
    );
    // Keys with gaps and a negative start; one row without a target.
    server.psql("ALTER TABLE waves ADD COLUMN id bigint; UPDATE waves SET id = 3 * ctid_row - 100 FROM (SELECT ctid AS c, row_number() OVER () AS ctid_row FROM waves) AS n WHERE waves.ctid = n.c; UPDATE waves SET y = NULL, high = NULL WHERE id = -97");
    let data = format!("{}?table=public.waves", server.url);
    let password = server.password.clone();
    for (target, task, algorithm, key) in [
        ("y", "regression", "xgboost", "r2"),
        ("high", "classification", "lightgbm", "f1"),
    ] {
        let other = if target == "y" { "high" } else { "y" };
        let ignore = format!("{other},id");
        let local = dir.path().join(format!("{algorithm}-local.pgml"));
        let remote = dir.path().join(format!("{algorithm}-workers.pgml"));
        let (here, _) = train(
            Path::new(&data),
            target,
            task,
            algorithm,
            &local,
            &["--ignore", &ignore],
        );
        let (there, stderr) = train(
            Path::new(&data),
            target,
            task,
            algorithm,
            &remote,
            &[
                "--ignore",
                &ignore,
                "--cluster",
                &cluster.address,
                "--workers-read",
                "--partition-by",
                "id",
            ],
        );
        let (a, b) = (metric(&here, key), metric(&there, key));
        eprintln!("{algorithm} {task}: {key} {a} in one process, {b} read by the workers");
        assert!(a > 0.8, "{algorithm}: in-process {key} {a}");
        assert!(
            (a - b).abs() <= 2e-2,
            "{algorithm}: {key} {b} read by the workers, {a} here"
        );
        let split = &there["split"];
        let train_rows = split["train_rows"].as_u64().unwrap();
        let test_rows = split["test_rows"].as_u64().unwrap();
        assert_eq!(train_rows + test_rows, 2999, "{there}");
        assert!((656..=844).contains(&test_rows), "{test_rows}");
        assert!(there["python"]["native"]["form"].is_string(), "{there}");
        assert_eq!(
            there["data"]["source"],
            format!("{}?table=public.waves", server.url_without_password())
        );
        let report = there.to_string() + &stderr;
        assert!(!report.contains(&password), "{report}");
        assert!(!fs::read(&remote)
            .unwrap()
            .windows(password.len())
            .any(|w| w == password.as_bytes()));
    }
    // A key that is not an integer, and a key with NULLs: refused before any worker reads.
    let refused_by_key = |key: &str| {
        refused(&[
            "--cluster",
            &cluster.address,
            "--workers-read",
            "--partition-by",
            key,
            "--data",
            &data,
            "--target",
            "y",
            "--ignore",
            "high,id",
            "--task",
            "regression",
            "--algorithm",
            "xgboost",
        ])
    };
    let (code, line) = refused_by_key("a");
    assert_eq!((code, line.as_str()), (2, "pgml-cli: error: --partition-by 'a': the column is float8; the workers read ranges of an integer column"));
    server.psql("UPDATE waves SET id = NULL WHERE id = 2");
    let (code, line) = refused_by_key("id");
    assert_eq!(code, 3, "{line}");
    assert!(
        line.ends_with("1 rows have no 'id' (NULL): --partition-by needs a value on every row"),
        "{line}"
    );
}
