//! The applicant's path from the form to the receipt, walked by accessible labels as a finger would: shared by
//! the path tests, which differ in how the applicant met the platform. It counts what the applicant had to do
//! (fields typed, materials captured, taps from the card read to 提交申请).

use std::time::Duration;

use crate::common::*;
use kiosk::ui::Kiosk;

use kiosk::catalog::FieldKind;
use kiosk::session::Step;
use kiosk::ui::views::{
    CaptureViewAdapter, CommitmentsViewAdapter, DeliveryViewAdapter, FaceViewAdapter,
    FormViewAdapter, Theme,
};
use slint::{ComponentHandle, Model};

/// One walk and what it counted.
#[derive(Default)]
pub struct Walk {
    /// Screenshots in both modes (the main path only: the others would write the same names).
    pub shots: bool,
    /// The tap count when the card was read.
    pub taps_at_card: u32,
    pub taps_to_submit: u32,
    /// Required fields empty when the form opened (neither from the card nor from the platform).
    pub fields_to_type: usize,
    /// Materials on the capture screen.
    pub materials_to_capture: usize,
}

impl Walk {
    /// The screen in both modes, when this walk takes screenshots.
    pub fn shot(&self, kiosk: &kiosk::ui::Kiosk, name: &str) {
        if !self.shots {
            return;
        }
        let theme = kiosk.window.global::<Theme>();
        theme.set_elderly(false);
        screenshot(kiosk, name);
        theme.set_elderly(true);
        screenshot(kiosk, &format!("{name}-elderly"));
        theme.set_elderly(false);
    }

    /// The card was read: taps count from here.
    pub fn card_read(&mut self) {
        self.taps_at_card = taps();
    }
}

/// The face check runs by itself: frames come on the screen's timer (mock time here), and the picture goes to
/// the platform once the face holds still.
pub fn face_checked(kiosk: &Kiosk, screenshot_as: Option<&str>) {
    let deadline = std::time::Instant::now() + Duration::from_secs(20);
    let mut shot = false;
    while step(kiosk) == Step::FaceCheck {
        assert!(
            std::time::Instant::now() < deadline,
            "the face check never ended"
        );
        i_slint_backend_testing::mock_elapsed_time(Duration::from_millis(200));
        pump_for(kiosk, Duration::from_millis(60));
        let preview = kiosk.window.global::<FaceViewAdapter>().get_has_preview();
        if let (Some(name), true, false) = (screenshot_as, preview, shot) {
            if step(kiosk) == Step::FaceCheck {
                screenshot(kiosk, name);
                shot = true;
            }
        }
    }
}

/// Focuses a field by its label, as a finger on the box would. A field scrolled out of view is not in the
/// accessibility tree; it is focused through the same callback the box invokes.
pub fn focus(kiosk: &kiosk::ui::Kiosk, label: &str) {
    let on_screen = find(kiosk, label)
        .into_iter()
        .find(|e| e.accessible_role() == Some(i_slint_backend_testing::AccessibleRole::TextInput));
    match on_screen {
        Some(field) => {
            count_tap();
            field.invoke_accessible_default_action()
        }
        None => {
            let index = kiosk
                .app()
                .session
                .fields()
                .iter()
                .position(|f| f.label == label)
                .unwrap_or_else(|| panic!("no field {label:?}"));
            count_tap();
            kiosk
                .window
                .global::<FormViewAdapter>()
                .invoke_focus(index as i32);
        }
    }
}

pub fn keys(kiosk: &kiosk::ui::Kiosk, text: &str) {
    for c in text.chars() {
        press(kiosk, &c.to_string());
    }
}

/// Types pinyin and picks the candidate `word`.
pub fn pinyin(kiosk: &kiosk::ui::Kiosk, letters: &str, word: &str) {
    keys(kiosk, letters);
    let candidates: Vec<String> = kiosk
        .window
        .global::<kiosk::ui::views::KeyboardAdapter>()
        .get_candidates()
        .iter()
        .map(|c| c.to_string())
        .collect();
    assert!(
        candidates.contains(&word.to_string()),
        "{letters}: {candidates:?}"
    );
    press(kiosk, word);
}

