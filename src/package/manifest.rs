//! The manifest of `back-office-api.md`, built from a finished session, with the files it names.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use zeroize::Zeroize;

use super::pages::{self, PageError, PageErrorKind};
use crate::catalog::Target;
use crate::session::{DeliveryMethod, DeliveryMode, Role, Session, Treatment};

pub const SCHEMA: &str = "one-thing-package/1";

/// The manifest. Holds personal data: it derives no `Debug`, and goes to disk only encrypted.
#[derive(Clone, Serialize, Deserialize, PartialEq)]
pub struct Manifest {
    pub schema: String,
    pub package_id: String,
    pub receipt_no: String,
    pub kiosk_id: String,
    pub created_at: String,
    pub test: bool,
    pub one_thing: OneThingRef,
    pub items: Vec<ItemRef>,
    pub answers: Vec<Answer>,
    pub applicant: Applicant,
    pub organisation: Option<Organisation>,
    pub form: BTreeMap<String, String>,
    pub materials: Vec<MaterialEntry>,
    pub commitments: Vec<Commitment>,
    pub delivery: DeliveryEntry,
    /// SHA-256 of the check code printed on the receipt (contract 1.1): the code itself is never sent. Empty (and
    /// left out) for a package stored by a version before it, which can then be looked up by ID card only.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub check_code_sha256: String,
    /// 1.1: `self` for 个人 items; `legal_representative` or `agent` for 法人 items. Empty (and left out) for a
    /// package stored before 1.1.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub applicant_role: String,
    /// For an agent (经办人): whom they act for.
    #[serde(default)]
    pub agent: Option<AgentEntry>,
    /// The real-person check, when one was done; null otherwise (window staff check the person at pickup).
    #[serde(default)]
    pub identity_check: Option<IdentityCheckEntry>,
    /// The form fields filled from shared data (the applicant could not change them on screen).
    #[serde(default)]
    pub shared_fields: Vec<String>,
}

#[derive(Clone, Serialize, Deserialize, PartialEq)]
pub struct AgentEntry {
    /// The legal representative's name.
    pub authorised_by: String,
}

#[derive(Clone, Serialize, Deserialize, PartialEq)]
pub struct IdentityCheckEntry {
    pub method: String,
    pub verify_id: String,
    pub result: String,
}

/// The electronic licence that proves a material (`"status": "licence"`).
#[derive(Clone, Serialize, Deserialize, PartialEq)]
pub struct LicenceEntry {
    pub licence_type: String,
    pub number: String,
}

#[derive(Clone, Serialize, Deserialize, PartialEq)]
pub struct OneThingRef {
    pub code: String,
    pub name: String,
    pub target: String,
    pub lead_department: String,
}

#[derive(Clone, Serialize, Deserialize, PartialEq)]
pub struct ItemRef {
    pub code: String,
    pub name: String,
    pub department: String,
}

#[derive(Clone, Serialize, Deserialize, PartialEq)]
pub struct Answer {
    pub question: String,
    pub answer: String,
}

#[derive(Clone, Serialize, Deserialize, PartialEq)]
pub struct Applicant {
    pub name: String,
    pub id_type: String,
    pub id_number: String,
    pub gender: String,
    pub nation: String,
    pub birth_date: String,
    pub address: String,
    pub phone: String,
}

#[derive(Clone, Serialize, Deserialize, PartialEq)]
pub struct Organisation {
    pub name: String,
    pub credit_code: String,
}

#[derive(Clone, Serialize, Deserialize, PartialEq)]
pub struct MaterialEntry {
    pub key: String,
    pub name: String,
    /// `captured`, `exempt`, `licence` or `deferred`.
    pub status: String,
    pub reason: String,
    pub files: Vec<FileRef>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub licence: Option<LicenceEntry>,
}

#[derive(Clone, Serialize, Deserialize, PartialEq)]
pub struct FileRef {
    pub sha256: String,
    pub content_type: String,
    pub bytes: usize,
    pub page: usize,
}

#[derive(Clone, Serialize, Deserialize, PartialEq)]
pub struct Commitment {
    pub item_code: String,
    pub text_sha256: String,
    pub signature_sha256: String,
}

#[derive(Clone, Serialize, Deserialize, PartialEq)]
pub struct DeliveryEntry {
    pub method: String,
    pub mode: String,
    pub address: Option<String>,
}

