//! Training where the Dask workers read the data (`train --cluster ... --workers-read`): each
//! worker reads its partitions straight from the source (a Parquet file's row groups, ranges of
//! a PostgreSQL integer column), so the rows never pass through this process, which reads only
//! a sample: enough to type the columns, fit the (stateless) preprocessing and verify the
//! model's native form.
//!
//! What that rules out, refused before anything is read: preprocessing that learns from the
//! rows (imputation, scaling, encodings), text and date features, a search, `--test-data`, and
//! stratified sampling (the held-out rows are drawn per row, by a hash of the seed and the row's
//! position or key, so no worker needs another's rows).

use ndarray::Array2;
use serde_json::{json, Value};

use super::{header, infer_kinds, TrainRequest, WorkersRead};
use crate::algorithms;
use crate::data::postgres::PgSource;
use crate::data::split::{self, Sampling};
use crate::data::table::Kind;
use crate::data::{
    encode_labels, quote, DataSource, Reader, Table, Targets, CHUNK_ROWS, MAX_MAGNITUDE,
};
use crate::error::{Error, Result};
use crate::metrics::{self, Metrics};
use crate::model::{self, DataInfo, Header, SplitInfo};
use crate::postgres::quote_identifier;
use crate::preprocess::{Pipeline, Spec};
use crate::progress::Progress;
use crate::runtime::{Estimator, Plan, Prediction};
use crate::task::Task;

/// Rows this process reads to type the columns and verify the native form (two chunks).
const SAMPLE_ROWS: usize = 2 * CHUNK_ROWS;

/// Rows of a partition: Parquet row groups are read together up to this many, and PostgreSQL
/// key ranges hold about this many.
const PARTITION_ROWS: usize = 1 << 16;

/// Distinct classification targets the workers may report.
const MAX_CLASSES: usize = 10_000;

/// Refuses, before anything is read, what the workers cannot do on their own.
pub(super) fn check(request: &TrainRequest, how: &WorkersRead) -> Result<()> {
    let refuse = |what: &str| Err(Error::usage(format!("--workers-read: {what}")));
    if request.cluster.is_none() {
        return refuse("the workers of a --cluster read the data; give --cluster");
    }
    match (&request.data, &how.partition_by) {
        (DataSource::Parquet(_), None) => {}
        (DataSource::Parquet(_), Some(_)) => {
            return refuse("a Parquet file is split by its row groups; --partition-by is for PostgreSQL")
        }
        (DataSource::Postgres(_), None) => {
            return refuse("give --partition-by COLUMN, an integer column whose ranges the workers read")
        }
        (DataSource::Postgres(_), Some(_)) => {
            if matches!(request.sampling, Sampling::First | Sampling::Last) {
                return refuse("rows from PostgreSQL are held out by a hash of --partition-by and --seed; use --test-sampling random");
            }
        }
        _ => {
            return refuse(&format!(
                "the workers read Parquet files and PostgreSQL; {} is neither (train without --workers-read to send its rows from here)",
                request.data.name()
            ))
        }
    }
    if request.search.is_some() {
        return refuse("a --search is not run on the workers' reads");
    }
    if request.test_data.is_some() {
        return refuse(
            "the held-out rows come from --data; --test-data is not read by the workers",
        );
    }
    if request.sampling == Sampling::Stratified {
        return refuse("--test-sampling stratified needs every row's class before the split; use random, first or last");
    }
    if !request.categorical.is_empty() || request.preprocess != Spec::default() {
        return refuse(
            "--preprocess and --categorical learn from the rows, which the workers hold; the features are used as they are",
        );
    }
    if request.targets.len() != 1 {
        return refuse("give exactly one --target");
    }
    Ok(())
}

