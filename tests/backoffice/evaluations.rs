//! 好差评 on the wire: an evaluation kept in the real outbox reaches the simulator exactly once through a 503 and
//! an answer lost after storing, is counted as pending until then; the kiosk's outbox keeps one evaluation per
//! application (一次一评); the simulator answers as the contract says (200 for the same body again, 409 for
//! another body under the same id, 400 naming the broken fields).

use crate::common;

use common::sim::{kiosk_config, link, run, runtime, Sim, KIOSK, SECRET};
use kiosk::evaluation::{Evaluation, EvaluationKind, Level};
use kiosk::outbox::{Outbox, OutboxErrorKind};

fn bad_rating(receipt_no: &str) -> Evaluation {
    Evaluation::new(
        KIOSK,
        receipt_no,
        EvaluationKind::Application,
        Level::Dissatisfied,
        &["等待时间长"],
        "排队太久",
    )
}

#[test]
fn an_evaluation_arrives_once_through_a_503_and_a_lost_answer() {
    let dir = tempfile::tempdir().unwrap();
    let sim = Sim::start(
        &dir.path().join("bo"),
        &[
            "--fault",
            "503@evaluation*1",
            "--fault",
            "drop-after-store@evaluation*1",
        ],
    );
    let config = kiosk_config(dir.path(), &sim.url, SECRET, "");
    let data = dir.path().join("data");
    let evaluation = bad_rating("XX-KIOSK-01-20261207-0001");
    {
        let mut outbox = Outbox::open(&data).unwrap();
        outbox.enqueue_evaluation(&evaluation).unwrap();
        let again = bad_rating("XX-KIOSK-01-20261207-0001");
        assert_eq!(
            outbox.enqueue_evaluation(&again).unwrap_err().kind(),
            OutboxErrorKind::Duplicate,
            "one evaluation per application"
        );
        let counts = outbox.counts().unwrap();
        assert_eq!(counts.waiting(), 1, "pending in the heartbeat's figure");
        assert!(counts.oldest_waiting.is_some());
        // Sealed at rest: the comment is nowhere in the database in clear.
        drop(outbox);
        for file in std::fs::read_dir(&data).unwrap().flatten() {
            if file.path().is_file() {
                let bytes = std::fs::read(file.path()).unwrap();
                let text = String::from_utf8_lossy(&bytes);
                assert!(
                    !text.contains("排队太久"),
                    "{:?} holds the comment",
                    file.path()
                );
            }
        }
    }

    let out = run(&config, &["outbox", "send", "--timeout", "60"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );

    let store = sim.store();
    let stored = store.evaluations().unwrap();
    assert_eq!(stored.len(), 1, "exactly once");
    assert_eq!(stored[0].evaluation_id, evaluation.evaluation_id);
    assert_eq!(stored[0].level, 2);
    assert!(stored[0].follow_up, "a bad rating opens a follow-up");
    assert_eq!(stored[0].body["reasons"], serde_json::json!(["等待时间长"]));
    assert_eq!(stored[0].body["comment"], "排队太久");
    let answers: Vec<u16> = store
        .evaluation_answers()
        .unwrap()
        .into_iter()
        .map(|(_, status)| status)
        .collect();
    // The 503 never reached the store; the lost answer did store it (201); the retry was told it was there.
    assert_eq!(answers, [201, 200]);

    let outbox = Outbox::open(&data).unwrap();
    assert_eq!(outbox.counts().unwrap().waiting(), 0);
    assert!(outbox.waiting_evaluations().unwrap().is_empty());

    // The simulator's list for people.
    let listed = common::sim::kiosk_bin()
        .args(["sim", "backoffice", "--data"])
        .arg(&sim.data)
        .arg("evaluations")
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&listed.stdout);
    assert_eq!(text.lines().count(), 1, "{text}");
    assert!(text.contains(&evaluation.evaluation_id) && text.contains("\"follow_up\":true"));
}

#[test]
fn the_back_office_holds_the_evaluation_rules() {
    let dir = tempfile::tempdir().unwrap();
    let sim = Sim::start(&dir.path().join("bo"), &[]);
    let link = link(&sim.url);
    let rt = runtime();
    let evaluation = bad_rating("XX-KIOSK-01-20261207-0002");
    assert!(
        rt.block_on(link.post_evaluation(&evaluation)).unwrap(),
        "201 the first time"
    );
    assert!(
        !rt.block_on(link.post_evaluation(&evaluation)).unwrap(),
        "the identical body again is answered 200"
    );
    let mut changed = evaluation.clone();
    changed.level = 5;
    let conflict = rt.block_on(link.post_evaluation(&changed)).unwrap_err();
    assert!(
        !conflict.is_transient(),
        "409 is kept, not retried: {conflict}"
    );
    assert!(conflict.to_string().contains("409"), "{conflict}");
    let mut broken = bad_rating("XX-KIOSK-01-20261207-0003");
    broken.level = 9;
    let invalid = rt.block_on(link.post_evaluation(&broken)).unwrap_err();
    assert!(invalid.to_string().contains("400"), "{invalid}");
    assert_eq!(sim.store().evaluations().unwrap().len(), 1);
}
