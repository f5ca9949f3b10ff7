//! The rows and models more than one view shows: a list as a Slint model, a joint item, a line of the one-time
//! notice.

use std::rc::Rc;

use slint::{ModelRc, SharedString, VecModel};

use super::generated::{GuideItem, MaterialLine, MaterialStatus, PrintNote};
use crate::session::{ChosenItem, MergedMaterial, Treatment};

pub fn model<T: Clone + 'static>(items: Vec<T>) -> ModelRc<T> {
    ModelRc::from(Rc::new(VecModel::from(items)))
}

/// Texts as a model of strings.
pub fn strings<S: AsRef<str>>(texts: impl IntoIterator<Item = S>) -> ModelRc<SharedString> {
    model(
        texts
            .into_iter()
            .map(|t| SharedString::from(t.as_ref()))
            .collect(),
    )
}

/// One joint item with its time limit, fee and result.
pub fn item_row(c: &ChosenItem) -> GuideItem {
    GuideItem {
        name: c.item.name.as_str().into(),
        department: c.department.into(),
        time_limit: c.item.time_limit_text().into(),
        fee: c.item.fee.as_str().into(),
        result: c.item.result.as_str().into(),
        commitment: c.item.commitment,
        query: c.item.kind == crate::catalog::ItemKind::Query,
    }
}

/// One line of the one-time notice, with its status in words.
pub fn material_row(m: &MergedMaterial) -> MaterialLine {
    let (status, status_text, note) = match &m.treatment {
        Treatment::Exempt { reason } | Treatment::Licence { reason, .. } => (
            MaterialStatus::Exempt,
            "无需提交".to_string(),
            reason.clone(),
        ),
        Treatment::Capture {
            defer_days: Some(days),
        } => (
            MaterialStatus::Deferrable,
            "可容缺".to_string(),
            format!("暂缺可先办理，{days}个工作日内补交"),
        ),
        Treatment::Capture { defer_days: None } => {
            (MaterialStatus::Submit, "需提交".to_string(), String::new())
        }
    };
    // Why a material the platform could have proved is asked for after all.
    let note = match &m.note {
        Some(why) if note.is_empty() => why.clone(),
        Some(why) => format!("{why}；{note}"),
        None => note,
    };
    let mut detail = format!("{} {}份 · {}", m.form.label(), m.copies, m.source);
    if !note.is_empty() {
        detail = format!("{detail} · {note}");
    }
    MaterialLine {
        name: m.name.as_str().into(),
        detail: detail.into(),
        status,
        status_text: status_text.into(),
        for_items: m.for_items.join("、").into(),
    }
}

/// What happened to the last print, with the slip as a QR code when it did not print.
pub fn print_note(app: &crate::app::App, qr: &mut super::qr::QrCache) -> PrintNote {
    PrintNote {
        note: app.print_note.as_str().into(),
        show_qr: app.print_qr.is_some(),
        qr: qr.image(app.print_qr.as_deref()),
    }
}
