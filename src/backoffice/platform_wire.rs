//! The JSON bodies of contract 1.1's "Real-person verification" and "Shared data and electronic licences", as the
//! kiosk sends them and the simulator reads them. Every one carries personal data (an ID number, a name, a face, a
//! licence number, registration data): none derives `Debug`, and what the kiosk keeps is zeroed when dropped.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use zeroize::{Zeroize, ZeroizeOnDrop};

/// `POST /v1/identity/verify`.
#[derive(Serialize, Deserialize, Zeroize, ZeroizeOnDrop)]
pub struct IdentityVerify {
    pub id_number: String,
    pub name: String,
    /// Base64 of a JPEG of at most 200 KB.
    pub face_jpeg: String,
}

/// What the platform found comparing the face with the card holder's photo of record.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FaceResult {
    Match,
    NoMatch,
    /// No face, several faces, too dark or blurred: another picture is needed.
    Unusable,
}

/// The answer to a verification.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct IdentityVerdict {
    pub verify_id: String,
    pub result: FaceResult,
}

/// `POST /v1/applicants/shared-data`.
#[derive(Serialize, Deserialize, Zeroize, ZeroizeOnDrop)]
pub struct SharedDataQuery {
    pub id_number: String,
    pub credit_code: Option<String>,
    /// SHA-256 of the consent text the applicant agreed to.
    pub consent_sha256: String,
    pub licence_types: Vec<String>,
    pub fields: Vec<String>,
}

/// An electronic licence the platform holds for the applicant or their organisation.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize, Zeroize, ZeroizeOnDrop)]
pub struct Licence {
    pub licence_type: String,
    pub number: String,
    pub holder: String,
    pub issuer: String,
    /// `YYYY-MM-DD`, or none for a licence without an end.
    pub valid_to: Option<String>,
}

impl Licence {
    /// Whether it is still valid on `today` (`YYYY-MM-DD`): an expired licence exempts nothing.
    pub fn valid_on(&self, today: &str) -> bool {
        crate::session::platform::valid_on(self.valid_to.as_deref(), today)
    }
}

/// The answer to a shared-data query: what the platform has, and nothing for what it has not.
#[derive(Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SharedData {
    #[serde(default)]
    pub licences: Vec<Licence>,
    #[serde(default)]
    pub fields: BTreeMap<String, String>,
}

impl Drop for SharedData {
    fn drop(&mut self) {
        // The licences zero themselves; the fields' values are registration data (the names are not).
        for value in self.fields.values_mut() {
            value.zeroize();
        }
    }
}

/// `POST /v1/licences/verify`: the text of an e-licence QR code shown from the applicant's phone (亮证).
#[derive(Serialize, Deserialize, Zeroize, ZeroizeOnDrop)]
pub struct LicenceCode {
    pub code: String,
}

/// A licence the platform confirmed from a shown code.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize, Zeroize, ZeroizeOnDrop)]
pub struct VerifiedLicence {
    pub licence_type: String,
    pub number: String,
    pub holder: String,
    /// SHA-256 (lower-case hex) of the holder's ID number or credit code.
    pub holder_id_sha256: String,
    pub valid_to: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_expired_licence_is_not_valid() {
        let licence = |valid_to: Option<&str>| Licence {
            licence_type: "营业执照".into(),
            number: "N".into(),
            holder: "H".into(),
            issuer: "I".into(),
            valid_to: valid_to.map(String::from),
        };
        assert!(licence(None).valid_on("2026-12-07"));
        assert!(licence(Some("2026-12-07")).valid_on("2026-12-07"));
        assert!(!licence(Some("2025-06-30")).valid_on("2026-12-07"));
        // An end that is not a date proves nothing (a string compare would have taken "长期" as valid).
        assert!(!licence(Some("长期")).valid_on("2026-12-07"));
    }

    #[test]
    fn face_results_are_spelled_as_the_contract_spells_them() {
        let verdict: IdentityVerdict =
            serde_json::from_str(r#"{"verify_id":"v1","result":"no_match"}"#).expect("verdict");
        assert_eq!(verdict.result, FaceResult::NoMatch);
    }
}
