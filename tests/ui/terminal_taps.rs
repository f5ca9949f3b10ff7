//! The path the virtual terminal's test (`scripts/terminal-vm.sh`) walks, as finger movements: this headless window,
//! laid out at the panel's size, is walked through a whole application (我要开拉面馆, as `ui_path` walks it) with
//! nothing but pointer events at coordinates, and every tap, drag and stroke is written to `target/vm/taps.json`
//! with what to wait for after it (a screen, a captured page) and what the host does (place the card). A
//! coordinate that misses its button fails here, before the VM replays it.

use crate::common;

use std::collections::BTreeMap;
use std::time::Duration;

use common::*;
use i_slint_backend_testing::{mock_elapsed_time, AccessibleRole, ElementHandle};
use kiosk::catalog::FieldKind;
use kiosk::services::devices::DeviceUris;
use kiosk::session::Step;
use kiosk::ui::views::{CaptureViewAdapter, ShellAdapter};
use serde_json::{json, Value};
use slint::platform::{PointerEventButton, WindowEvent};
use slint::{ComponentHandle, LogicalPosition};

/// How long a finger rests between down and up, and before lifting after a drag (longer than Slint's 100 ms fling
/// window, so a drag moves the content by exactly its distance). The VM uses the same times.
const PRESS: Duration = Duration::from_millis(80);
const HOLD: Duration = Duration::from_millis(300);

struct Recorder<'k> {
    kiosk: &'k kiosk::ui::Kiosk,
    path: Vec<Value>,
    named: BTreeMap<String, [f32; 2]>,
    screen: String,
    pages: usize,
}

impl<'k> Recorder<'k> {
    fn new(kiosk: &'k kiosk::ui::Kiosk) -> Self {
        let mut recorder = Recorder {
            kiosk,
            path: Vec::new(),
            named: BTreeMap::new(),
            screen: String::new(),
            pages: 0,
        };
        recorder.screen = recorder.current_screen();
        recorder
    }

    fn current_screen(&self) -> String {
        format!(
            "{:?}",
            self.kiosk.window.global::<ShellAdapter>().get_screen()
        )
    }

    fn window(&self) -> &slint::Window {
        self.kiosk.window.window()
    }

    fn press_at(&self, at: LogicalPosition) {
        self.window()
            .dispatch_event(WindowEvent::PointerMoved { position: at });
        self.window().dispatch_event(WindowEvent::PointerPressed {
            position: at,
            button: PointerEventButton::Left,
        });
    }

    fn release_at(&self, at: LogicalPosition) {
        self.window().dispatch_event(WindowEvent::PointerReleased {
            position: at,
            button: PointerEventButton::Left,
        });
    }

    /// After an action: let the kiosk take in what it caused, and note a screen change for the VM to wait for.
    fn settle(&mut self) {
        pump_for(self.kiosk, Duration::from_millis(60));
        let now = self.current_screen();
        if now != self.screen {
            self.path.push(json!({ "screen": now }));
            self.screen = now;
        }
    }

    fn tap_element(&mut self, element: &ElementHandle, label: &str) {
        let (origin, size) = (element.absolute_position(), element.size());
        let centre = LogicalPosition::new(
            (origin.x + size.width / 2.0).round(),
            (origin.y + size.height / 2.0).round(),
        );
        let (width, height) = self.window_size();
        assert!(
            centre.x > 0.0 && centre.y > 0.0 && centre.x < width && centre.y < height,
            "{label:?} is off the window at {centre:?}"
        );
        self.press_at(centre);
        mock_elapsed_time(PRESS);
        self.release_at(centre);
        mock_elapsed_time(HOLD);
        self.path
            .push(json!({ "tap": [centre.x, centre.y], "label": label }));
        self.named
            .insert(format!("{}/{label}", self.screen), [centre.x, centre.y]);
        self.settle();
    }

    fn window_size(&self) -> (f32, f32) {
        let size = self
            .window()
            .size()
            .to_logical(self.window().scale_factor());
        (size.width, size.height)
    }

    fn find_role(&self, label: &str, role: AccessibleRole) -> Option<ElementHandle> {
        find(self.kiosk, label)
            .into_iter()
            .find(|e| e.accessible_role() == Some(role))
    }

    /// Taps the button labelled `label`.
    fn tap(&mut self, label: &str) {
        let button = self
            .find_role(label, AccessibleRole::Button)
            .unwrap_or_else(|| panic!("no button labelled {label:?} on {}", self.screen));
        self.tap_element(&button, label);
    }

    fn keys(&mut self, text: &str) {
        for c in text.chars() {
            self.tap(&c.to_string());
        }
    }

    /// A finger drawn from `from` to `to` in small steps, held still, then lifted.
    fn drag(&mut self, from: LogicalPosition, to: LogicalPosition, kind: &str) {
        let steps = 12;
        self.press_at(from);
        let mut points = vec![[from.x, from.y]];
        for i in 1..=steps {
            let t = i as f32 / steps as f32;
            let at = LogicalPosition::new(
                (from.x + (to.x - from.x) * t).round(),
                (from.y + (to.y - from.y) * t).round(),
            );
            mock_elapsed_time(Duration::from_millis(16));
            self.window()
                .dispatch_event(WindowEvent::PointerMoved { position: at });
            points.push([at.x, at.y]);
        }
        mock_elapsed_time(HOLD);
        self.release_at(to);
        mock_elapsed_time(HOLD);
        self.path.push(json!({ kind: points }));
        self.settle();
    }

