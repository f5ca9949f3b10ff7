//! 进度查询/领取: what the back office says about an application, in plain words, and which items can be picked
//! up where. The screens and the pickup slip are built on this; it knows no Slint and does no I/O.

pub mod limiter;

use crate::backoffice::wire::{Application, ItemStatus};
use crate::package::check_code::{self, CheckCode};

pub use limiter::LookupLimiter;

/// Finds a receipt number (`{kiosk_id}-{YYYYMMDD}-{NNNN}`) in what was scanned or typed: the receipt's own QR
/// holds only the number, the on-screen receipt QR and the pickup slip's QR hold it among other text.
pub fn receipt_no_in(text: &str) -> Option<String> {
    text.split(|c: char| !(c.is_ascii_alphanumeric() || c == '-'))
        .filter_map(|token| {
            let token = token.trim_matches('-');
            let mut parts = token.rsplitn(3, '-');
            let (seq, date, kiosk) = (parts.next()?, parts.next()?, parts.next()?);
            let digits = |s: &str, n: usize| s.len() == n && s.bytes().all(|b| b.is_ascii_digit());
            (digits(seq, 4) && digits(date, 8) && !kiosk.is_empty())
                .then(|| token.to_ascii_uppercase())
        })
        .next()
}

/// A receipt number and, when it follows the number, the check code printed beside it (the receipt's QR code
/// holds `{receipt_no} {check_code}`; the receipt shown on screen as a QR code holds the pair on a line of its
/// own). A pickup slip's QR code, or an old receipt's, gives a number without a code.
pub fn receipt_query_in(text: &str) -> Option<(String, Option<CheckCode>)> {
    let tokens: Vec<&str> = text
        .split(|c: char| !(c.is_ascii_alphanumeric() || c == '-'))
        .filter(|t| !t.is_empty())
        .collect();
    tokens.iter().enumerate().find_map(|(i, token)| {
        let no = receipt_no_in(token)?;
        let code = tokens
            .get(i + 1)
            .map(|t| t.to_ascii_uppercase())
            .filter(|t| check_code::is_check_code(t))
            .and_then(|t| CheckCode::parse(&t));
        Some((no, code))
    })
}

/// One item's state as the applicant reads it.
pub fn status_words(item: &ItemStatus) -> String {
    let window = window_words(item.window.as_deref().unwrap_or(""));
    match item.status.as_str() {
        "received" => "已收到，等待窗口预审".into(),
        "accepted" => "已受理，部门正在办理".into(),
        "rejected" => match item.note.as_deref() {
            Some(note) if !note.trim().is_empty() => format!("未通过预审：{note}"),
            _ => "未通过预审，请到综合受理窗口了解需要补充的材料".into(),
        },
        "in_review" => "部门正在审核".into(),
        "approved" => "已办结，正在准备证照".into(),
        "ready_for_pickup" => format!("已可领取：请到{window}"),
        "delivered" => "已领取或已寄出".into(),
        other => format!("正在办理（{other}）"),
    }
}

/// Whether the item's state needs the applicant to do something.
pub fn needs_action(item: &ItemStatus) -> bool {
    matches!(item.status.as_str(), "rejected" | "ready_for_pickup")
}

/// Items ready at one window under one pickup code.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ReadyGroup {
    pub receipt_no: String,
    pub window: String,
    pub pickup_code: String,
    /// (item, department)
    pub items: Vec<(String, String)>,
}

/// The items that are `ready_for_pickup`, grouped by window and code, in the order they come.
pub fn ready_groups(applications: &[Application]) -> Vec<ReadyGroup> {
    let mut groups: Vec<ReadyGroup> = Vec::new();
    for app in applications {
        for item in app.items.iter().filter(|i| i.status == "ready_for_pickup") {
            let window = item.window.clone().unwrap_or_default();
            let code = item.pickup_code.clone().unwrap_or_default();
            let entry = (item.name.clone(), item.department.clone());
            match groups.iter_mut().find(|g| {
                g.receipt_no == app.receipt_no && g.window == window && g.pickup_code == code
            }) {
                Some(group) => group.items.push(entry),
                None => groups.push(ReadyGroup {
                    receipt_no: app.receipt_no.clone(),
                    window,
                    pickup_code: code,
                    items: vec![entry],
                }),
            }
        }
    }
    groups
}

