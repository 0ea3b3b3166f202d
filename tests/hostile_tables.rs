//! Hostile data for train and predict: values that preprocessing carries out of range, dates at
//! the ends of the calendar, one-hot encodings larger than memory, rows that are all bad. Each
//! ends in an answer or one error line naming the column and row, in bounded time and memory.

mod common;

use std::path::Path;
use std::process::Output;

use common::{pgml, read_csv, repo, write_csv};

fn run(args: &[&str], dir: &Path) -> Output {
    pgml().current_dir(dir).args(args).output().unwrap()
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into()
}

/// One error line, with this exit code, containing `why`.
fn assert_error(out: &Output, code: i32, why: &str) {
    let err = stderr(out);
    assert_eq!(out.status.code(), Some(code), "{err}");
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(err.contains(why), "expected '{why}' in: {err}");
}

/// Robust scaling divides by the spread between the quartiles, which tiny values make tiny: an
/// outlier of 1e150 then becomes inf. The fit got it (a LAPACK complaint on stderr and an error
/// naming nothing, exit 5); now the row is named.
#[test]
fn a_value_scaled_out_of_range_is_named() {
    let dir = tempfile::tempdir().unwrap();
    let mut csv = String::from("a,y\n");
    for i in 0..20 {
        csv += &format!("{},{}\n", if i < 10 { "0" } else { "1e-300" }, i % 2);
    }
    csv += "1e150,1\n";
    std::fs::write(dir.path().join("r.csv"), csv).unwrap();
    for algorithm in ["linear", "random_forest"] {
        let out = run(
            &[
                "train",
                "-q",
                "--data",
                "r.csv",
                "--target",
                "y",
                "--task",
                "classification",
                "--algorithm",
                algorithm,
                "--test-size",
                "0",
                "--preprocess",
                r#"{"a": {"scale": "robust"}}"#,
            ],
            dir.path(),
        );
        assert_error(
            &out,
            3,
            "r.csv: column 'a' row 21: 1e150 becomes inf once preprocessed (pgml-cli accepts magnitudes up to 1e150)",
        );
    }
}

/// A leap second or an offset carries 9999-12-31 past the last date with parts: such a cell is
/// no date (it gave NaN parts, which a forest took silently and linear turned into an error
/// blaming the model file), so predict names it, and `--on-error skip` leaves its row out.
#[test]
fn timestamps_past_the_calendar_are_not_dates() {
    let dir = tempfile::tempdir().unwrap();
    let input = repo("tests/fixtures/models/v2-messy-random_forest-classification.input.csv");
    let (header, mut rows) = read_csv(&input);
    let column = header.iter().position(|c| c == "updated_at").unwrap();
    rows[0][column] = "9999-12-31T23:59:60".into();
    rows[1][column] = "9999-12-31T20:00:00-05:00".into();
    write_csv(&dir.path().join("late.csv"), &header, &rows);
    let model = repo("tests/fixtures/models/v2-messy-random_forest-classification.pgml");
    let model = model.to_str().unwrap();
    let out = run(
        &["predict", "--model", model, "--data", "late.csv"],
        dir.path(),
    );
    assert_error(
        &out,
        3,
        "column 'updated_at' row 1: '9999-12-31T23:59:60' is not an ISO-8601 date (YYYY-MM-DD) (2 rows)",
    );
    let out = run(
        &[
            "predict",
            "--model",
            model,
            "--data",
            "late.csv",
            "--on-error",
            "skip",
        ],
        dir.path(),
    );
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stderr(&out).contains("left out 2 of"), "{}", stderr(&out));
    let predicted = String::from_utf8_lossy(&out.stdout).lines().count() - 1;
    assert_eq!(predicted, rows.len() - 2);
}

/// `--categorical id --preprocess one_hot` over 300,000 distinct ids would make a matrix of
/// 300,000 features for 400,000 rows (960 GB): refused with a hint, not an abort on the failed
/// allocation.
#[test]
fn one_hot_larger_than_memory_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let mut csv = String::from("id,x,y\n");
    for i in 0..400_000 {
        csv += &format!("id{i},{},{}\n", i % 7, i % 3);
    }
    std::fs::write(dir.path().join("ids.csv"), csv).unwrap();
    let started = std::time::Instant::now();
    let out = run(
        &[
            "train",
            "-q",
            "--data",
            "ids.csv",
            "--target",
            "y",
            "--task",
            "regression",
            "--algorithm",
            "linear",
            "--categorical",
            "id",
            "--preprocess",
            r#"{"id": {"encode": "one_hot"}}"#,
        ],
        dir.path(),
    );
    assert_error(
        &out,
        3,
        "ids.csv: preprocessing makes 300001 features, 300000 rows of which do not fit in memory (one-hot encoding makes a feature per category, target encoding one per class: encode native instead)",
    );
    assert!(started.elapsed() < std::time::Duration::from_secs(30));
}

