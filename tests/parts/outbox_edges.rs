//! The outbox at its edges (issue 12, items 3 and 4): a package that cannot be read never holds back the ones
//! behind it, and the outbox has one owner at a time.

use crate::common;

use common::sim::{enqueue, kiosk_config, run, Sim, SECRET};
use kiosk::outbox::{Outbox, State};

/// Review finding: a package whose files could not be read (here a file replaced by a folder: EISDIR, an I/O
/// error rather than a decryption one) stopped the whole round, so it was first again every time and nothing
/// behind it was ever sent.
#[test]
fn a_package_that_cannot_be_read_is_marked_damaged_and_holds_back_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let sim = Sim::start(&dir.path().join("bo"), &[]);
    let config = kiosk_config(dir.path(), &sim.url, SECRET, "");
    let data = dir.path().join("data");
    let ids = enqueue(&data, 3, 1, 2_000);
    let broken = data.join("spool").join(&ids[0]);
    let file = std::fs::read_dir(&broken)
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| !p.ends_with("manifest.enc") && !p.ends_with("index.enc"))
        .unwrap();
    std::fs::remove_file(&file).unwrap();
    std::fs::create_dir(&file).unwrap();

    let _ = run(&config, &["outbox", "send", "--timeout", "10"]);
    let entries = Outbox::open(&data).unwrap().list().unwrap();
    let state = |id: &str| entries.iter().find(|e| e.package_id == id).unwrap();
    assert_eq!(state(&ids[1]).state, State::Delivered, "the next one went");
    assert_eq!(state(&ids[2]).state, State::Delivered);
    let damaged = state(&ids[0]);
    assert_ne!(damaged.state, State::Delivered);
    assert_ne!(damaged.state, State::Queued, "not retried in a loop");
    assert!(
        kiosk::app::words::package_problem(damaged)
            .unwrap_or_default()
            .contains("损坏"),
        "the reason is kept for technicians: {:?}",
        damaged.last_error
    );
}
