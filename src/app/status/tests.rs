//! The status look-up and staff sign-in against the back-office simulator, served in-process over real HTTP.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use super::Field;
use crate::app::{App, Settings};
use crate::backoffice::sim::server::{serve, SimSettings};
use crate::backoffice::sim::store::SimStore;
use crate::config::Config;
use crate::outbox::Outbox;
use crate::services::uplink::CatalogCache;

const KIOSK: &str = "XX-KIOSK-01";
const SECRET: &str = "test-secret-0123";

/// The simulator on a port of its own; it serves until the runtime is dropped.
fn back_office(data: &std::path::Path) -> (tokio::runtime::Runtime, String) {
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
        platform: Default::default(),
        face: crate::backoffice::platform_wire::FaceResult::Match,
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

/// A kiosk linked to the simulator at `url`, at the status screen.
fn kiosk(dir: &std::path::Path, url: &str) -> App {
    let shipped =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/config/kiosk.toml"))
            .expect("the shipped config");
    let head: String = shipped
        .lines()
        .take_while(|l| !l.starts_with("[backoffice]"))
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
    app.start_status();
    app
}

/// Takes in what work off the thread brought back until `done` holds.
fn until(app: &mut App, what: &str, done: impl Fn(&App) -> bool) {
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

fn type_into(app: &mut App, field: Field, text: &str) {
    app.status_type_field(field);
    for c in text.chars() {
        app.keyboard_key(&c.to_string());
    }
}

/// A receipt number alone finds nothing for a visitor, and asks for the check code before anything is sent; a
/// number and a code that match nothing get the same words as a wrong code.
#[test]
fn a_number_alone_is_not_enough_and_an_unknown_one_says_so_plainly() {
    let dir = tempfile::tempdir().expect("temp dir");
    let (_runtime, url) = back_office(&dir.path().join("backoffice"));
    let mut app = kiosk(dir.path(), &url);
    type_into(&mut app, Field::ReceiptNo, "XX-KIOSK-01-20261128-0007");
    app.status_look_up_typed();
    assert!(!app.status.looking, "nothing was sent");
    assert!(
        app.status.problem.contains("8 位查询码"),
        "{}",
        app.status.problem
    );
    assert_eq!(app.status_typing(), Field::CheckCode);
    type_into(&mut app, Field::CheckCode, "K7M2PQRS");
    app.status_look_up_typed();
    assert!(app.status.looking);
    until(&mut app, "the answer", |a| !a.status.looking);
    assert!(app.status.found.is_empty());
    assert!(
        app.status
            .problem
            .starts_with("没有查到：受理编号 XX-KIOSK-01-20261128-0007 或查询码不对"),
        "{}",
        app.status.problem
    );
}

/// Staff sign in with the back office's check; a wrong PIN is refused in words and signs nobody in.
#[test]
fn staff_sign_in_is_checked_by_the_back_office() {
    let dir = tempfile::tempdir().expect("temp dir");
    let data = dir.path().join("backoffice");
    let (_runtime, url) = back_office(&data);
    SimStore::open(&data)
        .expect("the simulator's store")
        .add_staff("S1024", "王芳", "13579")
        .expect("staff added");
    let mut app = kiosk(dir.path(), &url);
    app.staff_start();
    assert_eq!(app.status_typing(), Field::StaffId);
    type_into(&mut app, Field::StaffId, "S1024");
    type_into(&mut app, Field::StaffPin, "24680");
    app.staff_submit();
    until(&mut app, "the refusal", |a| {
        a.status.staff_form.as_ref().is_some_and(|f| !f.signing_in)
    });
    assert!(app.staff.is_none());
    assert!(
        app.status.problem.starts_with("不能登录"),
        "{}",
        app.status.problem
    );
    type_into(&mut app, Field::StaffPin, "13579");
    app.staff_submit();
    until(&mut app, "the staff session", |a| a.staff.is_some());
    assert_eq!(app.staff_name(), Some("王芳"));
    // The visit ends: so does the staff session.
    app.end_visit();
    assert!(app.staff.is_none());
}
