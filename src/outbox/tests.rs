//! The outbox against a real SQLite database and spool folder.

use std::path::Path;

use super::*;
use crate::package::{sha256_hex, Manifest, Package, PackageFile};

/// A package with personal data in every place it can hold some (also used by the transfer tests).
pub(crate) fn package(id: &str, receipt: &str) -> Package {
    let page = b"\xFF\xD8 page of 11010519491231002X".to_vec();
    let signature = b"\x89PNG signature".to_vec();
    let manifest: Manifest = serde_json::from_value(serde_json::json!({
        "schema": "one-thing-package/1", "package_id": id, "receipt_no": receipt, "kiosk_id": "XX-KIOSK-01",
        "created_at": "2026-11-28T10:15:00+08:00", "test": false,
        "one_thing": {"code": "5-35", "name": "我要开拉面馆", "target": "法人", "lead_department": "市场监督管理局"},
        "items": [], "answers": [],
        "applicant": {"name": "张三", "id_type": "resident", "id_number": "11010519491231002X", "gender": "男",
                      "nation": "汉", "birth_date": "1949-12-31", "address": "河南省南阳市西峡县白羽路100号",
                      "phone": "13800138000"},
        "organisation": null, "form": {}, "materials": [], "commitments": [],
        "delivery": {"method": "window", "mode": "together", "address": null}
    }))
    .unwrap();
    Package {
        manifest,
        files: vec![
            PackageFile {
                sha256: sha256_hex(&page),
                content_type: "image/jpeg",
                bytes: page,
            },
            PackageFile {
                sha256: sha256_hex(&signature),
                content_type: "image/png",
                bytes: signature,
            },
        ],
    }
}

pub(crate) const ID: &str = "0192f3c4-0000-4000-8000-000000000001";
const SECOND: &str = "0192f3c4-0000-4000-8000-000000000002";

/// Every byte the outbox keeps on disk, to look for personal data in.
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

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

#[test]
fn a_package_goes_in_whole_and_comes_out_the_same_encrypted_at_rest() {
    let dir = tempfile::tempdir().unwrap();
    let mut outbox = Outbox::open(dir.path()).unwrap();
    let original = package(ID, "XX-KIOSK-01-20261128-0001");
    outbox.enqueue(&original).unwrap();
    let list = outbox.list().unwrap();
    assert_eq!(list.len(), 1);
    assert_eq!(list[0].state, State::Queued);
    assert_eq!(list[0].files, 2);
    let loaded = outbox.load(ID).unwrap();
    assert!(loaded.manifest == original.manifest);
    assert!(loaded.files == original.files);

    drop(outbox);
    let disk = all_bytes(dir.path());
    for secret in [
        "11010519491231002X",
        "张三",
        "白羽路",
        "13800138000",
        "page of",
    ] {
        assert!(
            !contains(&disk, secret.as_bytes()),
            "{secret} is on disk in clear"
        );
    }
}

#[test]
fn receipt_numbers_count_per_day() {
    let dir = tempfile::tempdir().unwrap();
    let mut outbox = Outbox::open(dir.path()).unwrap();
    assert_eq!(
        outbox.next_receipt_no("XX-KIOSK-01", "20261128").unwrap(),
        "XX-KIOSK-01-20261128-0001"
    );
    assert_eq!(
        outbox.next_receipt_no("XX-KIOSK-01", "20261128").unwrap(),
        "XX-KIOSK-01-20261128-0002"
    );
    assert_eq!(
        outbox.next_receipt_no("XX-KIOSK-01", "20261129").unwrap(),
        "XX-KIOSK-01-20261129-0001"
    );
    drop(outbox);
    let mut again = Outbox::open(dir.path()).unwrap();
    assert_eq!(
        again.next_receipt_no("XX-KIOSK-01", "20261128").unwrap(),
        "XX-KIOSK-01-20261128-0003"
    );
}

#[test]
fn what_a_crash_left_half_written_is_cleared_and_whole_packages_stay() {
    let dir = tempfile::tempdir().unwrap();
    let mut outbox = Outbox::open(dir.path()).unwrap();
    outbox.enqueue(&package(ID, "R-1")).unwrap();
    drop(outbox);
    let spool = dir.path().join("spool");
    // A crash while writing (temporary folder) and one after the rename but before the row.
    std::fs::create_dir(spool.join(".tmp-0192f3c4-0000-4000-8000-000000000002")).unwrap();
    std::fs::create_dir(spool.join("0192f3c4-0000-4000-8000-000000000003")).unwrap();
    let outbox = Outbox::open(dir.path()).unwrap();
    let left: Vec<String> = std::fs::read_dir(&spool)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().to_string())
        .collect();
    assert_eq!(left, vec![ID.to_string()]);
    assert!(outbox.load(ID).is_ok());
}

