//! Parquet input and output: the same data as Parquet (written by pyarrow from pandas) and as the
//! CSV pandas writes trains the same model and predicts the same values; `--output x.parquet`
//! reads back (with pyarrow) as the CSV output, typed; damaged files are one error line each.

mod common;

use std::path::{Path, PathBuf};
use std::process::Output;
use std::sync::OnceLock;

use common::{pgml, read_csv, repo};
use serde_json::Value;

/// Runs `script` with the project's Python (pyarrow, pandas) in `dir`.
fn python(dir: &Path, script: &str) -> String {
    let out = std::process::Command::new(repo(".venv/bin/python"))
        .arg("-c")
        .arg(script)
        .current_dir(dir)
        .output()
        .expect("the project's .venv (scripts/setup-python.sh) has pyarrow");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

/// The data every test reads, written once: `d.parquet` (several row groups) and `d.csv` from
/// one pandas frame with floats (f64 with NaN, f32), integers, decimals, booleans, text with
/// nulls, a categorical (a dictionary column), dates and timestamps; plus `odd.parquet` with a
/// binary and a list column.
fn data() -> &'static Path {
    static DIR: OnceLock<tempfile::TempDir> = OnceLock::new();
    DIR.get_or_init(|| {
        let dir = tempfile::tempdir().unwrap();
        python(
            dir.path(),
            r#"
import decimal
import numpy as np, pandas as pd, pyarrow as pa, pyarrow.parquet as pq
rng = np.random.default_rng(7)
n = 2000
df = pd.DataFrame({
    "x1": rng.normal(size=n),
    "x2": rng.normal(size=n).astype("float32"),
    "n": rng.integers(0, 100, size=n),
    "small": rng.integers(-5, 5, size=n).astype("int16"),
    "price": [decimal.Decimal(int(v)) / 100 for v in rng.integers(0, 100000, size=n)],
    "flag": rng.random(n) > 0.5,
    "color": rng.choice(["red", "green", "blue"], size=n).astype(object),
    "cat": pd.Categorical(rng.choice(["a", "b", "c"], size=n)),
    "day": pd.to_datetime("2024-01-01") + pd.to_timedelta(rng.integers(0, 365, size=n), unit="D"),
    "at": pd.to_datetime("2024-01-01") + pd.to_timedelta(rng.integers(0, 10**6, size=n), unit="s"),
})
df.loc[rng.random(n) < 0.1, "x1"] = np.nan
df.loc[rng.random(n) < 0.1, "color"] = None
df["y"] = (2 * df.x1.fillna(0) + df.x2 + 0.1 * df.n + df.flag + (df.color == "red")
           + df.price.astype(float) / 500 + rng.normal(size=n) * 0.1)
df["label"] = np.where(df.y > df.y.median(), "hi", "lo")
df["grade"] = (df.n // 34).astype("int64")
table = pa.Table.from_pandas(df, preserve_index=False)
assert pa.types.is_dictionary(table.schema.field("cat").type), table.schema
assert pa.types.is_decimal(table.schema.field("price").type), table.schema
pq.write_table(table, "d.parquet", row_group_size=300)
assert pq.ParquetFile("d.parquet").num_row_groups > 5
df.to_csv("d.csv", index=False)
odd = pa.table({
    "x": [1.0, 2.0, 3.0, 4.0],
    "blob": pa.array([b"a", b"b", b"c", b"d"], pa.binary()),
    "items": pa.array([[1], [2, 3], [], [4]], pa.list_(pa.int64())),
    "y": [1.0, 2.0, 3.0, 4.5],
})
pq.write_table(odd, "odd.parquet")
"#,
        );
        dir
    })
    .path()
}

fn ok(out: Output) -> Output {
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

const IMPUTE: &str = r#"{"x1": {"impute": "mean"}}"#;

/// Trains on `data` into `model` and returns the JSON report.
fn train(data: &Path, task: &str, target: &str, ignore: &str, model: &Path) -> Value {
    let out = ok(pgml()
        .args([
            "train",
            "--algorithm",
            "linear",
            "--task",
            task,
            "--target",
            target,
        ])
        .args([
            "--ignore",
            ignore,
            "--preprocess",
            IMPUTE,
            "--format",
            "json",
        ])
        .arg("--data")
        .arg(data)
        .arg("--output")
        .arg(model)
        .arg("--force")
        .output()
        .unwrap());
    serde_json::from_slice(&out.stdout).unwrap()
}

fn predict(model: &Path, data: &Path, output: &Path, flags: &[&str]) {
    ok(pgml()
        .args(["predict", "--model"])
        .arg(model)
        .arg("--data")
        .arg(data)
        .arg("--output")
        .arg(output)
        .args(flags)
        .output()
        .unwrap());
}

fn close(a: f64, b: f64, tolerance: f64) -> bool {
    (a - b).abs() <= tolerance * (1.0 + a.abs().max(b.abs()))
}

/// Two prediction CSVs: the same header, the same text cells, numbers equal within `tolerance`.
fn assert_same_csv(a: &Path, b: &Path, tolerance: f64) {
    let (header_a, rows_a) = read_csv(a);
    let (header_b, rows_b) = read_csv(b);
    assert_eq!(header_a, header_b);
    assert_eq!(rows_a.len(), rows_b.len());
    for (r, (ra, rb)) in rows_a.iter().zip(&rows_b).enumerate() {
        for (ca, cb) in ra.iter().zip(rb) {
            let same = match (ca.parse::<f64>(), cb.parse::<f64>()) {
                (Ok(x), Ok(y)) => close(x, y, tolerance),
                _ => ca == cb,
            };
            assert!(same, "row {}: {ca} vs {cb}", r + 1);
        }
    }
}

/// Same column kinds, the same metrics (the f32 column is read exactly from Parquet, from its
/// shortest decimal text from CSV: values differ by 1e-8 relative at most).
fn assert_same_model(parquet: &Value, csv: &Value) {
    let kinds = |report: &Value| -> Vec<(String, String)> {
        report["input"]["columns"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| (c["name"].to_string(), c["kind"].to_string()))
            .collect()
    };
    assert_eq!(kinds(parquet), kinds(csv));
    assert_eq!(parquet["feature_names"], csv["feature_names"]);
    assert_eq!(parquet["classes"], csv["classes"]);
    assert_eq!(parquet["data"]["rows"], csv["data"]["rows"]);
    let metrics = csv["metrics"].as_object().unwrap();
    assert!(metrics.len() > 3, "{metrics:?}");
    for (name, value) in metrics {
        if name.ends_with("_time") {
            continue;
        }
        let (p, c) = (
            parquet["metrics"][name].as_f64().unwrap(),
            value.as_f64().unwrap(),
        );
        assert!(close(p, c, 1e-6), "{name}: {p} from Parquet, {c} from CSV");
    }
}

#[test]
fn regression_from_parquet_equals_regression_from_csv() {
    let dir = tempfile::tempdir().unwrap();
    let (pq, csv) = (data().join("d.parquet"), data().join("d.csv"));
    let (pm, cm) = (dir.path().join("p.pgml"), dir.path().join("c.pgml"));
    let from_parquet = train(&pq, "regression", "y", "label,grade", &pm);
    let from_csv = train(&csv, "regression", "y", "label,grade", &cm);
    assert_same_model(&from_parquet, &from_csv);
    let kinds: Vec<String> = from_parquet["input"]["columns"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            format!(
                "{}={}",
                c["name"].as_str().unwrap(),
                c["kind"].as_str().unwrap()
            )
        })
        .collect();
    assert_eq!(
        kinds,
        [
            "x1=number",
            "x2=number",
            "n=number",
            "small=number",
            "price=number",
            "flag=boolean",
            "color=categorical",
            "cat=categorical",
            "day=date",
            "at=timestamp"
        ]
    );
    // Either model on either file: the same predictions, the kept text column as it was.
    let out = |name: &str| dir.path().join(name);
    predict(&cm, &pq, &out("cp.csv"), &["--keep", "color"]);
    predict(&cm, &csv, &out("cc.csv"), &["--keep", "color"]);
    predict(&pm, &pq, &out("pp.csv"), &["--keep", "color"]);
    assert_same_csv(&out("cp.csv"), &out("cc.csv"), 1e-6);
    assert_same_csv(&out("pp.csv"), &out("cc.csv"), 1e-6);
    assert_eq!(read_csv(&out("cc.csv")).1.len(), 2000);
    // score and --test-data take Parquet too.
    let score = ok(pgml()
        .args(["score", "--format", "json", "--model"])
        .arg(&cm)
        .arg("--data")
        .arg(&pq)
        .output()
        .unwrap());
    let score: Value = serde_json::from_slice(&score.stdout).unwrap();
    assert!(score["metrics"]["r2"].as_f64().unwrap() > 0.9, "{score}");
    ok(pgml()
        .args([
            "train",
            "-q",
            "--algorithm",
            "linear",
            "--task",
            "regression",
        ])
        .args([
            "--target",
            "y",
            "--ignore",
            "label,grade",
            "--preprocess",
            IMPUTE,
        ])
        .arg("--data")
        .arg(&csv)
        .arg("--test-data")
        .arg(&pq)
        .arg("--output")
        .arg(out("t.pgml"))
        .output()
        .unwrap());
}

#[test]
fn classification_from_parquet_equals_classification_from_csv() {
    let dir = tempfile::tempdir().unwrap();
    let (pq, csv) = (data().join("d.parquet"), data().join("d.csv"));
    // Without the f32 column: an iterative fit can move a row across the boundary for a 1e-8
    // difference in one value (read exactly from Parquet, from its shortest text from CSV).
    for (target, ignore) in [("label", "y,grade,x2"), ("grade", "y,label,x2")] {
        let (pm, cm) = (dir.path().join("p.pgml"), dir.path().join("c.pgml"));
        let from_parquet = train(&pq, "classification", target, ignore, &pm);
        let from_csv = train(&csv, "classification", target, ignore, &cm);
        assert_same_model(&from_parquet, &from_csv);
        let (p, c) = (dir.path().join("p.csv"), dir.path().join("c.csv"));
        predict(&pm, &pq, &p, &[]);
        predict(&cm, &csv, &c, &[]);
        assert_same_csv(&p, &c, 0.0);
    }
}

/// `--output x.parquet` holds what the CSV output holds, typed: kept columns as text,
/// predictions and probabilities as float64, text labels as strings, integer labels as int64.
#[test]
fn parquet_output_reads_back_as_the_csv_output() {
    let dir = tempfile::tempdir().unwrap();
    let pq = data().join("d.parquet");
    let path = |name: &str| dir.path().join(name);
    train(&pq, "regression", "y", "label,grade", &path("r.pgml"));
    train(&pq, "classification", "label", "y,grade", &path("l.pgml"));
    train(&pq, "classification", "grade", "y,label", &path("g.pgml"));
    let runs: [(&str, &[&str]); 4] = [
        ("r", &["--keep", "color,n"]),
        ("l", &["--keep", "color"]),
        ("l", &["--proba"]),
        ("g", &[]),
    ];
    let mut script = String::from("import pyarrow.parquet as pq\n");
    for (i, (model, flags)) in runs.iter().enumerate() {
        let model = path(&format!("{model}.pgml"));
        predict(&model, &pq, &path(&format!("{i}.csv")), flags);
        predict(&model, &pq, &path(&format!("{i}.parquet")), flags);
        script.push_str(&format!(
            "t = pq.read_table('{i}.parquet')\n\
             print(' '.join(f'{{f.name}}:{{f.type}}' for f in t.schema))\n\
             t.to_pandas().to_csv('{i}.back.csv', index=False, float_format='%.17g')\n"
        ));
    }
    let schemas = python(dir.path(), &script);
    assert_eq!(
        schemas.lines().collect::<Vec<_>>(),
        [
            "color:string n:string y:double",
            "color:string label:string",
            "hi:double lo:double",
            "grade:int64"
        ]
    );
    for i in 0..runs.len() {
        assert_same_csv(
            &path(&format!("{i}.back.csv")),
            &path(&format!("{i}.csv")),
            1e-15,
        );
    }
    // Several row groups' worth of rows, and an empty output still a readable file.
    let empty = path("empty.parquet");
    python(
        dir.path(),
        "import pyarrow.parquet as pq\n\
         t = pq.read_table(r'DATA').slice(0, 0)\n\
         pq.write_table(t, 'none.parquet')"
            .replace("DATA", pq.to_str().unwrap())
            .as_str(),
    );
    predict(&path("l.pgml"), &path("none.parquet"), &empty, &[]);
    let read = python(
        dir.path(),
        "import pyarrow.parquet as pq; t = pq.read_table('empty.parquet'); print(t.num_rows, t.schema.field('label').type)",
    );
    assert_eq!(read.trim(), "0 string");
}

/// A Parquet file is known by its magic too, whatever its name.
#[test]
fn parquet_is_recognized_without_its_extension() {
    let dir = tempfile::tempdir().unwrap();
    let renamed = dir.path().join("export.dat");
    std::fs::copy(data().join("d.parquet"), &renamed).unwrap();
    let report = train(
        &renamed,
        "regression",
        "y",
        "label,grade",
        &dir.path().join("m.pgml"),
    );
    assert_eq!(report["data"]["rows"], 2000);
}

/// One line on stderr, naming `name`, and exit code `code`.
fn assert_refused(out: &Output, code: i32, name: &str, says: &str) {
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(code), "{stderr}");
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(
        stderr.starts_with("pgml-cli: error: ") && stderr.contains(name) && stderr.contains(says),
        "{stderr}"
    );
}

