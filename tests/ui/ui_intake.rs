//! A kiosk whose outbox cannot keep an application safe takes none, says so in plain words, and takes them again
//! once it can.

use crate::common;

use std::sync::{Arc, Mutex};

use common::{init_headless, is_shown, open_kiosk, press, screenshot, until};
use kiosk::outbox::Outbox;
use slint::ComponentHandle;

/// 我要办事, and the answer to whether the outbox can keep an application (asked off the UI thread).
fn apply(kiosk: &kiosk::ui::Kiosk) {
    press(kiosk, "我要办事");
    until(kiosk, "the intake checked", |k| !k.app().checking_intake);
}

#[test]
fn an_unwritable_outbox_stops_new_applications_with_a_plain_message() {
    init_headless();
    let kiosk = open_kiosk(1080, 1920);
    let dir = tempfile::tempdir().unwrap();
    let outbox = Outbox::open(dir.path()).unwrap();
    kiosk
        .attach_intake(Arc::new(Mutex::new(outbox)), None)
        .unwrap();

    // The spool becomes unwritable (a file where its folder was: even root cannot write into that).
    let spool = dir.path().join("spool");
    std::fs::remove_dir_all(&spool).unwrap();
    std::fs::write(&spool, b"").unwrap();
    apply(&kiosk);
    assert!(is_shown(&kiosk, "本机暂停受理新的申请"));
    assert_eq!(kiosk.app().session.step(), kiosk::session::Step::Home);
    assert!(
        !kiosk.app().session.holds_personal_data(),
        "nothing was taken in"
    );
    screenshot(&kiosk, "24-intake-paused");
    press(&kiosk, "首页");
    press(&kiosk, "办事指南");
    assert!(
        is_shown(&kiosk, "办事指南：选择要查看的事"),
        "the guides still work"
    );
    press(&kiosk, "首页");

    std::fs::remove_file(&spool).unwrap();
    std::fs::create_dir(&spool).unwrap();
    apply(&kiosk);
    assert!(!is_shown(&kiosk, "本机暂停受理新的申请"));
    assert_eq!(
        kiosk.app().session.step(),
        kiosk::session::Step::Identify,
        "taking applications again"
    );
    drop(kiosk);
    a_real_back_office_takes_nothing_from_simulated_devices();
}

/// (Part of the test above: one Slint platform per test binary.) Review finding: with a real back office
/// configured and `sim` devices (or the shipped placeholder id), the kiosk took applications, and its demo
/// shortcuts filed one for the simulator's made-up resident. Now it takes none and says why to technicians,
/// and the shortcuts are gone.
fn a_real_back_office_takes_nothing_from_simulated_devices() {
    let real = kiosk::config::Config::load(&common::sim::kiosk_config(
        tempfile::tempdir().unwrap().path(),
        "https://backoffice.example.invalid",
        common::sim::SECRET,
        "",
    ))
    .unwrap();
    let backoffice = real.backoffice.as_ref().unwrap();
    for (kiosk_id, why) in [("XX-KIOSK-01", "XX-KIOSK-01"), ("XX-ZX-07", "模拟设备")] {
        let kiosk = open_kiosk(1080, 1920);
        kiosk
            .attach_devices(&kiosk::services::devices::DeviceUris::all_sim())
            .unwrap();
        kiosk.app_mut().kiosk_id = kiosk_id.into();
        let dir = tempfile::tempdir().unwrap();
        kiosk
            .attach_intake(
                Arc::new(Mutex::new(Outbox::open(dir.path()).unwrap())),
                Some((
                    backoffice,
                    kiosk_id,
                    kiosk::services::uplink::CatalogCache::new(dir.path()),
                )),
            )
            .unwrap();
        common::until(&kiosk, "devices ok", |k| {
            k.app().devices.simulated()
                && k.app()
                    .devices
                    .health_of(kiosk::services::devices::DeviceKind::IdReader)
                    == Some(&kiosk::services::devices::Health::Ok)
        });
        let reason = kiosk
            .app()
            .intake
            .as_ref()
            .and_then(|i| i.refusal())
            .unwrap_or_default();
        assert!(reason.contains(why), "{kiosk_id}: {reason}");
        apply(&kiosk);
        assert!(is_shown(&kiosk, "本机暂停受理新的申请"), "{kiosk_id}");
        assert_eq!(kiosk.app().session.step(), kiosk::session::Step::Home);
        press(&kiosk, "首页");
        // No demonstration shortcut is offered, and asking for one does nothing.
        press(&kiosk, "进度查询 / 领取");
        assert!(!is_shown(&kiosk, "放上示例身份证（演示）"));
        assert!(!is_shown(&kiosk, "扫描刚打印的回执（演示）"));
        kiosk
            .window
            .global::<kiosk::ui::views::StatusViewAdapter>()
            .invoke_simulate_card();
        common::pump_for(&kiosk, std::time::Duration::from_millis(500));
        assert!(!kiosk.app().devices.card_on_reader, "no sample card placed");
        press(&kiosk, "首页");
        // Technician mode says why.
        kiosk.app_mut().technician_settings.pin_hash =
            Some(kiosk::technician::pin::hash("246810").unwrap());
        kiosk.app_mut().technician_settings.data_dir = dir.path().to_path_buf();
        let window = kiosk.window.window();
        for _ in 0..5 {
            let position = slint::LogicalPosition::new(1040.0, 40.0);
            let button = slint::platform::PointerEventButton::Left;
            window
                .dispatch_event(slint::platform::WindowEvent::PointerPressed { position, button });
            window
                .dispatch_event(slint::platform::WindowEvent::PointerReleased { position, button });
        }
        for digit in "246810".chars() {
            press(&kiosk, &digit.to_string());
        }
        press(&kiosk, "确定");
        // The outbox is counted off the UI thread.
        until(&kiosk, "the outbox's state", |k| {
            !k.window
                .global::<kiosk::ui::views::TechnicianViewAdapter>()
                .get_outbox_status()
                .is_empty()
        });
        let shown = kiosk
            .window
            .global::<kiosk::ui::views::TechnicianViewAdapter>()
            .get_outbox_status();
        assert!(
            shown.contains("暂停受理") && shown.contains(why),
            "{kiosk_id}: {shown}"
        );
        press(&kiosk, "退出维护");
    }
}
