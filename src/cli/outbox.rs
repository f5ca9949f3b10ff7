//! `kiosk outbox …`: what waits for the back office (without any personal data), and the technician's and the
//! center's work on it. Listing reads beside a running kiosk; anything that changes the outbox needs it to
//! itself, and says so when the kiosk holds it.

use std::path::{Path, PathBuf};

use clap::Subcommand;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use kiosk::app::words::{self, ForTechnicians};
use kiosk::backoffice::Link;
use kiosk::config::Config;
use kiosk::outbox::transfer::{self, Identity, Recipient};
use kiosk::outbox::{Outbox, OutboxError};
use kiosk::services::uplink::worker::lock;
use kiosk::services::uplink::Uploader;

use super::{load_config, Failed};

#[derive(Subcommand)]
pub enum OutboxAction {
    /// Every package: receipt number, state, attempts, last error (no personal data). Works beside a running kiosk.
    List,
    /// Try every waiting, refused or damaged package again now.
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
    /// Seal the waiting packages to the back office's key ([export] recipient) into a folder (a USB stick when the
    /// network is down for days).
    Export {
        dir: PathBuf,
        /// The age recipient to seal to, instead of the configured one.
        #[arg(long)]
        recipient: Option<String>,
    },
    /// On a center PC: open the packages exported into DIR with the back office's identity, queue them and
    /// deliver them to the configured back office. Each is delivered once, also when this runs twice.
    Import {
        dir: PathBuf,
        /// The age identity file (from `kiosk outbox new-identity`).
        #[arg(long)]
        identity: PathBuf,
        /// Give up delivering after this many seconds.
        #[arg(long, default_value_t = 600)]
        timeout: u64,
    },
    /// Make the back office's key pair for exports: the identity into FILE (kept secret), the recipient printed
    /// for the kiosks' [export] recipient.
    NewIdentity { file: PathBuf },
    /// The device key is lost: give up the packages it sealed (marked damaged, their receipt numbers listed) and
    /// make a new key so the kiosk takes applications again.
    ReplaceLostKey,
}

/// The outbox, owned by this command: refused with a clear message while the kiosk holds it.
fn open_owned(config: &Config, instead: &str) -> Result<Outbox, Failed> {
    let retention = config
        .backoffice
        .as_ref()
        .map(|b| b.retention())
        .unwrap_or_default();
    match Outbox::open_with(&config.data_dir, retention) {
        Ok(outbox) => Ok(outbox),
        Err(busy @ OutboxError::Busy(_)) => Err(Failed::with_message(format!(
            "{}\nthe running kiosk owns the outbox in {}: {instead}, or stop it first (systemctl stop kiosk)",
            busy.for_technicians(),
            config.data_dir.display()
        ))),
        Err(e) => Err(Failed::for_technicians(e)),
    }
}

fn list(config: &Config) -> Result<(), Failed> {
    println!(
        "{:<28} {:<10} {:>8} {:>6} {:>10}  last error",
        "receipt", "state", "attempts", "files", "bytes"
    );
    for e in kiosk::outbox::list_read_only(&config.data_dir).map_err(Failed::for_technicians)? {
        let test = if e.test { " (test)" } else { "" };
        println!(
            "{:<28} {:<10} {:>8} {:>6} {:>10}  {}{test}",
            e.receipt_no,
            e.state.code(),
            e.attempts,
            e.files,
            e.bytes,
            words::package_problem(&e).unwrap_or_default()
        );
    }
    // 好差评 waiting beside the packages (delivered ones keep nothing to show).
    for e in kiosk::outbox::waiting_evaluations_read_only(&config.data_dir)
        .map_err(Failed::for_technicians)?
    {
        println!(
            "{:<28} {:<10} {:>8} {:>6} {:>10}  {}(evaluation)",
            e.receipt_no,
            e.state.code(),
            e.attempts,
            "-",
            "-",
            e.last_error.map(|l| format!("{l} ")).unwrap_or_default()
        );
    }
    Ok(())
}

/// Delivers what `outbox` has queued to the configured back office, until nothing queued is left or `timeout`.
fn deliver(config: &Config, outbox: Outbox, timeout: u64) -> Result<(), Failed> {
    let backoffice = config.backoffice.as_ref().ok_or_else(|| {
        Failed::with_message("no [backoffice] in the configuration: nowhere to send to")
    })?;
    let link =
        Link::new(&backoffice.link_settings(&config.kiosk_id)).map_err(Failed::for_technicians)?;
    let shared = Arc::new(Mutex::new(outbox));
    let uploader = Uploader::new(shared.clone(), link, backoffice.retry_policy());
    let deadline = tokio::time::Instant::now() + Duration::from_secs(timeout);
    let left = super::selftest::runtime()?
        .block_on(uploader.drain(deadline))
        .map_err(Failed::for_technicians)?;
    let (waiting, _) = lock(&shared).pending().map_err(Failed::for_technicians)?;
    if left > 0 {
        return Err(Failed::with_message(format!(
            "{left} package(s) or evaluation(s) still queued; see `kiosk outbox list`"
        )));
    }
    if waiting > 0 {
        return Err(Failed::with_message(format!(
            "{waiting} package(s) or evaluation(s) refused by the back office or damaged, and kept; see \
             `kiosk outbox list`, fix the cause, then `kiosk outbox retry`"
        )));
    }
    println!("nothing left to send");
    Ok(())
}

