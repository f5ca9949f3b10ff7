//! The one form (一表申请): which fields come from the card, how a field's value may be shown, the field chosen for
//! typing, a choice made, and 下一步.

use super::keyboard_mode::KeyboardMode;
use super::typing::{Shown, Target};
use super::App;
use crate::catalog::{FieldDef, FieldKind, Prefill};

/// Fields whose value is the chip's: shown, never typed.
pub fn from_card(field: &FieldDef) -> bool {
    matches!(
        field.prefill,
        Some(
            Prefill::Name
                | Prefill::IdNumber
                | Prefill::Gender
                | Prefill::Nation
                | Prefill::BirthDate
        )
    )
}

/// A field's value as the screen may show it: an ID number never whole.
pub fn shown_value(field: &FieldDef, value: &str) -> String {
    if field.kind == FieldKind::IdNumber {
        drivers::id_number::mask(value)
    } else {
        value.to_string()
    }
}

/// Fields typed on the number pad alone.
pub fn digits_only(kind: FieldKind) -> bool {
    matches!(
        kind,
        FieldKind::Phone | FieldKind::Number | FieldKind::Date | FieldKind::IdNumber
    )
}

impl App {
    /// The form's field `index` chosen for typing (a field from the card is not typed).
    pub fn focus_field(&mut self, index: usize) {
        let Some(field) = self.session.fields().get(index).map(|f| (*f).clone()) else {
            return;
        };
        if from_card(&field) || self.session.shared_fields().contains(&field.key) {
            return;
        }
        let mode = if digits_only(field.kind) {
            KeyboardMode::Digits
        } else if field.kind == FieldKind::CreditCode {
            KeyboardMode::Letters
        } else {
            KeyboardMode::Pinyin
        };
        let value = self.session.form().get(&field.key).to_string();
        let shown = Shown {
            label: field.label.clone(),
            secret: false,
            id_number: field.kind == FieldKind::IdNumber,
            digits_only: digits_only(field.kind),
        };
        self.open_keyboard(Target::Form(field.key), &value, mode, shown);
    }

    /// The form's field with `key` chosen for typing.
    pub fn focus_field_key(&mut self, key: &str) {
        if let Some(index) = self.session.fields().iter().position(|f| f.key == key) {
            self.focus_field(index);
        }
    }

    /// The key of the form's field being typed into, if one is.
    pub fn typing_form_field(&self) -> Option<&str> {
        match self.typing.as_ref().map(|t| &t.target) {
            Some(Target::Form(key)) => Some(key),
            _ => None,
        }
    }

    /// One of a choice field's options chosen.
    pub fn choose_option(&mut self, index: usize, option: usize) {
        let Some(field) = self.session.fields().get(index).map(|f| (*f).clone()) else {
            return;
        };
        if let (false, Some(value)) = (from_card(&field), field.options.get(option)) {
            let _ = self.session.set_field(&field.key, value);
        }
    }

    /// 下一步 under the form.
    pub fn submit_form(&mut self) {
        self.typing = None;
        let _ = self.session.submit_form();
    }
}
