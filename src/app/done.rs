//! The confirmation page's state: the receipt, whether it printed, and when the page must go. By the time it
//! shows, the visit's personal data is gone; this holds only the receipt and masked identity.

use std::time::{Duration, Instant};

use crate::receipts::AcceptanceReceipt;

/// The page goes back to Home this long after the ID card left the reader (or after it appeared, if the card
/// was already off): the applicant has left, the next one must find Home, not someone's receipt and code.
pub const AFTER_CARD_LEFT: Duration = Duration::from_secs(60);
/// ... and at the latest this long after it appeared, even with a card forgotten on the reader.
pub const AT_MOST: Duration = Duration::from_secs(120);

pub struct DoneInfo {
    /// Holds only masked identity (the session it came from is wiped by now), and the check code until the
    /// receipt has printed.
    pub receipt: AcceptanceReceipt,
    pub print_note: String,
    /// What the QR code on the page holds: nothing while the receipt prints or once it has printed (the code is
    /// on the paper); the receipt itself, code included, when it did not print.
    pub qr_text: String,
    pub since: Instant,
    /// When the ID card left the reader, since the page appeared.
    pub card_left_at: Option<Instant>,
}

impl DoneInfo {
    /// The page for `receipt`, shown from `since`; `card_on_reader` whether the applicant's card still lies there.
    pub fn new(receipt: AcceptanceReceipt, since: Instant, card_on_reader: bool) -> DoneInfo {
        DoneInfo {
            receipt,
            print_note: String::new(),
            qr_text: String::new(),
            since,
            card_left_at: (!card_on_reader).then_some(since),
        }
    }

    /// The receipt printed: the code is on the paper, so the kiosk forgets it.
    pub fn printed(&mut self) {
        self.receipt.check_code = None;
        self.qr_text.clear();
        self.print_note = "回执已打印，请在出纸口取走。查询码印在回执上，请妥善保管。".into();
    }

    /// The receipt did not print: the page shows the code, and the QR code becomes the receipt with it.
    pub fn not_printed(&mut self, why: &str) {
        self.qr_text = self.receipt.screen_text();
        self.print_note = format!(
            "回执没有打印出来（{why}）。请记下上方的受理编号和查询码，或用手机拍下二维码保存：查询进度时要用。"
        );
    }

    /// The card was taken off the reader.
    pub fn card_left(&mut self, at: Instant) {
        self.card_left_at.get_or_insert(at);
    }

    /// Whether the page (the receipt number, the code, the QR code) must leave the screen at `now`.
    pub fn expired(&self, now: Instant) -> bool {
        let after_card = self
            .card_left_at
            .is_some_and(|t| now >= t.max(self.since) + AFTER_CARD_LEFT);
        after_card || now >= self.since + AT_MOST
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn receipt() -> AcceptanceReceipt {
        AcceptanceReceipt {
            center: "西峡县政务服务中心".into(),
            kiosk_id: "XX-KIOSK-01".into(),
            receipt_no: "XX-KIOSK-01-20261128-0007".into(),
            check_code: crate::package::CheckCode::parse("K7M2PQRS"),
            created: chrono::NaiveDateTime::default(),
            masked_name: "张*".into(),
            masked_id: "1101**********002X".into(),
            one_thing: "我要开拉面馆".into(),
            items: Vec::new(),
            captured: Vec::new(),
            at_window: Vec::new(),
            exempt: Vec::new(),
            deferred: Vec::new(),
            commitments: Vec::new(),
            delivery: "到窗口领取".into(),
        }
    }

    /// The receipt's code and QR code leave the screen at the latest a minute after the card left the reader.
    #[test]
    fn the_page_leaves_a_minute_after_the_card_left() {
        let t0 = Instant::now();
        let mut done = DoneInfo::new(receipt(), t0, true);
        done.not_printed("打印机缺纸");
        assert!(
            done.qr_text.contains("K7M2PQRS"),
            "the code on screen while it did not print"
        );
        assert!(
            !done.expired(t0 + Duration::from_secs(90)),
            "the card still lies there: the applicant too"
        );
        done.card_left(t0 + Duration::from_secs(30));
        assert!(!done.expired(t0 + Duration::from_secs(89)));
        assert!(done.expired(t0 + Duration::from_secs(90)));
        // A card forgotten on the reader does not keep the page up for ever.
        let forgotten = DoneInfo::new(receipt(), t0, true);
        assert!(forgotten.expired(t0 + AT_MOST));
        // The card was off before the page appeared: a minute from then.
        let off = DoneInfo::new(receipt(), t0, false);
        assert!(!off.expired(t0 + Duration::from_secs(59)));
        assert!(off.expired(t0 + AFTER_CARD_LEFT));
    }

    /// Printed, the code is on the paper: the kiosk forgets it.
    #[test]
    fn a_printed_receipt_leaves_no_code_behind() {
        let mut done = DoneInfo::new(receipt(), Instant::now(), true);
        done.printed();
        assert!(done.receipt.check_code.is_none());
        assert!(done.qr_text.is_empty());
        assert!(!done.receipt.screen_text().contains("K7M2PQRS"));
    }
}
