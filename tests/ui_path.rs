//! The applicant's path on screen, driven by accessible labels with simulated devices, in both modes.

mod common;

use std::time::{Duration, Instant};

use common::*;
use kiosk::catalog::FieldKind;
use kiosk::services::devices::DeviceUris;
use kiosk::session::Step;
use kiosk::{CaptureViewAdapter, FormViewAdapter, ItemsViewAdapter, ShellAdapter, Theme};
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
    fill_the_form(&kiosk);
}

/// Focuses a field by its label, as a finger on the box would. A field scrolled out of view is not in the
/// accessibility tree; it is focused through the same callback the box invokes.
fn focus(kiosk: &kiosk::ui::Kiosk, label: &str) {
    let on_screen = find(kiosk, label)
        .into_iter()
        .find(|e| e.accessible_role() == Some(i_slint_backend_testing::AccessibleRole::TextInput));
    match on_screen {
        Some(field) => field.invoke_accessible_default_action(),
        None => {
            let index = kiosk
                .state
                .borrow()
                .session
                .fields()
                .iter()
                .position(|f| f.label == label)
                .unwrap_or_else(|| panic!("no field {label:?}"));
            kiosk
                .window
                .global::<FormViewAdapter>()
                .invoke_focus(index as i32);
        }
    }
}

fn keys(kiosk: &kiosk::ui::Kiosk, text: &str) {
    for c in text.chars() {
        press(kiosk, &c.to_string());
    }
}

/// Types pinyin and picks the candidate `word`.
fn pinyin(kiosk: &kiosk::ui::Kiosk, letters: &str, word: &str) {
    keys(kiosk, letters);
    let candidates: Vec<String> = kiosk
        .window
        .global::<FormViewAdapter>()
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

fn value(kiosk: &kiosk::ui::Kiosk, key: &str) -> String {
    kiosk.state.borrow().session.form().get(key).to_string()
}

fn fill_the_form(kiosk: &kiosk::ui::Kiosk) {
    shot(kiosk, "32-form");
    // Submitting empty lists every problem at the top.
    press(kiosk, "下一步");
    assert_eq!(step(kiosk), Step::Form);
    let errors = kiosk.window.global::<FormViewAdapter>().get_errors();
    assert!(errors.row_count() > 0);
    shot(kiosk, "33-form-errors");

    focus(kiosk, "单位名称（个体工商户字号）");
    pinyin(kiosk, "laoma", "老马");
    pinyin(kiosk, "lamian", "拉面");
    pinyin(kiosk, "guan", "馆");
    shot(kiosk, "34-form-keyboard");
    press(kiosk, "完成");
    assert_eq!(value(kiosk, "org_name"), "老马拉面馆");

    focus(kiosk, "联系电话");
    assert!(
        !is_shown(kiosk, "拼音"),
        "a digits-only field opens the number pad alone"
    );
    keys(kiosk, "13800138000");
    press(kiosk, "完成");
    assert_eq!(value(kiosk, "applicant_phone"), "13800138000");

    // The rest of the required fields, each through its own input.
    let fields: Vec<(String, String, FieldKind, Vec<String>)> = kiosk
        .state
        .borrow()
        .session
        .fields()
        .iter()
        .filter(|f| f.required)
        .map(|f| (f.key.clone(), f.label.clone(), f.kind, f.options.clone()))
        .collect();
    for (key, label, kind, options) in fields {
        if !value(kiosk, &key).is_empty() {
            continue;
        }
        match kind {
            FieldKind::Choice => {
                let index = kiosk
                    .state
                    .borrow()
                    .session
                    .fields()
                    .iter()
                    .position(|f| f.key == key)
                    .unwrap();
                let _ = &options;
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
        assert!(!value(kiosk, &key).is_empty(), "{key} filled");
    }
    press(kiosk, "下一步");
    assert_eq!(
        step(kiosk),
        Step::Capture,
        "{:?}",
        kiosk.state.borrow().session.form_errors()
    );
    capture_materials(kiosk);
}

fn pages_of(kiosk: &kiosk::ui::Kiosk, material: &str) -> usize {
    kiosk.state.borrow().session.pages(material).len()
}

fn current_material(kiosk: &kiosk::ui::Kiosk) -> String {
    let s = kiosk.state.borrow();
    let all: Vec<_> = s
        .session
        .materials()
        .into_iter()
        .filter(|m| matches!(m.treatment, kiosk::session::Treatment::Capture { .. }))
        .collect();
    all[s.capture.index.min(all.len() - 1)].key.clone()
}

fn take_page(kiosk: &kiosk::ui::Kiosk, key: &str) {
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
fn capture_materials(kiosk: &kiosk::ui::Kiosk) {
    let adapter = kiosk.window.global::<CaptureViewAdapter>();
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
            shot(kiosk, "35-capture");
            first = false;
        } else if adapter.get_deferrable() {
            press(kiosk, adapter.get_defer_text().as_str());
            assert!(kiosk.state.borrow().session.is_deferred(&key));
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
}