fn export(config: &Config, dir: &Path, recipient: Option<&str>) -> Result<(), Failed> {
    let recipient: Recipient = recipient
        .or(config.export_recipient.as_deref())
        .ok_or_else(|| {
            Failed::with_message(
                "no recipient: set [export] recipient in the configuration or give --recipient age1…",
            )
        })?
        .parse()
        .map_err(Failed::for_technicians)?;
    let mut outbox = open_owned(config, "use technician mode's 导出到U盘")?;
    let entries = outbox.waiting_entries().map_err(Failed::for_technicians)?;
    let done = transfer::export(
        &entries,
        |id| outbox.load(id),
        dir,
        &config.kiosk_id,
        &recipient,
        |done, total| eprint!("\r{done}/{total}"),
    )
    .map_err(Failed::for_technicians)?;
    eprintln!();
    for (receipt_no, why) in &done.unreadable {
        eprintln!("{receipt_no}: not exported, damaged here: {why}");
        if let Some(e) = entries.iter().find(|e| &e.receipt_no == receipt_no) {
            let _ = outbox.mark_damaged(&e.package_id, why);
        }
    }
    println!(
        "{} package(s) sealed to {recipient} in {}",
        done.packages,
        dir.display()
    );
    Ok(())
}

fn import(config: &Config, dir: &Path, identity: &Path, timeout: u64) -> Result<(), Failed> {
    let identity = Identity::read(identity).map_err(Failed::for_technicians)?;
    let mut outbox = open_owned(config, "import on a PC without a running kiosk")?;
    let opened = transfer::open_all(dir, &identity).map_err(Failed::for_technicians)?;
    let (mut queued, mut known, mut failed) = (0, 0, 0);
    for item in opened {
        let name = item.file.display().to_string();
        let package = match item.result {
            Ok(package) => package,
            Err(why) => {
                eprintln!("{name}: not imported: {why}");
                failed += 1;
                continue;
            }
        };
        let m = &package.manifest;
        if m.kiosk_id != config.kiosk_id {
            eprintln!(
                "{name}: from kiosk {}, but this configuration is kiosk {}: run with that kiosk's configuration",
                m.kiosk_id, config.kiosk_id
            );
            failed += 1;
            continue;
        }
        if outbox
            .knows(&m.package_id)
            .map_err(Failed::for_technicians)?
        {
            println!("{}: already here", m.receipt_no);
            known += 1;
            continue;
        }
        outbox.enqueue(&package).map_err(Failed::for_technicians)?;
        println!("{}: queued", m.receipt_no);
        queued += 1;
    }
    println!("{queued} queued, {known} already here, {failed} not imported");
    deliver(config, outbox, timeout)?;
    if failed > 0 {
        return Err(Failed::with_message(format!(
            "{failed} file(s) could not be imported"
        )));
    }
    Ok(())
}

pub fn run(config: &Path, action: &OutboxAction) -> Result<(), Failed> {
    match action {
        OutboxAction::Bench { packages, page } => {
            let (w, h) = page
                .split_once('x')
                .and_then(|(w, h)| Some((w.parse().ok()?, h.parse().ok()?)))
                .ok_or_else(|| Failed::with_message("--page WIDTHxHEIGHT"))?;
            super::outbox_bench::run(config, *packages, w, h)
        }
        OutboxAction::NewIdentity { file } => {
            let recipient = transfer::new_identity(file).map_err(Failed::for_technicians)?;
            eprintln!(
                "identity written to {} (keep it secret); put this in each kiosk's [export] recipient:",
                file.display()
            );
            println!("{recipient}");
            Ok(())
        }
        action => {
            let config = load_config(config)?;
            match action {
                OutboxAction::List => list(&config),
                OutboxAction::Send { timeout } => {
                    let outbox = open_owned(
                        &config,
                        "it delivers the packages itself; see `kiosk outbox list`",
                    )?;
                    deliver(&config, outbox, *timeout)
                }
                OutboxAction::Retry => {
                    let mut outbox = open_owned(&config, "use technician mode's 立即重试发送")?;
                    let n = outbox.retry_all().map_err(Failed::for_technicians)?;
                    println!("{n} package(s) will be tried again now");
                    Ok(())
                }
                OutboxAction::Export { dir, recipient } => {
                    export(&config, dir, recipient.as_deref())
                }
                OutboxAction::Import {
                    dir,
                    identity,
                    timeout,
                } => import(&config, dir, identity, *timeout),
                OutboxAction::ReplaceLostKey => {
                    let mut outbox = open_owned(&config, "stop it first")?;
                    if outbox.key_problem().is_none() {
                        println!("the device key is fine: nothing to replace");
                        return Ok(());
                    }
                    let n = outbox.replace_lost_key().map_err(Failed::for_technicians)?;
                    println!(
                        "a new device key is made; {n} package(s) sealed with the lost one are marked damaged \
                         (see `kiosk outbox list` for their receipt numbers)"
                    );
                    Ok(())
                }
                OutboxAction::Bench { .. } | OutboxAction::NewIdentity { .. } => Ok(()),
            }
        }
    }
}
