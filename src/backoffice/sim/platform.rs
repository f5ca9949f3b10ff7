//! The simulated government platform behind the back office: sample people and companies with their electronic
//! licences and registration fields (read from a TOML file such as `config/sim/platform.toml`), shared only with
//! the person themself or with the legal representative or an agent of the company; e-licence QR codes to show
//! (亮证); and a face comparison that answers as it is told (`--face`, or the control route `/_sim/face`).

use std::collections::{BTreeMap, VecDeque};
use std::path::Path;

use serde::Deserialize;

use crate::backoffice::platform_wire::{
    FaceResult, Licence, SharedData, SharedDataQuery, VerifiedLicence,
};
use crate::package::sha256_hex;
use crate::toml_source::{Problem, TomlSource};

/// The platform's records.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Platform {
    #[serde(default)]
    pub person: Vec<Person>,
    #[serde(default)]
    pub company: Vec<Company>,
}

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Person {
    pub id_number: String,
    pub name: String,
    /// Registration fields the platform holds for them (marital status, education …).
    #[serde(default)]
    pub fields: BTreeMap<String, String>,
    #[serde(default)]
    pub licence: Vec<SampleLicence>,
}

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Company {
    pub credit_code: String,
    pub name: String,
    /// The ID number of its legal representative.
    pub legal_representative: String,
    /// ID numbers of the people it authorised to act for it (经办人).
    #[serde(default)]
    pub agents: Vec<String>,
    #[serde(default)]
    pub fields: BTreeMap<String, String>,
    #[serde(default)]
    pub licence: Vec<SampleLicence>,
}

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SampleLicence {
    pub licence_type: String,
    pub number: String,
    pub issuer: String,
    pub valid_to: Option<String>,
    /// The text of the QR code its holder can show from their phone.
    pub code: Option<String>,
}

impl SampleLicence {
    fn held_by(&self, holder: &str) -> Licence {
        Licence {
            licence_type: self.licence_type.clone(),
            number: self.number.clone(),
            holder: holder.to_string(),
            issuer: self.issuer.clone(),
            valid_to: self.valid_to.clone(),
        }
    }
}

impl Platform {
    /// Reads the records; a problem names the file, the line and the key.
    pub fn load(path: &Path) -> Result<Platform, Problem> {
        TomlSource::read(path)?.parse::<Platform>()
    }

    fn person(&self, id_number: &str) -> Option<&Person> {
        self.person.iter().find(|p| p.id_number == id_number)
    }

    /// The company `id_number` may act for: the one named, or else the first they represent or act for.
    fn company_of(&self, id_number: &str, credit_code: Option<&str>) -> Option<&Company> {
        self.company
            .iter()
            .filter(|c| credit_code.is_none_or(|code| c.credit_code == code))
            .find(|c| {
                c.legal_representative == id_number || c.agents.iter().any(|a| a == id_number)
            })
    }

    /// What the platform shares with this applicant: their own licences and fields, and their company's, of the
    /// types and names asked for. Someone the platform does not know gets nothing.
    pub fn shared_data(&self, query: &SharedDataQuery) -> SharedData {
        let mut shared = SharedData::default();
        let Some(person) = self.person(&query.id_number) else {
            return shared;
        };
        let company = self.company_of(&query.id_number, query.credit_code.as_deref());
        let wanted = |licence: &SampleLicence| query.licence_types.contains(&licence.licence_type);
        shared.licences.extend(
            person
                .licence
                .iter()
                .filter(|l| wanted(l))
                .map(|l| l.held_by(&person.name)),
        );
        let mut fields = person.fields.clone();
        if let Some(company) = company {
            shared.licences.extend(
                company
                    .licence
                    .iter()
                    .filter(|l| wanted(l))
                    .map(|l| l.held_by(&company.name)),
            );
            fields.extend(company.fields.clone());
            fields.insert("org_name".into(), company.name.clone());
            fields.insert("credit_code".into(), company.credit_code.clone());
            if let Some(representative) = self.person(&company.legal_representative) {
                fields.insert("legal_representative".into(), representative.name.clone());
            }
        }
        shared.fields = fields
            .into_iter()
            .filter(|(name, _)| query.fields.contains(name))
            .collect();
        shared
    }