// The parts of a manifest that are personal are zeroed when it is dropped (the JSON it is sent as is zeroed by
// whoever serialises it).
impl Drop for Manifest {
    fn drop(&mut self) {
        for value in self.form.values_mut() {
            value.zeroize();
        }
        for answer in &mut self.answers {
            answer.answer.zeroize();
        }
    }
}

impl Drop for Applicant {
    fn drop(&mut self) {
        for field in [
            &mut self.name,
            &mut self.id_number,
            &mut self.gender,
            &mut self.nation,
            &mut self.birth_date,
            &mut self.address,
            &mut self.phone,
        ] {
            field.zeroize();
        }
    }
}

impl Drop for AgentEntry {
    fn drop(&mut self) {
        self.authorised_by.zeroize();
    }
}

impl Drop for LicenceEntry {
    fn drop(&mut self) {
        self.number.zeroize();
    }
}

impl Drop for Organisation {
    fn drop(&mut self) {
        self.name.zeroize();
        self.credit_code.zeroize();
    }
}

impl Drop for DeliveryEntry {
    fn drop(&mut self) {
        self.address.zeroize();
    }
}

/// A file the manifest names, uploaded before it: a page of someone's papers or their signature, zeroed when
/// dropped.
#[derive(Clone, PartialEq, Eq)]
pub struct PackageFile {
    pub sha256: String,
    pub content_type: &'static str,
    pub bytes: Vec<u8>,
}

impl Drop for PackageFile {
    fn drop(&mut self) {
        self.bytes.zeroize();
    }
}

/// A content type the contract allows, as the static text a [`PackageFile`] carries (JPEG for anything else, as
/// pages are JPEG).
pub fn content_type(text: &str) -> &'static str {
    match text {
        "image/png" => "image/png",
        "application/pdf" => "application/pdf",
        _ => "image/jpeg",
    }
}

/// A whole application: the manifest and its files.
pub struct Package {
    pub manifest: Manifest,
    pub files: Vec<PackageFile>,
}

/// Why a session could not become a package. The Display is technical English (a material is named by its
/// catalog name, never by anything personal); the app words it by [`PackageError::kind`].
#[derive(Debug, thiserror::Error)]
pub enum PackageError {
    #[error("the application is not complete: no package can be made")]
    Incomplete,
    #[error("material “{0}” is neither captured nor deferred")]
    MissingMaterial(String),
    #[error(transparent)]
    Page(#[from] PageError),
}

/// What stopped the package, without the detail.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PackageErrorKind {
    Incomplete,
    MissingMaterial,
    Page(PageErrorKind),
}

impl PackageError {
    pub fn kind(&self) -> PackageErrorKind {
        match self {
            PackageError::Incomplete => PackageErrorKind::Incomplete,
            PackageError::MissingMaterial(_) => PackageErrorKind::MissingMaterial,
            PackageError::Page(e) => PackageErrorKind::Page(e.kind()),
        }
    }
}

/// Lower-case hex, as the contract writes hashes and signatures.
pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Lower-case hex SHA-256, as the contract names files.
pub fn sha256_hex(bytes: &[u8]) -> String {
    hex(&Sha256::digest(bytes))
}

/// Who the package is, when and where: made at the kiosk so the receipt prints at once.
pub struct Stamp<'a> {
    pub kiosk_id: &'a str,
    pub package_id: &'a str,
    pub receipt_no: &'a str,
    /// RFC 3339 with the local offset, e.g. `2026-11-28T10:15:00+08:00`.
    pub created_at: &'a str,
    pub test: bool,
    /// The code printed beside the receipt number; only its hash goes into the manifest.
    pub check_code: &'a super::CheckCode,
}

