//! The outbox's upload against the back-office simulator as a real HTTP server: clean delivery, every injected
//! fault, a lost answer, a refused kiosk, TLS with a CA file and a pin, the status look-ups, and the self-test.

use crate::common;

use std::path::Path;

use common::sim::{enqueue, kiosk_config, run, Sim, KIOSK, SECRET};
use kiosk::outbox::{Outbox, State};

fn text(output: &std::process::Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    )
}

/// Every package in the outbox is delivered, its copy gone, and the back office stored each exactly once.
fn assert_delivered_exactly_once(data: &Path, sim: &Sim, ids: &[String]) {
    let outbox = Outbox::open(data).unwrap();
    for entry in outbox.list().unwrap() {
        assert_eq!(entry.state, State::Delivered, "{entry:?}");
        assert!(!data.join("spool").join(&entry.package_id).exists());
    }
    let store = sim.store();
    let firsts = store.first_time_answers().unwrap();
    for id in ids {
        let n = firsts.iter().find(|(p, _)| p == id).map(|(_, n)| *n);
        assert_eq!(n, Some(1), "package {id} stored once");
    }
    assert_eq!(store.manifests().unwrap().len(), ids.len());
}

fn deliver_through(fault: &str, extra_config: &str) {
    let dir = tempfile::tempdir().unwrap();
    let sim = Sim::start(&dir.path().join("bo"), &["--fault", fault]);
    let config = kiosk_config(dir.path(), &sim.url, SECRET, extra_config);
    let data = dir.path().join("data");
    let ids = enqueue(&data, 2, 3, 20_000);
    let out = run(&config, &["outbox", "send", "--timeout", "60"]);
    assert!(out.status.success(), "fault {fault}: {}", text(&out));
    assert_delivered_exactly_once(&data, &sim, &ids);
}

#[test]
fn a_clean_upload_delivers_every_file_and_deletes_the_copy() {
    let dir = tempfile::tempdir().unwrap();
    let sim = Sim::start(&dir.path().join("bo"), &[]);
    let config = kiosk_config(dir.path(), &sim.url, SECRET, "");
    let data = dir.path().join("data");
    let ids = enqueue(&data, 3, 4, 50_000);
    let package = Outbox::open(&data).unwrap().load(&ids[0]).unwrap();
    let out = run(&config, &["outbox", "send", "--timeout", "30"]);
    assert!(out.status.success(), "{}", text(&out));
    assert_delivered_exactly_once(&data, &sim, &ids);
    let store = sim.store();
    for file in &package.files {
        let (content_type, bytes) = store.file(&ids[0], &file.sha256).unwrap().unwrap();
        assert_eq!(content_type, file.content_type);
        assert_eq!(bytes, file.bytes, "the back office holds the exact bytes");
    }
    let entries = Outbox::open(&data).unwrap().list().unwrap();
    assert!(
        entries.iter().all(|e| e.attempts == 0),
        "no failure on a clean line"
    );
}

#[test]
fn server_errors_are_retried() {
    deliver_through("500*2", "");
    deliver_through("502@file*1", "");
    deliver_through("503@manifest*2", "");
}

#[test]
fn too_many_requests_is_retried_after_the_wait_asked() {
    deliver_through("429*2", "");
}

#[test]
fn dropped_connections_and_cut_answers_are_retried() {
    deliver_through("drop*2", "");
    deliver_through("truncate@file*1", "");
    deliver_through("truncate@manifest*1", "");
}

#[test]
fn a_slow_server_times_out_and_is_retried() {
    deliver_through("slow=3000@manifest*1", "timeout_seconds = 1");
}

#[test]
fn an_answer_lost_after_storing_makes_no_duplicate() {
    let dir = tempfile::tempdir().unwrap();
    let sim = Sim::start(
        &dir.path().join("bo"),
        &["--fault", "drop-after-store@manifest*1"],
    );
    let config = kiosk_config(dir.path(), &sim.url, SECRET, "");
    let data = dir.path().join("data");
    let ids = enqueue(&data, 1, 2, 10_000);
    let out = run(&config, &["outbox", "send", "--timeout", "30"]);
    assert!(out.status.success(), "{}", text(&out));
    assert_delivered_exactly_once(&data, &sim, &ids);
    let entry = &Outbox::open(&data).unwrap().list().unwrap()[0];
    assert_eq!(
        entry.attempts, 1,
        "one lost answer, then the retry was answered 200"
    );
}

#[test]
fn a_refused_kiosk_keeps_its_packages_and_does_not_hammer() {
    let dir = tempfile::tempdir().unwrap();
    let sim = Sim::start(&dir.path().join("bo"), &[]);
    let config = kiosk_config(dir.path(), &sim.url, "wrong-secret-xyz", "");
    let data = dir.path().join("data");
    let ids = enqueue(&data, 2, 1, 1_000);
    let out = run(&config, &["outbox", "send", "--timeout", "5"]);
    assert!(!out.status.success());
    assert!(text(&out).contains("refused"), "{}", text(&out));
    let check = |attempts: u32| {
        for entry in Outbox::open(&data).unwrap().list().unwrap() {
            assert_eq!(entry.state, State::Refused);
            assert_eq!(entry.attempts, attempts, "one try each, no loop");
            assert!(entry.last_error.as_deref().unwrap_or("").contains("401"));
            assert!(data.join("spool").join(&entry.package_id).exists(), "kept");
        }
    };
    check(1);
    let again = run(&config, &["outbox", "send", "--timeout", "3"]);
    assert!(!again.status.success());
    check(1);
    assert!(sim.store().manifests().unwrap().is_empty());

    // The technician fixes the secret and retries: all delivered.
    let config = kiosk_config(dir.path(), &sim.url, SECRET, "");
    assert!(run(&config, &["outbox", "retry"]).status.success());
    let out = run(&config, &["outbox", "send", "--timeout", "30"]);
    assert!(out.status.success(), "{}", text(&out));
    assert_delivered_exactly_once(&data, &sim, &ids);
}

