//! Receipts as ESC/POS bytes: Chinese in GB18030 text mode (tens of times smaller than a raster), bold, double
//! size, alignment, a QR code by the printer's own command (Model 2), and a real partial cut.
//!
//! The `escpos` crate builds the text and style commands. On top of it: `FS &` (Chinese mode), the QR sequence with
//! Model 2 (the crate's default is Model 1), the partial cut (the crate's `partial_cut` sends a full cut) and line
//! wrapping by display width (a Chinese character takes two columns).

use std::cell::RefCell;
use std::rc::Rc;

use escpos::driver::Driver;
use escpos::printer::Printer;
use escpos::utils::{JustifyMode, Protocol};
use unicode_width::UnicodeWidthChar;

/// Paper width.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PaperWidth {
    Mm58,
    Mm80,
}

impl PaperWidth {
    /// Dots across at 203 dpi.
    pub fn dots(self) -> u32 {
        match self {
            PaperWidth::Mm58 => 384,
            PaperWidth::Mm80 => 576,
        }
    }

    /// Columns of font A (12 dots): a Chinese character takes two.
    pub fn columns(self) -> usize {
        self.dots() as usize / 12
    }

    pub fn mm(self) -> u32 {
        match self {
            PaperWidth::Mm58 => 58,
            PaperWidth::Mm80 => 80,
        }
    }

    pub fn from_mm(mm: u32) -> Option<PaperWidth> {
        match mm {
            58 => Some(PaperWidth::Mm58),
            80 => Some(PaperWidth::Mm80),
            _ => None,
        }
    }
}

/// A receipt that cannot be turned into printer commands (one case: the app words it by its type).
#[derive(Debug, thiserror::Error)]
#[error("the receipt cannot be encoded: {0}")]
pub struct ReceiptError(String);

impl From<escpos::errors::PrinterError> for ReceiptError {
    fn from(e: escpos::errors::PrinterError) -> Self {
        ReceiptError(e.to_string())
    }
}

/// Collects what the `escpos` printer would send, so the bytes can go out over our own transports.
#[derive(Clone, Default)]
struct Capture(Rc<RefCell<Vec<u8>>>);

