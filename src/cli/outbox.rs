//! `kiosk outbox list|retry|export`: what waits for the back office, without any personal data.

use std::path::{Path, PathBuf};

use clap::Subcommand;
use kiosk::outbox::{Outbox, State};

use super::{load_config, Failed};

#[derive(Subcommand)]
pub enum OutboxAction {
    /// Every package: receipt number, state, attempts, last error (no personal data).
    List,
    /// Try every waiting or refused package again now.
    Retry,
    /// Copy the waiting packages, still encrypted, into a folder (a USB stick when the network is down for days).
    Export { dir: PathBuf },
}

pub fn run(config: &Path, action: &OutboxAction) -> Result<(), Failed> {
    let config = load_config(config)?;
    let mut outbox = Outbox::open(&config.data_dir).map_err(Failed::with_message)?;
    match action {
        OutboxAction::List => {
            println!(
                "{:<28} {:<10} {:>8} {:>6} {:>10}  last error",
                "receipt", "state", "attempts", "files", "bytes"
            );
            for e in outbox.list().map_err(Failed::with_message)? {
                let state = match e.state {
                    State::Queued => "queued",
                    State::Delivered => "delivered",
                    State::Refused => "refused",
                };
                let test = if e.test { " (test)" } else { "" };
                println!(
                    "{:<28} {:<10} {:>8} {:>6} {:>10}  {}{test}",
                    e.receipt_no,
                    state,
                    e.attempts,
                    e.files,
                    e.bytes,
                    e.last_error.as_deref().unwrap_or("")
                );
            }
        }
        OutboxAction::Retry => {
            let n = outbox.retry_all().map_err(Failed::with_message)?;
            println!("{n} package(s) will be tried again now");
        }
        OutboxAction::Export { dir } => {
            std::fs::create_dir_all(dir)
                .map_err(|e| Failed::with_message(format!("{}: {e}", dir.display())))?;
            let n = outbox.export(dir).map_err(Failed::with_message)?;
            println!(
                "{n} package(s) copied to {} (encrypted with this kiosk's device key)",
                dir.display()
            );
        }
    }
    Ok(())
}