/// Fills the form, then captures, signs, chooses delivery, checks and submits: the rest of the path.
pub fn fill_the_form(kiosk: &kiosk::ui::Kiosk, walk: &mut Walk) {
    walk.fields_to_type = required_fields(kiosk)
        .iter()
        .filter(|(key, ..)| form_value(kiosk, key).is_empty())
        .count();
    walk.shot(kiosk, "32-form");
    // Submitting empty lists every problem at the top.
    press(kiosk, "下一步");
    assert_eq!(step(kiosk), Step::Form);
    let errors = kiosk.window.global::<FormViewAdapter>().get_errors();
    assert!(errors.row_count() > 0);
    walk.shot(kiosk, "33-form-errors");

    // The company's name, unless the platform filled it (then it is not typed).
    if !kiosk.app().session.shared_fields().contains("org_name") {
        focus(kiosk, "单位名称（个体工商户字号）");
        pinyin(kiosk, "laoma", "老马");
        pinyin(kiosk, "lamian", "拉面");
        pinyin(kiosk, "guan", "馆");
        walk.shot(kiosk, "34-form-keyboard");
        press(kiosk, "完成");
        assert_eq!(form_value(kiosk, "org_name"), "老马拉面馆");
    }

    focus(kiosk, "联系电话");
    assert!(
        !is_shown(kiosk, "拼音"),
        "a digits-only field opens the number pad alone"
    );
    keys(kiosk, "13800138000");
    press(kiosk, "完成");
    assert_eq!(form_value(kiosk, "applicant_phone"), "13800138000");

    // The rest of the required fields, each through its own input.
    for (key, label, kind, options) in required_fields(kiosk) {
        if !form_value(kiosk, &key).is_empty() {
            continue;
        }
        match kind {
            FieldKind::Choice => {
                let index = kiosk
                    .app()
                    .session
                    .fields()
                    .iter()
                    .position(|f| f.key == key)
                    .unwrap();
                let _ = &options;
                count_tap();
                kiosk
                    .window
                    .global::<FormViewAdapter>()
                    .invoke_choose(index as i32, 0);
            }
            FieldKind::Number => {
                focus(kiosk, &label);
                keys(kiosk, "80");
                press(kiosk, "完成");
            }
            FieldKind::CreditCode => {
                focus(kiosk, &label);
                for c in "91350100M000100Y43".chars() {
                    if c.is_ascii_digit() {
                        press(kiosk, "数字");
                    } else {
                        press(kiosk, "英文");
                    }
                    press(kiosk, &c.to_string());
                }
                press(kiosk, "完成");
                assert_eq!(form_value(kiosk, &key), "91350100M000100Y43");
            }
            FieldKind::Date => {
                focus(kiosk, &label);
                keys(kiosk, "2026-12-01");
                press(kiosk, "完成");
            }
            _ => {
                focus(kiosk, &label);
                pinyin(kiosk, "xixia", "西峡");
                press(kiosk, "完成");
            }
        }
        assert!(!form_value(kiosk, &key).is_empty(), "{key} filled");
    }
    press(kiosk, "下一步");
    assert_eq!(
        step(kiosk),
        Step::Capture,
        "{:?}",
        kiosk.app().session.form_errors()
    );
    capture_materials(kiosk, walk);
}

pub fn pages_of(kiosk: &kiosk::ui::Kiosk, material: &str) -> usize {
    kiosk.app().session.pages(material).len()
}

pub fn current_material(kiosk: &kiosk::ui::Kiosk) -> String {
    let s = kiosk.app();
    let all: Vec<_> = s
        .session
        .materials()
        .into_iter()
        .filter(|m| matches!(m.treatment, kiosk::session::Treatment::Capture { .. }))
        .collect();
    all[s.capture.index.min(all.len() - 1)].key.clone()
}