fn train_on(data: &Path, target: &str) -> Output {
    pgml()
        .args([
            "train",
            "-q",
            "--algorithm",
            "linear",
            "--task",
            "regression",
        ])
        .args(["--target", target, "--preprocess", IMPUTE, "--data"])
        .arg(data)
        .arg("--output")
        .arg(data.with_extension("pgml"))
        .arg("--force")
        .output()
        .unwrap()
}

#[test]
fn columns_of_other_types_are_refused_by_name_and_type() {
    let odd = data().join("odd.parquet");
    let out = train_on(&odd, "y");
    assert_refused(&out, 3, "odd.parquet", "column 'blob' has type Binary");
    let out = pgml()
        .args([
            "train",
            "-q",
            "--algorithm",
            "linear",
            "--task",
            "regression",
        ])
        .args(["--target", "y", "--ignore", "blob", "--data"])
        .arg(&odd)
        .arg("--output")
        .arg(odd.with_extension("pgml"))
        .output()
        .unwrap();
    assert_refused(&out, 3, "odd.parquet", "column 'items' has type List");
    // Left out, they are never read.
    let out = pgml()
        .args([
            "train",
            "-q",
            "--algorithm",
            "linear",
            "--task",
            "regression",
        ])
        .args(["--target", "y", "--features", "x", "--data"])
        .arg(&odd)
        .arg("--output")
        .arg(odd.with_extension("pgml"))
        .arg("--force")
        .output()
        .unwrap();
    ok(out);
    let out = train_on(&data().join("d.parquet"), "nope");
    assert_refused(
        &out,
        3,
        "d.parquet",
        "no column 'nope' (columns: x1, x2, n,",
    );
}

