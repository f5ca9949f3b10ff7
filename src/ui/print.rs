//! What the applicant's path prints: the one-time notice now (the receipts of issue 6 join it). The printer is
//! asked its state before every print; a print that did not happen is never reported as done.

use drivers::printer::{PaperWidth, ReceiptWriter};

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
