//! Technician mode headless: the hidden corner opens a PIN pad; wrong PINs lock it (and the lock survives in the
//! data folder); the right PIN opens the devices; the printer is re-configured to a network printer on 58 mm
//! paper, saved (the file on disk rewritten atomically, comments kept, read back), applied without a restart,
//! and re-tested by printing a test receipt to it.

use crate::common;

use std::io::Write;
use std::net::TcpListener;
use std::process::Stdio;
use std::sync::Arc;

use common::sim::kiosk_bin;
use common::*;
use drivers::printer::decode::{decode, to_text, Element};
use drivers::printer::SimPrinter;
use kiosk::app::Settings;
use kiosk::config::Config;
use kiosk::services::devices::{DeviceKind, DeviceUris, Health};
use kiosk::ui::views::TechnicianViewAdapter;
use kiosk::ui::Kiosk;
use slint::platform::{PointerEventButton, WindowEvent};
use slint::{ComponentHandle, LogicalPosition, Model};

fn tap(kiosk: &Kiosk, x: f32, y: f32) {
    let position = LogicalPosition::new(x, y);
    let window = kiosk.window.window();
    window.dispatch_event(WindowEvent::PointerPressed {
        position,
        button: PointerEventButton::Left,
    });
    window.dispatch_event(WindowEvent::PointerReleased {
        position,
        button: PointerEventButton::Left,
    });
}

fn enter(kiosk: &Kiosk, pin: &str) {
    for digit in pin.chars() {
        press(kiosk, &digit.to_string());
    }
    press(kiosk, "确定");
    // The PIN is checked off the UI thread.
    until(kiosk, "the PIN checked", |k| {
        !k.app().technician.as_ref().is_some_and(|t| t.checking_pin)
    });
}

/// 保存并生效, written off the UI thread.
fn save(kiosk: &Kiosk) {
    press(kiosk, "保存并生效");
    until(kiosk, "the settings saved", |k| {
        !k.app().technician.as_ref().is_some_and(|t| t.saving)
    });
}

fn message(kiosk: &Kiosk) -> String {
    kiosk
        .window
        .global::<TechnicianViewAdapter>()
        .get_pin_message()
        .to_string()
}

