//! What the controllers' unit tests share: a kiosk's state on the session core's test catalog, without a UI.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use super::{App, Settings};
use crate::backoffice::sim::server::{serve, SimSettings};
use crate::config::Config;
use crate::outbox::Outbox;
use crate::services::uplink::CatalogCache;

pub fn settings() -> Settings {
    Settings {
        center_name: "测试中心".into(),
        kiosk_id: "XX-KIOSK-01".into(),
        idle: crate::session::IdlePolicy::default(),
        simulated_devices: true,
        paper: drivers::printer::PaperWidth::Mm80,
        technician: Default::default(),
        face_check: crate::session::FaceCheck::Off,
        platform_name: "政务服务平台".into(),
        follow_up_days: crate::config::DEFAULT_FOLLOW_UP_DAYS,
        speech: None,
    }
}

/// A kiosk at Home on the test catalog; nothing wakes (the tests take results in themselves).
pub fn app() -> App {
    App::new(
        Arc::new(crate::session::test_support::catalog()),
        settings(),
        Arc::new(|| {}),
    )
}

/// A kiosk on the form of a complete application (every field filled).
pub fn app_on_the_form() -> App {
    use drivers::camera::DocumentCamera;
    let catalog = Arc::new(crate::session::test_support::catalog());
    let mut app = App::new(catalog.clone(), settings(), Arc::new(|| {}));
    let no = crate::package::synthetic::default_one_thing(&catalog).expect("a one-thing");
    let mut camera = drivers::camera::SimCamera::new(320, 240);
    let mut session =
        crate::package::synthetic::session_at_check_answers(catalog, no, 1, &mut || {
            camera.capture().map_err(|e| e.to_string())
        })
        .expect("a complete application");
    session
        .change(crate::session::Step::Form)
        .expect("back to the form");
    app.session = session;
    app
}

pub const KIOSK: &str = "XX-KIOSK-01";
pub const SECRET: &str = "test-secret-0123";

/// The simulator on a port of its own; it serves until the runtime is dropped.
/// The back-office simulator, with `platform` behind it, on a port of its own; it serves until the runtime is
/// dropped.
pub fn back_office_with(
    data: &std::path::Path,
    platform: crate::backoffice::sim::Platform,
) -> (tokio::runtime::Runtime, String) {
    back_office_answering(
        data,
        platform,
        crate::backoffice::platform_wire::FaceResult::Match,
    )
}

/// [`back_office_with`], its face comparison answering `face` every time.
pub fn back_office_answering(
    data: &std::path::Path,
    platform: crate::backoffice::sim::Platform,
    face: crate::backoffice::platform_wire::FaceResult,
) -> (tokio::runtime::Runtime, String) {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .expect("runtime");
    let (sender, receiver) = std::sync::mpsc::channel();
    let settings = SimSettings {
        listen: "127.0.0.1:0".parse().expect("address"),
        data: data.to_path_buf(),
        kiosks: BTreeMap::from([(KIOSK.to_string(), SECRET.to_string())]),
        catalog: None,
        faults: Vec::new(),
        tls: None,
        platform,
        face,
    };
    runtime.spawn(async move {
        let _ = serve(settings, move |address| {
            let _ = sender.send(address);
        })
        .await;
    });
    let address = receiver
        .recv_timeout(Duration::from_secs(10))
        .expect("the simulator listens");
    (runtime, format!("http://{address}"))
}

/// A kiosk at Home linked to the simulator at `url`, with the shipped configuration's identity settings.
pub fn linked_app(dir: &std::path::Path, url: &str) -> App {
    let shipped =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/config/kiosk.toml"))
            .expect("the shipped config");
    // The shipped configuration without its own [backoffice] section (this one points at the simulator).
    let mut in_backoffice = false;
    let head: String = shipped
        .lines()
        .filter(|l| {
            if l.starts_with('[') {
                in_backoffice = l.starts_with("[backoffice]");
            }
            !in_backoffice
        })
        .map(|l| format!("{l}\n"))
        .collect();
    let text = head
        .replace(
            "catalog = \"catalog\"",
            concat!(
                "catalog = \"",
                env!("CARGO_MANIFEST_DIR"),
                "/config/catalog\""
            ),
        )
        .replace("data_dir = \"../data\"", "data_dir = \"data\"");
    let text = format!(
        "{text}\n[backoffice]\nurl = \"{url}\"\nsecret = \"{SECRET}\"\ntimeout_seconds = 10\n"
    );
    let path = dir.join("kiosk.toml");
    std::fs::write(&path, text).expect("config written");
    let config = Config::load(&path).expect("the config loads");
    let mut app = App::new(
        Arc::new(crate::session::test_support::catalog()),
        Settings::from_config(&config),
        Arc::new(|| {}),
    );
    let outbox = Outbox::open(&config.data_dir).expect("outbox");
    let backoffice = config.backoffice.as_ref().expect("a back office");
    app.attach_intake(
        Arc::new(Mutex::new(outbox)),
        Some((backoffice, KIOSK, CatalogCache::new(&config.data_dir))),
    )
    .expect("the link starts");
    app
}

/// A kiosk at Home with an outbox of its own (in the returned folder) and no back office.
pub fn app_with_outbox() -> (
    App,
    crate::services::uplink::SharedOutbox,
    tempfile::TempDir,
) {
    let dir = tempfile::tempdir().expect("a folder");
    let outbox = Arc::new(Mutex::new(
        Outbox::open(&dir.path().join("data")).expect("outbox"),
    ));
    let mut app = app();
    app.attach_intake(outbox.clone(), None)
        .expect("the outbox attaches");
    (app, outbox, dir)
}

/// Takes in what work off the thread brought back until `done` holds.
pub fn until(app: &mut App, what: &str, done: impl Fn(&App) -> bool) {
    let deadline = Instant::now() + Duration::from_secs(15);
    while Instant::now() < deadline {
        app.take_in();
        if done(app) {
            return;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    panic!("timed out waiting for: {what}");
}

/// The simulator without a platform's records.
pub fn back_office(data: &std::path::Path) -> (tokio::runtime::Runtime, String) {
    back_office_with(data, Default::default())
}

/// The shipped sample platform (`config/sim/platform.toml`).
pub fn sample_platform() -> crate::backoffice::sim::Platform {
    crate::backoffice::sim::Platform::load(std::path::Path::new(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/config/sim/platform.toml"
    )))
    .expect("the sample platform")
}
