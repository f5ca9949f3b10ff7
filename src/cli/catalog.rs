//! `kiosk catalog check|export|search`.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::Subcommand;
use kiosk::catalog;

use super::{load_catalog, load_config, Failed};

#[derive(Subcommand)]
pub enum CatalogAction {
    /// Validate a catalog (a folder of *.toml files or one file); print every problem as file:line: message.
    Check {
        /// Defaults to the catalog named in the configuration.
        path: Option<PathBuf>,
    },
    /// Print the catalog.
    Export {
        /// As JSON (the only format so far).
        #[arg(long)]
        json: bool,
        /// Defaults to the catalog named in the configuration.
        #[arg(long)]
        catalog: Option<PathBuf>,
    },
    /// List the one-things a search finds (Chinese text, pinyin or its initials).
    Search { query: String },
}

/// The catalog path given on the command line, or the configured one.
fn catalog_path(config: &Path, given: Option<&PathBuf>) -> Result<PathBuf, Failed> {
    match given {
        Some(path) => Ok(path.clone()),
        None => Ok(load_config(config)?.catalog),
    }
}

pub fn run(config: &Path, action: &CatalogAction) -> Result<(), Failed> {
    match action {
        CatalogAction::Check { path } => {
            let path = catalog_path(config, path.as_ref())?;
            let catalog = load_catalog(&path)?;
            let rows: usize = catalog.one_things.iter().map(|t| t.joint.len()).sum();
            println!(
                "{}: ok: {} one-things, {} joint rows, {} joint items, {} materials, {} fields",
                path.display(),
                catalog.one_things.len(),
                rows,
                catalog.joint_items.len(),
                catalog.materials.len(),
                catalog.fields.len()
            );
        }
        CatalogAction::Export {
            json,
            catalog: path,
        } => {
            if !json {
                eprintln!("say --json: JSON is the only export format");
                return Err(Failed(ExitCode::from(2)));
            }
            let catalog = load_catalog(&catalog_path(config, path.as_ref())?)?;
            println!("{}", catalog::to_json(&catalog));
        }
        CatalogAction::Search { query } => {
            let catalog = load_catalog(&catalog_path(config, None)?)?;
            for no in catalog::SearchIndex::new(&catalog).search(query) {
                if let Some(thing) = catalog.one_thing(no) {
                    println!(
                        "{:>2} {} [{}] {}",
                        thing.no,
                        thing.name,
                        thing.target.label(),
                        thing.lead
                    );
                }
            }
        }
    }
    Ok(())
}
