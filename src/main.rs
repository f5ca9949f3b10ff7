//! `kiosk`: the self-service terminal, and the tools technicians and center staff run beside it.

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;

use clap::{Parser, Subcommand};

use kiosk::catalog;
use kiosk::config::Config;
use kiosk::toml_source::Problem;
use kiosk::ui::{Kiosk, UiSettings};

#[derive(Parser)]
#[command(name = "kiosk", version, about = "一件事一次办 self-service kiosk")]
struct Cli {
    /// The kiosk's configuration file.
    #[arg(long, global = true, default_value = "config/kiosk.toml")]
    config: PathBuf,
    /// Fill the screen (the terminal); otherwise a window of the configured size.
    #[arg(long)]
    fullscreen: bool,
    /// Window size as WIDTHxHEIGHT, e.g. 1920x1080, instead of the configured one.
    #[arg(long, value_parser = parse_size)]
    size: Option<(u32, u32)>,
    /// Quit as soon as the first frame is on screen, printing the time it took (for the startup benchmark).
    #[arg(long, hide = true)]
    exit_after_first_frame: bool,
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand)]
enum Command {
    /// Check, export or search the one-thing catalog.
    Catalog {
        #[command(subcommand)]
        action: CatalogAction,
    },
}

#[derive(Subcommand)]
enum CatalogAction {
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

fn parse_size(text: &str) -> Result<(u32, u32), String> {
    let (w, h) = text
        .split_once(['x', 'X', '×'])
        .ok_or("use WIDTHxHEIGHT, e.g. 1080x1920")?;
    let parse = |s: &str| {
        s.trim()
            .parse::<u32>()
            .map_err(|_| format!("`{s}` is not a number of pixels"))
    };
    Ok((parse(w)?, parse(h)?))
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Some(Command::Catalog { ref action }) => catalog_command(&cli, action),
        None => run_kiosk(&cli),
    }
}

fn report(problems: &[Problem]) {
    for problem in problems {
        eprintln!("{problem}");
    }
}

fn load_config(path: &Path) -> Result<Config, ExitCode> {
    Config::load(path).map_err(|problems| {
        report(&problems);
        ExitCode::FAILURE
    })
}

fn load_catalog(path: &Path) -> Result<catalog::Catalog, ExitCode> {
    catalog::load(path).map_err(|problems| {
        report(&problems);
        eprintln!("{} problem(s) in the catalog", problems.len());
        ExitCode::FAILURE
    })
}

/// The catalog path given on the command line, or the configured one.
fn catalog_path(cli: &Cli, given: Option<&PathBuf>) -> Result<PathBuf, ExitCode> {
    match given {
        Some(path) => Ok(path.clone()),
        None => Ok(load_config(&cli.config)?.catalog),
    }
}

fn catalog_command(cli: &Cli, action: &CatalogAction) -> ExitCode {
    let result = (|| -> Result<(), ExitCode> {
        match action {
            CatalogAction::Check { path } => {
                let path = catalog_path(cli, path.as_ref())?;
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
                    return Err(ExitCode::from(2));
                }
                let catalog = load_catalog(&catalog_path(cli, path.as_ref())?)?;
                println!("{}", catalog::to_json(&catalog));
            }
            CatalogAction::Search { query } => {
                let catalog = load_catalog(&catalog_path(cli, None)?)?;
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
    })();
    result.err().unwrap_or(ExitCode::SUCCESS)
}

fn run_kiosk(cli: &Cli) -> ExitCode {
    let started = std::time::Instant::now();
    let result = (|| -> Result<(), ExitCode> {
        let config = load_config(&cli.config)?;
        let catalog = Arc::new(load_catalog(&config.catalog)?);
        let kiosk = Kiosk::new(catalog, UiSettings::from_config(&config)).map_err(|e| {
            eprintln!("cannot open the kiosk window: {e}");
            ExitCode::FAILURE
        })?;
        let (width, height) = cli.size.unwrap_or((config.width, config.height));
        kiosk.set_size(width, height);
        if cli.fullscreen || config.fullscreen {
            kiosk.set_fullscreen();
        }
        if cli.exit_after_first_frame {
            kiosk.quit_after_first_frame(started);
        }
        kiosk.run().map_err(|e| {
            eprintln!("the kiosk window failed: {e}");
            ExitCode::FAILURE
        })
    })();
    result.err().unwrap_or(ExitCode::SUCCESS)
}