#[test]
fn technician_mode_reconfigures_and_retests_a_device() {
    init_headless();
    let dir = tempfile::tempdir().unwrap();
    let shipped = std::fs::read_to_string(repo_path("config/kiosk.toml")).unwrap();
    let config_path = dir.path().join("kiosk.toml");
    std::fs::write(
        &config_path,
        shipped
            .replace(
                "catalog = \"catalog\"",
                &format!("catalog = \"{}\"", repo_path("config/catalog").display()),
            )
            .replace("data_dir = \"../data\"", "data_dir = \"data\""),
    )
    .unwrap();

    // The PIN is set from the command line, read from standard input, stored as a hash.
    let mut child = kiosk_bin()
        .arg("--config")
        .arg(&config_path)
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
    let text = std::fs::read_to_string(&config_path).unwrap();
    assert!(text.contains("pin_hash = \"$argon2id$"), "{text}");
    assert!(!text.contains("246810"));

    let config = Config::load(&config_path).unwrap();
    let kiosk = Kiosk::new(Arc::new(shipped_catalog()), Settings::from_config(&config)).unwrap();
    kiosk.set_size(1080, 1920);
    kiosk
        .attach_devices(&DeviceUris::from_config(&config.devices).unwrap())
        .unwrap();
    let outbox = kiosk::outbox::Outbox::open(&config.data_dir).unwrap();
    kiosk
        .attach_intake(Arc::new(std::sync::Mutex::new(outbox)), None)
        .unwrap();
    until(&kiosk, "devices ok", |k| {
        is_shown(k, "设备正常（演示模式）")
    });

    // Four taps on the header's right corner do nothing; the fifth opens the PIN pad.
    for _ in 0..4 {
        tap(&kiosk, 1040.0, 40.0);
    }
    assert!(kiosk.app().technician.is_none());
    tap(&kiosk, 1040.0, 40.0);
    assert!(kiosk.app().technician.is_some());
    assert!(is_shown(&kiosk, "请输入维护密码"));
    screenshot(&kiosk, "70-technician-pin");

    // Three wrong PINs lock the pad; then even the right one is refused until the wait is over.
    enter(&kiosk, "111111");
    assert_eq!(message(&kiosk), "密码错误，还可再试 2 次");
    enter(&kiosk, "222222");
    enter(&kiosk, "333333");
    assert_eq!(message(&kiosk), "密码错误次数过多，请 30 秒后再试");
    enter(&kiosk, "246810");
    assert!(message(&kiosk).starts_with("已锁定"), "{}", message(&kiosk));
    assert!(!kiosk
        .window
        .global::<TechnicianViewAdapter>()
        .get_unlocked());
    // The lock is kept in the data folder, so a restart does not lift it.
    let lock = std::fs::read_to_string(config.data_dir.join("technician-lockout")).unwrap();
    assert!(lock.starts_with("3 "), "{lock}");
    // (The wait passing is the PIN guard's unit test; here it is lifted as a restart after the wait would: the
    // file says the lock has ended, and the running kiosk's guard, on the monotonic clock, is started afresh.)
    std::fs::write(config.data_dir.join("technician-lockout"), "3 0\n").unwrap();
    kiosk.app_mut().technician_guard = None;
    enter(&kiosk, "246810");
    assert!(
        kiosk
            .window
            .global::<TechnicianViewAdapter>()
            .get_unlocked(),
        "{}",
        message(&kiosk)
    );
    assert!(is_shown(&kiosk, "小票打印机"));
    // What this terminal has is found off the UI thread, a moment after the mode opens.
    until(&kiosk, "the devices found", |k| {
        k.app()
            .technician
            .as_ref()
            .is_some_and(|t| t.choices.is_some())
    });
    screenshot(&kiosk, "71-technician");

    // A network printer appears; the technician types its address, picks 58 mm paper and saves.
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let address = format!("tcp://{}", listener.local_addr().unwrap());
    let network_printer = SimPrinter::default();
    let serving = network_printer.clone();
    std::thread::spawn(move || serving.serve_tcp(listener));
    let adapter = kiosk.window.global::<TechnicianViewAdapter>();
    adapter.invoke_edit(1);
    assert!(
        is_shown(&kiosk, "符号"),
        "the keyboard offers symbols for addresses"
    );
    keyboard(&kiosk).invoke_backspace();
    for _ in 0..10 {
        keyboard(&kiosk).invoke_backspace();
    }
    keyboard(&kiosk).invoke_key(address.as_str().into());
    keyboard(&kiosk).invoke_close();
    // (Below the five devices: scrolled to, as a finger would.)
    assert!(scroll_to(&kiosk, "58 毫米"));
    press(&kiosk, "58 毫米");
    let before = std::fs::read_to_string(&config_path).unwrap();
    save(&kiosk);
    assert_eq!(adapter.get_save_note(), "已保存并生效");

    // On disk: the new values, every comment kept, nothing half-written left beside it; read back the same.
    let after = std::fs::read_to_string(&config_path).unwrap();
    assert!(
        after.contains(&format!("printer = \"{address}\"")),
        "{after}"
    );
    assert!(after.contains("printer_width_mm = 58"));
    for line in before.lines().filter(|l| l.trim_start().starts_with('#')) {
        assert!(after.contains(line), "comment lost: {line}");
    }
    let files: Vec<String> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".toml") || n.ends_with(".new"))
        .collect();
    assert_eq!(files, vec!["kiosk.toml".to_string()]);
    let reread = Config::load(&config_path).unwrap();
    assert_eq!(reread.devices.printer, address);
    assert_eq!(reread.devices.paper, drivers::printer::PaperWidth::Mm58);

    // Applied without a restart: the new printer answers, and its test receipt prints at 58 mm.
    until(&kiosk, "the network printer ok", |k| {
        k.app().devices.health_of(DeviceKind::Printer) == Some(&Health::Ok)
    });
    press(&kiosk, "打印测试小票");
    until(&kiosk, "the test receipt printed", |k| {
        k.app()
            .technician
            .as_ref()
            .is_some_and(|t| t.results[1] == "测试小票已打印")
    });
    let elements = decode(&network_printer.received());
    let text = to_text(&elements);
    assert!(text.starts_with("打印测试\n"), "{text}");
    assert!(text.contains("纸宽：58 毫米（384 点）"), "{text}");
    assert!(text.contains("[QR KIOSK-PRINT-TEST]"));
    for e in &elements {
        if let Element::Line(line) = e {
            assert!(
                drivers::printer::receipt::width_of(&line.text()) <= 32,
                "{}",
                line.text()
            );
        }
    }

    // The back office and the idle limit: typed, saved, and in force at once (the link starts and reports).
    let backoffice = common::sim::Sim::start(&dir.path().join("backoffice"), &[]);
    // The settings are read from the file off the UI thread when the mode opens.
    until(&kiosk, "the settings read", |_| {
        adapter.get_settings().row_count() > 0
    });
    let setting = |label: &str| {
        adapter
            .get_settings()
            .iter()
            .position(|s| s.label == label)
            .unwrap_or_else(|| panic!("no setting {label}")) as i32
    };
    for (label, value) in [
        ("受理系统地址", backoffice.url.as_str()),
        ("终端密钥", common::sim::SECRET),
        ("无操作多久提醒（秒）", "120"),
    ] {
        adapter.invoke_edit_setting(setting(label));
        for _ in 0..40 {
            keyboard(&kiosk).invoke_backspace();
        }
        keyboard(&kiosk).invoke_key(value.into());
        // Review finding: the secret was shown in clear on the keyboard's field while it was typed.
        if label == "终端密钥" {
            let typing = keyboard(&kiosk).get_field_value();
            assert!(
                !typing.contains(value) && typing.chars().count() == value.chars().count(),
                "the secret is not shown while typed: {typing}"
            );
        }
        keyboard(&kiosk).invoke_close();
    }
    let secret_shown = adapter
        .get_settings()
        .iter()
        .find(|s| s.label == "终端密钥")
        .unwrap()
        .value;
    assert!(
        !secret_shown.contains(common::sim::SECRET),
        "the secret is never shown: {secret_shown}"
    );
    save(&kiosk);
    assert_eq!(adapter.get_save_note(), "已保存并生效");
    let after = std::fs::read_to_string(&config_path).unwrap();
    assert!(after.contains("idle_warn_seconds = 120"), "{after}");
    assert!(
        after.contains(&format!("url = \"{}\"", backoffice.url)),
        "{after}"
    );
    assert_eq!(
        kiosk.app().idle.warn_after,
        std::time::Duration::from_secs(120)
    );
    until(&kiosk, "a heartbeat from the new link", |_| {
        backoffice
            .store()
            .last_heartbeat(common::sim::KIOSK)
            .unwrap()
            .is_some()
    });

    // What is behind the printer now, and the catalog fetched on request.
    let printer_row = adapter.get_devices().row_data(1).unwrap();
    assert_eq!(printer_row.info, "网络打印机");
    assert_eq!(
        adapter.get_devices().row_data(0).unwrap().info,
        "内置模拟器（演示）"
    );
    adapter.invoke_sync_catalog();
    assert!(adapter.get_save_note().contains("已开始同步事项目录"));
    until(&kiosk, "the catalog synced", |k| {
        let state = k.app();
        let uplink = state
            .intake
            .as_ref()
            .and_then(|i| i.uplink.as_ref())
            .unwrap();
        uplink.status().catalog_version.is_some()
    });

    // Screen rotation is saved for the next start (the DRM backend takes it when it starts), and says so.
    assert!(scroll_to(&kiosk, "90°"));
    press(&kiosk, "90°");
    save(&kiosk);
    assert_eq!(adapter.get_save_note(), "已保存；屏幕方向在终端重启后生效");
    assert!(std::fs::read_to_string(&config_path)
        .unwrap()
        .contains("rotation = 90"));
    assert_eq!(Config::load(&config_path).unwrap().rotation, 90);
    assert!(adapter.get_restart_needed());

    // 导出到U盘: refused without the back office's key, and without a stick (an empty folder in /media is none);
    // with both, the waiting packages are sealed off the UI thread, with progress on screen, and only the back
    // office's identity opens them.
    let outbox = kiosk.app().intake.as_ref().unwrap().outbox.clone();
    let ids = common::sim::enqueue_into(&mut outbox.lock().unwrap(), 3, 2, 20_000);
    let keys = tempfile::tempdir().unwrap();
    let identity = keys.path().join("identity.txt");
    let recipient = kiosk::outbox::transfer::new_identity(&identity).unwrap();
    kiosk.app_mut().technician_settings.export_recipient = None;
    adapter.invoke_export_outbox();
    assert!(
        adapter.get_save_note().contains("没有导出公钥"),
        "{}",
        adapter.get_save_note()
    );
    kiosk.app_mut().technician_settings.export_recipient = Some(recipient.to_string());
    kiosk.app_mut().technician_settings.removable_mounts =
        kiosk::app::RemovableMounts(Arc::new(Vec::new));
    adapter.invoke_export_outbox();
    // The stick is looked for off the UI thread too.
    until(&kiosk, "the stick looked for", |_| {
        !adapter.get_save_note().starts_with("正在导出到U盘")
    });
    assert!(
        adapter.get_save_note().contains("没有发现U盘"),
        "{}",
        adapter.get_save_note()
    );
    let stick = tempfile::tempdir().unwrap();
    let mount = stick.path().to_path_buf();
    kiosk.app_mut().technician_settings.removable_mounts =
        kiosk::app::RemovableMounts(Arc::new(move || vec![mount.clone()]));
    adapter.invoke_export_outbox();
    // The button returns at once: the export runs on a thread of its own and reports as it goes.
    assert!(
        adapter.get_save_note().starts_with("正在导出到U盘"),
        "{}",
        adapter.get_save_note()
    );
    until(&kiosk, "the export finished", |_| {
        adapter.get_save_note().starts_with("已导出")
    });
    assert!(
        adapter.get_save_note().contains("已导出 3 份"),
        "{}",
        adapter.get_save_note()
    );
    let folder = std::fs::read_dir(stick.path())
        .unwrap()
        .next()
        .unwrap()
        .unwrap()
        .path();
    let opened = kiosk::outbox::transfer::open_all(
        &folder,
        &kiosk::outbox::transfer::Identity::read(&identity).unwrap(),
    )
    .unwrap();
    let mut exported: Vec<String> = opened
        .into_iter()
        .map(|o| o.result.unwrap().manifest.package_id.clone())
        .collect();
    exported.sort();
    let mut queued = ids.clone();
    queued.sort();
    assert_eq!(exported, queued);

    // 退出维护 goes back to Home.
    press(&kiosk, "退出维护");
    assert!(kiosk.app().technician.is_none());
    assert!(is_shown(&kiosk, "我要办事"));
}
