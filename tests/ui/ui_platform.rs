//! 我要开拉面馆 as the government's platform changes it (contract 1.1), against the back-office simulator and its
//! sample platform (`config/sim/platform.toml`): (a) the applicant agrees, their face matches, and the sample
//! company's e-business-licence and registration spare them papers and typing; (b) they refuse, and hand in and
//! type everything. (`ui_path` walks the third way: they agree, and the platform cannot be reached.) Each way
//! asserts what is asked for, what is exempted with which licence, which fields come from the platform, and the
//! manifest's new fields, and counts what the applicant had to do.

use crate::common;

use std::sync::{Arc, Mutex};

use common::sim::{kiosk_config, Sim, KIOSK, SECRET};
use common::*;
use kiosk::config::Config;
use kiosk::outbox::Outbox;
use kiosk::services::devices::DeviceUris;
use kiosk::services::uplink::CatalogCache;
use kiosk::session::Step;
use kiosk::ui::views::{
    CaptureViewAdapter, FormViewAdapter, ItemsViewAdapter, NoticeViewAdapter, RatingViewAdapter,
};
use kiosk::ui::Kiosk;
use serde_json::Value;
use slint::{ComponentHandle, Model};

use crate::walk::{face_checked, fill_the_form, focus, pinyin, Walk};

/// A kiosk on simulated devices, linked to the simulator at `sim`.
fn linked_kiosk(dir: &std::path::Path, sim: &Sim) -> Kiosk {
    let config = Config::load(&kiosk_config(dir, &sim.url, SECRET, "")).unwrap();
    let data = dir.join("data");
    let kiosk = open_kiosk(1080, 1920);
    kiosk.attach_devices(&DeviceUris::all_sim()).unwrap();
    kiosk
        .attach_intake(
            Arc::new(Mutex::new(Outbox::open(&data).unwrap())),
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
    kiosk
}

/// 我要办事 and the sample card: the consent screen shows; taps count from the card read.
fn to_consent(kiosk: &Kiosk, walk: &mut Walk) {
    press(kiosk, "我要办事");
    until(kiosk, "the identify screen", |k| step(k) == Step::Identify);
    press_when_shown(kiosk, "演示：放置样例身份证");
    until(kiosk, "the card read", |k| step(k) == Step::Consent);
    walk.card_read();
}

/// 我要开拉面馆 on a rented site, without the advertising approval: the same choices as `ui_path`.
fn to_the_checklist(kiosk: &Kiosk) {
    search(kiosk, "lmg");
    press(kiosk, "我要开拉面馆");
    press(kiosk, "租赁场地");
    let items = kiosk.window.global::<ItemsViewAdapter>().get_items();
    let advert = items
        .iter()
        .find(|i| i.name.contains("户外广告"))
        .expect("the advertising approval");
    press(
        kiosk,
        &format!("☑ 办理：{}（{}）", advert.name, advert.department),
    );
    press(kiosk, "下一步");
    until(kiosk, "the platform asked", |k| step(k) != Step::Items);
}

/// A line of the one-time notice: (its status words, its detail).
fn notice_line(kiosk: &Kiosk, name: &str) -> (String, String) {
    kiosk
        .window
        .global::<NoticeViewAdapter>()
        .get_materials()
        .iter()
        .find(|m| m.name == name)
        .map(|m| (m.status_text.to_string(), m.detail.to_string()))
        .unwrap_or_else(|| panic!("{name} is not on the notice"))
}

/// The manifest the simulator stored for the application just submitted.
fn stored_manifest(kiosk: &Kiosk, sim: &Sim) -> Value {
    let receipt_no = kiosk
        .app()
        .done
        .as_ref()
        .unwrap()
        .receipt
        .receipt_no
        .clone();
    let find = || {
        sim.store()
            .manifests()
            .unwrap()
            .into_iter()
            .map(|(_, m)| m)
            .find(|m| m["receipt_no"] == receipt_no.as_str())
    };
    until(kiosk, "the package delivered", |_| find().is_some());
    find().unwrap()
}

fn material<'a>(manifest: &'a Value, key: &str) -> &'a Value {
    manifest["materials"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["key"] == key)
        .unwrap_or_else(|| panic!("no material {key}"))
}

/// Every line any thread logs while this test binary runs, through the kiosk's own redacting subscriber.
#[derive(Clone, Default)]
struct Logged(Arc<Mutex<Vec<u8>>>);

