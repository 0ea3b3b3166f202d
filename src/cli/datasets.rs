//! `pgml-cli datasets`

use std::fmt::Write;

use crate::data::bundled::{Bundled, DATASETS};
use crate::error::{Error, Result};

use super::print;

#[derive(clap::Args)]
pub struct Args {
    /// Print this dataset as CSV on stdout
    name: Option<String>,
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
        print(dataset.csv)?;
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
