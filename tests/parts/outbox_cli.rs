//! `kiosk outbox` as a technician runs it: no personal data on screen, retry, export.

use crate::common;

use std::process::Command;

use common::repo_path;
use kiosk::outbox::Outbox;
use kiosk::package::{sha256_hex, Manifest, Package, PackageFile};

fn package(id: &str, receipt: &str) -> Package {
    let page = b"\xFF\xD8 a page".to_vec();
    let manifest: Manifest = serde_json::from_value(serde_json::json!({
        "schema": "one-thing-package/1", "package_id": id, "receipt_no": receipt, "kiosk_id": "XX-KIOSK-01",
        "created_at": "2026-11-28T10:15:00+08:00", "test": false,
        "one_thing": {"code": "5-35", "name": "我要开拉面馆", "target": "法人", "lead_department": "市场监督管理局"},
        "items": [], "answers": [],
        "applicant": {"name": "张三", "id_type": "resident", "id_number": "11010519491231002X", "gender": "男",
                      "nation": "汉", "birth_date": "1949-12-31", "address": "西峡县", "phone": "13800138000"},
        "organisation": null, "form": {}, "materials": [], "commitments": [],
        "delivery": {"method": "window", "mode": "together", "address": null}
    }))
    .unwrap();
    Package {
        manifest,
        files: vec![PackageFile {
            sha256: sha256_hex(&page),
            content_type: "image/jpeg",
            bytes: page,
        }],
    }
}

#[test]
fn list_retry_export() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let config = dir.path().join("kiosk.toml");
    let shipped = std::fs::read_to_string(repo_path("config/kiosk.toml")).unwrap();
    let text = shipped
        .replace(
            "catalog = \"catalog\"",
            &format!("catalog = \"{}\"", repo_path("config/catalog").display()),
        )
        .replace(
            "data_dir = \"../data\"",
            &format!("data_dir = \"{}\"", data.display()),
        );
    std::fs::write(&config, text).unwrap();
    {
        let mut outbox = Outbox::open(&data).unwrap();
        let receipt = outbox.next_receipt_no("XX-KIOSK-01", "20261128").unwrap();
        outbox
            .enqueue(&package("0192f3c4-0000-4000-8000-000000000001", &receipt))
            .unwrap();
        outbox
            .record_failure(
                "0192f3c4-0000-4000-8000-000000000001",
                "503",
                4_000_000_000,
                false,
            )
            .unwrap();
    }
    let kiosk = |args: &[&str]| {
        Command::new(env!("CARGO_BIN_EXE_kiosk"))
            .arg("--config")
            .arg(&config)
            .args(args)
            .output()
            .unwrap()
    };
    let out = kiosk(&["outbox", "list"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("XX-KIOSK-01-20261128-0001")
            && text.contains("queued")
            && text.contains("503"),
        "{text}"
    );
    assert!(
        !text.contains("11010519491231002X") && !text.contains("张三"),
        "no personal data: {text}"
    );

    let out = kiosk(&["outbox", "retry"]);
    assert!(String::from_utf8_lossy(&out.stdout).contains("1 package"));
    assert_eq!(
        Outbox::open(&data).unwrap().due(1, 100).unwrap().len(),
        1,
        "due again now"
    );

    // Export needs the back office's recipient; it seals each package into one file and writes the index last.
    let stick = dir.path().join("stick");
    let out = kiosk(&["outbox", "export", stick.to_str().unwrap()]);
    assert!(!out.status.success(), "no recipient configured");
    assert!(String::from_utf8_lossy(&out.stderr).contains("recipient"));
    let identity = dir.path().join("backoffice-identity.txt");
    let out = kiosk(&["outbox", "new-identity", identity.to_str().unwrap()]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let recipient = String::from_utf8_lossy(&out.stdout).trim().to_string();
    assert!(recipient.starts_with("age1"), "{recipient}");
    let out = kiosk(&[
        "outbox",
        "export",
        stick.to_str().unwrap(),
        "--recipient",
        &recipient,
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(stick
        .join("0192f3c4-0000-4000-8000-000000000001.age")
        .exists());
    assert!(stick.join("export.json").exists());

    // While another process owns the outbox, what would change it is refused and the listing still works.
    let owner = Outbox::open(&data).unwrap();
    let out = kiosk(&["outbox", "retry"]);
    assert!(!out.status.success());
    let why = String::from_utf8_lossy(&out.stderr);
    assert!(
        why.contains("owns the outbox") && why.contains(&std::process::id().to_string()),
        "{why}"
    );
    assert!(kiosk(&["outbox", "list"]).status.success());
    drop(owner);
}
