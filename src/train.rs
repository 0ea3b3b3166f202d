//! Training, start to finish: validate, load, type the columns, split, fit the preprocessing on
//! the train rows, fit the model, score, write the model file.

use std::path::PathBuf;
use std::time::Instant;

use ndarray::{Array2, ArrayView2, CowArray, Ix2};
use serde_json::{Map, Value};

use crate::algorithms::{self, Runtime};
use crate::data::csv::Columns;
use crate::data::split::{self, Sampling};
use crate::data::table::{Kind, RawColumn};
use crate::data::{fingerprint, list, quote, DataSource, Labelled, Table, Targets};
use crate::error::{warn, Error, Result};
use crate::metrics::{self, Metrics};
use crate::model::{self, DataInfo, Header, PythonInfo, SplitInfo};
use crate::preprocess::{ColumnOptions, Encode, Pipeline, Problems, Spec, TargetTable};
use crate::progress::Progress;
use crate::runtime::{Cluster, Estimator, Plan};
use crate::search::{self, SearchResults, SearchSpec};
use crate::task::Task;

#[cfg(feature = "python")]
mod workers;

#[derive(Clone)]
pub struct TrainRequest {
    pub data: DataSource,
    /// Score on this labelled file instead of splitting `data`.
    pub test_data: Option<DataSource>,
    pub features: Option<Vec<String>>,
    pub ignore: Vec<String>,
    pub categorical: Vec<String>,
    pub targets: Vec<String>,
    pub task: Task,
    pub algorithm: String,
    pub runtime: Option<Runtime>,
    pub hyperparams: Map<String, Value>,
    pub preprocess: Spec,
    /// Hyperparameter search over `hyperparams` (the base every candidate starts from).
    pub search: Option<SearchSpec>,
    pub test_size: f64,
    pub sampling: Sampling,
    pub seed: u64,
    pub output: PathBuf,
    pub force: bool,
    /// The Dask cluster to fit xgboost and lightgbm on.
    pub cluster: Option<Cluster>,
    /// The cluster's workers read `data` themselves (`--workers-read`).
    pub workers_read: Option<WorkersRead>,
}

/// `--workers-read`: how the workers split the source between them.
#[derive(Clone, Debug)]
pub struct WorkersRead {
    /// PostgreSQL: the integer column whose ranges are the partitions (`--partition-by`).
    pub partition_by: Option<String>,
}

impl TrainRequest {
    /// The columns a train reads.
    fn columns(&self) -> Columns<'_> {
        Columns {
            features: self.features.as_deref(),
            ignore: &self.ignore,
            targets: &self.targets,
            keep: &[],
            predicting: false,
        }
    }

    /// The runtime asked for: `--cluster` fits on the python runtime.
    fn runtime_asked(&self) -> Option<Runtime> {
        match &self.cluster {
            Some(c) if c.explicit => self.runtime.or(Some(Runtime::Python)),
            _ => self.runtime,
        }
    }
}

/// A text column with more distinct values than this is refused unless forced categorical.
pub const MAX_CATEGORIES: usize = 1000;
/// ... and so is one with more than this many distinct values that are also more than half its
/// rows (a name, an id, free text).
pub const FREE_TEXT_MIN_DISTINCT: usize = 10;
/// Classification targets with more distinct numbers than this get a warning.
pub const CONTINUOUS_LABELS: usize = 20;

/// Each candidate's plan (hyperparameters checked). When the python runtime was chosen for a
/// hyperparameter the native implementation lacks, that is said here; if scikit-learn rejects
/// the hyperparameters too, the native runtime's error stands (no runtime was asked for).
fn plans(
    choice: &algorithms::Choice,
    task: Task,
    candidates: &[Map<String, Value>],
    request: &TrainRequest,
) -> Result<Vec<Plan>> {
    let targets = request.targets.len();
    let cluster = cluster_for(choice, task, request.cluster.as_ref())?;
    let build = |choice: &algorithms::Choice| {
        candidates
            .iter()
            .map(|params| {
                let mut plan = Plan::new(choice, task, params, request.seed, targets)?;
                if let Some(cluster) = cluster {
                    plan.on_cluster(cluster, targets)?;
                }
                Ok(plan)
            })
            .collect::<Result<Vec<_>>>()
    };
    let Some(note) = &choice.note else {
        return build(choice);
    };
    match build(choice) {
        Ok(plans) => {
            crate::error::warn(note);
            Ok(plans)
        }
        Err(python) => {
            let native = algorithms::Choice {
                algorithm: choice.algorithm,
                runtime: Runtime::Rust,
                note: None,
            };
            Err(build(&native).err().unwrap_or(python))
        }
    }
}

