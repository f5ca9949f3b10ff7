//! The link against a hostile or broken server (issue 12, "the link follows no one"): a redirect sends nothing
//! anywhere else, an endless answer is cut off at its limit, a `Retry-After` of years waits only the configured
//! maximum. The servers here are plain sockets that answer exactly the bytes a test wants.

use crate::common;

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use common::sim::{enqueue, kiosk_config, link, run, runtime, SECRET};
use kiosk::backoffice::LinkError;
use kiosk::outbox::{Outbox, State};

/// Reads one HTTP/1.1 request (headers and a `Content-Length` body); returns how many bytes it had.
fn read_request(stream: &mut TcpStream) -> Option<usize> {
    let mut reader = BufReader::new(stream.try_clone().ok()?);
    let mut length = 0usize;
    let mut total = 0usize;
    loop {
        let mut line = String::new();
        let n = reader.read_line(&mut line).ok()?;
        if n == 0 {
            return None;
        }
        total += n;
        if let Some(value) = line.to_ascii_lowercase().strip_prefix("content-length:") {
            length = value.trim().parse().unwrap_or(0);
        }
        if line == "\r\n" {
            break;
        }
    }
    let mut body = vec![0u8; length];
    reader.read_exact(&mut body).ok()?;
    Some(total + length)
}

/// A server on a free port that answers every request with `answer(port)`; counts the bytes it was sent.
struct RawServer {
    port: u16,
    received: Arc<AtomicUsize>,
    requests: Arc<AtomicUsize>,
}

impl RawServer {
    fn start(answer: impl Fn() -> Vec<u8> + Send + Sync + 'static) -> RawServer {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let received = Arc::new(AtomicUsize::new(0));
        let requests = Arc::new(AtomicUsize::new(0));
        let (r, q) = (received.clone(), requests.clone());
        let answer = Arc::new(answer);
        std::thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                let (r, q, answer) = (r.clone(), q.clone(), answer.clone());
                std::thread::spawn(move || {
                    let mut stream = stream;
                    while let Some(bytes) = read_request(&mut stream) {
                        r.fetch_add(bytes, Ordering::SeqCst);
                        q.fetch_add(1, Ordering::SeqCst);
                        if stream.write_all(&answer()).is_err() {
                            return;
                        }
                    }
                });
            }
        });
        RawServer {
            port,
            received,
            requests,
        }
    }

    fn url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }
}

/// A 307 keeps the method and the body: followed, it would hand the manifest, the pages and the signature to
/// whoever the `Location` names. Nothing may reach that host; the package stays, and technicians see why.
#[test]
fn a_redirect_sends_nothing_to_the_other_host() {
    let elsewhere = RawServer::start(|| {
        b"HTTP/1.1 201 Created\r\nContent-Type: application/json\r\nContent-Length: 2\r\n\r\n{}"
            .to_vec()
    });
    let target = elsewhere.url();
    let redirecting = RawServer::start(move || {
        format!(
            "HTTP/1.1 307 Temporary Redirect\r\nLocation: {target}/v1/elsewhere\r\nContent-Length: 0\r\n\r\n"
        )
        .into_bytes()
    });
    let dir = tempfile::tempdir().unwrap();
    let config = kiosk_config(dir.path(), &redirecting.url(), SECRET, "");
    let data = dir.path().join("data");
    enqueue(&data, 1, 2, 5_000);

    let out = run(&config, &["outbox", "send", "--timeout", "3"]);
    assert!(!out.status.success(), "a redirect is no delivery");
    assert!(redirecting.requests.load(Ordering::SeqCst) >= 1);
    assert_eq!(
        elsewhere.received.load(Ordering::SeqCst),
        0,
        "no byte reached the host the redirect named"
    );
    let entry = Outbox::open(&data).unwrap().list().unwrap().remove(0);
    assert_ne!(entry.state, State::Delivered);
    let why = entry.last_error.unwrap_or_default();
    assert!(why.contains("307"), "technicians see the redirect: {why}");
    let listed = run(&config, &["outbox", "list"]);
    assert!(String::from_utf8_lossy(&listed.stdout).contains("307"));
}

/// An answer that never ends is cut at its limit (8 MB for the catalog, 1 MB for anything else), not read into
/// memory until the kiosk runs out of it.
#[test]
fn answers_are_read_only_up_to_their_limit() {
    let huge = RawServer::start(|| {
        let body = vec![b' '; 9 * 1024 * 1024];
        let mut answer = format!(
            "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n",
            body.len()
        )
        .into_bytes();
        answer.extend(body);
        answer
    });
    let rt = runtime();
    let huge_link = link(&huge.url());
    match rt.block_on(huge_link.catalog(None)) {
        Err(e) => assert!(e.to_string().contains("8 MB"), "{e}"),
        Ok(_) => panic!("a 9 MB catalog was taken"),
    }
    let chunked = RawServer::start(|| {
        // No length given: chunks until the limit is passed.
        let mut answer = b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n".to_vec();
        for _ in 0..40 {
            answer.extend(format!("{:x}\r\n", 65536).as_bytes());
            answer.extend(vec![b' '; 65536]);
            answer.extend(b"\r\n");
        }
        answer.extend(b"0\r\n\r\n");
        answer
    });
    let chunked_link = link(&chunked.url());
    match rt.block_on(chunked_link.lookup("11010519491231002X")) {
        Err(e) => assert!(e.to_string().contains("1 MB"), "{e}"),
        Ok(_) => panic!("a 2.5 MB answer was taken"),
    }
}

/// `Retry-After` is a floor the server sets, but never beyond the kiosk's own longest wait: a server saying
/// "in ten years" must not park applications for ten years.
#[test]
fn retry_after_is_clamped_to_the_configured_maximum() {
    let busy = RawServer::start(|| {
        b"HTTP/1.1 503 Service Unavailable\r\nRetry-After: 315360000\r\nContent-Type: application/json\r\n\
          Content-Length: 20\r\n\r\n{\"error\":\"too_busy\"}"
            .to_vec()
    });
    let dir = tempfile::tempdir().unwrap();
    // kiosk_config sets retry_max_seconds = 2.
    let config = kiosk_config(dir.path(), &busy.url(), SECRET, "");
    let data = dir.path().join("data");
    enqueue(&data, 1, 1, 1_000);
    let before = chrono::Utc::now().timestamp();
    let out = run(&config, &["outbox", "send", "--timeout", "1"]);
    assert!(!out.status.success());
    let entry = Outbox::open(&data).unwrap().list().unwrap().remove(0);
    assert_eq!(entry.state, State::Queued, "kept for another try");
    assert!(entry.attempts >= 1);
    assert!(
        entry.next_try_at <= chrono::Utc::now().timestamp() + 3,
        "next try {} s away",
        entry.next_try_at - before
    );
    // A retry after the clamp reaches the server again.
    let out = run(&config, &["outbox", "send", "--timeout", "4"]);
    assert!(!out.status.success());
    assert!(busy.requests.load(Ordering::SeqCst) >= 2);
}

/// `LinkError` for a redirect is not transient: it is kept for technicians, not retried in a loop.
#[test]
fn a_redirect_is_a_rejection() {
    let redirecting = RawServer::start(|| {
        b"HTTP/1.1 302 Found\r\nLocation: http://127.0.0.1:9/\r\nContent-Length: 0\r\n\r\n".to_vec()
    });
    let rt = runtime();
    let redirect_link = link(&redirecting.url());
    match rt.block_on(redirect_link.catalog(None)) {
        Err(e @ LinkError::Rejected { status: 302, .. }) => assert!(!e.is_transient()),
        other => panic!("{other:?}"),
    }
}
