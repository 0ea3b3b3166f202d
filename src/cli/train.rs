//! `pgml-cli train`

use std::fmt::Write;
use std::path::{Path, PathBuf};

use crate::algorithms::params;
use crate::algorithms::Runtime;
use crate::data::split::Sampling;
use crate::data::{plural, DataSource};
use crate::error::{Error, Result};
use crate::model::Header;
use crate::preprocess::Spec;
use crate::progress::Progress;
use crate::registry::{self, Recorded};
use crate::runtime::Cluster;
use crate::search;
use crate::task::Task;
use crate::train::{self, TrainRequest};

use super::{metric, print, print_json, DialectArgs, ReportFormat};

#[derive(clap::Args)]
pub struct Args {
    /// Training data: CSV with a header, Parquet, an NPY features matrix, - for CSV on stdin, or
    /// a PostgreSQL table ('postgresql://user@host/db?table=schema.name') or --query
    #[arg(long, value_name = "FILE|URL")]
    data: PathBuf,
    /// With a postgresql:// --data: the rows of this SQL query (run read-only) instead of a table
    #[arg(long, value_name = "SQL")]
    query: Option<String>,
    #[command(flatten)]
    dialect: DialectArgs,
    /// NPY labels for NPY --data (1-D, or 2-D for several regression targets)
    #[arg(long, value_name = "FILE")]
    labels: Option<PathBuf>,
    /// Target column (repeat, or separate with commas, for multi-target regression)
    #[arg(long = "target", value_name = "COLUMN", value_delimiter = ',')]
    targets: Vec<String>,
    /// Feature columns, comma-separated [default: every column that is not a target or ignored]
    #[arg(long, value_name = "COLUMNS", value_delimiter = ',')]
    features: Option<Vec<String>>,
    /// Columns to leave out of the default features, comma-separated (ids, free text)
    #[arg(
        long,
        value_name = "COLUMNS",
        value_delimiter = ',',
        conflicts_with = "features"
    )]
    ignore: Vec<String>,
    /// Columns to treat as categories even though they hold numbers (codes), comma-separated
    #[arg(long, value_name = "COLUMNS", value_delimiter = ',')]
    categorical: Vec<String>,
    /// Preprocessing as PostgresML's JSON: '{"COLUMN": {"impute": "mean", "scale": "standard",
    /// "encode": "one_hot"}, "*": {...}}' ("*": every column the option fits)
    #[arg(long, value_name = "JSON")]
    preprocess: Option<String>,
    /// Labelled rows to score on instead of a split of --data (the same columns)
    #[arg(long, value_name = "FILE", conflicts_with_all = ["test_size", "test_sampling"])]
    test_data: Option<PathBuf>,
    #[arg(long, value_enum)]
    task: Task,
    /// Algorithm name (`pgml-cli algorithms` lists them); several separated by commas, or `all`,
    /// train each on the same split and keep the best by the key metric
    #[arg(long, default_value = "linear")]
    algorithm: String,
    /// Runtime [default: rust where the algorithm has a native implementation that takes the
    /// hyperparameters given, else python]
    #[arg(long, value_enum)]
    runtime: Option<Runtime>,
    /// Fit xgboost, xgboost_random_forest or lightgbm on this Dask cluster's workers
    /// (tcp://scheduler:8786) [default: $DASK_SCHEDULER_ADDRESS, for those algorithms only]
    #[arg(long, value_name = "ADDRESS")]
    cluster: Option<String>,
    /// With --cluster: the workers read --data themselves (a Parquet file at a path they can
    /// open, a row group each; or PostgreSQL, ranges of --partition-by), so the rows never pass
    /// through this machine; number and boolean features only
    #[arg(long, requires = "cluster")]
    workers_read: bool,
    /// With --workers-read from PostgreSQL: the integer column whose ranges the workers read
    /// (a hash of its value and --seed holds rows out)
    #[arg(long, value_name = "COLUMN", requires = "workers_read")]
    partition_by: Option<String>,
    /// Hyperparameters as a JSON object, e.g. '{"alpha": 0.5}' (with --search: what every
    /// candidate starts from)
    #[arg(long, value_name = "JSON")]
    hyperparams: Option<String>,
    /// Search hyperparameters by cross-validation on the train rows, then refit the best
    #[arg(long, value_enum, requires = "search_params")]
    search: Option<search::Method>,
    /// Values to search, a JSON object of lists: '{"max_depth": [2, 4], "n_estimators": [20, 40]}'
    #[arg(long, value_name = "JSON", requires = "search")]
    search_params: Option<String>,
    /// '{"cv": 5, "n_iter": 10}': folds, and candidates drawn by --search random
    #[arg(long, value_name = "JSON", requires = "search")]
    search_args: Option<String>,
    /// The metric that ranks candidates [default: the key metric, r2 or f1]
    #[arg(long, value_name = "NAME", requires = "search")]
    search_metric: Option<String>,
    /// Test rows: a fraction (<= 1), a row count (> 1), or 0 to train on every row
    #[arg(long, default_value_t = 0.25, allow_hyphen_values = true)]
    test_size: f64,
    /// Which rows are test rows
    #[arg(long, value_enum, default_value_t = Sampling::Random)]
    test_sampling: Sampling,
    /// Seed for the split and the estimator
    #[arg(long, default_value_t = 0, allow_negative_numbers = true)]
    seed: u64,
    /// Record the model in this project of the registry (created on first use with the task) and
    /// deploy it when it beats the deployed model's key metric; no model file is written unless
    /// --output is given
    #[arg(long, value_name = "NAME")]
    project: Option<String>,
    /// Registry for --project: a database file or a postgresql:// URL [default: $PGML_STORE,
    /// else ./.pgml/registry.db]
    #[arg(long, value_name = "PATH|URL", requires = "project")]
    store: Option<PathBuf>,
    /// Record the model in the project without deploying it
    #[arg(long, requires = "project")]
    no_deploy: bool,
    /// Model file to write [default: <data name>-<algorithm>.pgml; none with --project]
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

