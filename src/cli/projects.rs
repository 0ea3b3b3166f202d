//! `pgml-cli projects`

use crate::error::{Error, Result};
use crate::registry;

use super::{print, print_json, ReportFormat, StoreArgs};

#[derive(clap::Args)]
pub struct Args {
    #[command(flatten)]
    store: StoreArgs,
    #[arg(long, value_enum, default_value_t = ReportFormat::Human)]
    format: ReportFormat,
}

pub fn run(args: Args) -> Result<i32> {
    let projects = registry::open(&args.store.path())?.projects()?;
    match args.format {
        ReportFormat::Json => {
            print_json(&serde_json::to_value(&projects).map_err(|e| Error::Io(e.to_string()))?)?
        }
        ReportFormat::Human => {
            let rows: Vec<Vec<String>> = projects
                .iter()
                .map(|p| {
                    vec![
                        p.name.clone(),
                        p.task.clone(),
                        p.models.to_string(),
                        p.deployed_model_id.map_or("-".into(), |id| id.to_string()),
                        p.created.clone(),
                    ]
                })
                .collect();
            print(&super::models::table(
                &["project", "task", "models", "deployed", "created"],
                &rows,
            ))?;
        }
    }
    Ok(0)
}
