//! Hostile and damaged Python model files: loading never runs code from the file and never
//! crashes; every one ends in exit 4 with one line on stderr.
#![cfg(feature = "python")]

mod common;

use std::os::unix::process::ExitStatusExt;
use std::path::{Path, PathBuf};
use std::process::Output;

use common::{pgml, repo};
use pgml_cli::model::{self, Header};
use serde::{Deserialize, Serialize};

/// The Python payload's layout (src/algorithms/python/mod.rs), to build files around edited blobs.
#[derive(Serialize, Deserialize, Clone)]
struct Payload {
    format: String,
    classes: Option<Vec<i64>>,
    blobs: Vec<Vec<u8>>,
}

const MARKER: &str = "pgml-hostile-marker";

/// Trains `algorithm` on the Python runtime and returns its header and decoded payload.
fn trained(dir: &Path, algorithm: &str, task: &str, data: &str) -> (Header, Payload) {
    let path = dir.join(format!("{algorithm}-{task}.pgml"));
    let out = pgml()
        .args(["train", "-q", "--runtime", "python", "--target", "target"])
        .args(["--task", task, "--algorithm", algorithm, "--data"])
        .arg(repo(data))
        .args(["--hyperparams", r#"{"n_estimators": 5}"#])
        .arg("-o")
        .arg(&path)
        .output()
        .unwrap();
    let out = if out.status.success() {
        out
    } else {
        // Estimators without n_estimators.
        pgml()
            .args(["train", "-q", "--runtime", "python", "--target", "target"])
            .args(["--task", task, "--algorithm", algorithm, "--data"])
            .arg(repo(data))
            .arg("-o")
            .arg(&path)
            .output()
            .unwrap()
    };
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let (header, payload) = model::read(&path).unwrap();
    (header, postcard::from_bytes(&payload).unwrap())
}

/// Writes the model file and runs `predict` on it from `dir` (where a hostile payload would
/// create the marker file).
fn predict(dir: &Path, header: &Header, payload: &Payload, data: &str) -> Output {
    let path = dir.join("edited.pgml");
    let bytes = model::encode(header, &postcard::to_stdvec(payload).unwrap()).unwrap();
    std::fs::write(&path, bytes).unwrap();
    pgml()
        .current_dir(dir)
        .args(["predict", "--model"])
        .arg(&path)
        .arg("--data")
        .arg(repo(data))
        .output()
        .unwrap()
}

/// Exit 4 by a normal exit (no signal), one line on stderr, nothing on stdout.
fn assert_refused(out: &Output, case: &str) -> String {
    let stderr = String::from_utf8_lossy(&out.stderr).to_string();
    assert_eq!(out.status.signal(), None, "{case}: killed by a signal");
    assert_eq!(out.status.code(), Some(4), "{case}: {stderr}");
    assert_eq!(stderr.lines().count(), 1, "{case}: {stderr}");
    assert!(stderr.starts_with("pgml-cli: error: "), "{case}: {stderr}");
    assert!(out.stdout.is_empty(), "{case}");
    stderr
}

fn hostile_corpus() -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(repo("tests/fixtures/hostile/python"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "skops"))
        .collect();
    files.sort();
    files
}

/// Each payload of tests/fixtures/hostile/python (made by its make.py) inside a valid model
/// file with a recomputed checksum: refused before any of its code runs.
#[test]
fn hostile_skops_payloads_are_refused_without_running_anything() {
    let dir = tempfile::tempdir().unwrap();
    let (header, payload) = trained(dir.path(), "linear", "regression", "datasets/diabetes.csv");
    let corpus = hostile_corpus();
    assert!(corpus.len() >= 9, "only {} hostile payloads", corpus.len());
    for file in corpus {
        let case = file.file_name().unwrap().to_string_lossy().to_string();
        let edited = Payload {
            blobs: vec![std::fs::read(&file).unwrap()],
            ..payload.clone()
        };
        let out = predict(dir.path(), &header, &edited, "datasets/diabetes.csv");
        let stderr = assert_refused(&out, &case);
        assert!(
            !dir.path().join(MARKER).exists(),
            "{case}: the payload's command ran ({stderr})"
        );
    }
    // The unedited payload still predicts, so the refusals are the edits'.
    let out = predict(dir.path(), &header, &payload, "datasets/diabetes.csv");
    assert!(out.status.success());
}

/// The header must name the algorithm table's class for its algorithm and task, and agree with
/// the payload on features, format and classes.
#[test]
fn header_and_payload_must_agree() {
    let dir = tempfile::tempdir().unwrap();
    let data = "datasets/diabetes.csv";
    let (header, payload) = trained(dir.path(), "linear", "regression", data);
    let mut cases: Vec<(&str, Header, Payload, &str)> = Vec::new();

    let mut other_class = header.clone();
    other_class.python.as_mut().unwrap().class = "sklearn.utils._testing.check_output".into();
    cases.push((
        "class outside the table",
        other_class,
        payload.clone(),
        "the Python class",
    ));

    // The table's class for ridge, but the payload holds a LinearRegression.
    let mut other_algorithm = header.clone();
    other_algorithm.algorithm = "ridge".into();
    other_algorithm.python.as_mut().unwrap().class = "sklearn.linear_model.Ridge".into();
    cases.push((
        "payload of another class",
        other_algorithm,
        payload.clone(),
        "LinearRegression",
    ));

    let mut fewer_features = header.clone();
    fewer_features.feature_names.pop();
    cases.push(("feature count", fewer_features, payload.clone(), "features"));

    let mut xgboost = payload.clone();
    xgboost.format = "xgboost-ubj".into();
    cases.push(("format", header.clone(), xgboost, "'xgboost-ubj'"));

    let mut two = payload.clone();
    two.blobs.push(two.blobs[0].clone());
    cases.push(("blob count", header.clone(), two, "2 blob(s)"));

    let mut classes = payload.clone();
    classes.classes = Some(vec![0, 1]);
    cases.push((
        "classes on a regression",
        header.clone(),
        classes,
        "classes",
    ));

    for (case, header, payload, says) in cases {
        let stderr = assert_refused(&predict(dir.path(), &header, &payload, data), case);
        assert!(stderr.contains(says), "{case}: {stderr}");
    }
}

/// xgboost, lightgbm and catboost payloads cut short, emptied or edited: exit 4, never a crash
/// (lightgbm segfaulted and xgboost aborted on such bytes before they were checked first).
#[test]
fn damaged_booster_payloads_are_refused_without_crashing() {
    let dir = tempfile::tempdir().unwrap();
    let data = "datasets/iris.csv";
    for algorithm in ["xgboost", "lightgbm", "catboost"] {
        let (header, payload) = trained(dir.path(), algorithm, "classification", data);
        let blob = &payload.blobs[0];
        let mut damaged: Vec<(String, Vec<u8>)> = vec![
            ("empty".into(), Vec::new()),
            ("one byte".into(), blob[..1].to_vec()),
        ];
        for fraction in [0.1, 0.5, 0.9, 0.999] {
            let len = (blob.len() as f64 * fraction) as usize;
            damaged.push((format!("cut to {len} bytes"), blob[..len].to_vec()));
        }
        damaged.extend(edits(algorithm, blob));
        for (what, bytes) in damaged {
            let edited = Payload {
                blobs: vec![bytes],
                ..payload.clone()
            };
            let case = format!("{algorithm} {what}");
            assert_refused(&predict(dir.path(), &header, &edited, data), &case);
        }
    }
}

/// Edits that keep the bytes well-formed but point outside the model: the cases the libraries'
/// own parsers crash on.
fn edits(algorithm: &str, blob: &[u8]) -> Vec<(String, Vec<u8>)> {
    let replace = |from: &str, to: &str| -> (String, Vec<u8>) {
        let text = String::from_utf8(blob.to_vec()).unwrap();
        assert!(text.contains(from), "{from}");
        (
            format!("{from} -> {to}"),
            text.replacen(from, to, 1).into_bytes(),
        )
    };
    match algorithm {
        "lightgbm" => {
            let left = blob_line(blob, "left_child=");
            let leaves = blob_line(blob, "num_leaves=");
            let values = blob_line(blob, "leaf_value=");
            let mut first_infinite: Vec<&str> = values["leaf_value=".len()..].split(' ').collect();
            first_infinite[0] = "1e400";
            let infinite = format!("leaf_value={}", first_infinite.join(" "));
            vec![
                replace(&left, "left_child=99 99 99"),
                replace(&leaves, "num_leaves=1000"),
                replace("max_feature_idx=3", "max_feature_idx=30"),
                replace("Tree=1\n", "Tree=7\n"),
                // Prediction sizes its buffers by the objective's class count: 1000 overflowed them.
                replace(
                    "objective=multiclass num_class:3",
                    "objective=multiclass num_class:1000",
                ),
                replace("objective=multiclass num_class:3", "objective=lambdarank"),
                replace("objective=multiclass num_class:3", "objective=garbage"),
                replace(&values, &infinite),
            ]
        }
        "xgboost" => {
            // The first value of a tree array (big-endian int32, after its key) overwritten.
            let set_first = |key: &[u8], value: i32| {
                let mut edited = blob.to_vec();
                let at = find(blob, key).unwrap() + key.len();
                let count = at + find(&blob[at..], b"#").unwrap() + 1;
                let width = match blob[count] {
                    b'i' | b'U' => 1,
                    b'I' => 2,
                    b'l' => 4,
                    _ => 8,
                };
                let at = count + 1 + width;
                edited[at..at + 4].copy_from_slice(&value.to_be_bytes());
                edited
            };
            vec![
                (
                    "split index out of range".into(),
                    set_first(b"split_indices", i32::MAX),
                ),
                (
                    "root as its own child".into(),
                    set_first(b"left_children", 0),
                ),
            ]
        }
        _ => {
            let mut magic = blob.to_vec();
            magic[..4].copy_from_slice(b"XXXX");
            // A 4-feature model with three bytes changed, on which CatBoost's loader segfaults.
            let crash = std::fs::read(repo("tests/fixtures/hostile/python/catboost-segfault.cbm"));
            vec![
                ("magic".into(), magic),
                ("edited into a crash".into(), crash.unwrap()),
            ]
        }
    }
}

fn blob_line(blob: &[u8], prefix: &str) -> String {
    let text = std::str::from_utf8(blob).unwrap();
    text.lines()
        .find(|l| l.starts_with(prefix))
        .unwrap()
        .to_string()
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

/// A package missing from the environment is exit 7, naming the environment and what chose it.
#[test]
fn a_missing_package_names_the_environment() {
    let dir = tempfile::tempdir().unwrap();
    let (header, payload) = trained(dir.path(), "linear", "regression", "datasets/diabetes.csv");
    let path = dir.path().join("m.pgml");
    let bytes = model::encode(&header, &postcard::to_stdvec(&payload).unwrap()).unwrap();
    std::fs::write(&path, bytes).unwrap();
    let venv = repo(".venv");
    let out = pgml()
        .env("VIRTUAL_ENV", &venv)
        .env_remove("PGML_PYTHON_ENV")
        .env("PYTHONPATH", repo("tests/fixtures/python-without-skops"))
        .args(["predict", "--model"])
        .arg(&path)
        .arg("--data")
        .arg(repo("datasets/diabetes.csv"))
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(7), "{stderr}");
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(stderr.contains("No module named 'skops'"), "{stderr}");
    assert!(
        stderr.contains(&format!(
            "(Python environment {}, from VIRTUAL_ENV)",
            venv.display()
        )),
        "{stderr}"
    );
}

/// Whole model files from a reviewer's attack on scikit-learn's compiled code (see the README in
/// their folder): each is exit 4 with one line, never a signal.
#[test]
fn reviewed_attack_models_are_refused() {
    let dir = repo("tests/fixtures/hostile/python-models");
    let mut seen = 0;
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_none_or(|e| e != "pgml") {
            continue;
        }
        let out = pgml()
            .args(["predict", "--data"])
            .arg(repo("datasets/iris.csv"))
            .arg("--model")
            .arg(&path)
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(4), "{}: {stderr}", path.display());
        assert_eq!(stderr.lines().count(), 1, "{}: {stderr}", path.display());
        seen += 1;
    }
    assert_eq!(seen, 7);
}

