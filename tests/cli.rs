//! Golden command-line cases: each `tests/cmd/*.toml` runs the binary and compares its exit code,
//! stdout and stderr with the file. Text compares exactly (`[..]` stands for any text within a
//! line, `[CWD]` for the case's working directory); numbers compare within the tolerance that
//! TOLERANCES gives the name before them on their line, so that a golden passes on every CPU
//! (the static OpenBLAS picks its kernels by CPU, and their rounding differs).
//!
//! Bless after a deliberate change with `BLESS=1 cargo test --release --locked --test cli`, then
//! read the diff: lines that still match keep their golden text (elisions, and numbers within
//! tolerance, so blessing on another CPU changes nothing it need not).
//!
//! The case format is trycmd's (the keys used below); trycmd itself compares text exactly, and
//! its redactions can hide a number but not compare it within a tolerance.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;

use toml_edit::{DocumentMut, Item, Value};

/// How far a number may be from its golden: `abs`, or `rel` times the golden, whichever is
/// larger; with `rounding`, plus one unit in the last digit when both sides print the same
/// number of decimals, at least 3 (fixed-precision output: reports print 6, `--precision N`),
/// where values that differ by 1e-15 can round to neighbouring printed values. Numbers without a
/// fraction or exponent on both sides (counts, seeds, class labels, cluster ids) compare
/// exactly, like text.
#[derive(Clone, Copy, Debug, PartialEq)]
struct Tolerance {
    abs: f64,
    rel: f64,
    rounding: bool,
}

/// Predictions, probabilities, components and anything not named below.
const DEFAULT: Tolerance = Tolerance {
    abs: 0.0,
    rel: 1e-6,
    rounding: true,
};

/// By the nearest name before the number on its line (`  log_loss   0.0702`, `"r2": 0.54`).
const TOLERANCES: &[(&[&str], Tolerance)] = &[
    // Ratios of row counts over the test set: the same predictions give the same bits on any
    // CPU, and another prediction on one row moves them by at least 1/rows: exact.
    (
        &[
            "accuracy",
            "precision",
            "precision_macro",
            "recall",
            "recall_macro",
            "f1",
            "f1_macro",
            "mcc",
        ],
        Tolerance {
            abs: 0.0,
            rel: 0.0,
            rounding: false,
        },
    ),
    // Computed from continuous outputs of fits that iterate to a stopping tolerance (logistic,
    // lasso/elastic net, SVM, k-means: 1e-4 or 1e-3 by default): two CPUs' fits may stop at
    // slightly different points. roc_auc ranks probabilities, so near-ties may swap.
    (
        &[
            "log_loss",
            "roc_auc",
            "r2",
            "mean_absolute_error",
            "mean_squared_error",
            "root_mean_squared_error",
            "silhouette",
            "cumulative_explained_variance",
        ],
        Tolerance {
            abs: 0.0,
            rel: 1e-4,
            rounding: true,
        },
    ),
];

fn tolerance(name: Option<&str>) -> Tolerance {
    name.and_then(|name| {
        TOLERANCES
            .iter()
            .find(|(names, _)| names.contains(&name))
            .map(|(_, t)| *t)
    })
    .unwrap_or(DEFAULT)
}

fn is_word(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_'
}

/// The number at the start of `s` (optional minus, digits, fraction, exponent): its length and
/// whether it is an integer. `prev` is the character before it: a number must not continue a
/// word (`x0`, `v1`) or a dotted version, nor run into one (`0.8.1`, `891d…`); such text
/// compares exactly.
fn number(s: &str, prev: Option<char>) -> Option<(usize, bool)> {
    if prev.is_some_and(|c| is_word(c) || c == '.' || c == '-') {
        return None;
    }
    let b = s.as_bytes();
    let digits = |mut i: usize| {
        let start = i;
        while i < b.len() && b[i].is_ascii_digit() {
            i += 1;
        }
        (i > start).then_some(i)
    };
    let mut i = usize::from(b.first() == Some(&b'-'));
    i = digits(i)?;
    let mut integer = true;
    if b.get(i) == Some(&b'.') {
        i = digits(i + 1)?;
        integer = false;
    }
    if matches!(b.get(i), Some(b'e' | b'E')) {
        let sign = usize::from(matches!(b.get(i + 1), Some(b'+' | b'-')));
        if let Some(end) = digits(i + 1 + sign) {
            i = end;
            integer = false;
        }
    }
    match s[i..].chars().next() {
        Some(c) if is_word(c) || c == '.' => None,
        _ => Some((i, integer)),
    }
}

/// Whether the golden number `e` and the actual `a` agree within `t`.
fn numbers_agree(e: &str, a: &str, e_integer: bool, a_integer: bool, t: Tolerance) -> bool {
    if e_integer && a_integer {
        return e == a;
    }
    let (Ok(x), Ok(y)) = (e.parse::<f64>(), a.parse::<f64>()) else {
        return false;
    };
    let decimals = |s: &str| match s.split_once('.') {
        Some((_, fraction)) if !s.contains(['e', 'E']) => Some(fraction.len() as i32),
        _ => None,
    };
    let unit = match (decimals(e), decimals(a)) {
        (Some(d), Some(d2)) if t.rounding && d == d2 && d >= 3 => 10f64.powi(-d) * (1.0 + 1e-9),
        _ => 0.0,
    };
    (x - y).abs() <= t.abs.max(t.rel * x.abs()) + unit
}

/// The last name (a word starting with a letter) in `text`: the metric a number belongs to.
fn last_name(text: &str) -> Option<&str> {
    text.split(|c: char| !is_word(c))
        .rfind(|w| w.starts_with(|c: char| c.is_ascii_alphabetic()))
}

