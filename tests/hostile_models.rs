//! Hostile model files: a valid checksum over a payload or header that lies. Each one must be
//! refused with exit 4 and one line on stderr, within a time limit (no hang), never by a signal
//! or an internal error (exit 70). Real payloads are paired with headers of other shapes, and
//! tree payloads are written by hand in postcard's layout (docs/model-format.md).

mod common;

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use common::{pgml, repo};
use pgml_cli::model::{self, Header};
use pgml_cli::preprocess::Pipeline;
use pgml_cli::task::Task;

/// Runs `cmd` (stdout discarded: an unread pipe would block it), killing it after `limit`;
/// returns (exit code, stderr).
fn run_limited(cmd: &mut Command, limit: Duration) -> (Option<i32>, String) {
    let mut child = cmd
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("pgml-cli runs");
    let started = Instant::now();
    loop {
        if child.try_wait().expect("wait").is_some() {
            break;
        }
        if started.elapsed() > limit {
            let _ = child.kill();
            panic!("{cmd:?} did not finish within {limit:?}");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    let out = child.wait_with_output().expect("output");
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stderr).into(),
    )
}

/// Trains a native model on a bundled dataset and returns its header and payload.
fn trained(
    dir: &Path,
    algorithm: &str,
    task: &str,
    data: &str,
    extra: &[&str],
) -> (Header, Vec<u8>) {
    let path = dir.join(format!("{algorithm}-{task}-{data}.pgml"));
    let mut cmd = pgml();
    cmd.args([
        "train",
        "-q",
        "--task",
        task,
        "--algorithm",
        algorithm,
        "--force",
        "--data",
    ])
    .arg(repo(&format!("datasets/{data}.csv")))
    .arg("-o")
    .arg(&path)
    .args(extra);
    if task != "clustering" && task != "decomposition" {
        cmd.args(["--target", "target"]);
    }
    let out = cmd.output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    model::read(&path).unwrap()
}

/// Writes a model file with a correct checksum and predicts with it on `data`.
fn predict_with(
    dir: &Path,
    name: &str,
    header: &Header,
    payload: &[u8],
    data: &str,
) -> (Option<i32>, String) {
    let path: PathBuf = dir.join(format!("{name}.pgml"));
    std::fs::write(&path, model::encode(header, payload).unwrap()).unwrap();
    let (code, stderr) = run_limited(
        pgml()
            .args(["predict", "--model"])
            .arg(&path)
            .arg("--data")
            .arg(repo(&format!("datasets/{data}.csv"))),
        Duration::from_secs(20),
    );
    (code, stderr)
}

fn assert_refused(dir: &Path, name: &str, header: &Header, payload: &[u8], data: &str, why: &str) {
    let (code, stderr) = predict_with(dir, name, header, payload, data);
    assert_eq!(code, Some(4), "{name}: {stderr}");
    assert_eq!(stderr.lines().count(), 1, "{name}: {stderr}");
    assert!(stderr.starts_with("pgml-cli: error: "), "{name}: {stderr}");
    assert!(
        stderr.contains(why),
        "{name}: expected '{why}' in: {stderr}"
    );
}

/// postcard's unsigned varint.
fn varint(mut n: u64, out: &mut Vec<u8>) {
    while n >= 0x80 {
        out.push((n as u8) | 0x80);
        n >>= 7;
    }
    out.push(n as u8);
}

enum Node {
    Split(u64, f64, u64, u64),
    Leaf(u64),
}

/// A native regression payload holding one forest of the given trees (nodes, leaf values, width).
fn forest_payload(trees: &[(Vec<Node>, Vec<f64>, u64)], tree_count: Option<u64>) -> Vec<u8> {
    let mut p = Vec::new();
    varint(0, &mut p); // NativeModel::Regressors
    varint(1, &mut p); // one target
    varint(2, &mut p); // Regressor::Trees
    varint(tree_count.unwrap_or(trees.len() as u64), &mut p);
    for (nodes, leaves, width) in trees {
        varint(nodes.len() as u64, &mut p);
        for node in nodes {
            match node {
                Node::Split(feature, threshold, left, right) => {
                    varint(0, &mut p);
                    varint(*feature, &mut p);
                    p.extend_from_slice(&threshold.to_le_bytes());
                    varint(*left, &mut p);
                    varint(*right, &mut p);
                }
                Node::Leaf(leaf) => {
                    varint(1, &mut p);
                    varint(*leaf, &mut p);
                }
            }
        }
        varint(leaves.len() as u64, &mut p);
        leaves
            .iter()
            .for_each(|v| p.extend_from_slice(&v.to_le_bytes()));
        varint(*width, &mut p);
    }
    p
}

