//! 进度查询/领取 on screen against the back-office simulator: an application delivered by the kiosk's own link,
//! looked up by typed receipt number, by the receipt's QR code and by ID card; window staff mark it ready; the
//! pickup slip prints with the window and the code, or shows as a QR code when the printer has no paper.

use crate::common;

use std::sync::{Arc, Mutex};

use common::shipped_catalog;
use common::sim::{enqueue, kiosk_config, set_status, Sim, CHECK_CODE, KIOSK, SECRET};
use common::*;
use drivers::printer::decode::{decode, Element};
use drivers::printer::PrinterState;
use kiosk::config::Config;
use kiosk::outbox::Outbox;
use kiosk::services::devices::DeviceUris;
use kiosk::services::uplink::CatalogCache;
use kiosk::session::Step;
use kiosk::ui::views::{KeyboardMode, StatusViewAdapter, Theme};
use kiosk::ui::Kiosk;
use slint::{ComponentHandle, Model};

fn shot(kiosk: &Kiosk, name: &str) {
    let theme = kiosk.window.global::<Theme>();
    screenshot(kiosk, name);
    theme.set_elderly(true);
    screenshot(kiosk, &format!("{name}-elderly"));
    theme.set_elderly(false);
}

fn phase(kiosk: &Kiosk) -> i32 {
    status_phase(kiosk)
}

/// Types `text` on the status screen's keyboard, switching between letters and digits as a person would.
fn type_keys(kiosk: &Kiosk, text: &str) {
    for c in text.chars() {
        let digits = c.is_ascii_digit() || c == '-';
        let mode = keyboard(kiosk).get_mode();
        if digits && mode != KeyboardMode::Digits {
            press(kiosk, "数字");
        } else if !digits && mode != KeyboardMode::Letters {
            press(kiosk, "英文");
        }
        let key = c.to_string();
        let keys = find(kiosk, &key);
        keys.into_iter()
            .find(|k| k.accessible_label().is_some_and(|l| l == key.as_str()))
            .unwrap_or_else(|| panic!("the key {key}"))
            .invoke_accessible_default_action();
    }
}

/// Types the receipt number and its check code, then presses 查询.
fn type_receipt_no(kiosk: &Kiosk, receipt_no: &str, check_code: &str) {
    press(kiosk, "输入受理编号");
    type_keys(kiosk, receipt_no);
    assert_eq!(
        kiosk.window.global::<StatusViewAdapter>().get_typed(),
        receipt_no,
        "typed as shown"
    );
    press(kiosk, "输入查询码");
    type_keys(kiosk, check_code);
    assert_eq!(
        kiosk.window.global::<StatusViewAdapter>().get_typed_code(),
        check_code
    );
    press(kiosk, "查询");
}

