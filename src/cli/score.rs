//! `pgml-cli score`

use std::fmt::Write;
use std::path::PathBuf;

use crate::algorithms::Runtime;
use crate::data::DataSource;
use crate::error::Result;
use crate::score::{self, ScoreRequest, Scored};

use super::train::{check_gate_names, check_gates, metric_lines, parse_gate};
use super::{print, print_json, DialectArgs, ReportFormat};

#[derive(clap::Args)]
pub struct Args {
    /// Model file written by `pgml-cli train`
    #[arg(long, value_name = "FILE")]
    model: PathBuf,
    /// Labelled rows: CSV or Parquet with the model's columns and target(s), NPY with --labels,
    /// - for CSV on stdin, or a PostgreSQL table ('postgresql://user@host/db?table=schema.name')
    /// or --query
    #[arg(long, value_name = "FILE|URL")]
    data: PathBuf,
    /// With a postgresql:// --data: the rows of this SQL query (run read-only) instead of a table
    #[arg(long, value_name = "SQL")]
    query: Option<String>,
    #[command(flatten)]
    dialect: DialectArgs,
    /// NPY labels for NPY --data
    #[arg(long, value_name = "FILE")]
    labels: Option<PathBuf>,
    /// Python models with a native tree form predict through it without starting Python;
    /// `python` forces the library's own path, `rust` refuses a model without a native form
    #[arg(long, value_enum)]
    runtime: Option<Runtime>,
    #[arg(long, value_enum, default_value_t = ReportFormat::Human)]
    format: ReportFormat,
    /// Fail (exit 6) when a metric is below VALUE, e.g. f1=0.9 (repeatable)
    #[arg(long = "min-metric", value_name = "NAME=VALUE", value_parser = parse_gate)]
    min_metric: Vec<(String, f64)>,
    /// Fail (exit 6) when a metric is above VALUE (repeatable)
    #[arg(long = "max-metric", value_name = "NAME=VALUE", value_parser = parse_gate)]
    max_metric: Vec<(String, f64)>,
}

pub fn run(args: Args) -> Result<i32> {
    let request = ScoreRequest {
        model: args.model.clone(),
        data: DataSource::from_args(
            &args.data,
            args.labels.as_deref(),
            args.dialect.for_file(&args.data)?,
        )
        .with_query(args.query)?,
        runtime: args.runtime,
    };
    let scored = score::score(&request)?;
    check_gate_names(scored.header.task, &args.min_metric, &args.max_metric)?;
    match args.format {
        ReportFormat::Human => print(&human_report(&scored, &request))?,
        ReportFormat::Json => {
            let mut report = serde_json::json!({
                "model": args.model.display().to_string(),
                "data": request.data.name(),
                "task": scored.header.task,
                "algorithm": scored.header.algorithm,
                "rows": scored.rows,
                "metrics": crate::model::metrics_json(&scored.metrics),
            });
            if let (Some(classes), Some(object)) = (&scored.classes, report.as_object_mut()) {
                object.insert("classes".into(), serde_json::json!(scored.header.classes));
                object.insert("per_class".into(), serde_json::json!(classes.classes));
                object.insert(
                    "confusion_matrix".into(),
                    serde_json::json!(classes.confusion_matrix),
                );
            }
            print_json(&report)?;
        }
    }
    check_gates(&scored.metrics, &args.min_metric, &args.max_metric)?;
    Ok(0)
}

fn human_report(scored: &Scored, request: &ScoreRequest) -> String {
    let header = &scored.header;
    let mut text = String::new();
    let _ = writeln!(
        text,
        "scored {} ({}) from {} on {} rows of {}:",
        header.algorithm,
        header.task,
        request.model.display(),
        scored.rows,
        request.data.name()
    );
    text.push_str(&metric_lines(header.task, &scored.metrics));
    if let Some(report) = &scored.classes {
        let width = report
            .classes
            .iter()
            .map(|c| crate::error::one_line(&c.label).chars().count())
            .max()
            .unwrap_or(5)
            .clamp(5, 40);
        let _ = writeln!(
            text,
            "\n  {:<width$}  precision     recall         f1    support",
            "class"
        );
        for c in &report.classes {
            let _ = writeln!(
                text,
                "  {:<width$}  {:>9.6}  {:>9.6}  {:>9.6}  {:>9}",
                crate::error::one_line(&c.label),
                c.precision,
                c.recall,
                c.f1,
                c.support
            );
        }
        let _ = writeln!(
            text,
            "\n  confusion matrix (rows: true class, columns: predicted)"
        );
        let cell = report
            .confusion_matrix
            .iter()
            .flatten()
            .map(|n| n.to_string().len())
            .max()
            .unwrap_or(1)
            .max(3);
        for (c, row) in report.classes.iter().zip(&report.confusion_matrix) {
            let counts: Vec<String> = row.iter().map(|n| format!("{n:>cell$}")).collect();
            let _ = writeln!(
                text,
                "  {:<width$}  {}",
                crate::error::one_line(&c.label),
                counts.join(" ")
            );
        }
    }
    text
}
