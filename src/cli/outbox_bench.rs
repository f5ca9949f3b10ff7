//! `kiosk outbox bench`: the numbers issue 4 asks for, as a table. Build and enqueue a 10-page package from
//! full-resolution camera JPEGs; upload throughput to the simulated back office on loopback; the outbox with ten
//! thousand packages queued.

use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use drivers::camera::{DocumentCamera, SimCamera};
use kiosk::backoffice::sim::{serve, SimSettings};
use kiosk::backoffice::{Link, LinkSettings};
use kiosk::outbox::Outbox;
use kiosk::package::{self, synthetic, Package, Stamp};
use kiosk::services::uplink::{RetryPolicy, Uploader};
use zeroize::Zeroizing;

use super::{load_catalog, load_config, Failed};

fn median(mut samples: Vec<Duration>) -> Duration {
    samples.sort();
    samples[samples.len() / 2]
}

fn ms(d: Duration) -> String {
    format!("{:.1} ms", d.as_secs_f64() * 1000.0)
}

/// A submitted application of ten pages (`pages`, in turn), for the one-thing with the fewest materials to
/// capture that takes one (the first material gets the pages the others leave).
pub(super) fn ten_pages(
    catalog: &Arc<kiosk::catalog::Catalog>,
    pages: &[Vec<u8>],
) -> Result<kiosk::session::Session, Failed> {
    let mut candidates: Vec<(usize, u32)> = catalog
        .one_things
        .iter()
        .filter_map(|t| {
            synthetic::materials_to_capture(catalog.clone(), t.no)
                .ok()
                .filter(|n| (1..=10).contains(n))
                .map(|n| (n, t.no))
        })
        .collect();
    candidates.sort();
    candidates
        .iter()
        .find_map(|&(materials, no)| {
            let mut next = pages.iter().cloned().cycle();
            synthetic::submitted_session_with(
                catalog.clone(),
                no,
                10 - (materials - 1),
                &mut || next.next().ok_or_else(|| "no page".to_string()),
            )
            .ok()
        })
        .ok_or_else(|| Failed::with_message("no one-thing takes a 10-page application"))
}

fn row(what: &str, value: String) {
    println!("| {what:<58} | {value:>18} |");
}

fn stamp<'a>(
    id: &'a str,
    receipt: &'a str,
    created_at: &'a str,
    check_code: &'a kiosk::package::CheckCode,
) -> Stamp<'a> {
    Stamp {
        kiosk_id: "XX-KIOSK-01",
        package_id: id,
        receipt_no: receipt,
        created_at,
        test: true,
        check_code,
    }
}

fn with_identity(package: &Package, id: &str, receipt: &str) -> Package {
    let mut manifest = package.manifest.clone();
    manifest.package_id = id.to_string();
    manifest.receipt_no = receipt.to_string();
    Package {
        manifest,
        files: package.files.clone(),
    }
}

