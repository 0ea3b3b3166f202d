//! Where outputs go: symlinks, FIFOs and devices; temporary files after SIGINT, SIGTERM and
//! SIGKILL; NPY into a closed pipe.

mod common;

use std::io::Read;
use std::os::unix::fs::FileTypeExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Stdio};
use std::time::{Duration, Instant};

use common::{pgml, repo};

/// A native iris model in `dir`.
fn iris_model(dir: &Path) -> PathBuf {
    let path = dir.join("iris.pgml");
    let out = pgml()
        .args([
            "train",
            "-q",
            "--task",
            "classification",
            "--target",
            "target",
            "--data",
        ])
        .arg(repo("datasets/iris.csv"))
        .arg("-o")
        .arg(&path)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    path
}

fn predict_to(model: &Path, output: &Path) -> std::process::Output {
    pgml()
        .args(["predict", "--data"])
        .arg(repo("datasets/iris.csv"))
        .arg("--model")
        .arg(model)
        .arg("--output")
        .arg(output)
        .output()
        .unwrap()
}

fn temp_files(dir: &Path) -> Vec<String> {
    std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with(".pgml-cli-"))
        .collect()
}

#[test]
fn a_symlink_output_writes_the_file_it_names_and_stays_a_link() {
    let dir = tempfile::tempdir().unwrap();
    let model = iris_model(dir.path());
    let real = dir.path().join("real.csv");
    std::fs::write(&real, "old").unwrap();
    let link = dir.path().join("link.csv");
    std::os::unix::fs::symlink(&real, &link).unwrap();
    let out = predict_to(&model, &link);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(std::fs::symlink_metadata(&link)
        .unwrap()
        .file_type()
        .is_symlink());
    assert!(std::fs::read_to_string(&real)
        .unwrap()
        .starts_with("target\n"));
    // A link to nowhere is refused rather than replaced.
    let dangling = dir.path().join("dangling.csv");
    std::os::unix::fs::symlink(dir.path().join("missing/x.csv"), &dangling).unwrap();
    let out = predict_to(&model, &dangling);
    assert_eq!(out.status.code(), Some(1));
    assert!(std::fs::symlink_metadata(&dangling)
        .unwrap()
        .file_type()
        .is_symlink());
}

#[test]
fn a_fifo_output_is_written_in_place() {
    let dir = tempfile::tempdir().unwrap();
    let model = iris_model(dir.path());
    let fifo = dir.path().join("out.fifo");
    let c = std::ffi::CString::new(fifo.to_str().unwrap()).unwrap();
    // SAFETY: mkfifo on a path we own.
    assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o644) }, 0);
    let reader = {
        let fifo = fifo.clone();
        std::thread::spawn(move || std::fs::read_to_string(fifo).unwrap())
    };
    let out = predict_to(&model, &fifo);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = reader.join().unwrap();
    assert_eq!(text.lines().count(), 151, "{text}");
    assert!(std::fs::metadata(&fifo).unwrap().file_type().is_fifo());
    assert!(temp_files(dir.path()).is_empty());
}

#[test]
fn a_full_device_is_an_io_error_and_stays_a_device() {
    let dir = tempfile::tempdir().unwrap();
    let model = iris_model(dir.path());
    let out = predict_to(&model, Path::new("/dev/full"));
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(stderr.contains("/dev/full"), "{stderr}");
    assert!(std::fs::metadata("/dev/full")
        .unwrap()
        .file_type()
        .is_char_device());
}

