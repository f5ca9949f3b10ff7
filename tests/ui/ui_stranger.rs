//! A stranger at the kiosk (issue 12): with the receipt number of someone else's delivered application, typed or
//! scanned, nothing of it appears on screen, in the accessibility tree or on the printer; six wrong codes in a
//! minute bring the wait, and leaving for Home does not lift it. With the right check code, or the applicant's
//! card, everything does; and a member of staff signed in by the back office finds it by number and prints the
//! slip, which says so.

use crate::common;

use std::sync::{Arc, Mutex};

use common::sim::{add_staff, enqueue, kiosk_config, set_status, Sim, CHECK_CODE, KIOSK, SECRET};
use common::*;
use i_slint_backend_testing::ElementRoot;
use kiosk::config::Config;
use kiosk::outbox::Outbox;
use kiosk::services::devices::DeviceUris;
use kiosk::services::uplink::CatalogCache;
use kiosk::ui::views::StatusViewAdapter;
use kiosk::ui::Kiosk;
use slint::{ComponentHandle, Model};

/// Every accessible label and value in the window: what a screen reader (or a photo of the screen) gets.
fn accessible_texts(kiosk: &Kiosk) -> Vec<String> {
    kiosk
        .window
        .root_element()
        .query_descendants()
        .find_all()
        .into_iter()
        .flat_map(|e| [e.accessible_label(), e.accessible_value()])
        .flatten()
        .map(|t| t.to_string())
        .filter(|t| !t.is_empty())
        .collect()
}

fn adapter(kiosk: &Kiosk) -> StatusViewAdapter<'_> {
    kiosk.window.global::<StatusViewAdapter>()
}

fn problem(kiosk: &Kiosk) -> String {
    adapter(kiosk).get_problem().to_string()
}

/// Types into the status screen's fields through the view's callbacks, as the keys do.
fn type_query(kiosk: &Kiosk, receipt_no: &str, code: &str) {
    let a = adapter(kiosk);
    a.invoke_again();
    status_type_field(kiosk, 1);
    for c in receipt_no.chars() {
        keyboard(kiosk).invoke_key(c.to_string().into());
    }
    status_type_field(kiosk, 2);
    for c in code.chars() {
        keyboard(kiosk).invoke_key(c.to_string().into());
    }
    press(kiosk, "查询");
}

