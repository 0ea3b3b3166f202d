//! The model files in `tests/fixtures/models/`, kept from every model format version: each must
//! still load and reproduce the predictions (and probabilities) recorded when it was written, so
//! a reordered enum, a changed payload layout or a lost Python format fails here. They are
//! written once by `tests/fixtures/make-models.sh` and never regenerated.
//!
//! A backend upgrade that changes a serialized layout (smartcore's and linfa's serde forms, which
//! native payloads store) fails here either way: a payload that no longer decodes makes predict
//! exit 4 (the refusal names the backend version that wrote it), and one that decodes into
//! another model predicts other values than the recorded ones.

mod common;

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use common::{pgml, read_csv, repo};
use pgml_cli::algorithms::{Runtime, ALGORITHMS};
use pgml_cli::model::{self, Header};
use pgml_cli::task::Task;

/// Predictions of a stored model are the same computation on any machine but for the rounding
/// of BLAS kernels (linear models, distances, kernels, projections: ~1e-15) and, for Python
/// models, of a newer library (float32 boosters: ~1e-7).
const RELATIVE: f64 = 1e-6;
const ABSOLUTE: f64 = 1e-9;

/// The Python payload formats, each of which needs a fixture in every format version.
const PYTHON_FORMATS: &[&str] = &[
    "skops",
    "xgboost-ubj",
    "lightgbm-text",
    "catboost-cbm",
    "lightgbm-text/per-target",
];

/// Native models stored in more than one shape, each of which needs a fixture in every format
/// version besides its algorithm x task (see `covers`).
const NATIVE_VARIANTS: &[&str] = &[
    "linear classification (binary)",
    "linear classification (multinomial)",
    "linear regression (several targets)",
    "svm classification (linear kernel)",
    "knn classification (distance weights)",
];

fn fixtures() -> Vec<PathBuf> {
    let mut models: Vec<PathBuf> = std::fs::read_dir(repo("tests/fixtures/models"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "pgml"))
        // The damaged copies (truncated.pgml, format-99.pgml) are for the error cases.
        .filter(|p| p.file_name().unwrap().to_string_lossy().starts_with('v'))
        .collect();
    models.sort();
    models
}

/// `name.pgml` -> `name.<suffix>`.
fn beside(model: &Path, suffix: &str) -> PathBuf {
    model.with_extension(suffix)
}

/// Runs predict and returns stdout; stderr may only hold warnings (a Python model read under
/// other package versions says so).
fn predict(model: &Path, input: &Path, proba: bool) -> String {
    let mut cmd = pgml();
    cmd.arg("predict")
        .arg("--model")
        .arg(model)
        .arg("--data")
        .arg(input);
    if proba {
        cmd.arg("--proba");
    }
    let out = cmd.output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{}: {stderr}", model.display());
    for line in stderr.lines() {
        assert!(
            line.starts_with("pgml-cli: warning: "),
            "{}: {line}",
            model.display()
        );
    }
    String::from_utf8(out.stdout).unwrap()
}

/// Compares predict's CSV output with the recorded one: same header and row count; labels (and
/// any non-number) exactly, numbers within RELATIVE/ABSOLUTE.
fn assert_same(model: &Path, expected_file: &Path, actual: &str, labels: bool) {
    let (header, rows) = read_csv(expected_file);
    let mut reader = csv::Reader::from_reader(actual.as_bytes());
    let actual_header: Vec<String> = reader.headers().unwrap().iter().map(String::from).collect();
    let actual_rows: Vec<Vec<String>> = reader
        .records()
        .map(|r| r.unwrap().iter().map(String::from).collect())
        .collect();
    let what = expected_file.display();
    assert_eq!(actual_header, header, "{what}");
    assert_eq!(actual_rows.len(), rows.len(), "{what}");
    for (row, (e_row, a_row)) in rows.iter().zip(&actual_rows).enumerate() {
        for (e, a) in e_row.iter().zip(a_row) {
            let agree = match (e.parse::<f64>(), a.parse::<f64>()) {
                (Ok(x), Ok(y)) if !labels => (x - y).abs() <= ABSOLUTE.max(RELATIVE * x.abs()),
                _ => e == a,
            };
            assert!(
                agree,
                "{}: row {}: {a}, recorded {e} ({what})",
                model.display(),
                row + 1
            );
        }
    }
}

/// The payload's format name: the first field of the postcard-encoded Python payload.
fn python_format(payload: &[u8]) -> String {
    let len = usize::from(payload[0]);
    assert!(len < 0x80, "format names are short");
    String::from_utf8(payload[1..1 + len].to_vec()).unwrap()
}