/// The cluster this algorithm fits on: `--cluster` for the algorithms a Dask cluster can train
/// (refusing the others), `DASK_SCHEDULER_ADDRESS` for those only.
fn cluster_for<'a>(
    choice: &algorithms::Choice,
    task: Task,
    cluster: Option<&'a Cluster>,
) -> Result<Option<&'a Cluster>> {
    let Some(cluster) = cluster else {
        return Ok(None);
    };
    if cluster.explicit {
        cluster.check()?;
    }
    #[cfg(feature = "python")]
    let classes = if choice.runtime == Runtime::Python || cluster.explicit {
        crate::algorithms::python::cluster_classes()?
    } else {
        Vec::new()
    };
    #[cfg(not(feature = "python"))]
    let classes: Vec<String> = Vec::new();
    let trainable = |a: &algorithms::Algorithm| {
        a.python_class(task)
            .is_some_and(|class| classes.iter().any(|c| c == class))
    };
    if choice.runtime == Runtime::Python && trainable(choice.algorithm) {
        cluster.check()?;
        return Ok(Some(cluster));
    }
    if !cluster.explicit {
        return Ok(None);
    }
    let names: Vec<&str> = algorithms::ALGORITHMS
        .iter()
        .filter(|a| trainable(a))
        .map(|a| a.name)
        .collect();
    Err(Error::usage(if names.is_empty() {
        "--cluster needs the python runtime, which this build does not have".to_string()
    } else if choice.runtime == Runtime::Python {
        format!(
            "--cluster trains {} for {task}; not {}",
            names.join(", "),
            choice.algorithm.name
        )
    } else {
        format!(
            "--cluster fits on the python runtime; {} was asked for on the {} one",
            choice.algorithm.name,
            choice.runtime.name()
        )
    }))
}

/// Every hyperparameter name the candidates give, once.
fn hyperparameter_names(candidates: &[Map<String, Value>]) -> Vec<&str> {
    let mut names: Vec<&str> = candidates
        .iter()
        .flat_map(|c| c.keys())
        .map(String::as_str)
        .collect();
    names.sort_unstable();
    names.dedup();
    names
}

