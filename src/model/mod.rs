//! The model file: one self-describing file meant to stay loadable for years.
//!
//! Layout (all integers little-endian):
//!
//! | bytes            | content                                              |
//! |------------------|------------------------------------------------------|
//! | 8                | magic `PGMLCLI\0`                                    |
//! | 4                | format version (u32), currently 2                    |
//! | 4                | header length H (u32)                                |
//! | H                | header: UTF-8 JSON (`Header`)                        |
//! | 8                | payload length P (u64)                               |
//! | P                | payload: the runtime's model bytes                   |
//! | 32               | SHA-256 of every byte before it                      |
//!
//! A reader exists for every format version ever written; a newer version is refused by name.

use std::collections::BTreeMap;
use std::io::{Read, Write};
use std::ops::Range;
use std::path::Path;

use serde::{Deserialize, Serialize};
use serde_json::Value;
use sha2::{Digest, Sha256};

use crate::algorithms::Runtime;
use crate::atomic;
use crate::data::split::Sampling;
use crate::error::{Error, Result};
use crate::preprocess::Pipeline;
use crate::task::Task;

pub const MAGIC: &[u8; 8] = b"PGMLCLI\0";
/// 2: the header gained `input` (column kinds and fitted preprocessing); the layout is 1's.
pub const FORMAT_VERSION: u32 = 2;

#[derive(Serialize, Deserialize, Debug, Clone, PartialEq)]
pub struct Header {
    pub format_version: u32,
    pub pgml_cli_version: String,
    /// RFC 3339, UTC.
    pub created_at: String,
    pub task: Task,
    pub algorithm: String,
    pub runtime: Runtime,
    pub backend: Backend,
    /// As the user gave them.
    pub hyperparams: Value,
    /// With every default filled in: what the fit used.
    pub resolved_hyperparams: Value,
    pub feature_names: Vec<String>,
    pub target_names: Vec<String>,
    /// Classification: the original label of each class index.
    pub classes: Vec<String>,
    pub seed: u64,
    pub split: SplitInfo,
    pub data: DataInfo,
    /// `train --test-data`: the file the metrics come from (no split).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub test_data: Option<DataInfo>,
    /// Test-set metrics (absent when trained on every row), plus fit_time and score_time in seconds.
    /// A metric that is not a number (NaN, infinite) is stored as null and read back as NaN.
    #[serde(with = "metric_values")]
    pub metrics: BTreeMap<String, f64>,
    /// `--search`: every candidate's cross-validation and the ranking (the best was refit).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub search: Option<crate::search::SearchResults>,
    /// The raw input columns, their kinds and fitted preprocessing, which turn them into
    /// `feature_names` (format 2; a format-1 file reads as one number column per feature).
    #[serde(default)]
    pub input: Pipeline,
    /// Python models: the estimator class and the package versions that wrote it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub python: Option<PythonInfo>,
}

#[derive(Serialize, Deserialize, Debug, Clone, PartialEq)]
pub struct PythonInfo {
    /// `module.Class`, from the algorithm table.
    pub class: String,
    /// Several targets went through MultiOutputRegressor.
    pub single_target: bool,
    /// Python and package versions (null: not installed).
    pub versions: BTreeMap<String, Option<String>>,
    /// Tree ensembles: whether the payload also carries pgml-cli's native form, and if not why.
    /// Absent for other models and in files written before native forms.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub native: Option<NativeStatus>,
    /// The Dask scheduler the model was fitted on (`train --cluster`); absent for a fit in
    /// pgml-cli's own process.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cluster: Option<String>,
}

/// Whether a Python model's payload carries its native form (`form`: `trees`) or not (null).
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq)]
pub struct NativeStatus {
    pub form: Option<String>,
    /// What the form holds and how it was verified, or why the model has none.
    pub note: String,
}

#[derive(Serialize, Deserialize, Debug, Clone, PartialEq)]
pub struct Backend {
    pub name: String,
    pub version: String,
}

#[derive(Serialize, Deserialize, Debug, Clone, PartialEq)]
pub struct SplitInfo {
    pub test_size: f64,
    pub sampling: Sampling,
    pub train_rows: usize,
    pub test_rows: usize,
}

