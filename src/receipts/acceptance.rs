//! 收件回执: what the applicant takes home. Taken from the session before it is wiped, it holds nothing whole that
//! is personal: the name and ID number are masked, the postal address is not on it.

use chrono::NaiveDateTime;

use super::{add_working_days, Block, Receipt, HOTLINE};
use crate::package::CheckCode;
use crate::session::{DeliveryMethod, DeliveryMode, Session, Treatment};

/// A chosen joint item, as receipts and slips list it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ItemLine {
    pub name: String,
    pub department: String,
    pub time_limit: String,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DeferredLine {
    pub name: String,
    pub days: u32,
    /// The last day to bring it: `days` working days after the application.
    pub deadline: chrono::NaiveDate,
}

/// What happens after the kiosk, in the order it happens (the county plan's promises).
pub const NEXT_STEPS: [&str; 4] = [
    "1. 窗口工作人员在 2 小时内完成预审，材料不全的会一次告知需补充的内容。",
    "2. 各部门在 1 个工作日内作出是否受理的决定。",
    "3. 办理进度和领取通知以短信发到您填写的手机。",
    "4. 凭本回执上的二维码（或受理编号加查询码）或身份证，可在本机“进度查询/领取”查询进度、打印取件凭证。",
];

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AcceptanceReceipt {
    pub center: String,
    pub kiosk_id: String,
    pub receipt_no: String,
    /// The code that guards look-ups by receipt number, printed beside it. Gone (zeroed) once the receipt has
    /// printed: the kiosk keeps it nowhere after that.
    pub check_code: Option<CheckCode>,
    pub created: NaiveDateTime,
    pub masked_name: String,
    pub masked_id: String,
    pub one_thing: String,
    pub items: Vec<ItemLine>,
    /// Materials photographed here, with their page counts.
    pub captured: Vec<(String, usize)>,
    /// Materials the applicant hands in on paper at the window (the camera could not be used).
    pub at_window: Vec<String>,
    /// Materials not asked for, and why.
    pub exempt: Vec<(String, String)>,
    pub deferred: Vec<DeferredLine>,
    /// The items whose commitment letters were signed.
    pub commitments: Vec<String>,
    pub delivery: String,
}

impl AcceptanceReceipt {
    pub fn of(
        session: &Session,
        center: &str,
        kiosk_id: &str,
        receipt_no: &str,
        check_code: &CheckCode,
        created: NaiveDateTime,
    ) -> AcceptanceReceipt {
        let mut receipt = AcceptanceReceipt {
            center: center.into(),
            kiosk_id: kiosk_id.into(),
            receipt_no: receipt_no.into(),
            check_code: Some(check_code.clone()),
            created,
            masked_name: session
                .identity()
                .map(|i| i.masked_name())
                .unwrap_or_default(),
            masked_id: session
                .identity()
                .map(|i| i.masked_id_number())
                .unwrap_or_default(),
            one_thing: session
                .one_thing()
                .map(|t| t.name.clone())
                .unwrap_or_default(),
            items: session
                .chosen()
                .iter()
                .map(|c| ItemLine {
                    name: c.item.name.clone(),
                    department: c.department.to_string(),
                    time_limit: c.item.time_limit_text(),
                })
                .collect(),
            captured: Vec::new(),
            at_window: Vec::new(),
            exempt: Vec::new(),
            deferred: Vec::new(),
            commitments: session
                .commitment_items()
                .into_iter()
                .filter(|item| session.signature(item).is_some())
                .collect(),
            delivery: delivery_words(session),
        };
        for m in session.materials() {
            match &m.treatment {
                Treatment::Exempt { reason } | Treatment::Licence { reason, .. } => {
                    receipt.exempt.push((m.name.clone(), reason.clone()))
                }
                Treatment::Capture { defer_days } => {
                    if let (true, Some(days)) = (session.is_deferred(&m.key), defer_days) {
                        receipt.deferred.push(DeferredLine {
                            deadline: add_working_days(created.date(), *days),
                            name: m.name,
                            days: *days,
                        });
                    } else if session.is_at_window(&m.key) {
                        receipt.at_window.push(m.name);
                    } else {
                        let pages = session.pages(&m.key).len();
                        receipt.captured.push((m.name, pages));
                    }
                }
            }
        }
        receipt
    }

    /// The time as printed and shown.
    pub fn time_text(&self) -> String {
        self.created.format("%Y-%m-%d %H:%M").to_string()
    }