#[test]
fn a_stranger_with_a_receipt_number_sees_nothing_and_the_applicant_everything() {
    init_headless();
    let dir = tempfile::tempdir().unwrap();
    let sim = Sim::start(&dir.path().join("backoffice"), &[]);
    let config = Config::load(&kiosk_config(dir.path(), &sim.url, SECRET, "")).unwrap();
    let data = dir.path().join("data");
    enqueue(&data, 1, 1, 2_000);
    let outbox = Arc::new(Mutex::new(Outbox::open(&data).unwrap()));
    let receipt_no = outbox.lock().unwrap().list().unwrap()[0].receipt_no.clone();

    let kiosk = open_kiosk(1080, 1920);
    kiosk.attach_devices(&DeviceUris::all_sim()).unwrap();
    kiosk
        .attach_intake(
            outbox.clone(),
            Some((
                config.backoffice.as_ref().unwrap(),
                KIOSK,
                CatalogCache::new(&data),
            )),
        )
        .unwrap();
    until(&kiosk, "devices ok", |k| {
        is_shown(k, "设备正常（演示模式）")
    });
    until(&kiosk, "the application delivered", |_| {
        sim.store().application(&receipt_no).unwrap().is_some()
    });
    // Window staff have it ready: a pickup code now exists that a stranger must never see.
    let out = set_status(
        &sim,
        &[&receipt_no, "*", "ready_for_pickup", "--window", "3"],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let pickup_code = sim.store().application(&receipt_no).unwrap().unwrap().items[0]
        .pickup_code
        .clone()
        .unwrap();
    // What the application would show: none of it may reach a stranger.
    let secrets = [
        pickup_code.as_str(),
        "职工正常退休",
        "人社局",
        "【请留意】已可领取：请到3号窗口",
    ];
    let printer = sim_printer(&kiosk);
    printer.clear();
    press(&kiosk, "进度查询 / 领取");

    // The applicant, with the code from the receipt: everything.
    type_query(&kiosk, &receipt_no, CHECK_CODE);
    until(&kiosk, "the answer to the right code", |k| {
        status_phase(k) == 2
    });
    assert!(is_shown(&kiosk, "【请留意】已可领取：请到3号窗口"));
    assert!(adapter(&kiosk)
        .get_ready_summary()
        .contains(pickup_code.as_str()));
    // (What the stranger must not find is found here, by the same search of the accessibility tree.)
    let texts = accessible_texts(&kiosk);
    for secret in secrets {
        assert!(
            texts.iter().any(|t| t.contains(secret)),
            "{secret} shown to the applicant"
        );
    }
    assert!(adapter(&kiosk).get_can_print_pickup());
    // The applicant's card: everything too.
    press(&kiosk, "首页");
    press(&kiosk, "进度查询 / 领取");
    press_when_shown(&kiosk, "放上示例身份证（演示）");
    until(&kiosk, "the answer to the card", |k| status_phase(k) == 2);
    assert!(is_shown(&kiosk, &format!("受理编号 {receipt_no}")));
    press(&kiosk, "首页");

    // Staff: a wrong PIN is refused in words; signed in, the number alone finds it and the slip says who printed.
    assert!(add_staff(&sim, "S1024", "王芳", "13579").status.success());
    press(&kiosk, "进度查询 / 领取");
    press(&kiosk, "工作人员登录");
    let sign_in = |pin: &str| {
        let a = adapter(&kiosk);
        status_type_field(&kiosk, 3);
        for c in "S1024".chars() {
            keyboard(&kiosk).invoke_key(c.to_string().into());
        }
        status_type_field(&kiosk, 4);
        for c in pin.chars() {
            keyboard(&kiosk).invoke_key(c.to_string().into());
        }
        assert_eq!(
            a.get_staff_pin_dots().chars().count(),
            pin.len(),
            "the PIN as dots"
        );
        assert!(
            !accessible_texts(&kiosk).iter().any(|t| t.contains(pin)),
            "the PIN is never shown"
        );
        press(&kiosk, "登录");
    };
    sign_in("24680");
    until(&kiosk, "a wrong PIN refused", |k| {
        problem(k).contains("工号或密码不对")
    });
    adapter(&kiosk).invoke_staff_cancel();
    press(&kiosk, "工作人员登录");
    sign_in("13579");
    until(&kiosk, "staff signed in", |k| {
        !adapter(k).get_staff_name().is_empty()
    });
    // Signed out while a look-up is on its way: its answer shows to no one (review finding).
    sim.set_faults("slow=1500@status");
    type_query(&kiosk, &receipt_no, "");
    assert_eq!(status_phase(&kiosk), 1, "looking it up");
    press(&kiosk, "退出登录");
    pump_for(&kiosk, std::time::Duration::from_millis(2500));
    assert_ne!(
        status_phase(&kiosk),
        2,
        "the answer after sign-out is dropped"
    );
    assert_eq!(adapter(&kiosk).get_applications().row_count(), 0);
    sim.set_faults("");
    press(&kiosk, "工作人员登录");
    sign_in("13579");
    until(&kiosk, "staff signed in again", |k| {
        !adapter(k).get_staff_name().is_empty()
    });
    assert!(is_shown(
        &kiosk,
        "工作人员 王芳 已登录：可只凭受理编号为他人查询、打印取件凭证"
    ));
    type_query(&kiosk, &receipt_no, "");
    until(&kiosk, "the staff look-up", |k| status_phase(k) == 2);
    press(&kiosk, "打印取件凭证");
    until(&kiosk, "the slip printed", |k| {
        k.app().print_note.contains("代为打印")
    });
    let slip =
        drivers::printer::decode::to_text(&drivers::printer::decode::decode(&printer.received()));
    assert!(slip.contains("代为打印：工作人员 王芳"), "{slip}");
    assert!(slip.contains(pickup_code.as_str()));
    assert_eq!(sim.store().live_staff_sessions().unwrap(), 1);
    screenshot(&kiosk, "64-status-staff");
    // The visit ends: the staff session with it, at the kiosk and at the back office.
    press(&kiosk, "首页");
    assert!(kiosk.app().staff.is_none());
    until(&kiosk, "the session ended at the back office", |_| {
        sim.store().live_staff_sessions().unwrap() == 0
    });
    printer.clear();

    // The stranger. A number typed without a code: nothing is looked up, nothing shown.
    press(&kiosk, "进度查询 / 领取");
    type_query(&kiosk, &receipt_no, "");
    assert!(problem(&kiosk).contains("查询码"), "{}", problem(&kiosk));
    let nothing_shown = |when: &str| {
        pump_for(&kiosk, std::time::Duration::from_millis(300));
        assert_ne!(status_phase(&kiosk), 2, "{when}");
        assert_eq!(adapter(&kiosk).get_applications().row_count(), 0, "{when}");
        assert!(adapter(&kiosk).get_ready_summary().is_empty(), "{when}");
        assert!(!adapter(&kiosk).get_can_print_pickup(), "{when}");
        let texts = accessible_texts(&kiosk);
        for secret in secrets {
            assert!(
                !texts.iter().any(|t| t.contains(secret)),
                "{when}: {secret} is in the accessibility tree"
            );
        }
        assert!(printer.received().is_empty(), "{when}: something printed");
    };
    nothing_shown("typed without a code");
    // Scanned without a code: the receipt number alone, and the pickup slip's QR code.
    sim_scan(&kiosk, &receipt_no);
    until(&kiosk, "a number alone refused", |k| {
        problem(k).contains("没有查询码")
    });
    nothing_shown("scanned without a code");
    sim_scan(&kiosk, &format!("{receipt_no}#{pickup_code}"));
    pump_for(&kiosk, std::time::Duration::from_millis(300));
    nothing_shown("the pickup slip's QR code");

    // Guessing codes and leaving before each answer comes (review finding: the answer, and with it the count,
    // was dropped when the visitor left): each try still counts.
    sim.set_faults("slow=800@status");
    for guess in ["ABCDEFGH", "K7M2PQRT"] {
        type_query(&kiosk, &receipt_no, guess);
        press(&kiosk, "首页");
        press(&kiosk, "进度查询 / 领取");
        nothing_shown("left before the answer");
    }
    pump_for(&kiosk, std::time::Duration::from_millis(1500));
    sim.set_faults("");
    // Three more, waiting for the answers: each "not found", in the same words as an unknown number.
    for (i, guess) in ["ZZZZZZZZ", "23456789", "HJKMNPQR"].iter().enumerate() {
        type_query(&kiosk, &receipt_no, guess);
        until(&kiosk, "the wrong code answered", |k| {
            problem(k).contains("或查询码不对")
        });
        nothing_shown(&format!("wrong code {}", i + 1));
    }
    // The sixth brings the wait, also after leaving for Home and coming back, also with the right code.
    for code in ["QRSTUVWX", CHECK_CODE] {
        press(&kiosk, "首页");
        press(&kiosk, "进度查询 / 领取");
        type_query(&kiosk, &receipt_no, code);
        assert!(
            problem(&kiosk).contains("请") && problem(&kiosk).contains("秒后再试"),
            "{}",
            problem(&kiosk)
        );
        nothing_shown("during the wait");
    }
    screenshot(&kiosk, "65-status-wait");
    // The card still works during the wait: it proves who is asking.
    press_when_shown(&kiosk, "放上示例身份证（演示）");
    until(&kiosk, "the card during the wait", |k| status_phase(k) == 2);
    press(&kiosk, "首页");
    assert_eq!(adapter(&kiosk).get_applications().row_count(), 0);
}
