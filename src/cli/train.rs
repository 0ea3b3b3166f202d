//! `pgml-cli train`

use std::fmt::Write;
use std::path::PathBuf;

use crate::algorithms::params;
use crate::algorithms::Runtime;
use crate::data::input::Dialect;
use crate::data::split::Sampling;
use crate::data::DataSource;
use crate::error::{Error, Result};
use crate::model::Header;
use crate::progress::Progress;
use crate::task::Task;
use crate::train::{self, TrainRequest};

use super::{metric, print, print_json, ReportFormat};

#[derive(clap::Args)]
pub struct Args {
    /// Training data: CSV with a header, an NPY features matrix, or - for CSV on stdin
    #[arg(long, value_name = "FILE")]
    data: PathBuf,
    /// CSV field delimiter, one ASCII character ('tab' for a tab) [default: tab for .tsv/.tab
    /// files, else ',']
    #[arg(long, value_name = "CHAR")]
    delimiter: Option<String>,
    /// Numbers in the CSV are written with a decimal comma (3,14); needs a delimiter other than ','
    #[arg(long)]
    decimal_comma: bool,
    /// NPY labels for NPY --data (1-D, or 2-D for several regression targets)
    #[arg(long, value_name = "FILE")]
    labels: Option<PathBuf>,
    /// Target column (repeat, or separate with commas, for multi-target regression)
    #[arg(long = "target", value_name = "COLUMN", value_delimiter = ',')]
    targets: Vec<String>,
    /// Feature columns, comma-separated [default: every column that is not a target]
    #[arg(long, value_name = "COLUMNS", value_delimiter = ',')]
    features: Option<Vec<String>>,
    #[arg(long, value_enum)]
    task: Task,
    /// Algorithm name (`pgml-cli algorithms` lists them)
    #[arg(long, default_value = "linear")]
    algorithm: String,
    /// Runtime [default: rust where the algorithm has a native implementation]
    #[arg(long, value_enum)]
    runtime: Option<Runtime>,
    /// Hyperparameters as a JSON object, e.g. '{"alpha": 0.5}'
    #[arg(long, value_name = "JSON")]
    hyperparams: Option<String>,
    /// Test rows: a fraction (<= 1), a row count (> 1), or 0 to train on every row
    #[arg(long, default_value_t = 0.25)]
    test_size: f64,
    /// Which rows are test rows
    #[arg(long, value_enum, default_value_t = Sampling::Random)]
    test_sampling: Sampling,
    /// Seed for the split and the estimator
    #[arg(long, default_value_t = 0)]
    seed: u64,
    /// Model file to write [default: <data name>-<algorithm>.pgml]
    #[arg(long, short, value_name = "FILE")]
    output: Option<PathBuf>,
    /// Overwrite the model file if it exists
    #[arg(long)]
    force: bool,
    #[arg(long, value_enum, default_value_t = ReportFormat::Human)]
    format: ReportFormat,
    /// Fail (exit 6) when a test metric is below VALUE, e.g. r2=0.4 (repeatable)
    #[arg(long = "min-metric", value_name = "NAME=VALUE", value_parser = parse_gate)]
    min_metric: Vec<(String, f64)>,
    /// Fail (exit 6) when a test metric is above VALUE, e.g. mean_squared_error=10 (repeatable)
    #[arg(long = "max-metric", value_name = "NAME=VALUE", value_parser = parse_gate)]
    max_metric: Vec<(String, f64)>,
    /// No progress display
    #[arg(long, short)]
    quiet: bool,
}

fn parse_gate(text: &str) -> std::result::Result<(String, f64), String> {
    let (name, value) = text
        .split_once('=')
        .ok_or("expected NAME=VALUE, e.g. r2=0.4")?;
    let value = value
        .trim()
        .parse::<f64>()
        .ok()
        .filter(|v| v.is_finite())
        .ok_or_else(|| format!("'{value}' is not a finite number"))?;
    Ok((name.trim().to_string(), value))
}