#[test]
fn delivery_deletes_the_copy_and_failures_are_kept_with_their_reason() {
    let dir = tempfile::tempdir().unwrap();
    let mut outbox = Outbox::open(dir.path()).unwrap();
    outbox.enqueue(&package(ID, "R-1")).unwrap();
    let second = "0192f3c4-0000-4000-8000-000000000002";
    outbox.enqueue(&package(second, "R-2")).unwrap();
    assert_eq!(outbox.pending().unwrap().0, 2);

    outbox
        .record_failure(second, "503 Service Unavailable", 4_000_000_000, false)
        .unwrap();
    let due: Vec<String> = outbox
        .due(1_000, 100)
        .unwrap()
        .into_iter()
        .map(|e| e.package_id)
        .collect();
    assert_eq!(
        due,
        vec![ID.to_string()],
        "the failed one waits for its next try"
    );
    outbox
        .record_failure(second, "401 bad_signature", 0, true)
        .unwrap();
    assert!(
        outbox
            .due(i64::MAX, 100)
            .unwrap()
            .iter()
            .all(|e| e.package_id != second),
        "refused is not retried by itself"
    );
    assert_eq!(outbox.retry_all().unwrap(), 2);
    assert_eq!(outbox.due(1_000, 100).unwrap().len(), 2);

    outbox
        .mark_delivered(ID, "2026-11-28T10:16:00+08:00")
        .unwrap();
    assert!(
        !dir.path().join("spool").join(ID).exists(),
        "the kiosk's copy is gone"
    );
    assert!(matches!(outbox.load(ID), Err(OutboxError::NotFound)));
    assert_eq!(outbox.pending().unwrap().0, 1);
    let entry = outbox
        .list()
        .unwrap()
        .into_iter()
        .find(|e| e.package_id == second)
        .unwrap();
    assert_eq!(entry.attempts, 2);
    assert_eq!(entry.last_error.as_deref(), Some("401 bad_signature"));
}

#[test]
fn a_damaged_file_is_an_error_not_a_panic() {
    let dir = tempfile::tempdir().unwrap();
    let mut outbox = Outbox::open(dir.path()).unwrap();
    let p = package(ID, "R-1");
    outbox.enqueue(&p).unwrap();
    let file = dir
        .path()
        .join("spool")
        .join(ID)
        .join(format!("{}.enc", p.files[0].sha256));
    let mut bytes = std::fs::read(&file).unwrap();
    bytes[20] ^= 0xFF;
    std::fs::write(&file, bytes).unwrap();
    assert!(matches!(outbox.load(ID), Err(OutboxError::Crypto(_))));
    assert!(matches!(
        outbox.enqueue(&package("../escape", "R-9")),
        Err(OutboxError::Format(_))
    ));
}

/// Review finding: the export copied the device-key encrypted folders, which nothing but this kiosk can open (so
/// nothing could import them), and it ran under the outbox lock on the UI thread. Now each package is sealed to
/// the back office's recipient and opens with its identity only.
#[test]
fn an_export_is_sealed_to_the_back_office_and_holds_no_clear_text() {
    let dir = tempfile::tempdir().unwrap();
    let mut outbox = Outbox::open(dir.path()).unwrap();
    outbox.enqueue(&package(ID, "R-1")).unwrap();
    outbox.enqueue(&package(SECOND, "R-2")).unwrap();
    let keys = tempfile::tempdir().unwrap();
    let recipient = super::transfer::new_identity(&keys.path().join("id.txt")).unwrap();
    let stick = tempfile::tempdir().unwrap();
    let entries = outbox.waiting_entries().unwrap();
    let done = super::transfer::export(
        &entries,
        |id| outbox.load(id),
        stick.path(),
        "XX-KIOSK-01",
        &recipient,
        |_, _| {},
    )
    .unwrap();
    assert_eq!(done.packages, 2);
    let copied = all_bytes(stick.path());
    for secret in [
        "11010519491231002X",
        "张三",
        "白羽路",
        "13800138000",
        "page of",
    ] {
        assert!(
            !contains(&copied, secret.as_bytes()),
            "{secret} on the stick"
        );
    }
    let identity = super::transfer::Identity::read(&keys.path().join("id.txt")).unwrap();
    let opened = super::transfer::open_all(stick.path(), &identity).unwrap();
    assert_eq!(opened.len(), 2);
    for item in opened {
        let package = item.result.unwrap();
        let original = outbox.load(&package.manifest.package_id).unwrap();
        assert!(package.manifest == original.manifest && package.files == original.files);
    }
}