    /// Scrolls the form (with a finger, as a person would) until the element is between `top` and `bottom`,
    /// then taps it.
    fn tap_in_form(&mut self, label: &str, role: AccessibleRole) {
        let (top, bottom) = (300.0, self.form_bottom());
        for _ in 0..20 {
            // Only what is on screen is found: a field not found is further down the form (filled in order).
            let element = self.find_role(label, role);
            let y = element.as_ref().map_or(f32::MAX, |e| {
                e.absolute_position().y + e.size().height / 2.0
            });
            if let Some(element) = element.filter(|_| y > top && y < bottom) {
                self.tap_element(&element, label);
                return;
            }
            // The finger starts on the right margin of the field column, away from the keyboard.
            let x = 540.0;
            let (from, to) = if y >= bottom {
                let distance = (y - (top + bottom) / 2.0).min(500.0);
                let distance = if distance.is_finite() {
                    distance
                } else {
                    500.0
                };
                (bottom - 40.0, bottom - 40.0 - distance)
            } else {
                let distance = ((top + bottom) / 2.0 - y).min(500.0);
                (top + 40.0, top + 40.0 + distance)
            };
            self.drag(
                LogicalPosition::new(x, from),
                LogicalPosition::new(x, to),
                "drag",
            );
        }
        panic!("{label:?} never scrolled into view");
    }

    /// The top of the bar under the form (下一步), with the keyboard closed.
    fn form_bottom(&self) -> f32 {
        let next = self
            .find_role("下一步", AccessibleRole::Button)
            .expect("下一步 under the form");
        next.absolute_position().y - 20.0
    }

    fn host(&mut self, action: &str) {
        self.path.push(json!({ "host": action }));
    }

    fn mark(&mut self, name: &str) {
        self.path.push(json!({ "mark": name }));
    }

    fn write(&self) {
        let dir = repo_path("target/vm");
        std::fs::create_dir_all(&dir).expect("target/vm");
        let json = json!({ "named": self.named, "path": self.path });
        std::fs::write(
            dir.join("taps.json"),
            serde_json::to_string_pretty(&json).expect("json"),
        )
        .expect("write taps.json");
    }
}

#[test]
fn the_path_the_virtual_terminal_walks_with_a_finger() {
    init_headless();
    // The virtual terminal has no face camera (the VM sets none): no face check, as there.
    let kiosk = open_kiosk_with(1080, 1920, |s| {
        s.face_check = kiosk::session::FaceCheck::Off
    });
    kiosk
        .attach_devices(&DeviceUris::all_sim())
        .expect("device service");
    let data = tempfile::tempdir().unwrap();
    let outbox = std::sync::Arc::new(std::sync::Mutex::new(
        kiosk::outbox::Outbox::open(data.path()).unwrap(),
    ));
    kiosk.attach_intake(outbox.clone(), None).unwrap();
    until(&kiosk, "all devices ok", |k| {
        is_shown(k, "设备正常（演示模式）")
    });
    let mut r = Recorder::new(&kiosk);

    r.tap("我要办事");
    // Whether the outbox can keep an application is asked off the UI thread.
    until(&kiosk, "the identify screen", |k| step(k) == Step::Identify);
    r.settle();
    assert_eq!(step(&kiosk), Step::Identify);
    r.host("place_card");
    sim_id_reader(&kiosk).place(drivers::idcard::sim::sample_identity(), false);
    until(&kiosk, "the card read", |k| step(k) == Step::Consent);
    r.settle();
    // Without the platform (the VM's back office has the same sample platform, but the headless walk has none):
    // the same materials and fields in both.
    r.tap("不同意，我自己提交材料");
    assert_eq!(step(&kiosk), Step::Choose);

    r.tap("拼音字母");
    r.keys("LMG");
    r.tap("我要开拉面馆");
    assert_eq!(step(&kiosk), Step::Question(0));
    r.tap("租赁场地");
    assert_eq!(step(&kiosk), Step::Items);
    let advert = kiosk
        .window
        .global::<kiosk::ui::views::ItemsViewAdapter>()
        .get_items();
    let advert = slint::Model::iter(&advert)
        .find(|i| i.name.contains("户外广告"))
        .expect("the advertising approval");
    r.tap(&format!("☑ 办理：{}（{}）", advert.name, advert.department));
    r.tap("下一步");
    assert_eq!(
        step(&kiosk),
        Step::Role,
        "nobody said who the legal representative is"
    );
    r.tap("我是法定代表人");
    assert_eq!(step(&kiosk), Step::Notice);
    r.tap("材料齐全，下一步");
    assert_eq!(step(&kiosk), Step::Form);
    // The VM installs the newer package here, while the applicant is on the form.
    r.mark("form");
    fill_the_form(&mut r);
    capture(&mut r);
    sign(&mut r);

    r.tap("到窗口领取");
    r.tap("办好一项领取一项");
    r.tap("下一步");
    assert_eq!(step(&kiosk), Step::CheckAnswers);
    r.tap("提交申请");
    until_within(&kiosk, "the package stored", Duration::from_secs(90), |k| {
        k.app().done.is_some()
    });
    r.settle();
    assert_eq!(r.screen, "Done");
    r.mark("done");
    r.host("remove_card");
    r.tap("完成");
    // 好差评 asks by itself; the walk skips it.
    assert_eq!(r.screen, "Rating");
    r.tap("跳过");
    assert_eq!(step(&kiosk), Step::Home);
    assert_eq!(outbox.lock().unwrap().list().unwrap().len(), 1);
    r.mark("home");
    // Where the VM looks up the application with a scanned receipt, and comes back.
    r.tap("进度查询 / 领取");
    assert_eq!(r.screen, "Status");
    r.tap("首页");
    assert_eq!(r.screen, "Home");
    r.write();
}

