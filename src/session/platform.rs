//! What the government already holds, for this applicant only (contract 1.1): the consent they gave or refused,
//! the real-person check, the licences and fields the platform returned, the licences they showed from their
//! phone (亮证), and whether they act for a company as its legal representative or as an agent. A material the
//! platform could prove is exempt only when it did; otherwise it is asked for, with the reason in plain words.

use std::collections::BTreeMap;

use zeroize::{Zeroize, ZeroizeOnDrop};

use crate::catalog::{Catalog, Exemption};

use super::materials::{MergedMaterial, Treatment};

/// How the kiosk checks that the person at it is the card's holder (`identity.face_check`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum FaceCheck {
    /// No application without a face match; without one, the window checks the person.
    Required,
    /// Done when the applicant agrees and the platform answers; otherwise the window checks at pickup.
    WhenAvailable,
    #[default]
    Off,
}

/// The real-person check that was done (none when it was not: switched off, refused, or the service down).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct IdentityCheck {
    pub verify_id: String,
}

/// What the platform answered for this applicant.
#[derive(Clone, Default)]
pub enum Lookup {
    /// Not asked (yet), or not allowed to be: the applicant did not agree.
    #[default]
    NotAsked,
    /// The platform's answer: the licences it holds and the registration fields it filled, and the day it was
    /// given (`YYYY-MM-DD`), against which licences are valid.
    Found {
        licences: Vec<HeldLicence>,
        fields: BTreeMap<String, String>,
        on: String,
    },
    /// The platform could not be reached: nothing is exempted on its behalf.
    Unreachable,
}

impl Drop for Lookup {
    fn drop(&mut self) {
        // The licences zero themselves; the fields' values are registration data (their names are not).
        if let Lookup::Found { fields, .. } = self {
            for value in fields.values_mut() {
                value.zeroize();
            }
        }
    }
}

/// A licence the platform holds for the applicant or their organisation; zeroed when dropped.
#[derive(Clone, PartialEq, Eq, Zeroize, ZeroizeOnDrop)]
pub struct HeldLicence {
    pub licence_type: String,
    pub number: String,
    /// `YYYY-MM-DD`, or none for a licence without an end.
    pub valid_to: Option<String>,
}

/// Whether a licence that ends on `valid_to` is still valid on `today` (both `YYYY-MM-DD`): an expired licence
/// exempts nothing, and neither does an end date that is not a date.
pub fn valid_on(valid_to: Option<&str>, today: &str) -> bool {
    let day = |text: &str| chrono::NaiveDate::parse_from_str(text.trim(), "%Y-%m-%d").ok();
    match valid_to {
        None => true,
        Some(to) => matches!((day(to), day(today)), (Some(to), Some(today)) if to >= today),
    }
}

/// Who applies for a 法人 one-thing.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Role {
    /// For themself (个人 one-things).
    Myself,
    LegalRepresentative,
    /// Authorised by the company (经办人): adds the power of attorney, signs as agent.
    Agent,
}

impl Role {
    /// As the manifest spells it.
    pub fn code(self) -> &'static str {
        match self {
            Role::Myself => "self",
            Role::LegalRepresentative => "legal_representative",
            Role::Agent => "agent",
        }
    }
}

/// A licence the platform confirmed from a code the applicant showed, for one material; zeroed when dropped.
#[derive(Clone, PartialEq, Eq, Zeroize, ZeroizeOnDrop)]
pub struct ShownLicence {
    pub licence_type: String,
    pub number: String,
}

/// The platform's part of one visit; personal, dropped with the session.
#[derive(Clone, Default)]
pub struct PlatformState {
    /// The answer on the consent screen, with the SHA-256 of the text agreed to.
    pub consent: Option<Consent>,
    pub identity_check: Option<IdentityCheck>,
    pub lookup: Lookup,
    /// For 法人 one-things, once known.
    pub role: Option<Role>,
    /// Licences shown on the capture screen, by material key.
    pub shown: BTreeMap<String, ShownLicence>,
}