/// Trains `plan` (a Python plan on the cluster) on the workers' reads and writes the model file.
pub(super) fn train(
    request: &TrainRequest,
    how: &WorkersRead,
    choice: &algorithms::Choice,
    plan: &Plan,
    progress: Progress,
) -> Result<Header> {
    let task = request.task;
    let Plan::Python(prepared) = plan else {
        return Err(Error::usage("--workers-read fits on the python runtime"));
    };
    let mut reader = request.data.reader(&request.columns(), CHUNK_ROWS)?;
    let row_groups = match &reader {
        Reader::Parquet(parquet) => parquet.row_groups().to_vec(),
        _ => Vec::new(),
    };
    let sample = Table::read(&mut reader, 0, SAMPLE_ROWS)?;
    drop(reader);
    let source_name = sample.source.clone();
    let labelled = sample.labelled(task, None)?;
    let (pipeline, kinds, x_sample) = stateless_pipeline(&sample, &labelled.rows)?;
    let feature_names = pipeline.output_names();
    super::check_feature_names(&source_name, &feature_names)?;
    let target = &request.targets[0];
    let (source, rows) = match (&request.data, &how.partition_by) {
        (DataSource::Parquet(path), _) => {
            // Consecutive row groups together: a task per tiny group would swamp the scheduler.
            let mut parts = Vec::new();
            let (mut rows, mut groups, mut offset) = (0, Vec::new(), 0);
            for (index, &count) in row_groups.iter().enumerate() {
                groups.push(index);
                rows += count;
                if rows - offset >= PARTITION_ROWS || index + 1 == row_groups.len() {
                    parts.push(json!({"groups": groups, "offset": offset, "rows": rows - offset}));
                    (groups, offset) = (Vec::new(), rows);
                }
            }
            let path = std::path::absolute(path).map_err(|e| Error::io(&source_name, e))?;
            // The workers are Python processes, given the path as text.
            let path = path.to_str().ok_or_else(|| {
                Error::usage(format!(
                    "--workers-read: the workers take a path as text; {source_name} is not valid UTF-8"
                ))
            })?;
            let source = json!({
                "kind": "parquet", "name": source_name, "path": path, "rows": rows, "parts": parts,
            });
            (source, rows)
        }
        (DataSource::Postgres(pg), Some(key)) => {
            postgres_partitions(pg, key, &sample, &kinds, task, target)?
        }
        _ => return Err(Error::usage("--workers-read reads Parquet and PostgreSQL")),
    };
    let test_rows = split::test_row_count(rows, request.test_size)?;

    // Classes: every distinct target cell, labelled as for any other train.
    let (labels, classes) = match task {
        Task::Classification => {
            let cells = progress.run("reading the classes", || match &request.data {
                DataSource::Postgres(pg) => distinct_texts(pg, target),
                _ => prepared.cluster_labels(&source, target, MAX_CLASSES),
            })?;
            let texts: Vec<&str> = cells.iter().map(String::as_str).collect();
            let (y, labels) = match encode_labels(&texts) {
                Targets::Classes { y, labels } => (y, labels),
                _ => (Default::default(), Vec::new()),
            };
            let map: serde_json::Map<String, Value> = cells
                .iter()
                .zip(y.iter())
                .map(|(cell, &class)| (cell.clone(), json!(class)))
                .collect();
            (labels, Value::Object(map))
        }
        _ => (Vec::new(), Value::Null),
    };
    let job = json!({
        "features": sample.names,
        "target": request.targets[0],
        "classes": classes,
        "sampling": request.sampling.name(),
        "test_rows": test_rows,
        "seed": request.seed,
        "max_magnitude": MAX_MAGNITUDE,
    });

    let started = std::time::Instant::now();
    let (model, fit) = progress.run(
        format!("fitting {} on the workers", choice.algorithm.name),
        || {
            prepared.fit_on_workers(
                task,
                &source,
                &job,
                labels.len(),
                request.seed,
                x_sample.view(),
            )
        },
    )?;
    let fit_time = started.elapsed().as_secs_f64();
    if fit.rows_read != rows {
        crate::error::warn(format!(
            "{source_name}: the workers read {} rows where {rows} were counted first: the source changed, or its query gives other rows each time it runs (random(), LIMIT without ORDER BY)",
            fit.rows_read
        ));
    }
    if fit.left_out > 0 {
        crate::error::warn(format!(
            "{source_name}: left out {} rows whose target is missing",
            fit.left_out
        ));
    }
    let n_test = fit.y_test.len();
    let mut metrics = Metrics::new();
    if let Some(predicted) = &fit.predicted {
        metrics = held_out_metrics(task, &fit.y_test, predicted, fit.proba.as_ref(), &labels)?;
    }
    metrics.insert("fit_time".into(), fit_time);

    let split = SplitInfo {
        test_size: request.test_size,
        sampling: request.sampling,
        train_rows: fit.train_rows,
        test_rows: n_test,
    };
    let data = DataInfo {
        source: request.data.name(),
        rows: fit.rows_read,
        fingerprint: fit.fingerprint.clone(),
    };
    let header = Header {
        feature_names,
        target_names: sample.target_names.clone(),
        classes: labels,
        ..header(
            request,
            choice,
            plan,
            &request.hyperparams,
            pipeline,
            split,
            data,
            metrics,
            &model,
        )
    };
    let bytes = model::encode(&header, &model.payload()?)?;
    model::write_atomically(&request.output, &bytes, request.force)?;
    Ok(header)
}

