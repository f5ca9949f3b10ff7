//! What the applicant's path prints: the one-time notice now (the receipts of issue 6 join it). The printer is
//! asked its state before every print; a print that did not happen is never reported as done.

use drivers::printer::{PaperWidth, ReceiptWriter};

use super::done_adapter::{DoneInfo, ReceiptSummary};
use super::UiState;
use crate::session::Treatment;

/// The one-time notice of the chosen set, as ESC/POS bytes.
pub fn notice_slip(state: &UiState) -> Result<Vec<u8>, String> {
    let thing = state.session.one_thing().ok_or("没有选择事项")?;
    let e = |e: drivers::printer::receipt::ReceiptError| e.to_string();
    let mut w = ReceiptWriter::new(PaperWidth::Mm80).map_err(e)?;
    w.align(drivers::printer::Align::Center).map_err(e)?;
    w.bold(true).map_err(e)?.text("一次告知单").map_err(e)?;
    w.bold(false)
        .map_err(e)?
        .text(&state.center_name)
        .map_err(e)?;
    w.align(drivers::printer::Align::Left)
        .map_err(e)?
        .rule()
        .map_err(e)?;
    w.field("事项", &thing.name).map_err(e)?;
    for item in state.session.chosen() {
        w.text(&format!("· {}（{}）", item.item.name, item.department))
            .map_err(e)?;
    }
    w.rule()
        .map_err(e)?
        .bold(true)
        .map_err(e)?
        .text("所需材料")
        .map_err(e)?;
    w.bold(false).map_err(e)?;
    for m in state.session.materials() {
        let status = match &m.treatment {
            Treatment::Exempt { .. } => "无需提交".to_string(),
            Treatment::Capture {
                defer_days: Some(days),
            } => format!("可容缺，{days}个工作日内补交"),
            Treatment::Capture { defer_days: None } => "需提交".to_string(),
        };
        w.text(&format!(
            "□ {}（{} {}份）{status}",
            m.name,
            m.form.label(),
            m.copies
        ))
        .map_err(e)?;
    }
    w.rule().map_err(e)?;
    w.text("咨询电话：12345 政务服务便民热线").map_err(e)?;
    w.feed(3).map_err(e)?.cut().map_err(e)?;
    w.finish().map_err(e)
}

/// 打印告知单: sends the slip to the printer and says what happened.
pub fn notice(state: &mut UiState) {
    let bytes = match notice_slip(state) {
        Ok(bytes) => bytes,
        Err(e) => {
            state.print_note = format!("告知单无法生成：{e}");
            return;
        }
    };
    let (Some(tasks), Some(service)) = (&state.tasks, &state.devices.service) else {
        state.print_note = "打印机未启用，请到窗口领取告知单。".into();
        return;
    };
    state.print_note = "正在打印…".into();
    let printing = service.printing();
    tasks.spawn(&service.handle(), printing.print(bytes), |s, result| {
        // Paper near its end still prints; the heartbeat tells technicians through the printer's health.
        s.print_note = match result {
            Ok(_) => "告知单已打印，请在出纸口取走。".into(),
            Err(e) => format!("告知单没有打印出来：{e}。请到窗口领取。"),
        };
    });
}

/// The acceptance receipt (收件回执): receipt number and QR, the items with their departments and time limits,
/// the applicant masked. (Issue 6 completes its layout.)
pub fn receipt_bytes(center: &str, kiosk_id: &str, r: &ReceiptSummary) -> Result<Vec<u8>, String> {
    let e = |e: drivers::printer::receipt::ReceiptError| e.to_string();
    let mut w = ReceiptWriter::new(PaperWidth::Mm80).map_err(e)?;
    w.align(drivers::printer::Align::Center).map_err(e)?;
    w.bold(true).map_err(e)?.text("收件回执").map_err(e)?;
    w.bold(false).map_err(e)?.text(center).map_err(e)?;
    w.qr(&r.receipt_no, 6).map_err(e)?;
    w.align(drivers::printer::Align::Left).map_err(e)?;
    w.field("受理编号", &r.receipt_no).map_err(e)?;
    w.field("终端", kiosk_id).map_err(e)?;
    w.field("时间", &r.created_at).map_err(e)?;
    w.field("申请人", &format!("{} {}", r.masked_name, r.masked_id))
        .map_err(e)?;
    w.rule()
        .map_err(e)?
        .field("事项", &r.one_thing)
        .map_err(e)?;
    for (item, department, limit) in &r.items {
        w.text(&format!("· {item}（{department}，{limit}）"))
            .map_err(e)?;
    }
    w.rule().map_err(e)?;
    w.text(super::done_adapter::NEXT_STEPS).map_err(e)?;
    w.feed(3).map_err(e)?.cut().map_err(e)?;
    w.finish().map_err(e)
}

/// Prints the receipt; the done page says whether it printed. Never claims a print that did not happen.
pub fn receipt(state: &mut UiState, done: &mut DoneInfo) {
    let bytes = match receipt_bytes(&state.center_name, &state.kiosk_id, &done.summary) {
        Ok(bytes) => bytes,
        Err(e) => {
            done.print_note = format!("回执无法生成（{e}），请用手机拍下上方二维码。");
            return;
        }
    };
    let (Some(tasks), Some(service)) = (&state.tasks, &state.devices.service) else {
        done.print_note = "本机打印机未启用，请用手机拍下上方二维码或记下受理编号。".into();
        return;
    };
    done.print_note = "正在打印回执…".into();
    tasks.spawn(
        &service.handle(),
        service.printing().print(bytes),
        |s, result| {
            if let Some(done) = s.done.as_mut() {
                done.print_note = match result {
                    Ok(_) => "回执已打印，请在出纸口取走。".into(),
                    Err(e) => {
                        format!("回执没有打印出来（{e}），请用手机拍下上方二维码或记下受理编号。")
                    }
                };
            }
        },
    );
}
