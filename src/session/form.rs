//! One form (一表申请): the fields of the chosen joint items merged, pre-filled from the ID card, and checked.

use std::collections::BTreeMap;

use drivers::Identity;
use zeroize::Zeroize;

use super::selection::ChosenItem;
use super::validate;
use crate::catalog::{Catalog, FieldDef, FieldKind, Prefill};

/// The chosen items' fields, each once, in the order they first appear.
pub fn merge<'c>(catalog: &'c Catalog, chosen: &[ChosenItem]) -> Vec<&'c FieldDef> {
    let mut fields: Vec<&FieldDef> = Vec::new();
    for chosen_item in chosen {
        for key in &chosen_item.item.fields {
            if let Some(field) = catalog.fields.get(key) {
                if !fields.iter().any(|f| &f.key == key) {
                    fields.push(field);
                }
            }
        }
    }
    fields
}

/// The applicant's answers on the form, by field key. Zeroed when dropped.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct FormValues {
    values: BTreeMap<String, String>,
}

impl FormValues {
    pub fn get(&self, key: &str) -> &str {
        self.values.get(key).map_or("", String::as_str)
    }

    pub fn set(&mut self, key: &str, value: &str) {
        if let Some(mut old) = self.values.insert(key.to_string(), value.to_string()) {
            old.zeroize();
        }
    }

    /// Forgets `key`'s value (zeroed).
    pub fn remove(&mut self, key: &str) {
        if let Some(mut old) = self.values.remove(key) {
            old.zeroize();
        }
    }

    pub fn iter(&self) -> impl Iterator<Item = (&str, &str)> {
        self.values.iter().map(|(k, v)| (k.as_str(), v.as_str()))
    }

    /// Fills the fields that take a value from the card, leaving anything the applicant typed alone.
    pub fn prefill(&mut self, fields: &[&FieldDef], identity: &Identity) {
        for field in fields {
            let Some(prefill) = field.prefill else {
                continue;
            };
            if !self.get(&field.key).is_empty() {
                continue;
            }
            let value = match prefill {
                Prefill::Name => identity.name.clone(),
                Prefill::IdNumber => identity.id_number.clone(),
                Prefill::Gender => identity.gender.label().to_string(),
                Prefill::Nation => identity.nation.clone(),
                Prefill::BirthDate => identity.birth_date.clone(),
                Prefill::Address => identity.address.clone(),
            };
            // A choice field only takes a value among its options (未知 is not one of 男/女).
            if field.kind == FieldKind::Choice && !field.options.contains(&value) {
                continue;
            }
            self.set(&field.key, &value);
        }
    }
}

impl FormValues {
    /// Fills the fields the platform returned a value for (shared data wins over what was typed: the applicant
    /// cannot change it); returns their keys. A value the field's own check refuses (a choice not among its
    /// options, a malformed date) is left for the applicant to type.
    pub fn fill_shared(
        &mut self,
        fields: &[&FieldDef],
        platform: &super::PlatformState,
    ) -> std::collections::BTreeSet<String> {
        let mut filled = std::collections::BTreeSet::new();
        for field in fields {
            // Only a value the form itself would take: one it refuses could neither pass nor be corrected.
            let Some(value) = field
                .shared
                .as_deref()
                .and_then(|name| platform.shared_field(name))
                .filter(|v| !v.trim().is_empty() && check_field(field, v).is_ok())
            else {
                continue;
            };
            self.set(&field.key, value);
            filled.insert(field.key.clone());
        }
        filled
    }
}

impl Drop for FormValues {
    fn drop(&mut self) {
        for value in self.values.values_mut() {
            value.zeroize();
        }
    }
}

/// A problem with one field: the error summary lists these, and the same words stand beside the field.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FieldError {
    pub key: String,
    pub message: String,
}

/// Every problem on the form, in the order of the fields.
pub fn check(fields: &[&FieldDef], values: &FormValues) -> Vec<FieldError> {
    fields
        .iter()
        .filter_map(|field| {
            check_field(field, values.get(&field.key))
                .err()
                .map(|message| FieldError {
                    key: field.key.clone(),
                    message,
                })
        })
        .collect()
}