#[test]
fn lying_native_payloads_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let (forest, forest_payload_real) = trained(
        d,
        "random_forest",
        "regression",
        "diabetes",
        &["--hyperparams", r#"{"n_estimators": 2}"#],
    );
    // The hand-written layout is the real one: a sane tree is accepted.
    let sane = forest_payload(
        &[(
            vec![Node::Split(0, 0.0, 1, 2), Node::Leaf(0), Node::Leaf(1)],
            vec![1.0, 2.0],
            1,
        )],
        None,
    );
    let (code, stderr) = predict_with(d, "sane", &forest, &sane, "diabetes");
    assert_eq!(code, Some(0), "{stderr}");

    let split = |l, r| vec![Node::Split(0, 0.0, l, r), Node::Leaf(0), Node::Leaf(1)];
    let cases: Vec<(&str, Vec<u8>, &str)> = vec![
        (
            "cycle",
            forest_payload(&[(split(0, 0), vec![1.0, 2.0], 1)], None),
            "backwards",
        ),
        (
            "child-outside",
            forest_payload(&[(split(1, 9), vec![1.0, 2.0], 1)], None),
            "outside",
        ),
        (
            "feature-outside",
            forest_payload(
                &[(
                    vec![Node::Split(10, 0.0, 1, 2), Node::Leaf(0), Node::Leaf(1)],
                    vec![1.0, 2.0],
                    1,
                )],
                None,
            ),
            "feature 10",
        ),
        (
            "leaf-outside",
            forest_payload(
                &[(
                    split(1, 2)
                        .into_iter()
                        .take(2)
                        .chain([Node::Leaf(7)])
                        .collect(),
                    vec![1.0, 2.0],
                    1,
                )],
                None,
            ),
            "leaf values",
        ),
        (
            "width-2^45",
            forest_payload(&[(split(1, 2), vec![1.0, 2.0], 1 << 45)], None),
            "width",
        ),
        (
            "trees-2^45",
            forest_payload(&[(split(1, 2), vec![1.0, 2.0], 1)], Some(1 << 45)),
            "cannot be decoded",
        ),
        ("no-trees", forest_payload(&[], None), "0 trees"),
        (
            "nan-leaf",
            forest_payload(&[(split(1, 2), vec![f64::NAN, 2.0], 1)], None),
            "non-finite",
        ),
        (
            "nan-threshold",
            forest_payload(
                &[(
                    vec![Node::Split(0, f64::NAN, 1, 2), Node::Leaf(0), Node::Leaf(1)],
                    vec![1.0, 2.0],
                    1,
                )],
                None,
            ),
            "threshold",
        ),
        ("empty", Vec::new(), "cannot be decoded"),
        (
            "trailing-bytes",
            [forest_payload_real.as_slice(), &[0, 0, 0]].concat(),
            "3 bytes after the model",
        ),
    ];
    for (name, payload, why) in &cases {
        assert_refused(d, name, &forest, payload, "diabetes", why);
    }

    // Real payloads under headers that describe something else.
    let (linear, linear_payload) = trained(d, "linear", "regression", "diabetes", &[]);
    let mut fewer = linear.clone();
    fewer.feature_names.pop();
    fewer.input = Pipeline::numeric(&fewer.feature_names);
    assert_refused(
        d,
        "coef-longer",
        &fewer,
        &linear_payload,
        "diabetes",
        "coefficients for 9 features",
    );
    let mut more = linear.clone();
    more.feature_names.push("bmi_again".into());
    more.input = Pipeline::numeric(&more.feature_names);
    let (code, stderr) = predict_with(d, "coef-shorter", &more, &linear_payload, "diabetes");
    // The extra column is missing from the data (exit 3) unless the payload check comes first.
    assert!(
        code == Some(4) && stderr.contains("coefficients"),
        "{stderr}"
    );
    // Finite coefficients whose sum overflows: refused at the row, not printed as inf.
    let mut huge = linear_payload.clone();
    assert_eq!(&huge[..6], &[0, 1, 0, 1, 10, 10]); // regressors, 1, linear, v1, dim 10, 10 values
    huge[6 + 2 * 8..6 + 3 * 8].copy_from_slice(&1.7e308f64.to_le_bytes()); // bmi
    let n = huge.len();
    huge[n - 8..].copy_from_slice(&1.7e308f64.to_le_bytes()); // intercept
    assert_refused(
        d,
        "overflowing-output",
        &linear,
        &huge,
        "diabetes",
        "not a finite number or a known class for row 1",
    );
    let mut clustering = linear.clone();
    clustering.task = Task::Clustering;
    clustering.algorithm = "kmeans".into();
    clustering.target_names.clear();
    assert_refused(
        d,
        "clustering-over-regression",
        &clustering,
        &linear_payload,
        "diabetes",
        "KMeans",
    );
    let mut wrong_task = linear.clone();
    wrong_task.task = Task::Clustering;
    wrong_task.target_names.clear();
    assert_refused(
        d,
        "linear-clustering",
        &wrong_task,
        &linear_payload,
        "diabetes",
        "no such model",
    );
    let mut two_targets = linear.clone();
    two_targets.target_names.push("y2".into());
    assert_refused(
        d,
        "targets",
        &two_targets,
        &linear_payload,
        "diabetes",
        "1 regression models for 2 targets",
    );

    // Classifiers: class counts come from the header, and must agree with the payload's.
    let (iris, iris_payload) = trained(d, "knn", "classification", "iris", &[]);
    let mut two_classes = iris.clone();
    two_classes.classes.pop();
    assert_refused(
        d,
        "classes",
        &two_classes,
        &iris_payload,
        "iris",
        "3 classes where the header lists 2",
    );
    let mut many = iris.clone();
    many.classes = (0..1000).map(|i| i.to_string()).collect();
    assert_refused(
        d,
        "classes-many",
        &many,
        &iris_payload,
        "iris",
        "classes where the header lists 1000",
    );
    let (nb, mut nb_payload) = trained(d, "naive_bayes", "classification", "iris", &[]);
    // Classifier, GaussianNb, 3 classes, class key, row count: then the first class's prior.
    assert_eq!(&nb_payload[..3], &[1, 4, 3]);
    nb_payload[5..13].copy_from_slice(&(-1.0f64).to_le_bytes());
    assert_refused(d, "nb-negative-prior", &nb, &nb_payload, "iris", "prior");
    let mut twice = iris.clone();
    twice.feature_names[1] = twice.feature_names[0].clone();
    twice.input = Pipeline::numeric(&twice.feature_names);
    assert_refused(
        d,
        "feature-twice",
        &twice,
        &iris_payload,
        "iris",
        "names a feature twice",
    );
    let mut class_twice = iris.clone();
    class_twice.classes[1] = class_twice.classes[0].clone();
    assert_refused(
        d,
        "class-twice",
        &class_twice,
        &iris_payload,
        "iris",
        "names a class twice",
    );
    let mut as_forest = iris.clone();
    as_forest.algorithm = "random_forest".into();
    assert_refused(
        d,
        "knn-as-forest",
        &as_forest,
        &iris_payload,
        "iris",
        "RandomForestClassifier",
    );
}

