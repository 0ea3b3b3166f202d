//! `pgml-cli info`

use std::fmt::Write;
use std::path::PathBuf;

use crate::error::{one_line, Error, Result};
use crate::model;

use super::{metric, print, print_json, ReportFormat};

#[derive(clap::Args)]
pub struct Args {
    /// Model file
    model: PathBuf,
    #[arg(long, value_enum, default_value_t = ReportFormat::Human)]
    format: ReportFormat,
}

pub fn run(args: Args) -> Result<i32> {
    let (header, payload) = model::read(&args.model)?;
    if args.format == ReportFormat::Json {
        print_json(&serde_json::to_value(&header).map_err(|e| Error::Io(e.to_string()))?)?;
        return Ok(0);
    }
    let mut t = String::new();
    // Every string from the header is shown escaped: a model file may come from anyone, and
    // its names must not drive the terminal or forge lines.
    let s = |text: &str| one_line(text);
    let list = |names: &[String]| {
        if names.is_empty() {
            "-".to_string()
        } else {
            names.iter().map(|n| s(n)).collect::<Vec<_>>().join(", ")
        }
    };
    let _ = writeln!(t, "model         {}", args.model.display());
    let _ = writeln!(
        t,
        "format        {} (written by pgml-cli {} at {})",
        header.format_version,
        s(&header.pgml_cli_version),
        s(&header.created_at)
    );
    let _ = writeln!(t, "task          {}", header.task);
    let _ = writeln!(t, "algorithm     {}", s(&header.algorithm));
    let _ = writeln!(
        t,
        "runtime       {} ({} {}), payload {} bytes",
        header.runtime.name(),
        s(&header.backend.name),
        s(&header.backend.version),
        payload.len()
    );
    if let Some(python) = &header.python {
        let versions: Vec<String> = python
            .versions
            .iter()
            .filter_map(|(name, version)| version.as_ref().map(|v| s(&format!("{name} {v}"))))
            .collect();
        let wrapped = if python.single_target && header.target_names.len() > 1 {
            " in MultiOutputRegressor"
        } else {
            ""
        };
        let _ = writeln!(
            t,
            "python        {}{wrapped}; written with {}",
            s(&python.class),
            versions.join(", ")
        );
        if let Some(cluster) = &python.cluster {
            let _ = writeln!(
                t,
                "cluster       fitted on the Dask cluster at {}",
                s(cluster)
            );
        }
    }
    if let Some(forms) = forms(&header, &payload) {
        let _ = writeln!(t, "forms         {}", s(&forms));
    }
    let _ = writeln!(t, "hyperparams   {}", header.hyperparams);
    let _ = writeln!(t, "resolved      {}", header.resolved_hyperparams);
    let _ = writeln!(
        t,
        "features      {}: {}",
        header.feature_names.len(),
        list(&header.feature_names)
    );
    let _ = writeln!(
        t,
        "input         {}",
        super::train::columns_summary(&header)
    );
    for line in header.input.describe() {
        let _ = writeln!(t, "  {line}");
    }
    let _ = writeln!(t, "targets       {}", list(&header.target_names));
    if !header.classes.is_empty() {
        let _ = writeln!(t, "classes       {}", list(&header.classes));
    }
    let _ = writeln!(
        t,
        "data          {}: {} rows, {}",
        s(&header.data.source),
        header.data.rows,
        s(&header.data.fingerprint)
    );
    if let Some(test) = &header.test_data {
        let _ = writeln!(
            t,
            "test data     {}: {} rows, {}",
            s(&test.source),
            test.rows,
            s(&test.fingerprint)
        );
    }
    let sampling = header.split.sampling.name();
    match &header.test_data {
        Some(test) => {
            let _ = writeln!(
                t,
                "split         none: {} train rows; {} test rows from {}",
                header.split.train_rows,
                header.split.test_rows,
                s(&test.source)
            );
        }
        None => {
            let _ = writeln!(
                t,
                "split         {sampling}, test size {}, seed {}: {} train rows, {} test rows",
                header.split.test_size,
                header.seed,
                header.split.train_rows,
                header.split.test_rows
            );
        }
    }
    let _ = writeln!(t, "metrics");
    for (name, value) in &header.metrics {
        let _ = writeln!(t, "  {:<32}{}", s(name), metric(*value));
    }
    print(&t)?;
    Ok(0)
}

/// A Python model's forms: the library's format, and the native form or why it has none.
fn forms(header: &model::Header, payload: &[u8]) -> Option<String> {
    let python = header.python.as_ref()?;
    let library = match crate::algorithms::library::decode(payload) {
        Ok((library, form)) => {
            let native = match (&python.native, form) {
                (Some(status), Some(_)) if status.form.is_some() => {
                    format!("native trees ({})", status.note)
                }
                (Some(_), Some(_)) => {
                    "a native form the header says it lacks (refused by predict)".into()
                }
                (Some(status), None) => format!("no native form: {}", status.note),
                (None, None) => {
                    "no native form (written before native forms, or not a tree ensemble)".into()
                }
                (None, Some(_)) => {
                    "a native form the header does not mention (refused by predict)".into()
                }
            };
            format!("{} and {native}", library.format)
        }
        Err(why) => why,
    };
    Some(library)
}
