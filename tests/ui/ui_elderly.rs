//! Every screen of the path in both modes: touch targets (≥ 44×44 px normally, ≥ 60×60 in 长辈模式), text sizes
//! (main text ≥ 18 pt = 24 px, main actions ≥ 30 pt = 40 px in 长辈模式) and the theme's colour pairs (≥ 4.5:1),
//! checked by walking the elements on screen. Screenshots of each screen in both modes go to target/screenshots.

use crate::common;

use std::sync::Arc;

use common::*;
use drivers::camera::{DocumentCamera, SimCamera};
use i_slint_backend_testing::{AccessibleRole, ElementQuery};
use kiosk::session::Step;
use kiosk::ui::views::Theme;
use slint::{Color, ComponentHandle};

fn luminance(c: Color) -> f64 {
    let channel = |v: u8| {
        let v = f64::from(v) / 255.0;
        if v <= 0.03928 {
            v / 12.92
        } else {
            ((v + 0.055) / 1.055).powf(2.4)
        }
    };
    0.2126 * channel(c.red()) + 0.7152 * channel(c.green()) + 0.0722 * channel(c.blue())
}

fn contrast(a: Color, b: Color) -> f64 {
    let (la, lb) = (luminance(a), luminance(b));
    (la.max(lb) + 0.05) / (la.min(lb) + 0.05)
}

/// Checks the elements on screen now; returns how many buttons were measured.
fn check_screen(kiosk: &kiosk::ui::Kiosk, name: &str, elderly: bool) -> usize {
    let min_target = if elderly { 60.0 } else { 44.0 };
    let buttons = ElementQuery::from_root(&kiosk.window)
        .match_descendants()
        .match_accessible_role(AccessibleRole::Button)
        .find_all();
    let window = kiosk
        .window
        .window()
        .size()
        .to_logical(kiosk.window.window().scale_factor());
    for b in &buttons {
        let size = b.size();
        let label = b.accessible_label().unwrap_or_default();
        let at = b.absolute_position();
        assert!(
            at.x >= -0.5 && at.x + size.width <= window.width + 0.5,
            "{name}: button {label:?} sticks out of the screen ({} + {})",
            at.x,
            size.width
        );
        assert!(
            size.width >= min_target && size.height >= min_target,
            "{name}: button {label:?} is {}×{} (needs {min_target})",
            size.width,
            size.height
        );
    }
    if elderly {
        for t in ElementQuery::from_root(&kiosk.window)
            .match_descendants()
            .match_accessible_role(AccessibleRole::Text)
            .find_all()
        {
            let label = t.accessible_label().unwrap_or_default();
            if label.trim().is_empty() || t.size().height == 0.0 {
                continue;
            }
            assert!(
                t.size().height >= 24.0,
                "{name}: text {label:?} is {} px tall",
                t.size().height
            );
        }
    }
    buttons.len()
}

fn both_modes(kiosk: &kiosk::ui::Kiosk, name: &str) {
    let theme = kiosk.window.global::<Theme>();
    for elderly in [false, true] {
        theme.set_elderly(elderly);
        kiosk.refresh();
        let n = check_screen(kiosk, name, elderly);
        assert!(n > 0, "{name}: no buttons found");
        screenshot(
            kiosk,
            &format!("{name}{}", if elderly { "-elderly" } else { "" }),
        );
    }
    theme.set_elderly(false);
}