/// Every row bad under `--on-error skip`: still a valid output with its header, and a warning.
#[test]
fn skipping_every_row_still_writes_a_header() {
    let dir = tempfile::tempdir().unwrap();
    let data = repo("tests/fixtures/messy-predict.csv");
    let (header, mut rows) = read_csv(&data);
    let size = header.iter().position(|c| c == "size").unwrap();
    rows.iter_mut().for_each(|row| row[size] = "huge".into());
    write_csv(&dir.path().join("bad.csv"), &header, &rows);
    let model = repo("tests/fixtures/models/v2-messy-linear-regression.pgml");
    let model = model.to_str().unwrap();
    for (format, expected) in [("csv", "name,price\n"), ("json", "[]\n")] {
        let out = run(
            &[
                "predict",
                "--model",
                model,
                "--data",
                "bad.csv",
                "--on-error",
                "skip",
                "--keep",
                "name",
                "--format",
                format,
            ],
            dir.path(),
        );
        assert!(out.status.success(), "{}", stderr(&out));
        assert_eq!(String::from_utf8_lossy(&out.stdout), expected);
        assert!(stderr(&out).contains(&format!("left out {} of", rows.len())));
    }
    let out = run(
        &[
            "predict", "--model", model, "--data", "bad.csv", "--keep", "id",
        ],
        dir.path(),
    );
    assert_error(&out, 3, "no column 'id', asked for by --keep");
}

