//! `pgml-cli deploy`

use crate::error::{one_line, Error, Result};
use crate::registry::{self, ModelRow, Strategy};

use super::{metric, print, print_json, ReportFormat, StoreArgs};

#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
#[clap(rename_all = "snake_case")]
enum StrategyName {
    /// The model with the highest key metric (r2, f1, silhouette, cumulative_explained_variance)
    BestScore,
    /// The newest model
    MostRecent,
    /// The most recently deployed model that is not the current one
    Rollback,
}

#[derive(clap::Args)]
pub struct Args {
    /// Project name
    project: String,
    /// How to choose the model
    #[arg(
        long,
        value_enum,
        required_unless_present = "model",
        conflicts_with = "model"
    )]
    strategy: Option<StrategyName>,
    /// Choose only among this algorithm's models (best_score, most_recent)
    #[arg(long, requires = "strategy")]
    algorithm: Option<String>,
    /// Deploy this model (an id from `pgml-cli models`)
    #[arg(long, value_name = "ID")]
    model: Option<i64>,
    #[command(flatten)]
    store: StoreArgs,
    #[arg(long, value_enum, default_value_t = ReportFormat::Human)]
    format: ReportFormat,
}

pub fn run(args: Args) -> Result<i32> {
    let strategy = match (args.strategy, args.model) {
        (_, Some(id)) => Strategy::Specific(id),
        (Some(StrategyName::BestScore), None) => Strategy::BestScore(args.algorithm),
        (Some(StrategyName::MostRecent), None) => Strategy::MostRecent(args.algorithm),
        (Some(StrategyName::Rollback), None) if args.algorithm.is_some() => {
            return Err(Error::usage(
                "--algorithm applies to best_score and most_recent, not rollback",
            ))
        }
        (Some(StrategyName::Rollback), None) => Strategy::Rollback,
        (None, None) => return Err(Error::usage("give --strategy or --model")),
    };
    let row = registry::open(&args.store.path())?.deploy(&args.project, &strategy)?;
    match args.format {
        ReportFormat::Human => print(&format!(
            "{}\n",
            one_line(&format!(
                "deployed model {} of project '{}' ({}): {}",
                row.id,
                row.project,
                strategy.name(),
                describe(&row)
            ))
        )),
        ReportFormat::Json => {
            let mut report = serde_json::to_value(&row).map_err(|e| Error::Io(e.to_string()))?;
            if let Some(object) = report.as_object_mut() {
                object.insert("strategy".into(), strategy.name().into());
            }
            print_json(&report)
        }
    }?;
    Ok(0)
}

/// `linear (rust), r2 0.512345`
pub fn describe(row: &ModelRow) -> String {
    let key = registry::key_metric_name(&row.task);
    let score = row.key_metric.map_or("-".to_string(), metric);
    format!("{} ({}), {key} {score}", row.algorithm, row.runtime)
}
