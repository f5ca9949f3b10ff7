//! 提交申请: the session becomes a package in the outbox (off the UI thread), and only once it is stored whole is
//! the receipt number shown and printed. Then everything personal of the visit is wiped.

use std::time::Instant;

use super::done::DoneInfo;
use super::failure::StoreFailure;
use super::{words, App};
use crate::package::{self, CheckCode, Stamp};
use crate::receipts::AcceptanceReceipt;
use crate::services::uplink::worker::lock;
use crate::services::uplink::SharedOutbox;
use crate::session::Session;

impl App {
    /// 提交申请 on the check-answers page.
    pub fn submit(&mut self) {
        if self.saving {
            return;
        }
        let Some(intake) = &self.intake else {
            self.step_error = "本机暂时不能保存申请，请到综合受理窗口办理。".into();
            return;
        };
        // The check runs on a copy: if anything is missing, the applicant is sent to it and the original is
        // untouched.
        let mut copy: Session = self.session.clone();
        if copy.submit().is_err() {
            self.session = copy;
            self.step_error = "还有未完成的内容，请补充后再提交。".into();
            return;
        }
        // The pinyin engine is not needed past this page; its memory goes before the package build needs memory.
        self.ime = None;
        crate::memory::release_memory();
        let outbox = intake.outbox.clone();
        // Whether the outbox can keep it (its disk, its key) is asked on the same thread as the store.
        let paused = intake.refusal_check();
        let kiosk_id = self.kiosk_id.clone();
        let center = self.center_name.clone();
        self.saving = true;
        self.step_error.clear();
        self.tasks.spawn_thread(
            move || match paused() {
                Some(why) => Err(StoreFailure::Paused(why)),
                None => store(&copy, &outbox, &kiosk_id, &center, chrono::Local::now()),
            },
            |app, result| app.stored(result),
        );
    }

    /// The package is in the outbox (or not): the visit ends and the receipt prints, or the applicant may try
    /// again with everything still there.
    fn stored(&mut self, result: Result<AcceptanceReceipt, StoreFailure>) {
        self.saving = false;
        match result {
            Ok(receipt) => {
                tracing::info!(receipt_no = %receipt.receipt_no, "application stored");
                if let Some(uplink) = self.intake.as_ref().and_then(|i| i.uplink.as_ref()) {
                    uplink.queued();
                }
                self.end_visit();
                let mut done = DoneInfo::new(receipt, Instant::now(), self.devices.card_on_reader);
                self.print_receipt(&mut done);
                self.done = Some(done);
            }
            Err(StoreFailure::Paused(why)) => {
                tracing::warn!(reason = %why, "submit refused: intake is paused");
                self.step_error =
                    "本机正在维护，暂时不能保存申请。请到综合受理窗口办理，或稍后再试。".into();
            }
            Err(e) => {
                tracing::error!(error = %e, "application not stored");
                self.step_error = format!(
                    "申请没有保存成功（{}）。您填写的内容仍在，请再按一次“提交申请”，或到窗口办理。",
                    words::store_failure(&e)
                );
            }
        }
    }
}

/// Stores a submitted `session` in `outbox`: its receipt number (the next of the day), a fresh check code, the
/// package built and enqueued whole. The receipt comes back only once the package is stored.
pub fn store(
    session: &Session,
    outbox: &SharedOutbox,
    kiosk_id: &str,
    center: &str,
    now: chrono::DateTime<chrono::Local>,
) -> Result<AcceptanceReceipt, StoreFailure> {
    let receipt_no = lock(outbox).next_receipt_no(kiosk_id, &now.format("%Y%m%d").to_string())?;
    let package_id = uuid::Uuid::new_v4().to_string();
    let created_at = now.to_rfc3339_opts(chrono::SecondsFormat::Secs, false);
    // Drawn here, printed on the receipt, sent only as its hash: what proves the receipt is yours.
    let check_code = CheckCode::generate()?;
    let package = package::build(
        session,
        &Stamp {
            kiosk_id,
            package_id: &package_id,
            receipt_no: &receipt_no,
            created_at: &created_at,
            test: false,
            check_code: &check_code,
        },
    )?;
    lock(outbox).enqueue(&package)?;
    Ok(AcceptanceReceipt::of(
        session,
        center,
        kiosk_id,
        &receipt_no,
        &check_code,
        now.naive_local(),
    ))
}