/// Cut, disguised, with a footer claiming gigabytes, or with bytes flipped anywhere: each is
/// one error line (exit 3), never a panic, an abort or a huge allocation.
#[test]
fn damaged_files_are_one_error_line() {
    let dir = tempfile::tempdir().unwrap();
    let good = std::fs::read(data().join("d.parquet")).unwrap();
    let write = |name: &str, bytes: &[u8]| -> PathBuf {
        let path = dir.path().join(name);
        std::fs::write(&path, bytes).unwrap();
        path
    };
    let cut = write("cut.parquet", &good[..good.len() / 2]);
    assert_refused(
        &train_on(&cut, "y"),
        3,
        "cut.parquet",
        "is not a readable Parquet file",
    );
    let csv = write("fake.parquet", b"y,x\n1,2\n3,4\n");
    assert_refused(
        &train_on(&csv, "y"),
        3,
        "fake.parquet",
        "is not a readable Parquet file",
    );
    let empty = write("empty.parquet", b"");
    assert_refused(
        &train_on(&empty, "y"),
        3,
        "empty.parquet",
        "is not a readable Parquet file",
    );
    // The footer's length (the 4 bytes before the closing magic) claims 2 GiB.
    let mut huge = good.clone();
    let at = huge.len() - 8;
    huge[at..at + 4].copy_from_slice(&0x7fff_ffffu32.to_le_bytes());
    let huge = write("huge.parquet", &huge);
    assert_refused(
        &train_on(&huge, "y"),
        3,
        "huge.parquet",
        "is not a readable Parquet file",
    );
    // Flipped bytes over the whole file (pages, page headers, the footer): an error line or,
    // where the flip lands in a value, a model; never a crash.
    let mut flips = 0;
    for k in 1..=48usize {
        let mut bad = good.clone();
        let at = if k <= 32 {
            k * (good.len() - 8) / 33
        } else {
            good.len() - 8 - (k - 32) * 97 % 1500
        };
        bad[at] ^= 0x5a;
        bad[at / 2] = bad[at / 2].wrapping_add(0x80);
        let path = write(&format!("flip{k}.parquet"), &bad);
        let out = train_on(&path, "y");
        let stderr = String::from_utf8_lossy(&out.stderr);
        match out.status.code() {
            Some(0) => {}
            Some(3 | 5) => {
                flips += 1;
                assert_eq!(stderr.lines().count(), 1, "flip at {at}: {stderr}");
                assert!(stderr.starts_with("pgml-cli: error: "), "{stderr}");
            }
            other => panic!("flip at {at}: exit {other:?}: {stderr}"),
        }
    }
    assert!(flips > 10, "only {flips} of 48 damaged files were refused");
}

