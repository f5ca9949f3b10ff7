//! What the government already holds, in the session: consent, the platform's answer, shared fields, the role
//! question, the face check's outcomes and a shown licence.

use std::sync::Arc;
use std::time::Instant;

use super::*;
use crate::session::test_support::{catalog, identity};

fn session(face: FaceCheck) -> Session {
    Session::new(Arc::new(catalog()), IdlePolicy::default(), Instant::now()).with_face_check(face)
}

/// 我要开拉面馆 up to the checklist, with the consent given or refused.
fn at_items(consent: bool) -> Session {
    let mut s = session(FaceCheck::Off);
    s.start_apply().unwrap();
    s.identified(identity()).unwrap();
    s.answer_consent(consent, &"c".repeat(64)).unwrap();
    s.choose(35).unwrap();
    s
}

fn licence(licence_type: &str, valid_to: Option<&str>) -> HeldLicence {
    HeldLicence {
        licence_type: licence_type.into(),
        number: "N-0001".into(),
        valid_to: valid_to.map(String::from),
    }
}

fn found(licences: Vec<HeldLicence>, fields: &[(&str, &str)]) -> Lookup {
    Lookup::Found {
        licences,
        fields: fields
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect(),
        on: "2026-12-07".into(),
    }
}

fn material(s: &Session, key: &str) -> MergedMaterial {
    s.materials()
        .into_iter()
        .find(|m| m.key == key)
        .expect("the material")
}

/// A material an e-licence proves is exempt only with the licence: refused, unreachable, not found and expired
/// each ask for the paper with their own reason.
#[test]
fn only_a_confirmed_valid_licence_exempts_and_every_other_case_says_why() {
    let refused = at_items(false);
    let m = material(&refused, "business_licence");
    assert!(!m.is_exempt());
    assert!(
        m.note.as_deref().unwrap().contains("您没有同意查询"),
        "{m:?}"
    );

    let mut down = at_items(true);
    down.platform_answered(Lookup::Unreachable);
    let m = material(&down, "business_licence");
    assert!(!m.is_exempt());
    assert!(m.note.as_deref().unwrap().contains("暂时无法连接"));

    let mut none = at_items(true);
    none.platform_answered(found(vec![], &[]));
    assert_eq!(
        material(&none, "business_licence").note.as_deref(),
        Some("平台未查到您的电子营业执照，请拍摄纸质材料")
    );

    let mut expired = at_items(true);
    expired.platform_answered(found(vec![licence("营业执照", Some("2025-06-30"))], &[]));
    assert!(material(&expired, "business_licence")
        .note
        .unwrap()
        .contains("已过期"));

    let mut valid = at_items(true);
    valid.platform_answered(found(vec![licence("营业执照", Some("2030-01-01"))], &[]));
    let m = material(&valid, "business_licence");
    assert_eq!(
        m.treatment,
        Treatment::Licence {
            reason: "政务服务平台已核验营业执照，无需提交".into(),
            licence_type: "营业执照".into(),
            number: "N-0001".into(),
        }
    );
    assert_eq!(m.note, None);
    // The card's own exemption does not depend on the platform.
    assert!(material(&refused, "id_card").is_exempt());
}

/// What the platform returns fills its fields, which cannot be typed over; what it lacks is typed.
#[test]
fn shared_fields_are_filled_and_locked() {
    let mut s = at_items(true);
    s.platform_answered(found(
        vec![],
        &[
            ("org_name", "西峡县老马拉面馆有限公司"),
            ("legal_representative", "张三"),
        ],
    ));
    s.confirm_items().unwrap();
    assert_eq!(
        s.step(),
        Step::Notice,
        "the holder is the legal representative"
    );
    assert_eq!(s.role(), Some(Role::LegalRepresentative));
    s.confirm_notice().unwrap();
    assert_eq!(s.form().get("org_name"), "西峡县老马拉面馆有限公司");
    assert!(s.shared_fields().contains("org_name"));
    assert_eq!(
        s.set_field("org_name", "别的名字"),
        Err(SessionError::SharedField)
    );
    assert!(!s.shared_fields().contains("credit_code"), "not returned");
    s.set_field("credit_code", "91350100M000100Y43").unwrap();
}

/// Someone else on the platform's record as the legal representative: the role is asked; an agent hands in the
/// power of attorney.
#[test]
fn an_agent_is_asked_and_adds_the_power_of_attorney() {
    let mut s = at_items(true);
    s.platform_answered(found(vec![], &[("legal_representative", "王五")]));
    s.confirm_items().unwrap();
    assert_eq!(s.step(), Step::Role);
    assert_eq!(s.platform().legal_representative(), Some("王五"));
    assert!(s.materials().iter().all(|m| m.key != "power_of_attorney"));
    s.set_role(Role::Agent).unwrap();
    assert_eq!(s.step(), Step::Notice);
    let poa = material(&s, "power_of_attorney");
    assert!(!poa.is_exempt());
    // Without the platform's word the applicant is asked too.
    let mut refused = at_items(false);
    refused.confirm_items().unwrap();
    assert_eq!(refused.step(), Step::Role);
}

