//! The systemd watchdog is pinged from the UI loop: while the loop runs the pings come at half the interval, and
//! when the loop is blocked they stop (so systemd restarts a hung kiosk), even though other threads run on.
//! READY=1 comes first. The kiosk talks to a notify socket this test binds, as systemd's would be.

mod common;

use std::os::unix::net::UnixDatagram;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use common::open_kiosk;

#[test]
fn a_blocked_ui_loop_stops_the_watchdog_pings() {
    // A real event loop with the system clock (the other UI tests use mock time).
    slint::platform::set_platform(Box::new(i_slint_backend_testing::TestingBackend::new(
        i_slint_backend_testing::TestingBackendOptions {
            mock_time: false,
            threading: true,
            renderer_name: Some("software".into()),
        },
    )))
    .expect("platform");
    let dir = tempfile::tempdir().unwrap();
    let socket_path = dir.path().join("notify");
    let socket = UnixDatagram::bind(&socket_path).unwrap();
    socket
        .set_read_timeout(Some(Duration::from_millis(100)))
        .unwrap();
    // SAFETY: set before any other thread of this test process reads the environment.
    unsafe {
        std::env::set_var("NOTIFY_SOCKET", &socket_path);
        std::env::set_var("WATCHDOG_USEC", "200000"); // 200 ms: a ping every 100 ms
        std::env::set_var("WATCHDOG_PID", std::process::id().to_string());
    }
    let start = Instant::now();
    let received: Arc<Mutex<Vec<(Duration, String)>>> = Arc::default();
    let collecting = received.clone();
    let stop = Arc::new(std::sync::atomic::AtomicBool::new(false));
    let stopping = stop.clone();
    let collector = std::thread::spawn(move || {
        let mut buf = [0u8; 256];
        while !stopping.load(std::sync::atomic::Ordering::Relaxed) {
            if let Ok(n) = socket.recv(&mut buf) {
                let text = String::from_utf8_lossy(&buf[..n]).trim().to_string();
                collecting.lock().unwrap().push((start.elapsed(), text));
            }
        }
    });

    let kiosk = open_kiosk(1080, 1920);
    let _watchdog = kiosk.start_watchdog(std::time::Instant::now());
    // At 1 s the UI thread hangs for 1.5 s (as a deadlock or a runaway computation would), then the loop quits
    // at 3.5 s.
    let block: Arc<Mutex<(Duration, Duration)>> = Arc::default();
    let blocking = block.clone();
    slint::Timer::single_shot(Duration::from_millis(1000), move || {
        let from = start.elapsed();
        std::thread::sleep(Duration::from_millis(1500));
        *blocking.lock().unwrap() = (from, start.elapsed());
    });
    slint::Timer::single_shot(Duration::from_millis(3500), || {
        let _ = slint::quit_event_loop();
    });
    slint::run_event_loop().unwrap();
    stop.store(true, std::sync::atomic::Ordering::Relaxed);
    collector.join().unwrap();

    let received = received.lock().unwrap().clone();
    assert_eq!(
        received.first().map(|(_, m)| m.as_str()),
        Some("READY=1"),
        "{received:?}"
    );
    let pings: Vec<Duration> = received
        .iter()
        .filter(|(_, m)| m == "WATCHDOG=1")
        .map(|(t, _)| *t)
        .collect();
    let (from, to) = *block.lock().unwrap();
    assert!(to - from >= Duration::from_millis(1500));
    let before = pings.iter().filter(|t| **t < from).count();
    // A ping sent just before the block may be timestamped a few ms into it by the collector thread (it records
    // the time it received the datagram), so the first 50 ms are the edge, not the block.
    let during = pings
        .iter()
        .filter(|t| **t > from + Duration::from_millis(50) && **t < to)
        .count();
    let after = pings.iter().filter(|t| **t > to).count();
    assert!(before >= 3, "pinged while the loop ran: {pings:?}");
    assert_eq!(during, 0, "no ping while the loop was blocked: {pings:?}");
    assert!(after >= 3, "pinged again once the loop ran: {pings:?}");
    // The silence outlasts WatchdogSec (200 ms): systemd would have restarted the kiosk.
    let longest = pings.windows(2).map(|w| w[1] - w[0]).max().unwrap();
    assert!(longest >= Duration::from_millis(1400), "{longest:?}");
}