fn check_field(field: &FieldDef, value: &str) -> Result<(), String> {
    let value = value.trim();
    if value.is_empty() {
        return if field.required {
            Err(match field.kind {
                FieldKind::Choice => format!("请选择{}", field.label),
                _ => format!("请输入{}", field.label),
            })
        } else {
            Ok(())
        };
    }
    let fixed = |r: Result<(), &'static str>| r.map_err(str::to_string);
    match field.kind {
        FieldKind::Text | FieldKind::Address => Ok(()),
        FieldKind::Phone => fixed(validate::phone(value)),
        FieldKind::IdNumber => fixed(validate::id_number(value)),
        FieldKind::CreditCode => fixed(validate::credit_code(value)),
        FieldKind::Date => fixed(validate::date(value)),
        FieldKind::Number => {
            let ok = value
                .parse::<f64>()
                .is_ok_and(|n| n.is_finite() && n >= 0.0);
            if ok {
                Ok(())
            } else {
                Err(format!("{}只能填写数字", field.label))
            }
        }
        FieldKind::Choice => {
            if field.options.iter().any(|o| o == value) {
                Ok(())
            } else {
                Err(format!("请从列出的选项中选择{}", field.label))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::session::selection::Selection;
    use crate::session::test_support::{catalog, identity};
    use drivers::Gender;

    fn fields_of(catalog: &Catalog, no: u32) -> Vec<&FieldDef> {
        let thing = catalog.one_thing(no).unwrap();
        merge(
            catalog,
            &Selection::default().chosen(catalog, thing).unwrap(),
        )
    }

    #[test]
    fn fields_are_merged_once_in_first_use_order() {
        let catalog = catalog();
        let keys: Vec<&str> = fields_of(&catalog, 35)
            .iter()
            .map(|f| f.key.as_str())
            .collect();
        assert_eq!(
            keys,
            vec![
                "applicant_name",
                "applicant_id_number",
                "applicant_phone",
                "org_name",
                "credit_code",
                "business_address",
                "sign_size",
                "business_area"
            ]
        );
    }

    #[test]
    fn prefill_takes_the_card_and_keeps_typed_values() {
        let catalog = catalog();
        let fields = fields_of(&catalog, 35);
        let mut values = FormValues::default();
        values.set("business_address", "西峡县人民路8号");
        values.prefill(&fields, &identity());
        assert_eq!(values.get("applicant_name"), "张三");
        assert_eq!(values.get("applicant_id_number"), "11010519491231002X");
        assert_eq!(values.get("business_address"), "西峡县人民路8号");
        assert_eq!(values.get("applicant_phone"), "");
    }

    #[test]
    fn gender_prefills_a_choice_only_with_a_listed_option() {
        let catalog = catalog();
        let fields = fields_of(&catalog, 57);
        let mut values = FormValues::default();
        values.prefill(&fields, &identity());
        assert_eq!(values.get("applicant_gender"), "男");
        let mut unknown = identity();
        unknown.gender = Gender::Unknown;
        let mut values = FormValues::default();
        values.prefill(&fields, &unknown);
        assert_eq!(values.get("applicant_gender"), "");
    }

    #[test]
    fn errors_name_each_problem_in_field_order() {
        let catalog = catalog();
        let fields = fields_of(&catalog, 35);
        let mut values = FormValues::default();
        values.prefill(&fields, &identity());
        values.set("applicant_phone", "1380013800");
        values.set("credit_code", "91350100M000100Y44");
        values.set("business_area", "八十");
        let errors = check(&fields, &values);
        let summary: Vec<(&str, &str)> = errors
            .iter()
            .map(|e| (e.key.as_str(), e.message.as_str()))
            .collect();
        assert_eq!(
            summary,
            vec![
                (
                    "applicant_phone",
                    "请输入11位手机号码，或带区号的固定电话号码"
                ),
                ("org_name", "请输入企业名称"),
                ("credit_code", "统一社会信用代码校验位不正确，请逐位核对"),
                ("business_area", "经营面积只能填写数字"),
            ]
        );
        values.set("applicant_phone", "13800138000");
        values.set("org_name", "西峡县老马拉面馆");
        values.set("credit_code", "91350100M000100Y43");
        values.set("business_area", "80.5");
        assert!(check(&fields, &values).is_empty());
    }

    #[test]
    fn optional_fields_may_stay_empty_but_are_checked_when_filled() {
        let catalog = catalog();
        let sign = catalog.fields.get("sign_size").unwrap();
        assert!(check_field(sign, "").is_ok());
        let gender = catalog.fields.get("applicant_gender").unwrap();
        assert_eq!(check_field(gender, ""), Err("请选择性别".to_string()));
        assert_eq!(
            check_field(gender, "其他"),
            Err("请从列出的选项中选择性别".to_string())
        );
    }
}
