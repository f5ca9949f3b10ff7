//! The link service against the simulated back office: status look-ups for the pickup flow, catalog sync that never
//! installs a bad catalog, the heartbeat, and the worker delivering by itself in the background.

use crate::common;

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use common::sim::{
    enqueue, enqueue_into, kiosk_config, link, run, runtime, set_status, Sim, CHECK_CODE, KIOSK,
    SECRET,
};
use drivers::printer::PrinterState;
use kiosk::backoffice::Credential;
use kiosk::config::Config;
use kiosk::outbox::{Outbox, State};
use kiosk::package::CheckCode;
use kiosk::services::devices::{DeviceKind, Fault, Health};
use kiosk::services::uplink::catalog_sync::{self, Synced};
use kiosk::services::uplink::{CatalogCache, UplinkService};

fn send_all(config: &std::path::Path) {
    let out = run(config, &["outbox", "send", "--timeout", "30"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn status_by_receipt_and_by_id_number_follows_the_window_staff() {
    let dir = tempfile::tempdir().unwrap();
    let sim = Sim::start(&dir.path().join("bo"), &[]);
    let config = kiosk_config(dir.path(), &sim.url, SECRET, "");
    enqueue(&dir.path().join("data"), 2, 1, 1_000);
    send_all(&config);
    let receipt = format!("{KIOSK}-20261128-0001");
    let link = link(&sim.url);
    let rt = runtime();
    let code = CheckCode::parse(CHECK_CODE).unwrap();

    let app = rt
        .block_on(link.status(&receipt, Credential::CheckCode(&code)))
        .unwrap()
        .unwrap();
    assert_eq!(app.status, "received");
    assert_eq!(app.items.len(), 1);
    assert_eq!(app.items[0].status, "received");
    assert_eq!(app.items[0].window, None);
    assert!(rt
        .block_on(link.status(
            &format!("{KIOSK}-20261128-9999"),
            Credential::CheckCode(&code)
        ))
        .unwrap()
        .is_none());
    // A wrong code gets the same answer as an unknown number: nothing.
    let wrong = CheckCode::parse("ABCDEFGH").unwrap();
    assert!(rt
        .block_on(link.status(&receipt, Credential::CheckCode(&wrong)))
        .unwrap()
        .is_none());

    let out = set_status(
        &sim,
        &[&receipt, "3-10-1", "ready_for_pickup", "--window", "3"],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let app = rt
        .block_on(link.status(&receipt, Credential::CheckCode(&code)))
        .unwrap()
        .unwrap();
    let item = &app.items[0];
    assert_eq!(item.status, "ready_for_pickup");
    assert_eq!(item.window.as_deref(), Some("3"));
    let pickup = item.pickup_code.clone().unwrap();
    assert!(
        pickup.len() == 6 && pickup.bytes().all(|b| b.is_ascii_digit()),
        "{pickup}"
    );

    let mine = rt.block_on(link.lookup("11010519491231002X")).unwrap();
    assert_eq!(mine.len(), 2, "both applications of this person");
    assert!(mine
        .iter()
        .any(|a| a.receipt_no == receipt && a.status == "ready_for_pickup"));
    assert!(rt
        .block_on(link.lookup("110105194912310029"))
        .unwrap()
        .is_empty());

    let rejected = set_status(
        &sim,
        &[&receipt, "3-10-1", "rejected", "--note", "请补充户口簿原件"],
    );
    assert!(rejected.status.success());
    let app = rt
        .block_on(link.status(&receipt, Credential::CheckCode(&code)))
        .unwrap()
        .unwrap();
    assert_eq!(app.status, "rejected");
    assert_eq!(app.items[0].note.as_deref(), Some("请补充户口簿原件"));
    let bad = set_status(&sim, &[&receipt, "3-10-1", "lost"]);
    assert!(!bad.status.success(), "an unknown status is refused");
}

#[test]
fn catalog_sync_installs_a_sound_catalog_and_never_a_broken_one() {
    let dir = tempfile::tempdir().unwrap();
    let sim = Sim::start(&dir.path().join("bo"), &[]);
    let link = link(&sim.url);
    let cache = CatalogCache::new(&dir.path().join("data"));
    let rt = runtime();

    let Synced::Installed(first) = rt.block_on(catalog_sync::sync(&link, &cache)).unwrap() else {
        panic!("the first sync installs");
    };
    assert_eq!(first.one_things.len(), 58);
    let tag = cache.etag().expect("the tag is kept");
    assert!(matches!(
        rt.block_on(catalog_sync::sync(&link, &cache)).unwrap(),
        Synced::Unchanged
    ));

    // A catalog whose joint item needs a material nobody defined: refused, the good one stays.
    let document =
        kiosk::backoffice::sim::catalog_document(&common::repo_path("config/catalog")).unwrap();
    let mut broken: serde_json::Value = serde_json::from_slice(&document).unwrap();
    broken["joint_item"][0]["materials"] = serde_json::json!(["no_such_material"]);
    sim.set_catalog(&serde_json::to_vec(&broken).unwrap());
    let refused =
        |rt: &tokio::runtime::Runtime| match rt.block_on(catalog_sync::sync(&link, &cache)) {
            Ok(_) => panic!("a broken catalog was installed"),
            Err(e) => e.to_string(),
        };
    let error = refused(&rt);
    assert!(error.contains("no_such_material"), "{error}");
    assert_eq!(
        cache.etag().as_deref(),
        Some(tag.as_str()),
        "still the good one"
    );
    assert_eq!(cache.installed().unwrap().one_things.len(), 58);
    sim.set_catalog(b"{\"not\": [\"a catalog\"]}");
    refused(&rt);
    sim.set_catalog(b"<html>");
    refused(&rt);
    assert_eq!(cache.etag().as_deref(), Some(tag.as_str()));

    // A sound change is installed, and the kiosk starts with it.
    let mut renamed: serde_json::Value = serde_json::from_slice(&document).unwrap();
    renamed["one_thing"][0]["name"] = "我要办理测试事项".into();
    sim.set_catalog(&serde_json::to_vec(&renamed).unwrap());
    let Synced::Installed(second) = rt.block_on(catalog_sync::sync(&link, &cache)).unwrap() else {
        panic!("a sound change installs");
    };
    assert!(second
        .one_things
        .iter()
        .any(|t| t.name == "我要办理测试事项"));
    let (effective, path) = catalog_sync::effective(
        &common::repo_path("config/catalog"),
        &dir.path().join("data"),
    )
    .unwrap();
    assert_eq!(path, cache.path());
    assert!(effective
        .one_things
        .iter()
        .any(|t| t.name == "我要办理测试事项"));
}

#[test]
fn the_link_service_delivers_by_itself_and_beats() {
    let dir = tempfile::tempdir().unwrap();
    let sim = Sim::start(&dir.path().join("bo"), &["--fault", "503@manifest*1"]);
    let config_path = kiosk_config(
        dir.path(),
        &sim.url,
        SECRET,
        "heartbeat_seconds = 5\ncatalog_sync_seconds = 30",
    );
    let config = Config::load(&config_path).unwrap();
    let data = dir.path().join("data");
    let outbox = Arc::new(Mutex::new(Outbox::open(&data).unwrap()));
    let (sender, catalogs) = std::sync::mpsc::channel();
    let service = UplinkService::start(
        outbox.clone(),
        config.backoffice.as_ref().unwrap(),
        KIOSK,
        CatalogCache::new(&data),
        Arc::new(|| {
            BTreeMap::from([
                (DeviceKind::IdReader, Health::Ok),
                (
                    DeviceKind::Printer,
                    Health::Error(Fault::printer_states(&[PrinterState::PaperOut])),
                ),
            ])
        }),
        Arc::new(|_: &Outbox| Some("测试：暂停受理".to_string())),
        Arc::new(move |c| {
            let _ = sender.send(c);
        }),
    )
    .unwrap();
    let ids = enqueue_into(&mut outbox.lock().unwrap(), 2, 2, 5_000);
    service.queued();
    let deadline = std::time::Instant::now() + Duration::from_secs(30);
    loop {
        let done = outbox
            .lock()
            .unwrap()
            .list()
            .unwrap()
            .iter()
            .all(|e| e.state == State::Delivered);
        if done && sim.store().last_heartbeat(KIOSK).unwrap().is_some() {
            break;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "not delivered in time"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
    assert_eq!(sim.store().manifests().unwrap().len(), ids.len());
    assert_eq!(service.status().delivered, 2);
    let beat = sim.store().last_heartbeat(KIOSK).unwrap().unwrap();
    assert_eq!(beat["devices"]["id_reader"]["state"], "ok");
    assert_eq!(beat["devices"]["printer"]["state"], "error");
    assert_eq!(beat["devices"]["printer"]["detail"], "paper_out");
    assert_eq!(beat["devices"]["camera"]["state"], "absent");
    assert!(beat["outbox"]["pending"].as_u64().is_some());
    assert_eq!(beat["outbox"]["refused"], 0);
    assert_eq!(beat["intake"]["accepting"], false);
    assert_eq!(beat["intake"]["reason"], "测试：暂停受理");
    let catalog = catalogs.recv_timeout(Duration::from_secs(10)).unwrap();
    assert_eq!(
        catalog.one_things.len(),
        58,
        "the first sync installs the back office's catalog"
    );
}
