//! Golden text comparison shared by the golden-file tests (tests/cli.rs, tests/pgml_1_0.rs):
//! text compares exactly (`[..]` stands for any text within a line), numbers within the
//! tolerance that TOLERANCES gives the name before them on their line, so that a golden passes on
//! every CPU (the static OpenBLAS picks its kernels by CPU, and their rounding differs).

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
fn match_prefix(before: &str, part: &str, actual: &str, widen: &[(&str, f64)]) -> Option<usize> {
    let (mut i, mut j) = (0, 0);
    while i < part.len() {
        let prev = part[..i].chars().next_back().or(before.chars().next_back());
        if let Some((len, e_integer)) = number(&part[i..], prev) {
            let (a_len, a_integer) = number(&actual[j..], None)?;
            let name = last_name(&part[..i]).or_else(|| last_name(before));
            let mut t = tolerance(name);
            for &(widened, rel) in widen {
                if widened.is_empty() || Some(widened) == name {
                    t.rel = t.rel.max(rel);
                }
            }
            if !numbers_agree(
                &part[i..i + len],
                &actual[j..j + a_len],
                e_integer,
                a_integer,
                t,
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

/// Whether one actual line matches one golden line (`[..]` matches any text, even none). `widen`
/// raises relative tolerances: `(name, rel)` for numbers after that name, `("", rel)` for all.
pub fn line_matches(expected: &str, actual: &str, widen: &[(&str, f64)]) -> bool {
    // Each part between elisions, with the golden text before it (for number boundaries/names).
    let mut parts = Vec::new();
    let mut offset = 0;
    for part in expected.split("[..]") {
        parts.push((&expected[..offset], part));
        offset += part.len() + "[..]".len();
    }
    let (before, first) = parts[0];
    match_prefix(before, first, actual, widen)
        .is_some_and(|n| elided_match(&parts[1..], &actual[n..], widen))
}

/// The parts after an elision: each may start anywhere in what is left (with backtracking).
fn elided_match(parts: &[(&str, &str)], actual: &str, widen: &[(&str, f64)]) -> bool {
    let Some(((before, part), rest)) = parts.split_first() else {
        return actual.is_empty();
    };
    (0..=actual.len())
        .filter(|&start| actual.is_char_boundary(start))
        .any(|start| {
            match_prefix(before, part, &actual[start..], widen)
                .is_some_and(|n| elided_match(rest, &actual[start + n..], widen))
        })
}

/// Compares a golden output with the actual one, line by line. None when they match, else the
/// text to bless: the golden's lines where they still match (keeping their elisions), the
/// actual ones elsewhere, or all of the actual text when the line counts differ.
pub fn compare(expected: &str, actual: &str, widen: &[(&str, f64)]) -> Option<String> {
    let (e, a): (Vec<&str>, Vec<&str>) =
        (expected.split('\n').collect(), actual.split('\n').collect());
    if e.len() != a.len() {
        return Some(actual.to_string());
    }
    if e.iter().zip(&a).all(|(e, a)| line_matches(e, a, widen)) {
        return None;
    }
    let lines: Vec<&str> = e
        .iter()
        .zip(&a)
        .map(|(e, a)| if line_matches(e, a, widen) { *e } else { *a })
        .collect();
    Some(lines.join("\n"))
}

/// A readable difference: the lines that do not match, or both texts when the counts differ.
pub fn describe(what: &str, expected: &str, actual: &str, widen: &[(&str, f64)]) -> String {
    let (e, a): (Vec<&str>, Vec<&str>) =
        (expected.split('\n').collect(), actual.split('\n').collect());
    if e.len() != a.len() {
        return format!("  {what}: expected\n{expected}\n  {what}: actual\n{actual}\n");
    }
    let mut out = String::new();
    for (n, (e, a)) in e.iter().zip(&a).enumerate() {
        if !line_matches(e, a, widen) {
            out += &format!("  {what} line {}:\n    - {e}\n    + {a}\n", n + 1);
        }
    }
    out
}

/// Runs every golden file, on every core, with `run(file, bless)` returning what did not match
/// (empty when all did; with `bless`, having rewritten the file); blesses when `BLESS=1`, and
/// fails naming each file that did not match.
pub fn run_all(
    files: &[std::path::PathBuf],
    kind: &str,
    test: &str,
    run: impl Fn(&std::path::Path, bool) -> String + Sync,
) {
    use std::sync::atomic::{AtomicUsize, Ordering};
    let bless = std::env::var_os("BLESS").is_some_and(|v| v == "1");
    let next = AtomicUsize::new(0);
    let failures = std::sync::Mutex::new(Vec::new());
    let threads = std::thread::available_parallelism().map_or(2, |n| n.get());
    std::thread::scope(|s| {
        for _ in 0..threads.min(files.len()) {
            s.spawn(|| {
                while let Some(file) = files.get(next.fetch_add(1, Ordering::Relaxed)) {
                    let report = run(file, bless);
                    if !report.is_empty() {
                        let failure = format!("{}:\n{report}", file.display());
                        failures.lock().unwrap().push(failure);
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
        "{} of {} {kind} {verb}:\n{}\n(bless a deliberate change: BLESS=1 cargo test --release --locked --test {test})",
        failures.len(),
        files.len(),
        failures.join("\n")
    );
}
