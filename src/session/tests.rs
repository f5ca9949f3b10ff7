//! The whole path through the session core.

use std::sync::Arc;
use std::time::{Duration, Instant};

use super::*;
use crate::session::test_support::{catalog, identity};

fn session() -> Session {
    Session::new(Arc::new(catalog()), IdlePolicy::default(), Instant::now())
}

fn fill_form(s: &mut Session) {
    s.set_field("applicant_phone", "13800138000").unwrap();
    s.set_field("org_name", "西峡县老马拉面馆").unwrap();
    s.set_field("credit_code", "91350100M000100Y43").unwrap();
    s.set_field("business_area", "80").unwrap();
}

/// The applicant declines the platform: what it could prove is handed in, every field typed.
fn declined(s: &mut Session) {
    s.answer_consent(false, &"0".repeat(64)).unwrap();
}

/// The applicant agrees to the platform.
fn agreed(s: &mut Session) {
    s.answer_consent(true, &"c".repeat(64)).unwrap();
}

/// The platform's answer for the chosen one-thing: the company's e-business-licence, and nothing else.
fn licensed(s: &mut Session) {
    s.platform_answered(Lookup::Found {
        licences: vec![HeldLicence {
            licence_type: "营业执照".into(),
            number: "91350100M000100Y43".into(),
            valid_to: None,
        }],
        fields: Default::default(),
        on: "2026-11-28".into(),
    });
}

/// 我要开拉面馆 with every joint item, on the form.
fn ramen_form() -> Session {
    let mut s = session();
    s.start_apply().unwrap();
    s.identified(identity()).unwrap();
    agreed(&mut s);
    s.choose(35).unwrap();
    licensed(&mut s);
    s.confirm_items().unwrap();
    s.set_role(Role::LegalRepresentative).unwrap();
    s.confirm_notice().unwrap();
    s
}

/// Walks 我要开拉面馆 to the check-answers page, recording every step on the way.
fn walk_to_check_answers(s: &mut Session) -> Vec<Step> {
    let mut steps = vec![s.step()];
    s.start_apply().unwrap();
    steps.push(s.step());
    s.identified(identity()).unwrap();
    steps.push(s.step());
    agreed(s);
    steps.push(s.step());
    s.choose(35).unwrap();
    steps.push(s.step());
    licensed(s);
    s.set_item_ticked(2, false).unwrap();
    s.confirm_items().unwrap();
    steps.push(s.step());
    s.set_role(Role::LegalRepresentative).unwrap();
    steps.push(s.step());
    s.confirm_notice().unwrap();
    steps.push(s.step());
    fill_form(s);
    s.submit_form().unwrap();
    steps.push(s.step());
    s.add_page("food_safety_rules", vec![0xFF, 0xD8, 1])
        .unwrap();
    s.set_deferred("lease_contract", true).unwrap();
    s.add_page("site_floor_plan", vec![0xFF, 0xD8, 2]).unwrap();
    s.confirm_capture().unwrap();
    steps.push(s.step());
    s.sign(
        "食品（含保健食品）经营许可核发",
        vec![0x89, b'P', b'N', b'G'],
    )
    .unwrap();
    s.confirm_commitments().unwrap();
    steps.push(s.step());
    s.set_delivery(Delivery {
        method: DeliveryMethod::Window,
        mode: DeliveryMode::Together,
        address: None,
    })
    .unwrap();
    steps.push(s.step());
    steps
}

#[test]
fn the_whole_path_in_order() {
    let mut s = session();
    let steps = walk_to_check_answers(&mut s);
    assert_eq!(
        steps,
        vec![
            Step::Home,
            Step::Identify,
            Step::Consent,
            Step::Choose,
            Step::Items,
            Step::Role,
            Step::Notice,
            Step::Form,
            Step::Capture,
            Step::Commitments,
            Step::Delivery,
            Step::CheckAnswers
        ]
    );
    s.submit().unwrap();
    assert_eq!(s.step(), Step::Done);
    assert!(!s.can_go_back());
    let names: Vec<String> = s.chosen().iter().map(|c| c.item.name.clone()).collect();
    assert_eq!(names.len(), 3);
    assert!(
        !names.iter().any(|n| n.contains("广告")),
        "the unticked item stays out"
    );
}

#[test]
fn back_works_on_every_step() {
    let mut s = session();
    let steps = walk_to_check_answers(&mut s);
    for expected in steps.iter().rev().skip(1) {
        assert!(s.can_go_back());
        s.back();
        assert_eq!(s.step(), *expected);
    }
    assert_eq!(s.step(), Step::Home);
    assert!(!s.can_go_back());
    s.back();
    assert_eq!(s.step(), Step::Home);
}

#[test]
fn going_back_keeps_what_was_entered() {
    let mut s = session();
    walk_to_check_answers(&mut s);
    for _ in 0..4 {
        s.back();
    }
    assert_eq!(s.step(), Step::Form);
    assert_eq!(s.form().get("org_name"), "西峡县老马拉面馆");
}

