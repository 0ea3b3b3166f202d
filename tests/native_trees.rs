//! Native inference of Python-trained tree ensembles: each converted kind predicts, without
//! Python, what its library predicts (`--runtime python`); `info` shows the forms; models the
//! conversion does not cover say why; damaged native forms are refused with one line.
#![cfg(feature = "python")]

mod common;

use std::path::{Path, PathBuf};
use std::process::Output;

use common::{numbers, pgml, read_csv, repo};
use ndarray::Array2;
use pgml_cli::algorithms::library;
use pgml_cli::algorithms::native::ensemble::{Ensemble, Link, NativeForm, Node, Tree};
use pgml_cli::model;
use serde_json::Value;

/// Trains `algorithm` on the Python runtime; returns the model path.
fn train(
    dir: &Path,
    data: &Path,
    target: &str,
    task: &str,
    algorithm: &str,
    params: &str,
) -> PathBuf {
    let name = data.file_stem().unwrap().to_string_lossy();
    let path = dir.join(format!("{name}-{algorithm}-{task}-{}.pgml", params.len()));
    let out = pgml()
        .args([
            "train",
            "-q",
            "--force",
            "--runtime",
            "python",
            "--task",
            task,
        ])
        .args([
            "--algorithm",
            algorithm,
            "--target",
            target,
            "--hyperparams",
            params,
        ])
        .arg("--data")
        .arg(data)
        .arg("-o")
        .arg(&path)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{algorithm} {task}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    path
}

/// `predict` with `extra` flags; Python made unusable unless `python`.
fn predict(model: &Path, data: &Path, extra: &[&str], python: bool) -> Output {
    let mut cmd = pgml();
    cmd.args(["predict", "--model"])
        .arg(model)
        .arg("--data")
        .arg(data)
        .args(extra);
    if !python {
        cmd.args(["--python-env", "/nonexistent"])
            .env("PYTHONHOME", "/nonexistent");
    }
    cmd.output().unwrap()
}