/// Checks everything that needs no data, then trains. Returns the header that was written.
pub fn train(request: &TrainRequest, progress: Progress) -> Result<Header> {
    let task = request.task;
    #[cfg(feature = "python")]
    if let Some(how) = &request.workers_read {
        workers::check(request, how)?;
    }
    // Every candidate of a search is checked here, before any data is read.
    let candidates = match &request.search {
        Some(search) => search.candidates(&request.hyperparams, request.seed)?,
        None => vec![request.hyperparams.clone()],
    };
    let choice = algorithms::choose(
        &request.algorithm,
        task,
        request.runtime_asked(),
        &hyperparameter_names(&candidates),
    )?;
    check_targets(request)?;
    model::check_writable(&request.output, request.force)?;
    let plans = plans(&choice, task, &candidates, request)?;
    let search_metric = match &request.search {
        Some(search) => Some(search::metric_for(task, search.metric.as_deref())?),
        None => None,
    };
    #[cfg(feature = "python")]
    if let Some(how) = &request.workers_read {
        return workers::train(request, how, &choice, &plans[0], progress);
    }
    let missing_ok = choice.algorithm.takes_missing_values(choice.runtime);

    let columns = request.columns();
    let mut table = progress.run(format!("loading {}", request.data.name()), || {
        request.data.load(&columns)
    })?;
    request.preprocess.check_names(&table.names)?;
    if let Some(unknown) = request
        .categorical
        .iter()
        .find(|c| !table.names.contains(c))
    {
        return Err(Error::usage(format!(
            "--categorical names column {}, which is not a feature (features: {})",
            quote(unknown),
            list(table.names.iter().map(String::as_str))
        )));
    }
    let labelled = table.labelled(task, None)?;
    labelled.warn_left_out(&table.source);
    warn_about_labels(&table, &labelled);
    // The target cells are labelled: their text goes before the matrices are made.
    table.targets = Vec::new();
    // Problems are gathered over the whole file and reported together at the end.
    let (kinds, problems) = infer_kinds(&table, &labelled.rows, &request.categorical);
    let options = table
        .names
        .iter()
        .zip(&kinds)
        .map(|(name, kind)| request.preprocess.for_column(name, *kind))
        .collect::<Result<Vec<_>>>()?;

    // Train and test rows as table rows, with their targets.
    let classes = match &labelled.targets {
        Targets::Classes { y, .. } => Some(y.to_vec()),
        _ => None,
    };
    let (train_positions, test_positions) = match &request.test_data {
        Some(_) => ((0..labelled.rows.len()).collect(), Vec::new()),
        None => {
            let split = split::split(
                labelled.rows.len(),
                request.test_size,
                request.sampling,
                request.seed,
                classes.as_deref(),
            )?;
            (split.train, split.test)
        }
    };
    let table_rows = |positions: &[usize]| -> Vec<usize> {
        positions.iter().map(|&p| labelled.rows[p]).collect()
    };
    let (train_rows, test_rows) = (table_rows(&train_positions), table_rows(&test_positions));
    let y_train = labelled.targets.select(&train_positions);
    let y_split_test = labelled.targets.select(&test_positions);
    // Said here for every runtime: the libraries fail on one class in ways that blame the model
    // (xgboost's probabilities of the wrong width, lightgbm's "not a regression objective").
    if let Targets::Classes { y, labels } = &y_train {
        if let Some(&only) = y.first().filter(|&&c| y.iter().all(|&d| d == c)) {
            return Err(Error::fit(format!(
                "{}: the training rows of {} hold one class only ({}); classification needs two or more",
                table.source,
                crate::data::quote(&table.target_names.join(",")),
                crate::data::quote(&labels[only])
            )));
        }
    }
    // Of the positions and labelled rows only the count and the class labels are needed from
    // here on: freed before the matrices are made, where memory peaks (1M rows: 24-32 MB).
    let train_count = train_positions.len();
    let labels = labelled.targets.labels().to_vec();
    drop((labelled, classes, train_positions, test_positions));

    // Only target encoding averages the target: for classification a table of rows x classes,
    // which many classes make larger than memory.
    let target_encoded = options.iter().any(|o| o.encode == Encode::Target);
    let target = if target_encoded {
        target_table(&y_train, &table.target_names)
            .map_err(|why| Error::data(&table.source, why))?
    } else {
        None
    };
    let fit_columns: Vec<_> = table
        .names
        .iter()
        .zip(&table.columns)
        .zip(kinds.iter().zip(options))
        .filter(|((name, _), _)| !problems.iter().any(|(column, _)| column == *name))
        .map(|((name, column), (kind, options))| (name.as_str(), column, *kind, options))
        .collect();
    let pipeline = Pipeline::fit(&fit_columns, &train_rows, target.as_ref());
    let listed = |problems: &[(String, String)]| -> Vec<String> {
        problems.iter().map(|(_, why)| why.clone()).collect()
    };
    let pipeline = match pipeline {
        Ok(pipeline) => pipeline,
        Err(e) => {
            let mut all = listed(&problems);
            all.push(e.to_string());
            return Err(Error::data(&table.source, all.join("; ")));
        }
    };
    let feature_names = pipeline.output_names();
    check_feature_names(&table.source, &feature_names)?;
    // Train and test rows, whose problems one message lists together.
    let raw: Vec<&RawColumn> = fit_columns
        .iter()
        .map(|(_, column, _, _)| *column)
        .collect();
    let transformer = pipeline.transformer();
    let (x_train, mut row_problems) = transformer
        .transform(&raw, &train_rows, missing_ok)
        .map_err(|why| Error::data(&table.source, why))?;
    let (x_split_test, test_problems) = transformer
        .transform(&raw, &test_rows, missing_ok)
        .map_err(|why| Error::data(&table.source, why))?;
    row_problems.merge(test_problems);
    if !row_problems.is_empty() || !problems.is_empty() {
        let mut all = listed(&problems);
        if !row_problems.is_empty() {
            all.push(missing_values_message(
                &row_problems,
                choice.algorithm.name,
                0,
            ));
        }
        return Err(Error::data(&table.source, all.join("; ")));
    }
    // Search: every candidate by cross-validation on the train rows; the best is refit below.
    let search = match (&request.search, search_metric) {
        (Some(spec), Some(metric)) => {
            let classes = match &y_train {
                Targets::Classes { y, .. } => Some(y.to_vec()),
                _ => None,
            };
            let folds = search::folds(train_count, spec.cv, classes.as_deref(), request.seed)?;
            let context = FoldContext {
                columns: &fit_columns,
                raw: &raw,
                train_rows: &train_rows,
                y_train: &y_train,
                target_names: &table.target_names,
                target_encoded,
                task,
                missing_ok,
                seed: request.seed,
                metric: &metric,
            };
            let scored = cross_validate(&context, &plans, &candidates, &folds, progress).map_err(
                |e| match e {
                    Error::Data(why) => Error::data(&table.source, why),
                    other => other,
                },
            )?;
            // Ranking only NaNs would keep the first candidate as if it had won.
            if scored.iter().all(|s| s.mean().is_nan()) {
                return Err(Error::Fit(format!(
                    "cross-validation scored no candidate by {metric}: it is missing or NaN on every fold (log_loss and roc_auc need class probabilities and two classes in a fold); choose another --search-metric"
                )));
            }
            Some(SearchResults::new(spec.method, spec.cv, metric, scored))
        }
        _ => None,
    };
    let chosen = search.as_ref().map_or(0, |s| s.ranking[0]);
    let plan = &plans[chosen];
    // The raw cells are done with: free them before the fit, where memory peaks.
    let (target_names, total_rows) = (table.target_names.clone(), table.rows);
    drop(transformer);
    drop(raw);
    drop(fit_columns);
    drop(table);

    // Held-out rows: the split's, or the --test-data file's through the fitted preprocessing.
    let (x_test, y_test, test_info) = match &request.test_data {
        None => (x_split_test, y_split_test, None),
        Some(test_data) => {
            let held_out = crate::score::load_labelled(
                test_data,
                &pipeline,
                &target_names,
                task,
                &labels,
                missing_ok,
                choice.algorithm.name,
            )?;
            let info = DataInfo {
                source: test_data.name(),
                rows: held_out.x.nrows(),
                fingerprint: fingerprint(&feature_names, &[(&held_out.x, &held_out.targets)]),
            };
            (held_out.x, held_out.targets, Some(info))
        }
    };
    let (n_train, n_test) = (x_train.nrows(), x_test.nrows());

    let hash = || fingerprint(&feature_names, &[(&x_train, &y_train), (&x_test, &y_test)]);
    let fit = |x: CowArray<f64, Ix2>| {
        let started = Instant::now();
        let model = progress.run(format!("fitting {}", choice.algorithm.name), || {
            plan.fit_held_out(task, x, &y_train, request.seed, x_test.view())
        });
        (model, started.elapsed().as_secs_f64())
    };
    // A native fit only reads the matrix: the fingerprint is hashed on another core meanwhile.
    let ((model, fit_time), data_fingerprint) = if plan.reads_in_place() {
        std::thread::scope(|scope| {
            let hashing = crate::memory::spawn_scoped(scope, hash);
            let fitted = fit(x_train.view().into());
            let hashed = hashing
                .join()
                .unwrap_or_else(|panic| std::panic::resume_unwind(panic));
            (fitted, hashed)
        })
    } else {
        let hashed = hash();
        (fit(x_train.into()), hashed)
    };
    let model = model?;

    let mut metrics = Metrics::new();
    if n_test > 0 {
        let started = Instant::now();
        metrics = progress.run("scoring", || {
            evaluate(model.as_ref(), x_test.view(), &y_test, task)
        })?;
        metrics.insert("score_time".into(), started.elapsed().as_secs_f64());
    }
    metrics.insert("fit_time".into(), fit_time);

    let split = SplitInfo {
        test_size: if test_info.is_some() {
            0.0
        } else {
            request.test_size
        },
        sampling: request.sampling,
        train_rows: n_train,
        test_rows: n_test,
    };
    let data = DataInfo {
        source: request.data.name(),
        rows: total_rows,
        fingerprint: data_fingerprint,
    };
    let header = Header {
        feature_names,
        target_names,
        classes: labels,
        test_data: test_info,
        search,
        ..header(
            request,
            &choice,
            plan,
            &candidates[chosen],
            pipeline,
            split,
            data,
            metrics,
            model.as_ref(),
        )
    };
    let bytes = model::encode(&header, &model.payload()?)?;
    model::write_atomically(&request.output, &bytes, request.force)?;
    Ok(header)
}