impl Driver for Capture {
    fn name(&self) -> String {
        "capture".into()
    }
    fn write(&self, data: &[u8]) -> escpos::errors::Result<()> {
        self.0.borrow_mut().extend_from_slice(data);
        Ok(())
    }
    fn read(&self, _buf: &mut [u8]) -> escpos::errors::Result<usize> {
        Ok(0)
    }
    fn flush(&self) -> escpos::errors::Result<()> {
        Ok(())
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Align {
    Left,
    Center,
    Right,
}

/// Builds one receipt.
pub struct ReceiptWriter {
    printer: Printer<Capture>,
    capture: Capture,
    width: PaperWidth,
    double: bool,
}

const FS_CHINESE_ON: [u8; 2] = [0x1C, 0x26];

impl ReceiptWriter {
    pub fn new(width: PaperWidth) -> Result<ReceiptWriter, ReceiptError> {
        let capture = Capture::default();
        let protocol = Protocol::new(escpos::utils::Encoder::new(encoding_rs::GB18030));
        let mut printer = Printer::new(capture.clone(), protocol, None);
        printer.init()?.custom(&FS_CHINESE_ON)?;
        Ok(ReceiptWriter {
            printer,
            capture,
            width,
            double: false,
        })
    }

    pub fn align(&mut self, align: Align) -> Result<&mut Self, ReceiptError> {
        let mode = match align {
            Align::Left => JustifyMode::LEFT,
            Align::Center => JustifyMode::CENTER,
            Align::Right => JustifyMode::RIGHT,
        };
        self.printer.justify(mode)?;
        Ok(self)
    }

    pub fn bold(&mut self, on: bool) -> Result<&mut Self, ReceiptError> {
        self.printer.bold(on)?;
        Ok(self)
    }

    /// Double width and height (titles, codes to read from afar).
    pub fn double(&mut self, on: bool) -> Result<&mut Self, ReceiptError> {
        if on {
            self.printer.size(2, 2)?;
        } else {
            self.printer.reset_size()?;
        }
        self.double = on;
        Ok(self)
    }

    /// Text, wrapped to the paper's width; each piece ends with a line feed.
    pub fn text(&mut self, text: &str) -> Result<&mut Self, ReceiptError> {
        for line in wrap(text, self.columns()) {
            self.printer.writeln(&line)?;
        }
        Ok(self)
    }

    /// `label：value` with the value's continuation lines indented under it.
    /// When the pair does not fit on one line, the value starts on its own line, indented.
    pub fn field(&mut self, label: &str, value: &str) -> Result<&mut Self, ReceiptError> {
        let line = format!("{label}：{value}");
        if width_of(&line) <= self.columns() || value.contains('\n') {
            return self.text(&line);
        }
        self.text(&format!("{label}："))?;
        let indent = "  ";
        for piece in wrap(value, self.columns() - indent.len()) {
            self.printer.writeln(&format!("{indent}{piece}"))?;
        }
        Ok(self)
    }

    fn columns(&self) -> usize {
        if self.double {
            self.width.columns() / 2
        } else {
            self.width.columns()
        }
    }

    /// A line of dashes across the paper.
    pub fn rule(&mut self) -> Result<&mut Self, ReceiptError> {
        let line = "-".repeat(self.width.columns());
        self.printer.writeln(&line)?;
        Ok(self)
    }

    pub fn feed(&mut self, lines: u8) -> Result<&mut Self, ReceiptError> {
        self.printer.feeds(lines)?;
        Ok(self)
    }

    /// A QR code (Model 2, error level M) printed by the printer itself; `module` is the dot size of a module.
    pub fn qr(&mut self, data: &str, module: u8) -> Result<&mut Self, ReceiptError> {
        let bytes = data.as_bytes();
        let store_len = bytes.len() + 3;
        if store_len > 7092 {
            return Err(ReceiptError(format!(
                "QR code data too long ({} bytes)",
                bytes.len()
            )));
        }
        let mut cmd = Vec::with_capacity(store_len + 40);
        cmd.extend_from_slice(&[0x1D, 0x28, 0x6B, 0x04, 0x00, 0x31, 0x41, 0x32, 0x00]); // model 2
        cmd.extend_from_slice(&[
            0x1D,
            0x28,
            0x6B,
            0x03,
            0x00,
            0x31,
            0x43,
            module.clamp(1, 16),
        ]); // module size
        cmd.extend_from_slice(&[0x1D, 0x28, 0x6B, 0x03, 0x00, 0x31, 0x45, 0x31]); // error correction M
        cmd.extend_from_slice(&[
            0x1D,
            0x28,
            0x6B,
            (store_len % 256) as u8,
            (store_len / 256) as u8,
            0x31,
            0x50,
            0x30,
        ]);
        cmd.extend_from_slice(bytes);
        cmd.extend_from_slice(&[0x1D, 0x28, 0x6B, 0x03, 0x00, 0x31, 0x51, 0x30]); // print
        self.printer.custom(&cmd)?.feed()?;
        Ok(self)
    }

    /// Feeds the paper past the cutter and cuts it partially (GS V 66 n), leaving a hinge to tear.
    pub fn cut(&mut self) -> Result<&mut Self, ReceiptError> {
        self.printer.custom(&[0x1D, 0x56, 0x42, 0x40])?;
        Ok(self)
    }

    /// The receipt's bytes.
    pub fn finish(mut self) -> Result<Vec<u8>, ReceiptError> {
        self.printer.print()?;
        Ok(self.capture.0.take())
    }
}

/// Columns a character takes on the printer in Chinese mode: ASCII is one (12 dots); everything else is a
/// double-byte GBK character, two columns (24 dots), even marks such as □ or · that are narrow on screens.
pub fn char_columns(c: char) -> usize {
    if c.is_ascii() {
        usize::from(!c.is_ascii_control())
    } else if c.width() == Some(0) {
        0
    } else {
        2
    }
}

/// Printer columns of `text`.
pub fn width_of(text: &str) -> usize {
    text.chars().map(char_columns).sum()
}

/// Splits `text` into lines of at most `columns` display columns (a Chinese character is two). A run of Latin
/// letters, digits and `-./:` (a receipt number, a phone number, a date) is not split unless it is longer than a
/// line, so codes stay readable in one piece.
pub fn wrap(text: &str, columns: usize) -> Vec<String> {
    let columns = columns.max(2);
    let mut lines = Vec::new();
    for paragraph in text.split('\n') {
        let mut line = String::new();
        let mut used = 0;
        for token in tokens(paragraph) {
            let w = width_of(token);
            if used + w <= columns {
                line.push_str(token);
                used += w;
                continue;
            }
            if w <= columns && token.chars().count() > 1 {
                lines.push(std::mem::take(&mut line));
                line.push_str(token);
                used = w;
                continue;
            }
            for c in token.chars() {
                let cw = char_columns(c);
                if used + cw > columns && !line.is_empty() {
                    // Chinese line breaking: a closing mark never starts a line, so the character before it
                    // moves down with it.
                    // Likewise an opening mark never ends one.
                    let mut carried = String::new();
                    let mut first = c;
                    while NO_LINE_START.contains(first) && line.chars().count() > 1 {
                        let Some(last) = line.pop() else { break };
                        carried.insert(0, last);
                        first = last;
                    }
                    while line.chars().count() > 1
                        && line.chars().last().is_some_and(|l| NO_LINE_END.contains(l))
                    {
                        carried.insert(0, line.pop().unwrap_or(' '));
                    }
                    if width_of(&carried) + cw > columns {
                        // A run of marks longer than a line: break hard rather than overflow the paper.
                        line.push_str(&carried);
                        carried.clear();
                    }
                    lines.push(std::mem::take(&mut line));
                    used = width_of(&carried);
                    line = carried;
                }
                line.push(c);
                used += cw;
            }
        }
        lines.push(line);
    }
    lines
}

/// Marks that may not begin a line (closing brackets and pause marks).
const NO_LINE_START: &str = "，。、；：？！）》」』】〕”’…%,.;:?!)]";

/// Marks that may not end a line (opening brackets).
const NO_LINE_END: &str = "（《「『【〔“‘([";

/// Pieces that wrap as a whole: a run of code characters, or one other character.
fn tokens(text: &str) -> Vec<&str> {
    let code = |c: char| c.is_ascii_alphanumeric() || "-./:".contains(c);
    let mut out = Vec::new();
    let mut start = None;
    for (i, c) in text.char_indices() {
        match (code(c), start) {
            (true, None) => start = Some(i),
            (true, Some(_)) => {}
            (false, run) => {
                if let Some(s) = run {
                    out.push(&text[s..i]);
                    start = None;
                }
                out.push(&text[i..i + c.len_utf8()]);
            }
        }
    }
    if let Some(s) = start {
        out.push(&text[s..]);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn contains(haystack: &[u8], needle: &[u8]) -> bool {
        haystack.windows(needle.len()).any(|w| w == needle)
    }

    #[test]
    fn chinese_text_is_gb18030_in_chinese_mode() {
        let mut w = ReceiptWriter::new(PaperWidth::Mm80).unwrap();
        w.text("收件回执").unwrap();
        let bytes = w.finish().unwrap();
        assert!(
            bytes.starts_with(&[0x1B, 0x40, 0x1C, 0x26]),
            "init then FS &: {:02X?}",
            &bytes[..4]
        );
        let (gb, _, _) = encoding_rs::GB18030.encode("收件回执");
        assert!(contains(&bytes, &gb));
        assert!(contains(&bytes, &[0xCA, 0xD5])); // 收 in GB18030
    }

    #[test]
    fn qr_is_model_2_and_the_cut_is_partial() {
        let mut w = ReceiptWriter::new(PaperWidth::Mm58).unwrap();
        w.qr("XX-KIOSK-01-20261128-0007", 6).unwrap().cut().unwrap();
        let bytes = w.finish().unwrap();
        assert!(contains(
            &bytes,
            &[0x1D, 0x28, 0x6B, 0x04, 0x00, 0x31, 0x41, 0x32, 0x00]
        ));
        let len = "XX-KIOSK-01-20261128-0007".len() + 3;
        assert!(contains(
            &bytes,
            &[0x1D, 0x28, 0x6B, len as u8, 0x00, 0x31, 0x50, 0x30]
        ));
        assert!(contains(&bytes, b"XX-KIOSK-01-20261128-0007"));
        assert!(contains(
            &bytes,
            &[0x1D, 0x28, 0x6B, 0x03, 0x00, 0x31, 0x51, 0x30]
        ));
        assert!(bytes.ends_with(&[0x1D, 0x56, 0x42, 0x40]));
        assert!(!contains(&bytes, &[0x1D, 0x56, 0x41]), "no full cut");
    }

    #[test]
    fn wrapping_counts_chinese_as_two_columns() {
        assert_eq!(wrap("一二三四五", 4), vec!["一二", "三四", "五"]);
        assert_eq!(wrap("ab一cd", 4), vec!["ab一", "cd"]);
        assert_eq!(wrap("编号XX-0007", 8), vec!["编号", "XX-0007"]);
        assert_eq!(wrap("一二三四（五）", 10), vec!["一二三四", "（五）"]);
        assert_eq!(wrap("一二三四五，六", 10), vec!["一二三四", "五，六"]);
        assert_eq!(wrap("编号XX-01-0007", 8), vec!["编号XX-0", "1-0007"]);
        assert_eq!(wrap("编号 XX-0007", 10), vec!["编号 ", "XX-0007"]);
        assert_eq!(wrap("第一行\n第二行", 48), vec!["第一行", "第二行"]);
        assert_eq!(PaperWidth::Mm80.columns(), 48);
        assert_eq!(PaperWidth::Mm58.columns(), 32);
    }

    #[test]
    fn styles() {
        let mut w = ReceiptWriter::new(PaperWidth::Mm80).unwrap();
        w.align(Align::Center)
            .unwrap()
            .bold(true)
            .unwrap()
            .double(true)
            .unwrap()
            .text("标题")
            .unwrap();
        let bytes = w.finish().unwrap();
        assert!(contains(&bytes, &[0x1B, 0x61, 0x01]), "center");
        assert!(contains(&bytes, &[0x1B, 0x45, 0x01]), "bold");
        assert!(
            contains(&bytes, &[0x1D, 0x21, 0x11]),
            "double width and height"
        );
    }

    proptest::proptest! {
        /// Whatever the text, no line is wider than the paper.
        #[test]
        fn no_line_is_wider_than_the_paper(
            text in "[a-z0-9（）《》，。、：一二三四五六七八九十□·-]{0,80}",
            columns in 4usize..48
        ) {
            for line in wrap(&text, columns) {
                proptest::prop_assert!(width_of(&line) <= columns, "{line:?} in {columns}");
            }
            let joined: String = wrap(&text, columns).concat();
            proptest::prop_assert_eq!(joined, text, "nothing lost or added");
        }
    }

    #[test]
    fn runs_of_marks_break_hard() {
        for line in wrap("ab，，，，，", 10) {
            assert!(width_of(&line) <= 10, "{line}");
        }
        for line in wrap("1（（（1。。。）。1）", 16) {
            assert!(width_of(&line) <= 16, "{line}");
        }
    }
}