pub fn parse_gate(text: &str) -> std::result::Result<(String, f64), String> {
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

/// Gates name metrics the task reports; checked before any work.
pub fn check_gate_names(task: Task, min: &[(String, f64)], max: &[(String, f64)]) -> Result<()> {
    let known = train::metric_names(task);
    for (name, _) in min.iter().chain(max) {
        if !known.contains(&name.as_str()) {
            return Err(Error::usage(format!(
                "{task} has no metric '{name}' (it has: {})",
                known.join(", ")
            )));
        }
    }
    Ok(())
}

pub fn run(args: Args) -> Result<i32> {
    check_gate_names(args.task, &args.min_metric, &args.max_metric)?;
    if args.data.as_os_str() == "-" && args.test_data.as_deref() == Some(Path::new("-")) {
        return Err(Error::usage(
            "--data - and --test-data - would both read standard input, which is read once: give one of them a file",
        ));
    }
    let dialect = args.dialect.for_file(&args.data)?;
    let data = DataSource::from_args(&args.data, args.labels.as_deref(), dialect)
        .with_query(args.query)?;
    let preprocess = Spec::parse(args.preprocess.as_deref())?;
    let algorithms = crate::algorithms::names(&args.algorithm, args.task);
    let several = algorithms.len() > 1;
    if args.project.is_some() && args.output.is_none() && args.force {
        return Err(Error::usage(
            "--force replaces the model file; with --project none is written unless --output is given",
        ));
    }
    // The registry is opened (created) and the project checked before any fitting.
    let mut project = match &args.project {
        Some(name) => {
            let mut store = registry::open_or_create(&registry::location(args.store.as_deref()))?;
            store.check_project(name, args.task)?;
            Some((name.clone(), store))
        }
        None => None,
    };
    // With --project and no --output the registry holds the model: train writes a scratch file.
    if let Some(url) = args
        .output
        .as_deref()
        .and_then(|o| o.to_str())
        .filter(|o| crate::postgres::is_url(o))
    {
        return Err(Error::usage(format!(
            "--output {}: train writes a model file (keep models in PostgreSQL with --project and --store URL)",
            crate::postgres::redacted(url)
        )));
    }
    let scratch = match (&args.project, &args.output) {
        (Some(_), None) => {
            Some(tempfile::tempdir().map_err(|e| Error::io("temporary directory", e))?)
        }
        _ => None,
    };
    let output = match (&scratch, &args.output) {
        (Some(dir), _) => dir.path().join("model.pgml"),
        (None, Some(path)) => path.clone(),
        (None, None) => {
            train::default_output(&data, if several { "best" } else { &args.algorithm })
        }
    };
    let written = scratch.is_none().then_some(output.as_path());
    let request = TrainRequest {
        hyperparams: params::parse_json(args.hyperparams.as_deref())?,
        data,
        test_data: args
            .test_data
            .as_deref()
            .map(|path| {
                DataSource::from_args(path, None, args.dialect.for_file(path)?).with_query(None)
            })
            .transpose()?,
        features: args.features,
        ignore: args.ignore,
        categorical: args.categorical,
        preprocess,
        search: args
            .search
            .map(|method| {
                search::SearchSpec::parse(
                    method,
                    args.search_params.as_deref(),
                    args.search_args.as_deref(),
                    args.search_metric.clone(),
                )
            })
            .transpose()?,
        targets: args.targets,
        task: args.task,
        algorithm: args.algorithm,
        runtime: args.runtime,
        test_size: args.test_size,
        sampling: args.test_sampling,
        seed: args.seed,
        output: output.clone(),
        force: args.force,
        cluster: cluster(args.cluster),
        workers_read: args.workers_read.then(|| crate::train::WorkersRead {
            partition_by: args.partition_by,
        }),
    };
    if several {
        // In a project every model that trained is recorded, each under the deploy rule.
        let mut recorded = Vec::new();
        let mut record = |path: &std::path::Path| -> Result<()> {
            if let Some((name, store)) = &mut project {
                recorded
                    .push(registry::record_file(store.as_mut(), name, path, !args.no_deploy)?.1);
            }
            Ok(())
        };
        let (entries, best) = train::train_each(
            &request,
            &algorithms,
            Progress::new(args.quiet),
            &mut record,
        )?;
        let header = entries[best].result.as_ref().map_err(Clone::clone)?.clone();
        let project = project.as_ref().map(|(name, _)| name.as_str());
        match args.format {
            ReportFormat::Human => {
                print(&leaderboard(&entries, best, args.task))?;
                print(&human_report(&header, written, None, None, false))?;
                if let (Some(name), Some(last)) = (project, recorded.last()) {
                    let ids: Vec<String> =
                        recorded.iter().map(|r| r.model_id.to_string()).collect();
                    let deployed = last
                        .deployed_model_id
                        .map_or("none".to_string(), |id| format!("model {id}"));
                    print(&format!(
                        "recorded as models {} of project {}; deployed: {deployed}\n",
                        ids.join(", "),
                        crate::data::quote(name)
                    ))?;
                }
            }
            ReportFormat::Json => {
                let board: Vec<serde_json::Value> = entries
                    .iter()
                    .map(|e| match &e.result {
                        Ok(h) => serde_json::json!({
                            "algorithm": e.algorithm,
                            "runtime": h.runtime,
                            "metrics": crate::model::metrics_json(&h.metrics),
                        }),
                        Err(why) => serde_json::json!({
                            "algorithm": e.algorithm,
                            "error": why.line(),
                        }),
                    })
                    .collect();
                let mut report =
                    serde_json::to_value(&header).map_err(|e| Error::Io(e.to_string()))?;
                if let Some(object) = report.as_object_mut() {
                    let path = written.map(|p| p.display().to_string());
                    object.insert("model".into(), path.into());
                    object.insert("leaderboard".into(), board.into());
                    if let Some(name) = project {
                        object.insert("project".into(), name.into());
                        let ids: Vec<i64> = recorded.iter().map(|r| r.model_id).collect();
                        object.insert("model_ids".into(), ids.into());
                        object.insert(
                            "deployed_model_id".into(),
                            recorded.last().and_then(|r| r.deployed_model_id).into(),
                        );
                    }
                }
                print_json(&report)?;
            }
        }
        check_gates(&header.metrics, &args.min_metric, &args.max_metric)?;
        return Ok(0);
    }
    let header = train::train(&request, Progress::new(args.quiet))?;
    let gates = check_gates(&header.metrics, &args.min_metric, &args.max_metric);
    // A model that fails its gates is not recorded, so it can never be deployed.
    let recorded = match (&mut project, &gates) {
        (Some((name, store)), Ok(())) => {
            Some(registry::record_file(store.as_mut(), name, &output, !args.no_deploy)?.1)
        }
        _ => None,
    };
    let project = project.as_ref().map(|(name, _)| name.as_str());
    match args.format {
        ReportFormat::Human => print(&human_report(
            &header,
            written,
            project,
            recorded.as_ref(),
            args.no_deploy,
        ))?,
        ReportFormat::Json => {
            let mut report = serde_json::to_value(&header).map_err(|e| Error::Io(e.to_string()))?;
            if let Some(object) = report.as_object_mut() {
                if let Some(search) = &header.search {
                    object.insert("cv_results".into(), search.cv_results());
                }
                let path = written.map(|p| p.display().to_string());
                object.insert("model".into(), path.into());
                if let Some(name) = project {
                    object.insert("project".into(), name.into());
                    object.insert("model_id".into(), recorded.map(|r| r.model_id).into());
                    object.insert(
                        "deployed".into(),
                        recorded.is_some_and(|r| r.deployed).into(),
                    );
                    object.insert(
                        "deployed_model_id".into(),
                        recorded.and_then(|r| r.deployed_model_id).into(),
                    );
                }
            }
            print_json(&report)?;
        }
    }
    gates?;
    Ok(0)
}

fn human_report(
    header: &Header,
    written: Option<&std::path::Path>,
    project: Option<&str>,
    recorded: Option<&Recorded>,
    no_deploy: bool,
) -> String {
    let mut text = String::new();
    let _ = writeln!(
        text,
        "trained {} ({}, {} runtime: {} {}{}) on {} of {} rows of {}",
        header.algorithm,
        header.task,
        header.runtime.name(),
        header.backend.name,
        header.backend.version,
        match header.python.as_ref().and_then(|p| p.cluster.as_deref()) {
            Some(cluster) => format!(", on the Dask cluster at {cluster}"),
            None => String::new(),
        },
        header.split.train_rows,
        header.data.rows,
        header.data.source
    );
    let _ = writeln!(text, "{}", columns_summary(header));
    if let Some(path) = written {
        let _ = writeln!(text, "model written to {}", path.display());
    }
    match (project, recorded) {
        (Some(name), Some(r)) => {
            let deployed = match (r.deployed, r.deployed_model_id) {
                (true, _) => "deployed".to_string(),
                (false, _) if no_deploy => "not deployed (--no-deploy)".to_string(),
                (false, Some(id)) => format!(
                    "not deployed (model {id} stays deployed: its {} is not beaten)",
                    header.task.key_metric()
                ),
                (false, None) => "not deployed".to_string(),
            };
            let _ = writeln!(
                text,
                "recorded as model {} of project '{}', {deployed}",
                r.model_id,
                crate::error::one_line(name)
            );
        }
        (Some(name), None) => {
            let _ = writeln!(
                text,
                "not recorded in project '{name}': a metric limit failed"
            );
        }
        (None, _) => {}
    }
    match (&header.test_data, header.split.test_rows) {
        (Some(test), _) => {
            let _ = writeln!(
                text,
                "test metrics on {} rows of {}:",
                header.split.test_rows, test.source
            );
            text.push_str(&metric_lines(header.task, &header.metrics));
        }
        (None, 0) => {
            let _ = writeln!(text, "no test rows (--test-size 0): no test metrics");
        }
        (None, _) => {
            let _ = writeln!(
                text,
                "test metrics on {} ({} sampling, seed {}):",
                plural(header.split.test_rows, "row", "rows"),
                header.split.sampling.name(),
                header.seed
            );
            text.push_str(&metric_lines(header.task, &header.metrics));
        }
    }
    if let Some(search) = &header.search {
        text.push_str(&search_report(search));
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

/// Every algorithm by its key metric on the test rows, the failed ones last with why.
fn leaderboard(entries: &[train::Entry], best: usize, task: Task) -> String {
    let key = task.key_metric();
    let score = |e: &train::Entry| {
        e.result
            .as_ref()
            .ok()
            .and_then(|h| h.metrics.get(key).copied())
            .unwrap_or(f64::NAN)
    };
    let mut order: Vec<usize> = (0..entries.len()).collect();
    order.sort_by(|&a, &b| {
        let (x, y) = (score(&entries[a]), score(&entries[b]));
        match (x.is_nan(), y.is_nan()) {
            (false, false) => y.total_cmp(&x).then(a.cmp(&b)),
            (nan_x, nan_y) => nan_x.cmp(&nan_y).then(a.cmp(&b)),
        }
    });
    let mut text = String::new();
    let _ = writeln!(
        text,
        "leaderboard: {} by {key} on the test rows",
        plural(entries.len(), "algorithm", "algorithms")
    );
    for (rank, &i) in order.iter().enumerate() {
        let e = &entries[i];
        let mark = if i == best { "  (best)" } else { "" };
        match &e.result {
            Ok(h) => {
                let fit = h.metrics.get("fit_time").copied().unwrap_or(f64::NAN);
                let _ = writeln!(
                    text,
                    "  {:>3}. {:<28}{:<8}{key} {}  fit {fit:.3}s{mark}",
                    rank + 1,
                    e.algorithm,
                    h.runtime.name(),
                    metric(score(e))
                );
            }
            Err(why) => {
                let _ = writeln!(text, "    -  {:<36}failed: {}", e.algorithm, why.line());
            }
        }
    }
    text
}

/// The candidates by rank: mean and standard deviation over the folds, mean fit time, params.
fn search_report(search: &search::SearchResults) -> String {
    const SHOWN: usize = 20;
    let mut text = String::new();
    let _ = writeln!(
        text,
        "search ({}, {} folds): {} ranked by mean {} (the best was refit on every train row):",
        match search.method {
            search::Method::Grid => "grid",
            search::Method::Random => "random",
        },
        search.cv,
        plural(search.candidates.len(), "candidate", "candidates"),
        search.metric
    );
    for (rank, &i) in search.ranking.iter().enumerate().take(SHOWN) {
        let c = &search.candidates[i];
        let _ = writeln!(
            text,
            "  {:>3}. {} ± {}  fit {:.3}s  {}",
            rank + 1,
            metric(c.mean()),
            metric(c.std()),
            c.mean_fit_time(),
            crate::error::one_line(&serde_json::Value::Object(c.params.clone()).to_string())
        );
    }
    if search.candidates.len() > SHOWN {
        let _ = writeln!(
            text,
            "  ... {} more (--format json lists every one)",
            search.candidates.len() - SHOWN
        );
    }
    text
}

/// `7 columns (4 number, 2 categorical, 1 date) -> 12 features`.
pub fn columns_summary(header: &Header) -> String {
    let mut kinds: Vec<(&str, usize)> = Vec::new();
    for step in &header.input.columns {
        match kinds.iter_mut().find(|(k, _)| *k == step.kind.name()) {
            Some((_, n)) => *n += 1,
            None => kinds.push((step.kind.name(), 1)),
        }
    }
    let kinds: Vec<String> = kinds.iter().map(|(k, n)| format!("{n} {k}")).collect();
    format!(
        "{} ({}) -> {}",
        plural(header.input.columns.len(), "column", "columns"),
        kinds.join(", "),
        plural(header.feature_names.len(), "feature", "features")
    )
}

/// The metrics for people, the key metric marked; times apart.
pub fn metric_lines(task: Task, metrics: &std::collections::BTreeMap<String, f64>) -> String {
    let mut text = String::new();
    let key = task.key_metric();
    for (name, value) in metrics.iter().filter(|(n, _)| !n.ends_with("_time")) {
        let mark = if name == key { "  (key metric)" } else { "" };
        let _ = writeln!(text, "  {name:<32}{}{mark}", metric(*value));
    }
    text
}

/// `--min-metric` / `--max-metric`: every failure in one message (exit 6).
pub fn check_gates(
    metrics: &std::collections::BTreeMap<String, f64>,
    min: &[(String, f64)],
    max: &[(String, f64)],
) -> Result<()> {
    let mut failures = Vec::new();
    let gates = min
        .iter()
        .map(|g| (g, true))
        .chain(max.iter().map(|g| (g, false)));
    for ((name, limit), is_min) in gates {
        match metrics.get(name) {
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

/// `--cluster`, else `DASK_SCHEDULER_ADDRESS` (Dask's own variable for where clients connect).
fn cluster(flag: Option<String>) -> Option<Cluster> {
    let (address, explicit) = match flag {
        Some(address) => (address, true),
        None => match std::env::var("DASK_SCHEDULER_ADDRESS") {
            Ok(address) if !address.trim().is_empty() => (address, false),
            _ => return None,
        },
    };
    // Checked where it is used (`Cluster::check`): DASK_SCHEDULER_ADDRESS only matters to the
    // algorithms a cluster can train.
    let address = address.trim().to_string();
    Some(Cluster { address, explicit })
}
