//! Flag values that could ask for unbounded work or lose data are refused before anything is
//! read or written: exit 2 and one line (clap's own errors included).

mod common;

use common::{pgml, repo};

fn refused<S: AsRef<std::ffi::OsStr> + std::fmt::Debug>(args: &[S], expected: &str) {
    let out = pgml().args(args).output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{args:?}: {stderr}");
    assert_eq!(stderr.lines().count(), 1, "{args:?}: {stderr}");
    assert!(
        stderr.contains(expected),
        "{args:?}: expected '{expected}' in {stderr}"
    );
    assert!(out.stdout.is_empty(), "{args:?}");
}

#[test]
fn unbounded_or_destructive_flags_are_refused() {
    let iris = repo("datasets/iris.csv");
    let iris = iris.to_str().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let model = dir.path().join("m.pgml");
    let model = model.to_str().unwrap();
    let train = [
        "train",
        "--data",
        iris,
        "--target",
        "target",
        "--task",
        "classification",
    ];
    let with = |more: &[&str]| -> Vec<String> {
        train.iter().chain(more).map(|s| s.to_string()).collect()
    };
    refused(
        &with(&[
            "--algorithm",
            "random_forest",
            "--hyperparams",
            r#"{"n_estimators": 4294967297}"#,
        ]),
        "from 1 to 100000",
    );
    refused(
        &[
            "train",
            "--data",
            iris,
            "--task",
            "clustering",
            "--algorithm",
            "kmeans",
            "--hyperparams",
            r#"{"n_init": 100000000}"#,
        ],
        "from 1 to 1000",
    );
    refused(
        &with(&["--features", "sepal_length,sepal_length"]),
        "named twice",
    );
    refused(
        &with(&["--min-metric", "accuracy=NaN"]),
        "not a finite number",
    );
    refused(&with(&["--test-size", "a\nb"]), "invalid value");
    refused(&["train", "--seed=-1", "--data", iris], "pgml-cli --help");

    let out = pgml().args(with(&["-q", "-o", model])).output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let predict = ["predict", "--model", model, "--data", iris];
    refused(
        &[&predict[..], &["--precision", "1000000"]].concat(),
        "0..=30",
    );
    refused(
        &[&predict[..], &["--output", iris]].concat(),
        "is the --data file",
    );
    refused(
        &[&predict[..], &["--output", model]].concat(),
        "is the --model file",
    );
}

/// clap lists missing arguments on the lines under its first: the one line keeps them.
#[test]
fn missing_required_arguments_are_named() {
    refused(
        &["train", "--data", "x.csv", "--target", "y"],
        "the following required arguments were not provided: --task <TASK> (see pgml-cli --help)",
    );
    refused(
        &["predict", "--data", "x.csv"],
        "were not provided: <--model <FILE|ID>|--project <NAME>> (see",
    );
}

/// A negative value is the flag's value, refused for its range, not read as another flag
/// ("unexpected argument '-0' found" for `--test-size -0.1`).
#[test]
fn negative_values_are_values() {
    let iris = repo("datasets/iris.csv");
    let train = |flag: &str, value: &str| -> Vec<String> {
        let iris = iris.to_str().unwrap();
        [
            "train",
            "--data",
            iris,
            "--target",
            "target",
            "--task",
            "classification",
            flag,
            value,
        ]
        .map(String::from)
        .to_vec()
    };
    refused(
        &train("--test-size", "-0.1"),
        "--test-size -0.1: expected a fraction",
    );
    refused(
        &train("--test-size", "-1e-5"),
        "--test-size -0.00001: expected a fraction",
    );
    refused(
        &train("--seed", "-1"),
        "invalid value '-1' for '--seed <SEED>'",
    );
    let mut both = train("--test-data", "-");
    both[2] = "-".into();
    refused(
        &both,
        "--data - and --test-data - would both read standard input",
    );
    refused(
        &["datasets", "iris", "--sample", "-3"],
        "invalid value '-3' for '--sample <ROWS>'",
    );
    refused(
        &[
            "predict",
            "--model",
            "m.pgml",
            "--data",
            "-",
            "--precision",
            "-2",
        ],
        "invalid value '-2' for '--precision <DIGITS>'",
    );
}