/// The model file's header for `model`, fitted by `plan` as `request` asked; the caller fills
/// in the names, classes, test data and search.
#[allow(clippy::too_many_arguments)]
fn header(
    request: &TrainRequest,
    choice: &algorithms::Choice,
    plan: &Plan,
    hyperparams: &Map<String, Value>,
    input: Pipeline,
    split: SplitInfo,
    data: DataInfo,
    metrics: Metrics,
    model: &dyn Estimator,
) -> Header {
    Header {
        format_version: model::FORMAT_VERSION,
        pgml_cli_version: env!("CARGO_PKG_VERSION").into(),
        created_at: now(),
        task: request.task,
        algorithm: choice.algorithm.name.into(),
        runtime: choice.runtime,
        backend: plan.backend(),
        hyperparams: Value::Object(hyperparams.clone()),
        resolved_hyperparams: plan.resolved_hyperparams(),
        feature_names: Vec::new(),
        target_names: Vec::new(),
        classes: Vec::new(),
        seed: request.seed,
        split,
        data,
        test_data: None,
        metrics,
        search: None,
        input,
        python: plan.python_info().map(|info| PythonInfo {
            native: model.native_status(),
            ..info
        }),
    }
}

/// One algorithm of a leaderboard: its header, or why it did not train.
pub struct Entry {
    pub algorithm: String,
    pub result: Result<Header>,
}