#[test]
fn every_screen_meets_the_size_and_contrast_rules_in_both_modes() {
    init_headless();
    let kiosk = open_kiosk(1080, 1920);

    let theme = kiosk.window.global::<Theme>();
    for elderly in [false, true] {
        theme.set_elderly(elderly);
        assert!(theme.get_body() >= if elderly { 24.0 } else { 16.0 });
        assert!(theme.get_small() >= if elderly { 24.0 } else { 16.0 });
        assert!(theme.get_action() >= if elderly { 40.0 } else { 24.0 });
        assert!(theme.get_target() >= if elderly { 60.0 } else { 44.0 });
    }
    theme.set_elderly(false);
    let pairs = [
        ("text/background", theme.get_text(), theme.get_background()),
        ("text/surface", theme.get_text(), theme.get_surface()),
        (
            "muted/background",
            theme.get_muted(),
            theme.get_background(),
        ),
        ("muted/surface", theme.get_muted(), theme.get_surface()),
        (
            "on-primary/primary",
            theme.get_on_primary(),
            theme.get_primary(),
        ),
        (
            "on-primary/pressed",
            theme.get_on_primary(),
            theme.get_primary_pressed(),
        ),
        (
            "on-secondary/secondary",
            theme.get_on_secondary(),
            theme.get_secondary(),
        ),
        ("danger/surface", theme.get_danger(), theme.get_surface()),
        (
            "danger/background",
            theme.get_danger(),
            theme.get_background(),
        ),
        (
            "warning/warning-surface",
            theme.get_warning(),
            theme.get_warning_surface(),
        ),
        (
            "warning/background",
            theme.get_warning(),
            theme.get_background(),
        ),
        (
            "success/background",
            theme.get_success(),
            theme.get_background(),
        ),
        (
            "white/success",
            Color::from_rgb_u8(255, 255, 255),
            theme.get_success(),
        ),
        ("tag/surface", theme.get_tag(), theme.get_surface()),
        ("primary/surface", theme.get_primary(), theme.get_surface()),
    ];
    for (name, fg, bg) in pairs {
        let ratio = contrast(fg, bg);
        assert!(ratio >= 4.5, "{name}: contrast {ratio:.2}");
    }

    both_modes(&kiosk, "50-home");

    // Contract 1.1's screens: the consent, the face comparison's own consent and its screen, and for a company
    // the role question (the shipped settings check faces where they can).
    {
        let mut s = kiosk.app_mut();
        s.session.start_apply().unwrap();
        s.session
            .identified(drivers::idcard::sim::sample_identity())
            .unwrap();
    }
    both_modes(&kiosk, "44-consent");
    kiosk
        .app_mut()
        .session
        .answer_consent(false, &"c".repeat(64))
        .unwrap();
    assert_eq!(kiosk.app().session.step(), Step::FaceConsent);
    both_modes(&kiosk, "45-face-consent");
    kiosk.app_mut().session.answer_face_consent(true).unwrap();
    both_modes(&kiosk, "46-face-check");
    {
        let mut s = kiosk.app_mut();
        s.session.face_check_unavailable().unwrap();
        let ramen = s
            .session
            .catalog()
            .one_things
            .iter()
            .find(|t| t.name == "我要开拉面馆")
            .map(|t| t.no)
            .unwrap();
        s.session.choose(ramen).unwrap();
        s.session.answer("租赁场地").unwrap();
        s.session.confirm_items().unwrap();
        assert_eq!(s.session.step(), Step::Role);
    }
    both_modes(&kiosk, "47-role");
    kiosk.app_mut().session.end(std::time::Instant::now());

    // A complete application, then each screen of the path in turn.
    let catalog = Arc::new(shipped_catalog());
    let no = kiosk::package::synthetic::default_one_thing(&catalog).unwrap();
    let mut camera = SimCamera::new(1296, 972);
    let session =
        kiosk::package::synthetic::session_at_check_answers(catalog.clone(), no, 2, &mut || {
            camera.capture().map_err(|e| e.to_string())
        })
        .unwrap();
    // A one-thing with a situation question (我要开KTV: 自有 or 租赁场地).
    let ktv = catalog
        .one_things
        .iter()
        .find(|t| t.name == "我要开KTV")
        .map(|t| t.no)
        .unwrap();
    let mut camera = SimCamera::new(640, 480);
    let with_question =
        kiosk::package::synthetic::session_at_check_answers(catalog.clone(), ktv, 1, &mut || {
            camera.capture().map_err(|e| e.to_string())
        })
        .unwrap();
    kiosk.app_mut().session = with_question;
    kiosk.app_mut().session.change(Step::Question(0)).unwrap();
    both_modes(&kiosk, "58-question");
    assert!(is_shown(&kiosk, "经营场地是自有的还是租赁的？"));
    press(&kiosk, "租赁场地");
    let s = kiosk.app();
    assert_eq!(
        s.session.step(),
        Step::Items,
        "a changed answer shows the checklist again"
    );
    assert_eq!(
        s.session
            .selection()
            .answers()
            .get("site")
            .map(String::as_str),
        Some("租赁场地")
    );
    assert!(s
        .session
        .selection()
        .rows(s.session.one_thing().unwrap())
        .iter()
        .any(|r| r.item.contains("租赁场地")));
    drop(s);

    kiosk.app_mut().session = session;
    both_modes(&kiosk, "51-check");
    for (step, name) in [
        (Step::Items, "52-items"),
        (Step::Notice, "53-notice"),
        (Step::Form, "54-form"),
        (Step::Capture, "55-capture"),
        (Step::Commitments, "56-commitments"),
        (Step::Delivery, "57-delivery"),
    ] {
        kiosk.app_mut().session.change(step).unwrap();
        both_modes(&kiosk, name);
        if step == Step::Form {
            kiosk.app_mut().focus_field_key("org_name");
            both_modes(&kiosk, "54-form-keyboard");
            kiosk.app_mut().keyboard_close();
        }
        // Back to the check page as finishing the step would.
        kiosk.app_mut().session.back();
        while kiosk.app().session.step() != Step::CheckAnswers {
            let before = kiosk.app().session.step();
            kiosk.app_mut().session.back();
            if kiosk.app().session.step() == before {
                break;
            }
        }
        if kiosk.app().session.step() != Step::CheckAnswers {
            break;
        }
    }

    // 进度查询/领取: asking how to find the application, typing its number, and an answer with items ready and
    // one rejected with the window's note.
    {
        let mut s = kiosk.app_mut();
        s.session.end(std::time::Instant::now());
        s.session.start_status().unwrap();
    }
    both_modes(&kiosk, "59-status");
    kiosk
        .app_mut()
        .status_type_field(kiosk::app::status::Field::CheckCode);
    both_modes(&kiosk, "59-status-keyboard");
    // The staff sign-in form, with its keyboard.
    kiosk.app_mut().staff_start();
    both_modes(&kiosk, "59-status-staff");
    press(&kiosk, "取消");
    let receipt =
        kiosk::receipts::sample::acceptance(catalog.clone(), "西峡县政务服务中心", "XX-KIOSK-01")
            .unwrap();
    let mut app = kiosk::receipts::sample::application(&receipt);
    app.items[2].status = "rejected".into();
    app.items[2].note = Some("效果图缺少尺寸标注，请补充后到窗口提交".into());
    {
        let mut s = kiosk.app_mut();
        s.status_close_field();
        s.status.found = vec![app];
    }
    both_modes(&kiosk, "59-status-results");
    assert!(is_shown(
        &kiosk,
        "【请留意】未通过预审：效果图缺少尺寸标注，请补充后到窗口提交"
    ));

    // 好差评: the five levels, a 差评's reasons with the comment's keyboard, and the thanks.
    use kiosk::app::rating::{RatingStage, RatingVisit};
    {
        let mut s = kiosk.app_mut();
        s.end_visit();
        s.rating = Some(RatingVisit::new(
            "XX-KIOSK-01-20261128-0007",
            kiosk::evaluation::EvaluationKind::Pickup,
            "取件凭证已打印，请在出纸口取走，凭证件和取件凭证到窗口领取。",
        ));
    }
    both_modes(&kiosk, "66-rating");
    press(&kiosk, "非常不满意");
    both_modes(&kiosk, "66-rating-reasons");
    kiosk.app_mut().edit_rating_comment();
    both_modes(&kiosk, "66-rating-keyboard");
    kiosk.app_mut().keyboard_close();
    kiosk.app_mut().rating.as_mut().unwrap().stage = RatingStage::Thanks { bad: true };
    both_modes(&kiosk, "66-rating-thanks");
}