pub fn take_page(kiosk: &kiosk::ui::Kiosk, key: &str) {
    let before = pages_of(kiosk, key);
    press(
        kiosk,
        if before == 0 {
            "拍摄这一页"
        } else {
            "再拍一页"
        },
    );
    until(kiosk, "a page captured", |k| pages_of(k, key) == before + 1);
}

/// The first material gets two pages (one deleted and retaken), deferrable ones are deferred, the others get one.
fn capture_materials(kiosk: &kiosk::ui::Kiosk, walk: &mut Walk) {
    let adapter = kiosk.window.global::<CaptureViewAdapter>();
    walk.materials_to_capture = kiosk.app().materials_to_capture().len();
    let mut first = true;
    while step(kiosk) == Step::Capture {
        let key = current_material(kiosk);
        if first {
            // Moving on without a page is refused in words.
            press(kiosk, "下一项材料");
            assert!(
                adapter.get_error().contains("请拍摄"),
                "{}",
                adapter.get_error()
            );
            take_page(kiosk, &key);
            assert!(
                adapter.get_note().contains("已拍摄第 1 页"),
                "{}",
                adapter.get_note()
            );
            take_page(kiosk, &key);
            press(kiosk, "删除第 2 页");
            assert_eq!(pages_of(kiosk, &key), 1);
            take_page(kiosk, &key);
            assert_eq!(adapter.get_pages().row_count(), 2, "two thumbnails");
            walk.shot(kiosk, "35-capture");
            first = false;
        } else if adapter.get_deferrable() {
            press(kiosk, adapter.get_defer_text().as_str());
            assert!(kiosk.app().session.is_deferred(&key));
        } else {
            take_page(kiosk, &key);
        }
        let label = if adapter.get_last() {
            "材料拍摄完成，下一步"
        } else {
            "下一项材料"
        };
        press(kiosk, label);
    }
    assert_eq!(step(kiosk), Step::Commitments);
    sign_commitments(kiosk, walk);
}

/// Draws on the pad with pointer events, as a finger would.
pub fn draw_signature(kiosk: &kiosk::ui::Kiosk) {
    count_tap();
    use slint::platform::{PointerEventButton, WindowEvent};
    let pad = find(kiosk, "签名区")
        .into_iter()
        .next()
        .expect("the signature pad");
    let (origin, size) = (pad.absolute_position(), pad.size());
    let at = |fx: f32, fy: f32| {
        slint::LogicalPosition::new(origin.x + size.width * fx, origin.y + size.height * fy)
    };
    let window = kiosk.window.window();
    window.dispatch_event(WindowEvent::PointerPressed {
        position: at(0.1, 0.5),
        button: PointerEventButton::Left,
    });
    for i in 1..=40 {
        let t = i as f32 / 40.0;
        window.dispatch_event(WindowEvent::PointerMoved {
            position: at(0.1 + 0.8 * t, 0.5 + 0.3 * (t * 12.0).sin()),
        });
    }
    window.dispatch_event(WindowEvent::PointerReleased {
        position: at(0.9, 0.5),
        button: PointerEventButton::Left,
    });
}

fn sign_commitments(kiosk: &kiosk::ui::Kiosk, walk: &mut Walk) {
    let adapter = kiosk.window.global::<CommitmentsViewAdapter>();
    let mut first = true;
    while step(kiosk) == Step::Commitments {
        if first {
            press(kiosk, "确认签名");
            assert!(
                adapter.get_error().contains("签"),
                "an empty pad is not a signature"
            );
        }
        draw_signature(kiosk);
        assert!(
            !adapter.get_strokes().is_empty(),
            "the strokes show on the pad"
        );
        if first {
            walk.shot(kiosk, "36-commitments");
            first = false;
        }
        press(kiosk, "确认签名");
    }
    assert_eq!(step(kiosk), Step::Delivery);
    choose_delivery(kiosk, walk);
}