/// Every truncation and many single-byte changes of real payloads (checksums recomputed): each
/// either predicts or is refused with exit 4; nothing hangs, crashes or exits 70.
#[test]
fn damaged_native_payloads_never_crash() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let models = [
        trained(
            d,
            "random_forest",
            "classification",
            "iris",
            &["--hyperparams", r#"{"n_estimators": 2}"#],
        ),
        trained(d, "linear", "classification", "iris", &[]),
        trained(d, "naive_bayes", "classification", "iris", &[]),
        trained(d, "svm", "classification", "iris", &[]),
        trained(
            d,
            "kmeans",
            "clustering",
            "iris",
            &["--features", "sepal_length,sepal_width"],
        ),
        trained(
            d,
            "dbscan",
            "clustering",
            "iris",
            &["--features", "sepal_length,sepal_width"],
        ),
        trained(
            d,
            "pca",
            "decomposition",
            "iris",
            &["--features", "sepal_length,sepal_width"],
        ),
    ];
    let mut runs = 0;
    for (i, (header, payload)) in models.iter().enumerate() {
        let step = (payload.len() / 12).max(1);
        let mut variants: Vec<Vec<u8>> = (0..payload.len())
            .step_by(step)
            .map(|n| payload[..n].to_vec())
            .collect();
        for at in (0..payload.len()).step_by(step) {
            for value in [0x00, 0xff, 0x80] {
                let mut bytes = payload.clone();
                bytes[at] = value;
                variants.push(bytes);
            }
        }
        for (j, bytes) in variants.iter().enumerate() {
            let (code, stderr) =
                predict_with(d, &format!("damaged-{i}-{j}"), header, bytes, "iris");
            assert!(
                matches!(code, Some(0) | Some(4)),
                "{} variant {j}: {code:?} {stderr}",
                header.algorithm
            );
            if code == Some(4) {
                assert_eq!(stderr.lines().count(), 1, "{stderr}");
            }
            runs += 1;
        }
    }
    assert!(runs > 200, "{runs}");
}