#[test]
fn pickup_flow_against_the_back_office() {
    init_headless();
    let dir = tempfile::tempdir().unwrap();
    let sim = Sim::start(&dir.path().join("backoffice"), &[]);
    let config = Config::load(&kiosk_config(dir.path(), &sim.url, SECRET, "")).unwrap();
    let data = dir.path().join("data");
    enqueue(&data, 1, 1, 2_000);
    let outbox = Arc::new(Mutex::new(Outbox::open(&data).unwrap()));
    let receipt_no = outbox.lock().unwrap().list().unwrap()[0].receipt_no.clone();

    let kiosk = open_kiosk(1080, 1920);
    kiosk
        .attach_devices(&DeviceUris::all_sim())
        .expect("devices");
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

    press(&kiosk, "进度查询 / 领取");
    assert_eq!(kiosk.app().session.step(), Step::Status);
    assert!(is_shown(&kiosk, "① 放身份证"));
    shot(&kiosk, "60-status-ask");

    // A wrong number is said plainly and keeps the keyboard open.
    press(&kiosk, "输入受理编号");
    press(&kiosk, "1");
    press(&kiosk, "查询");
    assert!(kiosk
        .window
        .global::<StatusViewAdapter>()
        .get_problem()
        .contains("受理编号不完整"));
    press(&kiosk, "删除");
    press(&kiosk, "完成");

    // Typed: the application as just received, nothing to pick up yet.
    let adapter = || kiosk.window.global::<StatusViewAdapter>();
    type_receipt_no(&kiosk, &receipt_no, CHECK_CODE);
    until(&kiosk, "the answer", |k| phase(k) == 2);
    assert!(is_shown(&kiosk, "已收到，等待窗口预审"));
    assert!(!adapter().get_can_print_pickup());
    assert!(adapter().get_ready_summary().is_empty());

    // Window staff mark it ready at window 3; the applicant scans the receipt's QR code.
    let out = set_status(
        &sim,
        &[&receipt_no, "*", "ready_for_pickup", "--window", "3"],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let code = sim.store().application(&receipt_no).unwrap().unwrap().items[0]
        .pickup_code
        .clone()
        .expect("a pickup code");
    press(&kiosk, "查询其他申请");
    assert_eq!(phase(&kiosk), 0);
    let scan = |code: &str| sim_scan(&kiosk, code);
    scan("not a receipt");
    until(&kiosk, "a foreign code refused", |k| {
        k.window
            .global::<StatusViewAdapter>()
            .get_problem()
            .contains("不是收件回执")
    });
    // The receipt's QR code holds the number and the check code.
    scan(&format!("{receipt_no} {CHECK_CODE}"));
    until(&kiosk, "the answer to the scan", |k| phase(k) == 2);
    assert!(is_shown(&kiosk, "【请留意】已可领取：请到3号窗口"));
    let summary = adapter().get_ready_summary();
    assert!(
        summary.contains("3号窗口") && summary.contains(code.as_str()),
        "{summary}"
    );
    shot(&kiosk, "61-status-ready");

    let sim_printer = sim_printer(&kiosk);
    sim_printer.clear();
    press(&kiosk, "打印取件凭证");
    // Printed: the rating screen asks by itself (一次一评), saying where the slip is; the look-up is gone.
    until(&kiosk, "the slip printed", |k| {
        k.app()
            .rating
            .as_ref()
            .is_some_and(|r| r.note.contains("已打印"))
    });
    assert!(is_shown(&kiosk, "请您为本次服务评价"));
    assert!(kiosk.app().status.found.is_empty());
    shot(&kiosk, "61b-rating-pickup");
    let elements = decode(&sim_printer.received());
    let texts: Vec<String> = elements
        .iter()
        .filter_map(|e| match e {
            Element::Line(l) => Some(l.text()),
            _ => None,
        })
        .collect();
    assert_eq!(texts[0], "取件凭证");
    assert!(texts.contains(&code), "the code as text: {texts:?}");
    assert!(texts.iter().any(|t| t == "领取地点：3号窗口"), "{texts:?}");
    assert!(
        texts.iter().any(|t| t.contains("职工正常退休")),
        "the item ready"
    );
    assert!(elements.iter().any(|e| matches!(e,
        Element::Qr { data, .. } if *data == format!("{receipt_no}#{code}").into_bytes())));
    assert_eq!(elements.last(), Some(&Element::Cut { partial: true }));
    assert!(!adapter().get_print_note().show_qr);
    // 跳过: nothing is kept or sent, and Home shows.
    press(&kiosk, "跳过");
    assert_eq!(kiosk.app().session.step(), Step::Home);
    assert!(kiosk.app().rating.is_none());
    assert!(outbox
        .lock()
        .unwrap()
        .waiting_evaluations()
        .unwrap()
        .is_empty());

    // The same look-up again, for what follows.
    press(&kiosk, "进度查询 / 领取");
    scan(&format!("{receipt_no} {CHECK_CODE}"));
    until(&kiosk, "the answer to the scan", |k| phase(k) == 2);

    // No paper: the printer is asked first, nothing is sent, the screen never claims it printed.
    sim_printer.clear();
    sim_printer.set_states(&[PrinterState::PaperOut]);
    press(&kiosk, "打印取件凭证");
    until(&kiosk, "the failure said", |k| {
        k.app().print_note.contains("没有打印出来")
    });
    assert!(kiosk.app().print_note.contains("缺纸"));
    assert!(
        adapter().get_print_note().show_qr,
        "the slip as a QR code instead"
    );
    assert!(sim_printer.received().is_empty());
    shot(&kiosk, "62-status-paper-out");
    sim_printer.set_states(&[]);

    // By ID card: the same application is found from the card's number.
    press(&kiosk, "查询其他申请");
    assert!(
        !adapter().get_print_note().show_qr,
        "a new look-up starts clean"
    );
    press_when_shown(&kiosk, "放上示例身份证（演示）");
    until(&kiosk, "the answer to the card", |k| phase(k) == 2);
    assert!(is_shown(&kiosk, &format!("受理编号 {receipt_no}")));

    // The slip printed again, and the rating screen left alone: after a minute it counts as skipped, and Home
    // shows with nothing kept.
    press(&kiosk, "打印取件凭证");
    until(&kiosk, "the rating asked", |k| k.app().rating.is_some());
    press(&kiosk, "不满意");
    assert!(is_shown(&kiosk, "提交评价"));
    let then = std::time::Instant::now()
        .checked_sub(kiosk::app::rating::RATING_IDLE + std::time::Duration::from_secs(1))
        .expect("the clock goes back that far");
    kiosk.app_mut().rating.as_mut().unwrap().last_touch = then;
    i_slint_backend_testing::mock_elapsed_time(std::time::Duration::from_millis(600));
    until(&kiosk, "the rating timed out", |k| k.app().rating.is_none());
    assert_eq!(kiosk.app().session.step(), Step::Home);
    assert!(is_shown(&kiosk, "我要办事"));
    assert!(outbox
        .lock()
        .unwrap()
        .waiting_evaluations()
        .unwrap()
        .is_empty());
    press(&kiosk, "进度查询 / 领取");
    press_when_shown(&kiosk, "放上示例身份证（演示）");
    until(&kiosk, "the answer to the card", |k| phase(k) == 2);

    // Home ends the visit: nothing of the look-up is kept, in the state or in the view's models.
    press(&kiosk, "首页");
    assert_eq!(kiosk.app().session.step(), Step::Home);
    assert!(kiosk.app().status.found.is_empty());
    assert!(kiosk.app().print_note.is_empty());
    assert_eq!(adapter().get_applications().row_count(), 0);
    assert!(adapter().get_ready_summary().is_empty());

    // A slow answer that comes after its visitor left never reaches the next visitor's screen.
    sim.set_faults("slow=1500@status");
    press(&kiosk, "进度查询 / 领取");
    scan(&format!("{receipt_no} {CHECK_CODE}"));
    until(&kiosk, "the look-up under way", |k| phase(k) == 1);
    press(&kiosk, "首页");
    press(&kiosk, "进度查询 / 领取");
    // The next visitor looks up a number that does not exist, while the first answer is still on its way.
    scan("XX-KIOSK-01-20261128-9999 ABCDEFGH");
    pump_for(&kiosk, std::time::Duration::from_millis(4000));
    assert_eq!(
        phase(&kiosk),
        0,
        "the next visitor sees only their own answer"
    );
    assert!(adapter()
        .get_problem()
        .contains("没有查到：受理编号 XX-KIOSK-01-20261128-9999"));
    assert!(kiosk.app().status.found.is_empty());
    assert_eq!(adapter().get_applications().row_count(), 0);
    sim.set_faults("");
    press(&kiosk, "首页");
    drop(kiosk);
    without_a_back_office_the_screen_says_where_to_ask();
    a_receipt_that_cannot_print_shows_as_a_qr_code();
    a_guide_prints_its_notice_without_identifying();
}

/// (Part of the test above.) 办事指南 prints the one-time notice for the situation shown, with no card read.
fn a_guide_prints_its_notice_without_identifying() {
    let kiosk = open_kiosk(1080, 1920);
    kiosk
        .attach_devices(&DeviceUris::all_sim())
        .expect("devices");
    until(&kiosk, "devices ok", |k| {
        is_shown(k, "设备正常（演示模式）")
    });
    press(&kiosk, "办事指南");
    {
        let mut s = kiosk.app_mut();
        let no = kiosk::package::synthetic::default_one_thing(s.session.catalog()).unwrap();
        s.session.choose(no).unwrap();
    }
    kiosk.refresh();
    assert!(scroll_to(&kiosk, "打印一次告知单"));
    let printer = sim_printer(&kiosk);
    press(&kiosk, "打印一次告知单");
    until(&kiosk, "the notice printed", |k| {
        k.app().print_note.contains("已打印")
    });
    assert!(kiosk.app().session.identity().is_none());
    let text = drivers::printer::decode::to_text(&decode(&printer.received()));
    assert!(text.starts_with("一次告知单\n"), "{text}");
    assert!(text.contains("事项：我要开拉面馆"), "{text}");
    assert!(text.contains("需要准备的材料"), "{text}");

    printer.clear();
    printer.set_states(&[PrinterState::CoverOpen]);
    press(&kiosk, "打印一次告知单");
    until(&kiosk, "the failure said", |k| {
        k.app().print_note.contains("没有打印出来")
    });
    assert!(kiosk.app().print_note.contains("打印机盖未关好"));
    assert!(
        kiosk
            .window
            .global::<kiosk::ui::views::GuideViewAdapter>()
            .get_print_note()
            .show_qr
    );
    assert!(printer.received().is_empty());
}

/// (Part of the test above.) Out of paper at submit: the application is kept, nothing is sent to the printer, and
/// the done page's QR code becomes the receipt itself.
fn a_receipt_that_cannot_print_shows_as_a_qr_code() {
    let kiosk = open_kiosk(1080, 1920);
    kiosk
        .attach_devices(&DeviceUris::all_sim())
        .expect("devices");
    let dir = tempfile::tempdir().unwrap();
    kiosk
        .attach_intake(
            Arc::new(Mutex::new(Outbox::open(dir.path()).unwrap())),
            None,
        )
        .unwrap();
    until(&kiosk, "devices ok", |k| {
        is_shown(k, "设备正常（演示模式）")
    });
    let printer = sim_printer(&kiosk);
    printer.set_states(&[PrinterState::PaperOut]);
    let catalog = Arc::new(shipped_catalog());
    let no = kiosk::package::synthetic::default_one_thing(&catalog).unwrap();
    let mut camera = drivers::camera::SimCamera::new(640, 480);
    let session = kiosk::package::synthetic::session_at_check_answers(catalog, no, 1, &mut || {
        drivers::camera::DocumentCamera::capture(&mut camera).map_err(|e| e.to_string())
    })
    .unwrap();
    kiosk.app_mut().session = session;
    kiosk.refresh();
    press(&kiosk, "提交申请");
    until(&kiosk, "the failure said", |k| {
        k.app()
            .done
            .as_ref()
            .is_some_and(|d| d.print_note.contains("没有打印出来"))
    });
    let state = kiosk.app();
    let done = state.done.as_ref().unwrap();
    assert!(done.print_note.contains("缺纸"), "{}", done.print_note);
    assert_eq!(done.qr_text, done.receipt.screen_text());
    assert!(done.qr_text.contains(&done.receipt.receipt_no));
    drop(state);
    assert!(is_shown(
        &kiosk,
        "二维码里是这份回执的内容（含查询码），请用手机扫描保存"
    ));
    // Not printed, the page is the one place the applicant finds the check code: it shows, with the receipt in
    // the QR code, and the page says to write it down or photograph it.
    let shown_code = kiosk
        .window
        .global::<kiosk::ui::views::DoneViewAdapter>()
        .get_check_code();
    assert_eq!(shown_code.len(), 9, "the code, in two groups: {shown_code}");
    assert!(is_shown(&kiosk, shown_code.as_str()));
    assert!(kiosk
        .app()
        .done
        .as_ref()
        .unwrap()
        .print_note
        .contains("记下"));
    let qr_text = kiosk.app().done.as_ref().unwrap().qr_text.clone();
    assert!(qr_text.contains(&shown_code.replace(' ', "")), "{qr_text}");
    assert!(is_shown(&kiosk, "请取走身份证"), "no receipt to take");
    assert!(
        printer.received().is_empty(),
        "nothing printed, nothing claimed"
    );
    shot(&kiosk, "63-done-paper-out");
    // 完成: the receipt, its code and the QR code leave the screen and the view's properties.
    press(&kiosk, "完成");
    let done_view = kiosk.window.global::<kiosk::ui::views::DoneViewAdapter>();
    assert!(done_view.get_check_code().is_empty() && done_view.get_qr_text().is_empty());
    assert!(done_view.get_receipt_no().is_empty());
    assert!(!is_shown(&kiosk, shown_code.as_str()));
    assert!(kiosk.app().done.is_none());
}

/// (Part of the test above: Slint's test platform is set once per test binary and its windows live on one thread.)
fn without_a_back_office_the_screen_says_where_to_ask() {
    let kiosk = open_kiosk(1080, 1920);
    let dir = tempfile::tempdir().unwrap();
    kiosk
        .attach_intake(
            Arc::new(Mutex::new(Outbox::open(dir.path()).unwrap())),
            None,
        )
        .unwrap();
    press(&kiosk, "进度查询 / 领取");
    kiosk.app_mut().status.typed = "XX-KIOSK-01-20261128-0001".into();
    kiosk.app_mut().status.typed_code = zeroize::Zeroizing::new(CHECK_CODE.into());
    press(&kiosk, "输入受理编号");
    press(&kiosk, "查询");
    let problem = kiosk.window.global::<StatusViewAdapter>().get_problem();
    assert!(problem.contains("综合受理窗口"), "{problem}");
    press(&kiosk, "返回");
    assert_eq!(kiosk.app().session.step(), Step::Home);
}