pub fn run(args: Args) -> Result<i32> {
    let known = train::metric_names(args.task);
    for (name, _) in args.min_metric.iter().chain(&args.max_metric) {
        if !known.contains(&name.as_str()) {
            return Err(Error::usage(format!(
                "{} has no metric '{name}' (it has: {})",
                args.task,
                known.join(", ")
            )));
        }
    }
    let dialect = Dialect::new(args.delimiter.as_deref(), args.decimal_comma, &args.data)?;
    let data = DataSource::from_args(&args.data, args.labels.as_deref(), dialect);
    let output = args
        .output
        .clone()
        .unwrap_or_else(|| train::default_output(&data, &args.algorithm));
    let request = TrainRequest {
        hyperparams: params::parse_json(args.hyperparams.as_deref())?,
        data,
        features: args.features,
        targets: args.targets,
        task: args.task,
        algorithm: args.algorithm,
        runtime: args.runtime,
        test_size: args.test_size,
        sampling: args.test_sampling,
        seed: args.seed,
        output: output.clone(),
        force: args.force,
    };
    let header = train::train(&request, Progress::new(args.quiet))?;
    match args.format {
        ReportFormat::Human => print(&human_report(&header, &output))?,
        ReportFormat::Json => {
            let mut report = serde_json::to_value(&header).map_err(|e| Error::Io(e.to_string()))?;
            if let Some(object) = report.as_object_mut() {
                object.insert("model".into(), output.display().to_string().into());
            }
            print_json(&report)?;
        }
    }
    check_gates(&header, &args.min_metric, &args.max_metric)?;
    Ok(0)
}

fn human_report(header: &Header, path: &std::path::Path) -> String {
    let mut text = String::new();
    let _ = writeln!(
        text,
        "trained {} ({}, {} runtime: {} {}) on {} of {} rows of {}",
        header.algorithm,
        header.task,
        header.runtime.name(),
        header.backend.name,
        header.backend.version,
        header.split.train_rows,
        header.data.rows,
        header.data.source
    );
    let _ = writeln!(text, "model written to {}", path.display());
    if header.split.test_rows == 0 {
        let _ = writeln!(text, "no test rows (--test-size 0): no test metrics");
    } else {
        let _ = writeln!(
            text,
            "test metrics on {} rows ({} sampling, seed {}):",
            header.split.test_rows,
            header.split.sampling.name(),
            header.seed
        );
        let key = header.task.key_metric();
        for (name, value) in header.metrics.iter().filter(|(n, _)| !n.ends_with("_time")) {
            let mark = if name == key { "  (key metric)" } else { "" };
            let _ = writeln!(text, "  {name:<32}{}{mark}", metric(*value));
        }
    }
    let seconds = |name: &str| {
        header
            .metrics
            .get(name)
            .map_or("-".to_string(), |s| format!("{s:.3}s"))
    };
    let _ = writeln!(
        text,
        "fit_time {}  score_time {}",
        seconds("fit_time"),
        seconds("score_time")
    );
    text
}

fn check_gates(header: &Header, min: &[(String, f64)], max: &[(String, f64)]) -> Result<()> {
    let mut failures = Vec::new();
    let gates = min
        .iter()
        .map(|g| (g, true))
        .chain(max.iter().map(|g| (g, false)));
    for ((name, limit), is_min) in gates {
        match header.metrics.get(name) {
            None => failures.push(format!(
                "{name} was not computed for this model (no test rows, or no probabilities)"
            )),
            Some(&value) if !value.is_finite() => failures.push(format!(
                "{name} = {value} is not a number, which meets no limit"
            )),
            Some(&value) if is_min && value < *limit => failures.push(format!(
                "{name} = {} is below the minimum {limit}",
                metric(value)
            )),
            Some(&value) if !is_min && value > *limit => failures.push(format!(
                "{name} = {} is above the maximum {limit}",
                metric(value)
            )),
            Some(_) => {}
        }
    }
    if failures.is_empty() {
        Ok(())
    } else {
        Err(Error::Gate(failures.join("; ")))
    }
}
