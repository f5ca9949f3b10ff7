//! Contract 1.1's platform on the wire: real-person verification answering as the simulator is told (on its
//! command line and through its control route), shared data only for the applicant and of what was asked, and a
//! shown e-licence confirmed with the hash of its holder.

use crate::common;

use common::sim::{link, runtime, Sim};
use kiosk::backoffice::platform_wire::{FaceResult, SharedDataQuery};
use kiosk::backoffice::LinkError;

fn a_face() -> Vec<u8> {
    use drivers::camera::DocumentCamera;
    drivers::camera::SimFaceCamera::default().capture().unwrap()
}

#[test]
fn the_face_comparison_answers_as_told() {
    let dir = tempfile::tempdir().unwrap();
    let sim = Sim::start(dir.path(), &["--face", "no_match"]);
    let link = link(&sim.url);
    let rt = runtime();
    let verify =
        |jpeg: &[u8]| rt.block_on(link.verify_identity("11010519491231002X", "张三", jpeg));
    let first = verify(&a_face()).unwrap();
    assert_eq!(first.result, FaceResult::NoMatch);
    assert!(!first.verify_id.is_empty());
    // The control route: unusable once, then match from then on.
    sim.set_face("unusable,match");
    assert_eq!(verify(&a_face()).unwrap().result, FaceResult::Unusable);
    assert_eq!(verify(&a_face()).unwrap().result, FaceResult::Match);
    assert_eq!(verify(&a_face()).unwrap().result, FaceResult::Match);
    // Not a JPEG: refused by the contract's rules, and not retried as if the server were down.
    match verify(b"not a picture") {
        Err(e @ LinkError::Rejected { .. }) => assert!(!e.is_transient()),
        other => panic!("{:?}", other.map(|v| v.result)),
    }
    // Over 200 KB: the kiosk does not send it.
    assert!(verify(&vec![0xFF; 300 * 1024]).is_err());
}

#[test]
fn shared_data_is_the_applicant_s_and_a_shown_licence_names_its_holder() {
    let dir = tempfile::tempdir().unwrap();
    let sim = Sim::start(dir.path(), &[]);
    let link = link(&sim.url);
    let rt = runtime();
    let query = |consent: &str| SharedDataQuery {
        id_number: drivers::idcard::sim::sample_identity().id_number.clone(),
        credit_code: None,
        consent_sha256: consent.to_string(),
        licence_types: vec!["营业执照".into(), "健康证明".into()],
        fields: vec!["org_name".into(), "legal_representative".into()],
    };
    let shared = rt
        .block_on(link.shared_data(&query(&"a".repeat(64))))
        .unwrap();
    let types: Vec<&str> = shared
        .licences
        .iter()
        .map(|l| l.licence_type.as_str())
        .collect();
    assert_eq!(types, vec!["营业执照", "健康证明"]);
    assert!(
        !shared.licences[1].valid_on("2026-12-07"),
        "the sample's health certificate has expired"
    );
    assert_eq!(
        shared.fields.keys().map(String::as_str).collect::<Vec<_>>(),
        vec!["legal_representative", "org_name"]
    );
    // Without the hash of a consent text: refused.
    assert!(rt.block_on(link.shared_data(&query("no consent"))).is_err());

    let shown = rt
        .block_on(link.verify_licence("ELIC:BUSINESS:91411323MA9LMGLM0L"))
        .unwrap()
        .expect("a known code");
    assert_eq!(shown.licence_type, "营业执照");
    assert_eq!(
        shown.holder_id_sha256,
        kiosk::package::sha256_hex(b"91411323MA9LMGLM0L")
    );
    assert!(rt
        .block_on(link.verify_licence("ELIC:NOTHING"))
        .unwrap()
        .is_none());
}
