//! The applicant's path on screen, driven by accessible labels with simulated devices, in both modes: the
//! applicant agrees to the platform, which cannot be reached (the back office is configured, and stopped), so the
//! face is not compared, everything the platform could have proved is handed in and every field typed. (`ui_platform` walks the same path with the platform answering, and
//! with the consent refused.)

use crate::common;

use std::sync::{Arc, Mutex};

use kiosk::outbox::Outbox;

use crate::walk::{face_checked, fill_the_form, Walk};
use common::*;
use kiosk::services::devices::DeviceUris;
use kiosk::session::Step;
use kiosk::ui::views::{
    CaptureViewAdapter, CheckViewAdapter, CommitmentsViewAdapter, DeliveryViewAdapter,
    FormViewAdapter, ItemsViewAdapter, NoticeViewAdapter,
};
use slint::{ComponentHandle, Model};

#[test]
fn the_path_from_card_to_notice() {
    init_headless();
    let kiosk = open_kiosk(1080, 1920);
    kiosk
        .attach_devices(&DeviceUris::all_sim())
        .expect("device service");
    let data = tempfile::tempdir().unwrap();
    let outbox = Arc::new(Mutex::new(Outbox::open(data.path()).unwrap()));
    // The back office (and the platform behind it) stopped: configured, and nobody answers.
    let stopped = common::sim::Sim::start(&data.path().join("backoffice"), &[]);
    let config = kiosk::config::Config::load(&common::sim::kiosk_config(
        data.path(),
        &stopped.url,
        common::sim::SECRET,
        "",
    ))
    .unwrap();
    drop(stopped);
    kiosk
        .attach_intake(
            outbox.clone(),
            Some((
                config.backoffice.as_ref().unwrap(),
                common::sim::KIOSK,
                kiosk::services::uplink::CatalogCache::new(data.path()),
            )),
        )
        .unwrap();
    until(&kiosk, "all devices ok", |k| {
        is_shown(k, "设备正常（演示模式）")
    });
    press(&kiosk, "我要办事");
    until(&kiosk, "the identify screen", |k| step(k) == Step::Identify);
    let mut walk = Walk {
        shots: true,
        ..Walk::default()
    };
    press_when_shown(&kiosk, "演示：放置样例身份证");
    until(&kiosk, "the card read", |k| step(k) == Step::Consent);
    walk.card_read();
    // Consent in plain words: what, from where, why; refusing is a real choice.
    assert!(is_shown(&kiosk, "同意查询"));
    assert!(is_shown(&kiosk, "不同意，我自己提交材料"));
    walk.shot(&kiosk, "25-consent");
    press(&kiosk, "同意查询");
    // The face comparison has its own consent; without a platform to compare with, the applicant goes on (the
    // center only wants the check).
    assert_eq!(step(&kiosk), Step::FaceConsent);
    assert!(is_shown(&kiosk, "同意人脸核验"));
    walk.shot(&kiosk, "26-face-consent");
    press(&kiosk, "同意人脸核验");
    face_checked(&kiosk, None);
    assert_eq!(step(&kiosk), Step::Choose);
    assert!(is_shown(&kiosk, "选择要办的事"));
    search(&kiosk, "lmg");
    press(&kiosk, "我要开拉面馆");
    // The situation question: one per page, the question as the heading.
    assert_eq!(step(&kiosk), Step::Question(0));
    assert!(is_shown(&kiosk, "经营场地是自有的还是租赁的？"));
    walk.shot(&kiosk, "29-question");
    press(&kiosk, "租赁场地");
    assert_eq!(step(&kiosk), Step::Items);
    walk.shot(&kiosk, "30-items");

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
    // Nobody said who the legal representative is: the applicant is asked.
    until(&kiosk, "the platform given up", |k| step(k) != Step::Items);
    assert_eq!(step(&kiosk), Step::Role);
    walk.shot(&kiosk, "30b-role");
    press(&kiosk, "我是法定代表人");
    assert_eq!(step(&kiosk), Step::Notice);
    assert!(is_shown(&kiosk, "一次告知：办理我要开拉面馆需要这些材料"));
    // What the platform could have proved is asked for, and the notice says why.
    let licence = kiosk
        .window
        .global::<NoticeViewAdapter>()
        .get_materials()
        .iter()
        .find(|m| m.name == "营业执照")
        .expect("the business licence on the notice");
    assert!(
        licence.detail.contains("暂时无法连接政务服务平台"),
        "{}",
        licence.detail
    );
    walk.shot(&kiosk, "31-notice");
    press(&kiosk, "打印告知单");
    until(&kiosk, "the notice printed", |k| {
        k.app().print_note.contains("已打印")
    });
    let printed = sim_printer(&kiosk).received();
    let text = encoding_rs::GB18030.decode(&printed).0.to_string();
    assert!(text.contains("一次告知单"), "{text}");
    assert!(
        !text.contains("户外广告"),
        "the unticked item is not on the slip"
    );
    press(&kiosk, "材料齐全，下一步");
    assert_eq!(step(&kiosk), Step::Form);
    fill_the_form(&kiosk, &mut walk);
    eprintln!(
        "way (c) the platform down: {} materials to capture, {} fields to type, {} taps from the card read to 提交申请",
        walk.materials_to_capture, walk.fields_to_type, walk.taps_to_submit
    );

    // The package in the outbox holds exactly what was chosen, entered, captured and signed.
    let outbox = outbox.lock().unwrap();
    let entries = outbox.list().unwrap();
    assert_eq!(entries.len(), 1);
    let package = outbox.load(&entries[0].package_id).unwrap();
    let m = &package.manifest;
    // The pictures of the applicant's papers on screen (preview, thumbnails) were zeroed once the screen let
    // go of them, every one in place (none was still shown when its turn came).
    let ((zeroed, still_shown), none_left) = kiosk.picture_wipes();
    assert!(zeroed >= 2, "{zeroed} pictures zeroed");
    assert_eq!(still_shown, 0);
    assert!(none_left);
    // The manifest carries the hash of the code on the printed receipt, never the code.
    let printed = drivers::printer::decode::to_text(&drivers::printer::decode::decode(
        &sim_printer(&kiosk).received(),
    ));
    let code = printed
        .lines()
        .find_map(|l| l.strip_prefix(&format!("[QR {} ", m.receipt_no)))
        .and_then(|rest| rest.strip_suffix(']'))
        .expect("the receipt's QR code");
    assert_eq!(
        m.check_code_sha256,
        kiosk::package::sha256_hex(code.as_bytes())
    );
    assert!(!serde_json::to_string(m).unwrap().contains(code));
    assert_eq!(
        m.receipt_no,
        kiosk.app().done.as_ref().unwrap().receipt.receipt_no
    );
    assert_eq!(m.one_thing.name, "我要开拉面馆");
    assert_eq!(m.answers.len(), 1);
    assert_eq!(m.answers[0].answer, "租赁场地");
    assert!(
        m.materials.iter().any(|x| x.key == "lease_contract"),
        "a rented site asks for the lease"
    );
    let items: Vec<&str> = m.items.iter().map(|i| i.name.as_str()).collect();
    assert_eq!(items.len(), 3, "{items:?}");
    assert!(
        !items.iter().any(|i| i.contains("户外广告")),
        "the unticked item stays out"
    );
    assert_eq!(
        m.form.get("org_name").map(String::as_str),
        Some("老马拉面馆")
    );
    assert_eq!(
        m.form.get("applicant_phone").map(String::as_str),
        Some("13800138000")
    );
    assert_eq!(m.delivery.method, "window");
    assert_eq!(m.delivery.mode, "separately");
    let pages: usize = m.materials.iter().map(|x| x.files.len()).sum();
    assert!(pages >= 2);
    assert_eq!(
        m.materials
            .iter()
            .find(|x| x.status == "captured")
            .map(|x| x.files.len()),
        Some(2)
    );
    assert!(m.materials.iter().any(|x| x.status == "deferred"));
    assert!(!m.commitments.is_empty());
    for c in &m.commitments {
        assert!(package
            .files
            .iter()
            .any(|f| f.sha256 == c.signature_sha256 && f.content_type == "image/png"));
    }
    // 1.1: who applied, no face check (none could be done), nothing from shared data, the licence captured.
    assert_eq!(m.applicant_role, "legal_representative");
    assert!(m.agent.is_none() && m.identity_check.is_none());
    assert!(m.shared_fields.is_empty());
    assert_eq!(
        m.materials
            .iter()
            .find(|x| x.key == "business_licence")
            .map(|x| x.status.as_str()),
        Some("captured")
    );
    kiosk::backoffice::contract::check_manifest(
        &serde_json::to_value(m).unwrap(),
        &m.kiosk_id,
        &m.package_id,
    )
    .unwrap_or_else(|p| panic!("{p:?}"));
    drop(outbox);

    // Nothing personal is left in the session or the UI models.
    assert!(!kiosk.app().session.holds_personal_data());
    assert_eq!(
        kiosk
            .window
            .global::<FormViewAdapter>()
            .get_fields()
            .row_count(),
        0
    );
    assert_eq!(
        kiosk
            .window
            .global::<CaptureViewAdapter>()
            .get_pages()
            .row_count(),
        0
    );
    assert_eq!(
        kiosk
            .window
            .global::<CheckViewAdapter>()
            .get_sections()
            .row_count(),
        0
    );
    assert!(kiosk
        .window
        .global::<CommitmentsViewAdapter>()
        .get_strokes()
        .is_empty());
    assert!(kiosk
        .window
        .global::<DeliveryViewAdapter>()
        .get_address()
        .is_empty());
    press(&kiosk, "完成");
    // 好差评 asks by itself (one test of its own rates, one skips, one lets it time out); this one skips.
    assert!(is_shown(&kiosk, "请您为本次服务评价"));
    press(&kiosk, "跳过");
    assert!(is_shown(&kiosk, "我要办事"), "the next applicant sees Home");
}
