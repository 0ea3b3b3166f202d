//! Files as users have them: other delimiters, decimal commas, gzip and zstd (from a file and
//! from stdin), and the output format picked by the --output extension.

mod common;

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Output, Stdio};

use common::{pgml, read_csv, repo};

fn ok(out: Output) -> Output {
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

/// Trains `linear` regression on `data` (extra flags in `flags`) into `model`.
fn train(data: &Path, target: &str, flags: &[&str], model: &Path) -> Output {
    pgml()
        .args([
            "train",
            "-q",
            "--task",
            "regression",
            "--target",
            target,
            "--data",
        ])
        .arg(data)
        .args(flags)
        .arg("-o")
        .arg(model)
        .arg("--force")
        .output()
        .unwrap()
}

/// Predictions for `data` (`-`: `stdin`) as printed on stdout.
fn predict(model: &Path, data: &Path, flags: &[&str], stdin: Option<&[u8]>) -> Output {
    let mut child = pgml()
        .args(["predict", "--model"])
        .arg(model)
        .arg("--data")
        .arg(data)
        .args(flags)
        .stdin(if stdin.is_some() {
            Stdio::piped()
        } else {
            Stdio::null()
        })
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    if let Some(bytes) = stdin {
        child.stdin.take().unwrap().write_all(bytes).unwrap();
    }
    child.wait_with_output().unwrap()
}

fn gzip(bytes: &[u8]) -> Vec<u8> {
    let mut out = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    out.write_all(bytes).unwrap();
    out.finish().unwrap()
}

fn write(dir: &Path, name: &str, bytes: &[u8]) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, bytes).unwrap();
    path
}

/// The European fixture (semicolons, decimal commas) trains and predicts like the same data
/// written the usual way.
#[test]
fn semicolons_and_decimal_commas_train_and_predict() {
    let dir = tempfile::tempdir().unwrap();
    let european = repo("tests/fixtures/dialects/european.csv");
    let text = std::fs::read_to_string(&european).unwrap();
    let plain = write(
        dir.path(),
        "plain.csv",
        text.replace(',', ".").replace(';', ",").as_bytes(),
    );
    let flags = ["--delimiter", ";", "--decimal-comma"];
    let (m_eu, m_plain) = (dir.path().join("eu.pgml"), dir.path().join("plain.pgml"));
    ok(train(&european, "y", &flags, &m_eu));
    ok(train(&plain, "y", &[], &m_plain));
    let expected = ok(predict(&m_plain, &plain, &[], None)).stdout;
    assert_eq!(expected.iter().filter(|&&b| b == b'\n').count(), 13);
    assert_eq!(ok(predict(&m_eu, &plain, &[], None)).stdout, expected);
    assert_eq!(ok(predict(&m_eu, &european, &flags, None)).stdout, expected);
    // The model does not keep the dialect: the European file without the flags is refused
    // with the hint.
    let out = predict(&m_eu, &european, &[], None);
    assert_eq!(out.status.code(), Some(3));
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(
        stderr.ends_with(
            "(the header is one column 'a;b;y': is the delimiter ';'? try --delimiter ';')\n"
        ),
        "{stderr}"
    );
    assert_eq!(stderr.lines().count(), 1);
}

/// A .tsv file is tab-separated with no flag, and gives the model the .csv gives.
#[test]
fn a_tsv_file_trains_with_no_flag() {
    let dir = tempfile::tempdir().unwrap();
    let (m_tsv, m_csv) = (dir.path().join("tsv.pgml"), dir.path().join("csv.pgml"));
    let small = repo("tests/fixtures/small.csv");
    ok(train(
        &repo("tests/fixtures/dialects/small.tsv"),
        "y",
        &["--test-size", "0"],
        &m_tsv,
    ));
    ok(train(&small, "y", &["--test-size", "0"], &m_csv));
    let expected = ok(predict(&m_csv, &small, &[], None)).stdout;
    assert_eq!(ok(predict(&m_tsv, &small, &[], None)).stdout, expected);
}

/// The same CSV gzip'd and zstd'd trains the same model and predicts the same, from a file
/// (whatever its name) and from stdin.
#[test]
fn gzip_and_zstd_inputs_read_like_the_plain_file() {
    let dir = tempfile::tempdir().unwrap();
    let plain = repo("datasets/diabetes.csv");
    let text = std::fs::read(&plain).unwrap();
    let gz = gzip(&text);
    let zst = zstd::encode_all(&text[..], 3).unwrap();
    let model = dir.path().join("plain.pgml");
    ok(train(&plain, "target", &[], &model));
    let expected = ok(predict(&model, &plain, &[], None)).stdout;
    assert_eq!(expected.iter().filter(|&&b| b == b'\n').count(), 443);
    for (name, bytes) in [
        ("d.csv.gz", &gz),
        ("d.csv.zst", &zst),
        ("no-extension", &gz),
        ("d.csv", &zst),
    ] {
        let path = write(dir.path(), name, bytes);
        let trained = dir.path().join(format!("{name}.pgml"));
        ok(train(&path, "target", &[], &trained));
        assert_eq!(
            ok(predict(&trained, &plain, &[], None)).stdout,
            expected,
            "{name}"
        );
        assert_eq!(
            ok(predict(&model, &path, &[], None)).stdout,
            expected,
            "{name}"
        );
        let from_stdin = ok(predict(&model, Path::new("-"), &[], Some(bytes))).stdout;
        assert_eq!(from_stdin, expected, "{name} on stdin");
    }
    // The model trained on d.csv.gz has the default name d-linear.pgml, not d.csv-linear.pgml.
    let path = write(dir.path(), "d.csv.gz", &gz);
    ok(pgml()
        .current_dir(dir.path())
        .args([
            "train",
            "-q",
            "--task",
            "regression",
            "--target",
            "target",
            "--data",
        ])
        .arg(&path)
        .output()
        .unwrap());
    assert!(dir.path().join("d-linear.pgml").is_file());
}