/// Algorithm x task pairs, variants or payload kinds added after format 1, with the first format
/// version that holds them: older versions cannot have a fixture of them (none yet).
const ADDED_IN: &[(&str, u32)] = &[
    ("python native trees (catboost)", 2),
    ("python native trees (lightgbm)", 2),
    ("python native trees (sklearn)", 2),
    ("python native trees (xgboost)", 2),
];

/// pgml-cli's own form of a Python-trained tree ensemble (no format bump: older readers ignore
/// it), whose split and missing-value semantics differ by the library it came from: one fixture
/// of each, so that a change to the form or its reading fails here.
const NATIVE_TREE_SOURCES: &[&str] = &["catboost", "lightgbm", "sklearn", "xgboost"];

/// What a fixture stands for in a format version's full set: its native algorithm x task and
/// stored variant, or its Python payload kind.
fn covers(header: &Header, payload: &[u8]) -> Vec<String> {
    if let Some(python) = header
        .python
        .as_ref()
        .filter(|_| header.runtime == Runtime::Python)
    {
        let mut covered = vec![format!("python {}", python_format(payload))];
        if python.native.as_ref().is_some_and(|n| n.form.is_some()) {
            let source = python.class.split('.').next().unwrap_or_default();
            covered.push(format!("python native trees ({source})"));
        }
        return covered;
    }
    let pair = format!("{} {}", header.algorithm, header.task.name());
    let resolved = |key: &str| {
        header.resolved_hyperparams[key]
            .as_str()
            .unwrap_or_default()
    };
    let variant = match pair.as_str() {
        "linear classification" if header.classes.len() == 2 => Some("binary"),
        "linear classification" => Some("multinomial"),
        "linear regression" if header.target_names.len() > 1 => Some("several targets"),
        "svm classification" if resolved("kernel") == "linear" => Some("linear kernel"),
        "knn classification" if resolved("weights") == "distance" => Some("distance weights"),
        _ => None,
    };
    let mut covered = vec![pair.clone()];
    covered.extend(variant.map(|v| format!("{pair} ({v})")));
    covered
}

/// The full set format `version` needs: each native algorithm x task of the table and its
/// stored variants, and each Python payload kind (but what `ADDED_IN` says came later).
fn full_set(version: u32) -> BTreeSet<String> {
    let mut wanted: BTreeSet<String> = ALGORITHMS
        .iter()
        .flat_map(|a| {
            a.native
                .iter()
                .map(|(task, _)| format!("{} {}", a.name, task.name()))
        })
        .collect();
    wanted.extend(NATIVE_VARIANTS.iter().map(|v| v.to_string()));
    wanted.extend(PYTHON_FORMATS.iter().map(|f| format!("python {f}")));
    wanted.extend(
        NATIVE_TREE_SOURCES
            .iter()
            .map(|s| format!("python native trees ({s})")),
    );
    wanted.retain(|item| {
        ADDED_IN
            .iter()
            .all(|&(added, since)| added != item || since <= version)
    });
    wanted
}

#[test]
fn every_model_fixture_reproduces_its_predictions() {
    let mut covered: BTreeMap<u32, BTreeSet<String>> = BTreeMap::new();
    for path in fixtures() {
        let (header, payload) = model::read(&path).unwrap();
        let name = path.file_name().unwrap().to_string_lossy().to_string();
        assert!(
            name.starts_with(&format!("v{}-", header.format_version)),
            "{name} holds format {}",
            header.format_version
        );
        covered
            .entry(header.format_version)
            .or_default()
            .extend(covers(&header, &payload));
        if header.runtime == Runtime::Python && !cfg!(feature = "python") {
            continue; // this build has no Python runtime to load it with
        }
        let input = beside(&path, "input.csv");
        let expected = beside(&path, "expected.csv");
        assert!(
            input.exists() && expected.exists(),
            "{}: every fixture needs its .input.csv and .expected.csv",
            path.display()
        );
        let labels = matches!(header.task, Task::Classification | Task::Clustering);
        assert_same(&path, &expected, &predict(&path, &input, false), labels);
        // Models with probabilities have them recorded; the others (svm) still refuse --proba.
        let proba = beside(&path, "proba.csv");
        if proba.exists() {
            assert_same(&path, &proba, &predict(&path, &input, true), false);
        } else if header.task == Task::Classification {
            let out = pgml()
                .args(["predict", "--proba", "--model"])
                .arg(&path)
                .arg("--data")
                .arg(&input)
                .output()
                .unwrap();
            assert_eq!(
                out.status.code(),
                Some(2),
                "{}: no .proba.csv",
                path.display()
            );
        }
    }
    // Every format version this pgml-cli reads has the full set, so a new format version, or a
    // new algorithm or payload kind, fails here until its fixtures are written.
    for version in 1..=model::FORMAT_VERSION {
        let wanted = full_set(version);
        let have = covered.remove(&version).unwrap_or_default();
        let missing: Vec<&str> = wanted.difference(&have).map(String::as_str).collect();
        let how = if version == model::FORMAT_VERSION {
            format!(
                "add them (named v{version}-...) to tests/fixtures/make-models.sh and run it (it \
                 writes only missing files)"
            )
        } else {
            "fixtures are never deleted (restore them from git); what this format cannot hold \
             (added later) goes in ADDED_IN"
                .to_string()
        };
        assert!(
            missing.is_empty(),
            "model format {version} has no fixture for: {}; {how}",
            missing.join(", ")
        );
        let unlisted: Vec<&str> = have.difference(&wanted).map(String::as_str).collect();
        assert!(
            unlisted.is_empty(),
            "model format {version} has fixtures of {} that the full set does not list \
             (PYTHON_FORMATS, NATIVE_VARIANTS, ADDED_IN)",
            unlisted.join(", ")
        );
    }
}

