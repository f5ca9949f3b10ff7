//! The catalog files as written, with the positions that problems point at.

use std::collections::BTreeMap;

use serde::Deserialize;
use toml::Spanned;

use super::model::{Exemption, FieldKind, ItemKind, MaterialForm, Prefill, Target};

/// One `*.toml` file of the catalog folder. Every section is optional, so the catalog can be split at will.
#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct RawFile {
    #[serde(default)]
    pub one_thing: Vec<Spanned<RawOneThing>>,
    #[serde(default)]
    pub joint_item: Vec<Spanned<RawJointItem>>,
    #[serde(default)]
    pub material: BTreeMap<Spanned<String>, RawMaterial>,
    #[serde(default)]
    pub field: BTreeMap<Spanned<String>, RawField>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawOneThing {
    pub no: Spanned<u32>,
    pub name: Spanned<String>,
    pub target: Target,
    pub lead: Spanned<String>,
    pub provincial: bool,
    #[serde(default)]
    pub questions: Vec<Spanned<RawQuestion>>,
    pub joint: Spanned<Vec<Spanned<RawJointRow>>>,
    /// Materials asked for only under one answer, e.g. `lease_contract = { site = "租赁场地" }`.
    #[serde(default)]
    pub material_when: BTreeMap<Spanned<String>, Spanned<BTreeMap<String, String>>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawQuestion {
    pub key: Spanned<String>,
    pub text: Spanned<String>,
    pub options: Vec<Spanned<String>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawJointRow {
    pub name: Spanned<String>,
    pub department: Spanned<String>,
    pub changed_to: Option<Spanned<String>>,
    pub when: Option<Spanned<BTreeMap<String, String>>>,
    pub choose: Option<Spanned<String>>,
    pub requires: Option<Spanned<String>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawJointItem {
    pub name: Spanned<String>,
    pub kind: ItemKind,
    pub time_limit_days: u32,
    pub fee: Spanned<String>,
    pub result: Spanned<String>,
    pub commitment: bool,
    pub commitment_text: Option<String>,
    pub materials: Vec<Spanned<String>>,
    pub fields: Vec<Spanned<String>>,
    pub sample: bool,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawMaterial {
    pub name: Spanned<String>,
    pub form: MaterialForm,
    pub copies: Spanned<u32>,
    pub source: Spanned<String>,
    pub exempt: Spanned<Exemption>,
    pub exempt_note: Option<String>,
    /// The electronic licence (or shared-data record) that proves it, as the platform names its type.
    pub licence_type: Option<Spanned<String>>,
    pub deferrable: Spanned<bool>,
    pub defer_days: Option<Spanned<u32>>,
    pub sample: bool,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawField {
    pub label: Spanned<String>,
    pub kind: Spanned<FieldKind>,
    pub required: bool,
    pub prefill: Option<Spanned<Prefill>>,
    /// The shared-data field that fills it, as the platform names it.
    pub shared: Option<Spanned<String>>,
    #[serde(default)]
    pub options: Vec<String>,
    pub hint: Option<String>,
    pub sample: bool,
}
