//! What the terminal's package installs and what technicians run on it as root (issue 12, item 6): the unit lets
//! libinput open the touch screen, and `kiosk technician set-pin` leaves the configuration to the kiosk's user.

use crate::common;

use std::io::Write;
use std::os::unix::fs::MetadataExt;
use std::process::{Command, Stdio};

use common::repo_path;

/// The `DeviceAllow=` lines of the unit, as (device class, access).
fn device_rules() -> Vec<(String, String)> {
    let unit = std::fs::read_to_string(repo_path("kiosk.service")).unwrap();
    unit.lines()
        .filter_map(|l| l.trim().strip_prefix("DeviceAllow="))
        .filter_map(|rule| {
            let mut parts = rule.split_whitespace();
            Some((parts.next()?.to_string(), parts.next()?.to_string()))
        })
        .collect()
}

/// Review finding: `DeviceAllow=char-input r` let the kiosk open input devices read-only, but libinput opens touch
/// screens `O_RDWR` (it sets their state), so a terminal would show Home and take no touch at all.
#[test]
fn the_unit_lets_libinput_open_touch_screens_read_write() {
    let rules = device_rules();
    let input = rules
        .iter()
        .find(|(class, _)| class == "char-input")
        .expect("input devices are allowed");
    assert!(
        input.1.contains('r') && input.1.contains('w'),
        "char-input is `{}`",
        input.1
    );
    // The display and the serial devices keep what they had.
    for class in ["char-drm", "char-ttyUSB", "char-video4linux"] {
        assert!(
            rules.iter().any(|(c, a)| c == class && a.contains('w')),
            "{class}"
        );
    }
}

/// Review finding: run as root (as technicians do on a terminal), `set-pin` replaced the configuration with a
/// file owned by root, which the kiosk's user can then no longer read: the kiosk would not start.
#[test]
fn set_pin_as_root_keeps_the_config_files_owner() {
    if unsafe { libc::geteuid() } != 0 {
        eprintln!("skipped: needs root to own a file as another user (CI runs as root)");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("kiosk.toml");
    let shipped = std::fs::read_to_string(repo_path("config/kiosk.toml")).unwrap();
    std::fs::write(
        &config,
        shipped.replace(
            "catalog = \"catalog\"",
            &format!("catalog = \"{}\"", repo_path("config/catalog").display()),
        ),
    )
    .unwrap();
    let (uid, gid) = (4321u32, 4322u32);
    std::os::unix::fs::chown(&config, Some(uid), Some(gid)).unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_kiosk"))
        .arg("--config")
        .arg(&config)
        .args(["technician", "set-pin"])
        .stdin(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(b"246810\n").unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let meta = std::fs::metadata(&config).unwrap();
    assert_eq!((meta.uid(), meta.gid()), (uid, gid));
    assert!(std::fs::read_to_string(&config)
        .unwrap()
        .contains("$argon2id$"));
}
