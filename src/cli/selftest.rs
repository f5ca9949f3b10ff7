//! `kiosk selftest`: a synthetic application (`test: true`) through the same session, package, outbox and upload
//! code as an applicant's, reported as delivered or with the reason it was not.

use std::path::Path;
use std::sync::{Arc, Mutex};

use clap::Args;
use kiosk::app::words::{self, ForTechnicians};
use kiosk::backoffice::{Link, LinkSettings};
use kiosk::config::Config;
use kiosk::outbox::{next_receipt_no_beside_owner, Outbox, OutboxError, State};
use kiosk::package::{self, Stamp};
use kiosk::services::uplink::{RetryPolicy, Uploader};
use zeroize::Zeroizing;

use super::{load_catalog, load_config, Failed};

#[derive(Args)]
pub struct SelftestArgs {
    /// The back office to send to; by default the configured one.
    #[arg(long)]
    server: Option<String>,
    /// The kiosk id to sign as; by default the configured one.
    #[arg(long)]
    kiosk_id: Option<String>,
    /// The secret to sign with; by default the configured one.
    #[arg(long)]
    secret: Option<String>,
    /// Put the test package into this kiosk's outbox for the kiosk to deliver when it runs, instead of sending it
    /// now from a private outbox (refused while the kiosk runs: it owns the outbox).
    #[arg(long)]
    enqueue: bool,
}

/// The link a technician asked for: the configured one, with any of its parts overridden.
pub fn link_settings(
    config: &Config,
    server: Option<&str>,
    kiosk_id: Option<&str>,
    secret: Option<&str>,
) -> Result<LinkSettings, Failed> {
    let configured = config
        .backoffice
        .as_ref()
        .map(|b| b.link_settings(&config.kiosk_id));
    let mut settings = match (configured, server) {
        (Some(s), _) => s,
        (None, Some(url)) => LinkSettings {
            url: url.to_string(),
            kiosk_id: config.kiosk_id.clone(),
            secret: Zeroizing::new(String::new()),
            ca_file: None,
            pin_sha256: None,
            timeout: std::time::Duration::from_secs(60),
        },
        (None, None) => {
            return Err(Failed::with_message(
                "no back office: give --server URL or add [backoffice] to the configuration",
            ))
        }
    };
    if let Some(url) = server {
        settings.url = url.to_string();
    }
    if let Some(id) = kiosk_id {
        settings.kiosk_id = id.to_string();
    }
    if let Some(secret) = secret {
        settings.secret = Zeroizing::new(secret.to_string());
    }
    Ok(settings)
}

pub fn runtime() -> Result<tokio::runtime::Runtime, Failed> {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| Failed::with_message(format!("cannot start the runtime: {e}")))
}

pub fn run(config_path: &Path, args: &SelftestArgs) -> Result<(), Failed> {
    let config = load_config(config_path)?;
    let settings = link_settings(
        &config,
        args.server.as_deref(),
        args.kiosk_id.as_deref(),
        args.secret.as_deref(),
    )?;
    let catalog = Arc::new(load_catalog(&config.catalog)?);
    let session = package::synthetic::submitted_session(catalog)
        .map_err(|e| Failed::with_message(format!("the synthetic application failed: {e}")))?;
    // The receipt number comes from the kiosk's own sequence, so it never collides with an applicant's. The kiosk
    // may be running and own the outbox: the number is then taken beside it (SQLite serialises the two), and the
    // package goes through a private outbox, never into the kiosk's.
    let now = chrono::Local::now();
    let day = now.format("%Y%m%d").to_string();
    let mut outbox = match Outbox::open(&config.data_dir) {
        Ok(outbox) => Some(outbox),
        Err(busy @ OutboxError::Busy(_)) if !args.enqueue => {
            eprintln!(
                "{}: the test package is sent from a private outbox",
                busy.for_technicians()
            );
            None
        }
        Err(busy @ OutboxError::Busy(_)) => {
            return Err(Failed::with_message(format!(
                "{}\n--enqueue puts the package into the kiosk's own outbox, which the running kiosk owns: \
                 run `kiosk selftest` without --enqueue to send it now, or stop the kiosk first",
                busy.for_technicians()
            )))
        }
        Err(e) => return Err(Failed::for_technicians(e)),
    };
    if let (true, Some(outbox)) = (args.enqueue, &outbox) {
        // The same check the kiosk makes before it takes an application.
        outbox.accepting().map_err(Failed::for_technicians)?;
    }
    let receipt_no = match outbox.as_mut() {
        Some(outbox) => outbox.next_receipt_no(&settings.kiosk_id, &day),
        None => next_receipt_no_beside_owner(&config.data_dir, &settings.kiosk_id, &day),
    }
    .map_err(Failed::for_technicians)?;
    let package_id = uuid::Uuid::new_v4().to_string();
    let created_at = now.to_rfc3339_opts(chrono::SecondsFormat::Secs, false);
    // Like an applicant's: a check code of its own, printed nowhere, so nobody can look the test package up.
    let check_code = package::CheckCode::generate().map_err(Failed::for_technicians)?;
    let package = package::build(
        &session,
        &Stamp {
            kiosk_id: &settings.kiosk_id,
            package_id: &package_id,
            receipt_no: &receipt_no,
            created_at: &created_at,
            test: true,
            check_code: &check_code,
        },
    )
    .map_err(Failed::for_technicians)?;
    drop(session);
    println!(
        "test package {receipt_no}: {} files, {} bytes",
        package.files.len(),
        package.files.iter().map(|f| f.bytes.len()).sum::<usize>()
    );
    if let (true, Some(mut outbox)) = (args.enqueue, outbox.take()) {
        outbox.enqueue(&package).map_err(Failed::for_technicians)?;
        println!("queued in the outbox; the kiosk delivers it when it runs");
        return Ok(());
    }
    drop(outbox);
    let private = tempfile_dir(&config.data_dir, &package_id)?;
    let result = send_privately(&private, &package, settings);
    let _ = std::fs::remove_dir_all(&private);
    result
}

fn tempfile_dir(data_dir: &Path, package_id: &str) -> Result<std::path::PathBuf, Failed> {
    let dir = data_dir.join(format!("selftest-{package_id}"));
    std::fs::create_dir_all(&dir)
        .map_err(|e| Failed::with_message(format!("{}: {e}", dir.display())))?;
    Ok(dir)
}

fn send_privately(
    dir: &Path,
    package: &package::Package,
    settings: LinkSettings,
) -> Result<(), Failed> {
    let mut outbox = Outbox::open(dir).map_err(Failed::for_technicians)?;
    outbox.enqueue(package).map_err(Failed::for_technicians)?;
    let link = Link::new(&settings).map_err(Failed::for_technicians)?;
    let outbox = Arc::new(Mutex::new(outbox));
    let uploader = Uploader::new(outbox.clone(), link, RetryPolicy::default());
    runtime()?
        .block_on(uploader.send_due())
        .map_err(Failed::for_technicians)?;
    let entry = kiosk::services::uplink::worker::lock(&outbox)
        .list()
        .map_err(Failed::for_technicians)?
        .into_iter()
        .next()
        .ok_or_else(|| Failed::with_message("the test package vanished from the outbox"))?;
    match entry.state {
        State::Delivered => {
            println!("delivered to {}", settings.url);
            Ok(())
        }
        _ => Err(Failed::with_message(format!(
            "not delivered: {}",
            words::package_problem(&entry).unwrap_or_default()
        ))),
    }
}