/// One process owns the outbox: a second open (another command beside the kiosk) is refused while the first
/// holds it, and the listing still reads.
#[test]
fn a_second_process_cannot_take_the_outbox_but_can_list_it() {
    let dir = tempfile::tempdir().unwrap();
    let mut outbox = Outbox::open(dir.path()).unwrap();
    outbox.enqueue(&package(ID, "R-1")).unwrap();
    assert!(matches!(
        Outbox::open(dir.path()),
        Err(OutboxError::Busy(_))
    ));
    let listed = super::list_read_only(dir.path()).unwrap();
    assert_eq!(listed.len(), 1);
    assert_eq!(listed[0].receipt_no, "R-1");
    assert_eq!(
        super::next_receipt_no_beside_owner(dir.path(), "XX-KIOSK-01", "20261128").unwrap(),
        "XX-KIOSK-01-20261128-0001"
    );
    assert_eq!(
        outbox.next_receipt_no("XX-KIOSK-01", "20261128").unwrap(),
        "XX-KIOSK-01-20261128-0002",
        "one sequence for both"
    );
    drop(outbox);
    Outbox::open(dir.path()).expect("free once the owner let go");
}

/// A lost key is an alarm: no application is taken and nothing is opened until the key is back, or a
/// technician gives the sealed packages up.
#[test]
fn a_lost_key_stops_intake_until_it_is_back_or_replaced() {
    let dir = tempfile::tempdir().unwrap();
    let mut outbox = Outbox::open(dir.path()).unwrap();
    outbox.enqueue(&package(ID, "R-1")).unwrap();
    drop(outbox);
    std::fs::write(dir.path().join("device.key"), b"").unwrap();
    let mut outbox = Outbox::open(dir.path()).unwrap();
    assert!(outbox.key_problem().unwrap().contains("device.key"));
    assert!(matches!(outbox.accepting(), Err(OutboxError::KeyLost(_))));
    assert!(matches!(outbox.load(ID), Err(OutboxError::KeyLost(_))));
    assert!(matches!(
        outbox.enqueue(&package(SECOND, "R-2")),
        Err(OutboxError::KeyLost(_))
    ));
    assert_eq!(outbox.replace_lost_key().unwrap(), 1);
    outbox.accepting().unwrap();
    let entry = outbox.list().unwrap().remove(0);
    assert_eq!(entry.state, State::Damaged);
    assert!(entry.last_error.unwrap().contains("device key"));
    outbox.enqueue(&package(SECOND, "R-2")).unwrap();
    assert!(outbox.load(SECOND).is_ok());
}

#[test]
fn delivered_rows_are_forgotten_after_the_record_period() {
    let dir = tempfile::tempdir().unwrap();
    let mut outbox = Outbox::open_with(
        dir.path(),
        Retention {
            record_days: 30,
            ..Default::default()
        },
    )
    .unwrap();
    outbox.enqueue(&package(ID, "R-1")).unwrap();
    outbox.enqueue(&package(SECOND, "R-2")).unwrap();
    outbox
        .mark_delivered(ID, "2026-11-28T10:16:00+08:00")
        .unwrap();
    let now = chrono::Utc::now().timestamp();
    outbox.purge(now + 29 * 86_400).unwrap();
    assert_eq!(outbox.list().unwrap().len(), 2, "kept for 30 days");
    outbox.purge(now + 31 * 86_400).unwrap();
    let left = outbox.list().unwrap();
    assert_eq!(
        left.len(),
        1,
        "the delivered row is gone, the waiting one stays"
    );
    assert_eq!(left[0].package_id, SECOND);
}

#[test]
fn a_grace_period_keeps_delivered_files_until_it_ends_even_across_a_restart() {
    let dir = tempfile::tempdir().unwrap();
    let retention = Retention {
        grace: std::time::Duration::from_secs(3600),
        ..Default::default()
    };
    let mut outbox = Outbox::open_with(dir.path(), retention).unwrap();
    outbox.enqueue(&package(ID, "R-1")).unwrap();
    outbox
        .mark_delivered(ID, "2026-11-28T10:16:00+08:00")
        .unwrap();
    let folder = dir.path().join("spool").join(ID);
    assert!(folder.exists(), "kept during the grace period");
    let now = chrono::Utc::now().timestamp();
    assert_eq!(outbox.purge(now + 60).unwrap(), 0);
    assert_eq!(outbox.purge(now + 3601).unwrap(), 1);
    assert!(!folder.exists(), "deleted once it ends");
    assert_eq!(outbox.pending().unwrap().0, 0);

    // A restart with the same grace keeps them (review finding: the open purged with no grace before the
    // configured one was set); without a grace period, a restart clears files a crash left behind.
    outbox.enqueue(&package(SECOND, "R-2")).unwrap();
    outbox
        .mark_delivered(SECOND, "2026-11-28T10:16:00+08:00")
        .unwrap();
    drop(outbox);
    drop(Outbox::open_with(dir.path(), retention).unwrap());
    assert!(
        dir.path().join("spool").join(SECOND).exists(),
        "kept across the restart"
    );
    Outbox::open(dir.path()).unwrap();
    assert!(!dir.path().join("spool").join(SECOND).exists());
}