/// The header of a DBSCAN model trained on two iris features, for payloads written by hand.
fn dbscan_on_iris(dir: &Path) -> Header {
    let features = ["--features", "sepal_length,sepal_width"];
    trained(dir, "dbscan", "clustering", "iris", &features).0
}

/// A DBSCAN payload (the older layout, with a cover tree) whose tree nests `depth` levels.
fn nested_dbscan_payload(depth: usize) -> Vec<u8> {
    let mut p = Vec::new();
    varint(2, &mut p); // NativeModel::Clusterer
    varint(1, &mut p); // Clusterer::Dbscan
    varint(1, &mut p); // one label
    varint(0, &mut p); // label 0 (zigzag)
    varint(1, &mut p); // one cluster
    varint(1, &mut p); // CoverTree
    p.extend_from_slice(&2.0f64.to_le_bytes());
    p.extend_from_slice(&1.0f64.to_le_bytes());
    for _ in 0..depth {
        varint(0, &mut p); // idx
        p.extend_from_slice(&0.0f64.to_le_bytes());
        p.extend_from_slice(&0.0f64.to_le_bytes());
        varint(1, &mut p); // one child
    }
    varint(0, &mut p);
    p.extend_from_slice(&0.0f64.to_le_bytes());
    p.extend_from_slice(&0.0f64.to_le_bytes());
    varint(0, &mut p); // no children
    for _ in 0..=depth {
        varint(0, &mut p); // scale, closing each level
    }
    varint(1, &mut p); // one row
    varint(2, &mut p);
    p.extend_from_slice(&5.0f64.to_le_bytes());
    p.extend_from_slice(&3.0f64.to_le_bytes());
    p.push(0); // identical_excluded
    p.extend_from_slice(&0.5f64.to_le_bytes());
    p
}

/// A payload nesting the cover tree 200k levels deep (a stack overflow for a recursive decoder
/// on the main thread) is read without crashing.
#[test]
fn deeply_nested_dbscan_payload_does_not_overflow_the_stack() {
    let dir = tempfile::tempdir().unwrap();
    let header = dbscan_on_iris(dir.path());
    let p = nested_dbscan_payload(200_000);
    let (code, stderr) = predict_with(dir.path(), "deep", &header, &p, "iris");
    assert_eq!(code, Some(0), "{stderr}");
}

