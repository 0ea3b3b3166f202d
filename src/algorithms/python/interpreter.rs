//! The embedded CPython: which environment it uses, starting it once, and the module pgml-cli
//! runs in it. Nothing here runs unless a Python algorithm or model is used.

use std::ffi::CString;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use pyo3::ffi;
use pyo3::prelude::*;
use pyo3::types::PyModule;

use crate::error::{Error, Result};

/// The wrapper module, compiled into the binary.
const MODULE: &str = include_str!("../../../python/pgml_runtime.py");

/// Where the environment is looked for when nothing names one: the checkout's `.venv`, which
/// scripts/setup-python.sh creates.
const DEFAULT_ENV: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/.venv");

/// Set by the command line before any Python runs.
#[derive(Default, Clone)]
pub struct Settings {
    /// `--python-env`
    pub env: Option<PathBuf>,
    /// `--verbose`: Python tracebacks on errors.
    pub verbose: bool,
}

static SETTINGS: OnceLock<Settings> = OnceLock::new();
static MODULE_HANDLE: OnceLock<std::result::Result<Py<PyModule>, Error>> = OnceLock::new();

pub fn configure(settings: Settings) {
    let _ = SETTINGS.set(settings);
}

pub fn verbose() -> bool {
    SETTINGS.get().is_some_and(|s| s.verbose)
}

/// The environment to use and what named it: --python-env, PGML_PYTHON_ENV, VIRTUAL_ENV, default.
pub fn environment() -> (PathBuf, &'static str) {
    if let Some(env) = SETTINGS.get().and_then(|s| s.env.clone()) {
        return (env, "--python-env");
    }
    for var in ["PGML_PYTHON_ENV", "VIRTUAL_ENV"] {
        if let Some(env) = std::env::var_os(var).filter(|v| !v.is_empty()) {
            return (PathBuf::from(env), var);
        }
    }
    (PathBuf::from(DEFAULT_ENV), "the default location")
}

/// Checks that `env` is a virtual environment of the Python this binary links.
fn check_environment(env: &Path, named_by: &str) -> Result<PathBuf> {
    let python = env.join("bin").join("python");
    let hint =
        "create it with scripts/setup-python.sh, or name one with --python-env / PGML_PYTHON_ENV";
    if !python.exists() {
        return Err(Error::Runtime(format!(
            "no Python environment at {} (from {named_by}); {hint}",
            env.display()
        )));
    }
    let cfg = std::fs::read_to_string(env.join("pyvenv.cfg")).unwrap_or_default();
    let version = cfg
        .lines()
        .filter_map(|l| l.split_once('='))
        .find(|(k, _)| matches!(k.trim(), "version" | "version_info"))
        .map(|(_, v)| v.trim().to_string());
    let linked = env!("PGML_PYTHON_VERSION");
    if let Some(version) = version {
        if !version.starts_with(&format!("{linked}.")) && version != linked {
            return Err(Error::Runtime(format!(
                "the Python environment at {} is Python {version}, but pgml-cli was built against Python {linked}; {hint}",
                env.display()
            )));
        }
    }
    Ok(python)
}

/// Starts the interpreter with the environment's python as `sys.executable` (so `sys.prefix`,
/// site-packages and any worker processes use the environment, whatever PATH says), with
/// Python's SIGINT handler so Ctrl-C interrupts a fit as KeyboardInterrupt.
fn start(python: &Path) -> Result<()> {
    let executable = CString::new(python.as_os_str().as_encoded_bytes())
        .map_err(|_| Error::Runtime(format!("{}: not a usable path", python.display())))?;
    let fail = |what: &str| Error::Runtime(format!("the embedded Python did not start ({what})"));
    // SAFETY: the documented PyConfig sequence on a zeroed config, before any other Python call.
    unsafe {
        let mut config: ffi::PyConfig = std::mem::zeroed();
        ffi::PyConfig_InitPythonConfig(&mut config);
        config.install_signal_handlers = 1;
        config.parse_argv = 0;
        let status =
            ffi::PyConfig_SetBytesString(&mut config, &mut config.executable, executable.as_ptr());
        if ffi::PyStatus_Exception(status) != 0 {
            ffi::PyConfig_Clear(&mut config);
            return Err(fail("executable"));
        }
        let mut argv = [c"pgml-cli".as_ptr()];
        let status = ffi::PyConfig_SetBytesArgv(&mut config, 1, argv.as_mut_ptr());
        if ffi::PyStatus_Exception(status) != 0 {
            ffi::PyConfig_Clear(&mut config);
            return Err(fail("argv"));
        }
        let status = ffi::Py_InitializeFromConfig(&config);
        ffi::PyConfig_Clear(&mut config);
        if ffi::PyStatus_Exception(status) != 0 {
            return Err(fail("Py_InitializeFromConfig"));
        }
        // Initialization leaves this thread holding the GIL; PyO3 takes it when needed.
        ffi::PyEval_SaveThread();
    }
    Ok(())
}