/// 100,000 classes: the table of rows x classes that target encoding averages is built only
/// for target encoding (it was built for every classification, 160 GB here, and aborted), and is
/// refused like any matrix larger than memory when target encoding asks for it.
#[test]
fn many_classes_cost_nothing_without_target_encoding() {
    let dir = tempfile::tempdir().unwrap();
    let mut csv = String::from("x,c,y\n");
    for i in 0..200_000 {
        csv += &format!("{},{},{}\n", i % 97, ["a", "b"][i % 2], i % 100_000);
    }
    std::fs::write(dir.path().join("classes.csv"), csv).unwrap();
    let train = |extra: &[&str]| {
        let mut args = vec![
            "train",
            "-q",
            "--data",
            "classes.csv",
            "--target",
            "y",
            "--task",
            "classification",
            "--algorithm",
            "decision_tree",
            "--test-size",
            "0",
            "--hyperparams",
            r#"{"max_depth": 2}"#,
            "--force",
        ];
        args.extend(extra);
        run(&args, dir.path())
    };
    let out = train(&[]);
    assert!(out.status.success(), "{}", stderr(&out));
    let out = train(&["--preprocess", r#"{"c": {"encode": "target"}}"#]);
    assert_eq!(out.status.code(), Some(3), "{}", stderr(&out));
    assert!(
        stderr(&out).contains(
            "preprocessing makes 100000 features, 200000 rows of which do not fit in memory"
        ),
        "{}",
        stderr(&out)
    );
}

/// NaN in NPY features for a model that takes no missing values: the error names the features
/// file (it named the labels file, which has no column 'x1').
#[test]
fn a_missing_npy_feature_names_the_features_file() {
    use ndarray_npy::WriteNpyExt;
    let dir = tempfile::tempdir().unwrap();
    let mut x = ndarray::Array2::from_shape_fn((20, 2), |(i, j)| (i * 3 + j) as f64);
    x[[3, 1]] = f64::NAN;
    let y = ndarray::Array1::from_shape_fn(20, |i| (i % 2) as f64);
    let mut file = std::fs::File::create(dir.path().join("x.npy")).unwrap();
    x.write_npy(&mut file).unwrap();
    let mut file = std::fs::File::create(dir.path().join("y.npy")).unwrap();
    y.write_npy(&mut file).unwrap();
    let out = run(
        &[
            "train",
            "-q",
            "--data",
            "x.npy",
            "--labels",
            "y.npy",
            "--task",
            "classification",
            "--algorithm",
            "linear",
        ],
        dir.path(),
    );
    assert_error(&out, 3, "x.npy: column 'x1' row 4: missing value");
}

/// Memory the system refuses (here address-space limits of 200 and 300 MB against a random
/// forest and a linear fit on 250,000 rows) ends the run with one line and exit 8, leaving no output file; Rust's own
/// handler printed "memory allocation of N bytes failed" and aborted (exit 134).
#[test]
fn memory_the_system_refuses_is_one_line_and_exit_8() {
    let dir = tempfile::tempdir().unwrap();
    let mut csv = String::from("a,b,c,d,e,f,g,h,i,j,y\n");
    let mut state = 1u64;
    for _ in 0..250_000 {
        let mut sum = 0.0;
        for _ in 0..10 {
            state = state
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            let v = (state >> 11) as f64 / (1u64 << 53) as f64 - 0.5;
            sum += v;
            csv += &format!("{v:.6},");
        }
        csv += &format!("{sum:.6}\n");
    }
    std::fs::write(dir.path().join("big.csv"), csv).unwrap();
    // The linear fit reaches OpenBLAS, which retried a refused work buffer forever (timeout's
    // exit 124 here); now its 129 MiB is asked for first.
    for (limit, algorithm) in [(200_000, "random_forest"), (300_000, "linear")] {
        let out = std::process::Command::new("timeout")
            .current_dir(dir.path())
            .args(["120", "sh", "-c"])
            .arg(format!(r#"ulimit -v {limit} && exec "$0" train --data big.csv --target y --task regression --algorithm {algorithm} -o m.pgml"#))
            .arg(pgml().get_program())
            .output()
            .unwrap();
        assert_error(&out, 8, "out of memory: the system refused");
    }
    let left: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(left, ["big.csv"]);
}

/// A number column read true/false and yes/no as 1 and 0 at predict, score and `--test-data`,
/// where train refuses the same cell: a format-2 model's number column held only numbers, so a
/// word there is a bad cell. A format-1 model's number columns still read them, as its training did.
#[test]
fn truth_words_in_a_number_column_are_bad_cells() {
    let dir = tempfile::tempdir().unwrap();
    let (header, mut rows) = read_csv(&repo("datasets/diabetes.csv"));
    let out = run(
        &[
            "train",
            "--data",
            repo("datasets/diabetes.csv").to_str().unwrap(),
            "--target",
            "target",
            "--task",
            "regression",
            "--algorithm",
            "ridge",
            "-o",
            "m.pgml",
        ],
        dir.path(),
    );
    assert!(out.status.success(), "{}", stderr(&out));
    rows[1][0] = "yes".into();
    write_csv(&dir.path().join("words.csv"), &header, &rows);
    for command in ["predict", "score"] {
        let out = run(
            &[command, "--model", "m.pgml", "--data", "words.csv"],
            dir.path(),
        );
        assert_error(&out, 3, "column 'age' row 2: 'yes' is not a number");
    }
    let v1 = repo("tests/fixtures/models/v1-diabetes-ridge-regression.pgml");
    let (header, mut rows) = read_csv(&repo(
        "tests/fixtures/models/v1-diabetes-ridge-regression.input.csv",
    ));
    let truth = |rows: &[Vec<String>]| -> String {
        write_csv(&dir.path().join("v1.csv"), &header, rows);
        let out = run(
            &[
                "predict",
                "--model",
                v1.to_str().unwrap(),
                "--data",
                "v1.csv",
            ],
            dir.path(),
        );
        assert!(out.status.success(), "{}", stderr(&out));
        String::from_utf8_lossy(&out.stdout)
            .lines()
            .nth(1)
            .unwrap()
            .to_string()
    };
    rows[0][1] = "1".into();
    let one = truth(&rows);
    rows[0][1] = "true".into();
    assert_eq!(truth(&rows), one);
}

/// One test row leaves r2 undefined (NaN, as scikit-learn gives): it fails every gate, and
/// several algorithms cannot be ranked by it, which is said instead of "no algorithm trained".
#[test]
fn one_test_row_ranks_nothing() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("three.csv"), "a,y\n1,2\n2,4\n3,7\n").unwrap();
    let train = |more: &[&str]| {
        let mut args = vec![
            "train",
            "--data",
            "three.csv",
            "--target",
            "y",
            "--task",
            "regression",
        ];
        args.extend(more);
        run(&args, dir.path())
    };
    let out = train(&["--min-metric", "r2=-1000", "-o", "a.pgml"]);
    assert_error(&out, 6, "r2 = NaN is not a number, which meets no limit");
    let out = train(&["--algorithm", "linear,ridge", "-o", "b.pgml"]);
    assert_error(
        &out,
        5,
        "2 of 2 algorithms trained, but none has a r2 to rank them by",
    );
}