#[test]
fn plain_http_to_another_machine_is_refused_by_the_config() {
    let dir = tempfile::tempdir().unwrap();
    let config = kiosk_config(dir.path(), "http://10.1.2.3:8700", SECRET, "");
    let out = run(&config, &["outbox", "list"]);
    assert!(!out.status.success());
    assert!(text(&out).contains("backoffice.url"), "{}", text(&out));
}

struct Pki {
    ca_pem: String,
    cert_pem: String,
    key_pem: String,
    cert_sha256: String,
}

fn pki() -> Pki {
    use rcgen::{BasicConstraints, CertificateParams, IsCa, Issuer, KeyPair};
    let ca_key = KeyPair::generate().unwrap();
    let mut ca_params = CertificateParams::new(Vec::<String>::new()).unwrap();
    ca_params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    let ca = ca_params.self_signed(&ca_key).unwrap();
    let issuer = Issuer::new(ca_params, ca_key);
    let key = KeyPair::generate().unwrap();
    let cert = CertificateParams::new(vec!["127.0.0.1".to_string(), "localhost".to_string()])
        .unwrap()
        .signed_by(&key, &issuer)
        .unwrap();
    Pki {
        ca_pem: ca.pem(),
        cert_pem: cert.pem(),
        key_pem: key.serialize_pem(),
        cert_sha256: kiosk::package::sha256_hex(cert.der()),
    }
}

#[test]
fn https_needs_the_ca_file_and_honours_the_pin() {
    let dir = tempfile::tempdir().unwrap();
    let pki = pki();
    let write = |name: &str, text: &str| {
        let path = dir.path().join(name);
        std::fs::write(&path, text).unwrap();
        path
    };
    let ca = write("ca.pem", &pki.ca_pem);
    let cert = write("server.pem", &pki.cert_pem);
    let key = write("server.key", &pki.key_pem);
    let sim = Sim::start(
        &dir.path().join("bo"),
        &[
            "--tls-cert",
            cert.to_str().unwrap(),
            "--tls-key",
            key.to_str().unwrap(),
        ],
    );
    assert!(sim.url.starts_with("https://"), "{}", sim.url);
    let data = dir.path().join("data");
    let send = |extra: &str| {
        let config = kiosk_config(dir.path(), &sim.url, SECRET, extra);
        run(&config, &["outbox", "send", "--timeout", "2"])
    };
    let ca_line = format!("ca_file = \"{}\"", ca.display());
    let ids = enqueue(&data, 1, 1, 5_000);

    let unknown = send("");
    assert!(!unknown.status.success(), "an unknown CA is not trusted");
    let wrong_pin = send(&format!("{ca_line}\npin_sha256 = \"{}\"", "ab".repeat(32)));
    assert!(
        !wrong_pin.status.success(),
        "a valid chain with the wrong pin is refused"
    );
    let entry = &Outbox::open(&data).unwrap().list().unwrap()[0];
    assert_eq!(entry.state, State::Queued, "kept and retried later");
    assert!(
        entry.last_error.as_deref().unwrap_or("").contains("pinned"),
        "{entry:?}"
    );
    assert!(sim.store().manifests().unwrap().is_empty());

    let right = send(&format!("{ca_line}\npin_sha256 = \"{}\"", pki.cert_sha256));
    assert!(right.status.success(), "{}", text(&right));
    assert_delivered_exactly_once(&data, &sim, &ids);
    let more = enqueue(&data, 1, 1, 5_000);
    assert!(
        send(&ca_line).status.success(),
        "the CA file alone also works"
    );
    assert_eq!(sim.store().manifests().unwrap().len(), 1 + more.len());
}

#[test]
fn the_selftest_delivers_a_manifest_that_meets_the_contract() {
    let dir = tempfile::tempdir().unwrap();
    let sim = Sim::start(&dir.path().join("bo"), &[]);
    let config = kiosk_config(dir.path(), "http://127.0.0.1:1", "not-this-one", "");
    let out = run(
        &config,
        &[
            "selftest",
            "--server",
            &sim.url,
            "--kiosk-id",
            KIOSK,
            "--secret",
            SECRET,
        ],
    );
    assert!(out.status.success(), "{}", text(&out));
    assert!(text(&out).contains("delivered"));
    let manifests = sim.store().manifests().unwrap();
    assert_eq!(manifests.len(), 1);
    let (receipt, manifest) = &manifests[0];
    assert!(receipt.starts_with(&format!("{KIOSK}-")));
    assert_eq!(manifest["test"], true);
    let package_id = manifest["package_id"].as_str().unwrap();
    let files = kiosk::backoffice::contract::check_manifest(manifest, KIOSK, package_id)
        .unwrap_or_else(|p| panic!("{p:#?}"));
    let pages: usize = manifest["materials"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["files"].as_array().map_or(0, Vec::len))
        .sum();
    assert!(pages >= 2, "at least two pages");
    assert!(
        !manifest["commitments"].as_array().unwrap().is_empty(),
        "a signature"
    );
    let store = sim.store();
    for hash in files {
        assert!(
            store.file(package_id, &hash).unwrap().is_some(),
            "{hash} uploaded"
        );
    }
    // The private outbox it used is gone; the kiosk's own outbox holds nothing.
    let data = dir.path().join("data");
    assert!(Outbox::open(&data).unwrap().list().unwrap().is_empty());
    assert!(std::fs::read_dir(&data).unwrap().all(|e| !e
        .unwrap()
        .file_name()
        .to_string_lossy()
        .starts_with("selftest-")));
}
