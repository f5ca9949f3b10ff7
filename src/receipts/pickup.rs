//! 取件凭证: the pickup code as text and QR, the window, the items ready and what to bring. It may be printed by a
//! member of staff for someone else (from the receipt number), so it holds no personal data at all.

use chrono::NaiveDateTime;

use super::{Block, Receipt, HOTLINE};
use crate::progress::{window_words, ReadyGroup};

/// What to bring to the window.
pub const WHAT_TO_BRING: &str =
    "请带上：申请人身份证原件和本凭证。他人代领的，另带申请人签名的委托书和代领人身份证原件。";

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PickupSlip {
    pub center: String,
    pub kiosk_id: String,
    pub printed: NaiveDateTime,
    pub groups: Vec<ReadyGroup>,
    /// Items of the same applications not ready yet: (item, state in words).
    pub pending: Vec<(String, String)>,
    /// The member of staff who printed it for someone else, by name.
    pub printed_by_staff: Option<String>,
}

impl PickupSlip {
    /// The QR content for a group: the receipt number and the code, which a window's scanner reads in one go.
    pub fn qr_data(group: &ReadyGroup) -> String {
        format!("{}#{}", group.receipt_no, group.pickup_code)
    }

    /// A short form for a QR code on the screen when the printer cannot print.
    pub fn screen_text(&self) -> String {
        let mut body = Vec::new();
        for g in &self.groups {
            let code = if g.pickup_code.is_empty() {
                "凭身份证领取".to_string()
            } else {
                format!("取件码：{}", g.pickup_code)
            };
            body.push(format!(
                "受理编号：{} {code} 领取地点：{}",
                g.receipt_no,
                window_words(&g.window)
            ));
            body.push(format!(
                "可以领取：{}",
                g.items
                    .iter()
                    .map(|(i, _)| i.as_str())
                    .collect::<Vec<_>>()
                    .join("、")
            ));
        }
        let mut head = vec!["取件凭证".to_string()];
        if let Some(name) = &self.printed_by_staff {
            head.push(format!("代为打印：工作人员 {name}"));
        }
        super::fit_for_qr(&head, &body, &[WHAT_TO_BRING.to_string()])
    }

    pub fn document(&self) -> Receipt {
        let mut r = Receipt::default();
        r.title("取件凭证").centered(&self.center);
        r.field(
            "打印时间",
            self.printed.format("%Y-%m-%d %H:%M").to_string(),
        )
        .field("打印终端", &self.kiosk_id);
        if let Some(name) = &self.printed_by_staff {
            r.field("代为打印", format!("工作人员 {name}"));
        }
        for group in &self.groups {
            r.rule()
                .field("受理编号", &group.receipt_no)
                .field("领取地点", window_words(&group.window));
            if group.pickup_code.is_empty() {
                // The back office gave no code: the window goes by the applicant's ID card.
                r.centered("凭申请人身份证领取");
            } else {
                r.centered("取件码");
                r.push(Block::Code(group.pickup_code.clone()));
                r.push(Block::Qr(Self::qr_data(group)));
            }
            r.heading(&format!("可以领取（{}项）", group.items.len()));
            for (item, department) in &group.items {
                r.text(format!("■ {item}（{department}）"));
            }
        }
        if !self.pending.is_empty() {
            r.rule().heading("还在办理");
            for (item, words) in &self.pending {
                r.text(format!("· {item}：{words}"));
            }
        }
        r.rule().text(WHAT_TO_BRING).text(HOTLINE);
        r
    }
}