/// Payloads up to 8 KiB are decoded on the main thread: nested as deep as that allows, one
/// still decodes with a main thread of 1 MiB of stack (an eighth of the usual), and so does a
/// payload of 128 KiB, which a decoder on the main thread would overflow.
#[test]
fn nested_payloads_decode_on_a_small_main_stack() {
    let dir = tempfile::tempdir().unwrap();
    let header = dbscan_on_iris(dir.path());
    for bytes in [8 << 10, 128 << 10] {
        let depth = (0..)
            .step_by(16)
            .find(|&d| nested_dbscan_payload(d + 16).len() > bytes)
            .unwrap();
        let path = dir.path().join(format!("nested-{bytes}.pgml"));
        std::fs::write(
            &path,
            model::encode(&header, &nested_dbscan_payload(depth)).unwrap(),
        )
        .unwrap();
        let (code, stderr) = run_limited(
            Command::new("sh")
                .args([
                    "-c",
                    r#"ulimit -s 1024 && exec "$0" predict --model "$1" --data "$2""#,
                ])
                .arg(assert_cmd::cargo::cargo_bin!("pgml-cli"))
                .arg(&path)
                .arg(repo("datasets/iris.csv")),
            Duration::from_secs(20),
        );
        assert_eq!(code, Some(0), "{bytes} bytes, {depth} levels: {stderr}");
    }
}

#[test]
fn a_model_from_dev_zero_is_refused_at_once() {
    let started = Instant::now();
    let (code, stderr) = run_limited(pgml().args(["info", "/dev/zero"]), Duration::from_secs(10));
    assert_eq!(code, Some(4), "{stderr}");
    assert!(stderr.contains("not a pgml-cli model file"), "{stderr}");
    assert!(started.elapsed() < Duration::from_secs(5));
}

/// Names in a header reach the terminal only escaped: in `info`, and in errors.
#[test]
fn header_strings_cannot_drive_the_terminal() {
    let dir = tempfile::tempdir().unwrap();
    let (mut header, payload) = trained(dir.path(), "linear", "regression", "diabetes", &[]);
    header.feature_names[0] = "age\u{1b}[2J\nforged: line".into();
    header.input = Pipeline::numeric(&header.feature_names);
    header.data.source = "\u{1b}]0;title\u{7}".into();
    let path = dir.path().join("escapes.pgml");
    std::fs::write(&path, model::encode(&header, &payload).unwrap()).unwrap();
    let out = pgml().arg("info").arg(&path).output().unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success());
    assert!(
        !stdout.contains('\u{1b}') && !stdout.contains('\u{7}'),
        "{stdout}"
    );
    assert!(!stdout.contains("\nforged"), "{stdout}");
    // predict needs the column, whose name the error shows escaped on one line.
    let (code, stderr) = predict_with(dir.path(), "escapes-predict", &header, &payload, "diabetes");
    assert_eq!(code, Some(3), "{stderr}");
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(!stderr.contains('\u{1b}'), "{stderr}");
}

/// Runs `args` on pgml-cli under a 2 GB address-space limit (an allocation beyond it fails at
/// once instead of swapping the machine), stdout discarded; returns (exit code, stderr).
fn run_bounded(args: &[&std::ffi::OsStr]) -> (Option<i32>, String) {
    let mut cmd = Command::new("sh");
    cmd.arg("-c")
        .arg("ulimit -v 2000000 && exec \"$0\" \"$@\"")
        .arg(pgml().get_program())
        .args(args);
    run_limited(&mut cmd, Duration::from_secs(60))
}

/// The messy random forest fixture (format 2: every column kind, target and ordinal encodings,
/// robust scaling) with its header edited, predicting `data`.
fn messy_forest_with(
    dir: &Path,
    name: &str,
    edit: impl FnOnce(&mut Header),
    data: &Path,
    command: &str,
) -> (Option<i32>, String) {
    let (mut header, payload) = model::read(&repo(
        "tests/fixtures/models/v2-messy-random_forest-classification.pgml",
    ))
    .unwrap();
    edit(&mut header);
    let path = dir.join(format!("{name}.pgml"));
    std::fs::write(&path, model::encode(&header, &payload).unwrap()).unwrap();
    let args: Vec<&std::ffi::OsStr> = match command {
        "info" => vec!["info".as_ref(), path.as_ref()],
        _ => vec![
            command.as_ref(),
            "--model".as_ref(),
            path.as_ref(),
            "--data".as_ref(),
            data.as_ref(),
        ],
    };
    run_bounded(&args)
}