/// A predict reading stdin that never ends, writing to a file: started and waited for until its
/// temporary file exists.
fn predict_waiting_on_stdin(dir: &Path, model: &Path) -> Child {
    let mut child = pgml()
        .args(["predict", "--data", "-", "--model"])
        .arg(model)
        .arg("--output")
        .arg(dir.join("p.csv"))
        .stdin(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let stdin = child.stdin.as_mut().unwrap();
    use std::io::Write;
    let mut rows = String::from("sepal_length,sepal_width,petal_length,petal_width\n");
    for _ in 0..20_000 {
        rows.push_str("5.1,3.5,1.4,0.2\n");
    }
    stdin.write_all(rows.as_bytes()).unwrap();
    let started = Instant::now();
    while temp_files(dir).is_empty() {
        assert!(
            started.elapsed() < Duration::from_secs(20),
            "no temporary file appeared"
        );
        std::thread::sleep(Duration::from_millis(10));
    }
    child
}

#[test]
fn sigint_and_sigterm_remove_the_temporary_file() {
    for (signal, code) in [(libc::SIGINT, 130), (libc::SIGTERM, 143)] {
        let dir = tempfile::tempdir().unwrap();
        let model = iris_model(dir.path());
        let mut child = predict_waiting_on_stdin(dir.path(), &model);
        // Input stays open until the child is gone: it must stop on the signal, not on EOF.
        let stdin = child.stdin.take();
        // SAFETY: signalling our own child.
        unsafe { libc::kill(child.id() as i32, signal) };
        let status = child.wait().unwrap();
        drop(stdin);
        assert_eq!(status.code(), Some(code), "signal {signal}");
        assert!(
            temp_files(dir.path()).is_empty(),
            "{:?}",
            temp_files(dir.path())
        );
        assert!(!dir.path().join("p.csv").exists());
    }
}

#[test]
fn temporary_files_of_killed_runs_are_removed_by_the_next_run() {
    let dir = tempfile::tempdir().unwrap();
    let model = iris_model(dir.path());
    let mut child = predict_waiting_on_stdin(dir.path(), &model);
    child.kill().unwrap(); // SIGKILL: nothing runs in the child
    child.wait().unwrap();
    let left = temp_files(dir.path());
    assert_eq!(left.len(), 1, "{left:?}");
    // Another program's file that only looks similar is kept.
    std::fs::write(dir.path().join(".pgml-cli-notes"), "mine").unwrap();
    // Just written: it could belong to a run in another PID namespace, so it stays for now.
    let out = predict_to(&model, &dir.path().join("q.csv"));
    assert!(out.status.success());
    assert_eq!(temp_files(dir.path()).len(), 2);
    // Untouched for two minutes, by a pid that is gone: removed.
    let old = std::time::SystemTime::now() - Duration::from_secs(120);
    let stale = std::fs::File::options()
        .write(true)
        .open(dir.path().join(&left[0]))
        .unwrap();
    stale.set_modified(old).unwrap();
    let out = predict_to(&model, &dir.path().join("q.csv"));
    assert!(out.status.success());
    assert_eq!(temp_files(dir.path()), vec![".pgml-cli-notes".to_string()]);
}

/// `--output /dev/stdout` works when stdout is a pipe (/proc/self/fd/1 names no file).
#[test]
fn dev_stdout_as_output_writes_into_the_pipe() {
    let dir = tempfile::tempdir().unwrap();
    let model = iris_model(dir.path());
    let out = predict_to(&model, Path::new("/dev/stdout"));
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(String::from_utf8_lossy(&out.stdout).lines().count(), 151);
}

#[test]
fn npy_into_a_closed_pipe_exits_quietly() {
    let dir = tempfile::tempdir().unwrap();
    let model = iris_model(dir.path());
    let mut child = pgml()
        .args(["predict", "--format", "npy", "--data"])
        .arg(repo("datasets/iris.csv"))
        .arg("--model")
        .arg(&model)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stdout.take());
    let mut stderr = String::new();
    child
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut stderr)
        .unwrap();
    assert_eq!(child.wait().unwrap().code(), Some(0), "{stderr}");
    assert_eq!(stderr, "");
}

/// An output in a directory that does not exist is named with its directory, not with the
/// temporary file pgml-cli would have written first (`.pgml-cli-<pid>-....tmp`).
#[test]
fn a_missing_output_directory_is_named() {
    let dir = tempfile::tempdir().unwrap();
    let model = iris_model(dir.path());
    let out = pgml()
        .current_dir(dir.path())
        .args(["predict", "--data"])
        .arg(repo("datasets/iris.csv"))
        .arg("--model")
        .arg(&model)
        .args(["--output", "nodir/p.csv"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        String::from_utf8_lossy(&out.stderr),
        "pgml-cli: error: nodir/p.csv: no directory nodir to write it in\n"
    );
}
