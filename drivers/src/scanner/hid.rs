//! USB HID scanners in keyboard mode: the scanner types the code and presses Enter. The device is grabbed
//! (EVIOCGRAB) so its keystrokes go to the kiosk's decoder only, never into whatever field the UI has focused.

use std::io;
use std::os::fd::AsRawFd;
use std::path::Path;
use std::time::{Duration, Instant};

/// Linux key codes (input-event-codes.h) → the character a US-layout keyboard types, unshifted and shifted.
fn key_char(code: u16, shifted: bool) -> Option<char> {
    const DIGITS: &str = "1234567890";
    const DIGITS_SHIFTED: &str = "!@#$%^&*()";
    let pick = |plain: char, shift: char| Some(if shifted { shift } else { plain });
    let letter = |c: char| Some(if shifted { c.to_ascii_uppercase() } else { c });
    match code {
        2..=11 => {
            let i = usize::from(code - 2);
            Some(if shifted {
                DIGITS_SHIFTED.as_bytes()[i]
            } else {
                DIGITS.as_bytes()[i]
            } as char)
        }
        12 => pick('-', '_'),
        13 => pick('=', '+'),
        16..=25 => letter("qwertyuiop".as_bytes()[usize::from(code - 16)] as char),
        26 => pick('[', '{'),
        27 => pick(']', '}'),
        30..=38 => letter("asdfghjkl".as_bytes()[usize::from(code - 30)] as char),
        39 => pick(';', ':'),
        40 => pick('\'', '"'),
        41 => pick('`', '~'),
        43 => pick('\\', '|'),
        44..=50 => letter("zxcvbnm".as_bytes()[usize::from(code - 44)] as char),
        51 => pick(',', '<'),
        52 => pick('.', '>'),
        53 => pick('/', '?'),
        55 => Some('*'),
        57 => Some(' '),
        71..=73 => Some((b'7' + (code - 71) as u8) as char),
        74 => Some('-'),
        75..=77 => Some((b'4' + (code - 75) as u8) as char),
        78 => Some('+'),
        79..=81 => Some((b'1' + (code - 79) as u8) as char),
        82 => Some('0'),
        83 => Some('.'),
        98 => Some('/'),
        _ => None,
    }
}

const KEY_ENTER: u16 = 28;
const KEY_KPENTER: u16 = 96;
const KEY_TAB: u16 = 15;
const KEY_LEFTSHIFT: u16 = 42;
const KEY_RIGHTSHIFT: u16 = 54;
const KEY_CAPSLOCK: u16 = 58;

/// The longest code kept: a QR code holds at most about 3 KB, so anything longer is a key held down or a
/// scanner gone wrong, and is dropped whole rather than read as a code.
pub const MAX_CODE: usize = 4096;

/// Key events into codes.
#[derive(Default)]
pub struct HidDecoder {
    shift: bool,
    caps: bool,
    buffer: String,
    /// The code being typed grew past [`MAX_CODE`]: the rest of it, up to Enter, is ignored.
    overflowed: bool,
}

impl HidDecoder {
    /// One key event (`value` 1 press, 0 release, 2 repeat); returns a code when Enter or Tab ends one.
    pub fn key(&mut self, code: u16, value: i32) -> Option<String> {
        match (code, value) {
            (KEY_LEFTSHIFT | KEY_RIGHTSHIFT, v) => {
                self.shift = v != 0;
                None
            }
            (KEY_CAPSLOCK, 1) => {
                self.caps = !self.caps;
                None
            }
            (KEY_ENTER | KEY_KPENTER | KEY_TAB, 1) => {
                let code = std::mem::take(&mut self.buffer);
                let code = code.trim().to_string();
                let whole = !std::mem::take(&mut self.overflowed);
                (whole && !code.is_empty()).then_some(code)
            }
            (_, 1) if self.overflowed => None,
            (_, 1) => {
                // Caps lock flips letters only, as on a keyboard.
                let letter = key_char(code, false).is_some_and(|c| c.is_ascii_alphabetic());
                let shifted = self.shift ^ (self.caps && letter);
                if let Some(c) = key_char(code, shifted) {
                    if self.buffer.len() >= MAX_CODE {
                        self.buffer.clear();
                        self.overflowed = true;
                    } else {
                        self.buffer.push(c);
                    }
                }
                None
            }
            _ => None,
        }
    }
}

