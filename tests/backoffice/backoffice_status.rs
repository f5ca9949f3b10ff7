//! The status contract of version 1.1 against the simulator, through the kiosk's own link: a receipt number is
//! never enough (410 for the old look-up, the same 404 for an unknown number and a wrong code), a kiosk trying
//! codes meets 429 for the rest of the minute, and staff sign in with a PIN the back office checks and locks.

use crate::common;

use std::io::Write;
use std::time::Duration;

use common::sim::{
    add_staff, enqueue, kiosk_config, link, run, runtime, Sim, CHECK_CODE, KIOSK, SECRET,
};
use kiosk::backoffice::{Credential, LinkError, StaffLoginError};
use kiosk::package::CheckCode;

#[test]
fn a_receipt_number_alone_tells_nothing_and_guessing_codes_meets_the_wait() {
    let dir = tempfile::tempdir().unwrap();
    let sim = Sim::start(&dir.path().join("bo"), &[]);
    let config = kiosk_config(dir.path(), &sim.url, SECRET, "");
    enqueue(&dir.path().join("data"), 1, 1, 1_000);
    assert!(run(&config, &["outbox", "send", "--timeout", "30"])
        .status
        .success());
    let receipt = format!("{KIOSK}-20261128-0001");
    let rt = runtime();
    let link = link(&sim.url);

    // The right code shows the application.
    let right = CheckCode::parse(CHECK_CODE).unwrap();
    let app = rt
        .block_on(link.status(&receipt, Credential::CheckCode(&right)))
        .unwrap()
        .expect("found with its code");
    assert_eq!(app.receipt_no, receipt);

    // Wrong codes and unknown numbers get the same answer; the sixth failure within a minute is 429 with the
    // wait, and even the right code waits it out.
    let wrong = CheckCode::parse("ABCDEFGH").unwrap();
    // The first two byte for byte: an unknown number and a wrong code answer the same.
    let unknown = raw_post_status(&sim, &format!("{KIOSK}-20261128-0999"), "ABCDEFGH");
    let wrong_code = raw_post_status(&sim, &receipt, "ABCDEFGH");
    assert!(unknown.starts_with("HTTP/1.1 404"), "{unknown}");
    assert!(wrong_code.starts_with("HTTP/1.1 404"), "{wrong_code}");
    assert_eq!(body_of(&unknown), body_of(&wrong_code));
    assert!(body_of(&unknown).contains(r#"{"error":"not_found"}"#));
    for i in 2..5 {
        let no = if i % 2 == 0 {
            receipt.clone()
        } else {
            format!("{KIOSK}-20261128-{:04}", 9000 + i)
        };
        assert!(rt
            .block_on(link.status(&no, Credential::CheckCode(&wrong)))
            .unwrap()
            .is_none());
    }
    match rt.block_on(link.status(&receipt, Credential::CheckCode(&right))) {
        Err(LinkError::Unavailable {
            status: 429,
            retry_after: Some(wait),
            ..
        }) => assert!(
            wait > Duration::ZERO && wait <= Duration::from_secs(60),
            "{wait:?}"
        ),
        other => panic!("expected 429: {:?}", other.map(|a| a.map(|a| a.receipt_no))),
    }

    // The version-1 look-up by number alone is withdrawn.
    let answer = raw_get(&sim, &format!("/v1/applications/{receipt}"));
    assert!(answer.starts_with("HTTP/1.1 410"), "{answer}");
    assert!(
        !answer.contains("received"),
        "nothing of the application: {answer}"
    );
}

fn body_of(answer: &str) -> &str {
    answer.split_once("\r\n\r\n").map(|(_, b)| b).unwrap_or("")
}

/// A signed status look-up from the test itself.
fn raw_post_status(sim: &Sim, receipt_no: &str, code: &str) -> String {
    let body = serde_json::json!({ "receipt_no": receipt_no, "check_code": code }).to_string();
    raw(sim, "POST", "/v1/applications/status", body.as_bytes())
}

/// A signed GET from the test itself, as a version-1 kiosk would make it.
fn raw_get(sim: &Sim, path: &str) -> String {
    raw(sim, "GET", path, b"")
}

/// A signed request from the test itself, as the kiosk makes them; the whole answer as text.
fn raw(sim: &Sim, method: &str, path: &str, body: &[u8]) -> String {
    use std::io::Read;
    let signed = kiosk::backoffice::signing::sign(
        KIOSK,
        SECRET.as_bytes(),
        method,
        path,
        body,
        chrono::Utc::now().timestamp(),
    );
    let address = sim.url.trim_start_matches("http://");
    let mut stream = std::net::TcpStream::connect(address).unwrap();
    write!(
        stream,
        "{method} {path} HTTP/1.1\r\nHost: {address}\r\nX-Kiosk-Id: {}\r\nX-Timestamp: {}\r\n\
         X-Content-SHA256: {}\r\nX-Signature: {}\r\nContent-Type: application/json\r\n\
         Content-Length: {}\r\nConnection: close\r\n\r\n",
        signed.kiosk_id,
        signed.timestamp,
        signed.content_sha256,
        signed.signature,
        body.len()
    )
    .unwrap();
    stream.write_all(body).unwrap();
    let mut answer = String::new();
    stream.read_to_string(&mut answer).unwrap();
    answer
}

#[test]
fn staff_sign_in_with_a_pin_the_back_office_checks_and_locks() {
    let dir = tempfile::tempdir().unwrap();
    let sim = Sim::start(&dir.path().join("bo"), &[]);
    let config = kiosk_config(dir.path(), &sim.url, SECRET, "");
    enqueue(&dir.path().join("data"), 1, 1, 1_000);
    assert!(run(&config, &["outbox", "send", "--timeout", "30"])
        .status
        .success());
    let out = add_staff(&sim, "S1024", "王芳", "13579");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        !add_staff(&sim, "S1", "x", "12").status.success(),
        "a PIN too short"
    );
    let rt = runtime();
    let link = link(&sim.url);

    let session = rt.block_on(link.staff_login("S1024", "13579")).unwrap();
    assert_eq!(session.name, "王芳");
    let expires = chrono::DateTime::parse_from_rfc3339(&session.expires_at).unwrap();
    let minutes = (expires.timestamp() - chrono::Utc::now().timestamp()) / 60;
    assert!((14..=15).contains(&minutes), "{minutes} minutes");
    assert!(!format!("{session:?}").contains(session.token.as_str()));

    // Staff look up by number alone; the back office logs the answer with the staff id.
    let receipt = format!("{KIOSK}-20261128-0001");
    let app = rt
        .block_on(link.status(&receipt, Credential::Staff(&session.token)))
        .unwrap()
        .expect("staff find it by number");
    assert_eq!(app.receipt_no, receipt);
    assert_eq!(
        sim.store().staff_log().unwrap(),
        vec![("S1024".to_string(), receipt.clone())]
    );

    // Signed out, the token is worth nothing.
    rt.block_on(link.staff_logout(&session.token)).unwrap();
    assert!(matches!(
        rt.block_on(link.status(&receipt, Credential::Staff(&session.token))),
        Err(LinkError::Refused { .. })
    ));

    // Five wrong PINs lock the id for 15 minutes, even for the right PIN.
    for _ in 0..4 {
        assert!(matches!(
            rt.block_on(link.staff_login("S1024", "00000")),
            Err(StaffLoginError::BadCredentials)
        ));
    }
    assert!(matches!(
        rt.block_on(link.staff_login("S1024", "00000")),
        Err(StaffLoginError::Locked)
    ));
    assert!(matches!(
        rt.block_on(link.staff_login("S1024", "13579")),
        Err(StaffLoginError::Locked)
    ));
    assert!(matches!(
        rt.block_on(link.staff_login("nobody", "13579")),
        Err(StaffLoginError::BadCredentials)
    ));
}