/// The preprocessing of the sample's columns, which must need nothing learnt from the rows:
/// numbers and booleans as they are (the libraries take missing values). Returns it and the
/// sample's rows through it.
fn stateless_pipeline(
    sample: &Table,
    rows: &[usize],
) -> Result<(Pipeline, Vec<Kind>, Array2<f64>)> {
    let (kinds, problems) = infer_kinds(sample, rows, &[]);
    for (name, kind) in sample.names.iter().zip(&kinds) {
        if !matches!(kind, Kind::Number | Kind::Boolean) {
            return Err(Error::usage(format!(
                "--workers-read: column {} holds {} values in {}; the workers read number and boolean features only (--ignore it, or train without --workers-read)",
                quote(name),
                kind.name(),
                sample.source
            )));
        }
    }
    if let Some((_, why)) = problems.first() {
        return Err(Error::data(&sample.source, why));
    }
    let spec = Spec::default();
    let options = sample
        .names
        .iter()
        .zip(&kinds)
        .map(|(name, kind)| spec.for_column(name, *kind))
        .collect::<Result<Vec<_>>>()?;
    let fit_columns: Vec<_> = sample
        .names
        .iter()
        .zip(&sample.columns)
        .zip(kinds.iter().zip(options))
        .map(|((name, column), (kind, options))| (name.as_str(), column, *kind, options))
        .collect();
    let pipeline =
        Pipeline::fit(&fit_columns, rows, None).map_err(|e| Error::data(&sample.source, e))?;
    let raw: Vec<_> = sample.columns.iter().collect();
    let (x, _) = pipeline
        .transformer()
        .transform(&raw, rows, true)
        .map_err(|why| Error::data(&sample.source, why))?;
    Ok((pipeline, kinds, x))
}

/// PostgreSQL rows as ranges of the integer column `key`, each read by one worker with the
/// features cast to float8 and the target to float8 (regression) or text (labels): the source
/// for the workers (connection included: never shown) and the number of rows.
fn postgres_partitions(
    pg: &PgSource,
    key: &str,
    sample: &Table,
    kinds: &[Kind],
    task: Task,
    target: &str,
) -> Result<(Value, usize)> {
    // On its own line: a query ending in a `--` comment would swallow the closing parenthesis.
    let base = format!("{}\n", pg.sql()?);
    let k = quote_identifier(key);
    let (low, high, rows, keyed) = pg.ask(|t| {
        let probe = t.prepare(&format!("SELECT {k} FROM ({base}) AS pgml_source LIMIT 0"))?;
        let ty = probe.columns()[0].type_().clone();
        let row = t.query_one(
            &format!("SELECT min({k})::int8, max({k})::int8, count(*), count({k}) FROM ({base}) AS pgml_source"),
            &[],
        )?;
        Ok((
            ty,
            row.get::<_, Option<i64>>(0),
            row.get::<_, Option<i64>>(1),
            row.get::<_, i64>(2),
            row.get::<_, i64>(3),
        ))
    })
    .and_then(|(ty, low, high, rows, keyed)| {
        use postgres::types::Type;
        if ![Type::INT2, Type::INT4, Type::INT8].contains(&ty) {
            return Err(Error::usage(format!(
                "--partition-by {}: the column is {}; the workers read ranges of an integer column",
                quote(key),
                ty.name()
            )));
        }
        Ok((low, high, rows, keyed))
    })?;
    let source_name = pg.name();
    if rows == 0 {
        return Err(Error::data(&source_name, "has no rows"));
    }
    if keyed < rows {
        return Err(Error::data(
            &source_name,
            format!(
                "{} rows have no {} (NULL): --partition-by needs a value on every row",
                rows - keyed,
                quote(key)
            ),
        ));
    }
    let (Some(low), Some(high)) = (low, high) else {
        return Err(Error::data(&source_name, "has no rows"));
    };
    let rows = usize::try_from(rows).unwrap_or(usize::MAX);
    // About 64k rows a partition, and at least 8 so that small tables still spread out; cut at
    // the key's quantiles, so gaps in the keys leave no partition empty.
    let count = rows.div_ceil(PARTITION_ROWS).max(rows.min(8));
    let fractions: Vec<f64> = (1..count).map(|i| i as f64 / count as f64).collect();
    let cuts: Vec<i64> = if fractions.is_empty() {
        Vec::new()
    } else {
        pg.ask(|t| {
            let row = t.query_one(
                &format!("SELECT percentile_disc($1::float8[]) WITHIN GROUP (ORDER BY ({k})::int8) FROM ({base}) AS pgml_source"),
                &[&fractions],
            )?;
            Ok(row.get::<_, Option<Vec<i64>>>(0).unwrap_or_default())
        })?
    };
    let mut starts = vec![low];
    starts.extend(cuts.into_iter().filter(|&c| c > low));
    starts.dedup();
    let ranges: Vec<(i64, i64)> = starts
        .iter()
        .enumerate()
        .map(|(i, &from)| (from, starts.get(i + 1).map_or(high, |next| next - 1)))
        .collect();
    let select: Vec<String> = sample
        .names
        .iter()
        .zip(kinds)
        .map(|(name, kind)| match kind {
            Kind::Boolean => format!("({})::bool::int::float8", quote_identifier(name)),
            _ => format!("({})::float8", quote_identifier(name)),
        })
        .chain([
            match task {
                Task::Classification => format!("({})::text", quote_identifier(target)),
                _ => format!("({})::float8", quote_identifier(target)),
            },
            format!("({k})::int8"),
        ])
        .collect();
    let parts: Vec<Value> = ranges
        .iter()
        .map(|&(from, to)| {
            json!({
                "low": from,
                "high": to,
                "sql": format!(
                    "SELECT {} FROM ({base}) AS pgml_source WHERE {k} BETWEEN {from} AND {to} ORDER BY {k}",
                    select.join(", ")
                ),
            })
        })
        .collect();
    let source = json!({
        "kind": "postgres",
        "name": source_name,
        "conninfo": pg.conninfo()?,
        "key": key,
        "rows": rows,
        "parts": parts,
    });
    Ok((source, rows))
}