/// Fixtures whose payloads hold a backend's own serde form (linfa's SVR, smartcore's DBSCAN),
/// with the version of that backend this build has.
fn backend_fixtures() -> [(PathBuf, &'static str); 2] {
    [
        (
            repo("tests/fixtures/models/v2-messy-svm-regression.pgml"),
            env!("PGML_LINFA_VERSION"),
        ),
        (
            repo("tests/fixtures/models/v2-iris-dbscan-clustering.pgml"),
            env!("PGML_SMARTCORE_VERSION"),
        ),
    ]
}

/// Writes `header` and `payload` as a model file of the header's format version with a valid
/// checksum, so the edit reaches the payload decoder.
fn write_model(path: &Path, header: &Header, payload: &[u8]) {
    use sha2::{Digest, Sha256};
    let mut bytes = model::encode(header, payload).unwrap();
    bytes[8..12].copy_from_slice(&header.format_version.to_le_bytes());
    let end = bytes.len() - 32;
    let checksum = Sha256::digest(&bytes[..end]);
    bytes[end..].copy_from_slice(&checksum);
    std::fs::write(path, bytes).unwrap();
}

/// A payload written by another version of its backend that still decodes loads and predicts
/// as recorded: the version in the header alone is no reason to refuse (the fixtures above are
/// what catches a layout that changed).
#[test]
fn a_payload_from_another_backend_version_that_decodes_still_predicts() {
    let dir = tempfile::tempdir().unwrap();
    for (fixture, current) in backend_fixtures() {
        let (mut header, payload) = model::read(&fixture).unwrap();
        assert_eq!(header.backend.version, current, "{}", fixture.display());
        header.backend.version = "0.0.1".into();
        let path = dir.path().join(fixture.file_name().unwrap());
        write_model(&path, &header, &payload);
        let input = beside(&fixture, "input.csv");
        let labels = header.task == Task::Clustering;
        assert_same(
            &path,
            &beside(&fixture, "expected.csv"),
            &predict(&path, &input, false),
            labels,
        );
    }
}

/// A payload written by another version of its backend that no longer decodes (a changed serde
/// layout, here a cut-short payload) is refused in one line naming both backend versions and the
/// pgml-cli that wrote it: exit 4.
#[test]
fn a_payload_from_another_backend_version_that_does_not_decode_is_refused_by_name() {
    let dir = tempfile::tempdir().unwrap();
    for (fixture, current) in backend_fixtures() {
        let (mut header, payload) = model::read(&fixture).unwrap();
        header.backend.version = "0.0.1".into();
        let path = dir.path().join(fixture.file_name().unwrap());
        write_model(&path, &header, &payload[..payload.len() - 8]);
        let out = pgml()
            .args(["predict", "--model"])
            .arg(&path)
            .arg("--data")
            .arg(beside(&fixture, "input.csv"))
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(4), "{stderr}");
        assert_eq!(stderr.lines().count(), 1, "{stderr}");
        let name = &header.backend.name;
        let start = format!(
            "pgml-cli: error: {}: its {} payload was written by {name} 0.0.1 and this build ({name} {current}) cannot read it: the payload cannot be decoded: ",
            path.display(),
            header.algorithm
        );
        let end = format!(
            "; retrain, or predict with the pgml-cli version that wrote it ({})\n",
            header.pgml_cli_version
        );
        assert!(
            stderr.starts_with(&start) && stderr.ends_with(&end),
            "{stderr}"
        );
    }
}
