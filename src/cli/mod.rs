//! The command-line tools beside the kiosk: one module per group of commands.

pub mod backoffice_sim;
pub mod catalog;
pub mod device;
pub mod identity_json;
pub mod outbox;
mod outbox_bench;
pub mod receipt;
pub mod selftest;
pub mod sim;
mod speech_bench;
pub use speech_bench::run as speech_bench;
pub mod technician;
mod ui_bench;
pub use ui_bench::{run as ui_bench, Pixels};

use std::path::Path;
use std::process::ExitCode;

use kiosk::app::words::ForTechnicians;
use kiosk::config::Config;
use kiosk::toml_source::Problem;

/// A command that failed: its message is already printed; this is the exit code.
pub struct Failed(pub ExitCode);

impl Failed {
    /// Prints `message` to standard error and fails with status 1.
    pub fn with_message(message: impl std::fmt::Display) -> Failed {
        eprintln!("{message}");
        Failed(ExitCode::FAILURE)
    }

    /// Prints `error` as technicians read it (the words, then the technical detail) and fails with status 1.
    pub fn for_technicians(error: impl ForTechnicians) -> Failed {
        Failed::with_message(error.for_technicians())
    }
}

pub fn report(problems: &[Problem]) {
    for problem in problems {
        eprintln!("{problem}");
    }
}

pub fn load_config(path: &Path) -> Result<Config, Failed> {
    Config::load(path).map_err(|problems| {
        report(&problems);
        Failed(ExitCode::FAILURE)
    })
}

pub fn load_catalog(path: &Path) -> Result<kiosk::catalog::Catalog, Failed> {
    kiosk::catalog::load(path).map_err(|problems| {
        report(&problems);
        eprintln!("{} problem(s) in the catalog", problems.len());
        Failed(ExitCode::FAILURE)
    })
}