#[test]
fn situation_questions_come_one_per_page() {
    let mut s = session();
    s.start_apply().unwrap();
    s.identified(identity()).unwrap();
    declined(&mut s);
    s.choose(20).unwrap();
    assert_eq!(s.step(), Step::Question(0));
    assert_eq!(
        s.answer("借用场地"),
        Err(SessionError::Selection(SelectionError::UnknownOption))
    );
    s.answer("自有场地").unwrap();
    assert_eq!(s.step(), Step::Items);
    let items: Vec<String> = s.chosen().iter().map(|c| c.item.name.clone()).collect();
    assert!(items.contains(&"歌舞娱乐场所经营单位设立审批（自有场地）".to_string()));
    assert!(!items.iter().any(|i| i.contains("租赁")));
    let (stages, index) = s.progress();
    assert_eq!(stages[index], "选择联办事项");
    assert!(stages.contains(&"办理情形"));
}

#[test]
fn the_form_is_prefilled_from_the_card_and_checked() {
    let mut s = ramen_form();
    assert_eq!(s.form().get("applicant_name"), "张三");
    let Err(SessionError::Form(errors)) = s.submit_form() else {
        panic!("an empty form must not pass")
    };
    let keys: Vec<&str> = errors.iter().map(|e| e.key.as_str()).collect();
    assert_eq!(
        keys,
        vec![
            "applicant_phone",
            "org_name",
            "credit_code",
            "business_area"
        ]
    );
    assert_eq!(s.step(), Step::Form);
    // The summary follows corrections as they are made.
    s.set_field("applicant_phone", "13800138000").unwrap();
    assert_eq!(s.form_errors().len(), 3);
}

#[test]
fn capture_needs_every_material_captured_or_deferred() {
    let mut s = ramen_form();
    fill_form(&mut s);
    s.submit_form().unwrap();
    assert_eq!(s.step(), Step::Capture);
    let Err(SessionError::MissingMaterials(missing)) = s.confirm_capture() else {
        panic!()
    };
    assert!(missing.contains(&"食品安全管理制度".to_string()));
    // Exempt materials are never asked for, and only deferrable ones may be deferred.
    assert!(!missing
        .iter()
        .any(|m| m.contains("营业执照") || m.contains("身份证")));
    assert_eq!(
        s.set_deferred("food_safety_rules", true),
        Err(SessionError::NotDeferrable)
    );
    assert_eq!(
        s.add_page("business_licence", vec![1]),
        Err(SessionError::WrongStep)
    );
    s.add_page("food_safety_rules", vec![1]).unwrap();
    s.add_page("food_safety_rules", vec![2]).unwrap();
    s.remove_page("food_safety_rules", 0).unwrap();
    assert_eq!(s.pages("food_safety_rules").len(), 1);
    assert_eq!(s.pages("food_safety_rules")[0].0, vec![2]);
}

#[test]
fn without_a_camera_materials_can_be_handed_in_at_the_window() {
    let mut s = ramen_form();
    fill_form(&mut s);
    s.submit_form().unwrap();
    let missing = match s.confirm_capture() {
        Err(SessionError::MissingMaterials(m)) => m.len(),
        _ => panic!("materials are missing"),
    };
    assert!(missing > 0);
    let keys: Vec<String> = s
        .materials()
        .into_iter()
        .filter(|m| !m.is_exempt())
        .map(|m| m.key)
        .collect();
    for key in &keys {
        s.set_at_window(key, true).unwrap();
        assert!(s.is_at_window(key));
    }
    // A page captured after all takes the material back from the window.
    s.add_page(&keys[0], vec![1]).unwrap();
    assert!(!s.is_at_window(&keys[0]));
    assert!(
        s.set_at_window("business_licence", true).is_err(),
        "exempt materials are never asked for"
    );
    s.confirm_capture().unwrap();
}

#[test]
fn commitments_must_all_be_signed() {
    let mut s = session();
    walk_to_check_answers(&mut s);
    s.change(Step::Commitments).unwrap();
    assert_eq!(
        s.commitment_items(),
        vec!["食品（含保健食品）经营许可核发".to_string()]
    );
    assert_eq!(s.sign("契税申报", vec![1]), Err(SessionError::WrongStep));
}

#[test]
fn a_change_from_check_answers_comes_back() {
    let mut s = session();
    walk_to_check_answers(&mut s);
    s.change(Step::Form).unwrap();
    assert_eq!(s.step(), Step::Form);
    s.set_field("applicant_phone", "13912345678").unwrap();
    s.submit_form().unwrap();
    assert_eq!(s.step(), Step::CheckAnswers);
    assert_eq!(s.form().get("applicant_phone"), "13912345678");

    // Ticking the advertising approval back adds a material to capture: the path stops there first.
    s.change(Step::Items).unwrap();
    s.set_item_ticked(2, true).unwrap();
    s.confirm_items().unwrap();
    assert_eq!(s.step(), Step::Capture);
    s.add_page("sign_design", vec![3]).unwrap();
    s.confirm_capture().unwrap();
    assert_eq!(s.step(), Step::CheckAnswers);
}