impl std::io::Write for Logged {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl Logged {
    fn start() -> Logged {
        let logged = Logged::default();
        let sink = kiosk::logging::Sink::new(Box::new(logged.clone()), Default::default());
        tracing::subscriber::set_global_default(kiosk::logging::subscriber(
            sink,
            tracing::Level::TRACE,
            false,
        ))
        .expect("no other test in this binary installs a global logger");
        logged
    }

    fn text(&self) -> String {
        String::from_utf8_lossy(&self.0.lock().unwrap()).into_owned()
    }
}

/// The face camera's picture (640×480) anywhere in `bytes`, as a JPEG.
fn holds_a_face(bytes: &[u8]) -> bool {
    bytes.windows(3).enumerate().any(|(at, w)| {
        w == [0xFF, 0xD8, 0xFF]
            && image::load_from_memory_with_format(&bytes[at..], image::ImageFormat::Jpeg)
                .is_ok_and(|i| (i.width(), i.height()) == (640, 480))
    })
}

/// No file under `dir` holds a face picture.
fn no_face_under(dir: &std::path::Path) {
    for entry in std::fs::read_dir(dir).unwrap().flatten() {
        let path = entry.path();
        if path.is_dir() {
            no_face_under(&path);
        } else if let Ok(bytes) = std::fs::read(&path) {
            assert!(
                !holds_a_face(&bytes),
                "a face picture in {}",
                path.display()
            );
        }
    }
}

fn report(way: &str, walk: &Walk) {
    eprintln!(
        "way ({way}): {} materials to capture, {} fields to type, {} taps from the card read to 提交申请",
        walk.materials_to_capture, walk.fields_to_type, walk.taps_to_submit
    );
}

#[test]
fn the_platform_spares_papers_and_typing_only_with_consent() {
    init_headless();
    let logged = Logged::start();
    // (a) Consent, a face match, the sample company's e-licence and registration.
    let agreed = tempfile::tempdir().unwrap();
    let sim = Sim::start(&agreed.path().join("backoffice"), &["--face", "match"]);
    let kiosk = linked_kiosk(agreed.path(), &sim);
    let mut a = Walk::default();
    to_consent(&kiosk, &mut a);
    press(&kiosk, "同意查询");
    assert_eq!(step(&kiosk), Step::FaceConsent);
    press(&kiosk, "同意人脸核验");
    assert_eq!(step(&kiosk), Step::FaceCheck);
    assert!(is_shown(&kiosk, "人脸核验：请正对屏幕"));
    face_checked(&kiosk, Some("27-face-check"));
    assert_eq!(step(&kiosk), Step::Choose, "the face matched");
    to_the_checklist(&kiosk);
    // The platform names the card's holder as the company's legal representative: not asked.
    assert_eq!(step(&kiosk), Step::Notice);
    let (status, detail) = notice_line(&kiosk, "营业执照");
    assert_eq!(status, "无需提交");
    assert!(detail.contains("政务服务平台已核验营业执照"), "{detail}");
    let (status, detail) = notice_line(&kiosk, "从业人员健康证明");
    assert_eq!(status, "可容缺", "asked for (and may be brought later)");
    assert!(detail.contains("平台查到的健康证明信息已过期"), "{detail}");
    screenshot(&kiosk, "31b-notice-platform");
    press(&kiosk, "材料齐全，下一步");
    assert_eq!(step(&kiosk), Step::Form);
    let from_platform: Vec<String> = kiosk
        .window
        .global::<FormViewAdapter>()
        .get_fields()
        .iter()
        .filter(|f| f.from_platform)
        .map(|f| f.value.to_string())
        .collect();
    assert!(
        from_platform.contains(&"西峡县老马拉面馆有限公司".to_string()),
        "{from_platform:?}"
    );
    screenshot(&kiosk, "32b-form-platform");
    fill_the_form(&kiosk, &mut a);
    report("a) consent, face match, the sample company's e-licence", &a);
    let m = stored_manifest(&kiosk, &sim);
    assert_eq!(m["applicant_role"], "legal_representative");
    assert!(m["agent"].is_null());
    assert_eq!(m["identity_check"]["method"], "face");
    assert_eq!(m["identity_check"]["result"], "match");
    assert!(!m["identity_check"]["verify_id"]
        .as_str()
        .unwrap()
        .is_empty());
    assert_eq!(material(&m, "business_licence")["status"], "licence");
    assert_eq!(
        material(&m, "business_licence")["licence"]["number"],
        "91411323MA9LMGLM0L"
    );
    assert_eq!(material(&m, "property_certificate")["status"], "licence");
    assert_eq!(
        material(&m, "property_certificate")["licence"]["number"],
        "豫（2021）西峡县不动产权第0001234号"
    );
    assert_ne!(material(&m, "health_certificates")["status"], "licence");
    let shared: Vec<&str> = m["shared_fields"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(Value::as_str)
        .collect();
    for key in [
        "org_name",
        "credit_code",
        "legal_representative",
        "business_address",
        "business_scope",
    ] {
        assert!(shared.contains(&key), "{key} from shared data: {shared:?}");
    }
    assert_eq!(m["form"]["credit_code"], "91411323MA9LMGLM0L");
    assert_eq!(m["organisation"]["name"], "西峡县老马拉面馆有限公司");
    // The face picture went to the platform only: no file of the package, nothing on either side's disk.
    let package_id = m["package_id"].as_str().unwrap();
    let files = m["materials"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|x| x["files"].as_array().unwrap().iter())
        .map(|f| f["sha256"].as_str().unwrap().to_string())
        .chain(
            m["commitments"]
                .as_array()
                .unwrap()
                .iter()
                .map(|c| c["signature_sha256"].as_str().unwrap().to_string()),
        );
    for sha256 in files {
        let (_, bytes) = sim.store().file(package_id, &sha256).unwrap().unwrap();
        assert!(!holds_a_face(&bytes), "a face picture in the package");
    }
    no_face_under(agreed.path());
    // (The search can find one: the simulated face camera's own picture is found.)
    use drivers::camera::DocumentCamera;
    let face = drivers::camera::SimFaceCamera::default().capture().unwrap();
    assert!(holds_a_face(&[b"prefix".as_slice(), &face].concat()));
    press(&kiosk, "完成");

    // 好差评: the rating screen asks by itself; a 不满意 with a reason and a typed comment reaches the back office
    // exactly once, through a 503 and an answer lost after it was stored.
    assert!(is_shown(&kiosk, "请您为本次服务评价"));
    screenshot(&kiosk, "45-rating");
    sim.set_faults("503@evaluation*1,drop-after-store@evaluation*1");
    press(&kiosk, "不满意");
    press(&kiosk, "等待时间长，未选");
    assert!(is_shown(&kiosk, "等待时间长，已选"));
    focus(&kiosk, "您的意见");
    pinyin(&kiosk, "paidui", "排队");
    press(&kiosk, "完成");
    screenshot(&kiosk, "46-rating-reasons");
    press(&kiosk, "提交评价");
    until(&kiosk, "the thanks", |k| is_shown(k, "感谢您的评价"));
    assert!(kiosk
        .window
        .global::<RatingViewAdapter>()
        .get_thanks()
        .contains("3 个工作日内与您联系回访"));
    let answers = || -> Vec<u16> {
        sim.store()
            .evaluation_answers()
            .unwrap()
            .into_iter()
            .map(|(_, status)| status)
            .collect()
    };
    until(&kiosk, "the evaluation delivered", |_| answers().len() == 2);
    assert_eq!(
        answers(),
        [201, 200],
        "stored once; the retry found it there"
    );
    let evaluations = sim.store().evaluations().unwrap();
    assert_eq!(evaluations.len(), 1, "exactly once");
    let rated = &evaluations[0];
    assert_eq!(rated.level, 2);
    assert!(rated.follow_up);
    assert_eq!(rated.kind, "application");
    assert_eq!(rated.receipt_no, m["receipt_no"].as_str().unwrap());
    assert_eq!(rated.body["reasons"], serde_json::json!(["等待时间长"]));
    assert_eq!(rated.body["comment"], "排队");
    press(&kiosk, "完成");
    assert_eq!(step(&kiosk), Step::Home);
    drop(kiosk);

    // (b) Consent refused (both): everything is handed in and typed; window staff check the person.
    // (Each way has a back office of its own: both kiosks number their first application alike.)
    let refused = tempfile::tempdir().unwrap();
    let sim = Sim::start(&refused.path().join("backoffice"), &[]);
    let kiosk = linked_kiosk(refused.path(), &sim);
    let mut b = Walk::default();
    to_consent(&kiosk, &mut b);
    press(&kiosk, "不同意，我自己提交材料");
    assert_eq!(step(&kiosk), Step::FaceConsent);
    press(&kiosk, "不同意");
    assert_eq!(step(&kiosk), Step::Choose, "refusing is a real choice");
    to_the_checklist(&kiosk);
    assert_eq!(
        step(&kiosk),
        Step::Role,
        "nobody said who the legal representative is"
    );
    press(&kiosk, "我是法定代表人");
    let (status, detail) = notice_line(&kiosk, "营业执照");
    assert_eq!(status, "可容缺", "asked for (and may be brought later)");
    assert!(detail.contains("您没有同意查询"), "{detail}");
    press(&kiosk, "材料齐全，下一步");
    fill_the_form(&kiosk, &mut b);
    report("b) consent refused", &b);
    let m = stored_manifest(&kiosk, &sim);
    assert_eq!(m["applicant_role"], "legal_representative");
    assert!(m["identity_check"].is_null());
    assert_eq!(m["shared_fields"].as_array().map(Vec::len), Some(0));
    for key in ["business_licence", "property_certificate"] {
        assert_ne!(material(&m, key)["status"], "licence", "{key}");
        assert_ne!(material(&m, key)["status"], "exempt", "{key}");
    }
    press(&kiosk, "完成");

    // Nothing the platform returned, nor the face, is in any log line, at any level.
    let log = logged.text();
    assert!(
        log.contains("real-person verification answered"),
        "the log works"
    );
    for secret in [
        "91411323MA9LMGLM0L",
        "不动产权第0001234号",
        "西卫健证",
        "西峡县老马拉面馆有限公司",
        "白羽路88号",
        "餐饮服务",
        "11010519491231002X",
        "张三",
        // A JPEG in base64 begins so.
        "/9j/",
        // The rating's comment.
        "排队",
    ] {
        assert!(!log.contains(secret), "{secret} in the log");
    }

    // What the platform spares, counted.
    assert!(a.materials_to_capture < b.materials_to_capture);
    assert!(a.fields_to_type < b.fields_to_type);
    assert!(a.taps_to_submit < b.taps_to_submit);
}

/// 扫码亮证 on the capture screen: the code shown from a phone is checked with the platform; the company's licence
/// is refused for an applicant whose form names another company, their own property licence does the material
/// without a page.
#[test]
fn a_licence_shown_from_a_phone_does_the_material() {
    init_headless();
    let dir = tempfile::tempdir().unwrap();
    let sim = Sim::start(&dir.path().join("backoffice"), &[]);
    let kiosk = linked_kiosk(dir.path(), &sim);
    // An application (the sample card, consent refused) back on the capture screen.
    let catalog = Arc::new(shipped_catalog());
    let ramen = kiosk::package::synthetic::default_one_thing(&catalog).unwrap();
    let mut camera = drivers::camera::SimCamera::new(640, 480);
    let mut session =
        kiosk::package::synthetic::session_at_check_answers(catalog, ramen, 1, &mut || {
            use drivers::camera::DocumentCamera;
            camera.capture().map_err(|e| e.to_string())
        })
        .unwrap();
    session.change(Step::Capture).unwrap();
    kiosk.app_mut().session = session;
    kiosk.refresh();
    let adapter = kiosk.window.global::<CaptureViewAdapter>();
    let to = |name: &str| {
        while adapter.get_material() != name {
            assert!(
                !adapter.get_last(),
                "{name} is not among the materials to capture"
            );
            press(&kiosk, "下一项材料");
        }
    };
    let shown = |code: &str| {
        press(&kiosk, "扫码亮证");
        assert!(adapter.get_licence_note().contains("二维码对准扫码器"));
        sim_scan(&kiosk, code);
        until(&kiosk, "the platform's check", |k| {
            let note = k.window.global::<CaptureViewAdapter>().get_licence_note();
            !note.contains("二维码对准") && !note.contains("正在")
        });
        adapter.get_licence_note().to_string()
    };
    to("营业执照");
    let refused = shown("ELIC:BUSINESS:91411323MA9LMGLM0L");
    assert!(refused.contains("不是您本人或您所办理企业的"), "{refused}");
    screenshot(&kiosk, "35b-capture-licence-refused");
    press(&kiosk, "拍摄这一页");
    until(&kiosk, "the page", |k| {
        !k.app().session.pages("business_licence").is_empty()
    });
    press(&kiosk, "下一项材料");
    to("不动产权证书（房屋所有权证）");
    let done = shown("ELIC:PROPERTY:0001234");
    assert_eq!(done, "已核验不动产权证书，本项无需拍摄。");
    let property = kiosk
        .app()
        .session
        .materials()
        .into_iter()
        .find(|m| m.key == "property_certificate")
        .unwrap();
    assert!(matches!(
        property.treatment,
        kiosk::session::Treatment::Licence { ref number, .. } if number == "豫（2021）西峡县不动产权第0001234号"
    ));
    assert!(kiosk.app().session.pages("property_certificate").is_empty());
}