/// Several algorithms on the same data, split and seed (`--algorithm a,b,c`): each trains to a
/// temporary file beside the output, handed to `each` (a project records it); the best by the
/// key metric on the test rows is written to the output. Returns every entry and the best's index. One algorithm failing (a fit error,
/// missing values it cannot take) is its entry's error; all failing is the first error.
pub fn train_each(
    request: &TrainRequest,
    algorithms: &[String],
    progress: Progress,
    each: &mut dyn FnMut(&std::path::Path) -> Result<()>,
) -> Result<(Vec<Entry>, usize)> {
    let task = request.task;
    // `--hyperparams` and every search candidate apply to each algorithm: all are checked
    // before anything trains, so a name one algorithm lacks fails at once, not after the others.
    let candidates = match &request.search {
        Some(search) => search.candidates(&request.hyperparams, request.seed)?,
        None => vec![request.hyperparams.clone()],
    };
    let mut runtimes = Vec::with_capacity(algorithms.len());
    for name in algorithms {
        let choice = algorithms::choose(
            name,
            task,
            request.runtime_asked(),
            &hyperparameter_names(&candidates),
        )?;
        runtimes.push(choice.runtime);
        plans(&choice, task, &candidates, request)?;
    }
    if request.test_data.is_none() && request.test_size == 0.0 {
        return Err(Error::usage(
            "several algorithms are ranked on test rows: give --test-size above 0 or --test-data",
        ));
    }
    model::check_writable(&request.output, request.force)?;
    let dir = tempfile::Builder::new()
        .prefix(".pgml-cli-leaderboard-")
        .tempdir_in(crate::atomic::parent_dir(&request.output))
        .map_err(|e| Error::io(request.output.display(), e))?;
    let mut entries = Vec::with_capacity(algorithms.len());
    for (i, name) in algorithms.iter().enumerate() {
        let one = TrainRequest {
            algorithm: name.clone(),
            // As chosen above (a runtime chosen for the hyperparameters says so once).
            runtime: Some(runtimes[i]),
            output: dir.path().join(format!("{i}.pgml")),
            force: false,
            ..request.clone()
        };
        let result = train(&one, progress);
        if result.is_ok() {
            each(&one.output)?;
        }
        entries.push(Entry {
            algorithm: name.clone(),
            result,
        });
    }
    let key = task.key_metric();
    let score = |e: &Entry| {
        e.result
            .as_ref()
            .ok()
            .and_then(|h| h.metrics.get(key).copied())
            .filter(|v| !v.is_nan())
    };
    // The highest key metric; ties (within rounding noise) go to the first listed.
    let best = (0..entries.len())
        .filter_map(|i| Some((i, score(&entries[i])?)))
        .fold(None, |best: Option<(usize, f64)>, (i, s)| match best {
            Some((_, b)) if !crate::metrics::clearly_higher(s, b) => best,
            _ => Some((i, s)),
        })
        .map(|(i, _)| i);
    let Some(best) = best else {
        let trained = entries.iter().filter(|e| e.result.is_ok()).count();
        if trained > 0 {
            // Recorded in the project, if any, as each was trained; none can be called best.
            return Err(Error::fit(format!(
                "{trained} of {} algorithms trained, but none has a {key} to rank them by (undefined on a test set of one row): give more test rows with --test-size",
                entries.len()
            )));
        }
        let first = entries.into_iter().find_map(|e| e.result.err());
        return Err(first.unwrap_or_else(|| Error::fit("no algorithm trained")));
    };
    let path = dir.path().join(format!("{best}.pgml"));
    let bytes = std::fs::read(&path).map_err(|e| Error::io(path.display(), e))?;
    model::write_atomically(&request.output, &bytes, request.force)?;
    Ok((entries, best))
}

/// What every fold of a search shares.
struct FoldContext<'a> {
    columns: &'a [(&'a str, &'a RawColumn, Kind, ColumnOptions)],
    raw: &'a [&'a RawColumn],
    /// Table rows, by train position.
    train_rows: &'a [usize],
    y_train: &'a Targets,
    target_names: &'a [String],
    /// A column is target-encoded: each fold averages its own fit rows' targets.
    target_encoded: bool,
    task: Task,
    missing_ok: bool,
    seed: u64,
    metric: &'a str,
}

