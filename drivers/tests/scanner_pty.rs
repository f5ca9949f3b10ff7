//! The serial code scanner over a real PTY, as a scanner in line mode sends codes.

use std::io::Write;
use std::time::Duration;

use drivers::scanner::{SerialScanner, Suffix};
use serialport::{SerialPort, TTYPort};

#[test]
fn codes_arrive_one_by_one() {
    let (mut device, mut kiosk) = TTYPort::pair().expect("pty");
    kiosk.set_timeout(Duration::from_millis(20)).unwrap();
    let mut scanner = SerialScanner::new(kiosk, Suffix::Cr);
    assert!(
        scanner
            .read_codes(Duration::from_millis(100))
            .unwrap()
            .is_empty(),
        "nothing scanned yet"
    );
    device.write_all(b"XX-KIOSK-01-20261128-0007\r").unwrap();
    assert_eq!(
        scanner.read_codes(Duration::from_secs(1)).unwrap(),
        vec!["XX-KIOSK-01-20261128-0007"]
    );
    device.write_all(b"\x00\xFFnoise-without-suffix").unwrap();
    device.write_all(b"\r").unwrap();
    let codes = scanner.read_codes(Duration::from_secs(1)).unwrap();
    assert_eq!(codes.len(), 1);
    assert!(codes[0].ends_with("noise-without-suffix"));
}

#[test]
fn a_scanner_without_suffix_is_read_by_pauses() {
    let (mut device, mut kiosk) = TTYPort::pair().expect("pty");
    kiosk.set_timeout(Duration::from_millis(20)).unwrap();
    let mut scanner = SerialScanner::new(kiosk, Suffix::None);
    device.write_all(b"6901234567892").unwrap();
    let mut codes = Vec::new();
    for _ in 0..20 {
        codes.extend(scanner.read_codes(Duration::from_millis(100)).unwrap());
        if !codes.is_empty() {
            break;
        }
    }
    assert_eq!(codes, vec!["6901234567892"]);
}