    /// What the receipt's QR code holds: `{receipt_no} {check_code}`, which the kiosk's status screen reads.
    pub fn query_text(&self) -> String {
        match &self.check_code {
            Some(code) => code.qr_text(&self.receipt_no),
            None => self.receipt_no.clone(),
        }
    }

    /// A short form of the receipt for a QR code on the screen, when the printer cannot print: what a phone
    /// needs to keep (a QR code holds under 3 KB, the printed receipt is longer).
    pub fn screen_text(&self) -> String {
        let mut head = vec![format!("收件回执 受理编号：{}", self.receipt_no)];
        if let Some(code) = &self.check_code {
            head.push(format!("查询码：{}", code.as_str()));
            // The pair the status screen reads when this text is shown from a phone to the scanner.
            head.push(format!("查询：{}", self.query_text()));
        }
        head.extend([
            format!("{} {}", self.center, self.time_text()),
            format!("事项：{}", self.one_thing),
        ]);
        let mut body = Vec::new();
        for d in &self.deferred {
            body.push(format!(
                "容缺后补：{}，{}前",
                d.name,
                d.deadline.format("%Y-%m-%d")
            ));
        }
        if !self.at_window.is_empty() {
            body.push(format!("到窗口交纸质材料：{}", self.at_window.join("、")));
        }
        for item in &self.items {
            body.push(format!("办理：{}（{}）", item.name, item.time_limit));
        }
        let tail = vec![
            "2小时内窗口预审，1个工作日内各部门作出受理决定，进度以短信告知。".to_string(),
            HOTLINE.to_string(),
        ];
        super::fit_for_qr(&head, &body, &tail)
    }

    pub fn document(&self) -> Receipt {
        let mut r = Receipt::default();
        r.title("收件回执").centered(&self.center);
        r.push(Block::Qr(self.query_text()));
        r.field("受理编号", &self.receipt_no);
        if let Some(code) = &self.check_code {
            // Large, beside the number: with it (or the QR code above) anyone holding this receipt can look the
            // application up, and without it nobody can.
            r.text("查询码（查询进度时与受理编号一起输入，请妥善保管）：");
            r.push(Block::Code(code.grouped()));
        }
        r.field("受理时间", self.time_text())
            .field("受理终端", &self.kiosk_id)
            .field("申请人", format!("{} {}", self.masked_name, self.masked_id))
            .rule()
            .field("事项", &self.one_thing);
        r.heading(&format!("办理的事项（{}项）", self.items.len()));
        for item in &self.items {
            r.text(format!(
                "· {}（{}，承诺时限{}）",
                item.name, item.department, item.time_limit
            ));
        }
        r.rule().heading("材料");
        let pages: usize = self.captured.iter().map(|(_, n)| n).sum();
        if !self.captured.is_empty() {
            r.text(format!(
                "已拍摄提交（{}份，共{}页）：",
                self.captured.len(),
                pages
            ));
            for (name, n) in &self.captured {
                r.text(format!("  ■ {name}（{n}页）"));
            }
        }
        if !self.at_window.is_empty() {
            r.text("请到窗口交纸质材料：");
            for name in &self.at_window {
                r.text(format!("  □ {name}"));
            }
        }
        if !self.deferred.is_empty() {
            r.text("容缺后补（请在期限前交到窗口）：");
            for d in &self.deferred {
                r.text(format!(
                    "  □ {}：{}个工作日内，{}前",
                    d.name,
                    d.days,
                    d.deadline.format("%Y-%m-%d")
                ));
            }
        }
        if !self.exempt.is_empty() {
            r.text("无需提交：");
            for (name, reason) in &self.exempt {
                r.text(format!("  － {name}（{reason}）"));
            }
        }
        if !self.commitments.is_empty() {
            r.rule().heading("告知承诺");
            for item in &self.commitments {
                r.text(format!("已签署：{item}告知承诺书"));
            }
        }
        r.rule().field("取件方式", &self.delivery);
        r.rule().heading("接下来");
        for step in NEXT_STEPS {
            r.text(step);
        }
        r.rule().text(HOTLINE);
        r
    }
}

fn delivery_words(session: &Session) -> String {
    let Some(delivery) = session.delivery() else {
        return "窗口领取".into();
    };
    let method = match delivery.method {
        DeliveryMethod::Window => "到窗口领取",
        DeliveryMethod::Post => "邮寄到申请时填写的地址",
    };
    let mode = match delivery.mode {
        DeliveryMode::Together => "全部办好后一次送达",
        DeliveryMode::Separately => "办好一项送达一项",
    };
    format!("{method}，{mode}")
}
