//! `kiosk sim backoffice`: the simulated back office as a real HTTP(S) server, and `set-status` to move an item
//! along as window staff would.

use std::collections::BTreeMap;
use std::io::Write;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};

use clap::{Args, Subcommand};
use kiosk::backoffice::sim::{self, Fault, SimSettings, SimStore};

use super::{load_config, Failed};

#[derive(Args)]
pub struct BackofficeArgs {
    /// Address to listen on; port 0 picks a free one (printed on the first line).
    #[arg(long, default_value = "127.0.0.1:8700")]
    listen: SocketAddr,
    /// Folder of the simulator's SQLite database.
    #[arg(long, default_value = "data/backoffice")]
    data: PathBuf,
    /// A kiosk it accepts, as ID=SECRET (repeatable); by default the one in the kiosk's configuration.
    #[arg(long = "kiosk")]
    kiosks: Vec<String>,
    /// The catalog to serve at /v1/catalog (a folder of TOML files or one file); by default the kiosk's.
    #[arg(long)]
    catalog: Option<PathBuf>,
    /// A fault to inject, KIND[@TARGET][*COUNT] (repeatable), e.g. 503@manifest*2, slow=500, drop-after-store.
    #[arg(long = "fault")]
    faults: Vec<Fault>,
    /// Serve HTTPS with this PEM certificate chain (needs --tls-key).
    #[arg(long, requires = "tls_key")]
    tls_cert: Option<PathBuf>,
    /// The PEM private key for --tls-cert.
    #[arg(long, requires = "tls_cert")]
    tls_key: Option<PathBuf>,
    /// The government platform's sample records (people, companies, e-licences); by default `sim/platform.toml`
    /// beside the kiosk's configuration, when it is there.
    #[arg(long)]
    platform: Option<PathBuf>,
    /// What real-person verification answers until told otherwise (POST /_sim/face): match, no_match, unusable.
    #[arg(long, default_value = "match", value_parser = sim::platform::face_result)]
    face: kiosk::backoffice::platform_wire::FaceResult,
    #[command(subcommand)]
    action: Option<BackofficeAction>,
}

#[derive(Subcommand)]
enum BackofficeAction {
    /// Move an application's item (its code, or * for all) to a status, as window staff would.
    SetStatus {
        receipt_no: String,
        item: String,
        /// received, accepted, rejected, in_review, approved, ready_for_pickup, delivered.
        status: String,
        /// The pickup window (needed for ready_for_pickup).
        #[arg(long)]
        window: Option<String>,
        /// Why it was rejected and what to bring.
        #[arg(long)]
        note: Option<String>,
    },
    /// List the evaluations (好差评) received, oldest first, one JSON object a line: the body the kiosk sent, when
    /// it came, and whether a follow-up was opened (level 2 or 1).
    Evaluations,
    /// Add (or replace) a member of the center's staff who may sign in at kiosks to print pickup slips for others;
    /// the PIN (4 to 12 digits) is read from standard input, and only its hash is kept.
    AddStaff {
        staff_id: String,
        /// The name kiosks show and print ("由工作人员 … 代为打印").
        #[arg(long)]
        name: String,
    },
}

fn kiosks(config: &Path, given: &[String]) -> Result<BTreeMap<String, String>, Failed> {
    if given.is_empty() {
        let config = load_config(config)?;
        let secret = config
            .backoffice
            .map(|b| b.secret.expose().to_string())
            .ok_or_else(|| {
                Failed::with_message(
                    "give --kiosk ID=SECRET: the configuration has no [backoffice]",
                )
            })?;
        return Ok(BTreeMap::from([(config.kiosk_id, secret)]));
    }
    given
        .iter()
        .map(|pair| {
            pair.split_once('=')
                .map(|(id, secret)| (id.to_string(), secret.to_string()))
                .ok_or_else(|| Failed::with_message(format!("--kiosk `{pair}`: use ID=SECRET")))
        })
        .collect()
}

/// The platform's records: the file given, or `sim/platform.toml` beside the configuration when it is there, or
/// none at all.
fn platform(config: &Path, given: Option<&Path>) -> Result<sim::Platform, Failed> {
    let beside = config
        .parent()
        .map(|dir| dir.join("sim/platform.toml"))
        .filter(|p| p.exists());
    match given.map(Path::to_path_buf).or(beside) {
        Some(path) => sim::Platform::load(&path).map_err(|p| Failed::with_message(p.to_string())),
        None => Ok(sim::Platform::default()),
    }
}

fn add_staff(data: &Path, staff_id: &str, name: &str) -> Result<(), Failed> {
    use std::io::BufRead;
    if staff_id.is_empty() || !staff_id.bytes().all(|b| b.is_ascii_alphanumeric()) {
        return Err(Failed::with_message("the staff id is letters and digits"));
    }
    eprintln!("PIN for {staff_id} (4 to 12 digits), then Enter:");
    let mut line = zeroize::Zeroizing::new(String::new());
    std::io::stdin()
        .lock()
        .read_line(&mut line)
        .map_err(Failed::with_message)?;
    let pin = line.trim();
    if !(4..=12).contains(&pin.len()) || !pin.bytes().all(|b| b.is_ascii_digit()) {
        return Err(Failed::with_message("the PIN must be 4 to 12 digits"));
    }
    let store = SimStore::open(data).map_err(Failed::with_message)?;
    store
        .add_staff(staff_id, name, pin)
        .map_err(Failed::with_message)?;
    println!("staff {staff_id} ({name}) may sign in");
    Ok(())
}

fn list_evaluations(data: &Path) -> Result<(), Failed> {
    let store = SimStore::open(data).map_err(Failed::with_message)?;
    for e in store.evaluations().map_err(Failed::with_message)? {
        let line = serde_json::to_string(&e).map_err(Failed::with_message)?;
        println!("{line}");
    }
    Ok(())
}

pub fn run(config: &Path, args: &BackofficeArgs) -> Result<(), Failed> {
    if let Some(BackofficeAction::Evaluations) = &args.action {
        return list_evaluations(&args.data);
    }
    if let Some(BackofficeAction::AddStaff { staff_id, name }) = &args.action {
        return add_staff(&args.data, staff_id, name);
    }
    if let Some(BackofficeAction::SetStatus {
        receipt_no,
        item,
        status,
        window,
        note,
    }) = &args.action
    {
        let store = SimStore::open(&args.data).map_err(Failed::with_message)?;
        let n = store
            .set_status(receipt_no, item, status, window.as_deref(), note.as_deref())
            .map_err(Failed::with_message)?;
        println!("{n} item(s) of {receipt_no} are now {status}");
        return Ok(());
    }
    let catalog_path = match &args.catalog {
        Some(path) => Some(path.clone()),
        None => load_config(config).ok().map(|c| c.catalog),
    };
    let catalog = catalog_path
        .map(|p| sim::catalog_document(&p))
        .transpose()
        .map_err(Failed::with_message)?;
    let settings = SimSettings {
        listen: args.listen,
        data: args.data.clone(),
        kiosks: kiosks(config, &args.kiosks)?,
        catalog,
        faults: args.faults.clone(),
        tls: args.tls_cert.clone().zip(args.tls_key.clone()),
        platform: platform(config, args.platform.as_deref())?,
        face: args.face,
    };
    let scheme = if settings.tls.is_some() {
        "https"
    } else {
        "http"
    };
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .map_err(|e| Failed::with_message(format!("cannot start the runtime: {e}")))?;
    runtime
        .block_on(sim::serve(settings, |addr| {
            println!("{scheme}://{addr}");
            let _ = std::io::stdout().flush();
        }))
        .map_err(Failed::with_message)
}