/// A cut-short or corrupt compressed file is one error line naming it, exit 3.
#[test]
fn truncated_compressed_input_is_a_data_error() {
    let dir = tempfile::tempdir().unwrap();
    let text = std::fs::read(repo("datasets/diabetes.csv")).unwrap();
    let gz = gzip(&text);
    let zst = zstd::encode_all(&text[..], 3).unwrap();
    let model = dir.path().join("m.pgml");
    for (name, bytes, format) in [
        ("cut.csv.gz", &gz[..gz.len() / 2], "gzip"),
        ("cut.csv.zst", &zst[..zst.len() / 2], "zstd"),
        ("header.csv.gz", &gz[..12], "gzip"),
    ] {
        let path = write(dir.path(), name, bytes);
        let out = train(&path, "target", &[], &model);
        assert_eq!(out.status.code(), Some(3), "{name}");
        let stderr = String::from_utf8(out.stderr).unwrap();
        let prefix = format!(
            "pgml-cli: error: {}: is not valid {format} data: corrupt or cut short (",
            path.display()
        );
        assert!(stderr.starts_with(&prefix), "{stderr}");
        assert_eq!(stderr.lines().count(), 1, "{stderr}");
    }
    assert!(!model.exists());
}

#[test]
fn a_delimiter_of_two_characters_is_a_usage_error() {
    let dir = tempfile::tempdir().unwrap();
    let model = dir.path().join("m.pgml");
    let out = train(
        &repo("tests/fixtures/small.csv"),
        "y",
        &["--delimiter", "ab"],
        &model,
    );
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        String::from_utf8(out.stderr).unwrap(),
        "pgml-cli: error: --delimiter 'ab' is not one ASCII character (write a tab as 'tab' or '\\t')\n"
    );
}

/// `--output p.json` writes JSON, `.npy` NPY, `.tsv` tab-separated CSV, anything else CSV; an
/// explicit --format wins.
#[test]
fn the_output_extension_picks_the_format() {
    let dir = tempfile::tempdir().unwrap();
    let small = repo("tests/fixtures/small.csv");
    let model = dir.path().join("m.pgml");
    ok(train(&small, "y", &["--test-size", "0"], &model));
    let csv = ok(predict(&model, &small, &[], None)).stdout;
    let csv = String::from_utf8(csv).unwrap();
    let written = |name: &str, flags: &[&str]| {
        let path = dir.path().join(name);
        let mut all = vec!["-o", path.to_str().unwrap()];
        all.extend(flags);
        ok(predict(&model, &small, &all, None));
        std::fs::read(path).unwrap()
    };
    let json: serde_json::Value = serde_json::from_slice(&written("p.json", &[])).unwrap();
    assert_eq!(json.as_array().map(Vec::len), Some(4));
    assert!(json[0]["y"].is_number(), "{json}");
    let npy = written("p.npy", &[]);
    assert!(npy.starts_with(b"\x93NUMPY"), "{npy:?}");
    assert_eq!(written("p.tsv", &[]), csv.replace(',', "\t").as_bytes());
    assert_eq!(written("p.txt", &[]), csv.as_bytes());
    assert_eq!(written("P.JSON", &["--format", "csv"]), csv.as_bytes());
    assert_eq!(read_csv(&dir.path().join("p.txt")).1.len(), 4);
}

/// Compressed NPY files are read too (`X.npy.gz`, `y.npy.zst`), as the plain ones.
#[test]
fn compressed_npy_inputs_train_as_the_plain_ones() {
    use ndarray_npy::WriteNpyExt;
    let dir = tempfile::tempdir().unwrap();
    let x = ndarray::Array2::from_shape_fn((20, 2), |(i, j)| (i * (j + 1)) as f64 + 0.5 * j as f64);
    let y = ndarray::Array1::from_shape_fn(20, |i| 3.0 * i as f64 + 1.0 + (i % 3) as f64);
    let (mut x_bytes, mut y_bytes) = (Vec::new(), Vec::new());
    x.write_npy(&mut x_bytes).unwrap();
    y.write_npy(&mut y_bytes).unwrap();
    let x_plain = write(dir.path(), "X.npy", &x_bytes);
    let y_plain = write(dir.path(), "y.npy", &y_bytes);
    let x_gz = write(dir.path(), "X.npy.gz", &gzip(&x_bytes));
    let y_zst = write(
        dir.path(),
        "y.npy.zst",
        &zstd::encode_all(&y_bytes[..], 3).unwrap(),
    );
    let train_npy = |x: &Path, y: &Path, model: &Path| {
        ok(pgml()
            .args(["train", "-q", "--task", "regression", "--data"])
            .arg(x)
            .arg("--labels")
            .arg(y)
            .arg("-o")
            .arg(model)
            .output()
            .unwrap())
    };
    let (plain, packed) = (
        dir.path().join("plain.pgml"),
        dir.path().join("packed.pgml"),
    );
    train_npy(&x_plain, &y_plain, &plain);
    train_npy(&x_gz, &y_zst, &packed);
    let expected = ok(predict(&plain, &x_plain, &[], None)).stdout;
    assert_eq!(expected.iter().filter(|&&b| b == b'\n').count(), 21);
    assert_eq!(ok(predict(&packed, &x_gz, &[], None)).stdout, expected);
}