fn table(out: &Output, what: &str) -> Vec<Vec<String>> {
    assert!(
        out.status.success(),
        "{what}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let mut reader = csv::Reader::from_reader(out.stdout.as_slice());
    reader
        .records()
        .map(|r| r.unwrap().iter().map(String::from).collect())
        .collect()
}

/// Within 1e-6 relative (probabilities: of their row's largest), or 1e-9 absolute.
fn assert_close(a: &Array2<f64>, b: &Array2<f64>, per_row: bool, what: &str) {
    assert_eq!(a.dim(), b.dim(), "{what}");
    for (r, (ra, rb)) in a.rows().into_iter().zip(b.rows()).enumerate() {
        let scale = ra
            .iter()
            .chain(rb.iter())
            .fold(0.0_f64, |m, v| m.max(v.abs()));
        for (&x, &y) in ra.iter().zip(rb.iter()) {
            let gap = (x - y).abs();
            let relative = gap / if per_row { scale } else { x.abs().max(y.abs()) };
            assert!(
                gap <= 1e-9 || relative <= 1e-6,
                "{what}: row {r}: {x} vs {y}"
            );
        }
    }
}

fn header_json(model: &Path) -> Value {
    let out = pgml()
        .args(["info", "--format", "json"])
        .arg(model)
        .output()
        .unwrap();
    assert!(out.status.success());
    serde_json::from_slice(&out.stdout).unwrap()
}

/// Trains, checks the file carries the native form, and compares native (Python unusable)
/// with library predictions, and probabilities for classification.
fn check_kind(dir: &Path, data: &Path, target: &str, task: &str, algorithm: &str, params: &str) {
    let what = format!("{algorithm} {task} on {}", data.display());
    let model = train(dir, data, target, task, algorithm, params);
    let native = &header_json(&model)["python"]["native"];
    assert_eq!(native["form"], "trees", "{what}: {native}");
    let mut modes = vec![vec![]];
    if task == "classification" {
        modes.push(vec!["--proba"]);
    }
    for extra in modes {
        let ours = table(&predict(&model, data, &extra, false), &what);
        let mut forced = extra.clone();
        forced.extend(["--runtime", "python"]);
        let theirs = table(&predict(&model, data, &forced, true), &what);
        if task == "classification" && extra.is_empty() {
            assert_eq!(ours, theirs, "{what}");
        } else {
            assert_close(&numbers(&ours), &numbers(&theirs), !extra.is_empty(), &what);
        }
    }
}

fn dataset(name: &str) -> PathBuf {
    repo(&format!("datasets/{name}.csv"))
}

#[test]
fn scikit_learn_trees_predict_as_scikit_learn() {
    let dir = tempfile::tempdir().unwrap();
    for algorithm in [
        "decision_tree",
        "random_forest",
        "extra_trees",
        "gradient_boosting_trees",
        "hist_gradient_boosting",
        "bagging",
    ] {
        let params = match algorithm {
            "decision_tree" => r#"{"max_depth": 6}"#,
            "hist_gradient_boosting" => r#"{"max_iter": 5}"#,
            // Feature subsets, and samples too few for every tree to see every class.
            "bagging" => r#"{"n_estimators": 5, "max_features": 0.5, "max_samples": 8}"#,
            _ => r#"{"n_estimators": 5}"#,
        };
        check_kind(
            dir.path(),
            &dataset("diabetes"),
            "target",
            "regression",
            algorithm,
            params,
        );
        check_kind(
            dir.path(),
            &dataset("breast_cancer"),
            "malignant",
            "classification",
            algorithm,
            params,
        );
        check_kind(
            dir.path(),
            &dataset("iris"),
            "target",
            "classification",
            algorithm,
            params,
        );
    }
    // AdaBoost's classifier (its regressor's weighted median is not converted).
    for (data, target) in [("breast_cancer", "malignant"), ("iris", "target")] {
        let params = r#"{"n_estimators": 5}"#;
        check_kind(
            dir.path(),
            &dataset(data),
            target,
            "classification",
            "ada_boost",
            params,
        );
    }
}

#[test]
fn boosters_predict_as_xgboost_lightgbm_and_catboost() {
    let dir = tempfile::tempdir().unwrap();
    for algorithm in ["xgboost", "xgboost_random_forest", "lightgbm", "catboost"] {
        let params = if algorithm == "catboost" {
            r#"{"iterations": 5}"#
        } else {
            r#"{"n_estimators": 5}"#
        };
        check_kind(
            dir.path(),
            &dataset("diabetes"),
            "target",
            "regression",
            algorithm,
            params,
        );
        check_kind(
            dir.path(),
            &dataset("breast_cancer"),
            "malignant",
            "classification",
            algorithm,
            params,
        );
        check_kind(
            dir.path(),
            &dataset("iris"),
            "target",
            "classification",
            algorithm,
            params,
        );
    }
}

/// Several targets: forests, bagging and catboost natively, xgboost's one tree per target, MultiOutputRegressor's
/// per-target models (lightgbm, gradient boosting).
#[test]
fn several_targets_predict_as_their_library() {
    let dir = tempfile::tempdir().unwrap();
    for algorithm in [
        "random_forest",
        "bagging",
        "catboost",
        "xgboost",
        "lightgbm",
        "gradient_boosting_trees",
    ] {
        // lightgbm's default of 20 rows per leaf would grow no tree on linnerud's 20 rows.
        let params = match algorithm {
            "lightgbm" => r#"{"n_estimators": 5, "min_child_samples": 2}"#,
            "catboost" => r#"{"iterations": 5}"#,
            _ => r#"{"n_estimators": 5}"#,
        };
        let data = dataset("linnerud");
        check_kind(
            dir.path(),
            &data,
            "weight,waist,pulse",
            "regression",
            algorithm,
            params,
        );
    }
}

/// A copy of a bundled dataset with every 7th feature cell empty (missing).
fn with_missing(dir: &Path, name: &str, target: &str) -> PathBuf {
    let (header, mut rows) = read_csv(&dataset(name));
    let skip = header.iter().position(|h| h == target).unwrap();
    let mut n = 0;
    for row in &mut rows {
        for (c, cell) in row.iter_mut().enumerate() {
            n += 1;
            if c != skip && n % 7 == 0 {
                cell.clear();
            }
        }
    }
    let path = dir.join(format!("{name}-missing.csv"));
    common::write_csv(&path, &header, &rows);
    path
}

/// Missing values take each split's default direction: xgboost's, hist gradient boosting's,
/// catboost's (nan_mode Min and Max), and lightgbm's three missing types (NaN, zero as missing, none: NaN compared as zero).
#[test]
fn missing_values_go_where_the_library_sends_them() {
    let dir = tempfile::tempdir().unwrap();
    let regression = with_missing(dir.path(), "diabetes", "target");
    let binary = with_missing(dir.path(), "breast_cancer", "malignant");
    let multi = with_missing(dir.path(), "iris", "target");
    let lightgbm = [
        r#"{"n_estimators": 5}"#,
        r#"{"n_estimators": 5, "zero_as_missing": true}"#,
        r#"{"n_estimators": 5, "use_missing": false}"#,
    ];
    let runs = [
        ("xgboost", r#"{"n_estimators": 5}"#),
        ("xgboost_random_forest", r#"{"n_estimators": 5}"#),
        ("hist_gradient_boosting", r#"{"max_iter": 5}"#),
        ("catboost", r#"{"iterations": 5}"#),
        ("catboost", r#"{"iterations": 5, "nan_mode": "Max"}"#),
    ]
    .into_iter()
    .chain(lightgbm.map(|p| ("lightgbm", p)));
    for (algorithm, params) in runs {
        check_kind(
            dir.path(),
            &regression,
            "target",
            "regression",
            algorithm,
            params,
        );
        check_kind(
            dir.path(),
            &binary,
            "malignant",
            "classification",
            algorithm,
            params,
        );
        check_kind(
            dir.path(),
            &multi,
            "target",
            "classification",
            algorithm,
            params,
        );
    }
}

/// `info` names the forms; a model the conversion does not cover says why, predicts through
/// its library, and `--runtime rust` refuses it; score uses the native form without Python.
#[test]
fn info_shows_the_forms_and_why_there_is_none() {
    let dir = tempfile::tempdir().unwrap();
    let data = dataset("diabetes");
    let converted = train(
        dir.path(),
        &data,
        "target",
        "regression",
        "xgboost",
        r#"{"n_estimators": 3}"#,
    );
    let out = pgml().arg("info").arg(&converted).output().unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("forms         xgboost-ubj and native trees (3 trees; predictions equal"),
        "{text}"
    );
    let score = pgml()
        .args(["score", "--python-env", "/nonexistent", "--model"])
        .arg(&converted)
        .arg("--data")
        .arg(&data)
        .env("PYTHONHOME", "/nonexistent")
        .output()
        .unwrap();
    assert!(
        score.status.success(),
        "{}",
        String::from_utf8_lossy(&score.stderr)
    );

    for (algorithm, params, why) in [
        (
            "xgboost",
            r#"{"n_estimators": 3, "booster": "dart"}"#,
            "dart booster is not converted",
        ),
        (
            "xgboost",
            r#"{"n_estimators": 3, "objective": "count:poisson"}"#,
            "objective count:poisson is not converted",
        ),
        (
            "lightgbm",
            r#"{"n_estimators": 3, "objective": "poisson"}"#,
            "objective poisson",
        ),
        (
            "ada_boost",
            r#"{"n_estimators": 3}"#,
            "AdaBoostRegressor's weighted median of its trees is not converted",
        ),
    ] {
        let model = train(dir.path(), &data, "target", "regression", algorithm, params);
        let native = &header_json(&model)["python"]["native"];
        assert_eq!(native["form"], Value::Null, "{algorithm}: {native}");
        assert!(
            native["note"].as_str().unwrap().contains(why),
            "{algorithm}: {native}"
        );
        let text =
            String::from_utf8_lossy(&pgml().arg("info").arg(&model).output().unwrap().stdout)
                .to_string();
        assert!(text.contains("and no native form: "), "{text}");
        let refused = predict(&model, &data, &["--runtime", "rust"], true);
        assert_eq!(refused.status.code(), Some(2), "{algorithm}");
        assert!(String::from_utf8_lossy(&refused.stderr).contains(why));
        assert!(
            predict(&model, &data, &[], true).status.success(),
            "{algorithm}"
        );
        // Without Python it cannot predict: the runtime is unavailable (exit 7).
        assert_eq!(
            predict(&model, &data, &[], false).status.code(),
            Some(7),
            "{algorithm}"
        );
    }

    // Written before native forms: loads through Python, as before.
    let old = repo("tests/fixtures/models/v1-diabetes-lightgbm-regression.pgml");
    let text =
        String::from_utf8_lossy(&pgml().arg("info").arg(&old).output().unwrap().stdout).to_string();
    assert!(
        text.contains("lightgbm-text and no native form (written before native forms"),
        "{text}"
    );
    let input = repo("tests/fixtures/models/v1-diabetes-lightgbm-regression.input.csv");
    assert!(predict(&old, &input, &[], true).status.success());
    assert_eq!(predict(&old, &input, &[], false).status.code(), Some(7));
}

/// Damaged native forms under a valid checksum: refused with exit 4 and one line, Python unused.
#[test]
fn damaged_native_forms_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let data = dataset("iris");
    let model = train(
        dir.path(),
        &data,
        "target",
        "classification",
        "xgboost",
        r#"{"n_estimators": 3}"#,
    );
    let (header, bytes) = model::read(&model).unwrap();
    let (payload, form) = library::decode(&bytes).unwrap();
    let Some(NativeForm::Trees(ensemble)) = form else {
        panic!("no native form")
    };
    type Damage = Box<dyn Fn(&mut Ensemble)>;
    let cases: Vec<(&str, Damage, &str)> = vec![
        (
            "child",
            Box::new(|e: &mut Ensemble| edit_split(e, |_, _, l, _| *l = 1_000_000)),
            "links outside the tree or backwards",
        ),
        (
            "cycle",
            Box::new(|e: &mut Ensemble| edit_split(e, |_, _, _, r| *r = 0)),
            "links outside the tree or backwards",
        ),
        (
            "feature",
            Box::new(|e: &mut Ensemble| edit_split(e, |f, _, _, _| *f = 4)),
            "splits on feature 4 of 4",
        ),
        (
            "nan",
            Box::new(|e: &mut Ensemble| edit_split(e, |_, t, _, _| *t = f64::NAN)),
            "NaN threshold",
        ),
        (
            "leaf",
            Box::new(|e: &mut Ensemble| e.trees[0].leaves.clear()),
            "points past the leaf values",
        ),
        (
            "outputs",
            Box::new(|e: &mut Ensemble| {
                e.outputs = 4;
                e.base.push(0.0);
            }),
            "do not fit classification",
        ),
        (
            "base",
            Box::new(|e: &mut Ensemble| e.base[0] = f64::INFINITY),
            "base values",
        ),
        (
            "tree output",
            Box::new(|e: &mut Ensemble| e.trees[0].output = 7),
            "adds to output 7",
        ),
        (
            "depth",
            Box::new(|e: &mut Ensemble| {
                // A chain: every split sends left to a leaf and right one level deeper.
                let levels = 20_000u32;
                let mut nodes = Vec::new();
                for level in 0..levels {
                    let at = nodes.len() as u32;
                    nodes.push(Node::Split {
                        feature: 0,
                        threshold: f64::from(level),
                        left: at + 1,
                        right: at + 2,
                        missing: pgml_cli::algorithms::native::ensemble::Missing::Nan,
                        default_left: true,
                    });
                    nodes.push(Node::Leaf(0));
                }
                nodes.push(Node::Leaf(0));
                e.trees[0] = Tree {
                    output: 0,
                    nodes,
                    leaves: vec![0.5],
                };
            }),
            "deeper than 10000 levels",
        ),
        (
            "features",
            Box::new(|e: &mut Ensemble| e.features = 5),
            "is for 5 features",
        ),
        (
            // Both children of a split are one node: no tree, and depths one pass cannot bound.
            "shared child",
            Box::new(|e: &mut Ensemble| edit_split(e, |_, _, l, r| *r = *l)),
            "has two parents",
        ),
        (
            "identity link",
            Box::new(|e: &mut Ensemble| e.link = Link::Identity),
            "do not fit classification",
        ),
    ];
    let mut predicted = 0;
    for (name, damage, why) in cases {
        let mut damaged = ensemble.clone();
        damage(&mut damaged);
        let bytes = library::encode(&payload, Some(&NativeForm::Trees(damaged))).unwrap();
        assert_refused(dir.path(), name, &header, &bytes, &data, why);
        predicted += 1;
    }
    assert_eq!(predicted, 12);

    // Finite float64 leaves that overflow float32 sums to inf - inf: probabilities of NaN must
    // not become class 0 (the library's bytes still predict, so --runtime python does).
    let mut overflow = ensemble.clone();
    for (tree, leaf) in [(0, 1e300), (3, -1e300)] {
        overflow.trees[tree]
            .leaves
            .iter_mut()
            .for_each(|v| *v = leaf);
    }
    let bytes = library::encode(&payload, Some(&NativeForm::Trees(overflow))).unwrap();
    assert_refused(
        dir.path(),
        "overflow",
        &header,
        &bytes,
        &data,
        "no distribution",
    );

    // A form on a model that is no tree ensemble.
    let linear = train(
        dir.path(),
        &data,
        "target",
        "classification",
        "perceptron",
        "{}",
    );
    let (mut forged, linear_bytes) = model::read(&linear).unwrap();
    let (linear_payload, _) = library::decode(&linear_bytes).unwrap();
    forged.python.as_mut().unwrap().native = header.python.as_ref().unwrap().native.clone();
    let bytes =
        library::encode(&linear_payload, Some(&NativeForm::Trees(ensemble.clone()))).unwrap();
    assert_refused(
        dir.path(),
        "not trees",
        &forged,
        &bytes,
        &data,
        "a perceptron model cannot have",
    );

    // The header and the payload disagree about the form; stray bytes after it.
    let without = library::encode(&payload, None).unwrap();
    assert_refused(
        dir.path(),
        "missing",
        &header,
        &without,
        &data,
        "and a payload that does not",
    );
    let mut stray = library::encode(&payload, Some(&NativeForm::Trees(ensemble.clone()))).unwrap();
    stray.push(0);
    assert_refused(dir.path(), "stray", &header, &stray, &data, "1 stray bytes");
    let mut unannounced = header.clone();
    unannounced.python.as_mut().unwrap().native = None;
    let with = library::encode(&payload, Some(&NativeForm::Trees(ensemble))).unwrap();
    assert_refused(
        dir.path(),
        "unannounced",
        &unannounced,
        &with,
        &data,
        "carries one",
    );
}

fn assert_refused(
    dir: &Path,
    name: &str,
    header: &model::Header,
    payload: &[u8],
    data: &Path,
    why: &str,
) {
    let path = dir.join(format!("damaged-{}.pgml", name.replace(' ', "-")));
    std::fs::write(&path, model::encode(header, payload).unwrap()).unwrap();
    let out = predict(&path, data, &[], false);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(4), "{name}: {stderr}");
    assert_eq!(stderr.lines().count(), 1, "{name}: {stderr}");
    assert!(stderr.starts_with("pgml-cli: error: "), "{name}: {stderr}");
    assert!(stderr.contains(why), "{name}: expected '{why}' in {stderr}");
    // A form that fails its checks is refused whichever runtime would predict.
    if why != "no distribution" {
        let out = predict(&path, data, &["--runtime", "python"], true);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(
            out.status.code(),
            Some(4),
            "{name} --runtime python: {stderr}"
        );
        assert!(stderr.contains(why), "{name}: expected '{why}' in {stderr}");
    }
}

/// Applies `f` to the feature, threshold and children of the first split of the ensemble.
fn edit_split(e: &mut Ensemble, f: impl Fn(&mut u32, &mut f64, &mut u32, &mut u32)) {
    for tree in &mut e.trees {
        for node in &mut tree.nodes {
            if let Node::Split {
                feature,
                threshold,
                left,
                right,
                ..
            } = node
            {
                return f(feature, threshold, left, right);
            }
        }
    }
    panic!("no split")
}
