//! `pgml-cli algorithms`

use std::fmt::Write;

use serde_json::{json, Value};

use crate::algorithms::params::RANDOM_STATE;
use crate::algorithms::{self, Algorithm, Runtime, ALGORITHMS};
use crate::error::Result;
use crate::task::Task;

use super::{print, print_json, ReportFormat};

#[derive(clap::Args)]
pub struct Args {
    /// Show one algorithm: its implementations and native hyperparameters
    name: Option<String>,
    /// Only algorithms for this task
    #[arg(long, value_enum)]
    task: Option<Task>,
    #[arg(long, value_enum, default_value_t = ReportFormat::Human)]
    format: ReportFormat,
}

fn runtime_label(runtime: Runtime) -> String {
    if runtime.available() {
        runtime.name().to_string()
    } else {
        format!("{} (not in this build)", runtime.name())
    }
}

pub fn run(args: Args) -> Result<i32> {
    if let Some(name) = &args.name {
        return show(algorithms::find(name)?, args.format);
    }
    let rows: Vec<(&Algorithm, Task)> = ALGORITHMS
        .iter()
        .flat_map(|a| a.tasks().into_iter().map(move |t| (a, t)))
        .filter(|(_, t)| args.task.is_none_or(|task| task == *t))
        .collect();
    if args.format == ReportFormat::Json {
        let list: Vec<_> = rows
            .iter()
            .map(|(a, t)| {
                let runtimes: Vec<_> = a
                    .runtimes(*t)
                    .iter()
                    .map(|r| json!({"name": r.name(), "available": r.available()}))
                    .collect();
                json!({"name": a.name, "aliases": a.aliases, "task": t, "runtimes": runtimes})
            })
            .collect();
        print_json(&json!({"algorithms": list, "python": python_status()}))?;
        return Ok(0);
    }
    let mut text = format!("{:<36}{:<16}{}\n", "ALGORITHM", "TASK", "RUNTIMES");
    for (a, t) in rows {
        let runtimes: Vec<String> = a.runtimes(t).into_iter().map(runtime_label).collect();
        let _ = writeln!(
            text,
            "{:<36}{:<16}{}",
            a.name,
            t.name(),
            runtimes.join(", ")
        );
    }
    let status = python_status();
    let _ = write!(text, "\npython runtime: ");
    match (&status["environment"], &status["packages"]) {
        (Value::String(env), Value::Object(packages)) => {
            let found: Vec<String> = packages
                .iter()
                .map(|(name, version)| {
                    format!("{name} {}", version.as_str().unwrap_or("(missing)"))
                })
                .collect();
            let _ = writeln!(text, "{env}\n  {}", found.join(", "));
        }
        _ => {
            let _ = writeln!(
                text,
                "{}",
                status["error"].as_str().unwrap_or("unavailable")
            );
        }
    }
    print(&text)?;
    Ok(0)
}

/// Which Python environment the runtime uses and the package versions it finds there.
#[cfg(feature = "python")]
fn python_status() -> Value {
    use crate::algorithms::python;
    let (env, named_by) = python::interpreter::environment();
    match python::versions() {
        Ok(versions) => {
            json!({"environment": format!("{} ({named_by})", env.display()), "packages": versions})
        }
        Err(e) => json!({"error": e.to_string()}),
    }
}

#[cfg(not(feature = "python"))]
fn python_status() -> Value {
    json!({"error": "not in this build (built without the `python` feature)"})
}

fn show(algorithm: &Algorithm, format: ReportFormat) -> Result<i32> {
    let tasks = algorithm.tasks();
    if format == ReportFormat::Json {
        let details: Vec<_> = tasks
            .iter()
            .map(|&t| {
                let native = algorithm.native_for(t).map(|n| {
                    let params: Vec<_> = n
                        .params()
                        .iter()
                        .chain(std::iter::once(&RANDOM_STATE))
                        .map(|p| json!({"name": p.name, "default": serde_json::from_str::<serde_json::Value>(p.default).ok(), "help": p.help}))
                        .collect();
                    json!({"backend": n.backend().name(), "version": n.backend().version(), "hyperparams": params})
                });
                json!({
                    "task": t,
                    "native": native,
                    "python_class": algorithm.python_class(t),
                    "python_available": Runtime::Python.available(),
                    "python_multi_output_wrapper": t == Task::Regression && algorithm.python_single_target,
                })
            })
            .collect();
        print_json(
            &json!({"name": algorithm.name, "aliases": algorithm.aliases, "tasks": details}),
        )?;
        return Ok(0);
    }
    let mut text = format!("{}\n", algorithm.name);
    if !algorithm.aliases.is_empty() {
        let _ = writeln!(text, "  also spelled: {}", algorithm.aliases.join(", "));
    }
    for t in tasks {
        let _ = writeln!(text, "\n{t}:");
        if let Some(class) = algorithm.python_class(t) {
            let availability = if Runtime::Python.available() {
                ""
            } else {
                " (not in this build)"
            };
            let wrapped = if t == Task::Regression && algorithm.python_single_target {
                "; several targets through MultiOutputRegressor"
            } else {
                ""
            };
            let _ = writeln!(text, "  python: {class}{availability}{wrapped}");
        }
        if let Some(native) = algorithm.native_for(t) {
            let _ = writeln!(
                text,
                "  rust: {} {}, hyperparameters:",
                native.backend().name(),
                native.backend().version()
            );
            for p in native.params().iter().chain(std::iter::once(&RANDOM_STATE)) {
                let _ = writeln!(text, "    {:<20}{:<12}{}", p.name, p.default, p.help);
            }
        }
    }
    print(&text)?;
    Ok(0)
}
