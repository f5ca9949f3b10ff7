//! The simulated back office holds kiosks to the contract: signatures, body hashes, clock skew, file hashes,
//! missing files, conflicting manifests. And the kiosk keeps (does not retry in a loop) a package the back office
//! will never take as it is.

use crate::common;

use common::sim::{enqueue, kiosk_config, run, small_package, Sim, KIOSK, SECRET};
use kiosk::backoffice::signing::sign;
use kiosk::outbox::{Outbox, State};
use kiosk::package::sha256_hex;

struct Reply {
    status: u16,
    body: serde_json::Value,
}

/// A request signed as the kiosk would sign it at `at` (Unix seconds), with `tamper` applied to the headers.
fn request(
    sim: &Sim,
    method: &str,
    path: &str,
    body: &[u8],
    at: i64,
    tamper: impl FnOnce(&mut Vec<(&'static str, String)>),
) -> Reply {
    let signed = sign(KIOSK, SECRET.as_bytes(), method, path, body, at);
    let mut headers = vec![
        ("X-Kiosk-Id", signed.kiosk_id),
        ("X-Timestamp", signed.timestamp),
        ("X-Content-SHA256", signed.content_sha256),
        ("X-Signature", signed.signature),
        ("Content-Type", "image/jpeg".to_string()),
    ];
    tamper(&mut headers);
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(async {
        let client = reqwest::Client::builder()
            .tls_backend_preconfigured(kiosk::backoffice::tls::unused_config().unwrap())
            .build()
            .unwrap();
        let mut req = client.request(method.parse().unwrap(), format!("{}{path}", sim.url));
        for (name, value) in headers {
            req = req.header(name, value);
        }
        let resp = req.body(body.to_vec()).send().await.unwrap();
        let status = resp.status().as_u16();
        let bytes = resp.bytes().await.unwrap();
        Reply {
            status,
            body: serde_json::from_slice(&bytes).unwrap_or(serde_json::Value::Null),
        }
    })
}

fn now() -> i64 {
    chrono::Utc::now().timestamp()
}

#[test]
fn requests_are_authenticated_as_the_contract_says() {
    let dir = tempfile::tempdir().unwrap();
    let sim = Sim::start(&dir.path().join("bo"), &[]);
    let id = "0192f3c4-0000-4000-8000-0000000000aa";
    let page = b"\xFF\xD8 page".to_vec();
    let path = format!("/v1/packages/{id}/files/{}", sha256_hex(&page));

    let ok = request(&sim, "PUT", &path, &page, now(), |_| {});
    assert_eq!(ok.status, 201);
    assert_eq!(
        request(&sim, "PUT", &path, &page, now(), |_| {}).status,
        200,
        "repeating is harmless"
    );

    let stale = request(&sim, "PUT", &path, &page, now() - 301, |_| {});
    assert_eq!(
        (stale.status, stale.body["error"].as_str()),
        (401, Some("clock_skew"))
    );
    let ahead = request(&sim, "PUT", &path, &page, now() + 301, |_| {});
    assert_eq!(ahead.body["error"], "clock_skew");

    let forged = request(&sim, "PUT", &path, &page, now(), |h| {
        h[3].1 = "0".repeat(64);
    });
    assert_eq!(
        (forged.status, forged.body["error"].as_str()),
        (401, Some("bad_signature"))
    );
    let unsigned = request(&sim, "PUT", &path, &page, now(), |h| {
        h.retain(|(n, _)| *n != "X-Signature");
    });
    assert_eq!(unsigned.status, 401);
    let stranger = request(&sim, "PUT", &path, &page, now(), |h| {
        h[0].1 = "XX-KIOSK-99".into();
    });
    assert_eq!(stranger.status, 401);

    let wrong_body_hash = request(&sim, "PUT", &path, &page, now(), |h| {
        h[2].1 = sha256_hex(b"other");
    });
    assert_eq!(
        (
            wrong_body_hash.status,
            wrong_body_hash.body["error"].as_str()
        ),
        (400, Some("hash_mismatch")),
        "a body that is not what its header declares"
    );

    let other = b"\xFF\xD8 another page".to_vec();
    let misnamed = request(&sim, "PUT", &path, &other, now(), |_| {});
    assert_eq!(
        (misnamed.status, misnamed.body["error"].as_str()),
        (400, Some("hash_mismatch"))
    );
}

#[test]
fn manifests_need_their_files_and_one_id_holds_one_manifest() {
    let dir = tempfile::tempdir().unwrap();
    let sim = Sim::start(&dir.path().join("bo"), &[]);
    let id = "0192f3c4-0000-4000-8000-0000000000bb";
    let package = small_package(id, &format!("{KIOSK}-20261128-0001"), 2, 100);
    let manifest = serde_json::to_vec(&package.manifest).unwrap();
    let path = format!("/v1/packages/{id}");

    let missing = request(&sim, "PUT", &path, &manifest, now(), |_| {});
    assert_eq!(
        (missing.status, missing.body["error"].as_str()),
        (422, Some("missing_files"))
    );
    let mut named: Vec<String> = serde_json::from_value(missing.body["missing"].clone()).unwrap();
    named.sort();
    let mut all: Vec<String> = package.files.iter().map(|f| f.sha256.clone()).collect();
    all.sort();
    assert_eq!(named, all, "every file it names, signature included");

    for file in &package.files {
        let reply = request(
            &sim,
            "PUT",
            &format!("/v1/packages/{id}/files/{}", file.sha256),
            &file.bytes,
            now(),
            |h| h[4].1 = file.content_type.to_string(),
        );
        assert_eq!(reply.status, 201);
    }
    let stored = request(&sim, "PUT", &path, &manifest, now(), |_| {});
    assert_eq!(stored.status, 201);
    assert_eq!(stored.body["status"], "received");
    assert_eq!(stored.body["package_id"], id);
    let again = request(&sim, "PUT", &path, &manifest, now(), |_| {});
    assert_eq!(again.status, 200);
    assert_eq!(
        again.body, stored.body,
        "the same answer for the identical manifest"
    );

    let mut changed = package.manifest.clone();
    changed
        .form
        .insert("applicant_phone".into(), "13900139000".into());
    let conflict = request(
        &sim,
        "PUT",
        &path,
        &serde_json::to_vec(&changed).unwrap(),
        now(),
        |_| {},
    );
    assert_eq!(
        (conflict.status, conflict.body["error"].as_str()),
        (409, Some("conflict"))
    );

    let mut bad = serde_json::to_value(&package.manifest).unwrap();
    bad["schema"] = "one-thing-package/2".into();
    bad["delivery"]["method"] = "drone".into();
    let invalid = request(
        &sim,
        "PUT",
        &path,
        &serde_json::to_vec(&bad).unwrap(),
        now(),
        |_| {},
    );
    assert_eq!(invalid.status, 400);
    let detail = invalid.body["detail"].as_str().unwrap();
    assert!(
        detail.contains("schema") && detail.contains("delivery.method"),
        "{detail}"
    );

    // 1.1: the check code's hash must be a hash; a package stored before 1.1 (without one) is still taken.
    let mut not_a_hash = serde_json::to_value(&package.manifest).unwrap();
    not_a_hash["check_code_sha256"] = "K7M2PQRS".into();
    let refused = request(
        &sim,
        "PUT",
        &path,
        &serde_json::to_vec(&not_a_hash).unwrap(),
        now(),
        |_| {},
    );
    assert_eq!(refused.status, 400);
    assert!(refused.body["detail"]
        .as_str()
        .unwrap()
        .contains("check_code_sha256"));
    let older = "0192f3c4-0000-4000-8000-0000000000bc";
    let mut before_1_1 = small_package(older, &format!("{KIOSK}-20261128-0002"), 1, 100);
    before_1_1.manifest.check_code_sha256.clear();
    let json = serde_json::to_vec(&before_1_1.manifest).unwrap();
    assert!(
        !String::from_utf8_lossy(&json).contains("check_code_sha256"),
        "left out when empty"
    );
    for file in &before_1_1.files {
        let reply = request(
            &sim,
            "PUT",
            &format!("/v1/packages/{older}/files/{}", file.sha256),
            &file.bytes,
            now(),
            |h| h[4].1 = file.content_type.to_string(),
        );
        assert_eq!(reply.status, 201);
    }
    let taken = request(
        &sim,
        "PUT",
        &format!("/v1/packages/{older}"),
        &json,
        now(),
        |_| {},
    );
    assert_eq!(taken.status, 201, "{:?}", taken.body);
}

#[test]
fn a_package_the_back_office_will_never_take_is_kept_for_technicians() {
    let dir = tempfile::tempdir().unwrap();
    let sim = Sim::start(&dir.path().join("bo"), &[]);
    let config = kiosk_config(dir.path(), &sim.url, SECRET, "");
    let data = dir.path().join("data");
    let ids = enqueue(&data, 1, 1, 1_000);
    // Another manifest already sits under this package id at the back office.
    let mut other = small_package(&ids[0], &format!("{KIOSK}-20261127-0001"), 1, 500);
    other.manifest.created_at = "2026-11-27T09:00:00+08:00".into();
    for file in &other.files {
        request(
            &sim,
            "PUT",
            &format!("/v1/packages/{}/files/{}", ids[0], file.sha256),
            &file.bytes,
            now(),
            |h| h[4].1 = file.content_type.to_string(),
        );
    }
    let first = request(
        &sim,
        "PUT",
        &format!("/v1/packages/{}", ids[0]),
        &serde_json::to_vec(&other.manifest).unwrap(),
        now(),
        |_| {},
    );
    assert_eq!(first.status, 201);

    let out = run(&config, &["outbox", "send", "--timeout", "5"]);
    assert!(!out.status.success());
    let entry = &Outbox::open(&data).unwrap().list().unwrap()[0];
    assert_eq!(entry.state, State::Refused);
    assert_eq!(entry.attempts, 1, "not retried as it is");
    assert!(
        entry.last_error.as_deref().unwrap_or("").contains("409"),
        "{entry:?}"
    );
    assert!(data.join("spool").join(&ids[0]).exists(), "kept");
}
