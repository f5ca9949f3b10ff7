//! The identify screen with the device service on simulated devices: a card read moves the applicant on, a card
//! left behind is pointed out on Home, and a faulty reader is explained in plain words while guides still work.

use crate::common;

use common::*;
use drivers::idcard::SimMode;
use kiosk::services::devices::DeviceUris;
use kiosk::session::Step;

#[test]
fn identify_with_the_simulated_reader() {
    init_headless();
    let kiosk = open_kiosk(1080, 1920);
    kiosk
        .attach_devices(&DeviceUris::all_sim())
        .expect("device service");
    until(&kiosk, "all devices ok", |k| {
        is_shown(k, "设备正常（演示模式）")
    });
    screenshot(&kiosk, "20-home-devices");

    press(&kiosk, "我要办事");
    assert!(is_shown(&kiosk, "请将身份证放在读卡区"));
    screenshot(&kiosk, "21-identify");

    press_when_shown(&kiosk, "演示：放置样例身份证");
    // Read: next, the consent to what the platform holds (contract 1.1).
    until(&kiosk, "the card read", |k| {
        k.app().session.step() == Step::Consent
    });
    assert!(is_shown(&kiosk, "是否同意查询您的电子证照和登记信息？"));
    assert!(kiosk.app().session.identity().is_some());

    // The visit ends with the card still on the reader: Home says so until it is taken.
    press(&kiosk, "首页");
    assert!(
        kiosk.app().session.identity().is_none(),
        "the identity is wiped with the visit"
    );
    assert!(is_shown(&kiosk, "读卡区上留有身份证，请取回您的证件。"));
    screenshot(&kiosk, "22-home-card-left");
    let sim = || sim_id_reader(&kiosk);
    sim().remove();
    until(&kiosk, "the card taken", |k| {
        !is_shown(k, "读卡区上留有身份证，请取回您的证件。")
    });

    // A reader whose security module fails: the identify screen explains, and the guides still work.
    sim().set_mode(SimMode::Fail(0x60));
    until(&kiosk, "the reader reported faulty", |k| {
        k.app()
            .devices
            .health_of(kiosk::services::devices::DeviceKind::IdReader)
            .is_some_and(|h| h.code() == "error")
    });
    press(&kiosk, "我要办事");
    assert!(is_shown(&kiosk, "读卡器暂时不能使用"));
    assert!(!is_shown(&kiosk, "演示：放置样例身份证"));
    screenshot(&kiosk, "23-identify-reader-fault");
    press(&kiosk, "首页");
    press(&kiosk, "办事指南");
    assert!(is_shown(&kiosk, "办事指南：选择要查看的事"));
}
