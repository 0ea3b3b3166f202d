//! `pgml-cli predict`

use std::path::PathBuf;

use crate::data::input::Dialect;
use crate::error::{Error, Result};
use crate::output::Format;
use crate::predict::{self, PredictRequest};

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
    /// CSV field delimiter, one ASCII character ('tab' for a tab) [default: tab for .tsv/.tab
    /// files, else ',']
    #[arg(long, value_name = "CHAR")]
    delimiter: Option<String>,
    /// Numbers in the CSV are written with a decimal comma (3,14); needs a delimiter other than ','
    #[arg(long)]
    decimal_comma: bool,
    /// Class probabilities, one column per class, instead of labels
    #[arg(long)]
    proba: bool,
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
    let request = PredictRequest {
        dialect: Dialect::new(args.delimiter.as_deref(), args.decimal_comma, &args.data)?,
        format: args
            .format
            .unwrap_or_else(|| Format::for_output(args.output.as_deref())),
        model: args.model,
        data: args.data,
        output: args.output,
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