/// The applicant's answer to fetching shared data and e-licences.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Consent {
    pub given: bool,
    pub text_sha256: String,
}

impl PlatformState {
    pub fn consented(&self) -> bool {
        self.consent.as_ref().is_some_and(|c| c.given)
    }

    /// The platform's value of the shared field `name`, when it returned one.
    pub fn shared_field(&self, name: &str) -> Option<&str> {
        match &self.lookup {
            Lookup::Found { fields, .. } => fields.get(name).map(String::as_str),
            _ => None,
        }
    }

    /// The company's legal representative as the platform registered them.
    pub fn legal_representative(&self) -> Option<&str> {
        self.shared_field("legal_representative")
    }

    /// A still-valid licence of `licence_type` the platform returned, or why there is none, in plain words.
    fn licence(&self, licence_type: &str, electronic: bool) -> Result<ShownLicence, String> {
        let what = if electronic {
            format!("电子{licence_type}")
        } else {
            format!("{licence_type}信息")
        };
        match &self.lookup {
            Lookup::NotAsked if self.consent.as_ref().is_some_and(|c| !c.given) => Err(format!(
                "您没有同意查询，本机不能调取您的{what}，请拍摄纸质材料"
            )),
            Lookup::NotAsked => Err(format!("尚未查询{what}，请拍摄纸质材料")),
            Lookup::Unreachable => Err(format!(
                "暂时无法连接政务服务平台，本机不能调取您的{what}，请拍摄纸质材料"
            )),
            Lookup::Found { licences, on, .. } => {
                let mut of_type = licences.iter().filter(|l| l.licence_type == licence_type);
                match of_type
                    .clone()
                    .find(|l| valid_on(l.valid_to.as_deref(), on))
                {
                    Some(valid) => Ok(ShownLicence {
                        licence_type: valid.licence_type.clone(),
                        number: valid.number.clone(),
                    }),
                    None if of_type.next().is_some() => {
                        Err(format!("平台查到的{what}已过期，请拍摄有效的纸质材料"))
                    }
                    None => Err(format!("平台未查到您的{what}，请拍摄纸质材料")),
                }
            }
        }
    }

    /// The merged materials as they stand for this applicant: what an e-licence or shared data could prove is
    /// exempt only when the platform confirmed it (or the applicant showed it); otherwise asked for, with why.
    pub fn apply(&self, catalog: &Catalog, merged: &mut [MergedMaterial]) {
        for m in merged.iter_mut() {
            let Some(material) = catalog.materials.get(&m.key) else {
                continue;
            };
            let Some(licence_type) = material.licence_type.as_deref() else {
                continue;
            };
            let electronic = material.exempt == Exemption::ELicence;
            let confirmed = match self.shown.get(&m.key) {
                Some(shown) => Ok((shown.clone(), "已扫码亮证核验")),
                None => self
                    .licence(licence_type, electronic)
                    .map(|l| (l, "政务服务平台已核验")),
            };
            match confirmed {
                Ok((licence, how)) => {
                    m.treatment = Treatment::Licence {
                        reason: format!("{how}{}，无需提交", licence.licence_type),
                        licence_type: licence.licence_type.clone(),
                        number: licence.number.clone(),
                    };
                    m.note = None;
                }
                Err(why) => {
                    m.treatment = Treatment::capture(material);
                    m.note = Some(why);
                }
            }
        }
    }

    /// The licence types and shared field names to ask the platform for, for these materials and fields.
    pub fn wanted(
        catalog: &Catalog,
        materials: &[MergedMaterial],
        fields: &[&crate::catalog::FieldDef],
    ) -> (Vec<String>, Vec<String>) {
        let mut types: Vec<String> = materials
            .iter()
            .filter_map(|m| catalog.materials.get(&m.key)?.licence_type.clone())
            .collect();
        types.sort();
        types.dedup();
        let mut names: Vec<String> = fields.iter().filter_map(|f| f.shared.clone()).collect();
        // Who the company's legal representative is decides whether the card holder is them or an agent.
        names.push("legal_representative".into());
        names.sort();
        names.dedup();
        (types, names)
    }
}
