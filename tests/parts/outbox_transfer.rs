//! A USB stick between a kiosk with no network and a center PC (issue 12, item 5): the waiting packages are
//! exported sealed to the back office's key, and imported on a fresh data folder that delivers each exactly
//! once to the back office, also when the import runs twice or on a second PC.

use crate::common;

use std::path::Path;

use common::sim::{enqueue, kiosk_config, run, Sim, SECRET};

fn all_bytes(dir: &Path) -> Vec<u8> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            out.extend(all_bytes(&path));
        } else {
            out.extend(std::fs::read(&path).unwrap());
        }
    }
    out
}

fn text(out: &std::process::Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

#[test]
fn an_export_imported_on_a_fresh_data_folder_delivers_each_package_exactly_once() {
    let dir = tempfile::tempdir().unwrap();
    let sim = Sim::start(&dir.path().join("bo"), &[]);

    // The back office's key pair; the kiosk knows only the recipient.
    let center = dir.path().join("center");
    std::fs::create_dir_all(&center).unwrap();
    let identity = center.join("backoffice-identity.txt");
    let kiosk_dir = dir.path().join("kiosk");
    std::fs::create_dir_all(&kiosk_dir).unwrap();
    let kiosk = kiosk_config(&kiosk_dir, &sim.url, SECRET, "");
    let out = run(
        &kiosk,
        &["outbox", "new-identity", identity.to_str().unwrap()],
    );
    assert!(out.status.success(), "{}", text(&out));
    let recipient = String::from_utf8_lossy(&out.stdout).trim().to_string();
    let config = std::fs::read_to_string(&kiosk).unwrap();
    std::fs::write(
        &kiosk,
        format!("{config}\n[export]\nrecipient = \"{recipient}\"\n"),
    )
    .unwrap();

    let ids = enqueue(&kiosk_dir.join("data"), 3, 2, 20_000);
    let stick = dir.path().join("stick");
    let out = run(&kiosk, &["outbox", "export", stick.to_str().unwrap()]);
    assert!(out.status.success(), "{}", text(&out));
    assert!(text(&out).contains("3 package(s) sealed"), "{}", text(&out));

    // Nothing personal is readable on the stick: not the name, the ID number, the phone, nor the pages.
    let on_stick = all_bytes(&stick);
    for personal in [
        "张三".as_bytes(),
        b"11010519491231002X",
        b"13800138000",
        "西峡县".as_bytes(),
        "职工正常退休".as_bytes(),
    ] {
        assert!(
            !on_stick.windows(personal.len()).any(|w| w == personal),
            "{} is readable on the stick",
            String::from_utf8_lossy(personal)
        );
    }

    // A center PC with a fresh data folder imports and delivers.
    let pc = center.join("pc");
    std::fs::create_dir_all(&pc).unwrap();
    let pc_config = kiosk_config(&pc, &sim.url, SECRET, "");
    let import = |config: &Path| {
        run(
            config,
            &[
                "outbox",
                "import",
                stick.to_str().unwrap(),
                "--identity",
                identity.to_str().unwrap(),
                "--timeout",
                "60",
            ],
        )
    };
    let out = import(&pc_config);
    assert!(out.status.success(), "{}", text(&out));
    assert!(text(&out).contains("3 queued"), "{}", text(&out));
    let store = sim.store();
    let firsts = store.first_time_answers().unwrap();
    for id in &ids {
        assert_eq!(
            firsts.iter().find(|(p, _)| p == id).map(|(_, n)| *n),
            Some(1),
            "{id} delivered once"
        );
    }
    assert_eq!(store.manifests().unwrap().len(), 3);

    // The same import again: nothing new is queued or delivered.
    let out = import(&pc_config);
    assert!(out.status.success(), "{}", text(&out));
    assert!(
        text(&out).contains("0 queued, 3 already here"),
        "{}",
        text(&out)
    );

    // A second PC, fresh again: the back office recognises the identical manifests; still one delivery each.
    let pc2 = center.join("pc2");
    std::fs::create_dir_all(&pc2).unwrap();
    let out = import(&kiosk_config(&pc2, &sim.url, SECRET, ""));
    assert!(out.status.success(), "{}", text(&out));
    for (_, n) in sim.store().first_time_answers().unwrap() {
        assert_eq!(n, 1, "never stored twice");
    }
    assert_eq!(sim.store().manifests().unwrap().len(), 3);

    // The wrong key opens nothing.
    let other = center.join("other.txt");
    assert!(run(
        &pc_config,
        &["outbox", "new-identity", other.to_str().unwrap()]
    )
    .status
    .success());
    let out = run(
        &pc_config,
        &[
            "outbox",
            "import",
            stick.to_str().unwrap(),
            "--identity",
            other.to_str().unwrap(),
        ],
    );
    assert!(!out.status.success());
    assert!(text(&out).contains("not imported"), "{}", text(&out));
}
