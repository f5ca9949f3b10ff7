//! An identity as the JSON of `kiosk device read-card --json` and `kiosk sim idcard --identity FILE`.
//!
//! This is the only place a whole ID number is written out: a technician's own test card.

use drivers::{Gender, IdType, Identity};
use serde::{Deserialize, Serialize};

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct IdentityJson {
    pub card_type: String,
    pub name: String,
    pub gender: String,
    #[serde(default)]
    pub nation: String,
    pub birth_date: String,
    #[serde(default)]
    pub address: String,
    pub id_number: String,
    pub authority: String,
    pub valid_from: String,
    pub valid_to: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub english_name: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub nationality: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub pass_number: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub issue_count: String,
    #[serde(default)]
    pub photo_bytes: usize,
}

impl IdentityJson {
    pub fn from_identity(identity: &Identity, photo_bytes: usize) -> IdentityJson {
        IdentityJson {
            card_type: identity.id_type.code().to_string(),
            name: identity.name.clone(),
            gender: identity.gender.label().to_string(),
            nation: identity.nation.clone(),
            birth_date: identity.birth_date.clone(),
            address: identity.address.clone(),
            id_number: identity.id_number.clone(),
            authority: identity.authority.clone(),
            valid_from: identity.valid_from.clone(),
            valid_to: identity.valid_to.clone(),
            english_name: identity.english_name.clone(),
            nationality: identity.nationality.clone(),
            pass_number: identity.pass_number.clone(),
            issue_count: identity.issue_count.clone(),
            photo_bytes,
        }
    }

    pub fn to_identity(&self) -> Result<Identity, String> {
        let mut id = Identity::default();
        id.id_type = match self.card_type.as_str() {
            "resident" => IdType::Resident,
            "hk_mo_tw" => IdType::HkMoTw,
            "foreign_permanent" => IdType::ForeignPermanent,
            other => {
                return Err(format!(
                    "card_type `{other}`: use resident, hk_mo_tw or foreign_permanent"
                ))
            }
        };
        id.gender = match self.gender.as_str() {
            "男" => Gender::Male,
            "女" => Gender::Female,
            _ => Gender::Unknown,
        };
        id.name = self.name.clone();
        id.nation = self.nation.clone();
        id.birth_date = self.birth_date.clone();
        id.address = self.address.clone();
        id.id_number = self.id_number.clone();
        id.authority = self.authority.clone();
        id.valid_from = self.valid_from.clone();
        id.valid_to = self.valid_to.clone();
        id.english_name = self.english_name.clone();
        id.nationality = self.nationality.clone();
        id.pass_number = self.pass_number.clone();
        id.issue_count = self.issue_count.clone();
        Ok(id)
    }
}