#[derive(Serialize, Deserialize, Debug, Clone, PartialEq)]
pub struct DataInfo {
    pub source: String,
    pub rows: usize,
    /// SHA-256 of the parsed training data (names, features, targets).
    pub fingerprint: String,
}

/// JSON has no NaN or infinity: non-finite metrics are written as null, and null reads as NaN,
/// so every header round-trips.
mod metric_values {
    use std::collections::BTreeMap;

    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(
        metrics: &BTreeMap<String, f64>,
        s: S,
    ) -> Result<S::Ok, S::Error> {
        s.collect_map(
            metrics
                .iter()
                .map(|(k, v)| (k, v.is_finite().then_some(*v))),
        )
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<BTreeMap<String, f64>, D::Error> {
        let metrics = BTreeMap::<String, Option<f64>>::deserialize(d)?;
        Ok(metrics
            .into_iter()
            .map(|(k, v)| (k, v.unwrap_or(f64::NAN)))
            .collect())
    }
}

/// Metrics as the header writes them (non-finite as null), for reports.
pub fn metrics_json(metrics: &BTreeMap<String, f64>) -> Value {
    Value::Object(
        metrics
            .iter()
            .map(|(k, v)| {
                let value = serde_json::Number::from_f64(*v).map_or(Value::Null, Value::Number);
                (k.clone(), value)
            })
            .collect(),
    )
}

/// Encodes a model file in memory.
pub fn encode(header: &Header, payload: &[u8]) -> Result<Vec<u8>> {
    let json = serde_json::to_vec(header)
        .map_err(|e| Error::fit(format!("cannot encode the header: {e}")))?;
    let header_len =
        u32::try_from(json.len()).map_err(|_| Error::fit("the model header exceeds 4 GiB"))?;
    let mut bytes = Vec::with_capacity(json.len() + payload.len() + 56);
    bytes.extend_from_slice(MAGIC);
    bytes.extend_from_slice(&FORMAT_VERSION.to_le_bytes());
    bytes.extend_from_slice(&header_len.to_le_bytes());
    bytes.extend_from_slice(&json);
    bytes.extend_from_slice(&(payload.len() as u64).to_le_bytes());
    bytes.extend_from_slice(payload);
    let checksum = Sha256::digest(&bytes);
    bytes.extend_from_slice(&checksum);
    Ok(bytes)
}

/// Decodes a model file: checks magic, version, lengths and checksum before trusting anything.
pub fn decode(path: &Path, bytes: &[u8]) -> Result<(Header, Vec<u8>)> {
    let (header, payload) = decode_in_place(path, bytes, None)?;
    Ok((header, bytes[payload].to_vec()))
}

/// `decode`, giving where the payload lies in `bytes`; `digest` is the SHA-256 of all but the
/// last 32 bytes when the caller has it already.
fn decode_in_place(
    path: &Path,
    bytes: &[u8],
    digest: Option<[u8; 32]>,
) -> Result<(Header, Range<usize>)> {
    if bytes.len() < 12 || &bytes[..8] != MAGIC {
        return Err(Error::model(path, "is not a pgml-cli model file"));
    }
    let version = check_version(path, bytes)?;
    decode_layout(path, bytes, version, digest)
}

/// Versions 1 and 2 are read; a newer one is named so the user knows to upgrade.
fn check_version(path: &Path, bytes: &[u8]) -> Result<u32> {
    let version = u32::from_le_bytes([bytes[8], bytes[9], bytes[10], bytes[11]]);
    match version {
        1 | 2 => Ok(version),
        v if v > FORMAT_VERSION => Err(Error::model(
            path,
            format!(
                "was written by a newer pgml-cli (model format {v}; this pgml-cli {} reads formats 1 to {FORMAT_VERSION}); upgrade pgml-cli",
                env!("CARGO_PKG_VERSION")
            ),
        )),
        _ => Err(Error::model(path, format!("has an unknown model format version {version}"))),
    }
}

/// Formats 1 and 2 share the byte layout; 2's header adds `input`.
fn decode_layout(
    path: &Path,
    bytes: &[u8],
    version: u32,
    digest: Option<[u8; 32]>,
) -> Result<(Header, Range<usize>)> {
    let truncated = || Error::model(path, "is truncated");
    let mut at: usize = 12;
    let mut take = |n: usize| -> Result<&[u8]> {
        let slice = bytes
            .get(at..at.checked_add(n).ok_or_else(truncated)?)
            .ok_or_else(truncated)?;
        at += n;
        Ok(slice)
    };
    let header_len = u32::from_le_bytes(take(4)?.try_into().map_err(|_| truncated())?) as usize;
    let header_json = take(header_len)?;
    let payload_len = u64::from_le_bytes(take(8)?.try_into().map_err(|_| truncated())?);
    // After the magic, version, header length, header and payload length.
    let start = 24 + header_len;
    let payload =
        start..start + take(usize::try_from(payload_len).map_err(|_| truncated())?)?.len();
    let checksum = take(32)?;
    if at != bytes.len() {
        return Err(Error::model(
            path,
            format!(
                "has {} unexpected bytes after the checksum",
                bytes.len() - at
            ),
        ));
    }
    let digest = digest.unwrap_or_else(|| Sha256::digest(&bytes[..bytes.len() - 32]).into());
    if digest.as_slice() != checksum {
        return Err(Error::model(path, "is corrupted (checksum mismatch)"));
    }
    let mut header: Header = serde_json::from_slice(header_json)
        .map_err(|e| Error::model(path, format!("has an unreadable header: {e}")))?;
    if header.format_version != version {
        return Err(Error::model(
            path,
            format!(
                "says format {} in a version-{version} file",
                header.format_version
            ),
        ));
    }
    match (version, header.input.columns.is_empty()) {
        (1, true) => header.input = Pipeline::of_format_1(&header.feature_names),
        (1, false) => return Err(Error::model(path, "has preprocessing in a version-1 file")),
        (_, true) => return Err(Error::model(path, "has a header without its input columns")),
        (_, false) => {}
    }
    Ok((header, payload))
}

/// Reads and decodes a model file, trusting no length before it is compared with what the file
/// can hold: the magic and version first (a wrong file or /dev/zero is refused after 12 bytes),
/// then the header and payload lengths against the file's size (a sparse file that claims
/// gigabytes is refused before any of it is read), then the bytes, then `decode` checks it all.
pub fn read(path: &Path) -> Result<(Header, Vec<u8>)> {
    let io = |e| Error::io(path.display(), e);
    let truncated = || Error::model(path, "is truncated");
    let mut file = open_for_reading(path).map_err(io)?;
    let meta = file.metadata().map_err(io)?;
    if meta.is_dir() {
        return Err(Error::model(path, "is a directory, not a model file"));
    }
    // A regular file holds exactly its size; a pipe at most the largest model.
    let size = if meta.is_file() {
        meta.len()
    } else {
        MAX_MODEL_BYTES
    };
    if size > MAX_MODEL_BYTES {
        return Err(Error::model(
            path,
            format!(
                "is larger than any model pgml-cli reads ({} GiB)",
                MAX_MODEL_BYTES >> 30
            ),
        ));
    }
    let no_memory = |n: u64| {
        Error::model(
            path,
            format!("needs {n} bytes of memory, which this process cannot have"),
        )
    };
    let mut bytes = Vec::new();
    let mut take = |n: u64, bytes: &mut Vec<u8>| -> Result<()> {
        let before = bytes.len() as u64;
        if before.saturating_add(n) > size {
            return Err(truncated());
        }
        // Room for exactly what a regular file holds (no copies as the buffer grows); a pipe's
        // claim is not trusted with memory before its bytes arrive.
        if meta.is_file() {
            crate::memory::fallibly(|| bytes.try_reserve_exact(n as usize))
                .map_err(|_| no_memory(n))?;
        }
        (&mut file).take(n).read_to_end(bytes).map_err(io)?;
        if bytes.len() as u64 - before != n {
            return Err(truncated());
        }
        Ok(())
    };
    if take(12, &mut bytes).is_err() || &bytes[..8] != MAGIC {
        return Err(Error::model(path, "is not a pgml-cli model file"));
    }
    check_version(path, &bytes)?;
    take(4, &mut bytes)?;
    let header_len = u32::from_le_bytes([bytes[12], bytes[13], bytes[14], bytes[15]]);
    if header_len > MAX_HEADER_BYTES {
        return Err(Error::model(
            path,
            "has a header larger than any pgml-cli writes",
        ));
    }
    take(u64::from(header_len), &mut bytes)?;
    take(8, &mut bytes)?;
    let at = bytes.len() - 8;
    let payload_len = u64::from_le_bytes(bytes[at..].try_into().map_err(|_| truncated())?);
    let rest_len = payload_len.saturating_add(32);
    let digest = if meta.is_file() && rest_len >= HASHED_ON_THE_SIDE {
        if (bytes.len() as u64).saturating_add(rest_len) > size {
            return Err(truncated());
        }
        let head = bytes.len();
        let mut whole =
            crate::memory::zeroed(head + rest_len as usize).ok_or_else(|| no_memory(rest_len))?;
        whole[..head].copy_from_slice(&bytes);
        bytes = whole;
        Some(
            read_hashing(&mut file, &mut bytes, head).map_err(|e| match e.kind() {
                std::io::ErrorKind::UnexpectedEof => truncated(),
                _ => io(e),
            })?,
        )
    } else {
        take(rest_len, &mut bytes)?;
        None
    };
    let mut rest = [0u8; 1];
    if file.read(&mut rest).map_err(io)? != 0 {
        return Err(Error::model(
            path,
            "has unexpected bytes after the checksum",
        ));
    }
    let (header, payload) = decode_in_place(path, &bytes, digest)?;
    bytes.truncate(payload.end);
    bytes.drain(..payload.start);
    Ok((header, bytes))
}

/// Payloads from this size on are hashed while they are read.
const HASHED_ON_THE_SIDE: u64 = 1 << 20;

/// Fills `bytes[head..]` from `file` and returns the SHA-256 of all of `bytes` but its last 32
/// (the checksum). The new bytes are hashed on another thread as they arrive, so reading and
/// hashing overlap (a 2 MB forest's one-row predict spends ~1 ms on each); where no thread can
/// be started, they are hashed here afterwards.
fn read_hashing(file: &mut impl Read, bytes: &mut [u8], head: usize) -> std::io::Result<[u8; 32]> {
    const PIECE: usize = 128 << 10;
    let hashed = bytes.len().saturating_sub(32);
    let (before, after) = bytes.split_at_mut(head);
    let overlapped = std::thread::scope(|scope| {
        let (send, pieces) = std::sync::mpsc::sync_channel::<&[u8]>(4);
        let hasher = std::thread::Builder::new()
            .spawn_scoped(scope, move || {
                let mut sha = Sha256::new();
                sha.update(&*before);
                let mut left = hashed - head;
                for piece in pieces {
                    let k = piece.len().min(left);
                    sha.update(&piece[..k]);
                    left -= k;
                }
                <[u8; 32]>::from(sha.finalize())
            })
            .ok()?;
        let mut read = Ok(());
        for piece in after.chunks_mut(PIECE) {
            read = file.read_exact(piece);
            if read.is_err() || send.send(piece).is_err() {
                break;
            }
        }
        drop(send);
        let digest = hasher
            .join()
            .unwrap_or_else(|panic| std::panic::resume_unwind(panic));
        Some(read.map(|()| digest))
    });
    overlapped.unwrap_or_else(|| {
        file.read_exact(&mut bytes[head..])?;
        Ok(Sha256::digest(&bytes[..hashed]).into())
    })
}

/// Opens without blocking on a FIFO that has no writer yet (reading it then finds no model),
/// and reads blocking afterwards.
fn open_for_reading(path: &Path) -> std::io::Result<std::fs::File> {
    use std::os::unix::fs::OpenOptionsExt;
    use std::os::unix::io::AsRawFd;
    let file = std::fs::OpenOptions::new()
        .read(true)
        .custom_flags(libc::O_NONBLOCK)
        .open(path)?;
    // SAFETY: fcntl on a descriptor this function owns.
    unsafe {
        let flags = libc::fcntl(file.as_raw_fd(), libc::F_GETFL);
        if flags >= 0 {
            libc::fcntl(file.as_raw_fd(), libc::F_SETFL, flags & !libc::O_NONBLOCK);
        }
    }
    Ok(file)
}

/// Headers hold names and metrics: a million 200-byte feature names fit in this.
const MAX_HEADER_BYTES: u32 = 256 << 20;

/// Models larger than this are refused when read from a pipe (files are bounded by their size).
const MAX_MODEL_BYTES: u64 = 16 << 30;

/// Refuses to replace an existing file unless `force`; checked before training so no work is lost.
pub fn check_writable(path: &Path, force: bool) -> Result<()> {
    if path.exists() && !path.is_file() {
        return Err(Error::usage(format!(
            "{} exists and is not a regular file; choose another --output",
            path.display()
        )));
    }
    if path.exists() && !force {
        return Err(Error::usage(format!(
            "{} already exists; pass --force to overwrite it or --output to choose another path",
            path.display()
        )));
    }
    let dir = atomic::parent_dir(path);
    if !dir.is_dir() {
        return Err(Error::Io(format!(
            "{}: directory {} does not exist",
            path.display(),
            dir.display()
        )));
    }
    Ok(())
}

/// Writes `bytes` to `path` atomically (see `atomic`).
pub fn write_atomically(path: &Path, bytes: &[u8], force: bool) -> Result<()> {
    let io = |e: std::io::Error| Error::io(path.display(), e);
    let (mut file, commit) = atomic::create(path)?;
    file.write_all(bytes).map_err(io)?;
    file.sync_all().map_err(io)?;
    commit.finish(force)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn header() -> Header {
        Header {
            format_version: FORMAT_VERSION,
            pgml_cli_version: "0.0.0".into(),
            created_at: "2026-01-01T00:00:00Z".into(),
            task: Task::Regression,
            algorithm: "linear".into(),
            runtime: Runtime::Rust,
            backend: Backend {
                name: "linfa".into(),
                version: "0.8.1".into(),
            },
            hyperparams: Value::Object(Default::default()),
            resolved_hyperparams: Value::Object(Default::default()),
            feature_names: vec!["a".into()],
            target_names: vec!["y".into()],
            classes: vec![],
            seed: 0,
            split: SplitInfo {
                test_size: 0.25,
                sampling: Sampling::Random,
                train_rows: 3,
                test_rows: 1,
            },
            data: DataInfo {
                source: "d.csv".into(),
                rows: 4,
                fingerprint: "sha256:0".into(),
            },
            test_data: None,
            metrics: BTreeMap::new(),
            search: None,
            input: Pipeline::numeric(&["a".into()]),
            python: None,
        }
    }

    #[test]
    fn round_trip() {
        let bytes = encode(&header(), b"payload").unwrap();
        let (h, p) = decode(Path::new("m"), &bytes).unwrap();
        assert_eq!(h, header());
        assert_eq!(p, b"payload");
    }

    #[test]
    fn non_finite_metrics_round_trip_as_nan() {
        let mut h = header();
        h.metrics.insert("r2".into(), f64::NAN);
        h.metrics.insert("mean_squared_error".into(), f64::INFINITY);
        let (back, _) = decode(Path::new("m"), &encode(&h, b"p").unwrap()).unwrap();
        assert!(back.metrics["r2"].is_nan());
        assert!(back.metrics["mean_squared_error"].is_nan());
    }

    #[test]
    fn every_truncation_is_refused() {
        let bytes = encode(&header(), b"payload").unwrap();
        for len in 0..bytes.len() {
            assert!(
                decode(Path::new("m"), &bytes[..len]).is_err(),
                "length {len}"
            );
        }
    }

    #[test]
    fn a_flipped_bit_is_refused() {
        let mut bytes = encode(&header(), b"payload").unwrap();
        let n = bytes.len();
        bytes[n - 35] ^= 1; // inside the payload
        assert_eq!(
            decode(Path::new("m"), &bytes).unwrap_err().to_string(),
            "m: is corrupted (checksum mismatch)"
        );
    }

    /// A file large enough to be hashed while it is read (`read_hashing`) reads back whole, and
    /// a flipped bit anywhere hashed, a flipped checksum, a truncation at any piece boundary or
    /// within the checksum, and a byte more are each refused as the in-memory `decode` does.
    #[test]
    fn a_large_model_file_is_read_and_checked_as_a_small_one() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("m.pgml");
        let payload: Vec<u8> = (0..(3 << 20) + 5)
            .map(|i: u32| (i * 7 + i / 251) as u8)
            .collect();
        let bytes = encode(&header(), &payload).unwrap();
        std::fs::write(&path, &bytes).unwrap();
        let (h, p) = read(&path).unwrap();
        assert_eq!((h, p == payload), (header(), true));
        let n = bytes.len();
        let head = n - payload.len() - 32;
        for at in [0, head, head + (128 << 10), n - 33, n - 32, n - 1] {
            let mut damaged = bytes.clone();
            damaged[at] ^= 1;
            std::fs::write(&path, &damaged).unwrap();
            let want = decode(Path::new("m"), &damaged).unwrap_err().to_string();
            let got = read(&path).unwrap_err().to_string();
            assert_eq!(
                got.replace(&*path.to_string_lossy(), "m"),
                want,
                "byte {at}"
            );
        }
        for len in [
            head + 1,
            head + (128 << 10),
            head + (256 << 10) + 1,
            n - 32,
            n - 1,
        ] {
            std::fs::write(&path, &bytes[..len]).unwrap();
            let err = read(&path).unwrap_err().to_string();
            assert!(err.ends_with("is truncated"), "length {len}: {err}");
        }
        let mut longer = bytes.clone();
        longer.push(0);
        std::fs::write(&path, &longer).unwrap();
        let err = read(&path).unwrap_err().to_string();
        assert!(
            err.ends_with("unexpected bytes after the checksum"),
            "{err}"
        );
        // A sparse file past the largest model, its payload length claiming all of it: refused
        // before any memory is asked for.
        let mut huge = bytes[..head].to_vec();
        let claimed = (MAX_MODEL_BYTES + 1) - head as u64;
        huge[head - 8..].copy_from_slice(&(claimed - 32).to_le_bytes());
        std::fs::write(&path, &huge).unwrap();
        std::fs::File::options()
            .write(true)
            .open(&path)
            .unwrap()
            .set_len(MAX_MODEL_BYTES + 1)
            .unwrap();
        let err = read(&path).unwrap_err().to_string();
        assert!(
            err.ends_with("is larger than any model pgml-cli reads (16 GiB)"),
            "{err}"
        );
    }