/// Matches the golden text `part` (no elisions in it) against the start of `actual`; returns how
/// much of `actual` it covered. `before` is the golden line's text before `part`.
fn match_prefix(before: &str, part: &str, actual: &str) -> Option<usize> {
    let (mut i, mut j) = (0, 0);
    while i < part.len() {
        let prev = part[..i].chars().next_back().or(before.chars().next_back());
        if let Some((len, e_integer)) = number(&part[i..], prev) {
            let (a_len, a_integer) = number(&actual[j..], None)?;
            let name = last_name(&part[..i]).or_else(|| last_name(before));
            if !numbers_agree(
                &part[i..i + len],
                &actual[j..j + a_len],
                e_integer,
                a_integer,
                tolerance(name),
            ) {
                return None;
            }
            i += len;
            j += a_len;
        } else {
            let c = part[i..].chars().next()?;
            if !actual[j..].starts_with(c) {
                return None;
            }
            i += c.len_utf8();
            j += c.len_utf8();
        }
    }
    Some(j)
}

/// Whether one actual line matches one golden line (`[..]` matches any text, even none).
fn line_matches(expected: &str, actual: &str) -> bool {
    // Each part between elisions, with the golden text before it (for number boundaries/names).
    let mut parts = Vec::new();
    let mut offset = 0;
    for part in expected.split("[..]") {
        parts.push((&expected[..offset], part));
        offset += part.len() + "[..]".len();
    }
    let (before, first) = parts[0];
    match_prefix(before, first, actual).is_some_and(|n| elided_match(&parts[1..], &actual[n..]))
}

/// The parts after an elision: each may start anywhere in what is left (with backtracking).
fn elided_match(parts: &[(&str, &str)], actual: &str) -> bool {
    let Some(((before, part), rest)) = parts.split_first() else {
        return actual.is_empty();
    };
    (0..=actual.len())
        .filter(|&start| actual.is_char_boundary(start))
        .any(|start| {
            match_prefix(before, part, &actual[start..])
                .is_some_and(|n| elided_match(rest, &actual[start + n..]))
        })
}

/// Compares a golden output with the actual one, line by line. None when they match, else the
/// text to bless: the golden's lines where they still match (keeping their elisions), the
/// actual ones elsewhere, or all of the actual text when the line counts differ.
fn compare(expected: &str, actual: &str) -> Option<String> {
    let (e, a): (Vec<&str>, Vec<&str>) =
        (expected.split('\n').collect(), actual.split('\n').collect());
    if e.len() != a.len() {
        return Some(actual.to_string());
    }
    if e.iter().zip(&a).all(|(e, a)| line_matches(e, a)) {
        return None;
    }
    let lines: Vec<&str> = e
        .iter()
        .zip(&a)
        .map(|(e, a)| if line_matches(e, a) { *e } else { *a })
        .collect();
    Some(lines.join("\n"))
}

/// A readable difference: the lines that do not match, or both texts when the counts differ.
fn describe(what: &str, expected: &str, actual: &str) -> String {
    let (e, a): (Vec<&str>, Vec<&str>) =
        (expected.split('\n').collect(), actual.split('\n').collect());
    if e.len() != a.len() {
        return format!("  {what}: expected\n{expected}\n  {what}: actual\n{actual}\n");
    }
    let mut out = String::new();
    for (n, (e, a)) in e.iter().zip(&a).enumerate() {
        if !line_matches(e, a) {
            out += &format!("  {what} line {}:\n    - {e}\n    + {a}\n", n + 1);
        }
    }
    out
}

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
        if let Some(blessed) = compare(&expected, &actual) {
            report += &describe(key, &expected, &actual);
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
    let bless = std::env::var_os("BLESS").is_some_and(|v| v == "1");
    let mut cases: Vec<PathBuf> = std::fs::read_dir("tests/cmd")
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "toml"))
        .collect();
    cases.sort();
    let next = AtomicUsize::new(0);
    let failures = Mutex::new(Vec::new());
    let threads = std::thread::available_parallelism().map_or(2, |n| n.get());
    std::thread::scope(|s| {
        for _ in 0..threads {
            s.spawn(|| {
                while let Some(case) = cases.get(next.fetch_add(1, Ordering::Relaxed)) {
                    let report = run_case(case, bless);
                    if !report.is_empty() {
                        failures
                            .lock()
                            .unwrap()
                            .push(format!("{}:\n{report}", case.display()));
                    }
                }
            });
        }
    });
    let mut failures = failures.into_inner().unwrap();
    failures.sort();
    let verb = if bless { "blessed" } else { "failed" };
    assert!(
        failures.is_empty(),
        "{} of {} cases {verb}:\n{}\n(bless a deliberate change: BLESS=1 cargo test --release --locked --test cli)",
        failures.len(),
        cases.len(),
        failures.join("\n")
    );
    assert!(cases.len() >= 50, "only {} cases found", cases.len());
}

/// The comparison itself: numbers within their metric's tolerance pass, anything else fails.
#[test]
fn golden_lines_compare_text_exactly_and_numbers_within_tolerance() {
    let pass = |e: &str, a: &str| assert!(line_matches(e, a), "{e:?} should match {a:?}");
    let fail = |e: &str, a: &str| assert!(!line_matches(e, a), "{e:?} should not match {a:?}");
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
        compare(golden, actual).as_deref(),
        Some("x [..]\n  log_loss      0.070190\n  accuracy      0.6\n")
    );
    assert_eq!(compare(golden, golden.replace("[..]", "1").as_str()), None);
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