/// A window as printed: "3" becomes "3号窗口", a name stays as it is.
pub fn window_words(window: &str) -> String {
    if window.is_empty() {
        "综合受理窗口".into()
    } else if window.bytes().all(|b| b.is_ascii_digit()) {
        format!("{window}号窗口")
    } else {
        window.into()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn item(status: &str, window: Option<&str>, code: Option<&str>) -> ItemStatus {
        ItemStatus {
            code: "x".into(),
            name: format!("事项{status}"),
            department: "县市场监管局".into(),
            status: status.into(),
            note: None,
            window: window.map(Into::into),
            pickup_code: code.map(Into::into),
        }
    }

    #[test]
    fn receipt_numbers_are_found_in_what_is_scanned() {
        let no = "XX-KIOSK-01-20261128-0007";
        assert_eq!(receipt_no_in(no).as_deref(), Some(no));
        assert_eq!(
            receipt_no_in(" xx-kiosk-01-20261128-0007\r").as_deref(),
            Some(no)
        );
        assert_eq!(
            receipt_no_in("收件回执\n受理编号：XX-KIOSK-01-20261128-0007\n…").as_deref(),
            Some(no)
        );
        assert_eq!(
            receipt_no_in("XX-KIOSK-01-20261128-0007#123456").as_deref(),
            Some(no)
        );
        for not_one in [
            "",
            "20261128-0007",
            "XX-2026112-0007",
            "XX-20261128-007",
            "https://example.org",
        ] {
            assert_eq!(receipt_no_in(not_one), None, "{not_one}");
        }
    }

    #[test]
    fn a_receipt_query_is_the_number_and_the_code_beside_it() {
        let no = "XX-KIOSK-01-20261128-0007";
        let (found, code) = receipt_query_in("XX-KIOSK-01-20261128-0007 K7M2PQRS").unwrap();
        assert_eq!(found, no);
        assert_eq!(code.unwrap().as_str(), "K7M2PQRS");
        // The receipt shown on screen, saved on a phone and scanned back.
        let screen = "收件回执 受理编号：XX-KIOSK-01-20261128-0007\n查询码：K7M2PQRS\n查询：XX-KIOSK-01-20261128-0007 K7M2PQRS";
        assert_eq!(
            receipt_query_in(screen).unwrap().1.unwrap().as_str(),
            "K7M2PQRS"
        );
        // A pickup slip's QR code, or a number alone: no code.
        assert!(receipt_query_in("XX-KIOSK-01-20261128-0007#123456")
            .unwrap()
            .1
            .is_none());
        assert!(receipt_query_in(no).unwrap().1.is_none());
        assert!(receipt_query_in("XX-KIOSK-01-20261128-0007 K0M2PQRS")
            .unwrap()
            .1
            .is_none());
        assert!(receipt_query_in("no receipt here").is_none());
    }

    #[test]
    fn states_in_plain_words() {
        let mut rejected = item("rejected", None, None);
        rejected.note = Some("营业执照复印件不清晰，请带原件".into());
        assert_eq!(
            status_words(&rejected),
            "未通过预审：营业执照复印件不清晰，请带原件"
        );
        assert_eq!(
            status_words(&item("ready_for_pickup", Some("3"), Some("123456"))),
            "已可领取：请到3号窗口"
        );
        assert_eq!(
            status_words(&item("unheard_of", None, None)),
            "正在办理（unheard_of）"
        );
        assert_eq!(
            status_words(&item("ready_for_pickup", Some("综合出件窗口"), Some("1"))),
            "已可领取：请到综合出件窗口"
        );
        assert_eq!(
            status_words(&item("ready_for_pickup", None, None)),
            "已可领取：请到综合受理窗口"
        );
        assert!(needs_action(&rejected));
        assert!(!needs_action(&item("in_review", None, None)));
    }

    #[test]
    fn ready_items_group_by_window_and_code() {
        let app = Application {
            receipt_no: "XX-KIOSK-01-20261128-0007".into(),
            package_id: "p".into(),
            status: "in_progress".into(),
            updated_at: "2026-11-28T10:00:00+08:00".into(),
            items: vec![
                item("ready_for_pickup", Some("3"), Some("111111")),
                item("in_review", None, None),
                item("ready_for_pickup", Some("3"), Some("111111")),
                item("ready_for_pickup", Some("5"), Some("222222")),
            ],
        };
        let groups = ready_groups(&[app]);
        assert_eq!(groups.len(), 2);
        assert_eq!(groups[0].items.len(), 2);
        assert_eq!(
            (groups[1].window.as_str(), groups[1].pickup_code.as_str()),
            ("5", "222222")
        );
        assert_eq!(window_words("5"), "5号窗口");
        assert_eq!(window_words("综合出件窗口"), "综合出件窗口");
    }
}