#[test]
fn post_delivery_needs_an_address() {
    let mut s = session();
    walk_to_check_answers(&mut s);
    s.change(Step::Delivery).unwrap();
    let post = Delivery {
        method: DeliveryMethod::Post,
        mode: DeliveryMode::Separately,
        address: None,
    };
    assert_eq!(s.set_delivery(post), Err(SessionError::NoAddress));
    let post = Delivery {
        method: DeliveryMethod::Post,
        mode: DeliveryMode::Separately,
        address: Some("西峡县白羽路1号".into()),
    };
    s.set_delivery(post).unwrap();
    assert_eq!(s.step(), Step::CheckAnswers);
}

#[test]
fn guides_need_no_identity() {
    let mut s = session();
    s.start_guide().unwrap();
    assert_eq!(s.step(), Step::Choose);
    s.choose(35).unwrap();
    assert_eq!(s.step(), Step::Guide);
    assert!(s.identity().is_none());
    assert_eq!(s.materials().len(), 6);
    s.back();
    s.choose(20).unwrap();
    // The guide starts on the first situation, and follows the reader's pick.
    let items = |s: &Session| {
        s.chosen()
            .iter()
            .map(|c| c.item.name.clone())
            .collect::<Vec<_>>()
    };
    assert!(items(&s).contains(&"歌舞娱乐场所经营单位设立审批（自有场地）".to_string()));
    s.answer_in_guide(0, 1).unwrap();
    assert!(items(&s).contains(&"歌舞娱乐场所经营单位设立审批（租赁场地）".to_string()));
    assert!(!items(&s).iter().any(|i| i.contains("自有场地")));
    assert_eq!(
        s.answer_in_guide(0, 2),
        Err(SessionError::Selection(SelectionError::UnknownOption))
    );
    s.back();
    assert_eq!(s.step(), Step::Choose);
}

#[test]
fn idle_timeout_then_wipe() {
    let start = Instant::now();
    let mut s = Session::new(Arc::new(catalog()), IdlePolicy::default(), start);
    walk_to_check_answers(&mut s);
    assert!(s.holds_personal_data());
    let policy = IdlePolicy::default();
    assert_eq!(
        s.idle_state(start + policy.warn_after - Duration::from_secs(1)),
        IdleState::Active
    );
    assert!(matches!(
        s.idle_state(start + policy.warn_after),
        IdleState::Warning { .. }
    ));
    let end = start + policy.warn_after + policy.warning;
    assert_eq!(s.idle_state(end), IdleState::Expired);
    s.end(end);
    assert_eq!(s.step(), Step::Home);
    assert!(!s.holds_personal_data());
    assert!(s.identity().is_none());
    assert!(s.one_thing().is_none());
    assert_eq!(
        s.idle_state(end + Duration::from_secs(3600)),
        IdleState::Active,
        "Home never times out"
    );
}

#[test]
fn choosing_another_one_thing_starts_afresh() {
    let mut s = session();
    walk_to_check_answers(&mut s);
    s.change(Step::Items).unwrap();
    s.back();
    // From check answers, going back to Choose means walking back through the history.
    while s.step() != Step::Choose {
        s.back();
    }
    s.choose(57).unwrap();
    assert_eq!(s.form().get("org_name"), "");
    assert!(s.pages("food_safety_rules").is_empty());
    assert!(
        s.identity().is_some(),
        "the card read stays for the new choice"
    );
}

#[test]
fn a_situation_answer_can_rule_a_material_out() {
    let catalog = crate::catalog::load(std::path::Path::new(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/config/catalog"
    )))
    .unwrap();
    let ramen = catalog
        .one_things
        .iter()
        .find(|t| t.name == "我要开拉面馆")
        .unwrap()
        .no;
    let lease_asked = |answer: &str| {
        let mut s = Session::new(
            Arc::new(catalog.clone()),
            IdlePolicy::default(),
            Instant::now(),
        );
        s.start_apply().unwrap();
        s.identified(identity()).unwrap();
        declined(&mut s);
        s.choose(ramen).unwrap();
        assert_eq!(s.step(), Step::Question(0));
        s.answer(answer).unwrap();
        s.materials().iter().any(|m| m.key == "lease_contract")
    };
    assert!(lease_asked("租赁场地"));
    assert!(!lease_asked("自有场地"));
}

#[test]
fn status_look_ups_are_timed_and_lead_nowhere_else() {
    let start = Instant::now();
    let mut s = Session::new(Arc::new(catalog()), IdlePolicy::default(), start);
    s.start_status().unwrap();
    assert_eq!((s.step(), s.flow()), (Step::Status, Flow::Status));
    assert_eq!(s.start_apply(), Err(SessionError::WrongStep));
    assert_eq!(s.choose(35), Err(SessionError::WrongStep));
    let policy = IdlePolicy::default();
    assert!(
        matches!(
            s.idle_state(start + policy.warn_after),
            IdleState::Warning { .. }
        ),
        "what the screen shows is personal: it times out like the path"
    );
    s.back();
    assert_eq!(s.step(), Step::Home);
}
