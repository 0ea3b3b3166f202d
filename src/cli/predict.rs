//! `pgml-cli predict`

use std::path::PathBuf;

use crate::algorithms::Runtime;
use crate::data::DataSource;
use crate::error::{Error, Result};
use crate::model;
use crate::output::Format;
use crate::predict::{self, OnError, PredictRequest};
use crate::registry;

use super::DialectArgs;

#[derive(clap::Args)]
#[command(group(clap::ArgGroup::new("source").required(true).args(["model", "project"])))]
pub struct Args {
    /// Model file written by `pgml-cli train`; a number that names no file is a model id of the
    /// registry (`pgml-cli models` lists them)
    #[arg(long, value_name = "FILE|ID")]
    model: Option<PathBuf>,
    /// Predict with this project's deployed model (from the registry)
    #[arg(long, value_name = "NAME")]
    project: Option<String>,
    /// Registry for --project or a model id: a database file or a postgresql:// URL
    /// [default: $PGML_STORE, else ./.pgml/registry.db]
    #[arg(long, value_name = "PATH|URL")]
    store: Option<PathBuf>,
    /// Rows to predict: CSV with a header or Parquet (columns matched by name), NPY (by
    /// position), - for CSV on stdin, or a PostgreSQL table
    /// ('postgresql://user@host/db?table=schema.name') or --query
    #[arg(long, value_name = "FILE|URL")]
    data: PathBuf,
    /// With a postgresql:// --data: the rows of this SQL query (run read-only) instead of a table
    #[arg(long, value_name = "SQL")]
    query: Option<String>,
    /// Where to write predictions [default: stdout]; 'postgresql://user@host/db?table=name'
    /// creates that table (in one transaction: a failed run leaves none)
    #[arg(long, short, value_name = "FILE|URL")]
    output: Option<PathBuf>,
    /// With a postgresql:// --output: replace the table if it exists (in the same transaction)
    #[arg(long)]
    replace: bool,
    /// Output format [default: by the --output extension (.json, .npy, .tsv), else csv]
    #[arg(long, value_enum)]
    format: Option<Format>,
    #[command(flatten)]
    dialect: DialectArgs,
    /// Class probabilities, one column per class, instead of labels
    #[arg(long)]
    proba: bool,
    /// Input columns to copy beside the predictions (ids to join back on), comma-separated
    #[arg(
        long,
        visible_alias = "key",
        value_name = "COLUMNS",
        value_delimiter = ','
    )]
    keep: Vec<String>,
    /// A row the model cannot take (a cell not of its column's kind, a missing value the model
    /// cannot take): fail naming it, or skip it (left out of the output, counted on stderr)
    #[arg(long, value_enum, default_value_t = OnError::Fail)]
    on_error: OnError,
    /// Python models with a native tree form predict through it without starting Python;
    /// `python` forces the library's own path, `rust` refuses a model without a native form
    #[arg(long, value_enum)]
    runtime: Option<Runtime>,
    /// Print numbers with this many decimals, 0 to 30 [default: shortest exact form]
    #[arg(
        long,
        value_name = "DIGITS",
        value_parser = clap::value_parser!(u8).range(0..=30),
        allow_negative_numbers = true
    )]
    precision: Option<u8>,
}

pub fn run(args: Args) -> Result<i32> {
    // Replacing the input or the model with predictions loses them: refuse before reading.
    if let Some(output) = &args.output {
        let inputs = [
            (Some(&args.data), "--data"),
            (args.model.as_ref(), "--model"),
        ];
        for (input, flag) in inputs
            .iter()
            .filter_map(|(input, flag)| input.map(|i| (i, flag)))
        {
            if same_file(output, input) {
                return Err(Error::usage(format!(
                    "--output {} is the {flag} file; choose another output",
                    output.display()
                )));
            }
        }
    }
    let dialect = args.dialect.for_file(&args.data)?;
    // A registry's model: by project (the deployed one) or by id; read before any data.
    let id = match (&args.project, &args.model) {
        (Some(project), _) => Some(Source::Project(project.clone())),
        (None, Some(model)) if !model.exists() => model
            .to_str()
            .and_then(|s| s.parse::<i64>().ok())
            .map(Source::Id),
        _ => None,
    };
    let stored = match id {
        Some(source) => {
            let mut store = registry::open(&registry::location(args.store.as_deref()))?;
            let id = match source {
                Source::Id(id) => id,
                Source::Project(project) => store.deployed(&project)?,
            };
            let name = PathBuf::from(format!("{} model {id}", store.name()));
            let (_, _, bytes) = store.model_file(id)?;
            let (header, payload) = model::decode(&name, &bytes)?;
            Some((name, header, payload))
        }
        None if args.store.is_some() => {
            return Err(Error::usage(
                "--store applies to --project or a model id, not a model file",
            ))
        }
        None => None,
    };
    let to_table = args
        .output
        .as_ref()
        .is_some_and(|o| crate::postgres::is_url(&o.to_string_lossy()));
    if to_table && (args.format.is_some() || args.precision.is_some()) {
        return Err(Error::usage(
            "a postgresql:// --output is a table: --format and --precision do not apply",
        ));
    }
    if args.replace && !to_table {
        return Err(Error::usage(
            "--replace applies to a postgresql:// --output table",
        ));
    }
    let request = PredictRequest {
        format: args
            .format
            .unwrap_or_else(|| Format::for_output(args.output.as_deref())),
        model: match &stored {
            Some((name, _, _)) => name.clone(),
            None => args.model.unwrap_or_default(),
        },
        data: DataSource::from_args(&args.data, None, dialect).with_query(args.query)?,
        output: args.output,
        replace: args.replace,
        keep: args.keep,
        on_error: args.on_error,
        runtime: args.runtime,
        proba: args.proba,
        precision: args.precision.map(usize::from),
    };
    match stored {
        Some((_, header, payload)) => predict::predict_model(&request, header, payload)?,
        None => predict::predict(&request)?,
    };
    Ok(0)
}

enum Source {
    Project(String),
    Id(i64),
}

/// Whether two paths name one existing file (same device and inode, so links count).
fn same_file(a: &std::path::Path, b: &std::path::Path) -> bool {
    use std::os::unix::fs::MetadataExt;
    match (std::fs::metadata(a), std::fs::metadata(b)) {
        (Ok(a), Ok(b)) => a.is_file() && a.dev() == b.dev() && a.ino() == b.ino(),
        _ => false,
    }
}
