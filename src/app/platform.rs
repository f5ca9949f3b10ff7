//! What the government already holds, at the kiosk: the consent screens in plain words, the one shared-data
//! query for the chosen items (off the UI thread, its answer dropped if the visitor has moved on), 法定代表人 or
//! 经办人, and a licence shown from the applicant's phone (扫码亮证) confirmed by the platform. Nothing the
//! platform returns is logged: only how many licences and fields came back.

use std::time::Duration;

use zeroize::Zeroizing;

use super::App;
use crate::backoffice::platform_wire::{SharedData, SharedDataQuery, VerifiedLicence};
use crate::package::sha256_hex;
use crate::session::{FaceCheck, HeldLicence, Lookup, Role, SessionError, ShownLicence, Step};

/// An applicant waits this long for the platform before going on without it.
const PLATFORM_TIMEOUT: Duration = Duration::from_secs(10);

/// The platform's part of the visit, beside the session.
pub struct PlatformVisit {
    /// The consent screen's text (its SHA-256 goes with the query) and the face comparison's.
    pub consent_text: String,
    pub face_required_text: String,
    pub face_optional_text: String,
    /// The shared-data query is on its way (下一步 under the checklist waits for it).
    pub fetching: bool,
    /// The capture screen waits for a licence code to be shown to the scanner, for this material.
    pub awaiting_licence: Option<String>,
    /// A shown licence is being checked with the platform.
    pub checking_licence: bool,
    /// What became of the last licence shown, in plain words.
    pub licence_note: String,
}

impl PlatformVisit {
    pub fn new(platform_name: &str) -> PlatformVisit {
        PlatformVisit {
            consent_text: consent_text(platform_name),
            face_required_text: face_text(platform_name, FaceCheck::Required),
            face_optional_text: face_text(platform_name, FaceCheck::WhenAvailable),
            fetching: false,
            awaiting_licence: None,
            checking_licence: false,
            licence_note: String::new(),
        }
    }

    /// The capture screen moved to another material: no licence is awaited for the one left.
    pub fn leave_material(&mut self) {
        self.awaiting_licence = None;
        self.licence_note.clear();
    }

    /// Back to the start for the next visitor (the texts stay).
    pub fn reset(&mut self) {
        self.fetching = false;
        self.awaiting_licence = None;
        self.checking_licence = false;
        self.licence_note.clear();
    }
}

/// What the applicant agrees to on the consent screen, in plain words: what is fetched, from where, and why.
pub fn consent_text(platform_name: &str) -> String {
    format!(
        "为了让您少交材料、少填表格，经您同意后，本机将向{platform_name}查询：\n\
         · 您本人，以及您担任法定代表人或受委托办理的企业，已有的电子证照（如营业执照、不动产权证书）；\n\
         · 办理所选事项需要的登记信息（如单位名称、统一社会信用代码、法定代表人）。\n\
         查到的证照免交纸质材料，查到的信息自动填入表单。查询结果只用于本次申请，办理结束后本机即清除。\n\
         不同意也可以继续办理：相关材料请拍摄或到窗口提交，表单由您自己填写。"
    )
}

/// The face comparison's own consent (biometric data).
fn face_text(platform_name: &str, policy: FaceCheck) -> String {
    let then = match policy {
        FaceCheck::Required => "本中心要求自助办理前核验本人身份。不同意的，请到综合受理窗口办理。",
        _ => "不同意也可以继续办理：窗口工作人员会在您领取结果时核对身份。",
    };
    format!(
        "为确认是您本人办理，本机将拍摄一张您的面部照片，发送给{platform_name}，与您身份证的登记照片比对（实人核验）。\
         照片只用于这一次比对，比对完即删除：不保存在本机，也不放入申请材料。\n{then}"
    )
}

/// The platform's answer as the session keeps it: each licence's type, number and end; the fields; today.
fn found(data: SharedData) -> Lookup {
    Lookup::Found {
        licences: data
            .licences
            .iter()
            .map(|l| HeldLicence {
                licence_type: l.licence_type.clone(),
                number: l.number.clone(),
                valid_to: l.valid_to.clone(),
            })
            .collect(),
        fields: data.fields.clone(),
        on: today(),
    }
}