/// Found by review: files that expand out of proportion (a dictionary of two 20 MB strings on
/// 400 rows took 7.9 GiB), a footer byte that changes a column's type (an index panic), and a
/// FIFO named `.parquet` (blocked forever) are each one error line at once.
#[test]
fn bombs_damaged_types_and_fifos_are_refused_at_once() {
    let dir = tempfile::tempdir().unwrap();
    python(
        dir.path(),
        r#"
import numpy as np, pyarrow as pa, pyarrow.parquet as pq
n = 400
y = pa.DictionaryArray.from_arrays(pa.array(np.arange(n) % 2, pa.int32()), pa.array(["A" * 20_000_000, "B" * 20_000_000]))
pq.write_table(pa.table({"x": np.arange(n, dtype="float64"), "y": y}), "bomb.parquet", compression="zstd")
"#,
    );
    let bomb = dir.path().join("bomb.parquet");
    assert!(std::fs::metadata(&bomb).unwrap().len() < 100_000);
    for args in [
        vec!["train", "--task", "classification", "--target", "y"],
        vec![
            "train",
            "--task",
            "regression",
            "--target",
            "x",
            "--categorical",
            "y",
        ],
    ] {
        let out = pgml()
            .args(&args)
            .arg("--data")
            .arg(&bomb)
            .arg("-o")
            .arg(dir.path().join("m.pgml"))
            .output()
            .unwrap();
        assert_refused(&out, 3, "bomb.parquet", "refused as a decompression bomb");
    }
    // Rows of repeated values: a few MB that would be 4.8 GB in memory.
    python(
        dir.path(),
        r#"
import numpy as np, pyarrow as pa, pyarrow.parquet as pq
table = pa.table({"x": np.zeros(1_000_000), "y": np.zeros(1_000_000)})
with pq.ParquetWriter("rows.parquet", table.schema) as writer:
    for _ in range(300):
        writer.write_table(table)
"#,
    );
    let rows = dir.path().join("rows.parquet");
    assert!(std::fs::metadata(&rows).unwrap().len() < 50_000_000);
    assert_refused(
        &train_on(&rows, "y"),
        3,
        "rows.parquet",
        "holds 300000000 rows of 2 columns, 4 GiB in memory",
    );
    let flipped = repo("tests/fixtures/parquet/footer-type-flipped.parquet");
    assert_refused(
        &train_on(&flipped, "y"),
        3,
        "footer-type-flipped.parquet",
        "do not have the types its footer gives",
    );
    let fifo = dir.path().join("fifo.parquet");
    let made = std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .unwrap();
    assert!(made.success());
    assert_refused(
        &train_on(&fifo, "y"),
        3,
        "fifo.parquet",
        "is not a regular file",
    );
}