impl FoldContext<'_> {
    /// One fit on the train rows outside `fold` (positions), scored on those in it, with the
    /// preprocessing fitted on the fit's rows only. Returns the score and the fit time.
    fn score(&self, plan: &Plan, fold: &[usize]) -> Result<(f64, f64)> {
        let mut inside = vec![false; self.train_rows.len()];
        fold.iter().for_each(|&p| inside[p] = true);
        let fit: Vec<usize> = (0..self.train_rows.len()).filter(|&p| !inside[p]).collect();
        let rows = |positions: &[usize]| -> Vec<usize> {
            positions.iter().map(|&p| self.train_rows[p]).collect()
        };
        let (fit_rows, fold_rows) = (rows(&fit), rows(fold));
        let (y_fit, y_fold) = (self.y_train.select(&fit), self.y_train.select(fold));
        let target = if self.target_encoded {
            target_table(&y_fit, self.target_names).map_err(Error::Data)?
        } else {
            None
        };
        let pipeline = Pipeline::fit(self.columns, &fit_rows, target.as_ref())?;
        let transformer = pipeline.transformer();
        let matrix = |rows: &[usize]| -> Result<Array2<f64>> {
            let (x, problems): (Array2<f64>, Problems) = transformer
                .transform(self.raw, rows, self.missing_ok)
                .map_err(Error::Data)?;
            match problems.is_empty() {
                true => Ok(x),
                false => Err(Error::Data(problems.describe(|r| r + 1))),
            }
        };
        let (x_fit, x_fold) = (matrix(&fit_rows)?, matrix(&fold_rows)?);
        let started = Instant::now();
        let model = plan.fit_for_scoring(self.task, x_fit, &y_fit, self.seed)?;
        let fit_time = started.elapsed().as_secs_f64();
        let metrics = evaluate(model.as_ref(), x_fold.view(), &y_fold, self.task)?;
        Ok((
            metrics.get(self.metric).copied().unwrap_or(f64::NAN),
            fit_time,
        ))
    }
}

/// Every candidate on every fold. Native fits are single-threaded, so their folds run on all
/// cores at once; Python's run one after another (one interpreter, whose libraries thread).
fn cross_validate(
    context: &FoldContext,
    plans: &[Plan],
    candidates: &[Map<String, Value>],
    folds: &[Vec<usize>],
    progress: Progress,
) -> Result<Vec<search::Scored>> {
    let jobs: Vec<(usize, usize)> = (0..plans.len())
        .flat_map(|c| (0..folds.len()).map(move |f| (c, f)))
        .collect();
    let results: std::sync::Mutex<Vec<Option<(f64, f64)>>> =
        std::sync::Mutex::new(vec![None; jobs.len()]);
    let failure: std::sync::Mutex<Option<Error>> = std::sync::Mutex::new(None);
    let next = std::sync::atomic::AtomicUsize::new(0);
    let bar = progress.bar(jobs.len() as u64, "cross-validating");
    let work = || loop {
        let job = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        if job >= jobs.len() || failure.lock().map_or(true, |f| f.is_some()) {
            return;
        }
        let (c, f) = jobs[job];
        match context.score(&plans[c], &folds[f]) {
            Ok(result) => {
                if let Ok(mut results) = results.lock() {
                    results[job] = Some(result);
                }
            }
            Err(e) => {
                let e = match e {
                    Error::Data(why) => {
                        Error::Data(format!("cross-validation fold {}: {why}", f + 1))
                    }
                    Error::Fit(why) => Error::Fit(format!(
                        "cross-validation fold {} of {}: {why}",
                        f + 1,
                        Value::Object(candidates[c].clone())
                    )),
                    other => other,
                };
                if let Ok(mut failure) = failure.lock() {
                    failure.get_or_insert(e);
                }
            }
        }
        if let Some(bar) = &bar {
            bar.inc(1);
        }
    };
    let native = plans.iter().all(|p| matches!(p, Plan::Native { .. }));
    let threads = match native {
        true => std::thread::available_parallelism().map_or(1, |n| n.get()),
        false => 1,
    };
    if threads > 1 {
        std::thread::scope(|scope| {
            for _ in 0..threads {
                crate::memory::spawn_scoped(scope, work);
            }
        });
    } else {
        work();
    }
    if let Some(bar) = bar {
        bar.finish_and_clear();
    }
    if let Some(e) = failure.into_inner().ok().flatten() {
        return Err(e);
    }
    let results = results.into_inner().unwrap_or_default();
    Ok(candidates
        .iter()
        .enumerate()
        .map(|(c, params)| {
            let runs: Vec<(f64, f64)> = (0..folds.len())
                .map(|f| results[c * folds.len() + f].unwrap_or((f64::NAN, 0.0)))
                .collect();
            search::Scored {
                params: params.clone(),
                fold_scores: runs.iter().map(|r| r.0).collect(),
                fit_times: runs.iter().map(|r| r.1).collect(),
            }
        })
        .collect())
}

