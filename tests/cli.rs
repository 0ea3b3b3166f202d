//! Golden command-line cases: each `tests/cmd/*.toml` runs the binary and compares its exit code,
//! stdout and stderr with the file. Text compares exactly (`[..]` stands for any text within a
//! line, `[CWD]` for the case's working directory); numbers compare within the tolerance that
//! tests/common/golden.rs gives the name before them on their line, so that a golden passes on
//! every CPU (the static OpenBLAS picks its kernels by CPU, and their rounding differs).
//!
//! Bless after a deliberate change with `BLESS=1 cargo test --release --locked --test cli`, then
//! read the diff: lines that still match keep their golden text (elisions, and numbers within
//! tolerance, so blessing on another CPU changes nothing it need not).
//!
//! The case format is trycmd's (the keys used below); trycmd itself compares text exactly, and
//! its redactions can hide a number but not compare it within a tolerance.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use toml_edit::{DocumentMut, Item, Value};

#[path = "common/golden.rs"]
mod golden;

use golden::{compare, describe, line_matches};

/// Panics unless every key of `table` is one of `allowed` (an unsupported key would otherwise be
/// silently ignored, and the case would check less than it says).
fn only_keys(path: &Path, item: &Item, allowed: &[&str]) {
    let table = item
        .as_table_like()
        .unwrap_or_else(|| panic!("{}: expected a table", path.display()));
    for (key, _) in table.iter() {
        assert!(
            allowed.contains(&key),
            "{}: unsupported key '{key}' (supported: {allowed:?})",
            path.display()
        );
    }
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).unwrap();
        }
    }
}

/// Runs one case; returns what did not match (empty when all did). With `bless`, rewrites the
/// case file's status and outputs to what the binary did.
fn run_case(path: &Path, bless: bool) -> String {
    let text = std::fs::read_to_string(path).unwrap();
    let mut doc: DocumentMut = text
        .parse()
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let get = |key: &str, sub: &str| doc.get(key).and_then(|t| t.get(sub)).cloned();
    only_keys(
        path,
        doc.as_item(),
        &["bin", "args", "status", "env", "fs", "stdout", "stderr"],
    );
    only_keys(path, &doc["bin"], &["name"]);
    assert_eq!(
        get("bin", "name")
            .and_then(|v| v.as_str().map(str::to_owned))
            .as_deref(),
        Some("pgml-cli"),
        "{}",
        path.display()
    );
    let args: Vec<String> = doc["args"]
        .as_array()
        .unwrap_or_else(|| panic!("{}: args must be an array", path.display()))
        .iter()
        .map(|v| v.as_str().unwrap().to_string())
        .collect();
    only_keys(path, &doc["status"], &["code"]);
    let code = get("status", "code")
        .and_then(|v| v.as_integer())
        .unwrap_or_else(|| panic!("{}: status.code", path.display()));
    let mut env = Vec::new();
    if let Some(item) = doc.get("env") {
        only_keys(path, item, &["add"]);
        for (key, value) in item["add"].as_table_like().unwrap().iter() {
            env.push((key.to_string(), value.as_str().unwrap().to_string()));
        }
    }
    let dir = path.parent().unwrap();
    let fs = |key: &str| get("fs", key);
    if let Some(item) = doc.get("fs") {
        only_keys(path, item, &["cwd", "base", "sandbox"]);
    }
    let cwd = fs("cwd").map(|v| v.as_str().unwrap().to_string());
    let base = fs("base").map(|v| dir.join(v.as_str().unwrap()));
    let sandbox = fs("sandbox").and_then(|v| v.as_bool()).unwrap_or(false);
    // A sandbox is a copy of fs.base in a temporary directory, where the case may write files.
    let temp = sandbox.then(|| tempfile::tempdir().unwrap());
    let root = match (&temp, &base) {
        (Some(temp), Some(base)) => {
            copy_dir(base, temp.path());
            temp.path().to_path_buf()
        }
        (Some(_), None) => panic!("{}: fs.sandbox needs fs.base", path.display()),
        (None, Some(base)) => base.clone(),
        (None, None) => dir.to_path_buf(),
    };
    let cwd = match cwd {
        Some(cwd) => root.join(cwd),
        None => root,
    };
    let out = Command::new(env!("CARGO_BIN_EXE_pgml-cli"))
        .args(&args)
        .current_dir(&cwd)
        .envs(env)
        .stdin(Stdio::null())
        .output()
        .unwrap();
    let redact = |bytes: &[u8]| {
        let mut text = String::from_utf8_lossy(bytes).into_owned();
        for form in [cwd.canonicalize().unwrap(), cwd.clone()] {
            text = text.replace(&*form.to_string_lossy(), "[CWD]");
        }
        text
    };
    let mut report = String::new();
    let actual_code = out.status.code().map_or(-1, i64::from);
    if actual_code != code {
        report += &format!("  exit code {actual_code}, expected {code}\n");
        doc["status"]["code"] = toml_edit::value(actual_code);
    }
    for (key, bytes) in [("stdout", &out.stdout), ("stderr", &out.stderr)] {
        let expected = doc
            .get(key)
            .and_then(|v| v.as_str())
            .unwrap_or("")
            .to_string();
        let actual = redact(bytes);
        if let Some(blessed) = compare(&expected, &actual, &[]) {
            report += &describe(key, &expected, &actual, &[]);
            doc[key] = Item::Value(multiline(&blessed));
        }
    }
    if bless && !report.is_empty() {
        std::fs::write(path, doc.to_string()).unwrap();
    }
    report
}