    /// A run that finds its output taken when renaming (another run wrote it since the check
    /// before training) gets the same usage error as the check.
    #[test]
    fn losing_the_race_for_an_output_is_a_usage_error() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("m.pgml");
        std::fs::write(&path, "theirs").unwrap();
        let err = write_atomically(&path, b"ours", false).unwrap_err();
        assert_eq!(err.exit_code(), 2, "{err}");
        assert_eq!(std::fs::read(&path).unwrap(), b"theirs");
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
    }

    #[test]
    fn newer_format_is_named() {
        let mut bytes = encode(&header(), b"payload").unwrap();
        bytes[8] = 3;
        let err = decode(Path::new("m"), &bytes).unwrap_err().to_string();
        assert!(err.contains("newer pgml-cli (model format 3"), "{err}");
    }

    /// Format 1 has no input columns: it reads as numbers named by the features; one that
    /// claims preprocessing, or a format 2 without it, is refused.
    #[test]
    fn format_1_reads_as_numeric_columns() {
        let mut h = header();
        h.format_version = 1;
        h.input = Pipeline::default();
        let mut bytes = encode(&h, b"p").unwrap();
        bytes[8] = 1;
        let bytes = reseal(bytes);
        let (back, _) = decode(Path::new("m"), &bytes).unwrap();
        assert_eq!(back.input, Pipeline::of_format_1(&h.feature_names));
        h.input = Pipeline::numeric(&h.feature_names);
        let mut bytes = encode(&h, b"p").unwrap();
        bytes[8] = 1;
        let err = decode(Path::new("m"), &reseal(bytes))
            .unwrap_err()
            .to_string();
        assert!(err.contains("preprocessing in a version-1 file"), "{err}");
        h.format_version = 2;
        h.input = Pipeline::default();
        let err = decode(Path::new("m"), &encode(&h, b"p").unwrap())
            .unwrap_err()
            .to_string();
        assert!(err.contains("without its input columns"), "{err}");
    }

    fn reseal(mut bytes: Vec<u8>) -> Vec<u8> {
        let n = bytes.len() - 32;
        let checksum = Sha256::digest(&bytes[..n]);
        bytes[n..].copy_from_slice(&checksum);
        bytes
    }
}