/// Small files that made the Python loader spend gigabytes or minutes (see the folder's README):
/// each refused, for its own reason, before that memory or time is spent.
#[test]
fn reviewed_memory_attacks_are_refused_before_the_memory_is_spent() {
    let dir = repo("tests/fixtures/hostile/python-models/memory");
    for (name, reason) in [
        (
            "skops-member-reuse",
            "the skops payload's nodes read 4190426564 bytes",
        ),
        (
            "skops-large-schema",
            "the skops schema takes 17559550 bytes",
        ),
        (
            "skops-dense-schema",
            "the skops schema holds 655360 objects and arrays",
        ),
        ("xgboost-null-containers", "a typed container of Z"),
    ] {
        let started = std::time::Instant::now();
        let out = pgml()
            .args(["predict", "--data"])
            .arg(repo("datasets/iris.csv"))
            .arg("--model")
            .arg(dir.join(format!("{name}.pgml")))
            .output()
            .unwrap();
        let stderr = assert_refused(&out, name);
        assert_eq!(out.status.code(), Some(4), "{name}: {stderr}");
        assert!(stderr.contains(reason), "{name}: {stderr}");
        assert!(
            started.elapsed().as_secs() < 30,
            "{name}: {:?}",
            started.elapsed()
        );
    }
}
