//! The catalog as the rest of the kiosk sees it: validated, with no file positions.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

/// Who applies for a one-thing.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Deserialize, Serialize)]
pub enum Target {
    #[serde(rename = "个人")]
    Person,
    #[serde(rename = "法人")]
    Organisation,
}

impl Target {
    pub fn label(self) -> &'static str {
        match self {
            Target::Person => "个人",
            Target::Organisation => "法人",
        }
    }
}

/// A situation question that picks between alternatives inside a one-thing.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Question {
    pub key: String,
    pub text: String,
    pub options: Vec<String>,
}

/// One joint-item row of a one-thing, as the seed lists it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct JointRow {
    pub name: String,
    pub department: String,
    /// The seed's 更改 column: the joint item this row really stands for.
    pub changed_to: Option<String>,
    /// `(question, option)`: the row belongs to the one-thing only for that answer.
    pub when: Option<(String, String)>,
    /// A question whose answer completes the item's name as `name（answer）`.
    pub choose: Option<String>,
    /// The name of another row that must be chosen with this one.
    pub requires: Option<String>,
}

impl JointRow {
    /// The joint item the row stands for under `answers`, or `None` when the answers leave the row out (or the
    /// question it depends on is not answered yet).
    pub fn resolve(&self, answers: &BTreeMap<String, String>) -> Option<String> {
        if let Some((question, option)) = &self.when {
            if answers.get(question) != Some(option) {
                return None;
            }
        }
        let base = self.changed_to.as_deref().unwrap_or(&self.name);
        match &self.choose {
            Some(question) => answers
                .get(question)
                .map(|answer| format!("{base}（{answer}）")),
            None => Some(base.to_string()),
        }
    }

    /// Every joint item the row can stand for, whatever the answers.
    pub fn possible_items(&self, questions: &[Question]) -> Vec<String> {
        let base = self.changed_to.as_deref().unwrap_or(&self.name);
        match &self.choose {
            Some(key) => questions
                .iter()
                .filter(|q| &q.key == key)
                .flat_map(|q| q.options.iter().map(move |o| format!("{base}（{o}）")))
                .collect(),
            None => vec![base.to_string()],
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OneThing {
    pub no: u32,
    pub name: String,
    pub target: Target,
    pub lead: String,
    pub provincial: bool,
    pub questions: Vec<Question>,
    pub joint: Vec<JointRow>,
    /// Materials asked for only under one answer: material key → (question key, option).
    pub material_when: BTreeMap<String, (String, String)>,
}

impl OneThing {
    /// Whether `material` applies under `answers`. A material whose question is not answered yet (a guide read
    /// before answering) is shown.
    pub fn material_applies(&self, material: &str, answers: &BTreeMap<String, String>) -> bool {
        match self.material_when.get(material) {
            Some((question, option)) => answers.get(question).is_none_or(|a| a == option),
            None => true,
        }
    }

    /// The code the back office knows the one-thing by: batch 5, then the seed's number.
    pub fn code(&self) -> String {
        format!("5-{}", self.no)
    }

    /// The questions that matter: those some row depends on.
    pub fn question(&self, key: &str) -> Option<&Question> {
        self.questions.iter().find(|q| q.key == key)
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ItemKind {
    /// The applicant applies and hands in materials.
    Application,
    /// The department looks the facts up through shared data: the applicant submits nothing.
    Query,
}

/// The short-guide elements of one joint item.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct JointItem {
    pub name: String,
    pub kind: ItemKind,
    pub time_limit_days: u32,
    pub fee: String,
    pub result: String,
    pub commitment: bool,
    pub commitment_text: Option<String>,
    pub materials: Vec<String>,
    pub fields: Vec<String>,
    pub sample: bool,
}

impl JointItem {
    /// The commitment letter the applicant signs: the catalog's text, or the standard one.
    pub fn commitment_letter(&self) -> String {
        match &self.commitment_text {
            Some(text) => text.clone(),
            None => format!(
                "本人申请办理“{}”，现郑重承诺：所提交的材料真实、合法、有效，符合告知的条件和要求；\
                 如有虚假或不符合承诺内容，愿意承担相应的法律责任，并接受撤销许可等处理。",
                self.name
            ),
        }
    }

    /// The promised time limit in words.
    pub fn time_limit_text(&self) -> String {
        match self.time_limit_days {
            0 => "即办".to_string(),
            days => format!("{days}个工作日"),
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize, Serialize)]
pub enum MaterialForm {
    #[serde(rename = "原件")]
    Original,
    #[serde(rename = "复印件")]
    Copy,
    #[serde(rename = "原件及复印件")]
    OriginalAndCopy,
}

impl MaterialForm {
    pub fn label(self) -> &'static str {
        match self {
            MaterialForm::Original => "原件",
            MaterialForm::Copy => "复印件",
            MaterialForm::OriginalAndCopy => "原件及复印件",
        }
    }
}

/// Why an applicant need not hand a material in.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Exemption {
    None,
    /// Read from the ID card's chip.
    IdCard,
    /// Proved by an electronic licence.
    ELicence,
    /// Fetched by the department through shared data.
    SharedData,
}

impl Exemption {
    /// The standard reason shown on the one-time notice.
    pub fn reason(self) -> Option<&'static str> {
        match self {
            Exemption::None => None,
            Exemption::IdCard => Some("已从身份证芯片读取，无需提交"),
            Exemption::ELicence => Some("可通过电子证照核验，无需提交"),
            Exemption::SharedData => Some("由部门通过数据共享获取，无需提交"),
        }
    }
}

/// The key of the power of attorney (授权委托书) an agent (经办人) hands in for a company: the catalog must define
/// it when it has 法人 one-things; no joint item lists it (the kiosk adds it for agents).
pub const POWER_OF_ATTORNEY: &str = "power_of_attorney";

/// The key of the form field that names a company's legal representative: an agent (经办人) fills it (whom they
/// act for) where the chosen items do not ask for it already; the catalog must define it with the power of
/// attorney.
pub const LEGAL_REPRESENTATIVE: &str = "legal_representative";

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Material {
    pub key: String,
    pub name: String,
    pub form: MaterialForm,
    pub copies: u32,
    pub source: String,
    pub exempt: Exemption,
    pub exempt_note: Option<String>,
    /// For a material an electronic licence or shared data may prove: the licence type the platform must
    /// confirm for this applicant before it is exempt.
    pub licence_type: Option<String>,
    pub deferrable: bool,
    pub defer_days: Option<u32>,
    pub sample: bool,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum FieldKind {
    Text,
    Address,
    Phone,
    IdNumber,
    CreditCode,
    Date,
    Number,
    Choice,
}

/// Which part of the identity read from the card fills a field.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Prefill {
    Name,
    IdNumber,
    Gender,
    Nation,
    BirthDate,
    Address,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FieldDef {
    pub key: String,
    pub label: String,
    pub kind: FieldKind,
    pub required: bool,
    pub prefill: Option<Prefill>,
    /// The shared-data field that fills it when the platform has it for this applicant.
    pub shared: Option<String>,
    pub options: Vec<String>,
    pub hint: Option<String>,
    pub sample: bool,
}

/// The whole catalog.
#[derive(Clone, Debug, Default)]
pub struct Catalog {
    /// In the seed's order (by number).
    pub one_things: Vec<OneThing>,
    pub joint_items: BTreeMap<String, JointItem>,
    pub materials: BTreeMap<String, Material>,
    pub fields: BTreeMap<String, FieldDef>,
}

impl Catalog {
    pub fn one_thing(&self, no: u32) -> Option<&OneThing> {
        self.one_things.iter().find(|t| t.no == no)
    }
}
