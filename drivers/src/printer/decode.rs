//! Reads ESC/POS bytes back the way a printer would: lines of text with their styles, QR codes, feeds and cuts.
//!
//! This is how tests and technicians see exactly what a receipt prints, from the very bytes sent, without paper.
//! It follows the printer's own rules: text outside Chinese mode (`FS &`) is single-byte, so a receipt that forgot
//! to enter Chinese mode decodes as the garbage a printer would print. Commands it does not know are kept as
//! [`Element::Unknown`] rather than dropped, so a test can insist there are none.

use super::receipt::Align;

/// A run of text in one style.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Span {
    pub text: String,
    pub bold: bool,
    pub underline: bool,
    /// Character width and height multipliers (1 to 8).
    pub width: u8,
    pub height: u8,
}

/// One printed line.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Line {
    pub align: Align,
    pub spans: Vec<Span>,
}

impl Line {
    pub fn text(&self) -> String {
        self.spans.iter().map(|s| s.text.as_str()).collect()
    }

    /// The tallest character multiplier on the line.
    pub fn height(&self) -> u8 {
        self.spans.iter().map(|s| s.height).max().unwrap_or(1)
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Element {
    Line(Line),
    /// Paper fed without printing, in dots.
    Feed(u32),
    /// A QR code the printer draws itself: its data, module size in dots, error level (`L`, `M`, `Q`, `H`) and model.
    Qr {
        data: Vec<u8>,
        module: u8,
        level: char,
        model: u8,
        align: Align,
    },
    /// A raster image (GS v 0): its size in dots.
    Raster {
        width: u32,
        height: u32,
    },
    Cut {
        partial: bool,
    },
    /// Bytes of a command this decoder does not know.
    Unknown(Vec<u8>),
}

/// The default line spacing of most 203-dpi printers (ESC 2), in dots.
pub const LINE_DOTS: u32 = 30;

#[derive(Clone, Copy)]
struct Style {
    align: Align,
    bold: bool,
    underline: bool,
    width: u8,
    height: u8,
    chinese: bool,
}

impl Default for Style {
    fn default() -> Self {
        Style {
            align: Align::Left,
            bold: false,
            underline: false,
            width: 1,
            height: 1,
            chinese: false,
        }
    }
}

struct QrSettings {
    module: u8,
    level: char,
    model: u8,
    data: Vec<u8>,
}

impl Default for QrSettings {
    fn default() -> Self {
        QrSettings {
            module: 3,
            level: 'L',
            model: 1,
            data: Vec::new(),
        }
    }
}

struct Decoder {
    out: Vec<Element>,
    style: Style,
    line_dots: u32,
    /// The current line: finished spans, and the raw bytes of the span being collected.
    spans: Vec<Span>,
    pending: Vec<u8>,
    pending_style: Style,
    /// Alignment is taken when a line starts, as printers do.
    line_align: Option<Align>,
    qr: QrSettings,
}

/// Decodes the bytes of one or more receipts.
pub fn decode(bytes: &[u8]) -> Vec<Element> {
    let mut d = Decoder {
        out: Vec::new(),
        style: Style::default(),
        line_dots: LINE_DOTS,
        spans: Vec::new(),
        pending: Vec::new(),
        pending_style: Style::default(),
        line_align: None,
        qr: QrSettings::default(),
    };
    let mut i = 0;
    while i < bytes.len() {
        i += d.step(&bytes[i..]);
    }
    d.flush_line(false);
    d.out
}

/// The receipt as text: one line per printed line, `[QR …]`, `[裁切]` and `[未知指令 …]` markers for the rest.
pub fn to_text(elements: &[Element]) -> String {
    let mut text = String::new();
    for e in elements {
        match e {
            Element::Line(line) => text.push_str(&line.text()),
            Element::Feed(_) => continue,
            Element::Qr { data, .. } => {
                text.push_str("[QR ");
                text.push_str(&String::from_utf8_lossy(data));
                text.push(']');
            }
            Element::Raster { width, height } => text.push_str(&format!("[图像 {width}×{height}]")),
            Element::Cut { partial: true } => text.push_str("[半切]"),
            Element::Cut { partial: false } => text.push_str("[全切]"),
            Element::Unknown(bytes) => text.push_str(&format!("[未知指令 {bytes:02X?}]")),
        }
        text.push('\n');
    }
    text
}

fn align_of(n: u8) -> Align {
    match n {
        1 | b'1' => Align::Center,
        2 | b'2' => Align::Right,
        _ => Align::Left,
    }
}

/// Bytes as a printer would show them: GB18030 in Chinese mode, single bytes (ASCII, `?` above it) otherwise.
fn text_of(bytes: &[u8], chinese: bool) -> String {
    if chinese {
        let (text, _, _) = encoding_rs::GB18030.decode(bytes);
        text.into_owned()
    } else {
        bytes
            .iter()
            .map(|&b| if b.is_ascii() { b as char } else { '?' })
            .collect()
    }
}

impl Decoder {
    /// Ends the span being collected (a style changed, or the line ends).
    fn close_span(&mut self) {
        if self.pending.is_empty() {
            return;
        }
        let s = self.pending_style;
        let text = text_of(&self.pending, s.chinese);
        self.pending.clear();
        self.spans.push(Span {
            text,
            bold: s.bold,
            underline: s.underline,
            width: s.width,
            height: s.height,
        });
    }

    /// Prints the line buffer; `feed` says whether the command also moves the paper a line (LF does, a cut not).
    fn flush_line(&mut self, feed: bool) {
        self.close_span();
        if self.spans.is_empty() && !feed {
            return;
        }
        let spans = std::mem::take(&mut self.spans);
        let align = self.line_align.take().unwrap_or(self.style.align);
        if spans.is_empty() {
            self.out.push(Element::Feed(self.line_dots));
        } else {
            self.out.push(Element::Line(Line { align, spans }));
        }
    }

    fn push_text(&mut self, byte: u8) {
        if self.spans.is_empty() && self.pending.is_empty() {
            self.line_align = Some(self.style.align);
        }
        if !self.pending.is_empty() && !same_style(&self.pending_style, &self.style) {
            self.close_span();
        }
        if self.pending.is_empty() {
            self.pending_style = self.style;
        }
        self.pending.push(byte);
    }

    /// Takes one command or byte from `b` and returns how many bytes it used.
    fn step(&mut self, b: &[u8]) -> usize {
        let arg = |k: usize| b.get(k).copied();
        match b[0] {
            0x0A => {
                self.flush_line(true);
                1
            }
            0x0D => 1,
            0x09 => {
                for _ in 0..4 {
                    self.push_text(b' ');
                }
                1
            }
            0x10 => match (arg(1), arg(2)) {
                // Real-time status requests and commands: nothing printed.
                (Some(0x04), Some(_)) => 3,
                (Some(0x14), Some(_)) => (3 + 2).min(b.len()),
                _ => self.unknown(b, 1),
            },
            0x1B => self.esc(b),
            0x1C => self.fs(b),
            0x1D => self.gs(b),
            c if c < 0x20 => self.unknown(b, 1),
            c => {
                // A GB18030 character's later bytes may be below 0x80 (0x30–0x39, 0x40–0x7E): they are text too.
                self.push_text(c);
                1
            }
        }
    }

    fn unknown(&mut self, b: &[u8], len: usize) -> usize {
        let len = len.clamp(1, b.len());
        self.close_span();
        self.out.push(Element::Unknown(b[..len].to_vec()));
        len
    }

    fn esc(&mut self, b: &[u8]) -> usize {
        let Some(&cmd) = b.get(1) else {
            return self.unknown(b, 1);
        };
        let n = b.get(2).copied();
        match (cmd, n) {
            (b'@', _) => {
                self.flush_line(false);
                self.style = Style::default();
                self.line_dots = LINE_DOTS;
                self.qr = QrSettings::default();
                2
            }
            (b'a', Some(n)) => {
                self.style.align = align_of(n);
                3
            }
            (b'E' | b'G', Some(n)) => {
                self.style.bold = n & 1 == 1;
                3
            }
            (b'-', Some(n)) => {
                self.style.underline = n & 3 != 0 && n != b'0';
                3
            }
            (b'!', Some(n)) => {
                self.style.bold = n & 0x08 != 0;
                self.style.height = if n & 0x10 != 0 { 2 } else { 1 };
                self.style.width = if n & 0x20 != 0 { 2 } else { 1 };
                self.style.underline = n & 0x80 != 0;
                3
            }
            (b'd', Some(n)) => {
                self.flush_line(true);
                if n > 1 {
                    self.out
                        .push(Element::Feed(self.line_dots * (n as u32 - 1)));
                }
                3
            }
            (b'J', Some(n)) => {
                self.flush_line(false);
                self.out.push(Element::Feed(n as u32));
                3
            }
            (b'2', _) => {
                self.line_dots = LINE_DOTS;
                2
            }
            (b'3', Some(n)) => {
                self.line_dots = n as u32;
                3
            }
            // Code table, font, international set, rotation, upside down, colour, panel keys, character spacing:
            // they change how glyphs look, not what is printed.
            (b't' | b'M' | b'R' | b'V' | b'{' | b'r' | b' ', Some(_)) => 3,
            (b'c', Some(_)) if b.len() >= 4 => 4,
            (b'p', Some(_)) if b.len() >= 5 => 5,
            // Horizontal tab positions: at most 32, ended by NUL. A missing NUL does not swallow the rest.
            (b'D', _) => match b[2..].iter().take(33).position(|&x| x == 0) {
                Some(end) => end + 3,
                None => self.unknown(b, 2),
            },
            _ => self.unknown(b, 2),
        }
    }

    fn fs(&mut self, b: &[u8]) -> usize {
        match (b.get(1).copied(), b.get(2).copied()) {
            (Some(b'&'), _) => {
                self.style.chinese = true;
                2
            }
            (Some(b'.'), _) => {
                self.style.chinese = false;
                2
            }
            (Some(b'!'), Some(n)) => {
                // Chinese character mode: double width (bit 2), double height (bit 3), underline (bit 7).
                self.style.width = if n & 0x04 != 0 { 2 } else { 1 };
                self.style.height = if n & 0x08 != 0 { 2 } else { 1 };
                self.style.underline = n & 0x80 != 0;
                3
            }
            (Some(b'W'), Some(n)) => {
                let m = if n & 1 == 1 { 2 } else { 1 };
                self.style.width = m;
                self.style.height = m;
                3
            }
            (Some(b'-' | b'C'), Some(_)) => 3,
            (Some(b'S'), Some(_)) if b.len() >= 4 => 4,
            _ => self.unknown(b, 2),
        }
    }

    fn gs(&mut self, b: &[u8]) -> usize {
        let Some(&cmd) = b.get(1) else {
            return self.unknown(b, 1);
        };
        let n = b.get(2).copied();
        match (cmd, n) {
            (b'!', Some(n)) => {
                self.style.width = ((n >> 4) & 0x07) + 1;
                self.style.height = (n & 0x07) + 1;
                3
            }
            (b'V', Some(m)) => {
                self.flush_line(false);
                let (partial, len) = match m {
                    0 | b'0' => (false, 3),
                    1 | b'1' => (true, 3),
                    65 | 97 | 103 => (false, 4),
                    66 | 98 | 104 => (true, 4),
                    _ => return self.unknown(b, 3),
                };
                if len == 4 {
                    match b.get(3) {
                        // "Feed n dots, then cut."
                        Some(&dots) if m == 65 || m == 66 => {
                            if dots > 0 {
                                self.out.push(Element::Feed(dots as u32))
                            }
                        }
                        Some(_) => {}
                        None => return self.unknown(b, 3),
                    }
                }
                self.out.push(Element::Cut { partial });
                len.min(b.len())
            }
            (b'(', Some(b'k')) => self.gs_k(b),
            (b'v', Some(b'0')) if b.len() >= 8 => {
                let width = u16::from_le_bytes([b[4], b[5]]) as u32;
                let height = u16::from_le_bytes([b[6], b[7]]) as u32;
                let len = 8 + (width * height) as usize;
                if len > b.len() || width == 0 || height == 0 {
                    return self.unknown(b, b.len());
                }
                self.flush_line(false);
                self.out.push(Element::Raster {
                    width: width * 8,
                    height,
                });
                len
            }
            (b'B' | b'H' | b'h' | b'w' | b'f' | b'a' | b'r' | b'b', Some(_)) => 3,
            (b'L' | b'W', Some(_)) if b.len() >= 4 => 4,
            _ => self.unknown(b, 2),
        }
    }

    /// GS ( k pL pH cn fn …: the 2D-code functions; QR (cn 49) is decoded, others are unknown.
    fn gs_k(&mut self, b: &[u8]) -> usize {
        if b.len() < 7 {
            return self.unknown(b, b.len());
        }
        let params = u16::from_le_bytes([b[3], b[4]]) as usize;
        let len = 5 + params;
        if len > b.len() || params < 2 {
            return self.unknown(b, b.len().min(len.max(5)));
        }
        let (cn, func, rest) = (b[5], b[6], &b[7..len]);
        if cn != 49 {
            return self.unknown(b, len);
        }
        match (func, rest) {
            (65, [n1, ..]) => self.qr.model = if *n1 == 50 { 2 } else { 1 },
            (67, [n, ..]) => self.qr.module = *n,
            (69, [n, ..]) => {
                self.qr.level = match n {
                    48 => 'L',
                    49 => 'M',
                    50 => 'Q',
                    _ => 'H',
                }
            }
            (80, [48, data @ ..]) => self.qr.data = data.to_vec(),
            (81, _) => {
                self.flush_line(false);
                self.out.push(Element::Qr {
                    data: self.qr.data.clone(),
                    module: self.qr.module,
                    level: self.qr.level,
                    model: self.qr.model,
                    align: self.style.align,
                });
            }
            _ => return self.unknown(b, len),
        }
        len
    }
}

fn same_style(a: &Style, b: &Style) -> bool {
    a.bold == b.bold
        && a.underline == b.underline
        && a.width == b.width
        && a.height == b.height
        && a.chinese == b.chinese
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::printer::{PaperWidth, ReceiptWriter};

    #[test]
    fn reads_back_what_the_writer_wrote() {
        let mut w = ReceiptWriter::new(PaperWidth::Mm58).unwrap();
        w.align(Align::Center).unwrap();
        w.double(true).unwrap().bold(true).unwrap();
        w.text("收件回执").unwrap();
        w.double(false).unwrap().bold(false).unwrap();
        w.qr("XX-KIOSK-01-20261128-0007", 5).unwrap();
        w.align(Align::Left).unwrap();
        w.field("受理编号", "XX-KIOSK-01-20261128-0007").unwrap();
        w.feed(2).unwrap().cut().unwrap();
        let elements = decode(&w.finish().unwrap());
        assert!(
            !elements.iter().any(|e| matches!(e, Element::Unknown(_))),
            "{elements:?}"
        );
        let Element::Line(title) = &elements[0] else {
            panic!("{elements:?}")
        };
        assert_eq!(title.text(), "收件回执");
        assert_eq!(title.align, Align::Center);
        assert!(title.spans[0].bold && title.spans[0].width == 2 && title.spans[0].height == 2);
        assert!(elements.iter().any(|e| matches!(e,
            Element::Qr { data, module: 5, level: 'M', model: 2, align: Align::Center }
                if data == b"XX-KIOSK-01-20261128-0007")));
        let text = to_text(&elements);
        // 58 mm is 32 columns: the number goes on its own line, whole.
        assert!(
            text.contains("受理编号：\n  XX-KIOSK-01-20261128-0007\n"),
            "{text}"
        );
        assert_eq!(elements.last(), Some(&Element::Cut { partial: true }));
    }

    #[test]
    fn chinese_outside_chinese_mode_prints_as_garbage() {
        let (gb, _, _) = encoding_rs::GB18030.encode("回执");
        let mut bytes = vec![0x1B, 0x40];
        bytes.extend_from_slice(&gb);
        bytes.push(0x0A);
        assert_eq!(to_text(&decode(&bytes)), "????\n");
        let mut bytes = vec![0x1B, 0x40, 0x1C, 0x26];
        bytes.extend_from_slice(&gb);
        bytes.push(0x0A);
        assert_eq!(to_text(&decode(&bytes)), "回执\n");
    }

    #[test]
    fn status_queries_print_nothing_and_unknown_commands_are_kept() {
        let bytes = [0x10, 0x04, 0x01, b'a', 0x0A, 0x1B, 0x7F, b'b', 0x0A];
        let elements = decode(&bytes);
        assert_eq!(elements.len(), 3, "{elements:?}");
        assert_eq!(elements[1], Element::Unknown(vec![0x1B, 0x7F]));
        assert_eq!(to_text(&elements[..1]), "a\n");
    }

    #[test]
    fn full_cut_feeds_and_truncated_commands() {
        let elements = decode(&[b'x', 0x1D, 0x56, 0x41, 0x10]);
        assert_eq!(
            elements[1..],
            [Element::Feed(16), Element::Cut { partial: false }]
        );
        // A command cut off at the end of the bytes is unknown, never a panic.
        for cut in [&[0x1D, 0x28, 0x6B, 0x10][..], &[0x1B], &[0x1D, 0x56]] {
            let elements = decode(cut);
            assert!(matches!(elements.last(), Some(Element::Unknown(_))));
        }
    }
}

#[cfg(test)]
mod garbage {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        /// Whatever arrives, decoding ends without a panic, and every byte is accounted for: printed, taken as a
        /// command, or kept as unknown.
        #[test]
        fn any_bytes_decode(bytes in proptest::collection::vec(any::<u8>(), 0..512)) {
            let elements = decode(&bytes);
            let _ = to_text(&elements);
        }

        /// Text between commands survives garbage before it (a printer resynchronises on the next command).
        /// The junk is any bytes but GS, whose commands carry lengths that may take everything after them (as on
        /// a printer); other commands' arguments are a few bytes at most, which the NULs after the junk absorb.
        #[test]
        fn text_after_garbage_reads_back(
            junk in proptest::collection::vec(any::<u8>().prop_filter("not GS", |b| *b != 0x1D), 0..64)
        ) {
            let mut bytes = junk.clone();
            bytes.extend_from_slice(&[0; 40]);
            bytes.extend_from_slice(&[0x0A, 0x1B, 0x40, 0x1C, 0x26]);
            let (gb, _, _) = encoding_rs::GB18030.encode("收件回执");
            bytes.extend_from_slice(&gb);
            bytes.push(0x0A);
            let text = to_text(&decode(&bytes));
            prop_assert!(text.ends_with("收件回执\n"), "{}", text);
        }
    }
}
