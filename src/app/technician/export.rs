//! 导出到U盘: the waiting packages sealed to the back office's key, onto the first removable disk mounted. All of
//! it (finding the stick, reading the outbox, writing the export) runs on a thread of its own: a large export
//! must not stop the UI loop, which the watchdog watches. Its progress shows on screen; the outbox is locked only
//! while each package is read.

use std::path::PathBuf;

use super::TechnicianState;
use crate::app::failure::ExportFailure;
use crate::app::{words, App};
use crate::outbox::transfer::{self, Exported, Recipient};
use crate::services::uplink::worker::lock;

pub(super) fn export_outbox(app: &mut App, t: &mut TechnicianState) {
    if app.exporting {
        t.save_note = "正在导出，请等这一次完成".into();
        return;
    }
    let Some(intake) = &app.intake else { return };
    let recipient = match app
        .technician_settings
        .export_recipient
        .as_deref()
        .map(str::parse::<Recipient>)
    {
        Some(Ok(recipient)) => recipient,
        Some(Err(e)) => {
            t.save_note = format!("不能导出：{}", words::transfer_error_detailed(&e));
            return;
        }
        None => {
            t.save_note =
                "不能导出：配置中没有导出公钥（[export] recipient），请向受理系统管理员索取".into();
            return;
        }
    };
    let mounts = app.technician_settings.removable_mounts.clone();
    let outbox = intake.outbox.clone();
    let kiosk_id = app.kiosk_id.clone();
    let poster = app.tasks.poster();
    app.exporting = true;
    t.save_note = "正在导出到U盘：先找U盘…".into();
    app.tasks.spawn_thread(
        move || -> Result<(Exported, PathBuf), ExportFailure> {
            let Some(stick) = (mounts.0)().into_iter().next() else {
                return Err(ExportFailure::NoStick);
            };
            let entries = lock(&outbox).waiting_entries()?;
            let dir = stick.join(format!(
                "kiosk-outbox-{kiosk_id}-{}",
                chrono::Local::now().format("%Y%m%d-%H%M%S")
            ));
            let exported = transfer::export(
                &entries,
                |id| lock(&outbox).load(id),
                &dir,
                &kiosk_id,
                &recipient,
                |done, total| {
                    poster.post(move |app| {
                        if let Some(t) = app.technician.as_mut() {
                            t.save_note = format!("正在导出到U盘：{done}/{total}");
                        }
                    })
                },
            )?;
            let mut outbox = lock(&outbox);
            for (receipt_no, why) in &exported.unreadable {
                if let Some(e) = entries.iter().find(|e| &e.receipt_no == receipt_no) {
                    let _ = outbox.mark_damaged(&e.package_id, why);
                }
            }
            Ok((exported, dir))
        },
        |app, exported| {
            let note = match exported {
                Ok((done, dir)) if done.unreadable.is_empty() => format!(
                    "已导出 {} 份待发送申请到 {}（已加密，只有受理系统能打开）",
                    done.packages,
                    dir.display()
                ),
                Ok((done, dir)) => format!(
                    "已导出 {} 份到 {}；{} 份读不出来，已标为损坏",
                    done.packages,
                    dir.display(),
                    done.unreadable.len()
                ),
                Err(e) => words::export_failure(&e),
            };
            tracing::info!(note = %note, "outbox export finished");
            app.exporting = false;
            if let Some(t) = app.technician.as_mut() {
                t.save_note = note;
            }
        },
    );
}
