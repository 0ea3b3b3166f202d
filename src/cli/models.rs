//! `pgml-cli models`: list, export, import.

use std::path::PathBuf;

use crate::error::{one_line, Error, Result};
use crate::model;
use crate::registry;

use super::{metric, print, print_json, ReportFormat};

#[derive(clap::Args)]
pub struct Args {
    #[command(subcommand)]
    action: Option<Action>,
    /// List only this project's models
    project: Option<String>,
    /// Registry: a database file or a postgresql:// URL [default: $PGML_STORE, else
    /// ./.pgml/registry.db]
    #[arg(long, value_name = "PATH|URL", global = true)]
    store: Option<PathBuf>,
    /// Listing format [default: human]
    #[arg(long, value_enum)]
    format: Option<ReportFormat>,
}

#[derive(clap::Subcommand)]
enum Action {
    /// Write a model of the registry to a self-contained model file
    Export {
        /// Model id (from `pgml-cli models`)
        id: i64,
        /// Model file to write
        #[arg(long, short, value_name = "FILE")]
        output: PathBuf,
        /// Overwrite the file if it exists
        #[arg(long)]
        force: bool,
    },
    /// Add a model file (trained elsewhere) to a project, deploying it when it beats the deployed one
    Import {
        /// Model file written by `pgml-cli train`
        file: PathBuf,
        /// Project to add it to (created on first use with the model's task)
        #[arg(long, value_name = "NAME")]
        project: String,
        /// Record the model without deploying it
        #[arg(long)]
        no_deploy: bool,
    },
}

pub fn run(args: Args) -> Result<i32> {
    let store = registry::location(args.store.as_deref());
    if args.action.is_some() && (args.project.is_some() || args.format.is_some()) {
        return Err(Error::usage(
            "a project name and --format list models; export and import take neither",
        ));
    }
    match args.action {
        Some(Action::Export { id, output, force }) => {
            model::check_writable(&output, force)?;
            let (row, _, bytes) = registry::open(&store)?.model_file(id)?;
            model::write_atomically(&output, &bytes, force)?;
            print(&format!(
                "{}\n",
                one_line(&format!(
                    "exported model {id} of project '{}' ({}) to {}",
                    row.project,
                    row.algorithm,
                    output.display()
                ))
            ))?;
        }
        Some(Action::Import {
            file,
            project,
            no_deploy,
        }) => {
            let mut registry = registry::open_or_create(&store)?;
            let (_, recorded) =
                registry::record_file(registry.as_mut(), &project, &file, !no_deploy)?;
            let deployed = match recorded.deployed {
                true => "deployed".to_string(),
                false => match recorded.deployed_model_id {
                    Some(id) if !no_deploy => format!("not deployed (model {id} stays deployed)"),
                    _ => "not deployed".to_string(),
                },
            };
            print(&format!(
                "{}\n",
                one_line(&format!(
                    "imported {} as model {} of project '{project}', {deployed}",
                    file.display(),
                    recorded.model_id
                ))
            ))?;
        }
        None => list(
            &store,
            args.project.as_deref(),
            args.format.unwrap_or(ReportFormat::Human),
        )?,
    }
    Ok(0)
}

fn list(store: &std::path::Path, project: Option<&str>, format: ReportFormat) -> Result<()> {
    let models = registry::open(store)?.models(project)?;
    match format {
        ReportFormat::Json => {
            print_json(&serde_json::to_value(&models).map_err(|e| Error::Io(e.to_string()))?)
        }
        ReportFormat::Human => {
            let rows: Vec<Vec<String>> = models
                .iter()
                .map(|m| {
                    vec![
                        if m.deployed { "*" } else { "" }.to_string(),
                        m.id.to_string(),
                        m.project.clone(),
                        m.algorithm.clone(),
                        m.runtime.clone(),
                        m.key_metric.map_or("-".into(), metric),
                        m.created.clone(),
                    ]
                })
                .collect();
            let key = "key_metric";
            print(&table(
                &["", "id", "project", "algorithm", "runtime", key, "created"],
                &rows,
            ))
        }
    }
}

/// Left-aligned columns two spaces apart, trailing spaces trimmed; cells on one line with
/// control characters escaped (names come from users and imported files).
pub fn table(header: &[&str], rows: &[Vec<String>]) -> String {
    let rows: Vec<Vec<String>> = rows
        .iter()
        .map(|row| row.iter().map(|cell| one_line(cell)).collect())
        .collect();
    let rows = &rows;
    let mut widths: Vec<usize> = header.iter().map(|h| h.chars().count()).collect();
    for row in rows {
        for (w, cell) in widths.iter_mut().zip(row) {
            *w = (*w).max(cell.chars().count());
        }
    }
    let mut text = String::new();
    let header: Vec<String> = header.iter().map(|h| h.to_string()).collect();
    for row in std::iter::once(&header).chain(rows) {
        let cells: Vec<String> = row
            .iter()
            .zip(&widths)
            .map(|(cell, w)| format!("{cell:<w$}"))
            .collect();
        text.push_str(cells.join("  ").trim_end());
        text.push('\n');
    }
    text
}
