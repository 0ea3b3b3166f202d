//! `pgml-cli predict`

use std::path::PathBuf;

use crate::error::Result;
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
    #[arg(long, value_enum, default_value_t = Format::Csv)]
    format: Format,
    /// Class probabilities, one column per class, instead of labels
    #[arg(long)]
    proba: bool,
    /// Print numbers with this many decimals [default: shortest exact form]
    #[arg(long, value_name = "DIGITS")]
    precision: Option<usize>,
}

pub fn run(args: Args) -> Result<i32> {
    let request = PredictRequest {
        model: args.model,
        data: args.data,
        output: args.output,
        format: args.format,
        proba: args.proba,
        precision: args.precision,
    };
    predict::predict(&request)?;
    Ok(0)
}