static STARTED: OnceLock<Result<()>> = OnceLock::new();

/// Runs `f` with the GIL held and the wrapper module loaded, starting Python on first use.
pub fn with_python<T>(f: impl FnOnce(Python<'_>, &Bound<'_, PyModule>) -> Result<T>) -> Result<T> {
    STARTED
        .get_or_init(|| {
            let (env, named_by) = environment();
            start(&check_environment(&env, named_by)?)
        })
        .clone()?;
    Python::attach(|py| {
        let module = module(py)?;
        let _stdout = StdoutToStderr::new();
        f(py, &module)
    })
}

fn module(py: Python<'_>) -> Result<Bound<'_, PyModule>> {
    let handle = MODULE_HANDLE.get_or_init(|| {
        let code = CString::new(MODULE)
            .map_err(|_| Error::Runtime("the Python module has a NUL byte".into()))?;
        let module =
            PyModule::from_code(py, &code, c"pgml_runtime.py", c"pgml_runtime").map_err(|e| {
                Error::Runtime(format!("the Python runtime module failed to load: {e}"))
            })?;
        module
            .call_method0("setup")
            .map_err(|e| Error::Runtime(format!("Python setup failed: {e}")))?;
        Ok(module.unbind())
    });
    match handle {
        Ok(module) => Ok(module.bind(py).clone()),
        Err(e) => Err(e.clone()),
    }
}

/// Points file descriptor 1 at stderr while Python runs: C libraries (LightGBM, CatBoost) print
/// progress with printf, which would corrupt predictions or JSON reports on stdout.
struct StdoutToStderr {
    saved: libc::c_int,
}

impl StdoutToStderr {
    fn new() -> Self {
        // SAFETY: plain descriptor calls; a failed dup leaves stdout as it was.
        let saved = unsafe { libc::dup(1) };
        if saved >= 0 {
            unsafe { libc::dup2(2, 1) };
        }
        StdoutToStderr { saved }
    }
}

impl Drop for StdoutToStderr {
    fn drop(&mut self) {
        if self.saved >= 0 {
            // SAFETY: flush C stdio buffers written while redirected, then restore descriptor 1.
            unsafe {
                libc::fflush(std::ptr::null_mut());
                libc::dup2(self.saved, 1);
                libc::close(self.saved);
            }
        }
    }
}

/// A Python exception as one line (plus the traceback with --verbose), mapped to pgml-cli's errors.
pub fn error(py: Python<'_>, err: PyErr, doing: &str) -> Error {
    if verbose() {
        err.display(py);
    }
    let kind = err
        .get_type(py)
        .name()
        .map(|n| n.to_string())
        .unwrap_or_else(|_| "Exception".into());
    // One line whatever the library wrote (skops' refusals span paragraphs).
    let message = err
        .value(py)
        .to_string()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    match kind.as_str() {
        "KeyboardInterrupt" => Error::Interrupted,
        "MissingPackage" | "ModuleNotFoundError" | "ImportError" => {
            let (env, named_by) = environment();
            Error::Runtime(format!(
                "{message} (Python environment {}, from {named_by})",
                env.display()
            ))
        }
        "BadHyperparameters" => Error::Usage(message),
        "UnsafeModel" => Error::Model(message),
        "ClusterUnavailable" => Error::Io(message),
        "BadData" => Error::Data(message),
        _ => Error::Fit(format!("{doing}: {kind}: {message}")),
    }
}
