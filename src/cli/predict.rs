//! `pgml-cli predict`

use std::path::PathBuf;

use crate::data::DataSource;
use crate::error::{Error, Result};
use crate::output::Format;
use crate::predict::{self, OnError, PredictRequest};

use super::DialectArgs;

#[derive(clap::Args)]
pub struct Args {
    /// Model file written by `pgml-cli train`
    #[arg(long, value_name = "FILE")]
    model: PathBuf,
    /// Rows to predict: CSV with a header (columns matched by name), NPY (by position), or - for CSV on stdin
    #[arg(long, value_name = "FILE")]
    data: PathBuf,
    /// Where to write predictions [default: stdout]
    #[arg(long, short, value_name = "FILE")]
    output: Option<PathBuf>,
    /// Output format [default: by the --output extension (.json, .npy, .tsv), else csv]
    #[arg(long, value_enum)]
    format: Option<Format>,
    #[command(flatten)]
    dialect: DialectArgs,
    /// Class probabilities, one column per class, instead of labels
    #[arg(long)]
    proba: bool,
    /// Input columns to copy beside the predictions (ids to join back on), comma-separated
    #[arg(long, value_name = "COLUMNS", value_delimiter = ',')]
    keep: Vec<String>,
    /// A row the model cannot take (a cell not of its column's kind, a missing value the model
    /// cannot take): fail naming it, or skip it (left out of the output, counted on stderr)
    #[arg(long, value_enum, default_value_t = OnError::Fail)]
    on_error: OnError,
    /// Print numbers with this many decimals, 0 to 30 [default: shortest exact form]
    #[arg(long, value_name = "DIGITS", value_parser = clap::value_parser!(u8).range(0..=30))]
    precision: Option<u8>,
}

pub fn run(args: Args) -> Result<i32> {
    // Replacing the input or the model with predictions loses them: refuse before reading.
    if let Some(output) = &args.output {
        for (input, flag) in [(&args.data, "--data"), (&args.model, "--model")] {
            if same_file(output, input) {
                return Err(Error::usage(format!(
                    "--output {} is the {flag} file; choose another output",
                    output.display()
                )));
            }
        }
    }
    let dialect = args.dialect.for_file(&args.data)?;
    let request = PredictRequest {
        format: args
            .format
            .unwrap_or_else(|| Format::for_output(args.output.as_deref())),
        model: args.model,
        data: DataSource::from_args(&args.data, None, dialect),
        output: args.output,
        keep: args.keep,
        on_error: args.on_error,
        proba: args.proba,
        precision: args.precision.map(usize::from),
    };
    predict::predict(&request)?;
    Ok(0)
}

/// Whether two paths name one existing file (same device and inode, so links count).
fn same_file(a: &std::path::Path, b: &std::path::Path) -> bool {
    use std::os::unix::fs::MetadataExt;
    match (std::fs::metadata(a), std::fs::metadata(b)) {
        (Ok(a), Ok(b)) => a.is_file() && a.dev() == b.dev() && a.ino() == b.ino(),
        _ => false,
    }
}
