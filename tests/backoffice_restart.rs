//! Power cuts in the middle of uploads: the real binary is killed with SIGKILL at random moments, again and
//! again, while new applications keep arriving. In the end every package is delivered exactly once and none is lost.

mod common;

use std::time::Duration;

use common::sim::{enqueue, kiosk_bin, kiosk_config, run, Sim, SECRET};
use kiosk::outbox::{Outbox, State};
use rand::Rng;

const RUNS: usize = 60;

#[test]
fn sigkill_at_random_points_never_loses_or_duplicates_a_package() {
    let dir = tempfile::tempdir().unwrap();
    // Every request waits a little, so that kills land inside uploads rather than between them.
    let sim = Sim::start(&dir.path().join("bo"), &["--fault", "slow=15"]);
    let config = kiosk_config(dir.path(), &sim.url, SECRET, "");
    let data = dir.path().join("data");
    let mut ids = Vec::new();
    let mut rng = rand::rng();
    let mut killed_mid_run = 0;
    for _ in 0..RUNS {
        ids.extend(enqueue(&data, 1, 4, 30_000));
        let mut child = kiosk_bin()
            .arg("--config")
            .arg(&config)
            .args(["outbox", "send", "--timeout", "30"])
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(Duration::from_millis(rng.random_range(0..250)));
        if child.try_wait().unwrap().is_none() {
            killed_mid_run += 1;
        }
        // Child::kill sends SIGKILL: no destructor, no flush, like a power cut.
        let _ = child.kill();
        let _ = child.wait();
    }
    assert!(
        killed_mid_run > RUNS / 2,
        "most runs must be killed while working ({killed_mid_run} of {RUNS})"
    );
    let out = run(&config, &["outbox", "send", "--timeout", "120"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );

    let outbox = Outbox::open(&data).unwrap();
    let entries = outbox.list().unwrap();
    assert_eq!(entries.len(), RUNS, "every package is still known");
    assert!(entries.iter().all(|e| e.state == State::Delivered));
    let leftovers: Vec<_> = std::fs::read_dir(data.join("spool"))
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert!(leftovers.is_empty(), "no copy left behind: {leftovers:?}");
    let store = sim.store();
    let firsts = store.first_time_answers().unwrap();
    for id in &ids {
        assert_eq!(
            firsts.iter().find(|(p, _)| p == id).map(|(_, n)| *n),
            Some(1),
            "{id} stored exactly once"
        );
    }
    assert_eq!(
        store.manifests().unwrap().len(),
        RUNS,
        "no duplicate, none lost"
    );
}
