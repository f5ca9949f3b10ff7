//! A kiosk whose outbox cannot keep an application safe takes none, says so in plain words, and takes them again
//! once it can.

mod common;

use std::sync::{Arc, Mutex};

use common::{init_headless, is_shown, open_kiosk, press, screenshot};
use kiosk::outbox::Outbox;

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
    press(&kiosk, "我要办事");
    assert!(is_shown(&kiosk, "本机暂停受理新的申请"));
    assert_eq!(
        kiosk.state.borrow().session.step(),
        kiosk::session::Step::Home
    );
    assert!(
        !kiosk.state.borrow().session.holds_personal_data(),
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
    press(&kiosk, "我要办事");
    assert!(!is_shown(&kiosk, "本机暂停受理新的申请"));
    assert_eq!(
        kiosk.state.borrow().session.step(),
        kiosk::session::Step::Identify,
        "taking applications again"
    );
}
