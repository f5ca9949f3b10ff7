//! The idle timeout firing in the middle of the path: a warning with a countdown and one touch to stay, then on
//! expiry everything personal is gone from the session, the UI models and the screen, and Home shows.

use crate::common;

use std::time::{Duration, Instant};

use common::*;
use kiosk::services::devices::DeviceUris;
use kiosk::session::Step;
use kiosk::ui::views::{CaptureViewAdapter, FormViewAdapter, ShellAdapter};
use slint::{ComponentHandle, Model};

/// Makes the applicant's last touch `ago` in the past, then lets the idle timer tick.
fn idle_for(kiosk: &kiosk::ui::Kiosk, ago: Duration) {
    let then = Instant::now()
        .checked_sub(ago)
        .expect("the clock goes back that far");
    kiosk.app_mut().session.touch(then);
    i_slint_backend_testing::mock_elapsed_time(Duration::from_millis(600));
}

#[test]
fn the_idle_timeout_wipes_the_visit_mid_path() {
    init_headless();
    let kiosk = open_kiosk(1080, 1920);
    kiosk
        .attach_devices(&DeviceUris::all_sim())
        .expect("device service");
    until(&kiosk, "all devices ok", |k| {
        is_shown(k, "设备正常（演示模式）")
    });
    press(&kiosk, "我要办事");
    press_when_shown(&kiosk, "演示：放置样例身份证");
    until(&kiosk, "the card read", |k| {
        k.app().session.step() == Step::Consent
    });
    press(&kiosk, "不同意，我自己提交材料");
    press(&kiosk, "不同意");
    assert_eq!(kiosk.app().session.step(), Step::Choose);
    find(&kiosk, "搜索事项")
        .into_iter()
        .next()
        .expect("search")
        .set_accessible_value("lmg");
    press(&kiosk, "我要开拉面馆");
    press(&kiosk, "租赁场地");
    press(&kiosk, "下一步");
    press(&kiosk, "我是法定代表人");
    press(&kiosk, "材料齐全，下一步");
    let org = find(&kiosk, "单位名称（个体工商户字号）")
        .into_iter()
        .find(|e| e.accessible_role() == Some(i_slint_backend_testing::AccessibleRole::TextInput))
        .expect("the name field");
    org.invoke_accessible_default_action();
    for c in "laoma".chars() {
        press(&kiosk, &c.to_string());
    }
    press(&kiosk, "老马");
    assert_eq!(kiosk.app().session.form().get("org_name"), "老马");
    assert!(kiosk.app().session.holds_personal_data());

    // The warning: a countdown of at least 20 s, and one touch to stay.
    let policy = kiosk::config::Config::load(&repo_path("config/kiosk.toml"))
        .unwrap()
        .idle;
    idle_for(&kiosk, policy.warn_after + Duration::from_secs(1));
    let left = kiosk
        .window
        .global::<ShellAdapter>()
        .get_idle_seconds_left();
    assert!(left >= 20, "{left} s to react");
    assert!(is_shown(&kiosk, "继续办理"));
    screenshot(&kiosk, "40-idle-warning");
    press(&kiosk, "继续办理");
    i_slint_backend_testing::mock_elapsed_time(Duration::from_millis(600));
    assert_eq!(
        kiosk
            .window
            .global::<ShellAdapter>()
            .get_idle_seconds_left(),
        -1
    );
    assert_eq!(kiosk.app().session.form().get("org_name"), "老马", "kept");

    // No touch at all: the visit ends and everything personal goes.
    idle_for(
        &kiosk,
        policy.warn_after + policy.warning + Duration::from_secs(1),
    );
    let state = kiosk.app();
    assert_eq!(state.session.step(), Step::Home);
    assert!(!state.session.holds_personal_data());
    assert!(state.typing.is_none(), "no field open, no pinyin composing");
    assert!(state.capture.thumbnails.is_empty());
    drop(state);
    assert_eq!(
        kiosk
            .window
            .global::<FormViewAdapter>()
            .get_fields()
            .row_count(),
        0
    );
    assert_eq!(
        kiosk
            .window
            .global::<CaptureViewAdapter>()
            .get_pages()
            .row_count(),
        0
    );
    assert!(!is_shown(&kiosk, "老马"));
    assert!(is_shown(&kiosk, "我要办事"), "the next applicant sees Home");
}