/// The distinct target cells of a PostgreSQL source, as text (how the workers read them).
fn distinct_texts(pg: &PgSource, target: &str) -> Result<Vec<String>> {
    let base = pg.sql()?;
    let t = quote_identifier(target);
    let cells: Vec<String> = pg.ask(|tx| {
        let rows = tx.query(
            &format!(
                "SELECT DISTINCT ({t})::text FROM ({base}) AS pgml_source WHERE {t} IS NOT NULL LIMIT {}",
                MAX_CLASSES + 1
            ),
            &[],
        )?;
        Ok(rows.iter().map(|r| r.get::<_, String>(0)).collect())
    })?;
    if cells.len() > MAX_CLASSES {
        return Err(Error::data(
            pg.name(),
            format!(
                "target column {} has more than {MAX_CLASSES} distinct values",
                quote(target)
            ),
        ));
    }
    Ok(cells)
}

/// Metrics of the held-out rows from their targets and the predictions the cluster made.
fn held_out_metrics(
    task: Task,
    y_test: &[f64],
    predicted: &[f64],
    proba: Option<&Array2<f64>>,
    labels: &[String],
) -> Result<Metrics> {
    let n = y_test.len();
    let (truth, prediction) = match task {
        Task::Classification => {
            let index = |v: f64| -> Result<usize> {
                if v >= 0.0 && v.fract() == 0.0 && (v as usize) < labels.len() {
                    Ok(v as usize)
                } else {
                    Err(Error::Fit(format!(
                        "the cluster predicted class {v}, not one of the {}",
                        labels.len()
                    )))
                }
            };
            let y = y_test.iter().map(|&v| index(v)).collect::<Result<_>>()?;
            let p = predicted.iter().map(|&v| index(v)).collect::<Result<_>>()?;
            (
                Targets::Classes {
                    y,
                    labels: labels.to_vec(),
                },
                Prediction::Classes(p),
            )
        }
        _ => (
            Targets::Values(Array2::from_shape_vec((n, 1), y_test.to_vec()).map_err(fit_shape)?),
            Prediction::Values(
                Array2::from_shape_vec((predicted.len(), 1), predicted.to_vec())
                    .map_err(fit_shape)?,
            ),
        ),
    };
    let proba = proba.filter(|p| p.ncols() == labels.len() && p.nrows() == n);
    metrics::score(
        task,
        Array2::zeros((0, 0)).view(),
        &truth,
        &prediction,
        proba.map(|p| p.view()),
    )
}

fn fit_shape(e: ndarray::ShapeError) -> Error {
    Error::Fit(format!(
        "the cluster's predictions do not fit the held-out rows: {e}"
    ))
}