/// A grabbed evdev keyboard device.
pub struct HidScanner {
    device: evdev::raw_stream::RawDevice,
    decoder: HidDecoder,
}

impl HidScanner {
    pub fn open(path: &Path) -> io::Result<HidScanner> {
        let mut device = evdev::raw_stream::RawDevice::open(path)?;
        device.grab()?;
        Ok(HidScanner {
            device,
            decoder: HidDecoder::default(),
        })
    }
}

impl super::CodeSource for HidScanner {
    fn read_codes(&mut self, timeout: Duration) -> io::Result<Vec<String>> {
        let deadline = Instant::now() + timeout;
        let mut codes = Vec::new();
        while codes.is_empty() {
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                break;
            }
            let mut fd = libc::pollfd {
                fd: self.device.as_raw_fd(),
                events: libc::POLLIN,
                revents: 0,
            };
            // SAFETY: one valid pollfd for the device's open descriptor, for at most `left`.
            let ready =
                unsafe { libc::poll(&mut fd, 1, left.as_millis().min(i32::MAX as u128) as i32) };
            if ready < 0 {
                let e = io::Error::last_os_error();
                if e.kind() == io::ErrorKind::Interrupted {
                    continue;
                }
                return Err(e);
            }
            if ready == 0 {
                break;
            }
            if fd.revents & (libc::POLLERR | libc::POLLHUP | libc::POLLNVAL) != 0 {
                return Err(io::Error::new(
                    io::ErrorKind::UnexpectedEof,
                    "scanner disconnected",
                ));
            }
            for event in self.device.fetch_events()? {
                if event.event_type() == evdev::EventType::KEY {
                    if let Some(code) = self.decoder.key(event.code(), event.value()) {
                        codes.push(code);
                    }
                }
            }
        }
        Ok(codes)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn typed(decoder: &mut HidDecoder, keys: &[(u16, i32)]) -> Vec<String> {
        keys.iter()
            .filter_map(|&(code, value)| decoder.key(code, value))
            .collect()
    }

    fn press(code: u16) -> [(u16, i32); 2] {
        [(code, 1), (code, 0)]
    }

    #[test]
    fn a_receipt_number_typed_by_the_scanner() {
        // "XX-01" with shift for the capitals, then Enter.
        let mut keys = vec![(KEY_LEFTSHIFT, 1)];
        keys.extend(press(45)); // x → X
        keys.extend(press(45));
        keys.push((KEY_LEFTSHIFT, 0));
        keys.extend(press(12)); // -
        keys.extend(press(11)); // 0
        keys.extend(press(2)); // 1
        keys.extend(press(KEY_ENTER));
        assert_eq!(typed(&mut HidDecoder::default(), &keys), vec!["XX-01"]);
    }

    /// Review finding: a key held down or a scanner stuck sending without Enter grew the buffer without end.
    #[test]
    fn the_hid_buffer_is_bounded() {
        let mut d = HidDecoder::default();
        for _ in 0..200_000 {
            assert_eq!(d.key(30, 1), None);
            d.key(30, 0);
        }
        assert!(
            d.buffer.len() <= MAX_CODE,
            "{} characters kept",
            d.buffer.len()
        );
        let code = typed(&mut d, &press(KEY_ENTER));
        assert!(code.is_empty(), "an over-long code is dropped whole");
        let mut keys = press(2).to_vec();
        keys.extend(press(KEY_ENTER));
        assert_eq!(typed(&mut d, &keys), vec!["1"], "the next code reads whole");
    }

    #[test]
    fn caps_lock_and_keypad_and_repeats() {
        let mut d = HidDecoder::default();
        let mut keys = press(KEY_CAPSLOCK).to_vec();
        keys.extend(press(30)); // a → A
        keys.extend(press(2)); // digits are not affected by caps lock
        keys.extend(press(79)); // keypad 1
        keys.push((30, 2)); // an auto-repeat is not a new key
        keys.extend(press(KEY_KPENTER));
        assert_eq!(typed(&mut d, &keys), vec!["A11"]);
        assert!(
            typed(&mut d, &press(KEY_ENTER)).is_empty(),
            "Enter alone is no code"
        );
    }
}
