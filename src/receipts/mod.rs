//! What the kiosk prints: the acceptance receipt (收件回执), the one-time notice slip (一次告知单) and the pickup
//! slip (取件凭证). Each is a [`Receipt`], a list of blocks written once and rendered two ways: ESC/POS bytes for
//! the printer at either paper width, and plain text for the on-screen QR code shown when the printer cannot print.
//!
//! Nothing here knows Slint or a device; the UI builds receipts from the session and sends the bytes.

pub mod acceptance;
pub mod notice;
pub mod pickup;
pub mod render;
pub mod sample;
mod workdays;

use drivers::printer::receipt::ReceiptError;
use drivers::printer::{Align, PaperWidth, ReceiptWriter};

pub use acceptance::AcceptanceReceipt;
pub use notice::NoticeSlip;
pub use pickup::PickupSlip;
pub use workdays::add_working_days;

/// The hotline every receipt ends with.
pub const HOTLINE: &str = "咨询电话：12345 政务服务便民热线";

/// The most text a QR code on the screen holds, in bytes. About version 30 at level L, with modules large enough
/// for a phone to read off the glass; the QR standard's own limit is 2953.
pub const SCREEN_QR_BYTES: usize = 1200;

/// A short text for an on-screen QR code: `head` and `tail` always, then as many `body` lines as fit in
/// [`SCREEN_QR_BYTES`], with a line saying where the rest is when some are left out.
pub fn fit_for_qr(head: &[String], body: &[String], tail: &[String]) -> String {
    const MORE: &str = "……其余内容请到综合受理窗口查询";
    let size = |lines: &[String]| lines.iter().map(|l| l.len() + 1).sum::<usize>();
    let fixed = size(head) + size(tail);
    let mut lines: Vec<String> = head.to_vec();
    let mut used = fixed;
    for (i, line) in body.iter().enumerate() {
        let room_for_more = if i + 1 < body.len() {
            MORE.len() + 1
        } else {
            0
        };
        if used + line.len() + 1 + room_for_more > SCREEN_QR_BYTES {
            lines.push(MORE.into());
            break;
        }
        used += line.len() + 1;
        lines.push(line.clone());
    }
    lines.extend_from_slice(tail);
    lines.join("\n")
}

/// One piece of a receipt.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Block {
    /// Centred, bold and double size.
    Title(String),
    Centered(String),
    /// Bold, starting a section.
    Heading(String),
    Text(String),
    /// `label：value`.
    Field(String, String),
    Rule,
    /// A QR code, centred; its content is said in text elsewhere on the receipt.
    Qr(String),
    /// A code to read from a distance (the pickup code): centred, double size.
    Code(String),
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Receipt {
    pub blocks: Vec<Block>,
}

// A receipt's text may hold a check code and a masked identity: zeroed when dropped.
impl Drop for Receipt {
    fn drop(&mut self) {
        use zeroize::Zeroize;
        for block in &mut self.blocks {
            match block {
                Block::Title(t)
                | Block::Centered(t)
                | Block::Heading(t)
                | Block::Text(t)
                | Block::Qr(t)
                | Block::Code(t) => t.zeroize(),
                Block::Field(label, value) => {
                    label.zeroize();
                    value.zeroize();
                }
                Block::Rule => {}
            }
        }
    }
}

impl Receipt {
    pub fn push(&mut self, block: Block) -> &mut Self {
        self.blocks.push(block);
        self
    }

    pub fn title(&mut self, text: &str) -> &mut Self {
        self.push(Block::Title(text.into()))
    }

    pub fn centered(&mut self, text: &str) -> &mut Self {
        self.push(Block::Centered(text.into()))
    }

    pub fn heading(&mut self, text: &str) -> &mut Self {
        self.push(Block::Heading(text.into()))
    }

    pub fn text(&mut self, text: impl Into<String>) -> &mut Self {
        self.push(Block::Text(text.into()))
    }

    pub fn field(&mut self, label: &str, value: impl Into<String>) -> &mut Self {
        self.push(Block::Field(label.into(), value.into()))
    }

    pub fn rule(&mut self) -> &mut Self {
        self.push(Block::Rule)
    }