/// Turns a submitted session into a package: pages normalised, signatures as PNG, everything named by SHA-256.
pub fn build(session: &Session, stamp: &Stamp) -> Result<Package, PackageError> {
    let thing = session.one_thing().ok_or(PackageError::Incomplete)?;
    let identity = session.identity().ok_or(PackageError::Incomplete)?;
    let delivery = session.delivery().ok_or(PackageError::Incomplete)?;
    let chosen = session.chosen();
    if chosen.is_empty() {
        return Err(PackageError::Incomplete);
    }
    let mut files: Vec<PackageFile> = Vec::new();
    let mut add_file = |bytes: Vec<u8>, content_type: &'static str| -> FileRef {
        let sha256 = sha256_hex(&bytes);
        let size = bytes.len();
        if !files.iter().any(|f| f.sha256 == sha256) {
            files.push(PackageFile {
                sha256: sha256.clone(),
                content_type,
                bytes,
            });
        }
        FileRef {
            sha256,
            content_type: content_type.to_string(),
            bytes: size,
            page: 0,
        }
    };

    let item_code = |row: usize| format!("{}-{}", thing.code(), row + 1);
    let items = chosen
        .iter()
        .map(|c| ItemRef {
            code: item_code(c.row),
            name: c.item.name.clone(),
            department: c.department.to_string(),
        })
        .collect();
    let answers = thing
        .questions
        .iter()
        .filter_map(|q| {
            session.selection().answers().get(&q.key).map(|a| Answer {
                question: q.text.clone(),
                answer: a.clone(),
            })
        })
        .collect();

    // Every page to capture, normalised in parallel up front, then taken in order below.
    let merged = session.materials();
    let captured: Vec<&[u8]> = merged
        .iter()
        .filter(|m| {
            matches!(m.treatment, Treatment::Capture { .. })
                && !session.is_deferred(&m.key)
                && !session.is_at_window(&m.key)
        })
        .flat_map(|m| session.pages(&m.key).iter().map(|p| p.0.as_slice()))
        .collect();
    let mut normalised = pages::normalise_all(&captured).into_iter();
    let mut materials = Vec::new();
    for m in merged {
        let mut licence = None;
        let (status, reason, entry_files) = match &m.treatment {
            Treatment::Exempt { reason } => ("exempt", reason.clone(), Vec::new()),
            Treatment::Licence {
                reason,
                licence_type,
                number,
            } => {
                licence = Some(LicenceEntry {
                    licence_type: licence_type.clone(),
                    number: number.clone(),
                });
                ("licence", reason.clone(), Vec::new())
            }
            Treatment::Capture { .. } if session.is_at_window(&m.key) => (
                "deferred",
                "高拍仪不可用，纸质材料到窗口提交".to_string(),
                Vec::new(),
            ),
            Treatment::Capture { defer_days } if session.is_deferred(&m.key) => {
                let days = defer_days.unwrap_or(0);
                (
                    "deferred",
                    format!("容缺受理，{days}个工作日内补交"),
                    Vec::new(),
                )
            }
            Treatment::Capture { .. } => {
                let pages = session.pages(&m.key);
                if pages.is_empty() {
                    return Err(PackageError::MissingMaterial(m.name.clone()));
                }
                let mut refs = Vec::new();
                for (i, page) in pages.iter().enumerate() {
                    let jpeg = normalised
                        .next()
                        .unwrap_or_else(|| pages::normalise(&page.0))?;
                    let mut file = add_file(jpeg, "image/jpeg");
                    file.page = i + 1;
                    refs.push(file);
                }
                ("captured", String::new(), refs)
            }
        };
        materials.push(MaterialEntry {
            key: m.key.clone(),
            name: m.name.clone(),
            status: status.to_string(),
            reason,
            files: entry_files,
            licence,
        });
    }

    let mut commitments = Vec::new();
    for c in chosen.iter().filter(|c| c.item.commitment) {
        let signature = session
            .signature(&c.item.name)
            .ok_or(PackageError::Incomplete)?;
        let signature_sha256 = add_file(signature.0.clone(), "image/png").sha256;
        commitments.push(Commitment {
            item_code: item_code(c.row),
            text_sha256: sha256_hex(c.item.commitment_letter().as_bytes()),
            signature_sha256,
        });
    }

    let form: BTreeMap<String, String> = session
        .fields()
        .iter()
        .map(|f| (f.key.clone(), session.form().get(&f.key).to_string()))
        .collect();
    let organisation = (thing.target == Target::Organisation).then(|| Organisation {
        name: session.form().get("org_name").to_string(),
        credit_code: session.form().get("credit_code").to_string(),
    });
    let manifest = Manifest {
        schema: SCHEMA.to_string(),
        package_id: stamp.package_id.to_string(),
        receipt_no: stamp.receipt_no.to_string(),
        kiosk_id: stamp.kiosk_id.to_string(),
        created_at: stamp.created_at.to_string(),
        test: stamp.test,
        one_thing: OneThingRef {
            code: thing.code(),
            name: thing.name.clone(),
            target: thing.target.label().to_string(),
            lead_department: thing.lead.clone(),
        },
        items,
        answers,
        applicant: Applicant {
            name: identity.name.clone(),
            id_type: identity.id_type.code().to_string(),
            id_number: identity.id_number.clone(),
            gender: identity.gender.label().to_string(),
            nation: identity.nation.clone(),
            birth_date: identity.birth_date.clone(),
            address: identity.address.clone(),
            phone: session.form().get("applicant_phone").to_string(),
        },
        organisation,
        form,
        materials,
        commitments,
        delivery: DeliveryEntry {
            method: match delivery.method {
                DeliveryMethod::Window => "window",
                DeliveryMethod::Post => "post",
            }
            .to_string(),
            mode: match delivery.mode {
                DeliveryMode::Together => "together",
                DeliveryMode::Separately => "separately",
            }
            .to_string(),
            address: delivery.address.clone(),
        },
        check_code_sha256: stamp.check_code.sha256_hex(),
        applicant_role: session
            .role()
            .ok_or(PackageError::Incomplete)?
            .code()
            .to_string(),
        agent: (session.role() == Some(Role::Agent)).then(|| AgentEntry {
            // The platform's record first; else what the applicant typed on the form.
            authorised_by: session
                .platform()
                .legal_representative()
                .unwrap_or(session.form().get("legal_representative"))
                .to_string(),
        }),
        identity_check: session.platform().identity_check.as_ref().map(|check| {
            IdentityCheckEntry {
                method: "face".into(),
                verify_id: check.verify_id.clone(),
                result: "match".into(),
            }
        }),
        shared_fields: session.shared_fields().iter().cloned().collect(),
    };
    Ok(Package { manifest, files })
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;
    use std::time::Instant;

    use super::*;
    use crate::session::test_support::{catalog, identity};
    use crate::session::{Delivery, IdlePolicy};
    use drivers::camera::{DocumentCamera, SimCamera};

    fn page() -> Vec<u8> {
        SimCamera::new(1296, 972).capture().unwrap()
    }

    /// 我要开拉面馆 without the advertising approval, through every step, submitted.
    fn submitted() -> Session {
        let mut s = Session::new(Arc::new(catalog()), IdlePolicy::default(), Instant::now());
        s.start_apply().unwrap();
        s.identified(identity()).unwrap();
        s.answer_consent(true, &"c".repeat(64)).unwrap();
        s.choose(35).unwrap();
        s.set_item_ticked(2, false).unwrap();
        // The platform holds the company's e-business-licence.
        s.platform_answered(crate::session::Lookup::Found {
            licences: vec![crate::session::HeldLicence {
                licence_type: "营业执照".into(),
                number: "91350100M000100Y43".into(),
                valid_to: None,
            }],
            fields: Default::default(),
            on: "2026-11-28".into(),
        });
        s.confirm_items().unwrap();
        s.set_role(crate::session::Role::LegalRepresentative)
            .unwrap();
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
        s.add_page("food_safety_rules", page()).unwrap();
        s.add_page("food_safety_rules", page()).unwrap();
        s.set_deferred("lease_contract", true).unwrap();
        s.add_page("site_floor_plan", page()).unwrap();
        s.confirm_capture().unwrap();
        s.sign(
            "食品（含保健食品）经营许可核发",
            b"\x89PNG signature".to_vec(),
        )
        .unwrap();
        s.confirm_commitments().unwrap();
        s.set_delivery(Delivery {
            method: DeliveryMethod::Window,
            mode: DeliveryMode::Together,
            address: None,
        })
        .unwrap();
        s.submit().unwrap();
        s
    }

    fn stamp(code: &crate::package::CheckCode) -> Stamp<'_> {
        Stamp {
            kiosk_id: "XX-KIOSK-01",
            package_id: "0192f3c4-0000-4000-8000-000000000001",
            receipt_no: "XX-KIOSK-01-20261128-0007",
            created_at: "2026-11-28T10:15:00+08:00",
            test: false,
            check_code: code,
        }
    }

    #[test]
    fn the_manifest_holds_exactly_what_was_chosen_and_entered() {
        let code = crate::package::CheckCode::parse("K7M2PQRS").unwrap();
        let package = build(&submitted(), &stamp(&code)).unwrap();
        let m = &package.manifest;
        assert_eq!(m.schema, "one-thing-package/1");
        assert_eq!(m.one_thing.code, "5-35");
        let items: Vec<&str> = m.items.iter().map(|i| i.name.as_str()).collect();
        assert_eq!(
            items,
            vec![
                "食品（含保健食品）经营许可核发",
                "城镇污水排入水管网许可",
                "公众聚集场所投入使用、营业前消防安全检查（不采用告知承诺制）"
            ]
        );
        assert_eq!(m.items[2].code, "5-35-4", "codes follow the seed's rows");
        assert_eq!(m.applicant.id_number, "11010519491231002X");
        assert_eq!(m.applicant.phone, "13800138000");
        assert_eq!(m.applicant.id_type, "resident");
        let org = m.organisation.as_ref().unwrap();
        assert_eq!(
            (org.name.as_str(), org.credit_code.as_str()),
            ("西峡县老马拉面馆", "91350100M000100Y43")
        );
        assert_eq!(m.form.get("business_area").map(String::as_str), Some("80"));
        assert!(
            !m.form.contains_key("sign_size"),
            "no fields of the unticked item"
        );

        let status = |key: &str| {
            m.materials
                .iter()
                .find(|x| x.key == key)
                .map(|x| x.status.as_str())
        };
        assert_eq!(status("food_safety_rules"), Some("captured"));
        assert_eq!(status("lease_contract"), Some("deferred"));
        // 1.1: exempt only because the platform confirmed the licence, which the package names.
        assert_eq!(status("business_licence"), Some("licence"));
        let licence = m
            .materials
            .iter()
            .find(|x| x.key == "business_licence")
            .and_then(|x| x.licence.as_ref())
            .expect("the licence");
        assert_eq!(
            (licence.licence_type.as_str(), licence.number.as_str()),
            ("营业执照", "91350100M000100Y43")
        );
        assert_eq!(status("id_card"), Some("exempt"), "read from the chip");
        assert_eq!(m.applicant_role, "legal_representative");
        assert!(m.agent.is_none() && m.identity_check.is_none());
        assert!(
            m.shared_fields.is_empty(),
            "nothing filled from shared data"
        );
        assert_eq!(
            status("sign_design"),
            None,
            "no materials of the unticked item"
        );
        let rules = m
            .materials
            .iter()
            .find(|x| x.key == "food_safety_rules")
            .unwrap();
        assert_eq!(
            rules.files.iter().map(|f| f.page).collect::<Vec<_>>(),
            vec![1, 2]
        );

        // Every sha256 names a file of the package, and the file's bytes hash to it.
        let named: Vec<&str> = m
            .materials
            .iter()
            .flat_map(|x| x.files.iter().map(|f| f.sha256.as_str()))
            .chain(m.commitments.iter().map(|c| c.signature_sha256.as_str()))
            .collect();
        for sha in &named {
            let file = package
                .files
                .iter()
                .find(|f| f.sha256 == *sha)
                .expect("named file in the package");
            assert_eq!(sha256_hex(&file.bytes), *sha);
        }
        assert_eq!(m.commitments.len(), 1);
        assert_eq!(m.commitments[0].item_code, "5-35-1");
        assert!(package
            .files
            .iter()
            .all(|f| f.bytes.len() <= pages::MAX_BYTES));

        let json = serde_json::to_value(m).unwrap();
        assert_eq!(json["delivery"]["method"], "window");
        assert_eq!(
            json["check_code_sha256"],
            crate::package::sha256_hex(b"K7M2PQRS"),
            "only the code's hash"
        );
        assert!(!json.to_string().contains("K7M2PQRS"));
        assert!(json["organisation"].is_object());
    }

    #[test]
    fn an_unfinished_session_makes_no_package() {
        let s = Session::new(Arc::new(catalog()), IdlePolicy::default(), Instant::now());
        let code = crate::package::CheckCode::generate().unwrap();
        assert!(matches!(
            build(&s, &stamp(&code)),
            Err(PackageError::Incomplete)
        ));
    }
}
