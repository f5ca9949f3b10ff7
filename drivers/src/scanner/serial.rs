//! Serial line mode: each code ends with a configurable suffix, or with a pause when the scanner sends none.

use crate::port::read_some;
use std::io::{self, Read};
use std::time::{Duration, Instant};

/// What ends a code on the line.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Suffix {
    Cr,
    Lf,
    CrLf,
    Tab,
    /// No suffix: a pause of [`LineDecoder::GAP`] ends a code.
    None,
}

impl std::str::FromStr for Suffix {
    type Err = String;
    fn from_str(s: &str) -> Result<Suffix, String> {
        match s.to_ascii_lowercase().as_str() {
            "cr" => Ok(Suffix::Cr),
            "lf" => Ok(Suffix::Lf),
            "crlf" => Ok(Suffix::CrLf),
            "tab" => Ok(Suffix::Tab),
            "none" => Ok(Suffix::None),
            other => Err(format!(
                "unknown suffix `{other}` (cr, lf, crlf, tab, none)"
            )),
        }
    }
}

impl Suffix {
    pub fn bytes(self) -> &'static [u8] {
        match self {
            Suffix::Cr => b"\r",
            Suffix::Lf => b"\n",
            Suffix::CrLf => b"\r\n",
            Suffix::Tab => b"\t",
            Suffix::None => b"",
        }
    }
}

/// Splits the scanner's bytes into codes.
pub struct LineDecoder {
    suffix: Suffix,
    buffer: Vec<u8>,
    last_byte: Option<Instant>,
}

impl LineDecoder {
    /// A code never has a pause this long inside it; after one, what was buffered is a code of its own.
    pub const GAP: Duration = Duration::from_millis(150);
    /// Longer than any code a receipt or licence carries: a runaway line is dropped, not kept growing.
    const MAX_CODE: usize = 4096;

    pub fn new(suffix: Suffix) -> LineDecoder {
        LineDecoder {
            suffix,
            buffer: Vec::new(),
            last_byte: None,
        }
    }

    /// Takes bytes read at `now`; returns the codes they complete.
    pub fn push(&mut self, bytes: &[u8], now: Instant) -> Vec<String> {
        let mut codes = self.flush_after_gap(now);
        if !bytes.is_empty() {
            self.last_byte = Some(now);
        }
        for &byte in bytes {
            let ends = match self.suffix {
                Suffix::Cr | Suffix::CrLf => byte == b'\r',
                Suffix::Lf => byte == b'\n',
                Suffix::Tab => byte == b'\t',
                Suffix::None => false,
            };
            // With CR LF, the LF after a CR is the rest of the suffix (an LF alone also ends a code).
            let stray_lf = self.suffix == Suffix::CrLf && byte == b'\n';
            if ends || stray_lf {
                codes.extend(self.take());
            } else if self.buffer.len() < Self::MAX_CODE {
                self.buffer.push(byte);
            } else {
                self.buffer.clear();
            }
        }
        codes
    }

    /// A code left without its suffix becomes a code once the line has been quiet for [`Self::GAP`].
    pub fn flush_after_gap(&mut self, now: Instant) -> Vec<String> {
        match self.last_byte {
            Some(at) if now.duration_since(at) >= Self::GAP => self.take().into_iter().collect(),
            _ => Vec::new(),
        }
    }

    fn take(&mut self) -> Option<String> {
        let bytes = std::mem::take(&mut self.buffer);
        self.last_byte = None;
        let text = match String::from_utf8(bytes) {
            Ok(text) => text,
            // Some scanners send Chinese as GB18030.
            Err(e) => encoding_rs::GB18030.decode(e.as_bytes()).0.into_owned(),
        };
        let code = text
            .trim_matches(|c: char| c.is_control() || c.is_whitespace())
            .to_string();
        (!code.is_empty()).then_some(code)
    }
}

/// Reads codes from a serial port (or a PTY) whose reads time out.
pub struct SerialScanner<P: Read> {
    port: P,
    decoder: LineDecoder,
}

impl<P: Read> SerialScanner<P> {
    pub fn new(port: P, suffix: Suffix) -> SerialScanner<P> {
        SerialScanner {
            port,
            decoder: LineDecoder::new(suffix),
        }
    }

    /// Waits up to `timeout` for codes; an empty list means none came.
    pub fn read_codes(&mut self, timeout: Duration) -> io::Result<Vec<String>> {
        let deadline = Instant::now() + timeout;
        let mut buf = [0u8; 512];
        loop {
            let now = Instant::now();
            let codes = match read_some(&mut self.port, &mut buf)? {
                Some(0) => {
                    return Err(io::Error::new(
                        io::ErrorKind::UnexpectedEof,
                        "scanner disconnected",
                    ))
                }
                Some(n) => self.decoder.push(&buf[..n], Instant::now()),
                None => self.decoder.flush_after_gap(now),
            };
            if !codes.is_empty() || Instant::now() >= deadline {
                return Ok(codes);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suffixes_end_codes() {
        let now = Instant::now();
        let mut d = LineDecoder::new(Suffix::Cr);
        assert_eq!(
            d.push(b"XX-KIOSK-01-20261128-0007\rABC", now),
            vec!["XX-KIOSK-01-20261128-0007"]
        );
        assert_eq!(d.push(b"\r", now), vec!["ABC"]);
        let mut d = LineDecoder::new(Suffix::CrLf);
        assert_eq!(d.push(b"one\r\ntwo\r\n", now), vec!["one", "two"]);
        let mut d = LineDecoder::new(Suffix::Tab);
        assert_eq!(d.push(b"a\tb\t", now), vec!["a", "b"]);
    }

    #[test]
    fn a_pause_ends_a_code_without_suffix() {
        let start = Instant::now();
        let mut d = LineDecoder::new(Suffix::None);
        assert!(d.push(b"12345", start).is_empty());
        assert!(d
            .flush_after_gap(start + Duration::from_millis(50))
            .is_empty());
        assert_eq!(d.flush_after_gap(start + LineDecoder::GAP), vec!["12345"]);
        // A code whose suffix was lost does not swallow the next one.
        let mut d = LineDecoder::new(Suffix::Cr);
        d.push(b"lost", start);
        assert_eq!(
            d.push(b"next\r", start + Duration::from_secs(1)),
            vec!["lost", "next"]
        );
    }

    #[test]
    fn chinese_in_utf8_or_gb18030() {
        let now = Instant::now();
        let mut d = LineDecoder::new(Suffix::Lf);
        assert_eq!(d.push("营业执照\n".as_bytes(), now), vec!["营业执照"]);
        let (gb, _, _) = encoding_rs::GB18030.encode("营业执照\n");
        assert_eq!(d.push(&gb, now), vec!["营业执照"]);
        assert!(
            d.push(b"\n\n  \n", now).is_empty(),
            "blank lines are not codes"
        );
    }
}