#[test]
fn an_outbox_with_room_accepts_applications() {
    let dir = tempfile::tempdir().unwrap();
    let outbox = Outbox::open(dir.path()).unwrap();
    outbox.accepting().unwrap();
    assert!(!dir.path().join("spool").join(".tmp-probe").exists());
}

/// Review finding: a power cut during `accepting()` left `spool/.tmp-probe` as a file, and every later start failed
/// with "Not a directory" while clearing it.
#[test]
fn a_probe_left_by_a_power_cut_does_not_stop_the_outbox_opening() {
    let dir = tempfile::tempdir().unwrap();
    drop(Outbox::open(dir.path()).unwrap());
    let spool = dir.path().join("spool");
    std::fs::write(spool.join(".tmp-probe"), b"pro").unwrap();
    std::fs::write(spool.join("stray-file"), b"?").unwrap();
    let outbox = Outbox::open(dir.path()).expect("the outbox opens");
    assert_eq!(std::fs::read_dir(&spool).unwrap().count(), 0);
    outbox.accepting().unwrap();
}

/// Review finding: the key was written in place, so a power cut between creating the file and writing it left an
/// empty key, and every later start failed.
#[test]
fn an_empty_key_left_by_a_power_cut_with_nothing_waiting_is_made_again() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let key = dir.path().join("device.key");
    // Left as a plain file, readable by others: the new key must not take that mode over.
    std::fs::write(&key, b"").unwrap();
    std::fs::set_permissions(&key, std::fs::Permissions::from_mode(0o644)).unwrap();
    let mut outbox = Outbox::open(dir.path()).expect("the outbox opens");
    assert_eq!(std::fs::read(&key).unwrap().len(), 32);
    assert_eq!(
        std::fs::metadata(&key).unwrap().permissions().mode() & 0o777,
        0o600
    );
    assert!(outbox.key_problem().is_none());
    outbox.enqueue(&package(ID, "R-1")).unwrap();
    assert!(outbox.load(ID).is_ok());
}

/// Review finding: a key that went missing while packages waited was silently replaced by a new one, which can
/// never open them; a restored key could then no longer be put back.
#[test]
fn a_lost_key_with_packages_waiting_is_not_silently_replaced() {
    let dir = tempfile::tempdir().unwrap();
    let mut outbox = Outbox::open(dir.path()).unwrap();
    outbox.enqueue(&package(ID, "R-1")).unwrap();
    drop(outbox);
    let key = dir.path().join("device.key");
    let saved = std::fs::read(&key).unwrap();
    std::fs::remove_file(&key).unwrap();
    let opened = Outbox::open(dir.path()).expect("the outbox still opens");
    assert!(opened.key_problem().is_some(), "an alarm for technicians");
    drop(opened);
    assert!(
        !key.exists(),
        "no new key was made over the waiting packages"
    );
    std::fs::write(&key, &saved).unwrap();
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&key, std::fs::Permissions::from_mode(0o600)).unwrap();
    let outbox = Outbox::open(dir.path()).unwrap();
    assert!(outbox.load(ID).is_ok(), "the restored key opens them again");
}

/// Review finding: `sudo kiosk outbox …` on a fresh terminal made the lock, the key and the database root's,
/// and the kiosk's user could then not open its own outbox. Root is refused in a folder that is not root's.
#[test]
fn root_is_refused_in_a_data_folder_that_is_not_its_own() {
    if unsafe { libc::geteuid() } != 0 {
        eprintln!("skipped: needs root (CI runs as root)");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    std::os::unix::fs::chown(dir.path(), Some(4321), Some(4321)).unwrap();
    match Outbox::open(dir.path()) {
        Err(OutboxError::ForeignOwner(_, 4321)) => {}
        Err(e) => panic!("{e}"),
        Ok(_) => panic!("root opened the kiosk user's outbox"),
    }
    assert_eq!(
        std::fs::read_dir(dir.path()).unwrap().count(),
        0,
        "nothing left behind"
    );
}