/// A TOML string in the layout trycmd writes (`"""` and the text from the next line on).
fn multiline(text: &str) -> Value {
    if text.is_empty() {
        return Value::from("");
    }
    let escaped = text.replace('\\', "\\\\").replace("\"\"\"", "\"\"\\\"");
    let escaped = match escaped.strip_suffix('"') {
        Some(head) => format!("{head}\\\""),
        None => escaped,
    };
    let mut value: Value = format!("\"\"\"\n{escaped}\"\"\"").parse().unwrap();
    value.decor_mut().set_prefix(" ");
    value
}

#[test]
fn cli_cases() {
    let mut cases: Vec<PathBuf> = std::fs::read_dir("tests/cmd")
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "toml"))
        .collect();
    cases.sort();
    golden::run_all(&cases, "cases", "cli", run_case);
    assert!(cases.len() >= 50, "only {} cases found", cases.len());
}

/// The comparison itself: numbers within their metric's tolerance pass, anything else fails.
#[test]
fn golden_lines_compare_text_exactly_and_numbers_within_tolerance() {
    let pass = |e: &str, a: &str| assert!(line_matches(e, a, &[]), "{e:?} should match {a:?}");
    let fail = |e: &str, a: &str| assert!(!line_matches(e, a, &[]), "{e:?} should not match {a:?}");
    // Continuous metrics: 1e-4 relative, plus the last printed digit.
    pass("  log_loss      0.070190", "  log_loss      0.070195");
    fail("  log_loss      0.070190", "  log_loss      0.070210");
    pass(r#"    "r2": 0.5442750001,"#, r#"    "r2": 0.5442759,"#);
    fail(r#"    "r2": 0.544275,"#, r#"    "r2": 0.545,"#);
    // Counts of rows: exact.
    pass("  accuracy      0.971831", "  accuracy      0.971831");
    fail("  accuracy      0.971831", "  accuracy      0.971832");
    fail(r#"    "accuracy": 1.0,"#, r#"    "accuracy": 0.9,"#);
    fail(
        "  f1            0.971831  (key metric)",
        "  f1            0.971831  (key metrics)",
    );
    // Predictions and probabilities: 1e-6 relative.
    pass("202.43776451839913", "202.43776451839999");
    pass(
        r#"  {"0": 0.9704, "1": 0.0296}"#,
        r#"  {"0": 0.9705, "1": 0.0296}"#,
    );
    fail("152.2", "152.3");
    fail(
        r#"  {"0": 0.9704, "1": 0.0296}"#,
        r#"  {"1": 0.9704, "1": 0.0296}"#,
    );
    fail("202.4377", "202.4390");
    fail("-1.5", "1.5");
    // Integers, labels, versions, hashes and words compare exactly.
    fail("on 427 of 569 rows", "on 428 of 569 rows");
    fail("classes       0, 1, 2", "classes       0, 1, 3");
    fail("rust runtime: linfa 0.8.1", "rust runtime: linfa 0.8.2");
    fail("sha256:891d197b", "sha256:891d197c");
    fail("v1-iris", "v2-iris");
    fail("2026-01-01T00:00:00Z", "2026-01-02T00:00:00Z");
    fail("1", "1.001");
    pass("3", "3.0000000000000004");
    // Elisions.
    pass(
        "fit_time [..]s  score_time [..]s",
        "fit_time 0.004s  score_time 0.000s",
    );
    pass("a [..]", "a ");
    fail(
        "fit_time [..]s  score_time [..]s",
        "fit_time 0.004s  score_time 0.000",
    );
    fail("[..] rows", "150 columns");
}

#[test]
fn blessing_keeps_matching_golden_lines() {
    let golden = "x [..]\n  log_loss      0.070190\n  accuracy      0.5\n";
    let actual = "x 1.5s\n  log_loss      0.070191\n  accuracy      0.6\n";
    assert_eq!(
        compare(golden, actual, &[]).as_deref(),
        Some("x [..]\n  log_loss      0.070190\n  accuracy      0.6\n")
    );
    assert_eq!(
        compare(golden, golden.replace("[..]", "1").as_str(), &[]),
        None
    );
    for text in [
        "plain\n",
        "quotes \"\"\" and \\ backslash\n",
        "ends in a quote\"",
    ] {
        assert_eq!(multiline(text).as_str(), Some(text));
    }
}

/// The goldens elide package versions, so that upgrading a package does not break them; here
/// the versions `pgml-cli algorithms` prints must be those the environment really has, as the
/// modules themselves report them.
#[test]
fn algorithms_prints_the_environments_package_versions() {
    let out = Command::new(env!("CARGO_BIN_EXE_pgml-cli"))
        .arg("algorithms")
        .output()
        .unwrap();
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).unwrap();
    let (_, status) = text.split_once("\npython runtime: ").unwrap();
    let (env, packages) = status.split_once('\n').unwrap();
    let env = env.rsplit_once(" (").unwrap().0;
    let printed: Vec<&str> = packages.trim().split(", ").collect();
    let script = "import importlib, platform\n\
        print(f'python {platform.python_version()}')\n\
        for name, module in [('catboost', 'catboost'), ('lightgbm', 'lightgbm'), ('numpy', 'numpy'), \
        ('scikit-learn', 'sklearn'), ('scipy', 'scipy'), ('skops', 'skops'), ('xgboost', 'xgboost')]:\n    \
        print(name, importlib.import_module(module).__version__)";
    let real = Command::new(Path::new(env).join("bin/python"))
        .args(["-c", script])
        .output()
        .unwrap();
    assert!(
        real.status.success(),
        "{}",
        String::from_utf8_lossy(&real.stderr)
    );
    let mut real: Vec<String> = String::from_utf8(real.stdout)
        .unwrap()
        .lines()
        .map(str::to_owned)
        .collect();
    real.sort();
    assert_eq!(printed, real);
}
