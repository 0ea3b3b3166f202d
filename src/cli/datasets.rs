//! `pgml-cli datasets`

use std::fmt::Write;

use crate::data::bundled::{Bundled, DATASETS};
use crate::data::split;
use crate::error::{Error, Result};

use super::print;

#[derive(clap::Args)]
pub struct Args {
    /// Print this dataset as CSV on stdout
    name: Option<String>,

    /// Print only this many rows, drawn at random with --seed (in their original order)
    #[arg(
        long,
        value_name = "ROWS",
        requires = "name",
        allow_negative_numbers = true
    )]
    sample: Option<usize>,

    /// Seed for --sample
    #[arg(
        long,
        default_value_t = 0,
        requires = "sample",
        allow_negative_numbers = true
    )]
    seed: u64,
}

pub fn run(args: Args) -> Result<i32> {
    if let Some(name) = args.name {
        let dataset = Bundled::find(&name).ok_or_else(|| {
            let names: Vec<&str> = DATASETS.iter().map(|d| d.name).collect();
            Error::usage(format!(
                "no bundled dataset '{name}' (there are: {})",
                names.join(", ")
            ))
        })?;
        match args.sample {
            None => print(dataset.csv)?,
            Some(n) => print(&sample(dataset, n, args.seed)?)?,
        }
        return Ok(0);
    }
    let mut text = format!(
        "{:<16}{:>6}{:>9}  {:<16}{:<22}{}\n",
        "DATASET", "ROWS", "COLUMNS", "TASK", "TARGETS", "ABOUT"
    );
    for d in DATASETS {
        let _ = writeln!(
            text,
            "{:<16}{:>6}{:>9}  {:<16}{:<22}{}",
            d.name,
            d.rows(),
            d.columns(),
            d.task.name(),
            d.targets.join(","),
            d.about
        );
    }
    print(&text)?;
    Ok(0)
}

/// The header and `n` rows of the dataset drawn with the seed (the bundled files hold one record
/// per line).
fn sample(dataset: &Bundled, n: usize, seed: u64) -> Result<String> {
    let (header, body) = dataset.csv.split_once('\n').unwrap_or((dataset.csv, ""));
    let rows: Vec<&str> = body.lines().collect();
    if n == 0 || n > rows.len() {
        return Err(Error::usage(format!(
            "--sample {n}: {} has {} rows; expected 1 to {}",
            dataset.name,
            rows.len(),
            rows.len()
        )));
    }
    let mut text = format!("{header}\n");
    for row in split::sample(rows.len(), n, seed) {
        text.push_str(rows[row]);
        text.push('\n');
    }
    Ok(text)
}
