//! Code scanners: serial line mode (codes end with a configurable suffix, or a pause) and USB HID keyboard mode
//! (evdev, grabbed so keystrokes never reach the UI). Both turn scans into strings.

mod hid;
mod serial;

use std::io;
use std::time::Duration;

pub use hid::{HidDecoder, HidScanner};
pub use serial::{LineDecoder, SerialScanner, Suffix};

/// Anything that yields scanned codes.
pub trait CodeSource: Send {
    /// Waits up to `timeout`; an empty list means nothing was scanned.
    fn read_codes(&mut self, timeout: Duration) -> io::Result<Vec<String>>;
}

impl<P: io::Read + Send> CodeSource for SerialScanner<P> {
    fn read_codes(&mut self, timeout: Duration) -> io::Result<Vec<String>> {
        SerialScanner::read_codes(self, timeout)
    }
}
