//! 一次告知单: everything the chosen set of items needs, merged, so someone missing a paper can go and fetch it.
//! Printable from the notice step and from the guide browser, so it holds nothing about the applicant.

use chrono::NaiveDateTime;

use super::acceptance::ItemLine;
use super::{Receipt, HOTLINE};
use crate::session::{MergedMaterial, Session};

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NoticeSlip {
    pub center: String,
    pub one_thing: String,
    pub items: Vec<(ItemLine, String)>,
    pub materials: Vec<MergedMaterial>,
    pub printed: NaiveDateTime,
}

impl NoticeSlip {
    /// The notice of the session's one-thing and chosen items; `None` before a one-thing is chosen.
    pub fn of(session: &Session, center: &str, printed: NaiveDateTime) -> Option<NoticeSlip> {
        let thing = session.one_thing()?;
        Some(NoticeSlip {
            center: center.into(),
            one_thing: thing.name.clone(),
            items: session
                .chosen()
                .iter()
                .map(|c| {
                    (
                        ItemLine {
                            name: c.item.name.clone(),
                            department: c.department.to_string(),
                            time_limit: c.item.time_limit_text(),
                        },
                        c.item.fee.clone(),
                    )
                })
                .collect(),
            materials: session.materials(),
            printed,
        })
    }

    /// A short form for a QR code on the screen when the printer cannot print.
    pub fn screen_text(&self) -> String {
        let head = vec![
            format!("一次告知单：{}", self.one_thing),
            "需要准备：".to_string(),
        ];
        let body: Vec<String> = self
            .materials
            .iter()
            .filter(|m| !m.is_exempt())
            .enumerate()
            .map(|(n, m)| {
                let deferrable = m
                    .defer_days()
                    .map(|d| format!("，可容缺{d}个工作日"))
                    .unwrap_or_default();
                format!(
                    "{}. {}（{}{}份{deferrable}）",
                    n + 1,
                    m.name,
                    m.form.label(),
                    m.copies
                )
            })
            .collect();
        super::fit_for_qr(&head, &body, &[HOTLINE.to_string()])
    }

    pub fn document(&self) -> Receipt {
        let mut r = Receipt::default();
        r.title("一次告知单").centered(&self.center);
        r.field("事项", &self.one_thing)
            .field(
                "打印时间",
                self.printed.format("%Y-%m-%d %H:%M").to_string(),
            )
            .rule();
        r.heading(&format!("办理的事项（{}项）", self.items.len()));
        for (item, fee) in &self.items {
            let fee = if fee.is_empty() { "不收费" } else { fee };
            r.text(format!(
                "· {}（{}）时限：{}；收费：{fee}",
                item.name, item.department, item.time_limit
            ));
        }
        let to_bring = self.materials.iter().filter(|m| !m.is_exempt()).count();
        r.rule()
            .heading(&format!("需要准备的材料（{to_bring}项，每项只交一次）"));
        let mut n = 0;
        for m in self.materials.iter().filter(|m| !m.is_exempt()) {
            n += 1;
            let mut line = format!("{n}. □ {}（{}{}份）", m.name, m.form.label(), m.copies);
            if let Some(days) = m.defer_days() {
                line.push_str(&format!("；可容缺，{days}个工作日内补交"));
            }
            r.text(line);
        }
        let exempt: Vec<&MergedMaterial> =
            self.materials.iter().filter(|m| m.is_exempt()).collect();
        if !exempt.is_empty() {
            r.rule().heading("无需提交（已由部门共享或电子证照核验）");
            for m in exempt {
                if let Some(reason) = m.exempt_reason() {
                    r.text(format!("－ {}：{reason}", m.name));
                }
            }
        }
        r.rule()
            .text("材料备齐后，可在本机“我要办事”自助申报，或到综合受理窗口办理。")
            .text(HOTLINE);
        r
    }
}
