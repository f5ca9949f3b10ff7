//! The applicant's path on screen, driven by accessible labels with simulated devices, in both modes.

mod common;

use std::time::{Duration, Instant};

use common::*;
use kiosk::services::devices::DeviceUris;
use kiosk::session::Step;
use kiosk::{ItemsViewAdapter, ShellAdapter, Theme};
use slint::{ComponentHandle, Model};

/// Lets device events and task results in, as the event loop would when woken, until `done` holds.
fn until(kiosk: &kiosk::ui::Kiosk, what: &str, done: impl Fn(&kiosk::ui::Kiosk) -> bool) {
    let deadline = Instant::now() + Duration::from_secs(20);
    while Instant::now() < deadline {
        kiosk
            .window
            .global::<ShellAdapter>()
            .invoke_services_changed();
        if done(kiosk) {
            return;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    panic!("timed out waiting for: {what}");
}

fn step(kiosk: &kiosk::ui::Kiosk) -> Step {
    kiosk.state.borrow().session.step()
}

fn shot(kiosk: &kiosk::ui::Kiosk, name: &str) {
    let theme = kiosk.window.global::<Theme>();
    theme.set_elderly(false);
    screenshot(kiosk, name);
    theme.set_elderly(true);
    screenshot(kiosk, &format!("{name}-elderly"));
    theme.set_elderly(false);
}

#[test]
fn the_path_from_card_to_notice() {
    init_headless();
    let kiosk = open_kiosk(1080, 1920);
    kiosk
        .attach_devices(&DeviceUris::all_sim())
        .expect("device service");
    until(&kiosk, "all devices ok", |k| {
        is_shown(k, "设备正常（演示模式）")
    });
    press(&kiosk, "我要办事");
    press(&kiosk, "演示：放置样例身份证");
    until(&kiosk, "the card read", |k| step(k) == Step::Choose);
    assert!(is_shown(&kiosk, "第 2 步，共 10 步：选择事项") || is_shown(&kiosk, "选择要办的事"));
    find(&kiosk, "搜索事项")
        .into_iter()
        .next()
        .expect("the search field")
        .set_accessible_value("lmg");
    press(&kiosk, "我要开拉面馆");
    assert_eq!(step(&kiosk), Step::Items);
    shot(&kiosk, "30-items");

    let items = || kiosk.window.global::<ItemsViewAdapter>().get_items();
    assert_eq!(
        items().iter().filter(|i| i.ticked).count(),
        4,
        "all ticked at first"
    );
    let advert = items()
        .iter()
        .find(|i| i.name.contains("户外广告"))
        .expect("the advertising approval");
    press(
        &kiosk,
        &format!("☑ 办理：{}（{}）", advert.name, advert.department),
    );
    assert_eq!(items().iter().filter(|i| i.ticked).count(), 3);
    press(&kiosk, "下一步");
    assert_eq!(step(&kiosk), Step::Notice);
    assert!(is_shown(&kiosk, "一次告知：办理我要开拉面馆需要这些材料"));
    shot(&kiosk, "31-notice");
    press(&kiosk, "打印告知单");
    until(&kiosk, "the notice printed", |k| {
        k.state.borrow().print_note.contains("已打印")
    });
    let printed = kiosk
        .state
        .borrow()
        .devices
        .service
        .as_ref()
        .and_then(|d| d.sim())
        .and_then(|s| s.printer())
        .map(|p| p.received())
        .unwrap_or_default();
    let text = encoding_rs::GB18030.decode(&printed).0.to_string();
    assert!(text.contains("一次告知单"), "{text}");
    assert!(
        !text.contains("户外广告"),
        "the unticked item is not on the slip"
    );
    press(&kiosk, "材料齐全，下一步");
    assert_eq!(step(&kiosk), Step::Form);
}