/// Each column's kind from every row with a target, and the whole file's problems (column,
/// message): cells that are no value, free-text columns.
fn infer_kinds(
    table: &Table,
    rows: &[usize],
    categorical: &[String],
) -> (Vec<Kind>, Vec<(String, String)>) {
    let mut kinds = Vec::with_capacity(table.columns.len());
    let mut problems = Vec::new();
    for (name, column) in table.names.iter().zip(&table.columns) {
        let forced = categorical.contains(name);
        let kind = column.infer(forced);
        let (bad, why) = column.bad_cells();
        if let (Some(&first), Some(why)) = (bad.first(), why) {
            let more = if bad.len() > 1 {
                format!(" ({} rows)", bad.len())
            } else {
                String::new()
            };
            problems.push((
                name.clone(),
                format!("column {} row {}: {why}{more}", quote(name), first + 1),
            ));
        }
        if let (Kind::Number, Some(row)) = (kind, column.leading_zero()) {
            warn(format!(
                "{}: column {} has numbers written with leading zeros (row {}); if they are codes, --categorical {} makes them categories",
                table.source,
                quote(name),
                row + 1,
                crate::data::shell_word(name)
            ));
        }
        if kind == Kind::Categorical && !forced {
            let distinct = column.distinct(rows);
            let word = crate::data::shell_word(name);
            if let Some(why) = column.mistyped() {
                problems.push((name.clone(), format!("column {} {why} {word}", quote(name))));
            } else if distinct > MAX_CATEGORIES
                || (distinct > FREE_TEXT_MIN_DISTINCT && distinct * 2 > rows.len())
            {
                problems.push((
                    name.clone(),
                    format!(
                        "column {} is text with {distinct} distinct values in {} rows (free text? leave it out with --ignore {word}, or force it with --categorical {word})",
                        quote(name),
                        rows.len(),
                    ),
                ));
            }
        }
        kinds.push(kind);
    }
    (kinds, problems)
}

/// One-hot and date columns make names; two may not collide (`a=b` also written as a column).
fn check_feature_names(source: &str, names: &[String]) -> Result<()> {
    let mut seen = std::collections::HashSet::new();
    match names.iter().find(|n| !seen.insert(n.as_str())) {
        Some(twice) => Err(Error::data(
            source,
            format!(
                "the feature {} is made twice by preprocessing (a column has that name too); rename the column",
                quote(twice)
            ),
        )),
        None => Ok(()),
    }
}

/// The message for rows the model cannot take: every column, its first row, and the fix.
/// `offset`: rows before the table's first (earlier chunks).
pub fn missing_values_error(
    source: &str,
    problems: &crate::preprocess::Problems,
    algorithm: &str,
    offset: usize,
) -> Error {
    Error::data(source, missing_values_message(problems, algorithm, offset))
}

fn missing_values_message(
    problems: &crate::preprocess::Problems,
    algorithm: &str,
    offset: usize,
) -> String {
    let listed = problems.describe(|r| r + offset + 1);
    let missing: Vec<&str> = problems
        .columns
        .iter()
        .filter(|p| p.missing)
        .map(|p| p.column.as_str())
        .collect();
    // One column: name it; several: every column at once.
    let column = match missing[..] {
        [] => None,
        [only] => Some(serde_json::to_string(only).unwrap_or_default()),
        _ => Some("\"*\"".to_string()),
    };
    let hint = match column {
        Some(column) => format!(
            "; {algorithm} needs every value: impute them, e.g. --preprocess '{{{}: {{\"impute\": \"mean\"}}}}', or train xgboost, lightgbm, catboost or hist_gradient_boosting, which take missing values",
            crate::data::escape(&column).replace('\'', r"'\''")
        ),
        None => String::new(),
    };
    format!("{listed}{hint}")
}

/// What target encoding averages: regression targets, or 1 for each row's class (one column
/// for two classes, the second's; one per class beyond).
fn target_table(
    targets: &Targets,
    names: &[String],
) -> std::result::Result<Option<TargetTable>, String> {
    let (values, suffixes) = match targets {
        Targets::None => return Ok(None),
        Targets::Values(y) => {
            let suffixes = if names.len() == 1 {
                vec![String::new()]
            } else {
                names.iter().map(|n| format!("[{n}]")).collect()
            };
            (y.clone(), suffixes)
        }
        Targets::Classes { y, labels } if labels.len() <= 2 => (
            Array2::from_shape_fn((y.len(), 1), |(i, _)| f64::from(u8::from(y[i] == 1))),
            vec![String::new()],
        ),
        Targets::Classes { y, labels } => {
            let mut values = crate::preprocess::matrix(y.len(), labels.len())?;
            for (i, &class) in y.iter().enumerate() {
                values[[i, class]] = 1.0;
            }
            (values, labels.iter().map(|l| format!("[{l}]")).collect())
        }
    };
    Ok(Some(TargetTable { values, suffixes }))
}