fn step<'a>(header: &'a mut Header, name: &str) -> &'a mut pgml_cli::preprocess::Step {
    header
        .input
        .columns
        .iter_mut()
        .find(|s| s.name == name)
        .unwrap()
}

/// Statistics in a model file's preprocessing that no fit makes (a divisor of 1e-300, a
/// center or target mean of 1e300, a date fill no calendar holds, a category index out of
/// range) never reach a model as inf, NaN or 1e300, and never crash `info`: the file is refused
/// (exit 4), or the rows they would carry out of range are (exit 3, naming column and row).
#[test]
fn hostile_preprocessing_statistics() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let input = repo("tests/fixtures/models/v2-messy-random_forest-classification.input.csv");
    let (code, stderr) = messy_forest_with(d, "sane", |_| {}, &input, "predict");
    assert_eq!(code, Some(0), "{stderr}");
    type Edit = fn(&mut Header);
    let refused: Vec<(&str, Edit, &str)> = vec![
        (
            "huge-center",
            |h| step(h, "size").scaling[0].center = 1e300,
            "scaling that does not fit",
        ),
        (
            "negative-divisor",
            |h| step(h, "size").scaling[0].divisor = -1.0,
            "scaling that does not fit",
        ),
        (
            "date-fill",
            |h| step(h, "listed_on").fill = Some(1e15),
            "fill value out of range",
        ),
        (
            "target-mean",
            |h| step(h, "color").categories.as_mut().unwrap().target_means[0][0] = 1e300,
            "target means that do not fit",
        ),
    ];
    for (name, edit, why) in refused {
        let (code, stderr) = messy_forest_with(d, name, edit, &input, "predict");
        assert_eq!(code, Some(4), "{name}: {stderr}");
        assert_eq!(stderr.lines().count(), 1, "{name}: {stderr}");
        assert!(stderr.contains(why), "{name}: {stderr}");
    }
    // A divisor of 1e-300 is a spread a fit can make (of tiny values): the rows it carries
    // beyond 1e150 are refused, named, not predicted from inf.
    let (code, stderr) = messy_forest_with(
        d,
        "tiny-divisor",
        |h| step(h, "size").scaling[0].divisor = 1e-300,
        &input,
        "predict",
    );
    assert_eq!(code, Some(3), "{stderr}");
    assert!(
        stderr.contains("column 'size' row 1: 6.62 becomes 5.1")
            && stderr.contains("pgml-cli accepts magnitudes up to 1e150"),
        "{stderr}"
    );
    let (code, stderr) = messy_forest_with(
        d,
        "missing-as",
        |h| step(h, "zip").categories.as_mut().unwrap().missing_as = Some(99),
        &input,
        "info",
    );
    assert_eq!(code, Some(0), "{stderr}");
}

/// One-hot over 100,000 categories (a header of a few MB) on a forest, whose payload takes any
/// width: predict keeps to bounded memory by taking fewer rows at a time (it asked for 8192
/// rows of 100,000 features, 6.5 GB, at once and aborted).
#[test]
fn one_hot_over_many_categories_predicts_in_bounded_memory() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let input = repo("tests/fixtures/models/v2-messy-random_forest-classification.input.csv");
    let text = std::fs::read_to_string(&input).unwrap();
    let (head, rows) = text.split_once('\n').unwrap();
    let data = d.join("many.csv");
    let body: String = rows
        .lines()
        .cycle()
        .take(9000)
        .map(|l| format!("{l}\n"))
        .collect();
    std::fs::write(&data, format!("{head}\n{body}")).unwrap();
    let categories = 100_000;
    let wide = |h: &mut Header| {
        let at = h
            .feature_names
            .iter()
            .position(|f| f.starts_with("color"))
            .unwrap();
        let color = step(h, "color");
        let before = color.outputs.len();
        let c = color.categories.as_mut().unwrap();
        c.encoding = pgml_cli::preprocess::Encoding::OneHot;
        c.values = (0..categories).map(|i| Some(format!("c{i}"))).collect();
        c.target_means.clear();
        c.global_means.clear();
        color.scale = pgml_cli::preprocess::Scale::Preserve;
        color.scaling.clear();
        color.outputs = (0..categories).map(|i| format!("color=c{i}")).collect();
        let outputs = color.outputs.clone();
        h.feature_names.splice(at..at + before, outputs);
    };
    let started = Instant::now();
    let (code, stderr) = messy_forest_with(d, "one-hot-wide", wide, &data, "predict");
    assert_eq!(code, Some(0), "{stderr}");
    assert!(started.elapsed() < Duration::from_secs(30));
}