    /// The receipt as the printer's bytes: GB18030 text in Chinese mode, the printer's own QR codes, a partial
    /// cut at the end.
    pub fn escpos(&self, width: PaperWidth) -> Result<Vec<u8>, ReceiptError> {
        let mut w = ReceiptWriter::new(width)?;
        // A module of 6 dots makes a receipt-number QR about 19 mm wide on 80 mm paper; 58 mm paper gets 5.
        let module = match width {
            PaperWidth::Mm80 => 6,
            PaperWidth::Mm58 => 5,
        };
        for block in &self.blocks {
            match block {
                Block::Title(text) => {
                    w.align(Align::Center)?.bold(true)?.double(true)?;
                    w.text(text)?;
                    w.double(false)?.bold(false)?.align(Align::Left)?;
                }
                Block::Centered(text) => {
                    w.align(Align::Center)?.text(text)?.align(Align::Left)?;
                }
                Block::Heading(text) => {
                    w.bold(true)?.text(text)?.bold(false)?;
                }
                Block::Text(text) => {
                    w.text(text)?;
                }
                Block::Field(label, value) => {
                    w.field(label, value)?;
                }
                Block::Rule => {
                    w.rule()?;
                }
                Block::Qr(data) => {
                    w.align(Align::Center)?
                        .qr(data, module)?
                        .align(Align::Left)?;
                }
                Block::Code(code) => {
                    w.align(Align::Center)?.bold(true)?.double(true)?;
                    w.text(code)?;
                    w.double(false)?.bold(false)?.align(Align::Left)?;
                }
            }
        }
        w.feed(3)?.cut()?;
        w.finish()
    }

    /// The receipt as plain lines, for a QR code on the screen (a phone reads it as text).
    pub fn plain_text(&self) -> String {
        let mut lines: Vec<String> = Vec::new();
        for block in &self.blocks {
            match block {
                Block::Title(t) | Block::Centered(t) | Block::Heading(t) | Block::Text(t) => {
                    lines.push(t.clone())
                }
                Block::Code(code) => lines.push(code.clone()),
                Block::Field(label, value) => lines.push(format!("{label}：{value}")),
                Block::Rule => lines.push("——".into()),
                Block::Qr(_) => {}
            }
        }
        lines.join("\n")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use drivers::printer::decode::{decode, to_text, Element};

    fn sample() -> Receipt {
        let mut r = Receipt::default();
        r.title("收件回执")
            .centered("西峡县政务服务中心")
            .push(Block::Qr("XX-KIOSK-01-20261128-0007".into()));
        r.field("受理编号", "XX-KIOSK-01-20261128-0007")
            .rule()
            .heading("办理事项")
            .text("· 食品经营许可（县市场监管局，10个工作日）")
            .push(Block::Code("123456".into()));
        r
    }

    #[test]
    fn both_widths_print_every_block() {
        for width in [PaperWidth::Mm58, PaperWidth::Mm80] {
            let elements = decode(&sample().escpos(width).unwrap());
            assert!(!elements.iter().any(|e| matches!(e, Element::Unknown(_))));
            let text = to_text(&elements);
            for expected in [
                "收件回执",
                "西峡县政务服务中心",
                "[QR XX-KIOSK-01-20261128-0007]",
                "123456",
            ] {
                assert!(text.contains(expected), "{width:?}: {text}");
            }
            let columns = width.columns();
            for e in &elements {
                if let Element::Line(line) = e {
                    let used: usize = line
                        .spans
                        .iter()
                        .map(|s| drivers::printer::receipt::width_of(&s.text) * s.width as usize)
                        .sum();
                    assert!(used <= columns, "{width:?} line too wide: {}", line.text());
                }
            }
            assert_eq!(elements.last(), Some(&Element::Cut { partial: true }));
        }
    }

    #[test]
    fn plain_text_leaves_out_the_qr_but_keeps_its_content() {
        let text = sample().plain_text();
        assert!(
            text.starts_with("收件回执\n西峡县政务服务中心\n受理编号：XX-KIOSK-01-20261128-0007")
        );
        assert_eq!(text.matches("XX-KIOSK-01-20261128-0007").count(), 1);
    }
}