/// Labels that are usually a mistake: a target that looks like a measurement, and labels that
/// differ only in case (`yes` and `Yes` are two classes).
fn warn_about_labels(table: &Table, labelled: &Labelled) {
    let Targets::Classes { labels, .. } = &labelled.targets else {
        return;
    };
    let target = quote(&table.target_names[0]);
    let numeric = labels.iter().all(|l| l.trim().parse::<f64>().is_ok());
    if numeric && labels.len() > CONTINUOUS_LABELS {
        warn(format!(
            "target {target} has {} distinct numbers: classification makes each one a class; did you mean --task regression?",
            labels.len()
        ));
    }
    let mut by_case: std::collections::HashMap<String, &str> = std::collections::HashMap::new();
    for label in labels {
        if let Some(other) = by_case.insert(label.to_lowercase(), label) {
            warn(format!(
                "target {target} has labels {} and {} that differ only in case: they are two classes",
                quote(other),
                quote(label)
            ));
            break;
        }
    }
}

fn check_targets(request: &TrainRequest) -> Result<()> {
    let task = request.task;
    let columns = request
        .features
        .iter()
        .flatten()
        .chain(&request.targets)
        .chain(&request.ignore);
    let mut seen = std::collections::HashSet::new();
    if let Some(twice) = columns.into_iter().find(|c| !seen.insert(c.as_str())) {
        return Err(Error::usage(format!(
            "column {} is named twice in --features/--target/--ignore",
            quote(twice)
        )));
    }
    // Sources with named columns (all but NPY) take the target by name.
    let named = !matches!(request.data, DataSource::Npy { .. });
    match (task.supervised(), request.targets.len()) {
        (true, 0) if named => Err(Error::usage(format!("{task} needs --target COLUMN"))),
        (false, n) if n > 0 => Err(Error::usage(format!("{task} takes no --target"))),
        (true, n) if n > 1 && task == Task::Classification => Err(Error::usage(
            "classification takes exactly one --target column",
        )),
        _ => match (&request.data, task.supervised()) {
            (DataSource::Npy { labels: None, .. }, true) => Err(Error::usage(format!(
                "{task} on NPY data needs --labels y.npy"
            ))),
            (
                DataSource::Npy {
                    labels: Some(_), ..
                },
                false,
            ) => Err(Error::usage(format!("{task} takes no --labels"))),
            _ if request.test_data.is_some() && !task.supervised() => Err(Error::usage(format!(
                "--test-data scores held-out labelled rows; {task} has no labels"
            ))),
            _ => Ok(()),
        },
    }
}

/// The task's metrics on held-out rows.
pub fn evaluate(
    model: &dyn Estimator,
    x: ArrayView2<f64>,
    truth: &Targets,
    task: Task,
) -> Result<Metrics> {
    let prediction = model.predict(x)?;
    let proba = match task {
        Task::Classification => model.predict_proba(x)?,
        _ => None,
    };
    metrics::score(
        task,
        x,
        truth,
        &prediction,
        proba.as_ref().map(|p| p.view()),
    )
}

/// Now, or SOURCE_DATE_EPOCH when set (reproducible model files, golden tests).
pub fn now() -> String {
    let epoch = std::env::var("SOURCE_DATE_EPOCH")
        .ok()
        .and_then(|s| s.parse::<i64>().ok());
    epoch
        .and_then(|s| time::OffsetDateTime::from_unix_timestamp(s).ok())
        .unwrap_or_else(time::OffsetDateTime::now_utc)
        .format(&time::format_description::well_known::Rfc3339)
        .unwrap_or_else(|_| "unknown".into())
}

/// The default model path: `<data file stem>-<algorithm>.pgml` in the current directory
/// (`<table>-<algorithm>.pgml`, `query-<algorithm>.pgml` from PostgreSQL).
pub fn default_output(data: &DataSource, algorithm: &str) -> PathBuf {
    let path = match data {
        DataSource::Csv(path, _)
        | DataSource::Npy { features: path, .. }
        | DataSource::Parquet(path) => path,
        DataSource::Postgres(pg) => {
            return PathBuf::from(format!("{}-{algorithm}.pgml", pg.stem()))
        }
    };
    let stem = crate::data::input::stem(path)
        .and_then(|s| s.to_str())
        .filter(|s| *s != "-")
        .unwrap_or("stdin");
    PathBuf::from(format!("{stem}-{algorithm}.pgml"))
}

/// The metrics a task can report, for validating `--min-metric` before training.
pub fn metric_names(task: Task) -> &'static [&'static str] {
    match task {
        Task::Regression => &[
            "r2",
            "mean_absolute_error",
            "mean_squared_error",
            "root_mean_squared_error",
            "fit_time",
            "score_time",
        ],
        Task::Classification => &[
            "accuracy",
            "f1",
            "precision",
            "recall",
            "f1_macro",
            "precision_macro",
            "recall_macro",
            "mcc",
            "roc_auc",
            "log_loss",
            "fit_time",
            "score_time",
        ],
        Task::Clustering => &["silhouette", "fit_time", "score_time"],
        Task::Decomposition => &["cumulative_explained_variance", "fit_time", "score_time"],
    }
}
