//! The device commands a technician runs, against the simulators run as separate processes.

use std::io::{BufRead, BufReader, Write};
use std::process::{Child, ChildStdin, Command, Output, Stdio};

use serde_json::Value;

fn kiosk(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_kiosk"))
        .args(args)
        .output()
        .expect("run kiosk")
}

/// A simulator process, its first line (where to connect), and its standard input for commands.
struct Sim {
    child: Child,
    address: String,
    stdin: ChildStdin,
    stdout: BufReader<std::process::ChildStdout>,
}

impl Sim {
    fn start(args: &[&str]) -> Sim {
        let mut child = Command::new(env!("CARGO_BIN_EXE_kiosk"))
            .args(args)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()
            .expect("start the simulator");
        let stdin = child.stdin.take().unwrap();
        let mut stdout = BufReader::new(child.stdout.take().unwrap());
        let mut address = String::new();
        stdout.read_line(&mut address).unwrap();
        Sim {
            child,
            address: address.trim().to_string(),
            stdin,
            stdout,
        }
    }

    fn say(&mut self, command: &str) {
        writeln!(self.stdin, "{command}").unwrap();
        let mut answer = String::new();
        self.stdout.read_line(&mut answer).unwrap();
        assert_eq!(answer.trim(), "ok", "{command}");
    }
}

impl Drop for Sim {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

#[test]
fn read_card_prints_the_card_as_json() {
    let sim = Sim::start(&["sim", "idcard"]);
    let out = kiosk(&[
        "device",
        "read-card",
        "--port",
        &sim.address,
        "--json",
        "--timeout",
        "5",
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let card: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(card["card_type"], "resident");
    assert_eq!(card["name"], "张三");
    assert_eq!(card["gender"], "男");
    assert_eq!(card["nation"], "汉");
    assert_eq!(card["birth_date"], "1949-12-31");
    assert_eq!(card["id_number"], "11010519491231002X");
    assert_eq!(card["valid_to"], "长期");
    assert_eq!(card["photo_bytes"], 1024);
}

#[test]
fn read_card_exit_codes() {
    let mut sim = Sim::start(&["sim", "idcard", "--no-card"]);
    let out = kiosk(&[
        "device",
        "read-card",
        "--port",
        &sim.address,
        "--timeout",
        "1",
    ]);
    assert_eq!(out.status.code(), Some(2), "no card: exit 2");
    sim.say("fail 60");
    let out = kiosk(&[
        "device",
        "read-card",
        "--port",
        &sim.address,
        "--timeout",
        "2",
    ]);
    assert_eq!(out.status.code(), Some(1), "device error: exit 1");
    assert!(String::from_utf8_lossy(&out.stderr).contains("安全模块故障"));
    sim.say("normal");
    sim.say("garbage");
    sim.say("place");
    let out = kiosk(&[
        "device",
        "read-card",
        "--port",
        &sim.address,
        "--timeout",
        "3",
    ]);
    assert!(
        out.status.success(),
        "through the noise: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn read_card_with_a_given_identity_file() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("permit.json");
    let body = "81000019900101001";
    let number = format!("{body}{}", drivers::id_number::check_char(body).unwrap());
    std::fs::write(
        &file,
        serde_json::json!({
            "card_type": "hk_mo_tw", "name": "陈大文", "gender": "男", "birth_date": "1990-01-01",
            "address": "广东省深圳市福田区", "id_number": number, "authority": "深圳市公安局",
            "valid_from": "2020-01-01", "valid_to": "2025-01-01", "pass_number": "H12345678", "issue_count": "01"
        })
        .to_string(),
    )
    .unwrap();
    let sim = Sim::start(&["sim", "idcard", "--identity", file.to_str().unwrap()]);
    let out = kiosk(&[
        "device",
        "read-card",
        "--port",
        &sim.address,
        "--json",
        "--timeout",
        "5",
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let card: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(card["card_type"], "hk_mo_tw");
    assert_eq!(card["pass_number"], "H12345678");
    assert_eq!(card["id_number"], number);
}

#[test]
fn printer_status_and_test_print() {
    let dir = tempfile::tempdir().unwrap();
    let record = dir.path().join("printed.bin");
    let mut sim = Sim::start(&[
        "sim",
        "printer",
        "--tcp",
        "127.0.0.1:0",
        "--record",
        record.to_str().unwrap(),
    ]);
    let out = kiosk(&["device", "printer-status", "--printer", &sim.address]);
    assert!(out.status.success());
    assert_eq!(String::from_utf8_lossy(&out.stdout).trim(), "ok");

    let out = kiosk(&[
        "device",
        "print-test",
        "--printer",
        &sim.address,
        "--width",
        "58",
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let mut printed = Vec::new();
    for _ in 0..50 {
        printed = std::fs::read(&record).unwrap_or_default();
        if printed.ends_with(&[0x1D, 0x56, 0x42, 0x40]) {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
    let (gb, _, _) = encoding_rs::GB18030.encode("打印测试");
    assert!(
        printed.windows(gb.len()).any(|w| w == &gb[..]),
        "the Chinese title was printed"
    );
    assert!(printed.ends_with(&[0x1D, 0x56, 0x42, 0x40]), "and cut");

    for (state, code) in [
        ("paper_out", "paper_out"),
        ("cover_open", "cover_open"),
        ("offline", "offline"),
    ] {
        sim.say(state);
        let out = kiosk(&["device", "printer-status", "--printer", &sim.address]);
        assert_eq!(out.status.code(), Some(1));
        assert_eq!(String::from_utf8_lossy(&out.stdout).trim(), code);
        let out = kiosk(&["device", "print-test", "--printer", &sim.address]);
        assert_eq!(out.status.code(), Some(1), "no printing when {state}");
    }
}

#[test]
fn scan_prints_codes() {
    let sim = Sim::start(&[
        "sim",
        "scanner",
        "--suffix",
        "lf",
        "--code",
        "XX-KIOSK-01-20261128-0007",
    ]);
    let out = kiosk(&[
        "device",
        "scan",
        "--port",
        &sim.address,
        "--suffix",
        "lf",
        "--timeout",
        "1",
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(
        String::from_utf8_lossy(&out.stdout).trim(),
        "XX-KIOSK-01-20261128-0007"
    );
}

#[test]
fn capture_writes_a_page() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("page.jpg");
    let result = kiosk(&[
        "device",
        "capture",
        "--camera",
        "sim",
        "--out",
        out.to_str().unwrap(),
    ]);
    assert!(
        result.status.success(),
        "{}",
        String::from_utf8_lossy(&result.stderr)
    );
    let jpeg = std::fs::read(&out).unwrap();
    assert_eq!(&jpeg[..2], &[0xFF, 0xD8]);
    assert!(
        jpeg.len() > 50_000,
        "a full-resolution page, not a thumbnail: {} bytes",
        jpeg.len()
    );
}