fn choose_delivery(kiosk: &kiosk::ui::Kiosk, walk: &mut Walk) {
    press(kiosk, "邮寄到家（免费）");
    let address = kiosk.window.global::<DeliveryViewAdapter>().get_address();
    assert!(!address.is_empty(), "the address comes from the form");
    walk.shot(kiosk, "37-delivery");
    press(kiosk, "到窗口领取");
    press(kiosk, "办好一项领取一项");
    press(kiosk, "下一步");
    assert_eq!(step(kiosk), Step::CheckAnswers);
    check_and_submit(kiosk, walk);
}

fn check_and_submit(kiosk: &kiosk::ui::Kiosk, walk: &mut Walk) {
    walk.shot(kiosk, "38-check");
    // 修改 goes to the part and comes back here.
    press(kiosk, "修改申请表");
    assert_eq!(step(kiosk), Step::Form);
    press(kiosk, "下一步");
    assert_eq!(step(kiosk), Step::CheckAnswers);
    // Paper near its end: the receipt still prints, and the printer's health tells technicians.
    let printer = sim_printer(kiosk);
    printer.clear();
    printer.set_states(&[drivers::printer::PrinterState::PaperNearEnd]);
    press(kiosk, "提交申请");
    walk.taps_to_submit = taps() - walk.taps_at_card;
    // Every page is normalised at submit (a debug build, a loaded machine: seconds a page).
    until_within(kiosk, "the package stored", Duration::from_secs(90), |k| {
        k.app().done.is_some()
    });
    assert!(is_shown(kiosk, "请取走身份证和回执"));
    until(kiosk, "the receipt printed", |k| {
        k.app()
            .done
            .as_ref()
            .is_some_and(|d| d.print_note.contains("已打印"))
    });
    walk.shot(kiosk, "39-done");
    until(kiosk, "the printer's health says paper is low", |k| {
        k.app()
            .devices
            .health_of(kiosk::services::devices::DeviceKind::Printer)
            .is_some_and(|h| {
                let (words, _) = kiosk::app::words::health_words(
                    kiosk::services::devices::DeviceKind::Printer,
                    Some(h),
                );
                words.contains("即将用完")
            })
    });
    printer.set_states(&[]);

    // What printed is the whole receipt, read back from the bytes the printer received.
    let receipt_no = kiosk
        .app()
        .done
        .as_ref()
        .unwrap()
        .receipt
        .receipt_no
        .clone();
    let elements = drivers::printer::decode::decode(&printer.received());
    let text = drivers::printer::decode::to_text(&elements);
    assert!(text.starts_with("收件回执\n"), "{text}");
    // The QR code holds the receipt number and the check code; the code is printed large beside the number.
    let qr = text
        .lines()
        .find_map(|l| l.strip_prefix(&format!("[QR {receipt_no} ")))
        .and_then(|rest| rest.strip_suffix(']'))
        .unwrap_or_else(|| panic!("no receipt QR with a code: {text}"));
    let code = kiosk::package::CheckCode::parse(qr).expect("a check code in the QR");
    assert!(text.contains(&code.grouped()), "{text}");
    // Printed, the code is on the paper only: the kiosk keeps it nowhere, and the page does not show it.
    assert!(kiosk
        .app()
        .done
        .as_ref()
        .is_some_and(|d| d.receipt.check_code.is_none()));
    assert!(kiosk
        .window
        .global::<kiosk::ui::views::DoneViewAdapter>()
        .get_check_code()
        .is_empty());
    assert!(!is_shown(kiosk, "回执内容二维码"));
    assert!(text.contains("事项：我要开拉面馆"), "{text}");
    assert!(text.contains("申请人：张* 1101**********002X"), "{text}");
    assert!(
        text.contains("取件方式：到窗口领取，办好一项送达一项"),
        "{text}"
    );
    assert!(text.contains("容缺后补"), "the deferred material: {text}");
    assert!(!String::from_utf8_lossy(&printer.received()).contains("11010519491231002X"));
}