/// Today, as licences' ends are written.
fn today() -> String {
    chrono::Local::now().format("%Y-%m-%d").to_string()
}

/// How the platform answered a shared-data query, for the log: counts only.
fn log_lookup(lookup: &Lookup) {
    match lookup {
        // Counts only, under names the log's redaction does not take for personal fields.
        Lookup::Found {
            licences, fields, ..
        } => tracing::info!(
            proofs = licences.len(),
            filled = fields.len(),
            "shared data received"
        ),
        Lookup::Unreachable => tracing::warn!("the platform could not be reached for shared data"),
        Lookup::NotAsked => {}
    }
}

/// A consent screen: the question, what it means in plain words, and the two answers.
pub struct ConsentScreen<'a> {
    pub title: &'static str,
    pub text: &'a str,
    pub agree: &'static str,
    pub refuse: &'static str,
}

const CONSENT_TITLE: &str = "是否同意查询您的电子证照和登记信息？";

impl App {
    /// The consent screen showing now: fetching what the platform holds, or (its own consent) the face
    /// comparison.
    pub fn consent_screen(&self) -> ConsentScreen<'_> {
        if self.session.step() == Step::FaceConsent {
            ConsentScreen {
                title: "是否同意人脸比对核验身份？",
                text: match self.session.face_check() {
                    FaceCheck::Required => &self.platform.face_required_text,
                    _ => &self.platform.face_optional_text,
                },
                agree: "同意人脸核验",
                refuse: "不同意",
            }
        } else {
            ConsentScreen {
                title: CONSENT_TITLE,
                text: &self.platform.consent_text,
                agree: "同意查询",
                refuse: "不同意，我自己提交材料",
            }
        }
    }

    /// 同意 or 不同意 on the consent screen. The SHA-256 of what it showed (the question and its text) goes with
    /// the query as the proof of what was agreed to.
    pub fn answer_consent(&mut self, given: bool) {
        let shown = format!("{CONSENT_TITLE}\n{}", self.platform.consent_text);
        let _ = self
            .session
            .answer_consent(given, &sha256_hex(shown.as_bytes()));
    }

    /// 同意 or 不同意 on the face-comparison consent screen.
    pub fn answer_face_consent(&mut self, agreed: bool) {
        match self.session.answer_face_consent(agreed) {
            Err(SessionError::FaceCheckRequired) => self.send_to_window_for_identity(),
            _ => self.start_face_check(),
        }
    }

    /// The center requires a face match and there can be none: the visit ends with words that accuse no one.
    pub(super) fn send_to_window_for_identity(&mut self) {
        self.end_visit();
        self.message = Some((
            "请到窗口办理".to_string(),
            "本中心自助办理需要先核验本人身份，现在无法在本机完成。请带上身份证到综合受理窗口，工作人员会为您办理。"
                .to_string(),
        ));
    }

    /// 下一步 under the checklist. With the applicant's consent, the platform is asked first (once, for the items
    /// chosen now), so the notice shows what it proves and the role question knows the legal representative.
    pub fn confirm_items(&mut self) {
        if self.platform.fetching {
            return;
        }
        if !self.session.platform().consented() || self.session.step() != Step::Items {
            self.confirm_items_now();
            return;
        }
        let Some(identity) = self.session.identity() else {
            self.confirm_items_now();
            return;
        };
        let Some((link, handle)) = self.back_office() else {
            self.session.platform_answered(Lookup::Unreachable);
            log_lookup(&Lookup::Unreachable);
            self.confirm_items_now();
            return;
        };
        let (licence_types, fields) = self.session.platform_wanted();
        let consent_sha256 = self
            .session
            .platform()
            .consent
            .as_ref()
            .map(|c| c.text_sha256.clone())
            .unwrap_or_default();
        let query = SharedDataQuery {
            id_number: identity.id_number.clone(),
            credit_code: None,
            consent_sha256,
            licence_types,
            fields,
        };
        self.platform.fetching = true;
        let epoch = self.epoch;
        let work = async move {
            match tokio::time::timeout(PLATFORM_TIMEOUT, link.shared_data(&query)).await {
                Ok(Ok(data)) => found(data),
                Ok(Err(e)) => {
                    tracing::warn!(error = %e, "shared data not received");
                    Lookup::Unreachable
                }
                Err(_) => Lookup::Unreachable,
            }
        };
        self.tasks.spawn(&handle, work, move |app, lookup| {
            app.platform.fetching = false;
            // Only for the visit and the screen that asked.
            if app.epoch != epoch || app.session.step() != Step::Items {
                return;
            }
            log_lookup(&lookup);
            app.session.platform_answered(lookup);
            app.confirm_items_now();
        });
    }

    fn confirm_items_now(&mut self) {
        match self.session.confirm_items() {
            Ok(()) => self.step_error.clear(),
            Err(e) => self.step_error = super::words::session_error(&e),
        }
    }

    /// 法定代表人 or 经办人 on the role screen.
    pub fn choose_role(&mut self, agent: bool) {
        let role = if agent {
            Role::Agent
        } else {
            Role::LegalRepresentative
        };
        let _ = self.session.set_role(role);
    }

    /// Whether the material on the capture screen may be proved by a licence shown from a phone.
    pub fn licence_can_be_shown(&self) -> bool {
        self.material_on_screen().is_some_and(|(_, _, m)| {
            self.session
                .catalog()
                .materials
                .get(&m.key)
                .is_some_and(|c| c.licence_type.is_some())
        })
    }

    /// 扫码亮证: the scanner now waits for the e-licence QR code the applicant shows from their phone.
    pub fn start_licence_scan(&mut self) {
        if !self.licence_can_be_shown() {
            return;
        }
        self.platform.awaiting_licence = self.material_on_screen().map(|(_, _, m)| m.key);
        self.platform.licence_note = "请打开手机上的电子证照，把二维码对准扫码器。".to_string();
    }

    /// A code arrived while a licence was awaited: the platform says whose licence it is. True when it was taken
    /// as a licence (not as anything else).
    pub(super) fn licence_code_scanned(&mut self, code: &str) -> bool {
        if self.session.step() != Step::Capture || self.platform.checking_licence {
            return false;
        }
        let Some(material) = self.platform.awaiting_licence.take() else {
            return false;
        };
        let Some((link, handle)) = self.back_office() else {
            self.platform.licence_note = "暂时无法连接政务服务平台，请拍摄纸质材料。".to_string();
            return true;
        };
        self.platform.checking_licence = true;
        self.platform.licence_note = "正在向政务服务平台核验…".to_string();
        let code = Zeroizing::new(code.to_string());
        let epoch = self.epoch;
        let work =
            async move { tokio::time::timeout(PLATFORM_TIMEOUT, link.verify_licence(&code)).await };
        self.tasks.spawn(&handle, work, move |app, answer| {
            app.platform.checking_licence = false;
            if app.epoch != epoch || app.session.step() != Step::Capture {
                return;
            }
            app.platform.licence_note = match answer {
                Ok(Ok(Some(licence))) => app.take_shown_licence(&material, licence),
                Ok(Ok(None)) => "平台未查到这张电子证照，请拍摄纸质材料。".to_string(),
                Ok(Err(e)) => {
                    tracing::warn!(error = %e, "a shown licence was not checked");
                    "暂时无法连接政务服务平台，请拍摄纸质材料。".to_string()
                }
                Err(_) => "政务服务平台没有及时回应，请拍摄纸质材料。".to_string(),
            };
        });
        true
    }

    /// A licence the platform confirmed from a shown code proves `material` when it is of the right type, still
    /// valid, and held by the applicant or their organisation. Returns what the screen says.
    fn take_shown_licence(&mut self, material: &str, licence: VerifiedLicence) -> String {
        let wanted = self
            .session
            .catalog()
            .materials
            .get(material)
            .and_then(|m| m.licence_type.clone())
            .unwrap_or_default();
        if licence.licence_type != wanted {
            return format!("这是{}，本项需要{wanted}。", licence.licence_type);
        }
        if !crate::session::platform::valid_on(licence.valid_to.as_deref(), &today()) {
            return format!("这张{wanted}已过期，请拍摄有效的纸质材料。");
        }
        let holders = self.holder_hashes();
        if !holders.contains(&licence.holder_id_sha256) {
            return format!("这张{wanted}不是您本人或您所办理企业的，请拍摄纸质材料。");
        }
        let shown = ShownLicence {
            licence_type: licence.licence_type.clone(),
            number: licence.number.clone(),
        };
        match self.session.licence_shown(material, shown) {
            Ok(()) => {
                tracing::info!("a shown licence proves a material");
                if let Some(thumbs) = self.capture.thumbnails.get_mut(material) {
                    thumbs.clear();
                }
                format!("已核验{wanted}，本项无需拍摄。")
            }
            Err(_) => "这一项不能用电子证照代替，请拍摄纸质材料。".to_string(),
        }
    }

    /// SHA-256 of the applicant's ID number and of their organisation's credit code (from the platform, or as
    /// typed on the form): a shown licence must belong to one of them.
    fn holder_hashes(&self) -> Vec<String> {
        let mut hashes = Vec::new();
        if let Some(identity) = self.session.identity() {
            hashes.push(sha256_hex(identity.id_number.as_bytes()));
        }
        let credit_code = self
            .session
            .platform()
            .shared_field("credit_code")
            .unwrap_or(self.session.form().get("credit_code"))
            .trim()
            .to_ascii_uppercase();
        if !credit_code.is_empty() {
            hashes.push(sha256_hex(credit_code.as_bytes()));
        }
        hashes
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::app::test_support::{back_office_with, linked_app, sample_platform, until};
    use crate::session::Treatment;

    /// A kiosk linked to the simulated platform, `identity` identified, at 我要开拉面馆's checklist.
    fn at_items(
        dir: &std::path::Path,
        url: &str,
        identity: drivers::Identity,
        consent: bool,
    ) -> App {
        let mut app = linked_app(dir, url);
        app.start_apply();
        until(&mut app, "the intake checked", |a| !a.checking_intake);
        app.session.identified(identity).expect("identified");
        app.answer_consent(consent);
        // The shipped configuration checks faces where it can; these applicants go on without.
        if app.session.step() == Step::FaceConsent {
            app.answer_face_consent(false);
        }
        // A person's one-things are for the card's holder only: the catalog says where others go.
        app.set_tab(crate::catalog::Target::Person);
        assert!(app.catalog_note().contains("综合受理窗口"));
        app.open_one_thing(35);
        app
    }

    fn treatment(app: &App, key: &str) -> Option<Treatment> {
        app.session
            .materials()
            .into_iter()
            .find(|m| m.key == key)
            .map(|m| m.treatment)
    }

    /// The sample card's holder: the company's e-licence exempts its material, its registration fills the form, and they are its legal representative without being asked.
    #[test]
    fn the_platform_s_answer_exempts_fills_and_decides_the_role() {
        let dir = tempfile::tempdir().expect("temp dir");
        let (_runtime, url) = back_office_with(&dir.path().join("backoffice"), sample_platform());
        let mut app = at_items(
            dir.path(),
            &url,
            drivers::idcard::sim::sample_identity(),
            true,
        );
        app.confirm_items();
        assert!(app.platform.fetching, "下一步 waits for the platform");
        // The platform is asked about the items as ticked: they stay so until it answers.
        let ticked = |a: &App| {
            let thing = a.session.one_thing().expect("a one-thing");
            a.session
                .selection()
                .rows(thing)
                .iter()
                .filter(|r| r.ticked)
                .count()
        };
        let before = ticked(&app);
        app.toggle_item(0);
        assert_eq!(ticked(&app), before);
        until(&mut app, "the platform's answer", |a| !a.platform.fetching);
        assert_eq!(app.session.step(), Step::Notice);
        assert_eq!(app.session.role(), Some(Role::LegalRepresentative));
        assert!(matches!(
            treatment(&app, "business_licence"),
            Some(Treatment::Licence { ref number, .. }) if number == "91411323MA9LMGLM0L"
        ));
        app.confirm_notice();
        assert_eq!(
            app.session.form().get("org_name"),
            "西峡县老马拉面馆有限公司"
        );
        assert!(app.session.shared_fields().contains("credit_code"));
    }

    /// The second sample card acts for the company: asked, and as an agent hands in the power of attorney.
    #[test]
    fn the_agent_is_asked_and_brings_the_power_of_attorney() {
        let dir = tempfile::tempdir().expect("temp dir");
        let (_runtime, url) = back_office_with(&dir.path().join("backoffice"), sample_platform());
        let mut app = at_items(
            dir.path(),
            &url,
            drivers::idcard::sim::sample_agent_identity(),
            true,
        );
        app.confirm_items();
        until(&mut app, "the platform's answer", |a| !a.platform.fetching);
        assert_eq!(app.session.step(), Step::Role);
        app.choose_role(true);
        assert_eq!(app.session.role(), Some(Role::Agent));
        assert!(app.commitment_signer().starts_with("签署人：经办人"));
        assert!(matches!(
            treatment(&app, "power_of_attorney"),
            Some(Treatment::Capture { .. })
        ));
        // The company's licence still counts: the agent acts for its holder.
        assert!(matches!(
            treatment(&app, "business_licence"),
            Some(Treatment::Licence { .. })
        ));
    }

    /// The platform down: nothing is exempted on its behalf, and the applicant goes on.
    #[test]
    fn without_the_platform_everything_is_asked_for_and_the_applicant_goes_on() {
        let dir = tempfile::tempdir().expect("temp dir");
        // Nothing listens on port 9 of this machine.
        let mut app = at_items(
            dir.path(),
            "http://127.0.0.1:9",
            drivers::idcard::sim::sample_identity(),
            true,
        );
        app.confirm_items();
        until(&mut app, "the platform given up", |a| !a.platform.fetching);
        assert_eq!(app.session.step(), Step::Role, "asked, since nobody said");
        app.choose_role(false);
        let m = app
            .session
            .materials()
            .into_iter()
            .find(|m| m.key == "business_licence")
            .expect("the licence");
        assert!(!m.is_exempt());
        assert!(m.note.expect("why").contains("暂时无法连接"));
    }

    /// 扫码亮证: a code shown from the phone for the company's licence does the material once the platform says
    /// it belongs to the company the form names; someone else's is refused.
    #[test]
    fn a_licence_shown_from_a_phone_is_checked_with_the_platform() {
        let dir = tempfile::tempdir().expect("temp dir");
        let (_runtime, url) = back_office_with(&dir.path().join("backoffice"), sample_platform());
        let mut app = at_items(
            dir.path(),
            &url,
            drivers::idcard::sim::sample_identity(),
            false,
        );
        app.confirm_items();
        app.choose_role(false);
        app.confirm_notice();
        for (key, value) in [
            ("applicant_phone", "13800138000"),
            ("org_name", "西峡县老马拉面馆有限公司"),
            ("credit_code", "91411323MA9LMGLM0L"),
            ("business_area", "80"),
        ] {
            app.session.set_field(key, value).expect("typed");
        }
        app.submit_form();
        assert_eq!(app.session.step(), Step::Capture);
        while app
            .material_on_screen()
            .is_some_and(|(_, _, m)| m.key != "business_licence")
        {
            app.next_material();
        }
        assert!(app.licence_can_be_shown());
        app.start_licence_scan();
        assert!(app.licence_code_scanned("ELIC:PROPERTY:0001234"));
        until(&mut app, "the platform's check", |a| {
            !a.platform.checking_licence
        });
        assert!(
            app.platform.licence_note.contains("本项需要营业执照"),
            "{}",
            app.platform.licence_note
        );
        app.start_licence_scan();
        assert!(app.licence_code_scanned("ELIC:BUSINESS:91411323MA9LMGLM0L"));
        until(&mut app, "the platform's check", |a| {
            !a.platform.checking_licence
        });
        assert_eq!(app.platform.licence_note, "已核验营业执照，本项无需拍摄。");
        assert!(matches!(
            treatment(&app, "business_licence"),
            Some(Treatment::Licence { .. })
        ));
        assert!(
            !app.licence_code_scanned("ELIC:BUSINESS:91411323MA9LMGLM0L"),
            "a code nobody waits for is not a licence"
        );
    }
}