#[cfg(test)]
mod tests {
    use std::sync::{Arc, Mutex};

    use super::*;
    use crate::outbox::Outbox;

    fn submitted() -> Session {
        let catalog = Arc::new(crate::session::test_support::catalog());
        let no = package::synthetic::default_one_thing(&catalog).expect("a one-thing");
        let mut camera = drivers::camera::SimCamera::new(640, 480);
        package::synthetic::submitted_session_with(catalog, no, 1, &mut || {
            use drivers::camera::DocumentCamera;
            camera.capture().map_err(|e| e.to_string())
        })
        .expect("a submitted session")
    }

    /// The receipt comes back only with the package in the outbox, numbered in the day's order.
    #[test]
    fn a_stored_application_is_in_the_outbox_under_its_receipt_number() {
        let dir = tempfile::tempdir().expect("temp dir");
        let outbox: SharedOutbox = Arc::new(Mutex::new(Outbox::open(dir.path()).expect("outbox")));
        let session = submitted();
        let now = chrono::Local::now();
        let first = store(&session, &outbox, "XX-KIOSK-01", "测试中心", now).expect("stored");
        let second = store(&session, &outbox, "XX-KIOSK-01", "测试中心", now).expect("stored");
        let day = now.format("%Y%m%d").to_string();
        assert_eq!(first.receipt_no, format!("XX-KIOSK-01-{day}-0001"));
        assert_eq!(second.receipt_no, format!("XX-KIOSK-01-{day}-0002"));
        assert!(
            first.check_code.is_some(),
            "the code to print on the receipt"
        );
        let waiting: Vec<String> = lock(&outbox)
            .waiting_entries()
            .expect("entries")
            .into_iter()
            .map(|e| e.receipt_no)
            .collect();
        assert_eq!(waiting, vec![first.receipt_no, second.receipt_no]);
    }

    /// An outbox that cannot store gives no receipt: nothing is shown that was not kept.
    #[test]
    fn no_receipt_without_the_package_stored() {
        let dir = tempfile::tempdir().expect("temp dir");
        let outbox: SharedOutbox = Arc::new(Mutex::new(Outbox::open(dir.path()).expect("outbox")));
        let session = Session::new(
            Arc::new(crate::session::test_support::catalog()),
            Default::default(),
            Instant::now(),
        );
        // A session that was never submitted cannot become a package.
        let refused = store(
            &session,
            &outbox,
            "XX-KIOSK-01",
            "测试中心",
            chrono::Local::now(),
        );
        assert!(refused.is_err());
        assert!(lock(&outbox).waiting_entries().expect("entries").is_empty());
    }

    /// An outbox that cannot keep an application (its folder unwritable) refuses 提交申请 in plain words, found
    /// off the UI thread; everything the applicant entered stays for a later try.
    #[test]
    fn submit_is_refused_while_the_outbox_cannot_keep_it() {
        let dir = tempfile::tempdir().expect("temp dir");
        let outbox: SharedOutbox = Arc::new(Mutex::new(Outbox::open(dir.path()).expect("outbox")));
        let mut app = crate::app::test_support::app();
        app.attach_intake(outbox.clone(), None).expect("intake");
        let catalog = Arc::new(crate::session::test_support::catalog());
        let no = package::synthetic::default_one_thing(&catalog).expect("a one-thing");
        let mut camera = drivers::camera::SimCamera::new(320, 240);
        app.session = package::synthetic::session_at_check_answers(catalog, no, 1, &mut || {
            use drivers::camera::DocumentCamera;
            camera.capture().map_err(|e| e.to_string())
        })
        .expect("a complete application");
        // The spool becomes a file: nothing can be written into it.
        let spool = dir.path().join("spool");
        std::fs::remove_dir_all(&spool).expect("spool removed");
        std::fs::write(&spool, b"").expect("a file in its place");
        app.submit();
        assert!(app.saving, "asked off the UI thread");
        crate::app::test_support::until(&mut app, "the answer", |a| !a.saving);
        assert!(
            app.step_error.contains("本机正在维护"),
            "{}",
            app.step_error
        );
        assert!(app.done.is_none());
        assert_eq!(app.session.step(), crate::session::Step::CheckAnswers);
        assert!(app.session.holds_personal_data(), "nothing entered is lost");
        assert!(lock(&outbox).list().expect("list").is_empty());
    }
}