pub fn run(config: &Path, packages: usize, width: u32, height: u32) -> Result<(), Failed> {
    let config = load_config(config)?;
    let catalog = Arc::new(load_catalog(&config.catalog)?);
    let work = WorkDir(std::env::temp_dir().join(format!("kiosk-bench-{}", uuid::Uuid::new_v4())));
    println!("| {:<58} | {:>18} |", "measure", "value");
    println!("|{}|{}|", "-".repeat(60), "-".repeat(20));

    // 1. Ten full-resolution pages, captured beforehand (capturing is the camera's time, not ours).
    let mut camera = SimCamera::new(width, height);
    let jpegs: Vec<Vec<u8>> = (0..10)
        .map(|_| camera.capture())
        .collect::<Result<_, _>>()
        .map_err(Failed::with_message)?;
    let jpeg_bytes: usize = jpegs.iter().map(Vec::len).sum();
    let session = ten_pages(&catalog, &jpegs)?;
    let mut outbox = Outbox::open(&work.path().join("build")).map_err(Failed::with_message)?;
    let created_at = chrono::Local::now().to_rfc3339();
    let (mut builds, mut enqueues, mut totals) = (Vec::new(), Vec::new(), Vec::new());
    let mut built = None;
    for i in 0..5 {
        let id = uuid::Uuid::new_v4().to_string();
        let receipt = format!("XX-KIOSK-01-20261128-{:04}", i + 1);
        let started = Instant::now();
        let code = kiosk::package::CheckCode::generate().map_err(Failed::with_message)?;
        let package = package::build(&session, &stamp(&id, &receipt, &created_at, &code))
            .map_err(Failed::with_message)?;
        let built_at = Instant::now();
        outbox.enqueue(&package).map_err(Failed::with_message)?;
        let done = Instant::now();
        builds.push(built_at - started);
        enqueues.push(done - built_at);
        totals.push(done - started);
        built = Some(package);
    }
    let built = built.ok_or_else(|| Failed::with_message("nothing built"))?;
    let pages: Vec<_> = built
        .files
        .iter()
        .filter(|f| f.content_type == "image/jpeg")
        .collect();
    row(
        &format!("camera pages in ({width}×{height} JPEG, 10 pages)"),
        format!("{:.1} MB", jpeg_bytes as f64 / 1e6),
    );
    row(
        "pages out (normalised, largest page)",
        format!(
            "{} / {} KB",
            pages.len(),
            pages.iter().map(|f| f.bytes.len()).max().unwrap_or(0) / 1024
        ),
    );
    row(
        "build: normalise pages + manifest (median of 5)",
        ms(median(builds)),
    );
    row(
        "enqueue: encrypt, write, fsync, rename, row (median)",
        ms(median(enqueues)),
    );
    row(
        "build + enqueue, 10-page package (median; target < 2 s)",
        ms(median(totals)),
    );

    // 1a. As the kiosk works now: each page made ready when it is captured (normalised, thumbnail, warnings in
    // one pass, off the UI thread while the applicant goes on), so 提交申请 seals pages that are ready.
    let mut prepare_times = Vec::new();
    let mut prepared = Vec::new();
    for jpeg in &jpegs {
        let started = Instant::now();
        let page = kiosk::package::pages::prepare(jpeg).map_err(Failed::with_message)?;
        prepare_times.push(started.elapsed());
        prepared.push(page.jpeg);
    }
    row(
        &format!("capture to thumbnail and ready page ({width}×{height}, median)"),
        ms(median(prepare_times)),
    );
    let session = ten_pages(&catalog, &prepared)?;
    let mut submits = Vec::new();
    for i in 0..5 {
        let id = uuid::Uuid::new_v4().to_string();
        let receipt = format!("XX-KIOSK-01-20261128-{:04}", i + 101);
        let started = Instant::now();
        let code = kiosk::package::CheckCode::generate().map_err(Failed::with_message)?;
        let package = package::build(&session, &stamp(&id, &receipt, &created_at, &code))
            .map_err(Failed::with_message)?;
        outbox.enqueue(&package).map_err(Failed::with_message)?;
        submits.push(started.elapsed());
    }
    row(
        "submit with 10 pages prepared at capture (median)",
        ms(median(submits)),
    );

    // 1b. The same five packages sealed to a USB stick (age X25519) and opened again on a center PC.
    let keys = work.path().join("keys");
    std::fs::create_dir_all(&keys).map_err(Failed::with_message)?;
    let recipient = kiosk::outbox::transfer::new_identity(&keys.join("id.txt"))
        .map_err(Failed::with_message)?;
    let identity = kiosk::outbox::transfer::Identity::read(&keys.join("id.txt"))
        .map_err(Failed::with_message)?;
    let entries = outbox.waiting_entries().map_err(Failed::with_message)?;
    let stick = work.path().join("stick");
    let started = Instant::now();
    let exported = kiosk::outbox::transfer::export(
        &entries,
        |id| outbox.load(id),
        &stick,
        "XX-KIOSK-01",
        &recipient,
        |_, _| {},
    )
    .map_err(Failed::with_message)?;
    let export_time = started.elapsed();
    let started = Instant::now();
    let opened =
        kiosk::outbox::transfer::open_all(&stick, &identity).map_err(Failed::with_message)?;
    let open_time = started.elapsed();
    let sealed: u64 = std::fs::read_dir(&stick)
        .map_err(Failed::with_message)?
        .flatten()
        .filter_map(|e| e.metadata().ok())
        .map(|m| m.len())
        .sum();
    row(
        &format!(
            "export: {} packages sealed to a stick, fsynced",
            exported.packages
        ),
        format!("{} ({:.1} MB)", ms(export_time), sealed as f64 / 1e6),
    );
    row(
        "  per package",
        ms(export_time / exported.packages.max(1) as u32),
    );
    row(
        &format!("import: {} packages opened and checked", opened.len()),
        ms(open_time),
    );

    // 2. Upload to the simulator on loopback.
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .map_err(Failed::with_message)?;
    let (sender, receiver) = std::sync::mpsc::channel();
    let secret = "bench-secret-0123".to_string();
    runtime.spawn(serve(
        SimSettings {
            listen: "127.0.0.1:0".parse().map_err(Failed::with_message)?,
            data: work.path().join("backoffice"),
            kiosks: [("XX-KIOSK-01".to_string(), secret.clone())].into(),
            catalog: None,
            faults: Vec::new(),
            tls: None,
            platform: Default::default(),
            face: kiosk::backoffice::platform_wire::FaceResult::Match,
        },
        move |addr| {
            let _ = sender.send(addr);
        },
    ));
    let addr = receiver
        .recv_timeout(Duration::from_secs(10))
        .map_err(Failed::with_message)?;
    let upload_dir = work.path().join("upload");
    let mut upload_outbox = Outbox::open(&upload_dir).map_err(Failed::with_message)?;
    let count = 10;
    for i in 0..count {
        let receipt = format!("XX-KIOSK-01-20261128-{:04}", i + 1);
        upload_outbox
            .enqueue(&with_identity(
                &built,
                &uuid::Uuid::new_v4().to_string(),
                &receipt,
            ))
            .map_err(Failed::with_message)?;
    }
    let bytes: usize = built.files.iter().map(|f| f.bytes.len()).sum::<usize>() * count;
    let link = Link::new(&LinkSettings {
        url: format!("http://{addr}"),
        kiosk_id: "XX-KIOSK-01".into(),
        secret: Zeroizing::new(secret),
        ca_file: None,
        pin_sha256: None,
        timeout: Duration::from_secs(60),
    })
    .map_err(Failed::with_message)?;
    let shared = Arc::new(Mutex::new(upload_outbox));
    let uploader = Uploader::new(shared, link, RetryPolicy::default());
    let started = Instant::now();
    let round = runtime
        .block_on(uploader.send_due())
        .map_err(Failed::with_message)?;
    let took = started.elapsed();
    row(
        &format!(
            "upload {} packages ({:.1} MB) to the simulator",
            round.delivered,
            bytes as f64 / 1e6
        ),
        ms(took),
    );
    row(
        "upload throughput on loopback (signed, stored in SQLite)",
        format!("{:.1} MB/s", bytes as f64 / 1e6 / took.as_secs_f64()),
    );
    row(
        "packages delivered per second",
        format!("{:.1}", round.delivered as f64 / took.as_secs_f64()),
    );

    // 3. Ten thousand packages waiting.
    let many_dir = work.path().join("many");
    let mut many = Outbox::open(&many_dir).map_err(Failed::with_message)?;
    let small = with_identity(&built, "", "");
    let small = Package {
        manifest: small.manifest,
        files: built
            .files
            .iter()
            .take(1)
            .cloned()
            .map(|mut f| {
                f.bytes.truncate(2048);
                f
            })
            .collect(),
    };
    let started = Instant::now();
    let mut ids = Vec::with_capacity(packages);
    for _ in 0..packages {
        let id = uuid::Uuid::new_v4().to_string();
        let receipt = many
            .next_receipt_no("XX-KIOSK-01", "20261128")
            .map_err(Failed::with_message)?;
        many.enqueue(&with_identity(&small, &id, &receipt))
            .map_err(Failed::with_message)?;
        ids.push(id);
    }
    let filled = started.elapsed();
    row(
        &format!("enqueue {packages} small packages (each durable on return)"),
        format!("{:.1} s", filled.as_secs_f64()),
    );
    row("  per package", ms(filled / packages.max(1) as u32));
    drop(many);
    let started = Instant::now();
    let mut many = Outbox::open(&many_dir).map_err(Failed::with_message)?;
    row(
        &format!("open with {packages} queued (crash recovery scan)"),
        ms(started.elapsed()),
    );
    let now = chrono::Utc::now().timestamp();
    let time = |f: &mut dyn FnMut()| {
        let samples = (0..20)
            .map(|_| {
                let t = Instant::now();
                f();
                t.elapsed()
            })
            .collect();
        median(samples)
    };
    row(
        "next due batch of 20 (median of 20)",
        ms(time(&mut || {
            let _ = many.due(now, 20);
        })),
    );
    row(
        "pending count and oldest (heartbeat figures)",
        ms(time(&mut || {
            let _ = many.pending();
        })),
    );
    row(
        "list every package (technician's list)",
        ms(time(&mut || {
            let _ = many.list();
        })),
    );
    let started = Instant::now();
    for id in ids.iter().take(100) {
        many.record_failure(id, "503", now + 60, false)
            .map_err(Failed::with_message)?;
    }
    row(
        "record a failed attempt (mean of 100)",
        ms(started.elapsed() / 100),
    );
    let started = Instant::now();
    for id in ids.iter().take(100) {
        many.mark_delivered(id, "2026-11-28T10:00:00+08:00")
            .map_err(Failed::with_message)?;
    }
    row(
        "mark delivered and delete the copy (mean of 100)",
        ms(started.elapsed() / 100),
    );
    let disk: u64 = walk_size(&many_dir);
    row(
        &format!("disk used by {packages} queued packages"),
        format!("{:.1} MB", disk as f64 / 1e6),
    );
    Ok(())
}

/// A scratch folder removed when the bench ends, however it ends.
struct WorkDir(std::path::PathBuf);

impl WorkDir {
    fn path(&self) -> &Path {
        &self.0
    }
}

impl Drop for WorkDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn walk_size(path: &Path) -> u64 {
    std::fs::read_dir(path)
        .map(|entries| {
            entries
                .filter_map(Result::ok)
                .map(|e| {
                    let p = e.path();
                    if p.is_dir() {
                        walk_size(&p)
                    } else {
                        e.metadata().map(|m| m.len()).unwrap_or(0)
                    }
                })
                .sum()
        })
        .unwrap_or(0)
}