    /// The licence behind a shown QR code, with the hash of its holder's ID number or credit code.
    pub fn verify_licence(&self, code: &str) -> Option<VerifiedLicence> {
        let shown = |licences: &[SampleLicence], holder: &str, holder_id: &str| {
            licences
                .iter()
                .find(|l| l.code.as_deref() == Some(code))
                .map(|l| VerifiedLicence {
                    licence_type: l.licence_type.clone(),
                    number: l.number.clone(),
                    holder: holder.to_string(),
                    holder_id_sha256: sha256_hex(holder_id.as_bytes()),
                    valid_to: l.valid_to.clone(),
                })
        };
        self.person
            .iter()
            .find_map(|p| shown(&p.licence, &p.name, &p.id_number))
            .or_else(|| {
                self.company
                    .iter()
                    .find_map(|c| shown(&c.licence, &c.name, &c.credit_code))
            })
    }
}

/// What the face comparison answers: the next of the results told, then the standing one.
#[derive(Clone, Debug)]
pub struct FaceAnswers {
    pub standing: FaceResult,
    pub next: VecDeque<FaceResult>,
}

impl Default for FaceAnswers {
    fn default() -> Self {
        FaceAnswers {
            standing: FaceResult::Match,
            next: VecDeque::new(),
        }
    }
}

impl FaceAnswers {
    pub fn take(&mut self) -> FaceResult {
        self.next.pop_front().unwrap_or(self.standing)
    }
}

/// Reads a face result as the command line and the control route spell it.
pub fn face_result(text: &str) -> Result<FaceResult, String> {
    match text.trim() {
        "match" => Ok(FaceResult::Match),
        "no_match" => Ok(FaceResult::NoMatch),
        "unusable" => Ok(FaceResult::Unusable),
        other => Err(format!(
            "unknown face result `{other}` (match, no_match or unusable)"
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn shipped() -> Platform {
        Platform::load(&Path::new(env!("CARGO_MANIFEST_DIR")).join("config/sim/platform.toml"))
            .expect("the shipped sample platform")
    }

    fn query(id_number: &str, licence_types: &[&str], fields: &[&str]) -> SharedDataQuery {
        SharedDataQuery {
            id_number: id_number.into(),
            credit_code: None,
            consent_sha256: "0".repeat(64),
            licence_types: licence_types.iter().map(|s| s.to_string()).collect(),
            fields: fields.iter().map(|s| s.to_string()).collect(),
        }
    }

    /// The sample card's holder represents the sample company: its e-business-licence and registration come back,
    /// only of the types and names asked for.
    #[test]
    fn the_sample_holder_gets_their_company_s_licence_and_fields() {
        let platform = shipped();
        let shared = platform.shared_data(&query(
            drivers::idcard::sim::sample_identity().id_number.as_str(),
            &["营业执照"],
            &["org_name", "legal_representative", "no_such_field"],
        ));
        assert_eq!(shared.licences.len(), 1);
        assert_eq!(shared.licences[0].licence_type, "营业执照");
        assert_eq!(
            shared
                .fields
                .get("legal_representative")
                .map(String::as_str),
            Some("张三")
        );
        assert!(shared.fields.contains_key("org_name"));
        assert!(!shared.fields.contains_key("no_such_field"));
    }

    /// The agent's card gets the company's data too, with a legal representative who is someone else; a stranger
    /// gets nothing.
    #[test]
    fn an_agent_sees_the_company_and_a_stranger_nothing() {
        let platform = shipped();
        let agent = drivers::idcard::sim::sample_agent_identity();
        let shared = platform.shared_data(&query(
            &agent.id_number,
            &["营业执照"],
            &["legal_representative"],
        ));
        assert_eq!(shared.licences.len(), 1);
        assert_ne!(shared.fields.get("legal_representative"), Some(&agent.name));
        let nobody =
            platform.shared_data(&query("110105194912310037", &["营业执照"], &["org_name"]));
        assert!(nobody.licences.is_empty() && nobody.fields.is_empty());
    }

    /// A shown code names its licence and the hash of its holder's credit code.
    #[test]
    fn a_shown_code_is_its_licence() {
        let platform = shipped();
        let company = &platform.company[0];
        let code = company.licence[0].code.clone().expect("a code to show");
        let verified = platform.verify_licence(&code).expect("known");
        assert_eq!(
            verified.holder_id_sha256,
            sha256_hex(company.credit_code.as_bytes())
        );
        assert!(platform.verify_licence("NOT-A-CODE").is_none());
    }

    #[test]
    fn face_answers_follow_what_they_were_told() {
        let mut answers = FaceAnswers::default();
        answers.next.push_back(FaceResult::Unusable);
        assert_eq!(answers.take(), FaceResult::Unusable);
        assert_eq!(answers.take(), FaceResult::Match);
        assert_eq!(face_result("no_match"), Ok(FaceResult::NoMatch));
        assert!(face_result("maybe").is_err());
    }
}
