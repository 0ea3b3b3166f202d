//! The command line: one file per subcommand, each turning flags into a request for the layers
//! below and printing the result. No machine learning happens here.

mod algorithms;
mod datasets;
mod deploy;
mod info;
mod models;
mod predict;
mod projects;
mod score;
mod train;

use std::io::Write;

use clap::{Parser, Subcommand};

use crate::error::{Error, Result};

#[derive(Parser)]
#[command(
    name = "pgml-cli",
    version,
    about = "Train and predict with PostgresML's algorithms from the command line"
)]
pub struct Cli {
    #[command(subcommand)]
    command: Command,
    /// Python virtual environment for the python runtime [default: $PGML_PYTHON_ENV, then
    /// $VIRTUAL_ENV, then the .venv of the checkout pgml-cli was built in]
    #[arg(long, global = true, value_name = "DIR")]
    python_env: Option<std::path::PathBuf>,
    /// Show Python tracebacks with errors
    #[arg(long, short, global = true)]
    verbose: bool,
}

#[derive(Subcommand)]
enum Command {
    /// Train a model on a CSV, Parquet or NPY dataset, report its test metrics and save it
    Train(Box<train::Args>),
    /// Predict with a saved model for new rows (CSV, Parquet, NPY or stdin)
    Predict(predict::Args),
    /// Score a saved model on labelled rows: metrics, per-class report, confusion matrix
    Score(score::Args),
    /// Show what a model file holds
    Info(info::Args),
    /// List the algorithms, their tasks and runtimes, or one algorithm's hyperparameters
    Algorithms(algorithms::Args),
    /// List the bundled toy datasets, or print one as CSV
    Datasets(datasets::Args),
    /// Deploy one of a project's models: by strategy (best_score, most_recent, rollback) or id
    Deploy(deploy::Args),
    /// List a registry's models (the deployed one marked), export one to a file, import a file
    Models(models::Args),
    /// List a registry's projects, their model counts and deployed models
    Projects(projects::Args),
}

/// Runs the command; `Ok` carries the exit code.
pub fn run(cli: Cli) -> Result<i32> {
    #[cfg(feature = "python")]
    crate::algorithms::python::interpreter::configure(
        crate::algorithms::python::interpreter::Settings {
            env: cli.python_env.clone(),
            verbose: cli.verbose,
        },
    );
    #[cfg(not(feature = "python"))]
    let _ = (&cli.python_env, cli.verbose);
    match cli.command {
        Command::Train(args) => train::run(*args),
        Command::Predict(args) => predict::run(args),
        Command::Score(args) => score::run(args),
        Command::Info(args) => info::run(args),
        Command::Algorithms(args) => algorithms::run(args),
        Command::Datasets(args) => datasets::run(args),
        Command::Deploy(args) => deploy::run(args),
        Command::Models(args) => models::run(args),
        Command::Projects(args) => projects::run(args),
    }
}

/// How a CSV input is written (train, predict, score).
#[derive(clap::Args)]
pub struct DialectArgs {
    /// CSV field delimiter, one ASCII character ('tab' for a tab) [default: tab for .tsv/.tab
    /// files, else ',']
    #[arg(long, value_name = "CHAR")]
    delimiter: Option<String>,
    /// Numbers in the CSV are written with a decimal comma (3,14); needs a delimiter other than ','
    #[arg(long)]
    decimal_comma: bool,
}

impl DialectArgs {
    pub fn for_file(&self, data: &std::path::Path) -> Result<crate::data::input::Dialect> {
        crate::data::input::Dialect::new(self.delimiter.as_deref(), self.decimal_comma, data)
    }
}

/// Where the project registry is (deploy, models, projects).
#[derive(clap::Args)]
pub struct StoreArgs {
    /// Registry: a database file or a postgresql:// URL [default: $PGML_STORE, else
    /// ./.pgml/registry.db]
    #[arg(long, value_name = "PATH|URL")]
    store: Option<std::path::PathBuf>,
}

impl StoreArgs {
    pub fn path(&self) -> std::path::PathBuf {
        crate::registry::location(self.store.as_deref())
    }
}

/// How reports are printed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum ReportFormat {
    /// For people
    Human,
    /// One JSON object, for scripts
    Json,
}

/// Writes to stdout; a closed pipe becomes `Error::BrokenPipe` (a quiet exit), not a panic.
pub fn print(text: &str) -> Result<()> {
    let mut out = std::io::stdout().lock();
    out.write_all(text.as_bytes())
        .and_then(|_| out.flush())
        .map_err(|e| Error::io("<stdout>", e))
}

pub fn print_json(value: &serde_json::Value) -> Result<()> {
    let text =
        serde_json::to_string_pretty(value).map_err(|e| Error::Io(format!("<stdout>: {e}")))?;
    print(&format!("{text}\n"))
}

/// A fixed-precision metric for people (JSON keeps full precision).
pub fn metric(value: f64) -> String {
    // A diverged fit's mean_squared_error of 3e54 reads better as such than as 55 digits.
    if value.abs() >= 1e9 {
        format!("{value:.6e}")
    } else {
        format!("{value:.6}")
    }
}