/// `score` refuses what `predict` refuses: finite coefficients whose sum overflows gave inf
/// metrics and exit 0.
#[test]
fn score_refuses_non_finite_predictions() {
    let dir = tempfile::tempdir().unwrap();
    let (linear, mut payload) = trained(dir.path(), "linear", "regression", "diabetes", &[]);
    assert_eq!(&payload[..6], &[0, 1, 0, 1, 10, 10]);
    payload[6 + 2 * 8..6 + 3 * 8].copy_from_slice(&1.7e308f64.to_le_bytes());
    let n = payload.len();
    payload[n - 8..].copy_from_slice(&1.7e308f64.to_le_bytes());
    let path = dir.path().join("huge.pgml");
    std::fs::write(&path, model::encode(&linear, &payload).unwrap()).unwrap();
    let (code, stderr) = run_limited(
        pgml()
            .args(["score", "--model"])
            .arg(&path)
            .arg("--data")
            .arg(repo("datasets/diabetes.csv")),
        Duration::from_secs(20),
    );
    assert_eq!(code, Some(4), "{stderr}");
    // One error line (after the warning that these are the training rows).
    let errors: Vec<&str> = stderr
        .lines()
        .filter(|l| !l.contains(": warning: "))
        .collect();
    assert_eq!(errors.len(), 1, "{stderr}");
    assert!(
        stderr.contains("huge.pgml: gives predictions that are not a finite number"),
        "{stderr}"
    );
}

/// A native k-means payload (pgml-cli's centers) claiming `rows` x `cols` centers and holding `values`.
fn kmeans_payload(rows: u64, cols: u64, values: &[f64]) -> Vec<u8> {
    let mut p = Vec::new();
    varint(2, &mut p); // NativeModel::Clusterer
    varint(2, &mut p); // Clusterer::KMeans
    p.push(1); // ndarray's serde format version
    varint(rows, &mut p);
    varint(cols, &mut p);
    varint(values.len() as u64, &mut p);
    values.iter().for_each(|v| p.extend(v.to_le_bytes()));
    p
}

#[test]
fn lying_kmeans_centers_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let (kmeans, real) = trained(
        d,
        "kmeans",
        "clustering",
        "iris",
        &[
            "--ignore",
            "target",
            "--hyperparams",
            r#"{"n_clusters": 2}"#,
        ],
    );
    // The hand-written layout is the real one.
    assert_eq!(real[..6], kmeans_payload(2, 4, &[0.0; 8])[..6]);
    let sane = kmeans_payload(2, 4, &[5.0, 3.0, 1.5, 0.2, 6.5, 3.0, 5.5, 2.0]);
    let (code, stderr) = predict_with(d, "sane", &kmeans, &sane, "iris");
    assert_eq!(code, Some(0), "{stderr}");
    let cases: Vec<(&str, Vec<u8>, &str)> = vec![
        ("narrow", kmeans_payload(2, 3, &[1.0; 6]), "width 3"),
        ("no-centers", kmeans_payload(0, 4, &[]), "0 centers"),
        (
            "short-data",
            kmeans_payload(2, 4, &[1.0; 7]),
            "cannot be decoded",
        ),
        (
            "nan",
            kmeans_payload(2, 4, &[1.0, 1.0, f64::NAN, 1.0, 2.0, 2.0, 2.0, 2.0]),
            "non-finite",
        ),
        (
            "huge-claim",
            kmeans_payload(u64::MAX / 8, 4, &[1.0; 8]),
            "cannot be decoded",
        ),
    ];
    for (name, payload, why) in cases {
        assert_refused(d, name, &kmeans, &payload, "iris", why);
    }
}