/// A face check the center requires cannot be refused at the kiosk; one that is only wanted can.
#[test]
fn face_consent_follows_the_policy() {
    for (policy, refused) in [
        (FaceCheck::Required, Err(SessionError::FaceCheckRequired)),
        (FaceCheck::WhenAvailable, Ok(())),
    ] {
        let mut s = session(policy);
        s.start_apply().unwrap();
        s.identified(identity()).unwrap();
        s.answer_consent(true, &"c".repeat(64)).unwrap();
        assert_eq!(s.step(), Step::FaceConsent);
        assert_eq!(s.answer_face_consent(false), refused, "{policy:?}");
    }
    let mut s = session(FaceCheck::WhenAvailable);
    s.start_apply().unwrap();
    s.identified(identity()).unwrap();
    s.answer_consent(true, &"c".repeat(64)).unwrap();
    s.answer_face_consent(true).unwrap();
    assert_eq!(s.step(), Step::FaceCheck);
    s.face_matched("v-1").unwrap();
    assert_eq!(s.step(), Step::Choose);
    assert_eq!(
        s.platform()
            .identity_check
            .as_ref()
            .map(|c| c.verify_id.as_str()),
        Some("v-1")
    );
    s.back();
    assert_eq!(
        s.step(),
        Step::FaceConsent,
        "back skips the finished camera"
    );
    // The service down: where it is required, to the window.
    let mut required = session(FaceCheck::Required);
    required.start_apply().unwrap();
    required.identified(identity()).unwrap();
    required.answer_consent(false, &"c".repeat(64)).unwrap();
    required.answer_face_consent(true).unwrap();
    assert_eq!(
        required.face_check_unavailable(),
        Err(SessionError::FaceCheckRequired)
    );
}

/// A licence shown from a phone for a material on the capture screen does the material without a page.
#[test]
fn a_shown_licence_does_the_material() {
    let mut s = at_items(false);
    s.confirm_items().unwrap();
    s.set_role(Role::LegalRepresentative).unwrap();
    s.confirm_notice().unwrap();
    for (key, value) in [
        ("applicant_phone", "13800138000"),
        ("org_name", "西峡县老马拉面馆"),
        ("credit_code", "91350100M000100Y43"),
        ("business_area", "80"),
    ] {
        s.set_field(key, value).unwrap();
    }
    s.submit_form().unwrap();
    assert_eq!(s.step(), Step::Capture);
    s.add_page("business_licence", vec![0xFF, 0xD8]).unwrap();
    let shown = ShownLicence {
        licence_type: "营业执照".into(),
        number: "91350100M000100Y43".into(),
    };
    assert_eq!(
        s.licence_shown("food_safety_rules", shown.clone()),
        Err(SessionError::WrongStep),
        "no licence proves a paper the applicant writes"
    );
    s.licence_shown("business_licence", shown).unwrap();
    let m = material(&s, "business_licence");
    assert!(m.is_exempt());
    assert!(m.exempt_reason().unwrap().contains("亮证"));
    assert!(
        s.pages("business_licence").is_empty(),
        "its page is dropped"
    );
}

/// An agent names the legal representative who authorised them on the form when the items do not ask already,
/// so the package always says whom they act for.
#[test]
fn an_agent_without_the_platform_names_the_legal_representative() {
    let mut s = at_items(false);
    s.confirm_items().unwrap();
    assert!(
        s.fields().iter().all(|f| f.key != "legal_representative"),
        "these items do not ask"
    );
    s.set_role(Role::Agent).unwrap();
    s.confirm_notice().unwrap();
    let field = s
        .fields()
        .into_iter()
        .find(|f| f.key == "legal_representative")
        .expect("asked of the agent");
    assert!(field.required);
    for (key, value) in [
        ("applicant_phone", "13800138000"),
        ("org_name", "西峡县老马拉面馆"),
        ("credit_code", "91350100M000100Y43"),
        ("business_area", "80"),
    ] {
        s.set_field(key, value).unwrap();
    }
    assert!(
        s.submit_form().is_err(),
        "the legal representative is missing"
    );
    s.set_field("legal_representative", "王五").unwrap();
    s.submit_form().unwrap();
}

/// Someone else on the platform's record: the card's holder may apply only as an agent.
#[test]
fn a_holder_the_platform_does_not_name_is_not_the_legal_representative() {
    let mut s = at_items(true);
    s.platform_answered(found(vec![], &[("legal_representative", "王五")]));
    s.confirm_items().unwrap();
    assert!(!s.may_be_legal_representative());
    assert_eq!(
        s.set_role(Role::LegalRepresentative),
        Err(SessionError::WrongStep)
    );
    s.set_role(Role::Agent).unwrap();
}

/// Consent withdrawn after going back: nothing the platform said stays, nor the values it filled.
#[test]
fn withdrawn_consent_takes_the_platform_s_data_away() {
    let mut s = at_items(true);
    s.platform_answered(found(
        vec![licence("营业执照", None)],
        &[
            ("org_name", "西峡县老马拉面馆有限公司"),
            ("legal_representative", "张三"),
        ],
    ));
    s.confirm_items().unwrap();
    s.confirm_notice().unwrap();
    assert!(s.shared_fields().contains("org_name"));
    while s.step() != Step::Consent {
        s.back();
    }
    s.answer_consent(false, &"c".repeat(64)).unwrap();
    assert!(s.shared_fields().is_empty());
    assert_eq!(s.form().get("org_name"), "", "the platform's value is gone");
    assert_eq!(s.platform().role, None);
    assert!(!material(&s, "business_licence").is_exempt());
}

/// A value the form itself would refuse is not locked in: the applicant types it.
#[test]
fn a_shared_value_the_form_refuses_is_left_to_type() {
    let mut s = at_items(true);
    s.platform_answered(found(
        vec![],
        &[
            ("credit_code", "NOT-A-CODE"),
            ("org_name", "西峡县老马拉面馆有限公司"),
        ],
    ));
    s.confirm_items().unwrap();
    s.set_role(Role::LegalRepresentative).unwrap();
    s.confirm_notice().unwrap();
    assert!(s.shared_fields().contains("org_name"));
    assert!(!s.shared_fields().contains("credit_code"));
    assert_eq!(s.form().get("credit_code"), "");
    s.set_field("credit_code", "91350100M000100Y43").unwrap();
}
