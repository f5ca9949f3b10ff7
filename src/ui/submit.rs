//! 提交申请: the session becomes a package in the outbox (off the UI thread), and only once it is stored whole is
//! the receipt number shown and printed. Then everything personal of the visit is wiped.

use std::time::Instant;

use super::done_adapter::DoneInfo;
use super::UiState;
use crate::package::{self, CheckCode, Stamp};
use crate::receipts::AcceptanceReceipt;
use crate::services::uplink::worker::lock;
use crate::session::Session;

pub fn submit(state: &mut UiState) {
    if state.saving {
        return;
    }
    let Some(intake) = &state.intake else {
        state.step_error = "本机暂时不能保存申请，请到综合受理窗口办理。".into();
        return;
    };
    if let Some(why) = intake.refusal() {
        tracing::warn!(reason = %why, "submit refused: intake is paused");
        state.step_error =
            "本机正在维护，暂时不能保存申请。请到综合受理窗口办理，或稍后再试。".into();
        return;
    }
    // The check runs on a copy: if anything is missing, the applicant is sent to it and the original is untouched.
    let mut copy: Session = state.session.clone();
    if copy.submit().is_err() {
        state.session = copy;
        state.step_error = "还有未完成的内容，请补充后再提交。".into();
        return;
    }
    // The pinyin engine is not needed past this page; its memory goes before the package build needs memory.
    state.ime = None;
    crate::memory::release_memory();
    let outbox = intake.outbox.clone();
    let kiosk_id = state.kiosk_id.clone();
    let center = state.center_name.clone();
    let Some(tasks) = &state.tasks else { return };
    state.saving = true;
    state.step_error.clear();
    tasks.spawn_thread(
        move || -> Result<AcceptanceReceipt, String> {
            let now = chrono::Local::now();
            let receipt_no = lock(&outbox)
                .next_receipt_no(&kiosk_id, &now.format("%Y%m%d").to_string())
                .map_err(|e| e.to_string())?;
            let package_id = uuid::Uuid::new_v4().to_string();
            let created_at = now.to_rfc3339_opts(chrono::SecondsFormat::Secs, false);
            // Drawn here, printed on the receipt, sent only as its hash: what proves the receipt is yours.
            let check_code = CheckCode::generate().map_err(|e| e.to_string())?;
            let package = package::build(
                &copy,
                &Stamp {
                    kiosk_id: &kiosk_id,
                    package_id: &package_id,
                    receipt_no: &receipt_no,
                    created_at: &created_at,
                    test: false,
                    check_code: &check_code,
                },
            )
            .map_err(|e| e.to_string())?;
            lock(&outbox).enqueue(&package).map_err(|e| e.to_string())?;
            Ok(AcceptanceReceipt::of(
                &copy,
                &center,
                &kiosk_id,
                &receipt_no,
                &check_code,
                now.naive_local(),
            ))
        },
        |s, result| {
            s.saving = false;
            match result {
                Ok(receipt) => {
                    tracing::info!(receipt_no = %receipt.receipt_no, "application stored");
                    if let Some(uplink) = s.intake.as_ref().and_then(|i| i.uplink.as_ref()) {
                        uplink.queued();
                    }
                    super::shell_adapter::end_visit(s);
                    let card_on_reader = s.devices.card_on_reader;
                    let mut done = DoneInfo::new(receipt, Instant::now(), card_on_reader);
                    super::print::receipt(s, &mut done);
                    s.done = Some(done);
                }
                Err(e) => {
                    tracing::error!(error = %e, "application not stored");
                    s.step_error = format!(
                        "申请没有保存成功（{e}）。您填写的内容仍在，请再按一次“提交申请”，或到窗口办理。"
                    );
                }
            }
        },
    );
}
