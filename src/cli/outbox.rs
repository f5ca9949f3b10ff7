//! `kiosk outbox list|retry|export`: what waits for the back office, without any personal data.

use std::path::{Path, PathBuf};

use clap::Subcommand;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use kiosk::backoffice::Link;
use kiosk::outbox::{Outbox, State};
use kiosk::services::uplink::worker::lock;
use kiosk::services::uplink::Uploader;

use super::{load_config, Failed};

#[derive(Subcommand)]
pub enum OutboxAction {
    /// Every package: receipt number, state, attempts, last error (no personal data).
    List,
    /// Try every waiting or refused package again now.
    Retry,
    /// Send what is queued to the configured back office now, waiting out retries, until the queue is empty or
    /// the time is up. Exits 0 when nothing queued is left.
    Send {
        /// Give up after this many seconds.
        #[arg(long, default_value_t = 600)]
        timeout: u64,
    },
    /// Measure package building, upload throughput and a large queue; prints a table (in a temporary folder).
    Bench {
        /// How many packages to queue for the large-queue measures.
        #[arg(long, default_value_t = 10_000)]
        packages: usize,
        /// The simulated camera's page size, WIDTHxHEIGHT in pixels.
        #[arg(long, default_value = "4208x3120")]
        page: String,
    },
    /// Copy the waiting packages, still encrypted, into a folder (a USB stick when the network is down for days).
    Export { dir: PathBuf },
}

pub fn run(config: &Path, action: &OutboxAction) -> Result<(), Failed> {
    if let OutboxAction::Bench { packages, page } = action {
        let (w, h) = page
            .split_once('x')
            .and_then(|(w, h)| Some((w.parse().ok()?, h.parse().ok()?)))
            .ok_or_else(|| Failed::with_message("--page WIDTHxHEIGHT"))?;
        return super::outbox_bench::run(config, *packages, w, h);
    }
    let config = load_config(config)?;
    let mut outbox = Outbox::open(&config.data_dir).map_err(Failed::with_message)?;
    match action {
        OutboxAction::Send { timeout } => {
            let backoffice = config.backoffice.as_ref().ok_or_else(|| {
                Failed::with_message("no [backoffice] in the configuration: nowhere to send to")
            })?;
            outbox.set_grace(backoffice.delivered_grace);
            let link = Link::new(&backoffice.link_settings(&config.kiosk_id))
                .map_err(Failed::with_message)?;
            let shared = Arc::new(Mutex::new(outbox));
            let uploader = Uploader::new(shared.clone(), link, backoffice.retry_policy());
            let deadline = tokio::time::Instant::now() + Duration::from_secs(*timeout);
            let left = super::selftest::runtime()?
                .block_on(uploader.drain(deadline))
                .map_err(Failed::with_message)?;
            let (waiting, _) = lock(&shared).pending().map_err(Failed::with_message)?;
            if left > 0 {
                return Err(Failed::with_message(format!(
                    "{left} package(s) still queued; see `kiosk outbox list`"
                )));
            }
            if waiting > 0 {
                return Err(Failed::with_message(format!(
                    "{waiting} package(s) refused by the back office and kept; fix the link, then `kiosk outbox retry`"
                )));
            }
            println!("nothing left to send");
        }
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
        OutboxAction::Bench { .. } => {}
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