fn field_label(kiosk: &kiosk::ui::Kiosk, key: &str) -> String {
    let s = kiosk.app();
    let fields = s.session.fields();
    let field = fields.iter().find(|f| f.key == key);
    field.expect("the field").label.clone()
}

fn pinyin(r: &mut Recorder, letters: &str, word: &str) {
    r.keys(letters);
    r.tap(word);
}

fn fill_the_form(r: &mut Recorder) {
    let kiosk = r.kiosk;
    let text = AccessibleRole::TextInput;
    r.tap_in_form(&field_label(kiosk, "org_name"), text);
    pinyin(r, "laoma", "老马");
    pinyin(r, "lamian", "拉面");
    pinyin(r, "guan", "馆");
    r.tap("完成");
    assert_eq!(form_value(kiosk, "org_name"), "老马拉面馆");
    r.tap_in_form(&field_label(kiosk, "applicant_phone"), text);
    r.keys("13800138000");
    r.tap("完成");
    assert_eq!(form_value(kiosk, "applicant_phone"), "13800138000");

    for (key, label, kind, options) in required_fields(kiosk) {
        if !form_value(kiosk, &key).is_empty() {
            continue;
        }
        match kind {
            FieldKind::Choice => r.tap_in_form(&options[0], AccessibleRole::Button),
            FieldKind::Number => {
                r.tap_in_form(&label, text);
                r.keys("80");
                r.tap("完成");
            }
            FieldKind::CreditCode => {
                r.tap_in_form(&label, text);
                for c in "91350100M000100Y43".chars() {
                    r.tap(if c.is_ascii_digit() {
                        "数字"
                    } else {
                        "英文"
                    });
                    r.tap(&c.to_string());
                }
                r.tap("完成");
            }
            FieldKind::Date => {
                r.tap_in_form(&label, text);
                r.keys("2026-12-01");
                r.tap("完成");
            }
            _ => {
                r.tap_in_form(&label, text);
                pinyin(r, "xixia", "西峡");
                r.tap("完成");
            }
        }
        assert!(!form_value(kiosk, &key).is_empty(), "{key} filled");
    }
    r.tap("下一步");
    assert_eq!(
        step(kiosk),
        Step::Capture,
        "{:?}",
        kiosk.app().session.form_errors()
    );
}

/// One page of each material that must be captured, the deferrable ones deferred.
fn capture(r: &mut Recorder) {
    let kiosk = r.kiosk;
    let adapter = kiosk.window.global::<CaptureViewAdapter>();
    while step(kiosk) == Step::Capture {
        if adapter.get_deferrable() {
            let defer = adapter.get_defer_text().to_string();
            r.tap(&defer);
        } else {
            r.tap("拍摄这一页");
            let before = r.pages;
            until(kiosk, "a page captured", |k| {
                k.app()
                    .capture
                    .thumbnails
                    .values()
                    .map(Vec::len)
                    .sum::<usize>()
                    > before
            });
            r.pages += 1;
            r.path.push(json!({ "pages": r.pages }));
            r.settle();
        }
        let next = if adapter.get_last() {
            "材料拍摄完成，下一步"
        } else {
            "下一项材料"
        };
        r.tap(next);
    }
    assert_eq!(step(kiosk), Step::Commitments);
}

/// Each commitment signed with a wavy stroke across the pad.
fn sign(r: &mut Recorder) {
    let kiosk = r.kiosk;
    while step(kiosk) == Step::Commitments {
        let pad = find(kiosk, "签名区")
            .into_iter()
            .next()
            .expect("the signature pad");
        let (origin, size) = (pad.absolute_position(), pad.size());
        let at = |fx: f32, fy: f32| {
            LogicalPosition::new(
                (origin.x + size.width * fx).round(),
                (origin.y + size.height * fy).round(),
            )
        };
        r.drag(at(0.15, 0.4), at(0.85, 0.6), "stroke");
        r.tap("确认签名");
    }
    assert_eq!(step(kiosk), Step::Delivery);
}
