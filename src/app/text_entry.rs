//! Typing on the on-screen keyboard into the form's fields and the delivery address: the keyboard's mode, and in
//! pinyin mode the letters not yet turned into characters with the candidates the IME offers for them.

use std::rc::Rc;

use super::keyboard_mode::KeyboardMode;
use super::App;
use crate::catalog::{FieldDef, FieldKind, Prefill};
use crate::ime::{Candidate, PinyinIme};
use crate::session::Step;

/// What is being typed: the field, the keyboard's mode, the pinyin letters not yet turned into characters.
#[derive(Default)]
pub struct Typing {
    pub field: Option<String>,
    pub mode: KeyboardMode,
    pub composing: String,
    pub candidates: Vec<Candidate>,
}

const CANDIDATES_SHOWN: usize = 8;

/// The form's key of the delivery screen's postal address while it is typed.
pub const ADDRESS: &str = "address";

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
    /// A key pressed on the keyboard, whichever screen shows it.
    pub fn type_key(&mut self, key: &str) {
        match self.typing.mode {
            KeyboardMode::Pinyin if key == " " && !self.typing.composing.is_empty() => {
                self.pick_candidate(0)
            }
            KeyboardMode::Pinyin
                if !key.is_empty() && key.chars().all(|c| c.is_ascii_lowercase()) =>
            {
                self.typing.composing.push_str(key);
                self.recompute_candidates();
            }
            KeyboardMode::Letters => self.append(&key.to_uppercase()),
            _ => self.append(key),
        }
    }

    /// 删除: the last pinyin letter, or else the last character of the text.
    pub fn type_backspace(&mut self) {
        if self.typing.composing.pop().is_some() {
            self.recompute_candidates();
        } else if let Some(mut value) = self.current_text() {
            value.pop();
            self.set_text(value);
        }
    }

    /// Pinyin, letters or digits (no symbols for the form).
    pub fn set_keyboard_mode(&mut self, mode: KeyboardMode) {
        if mode == KeyboardMode::Symbols {
            return;
        }
        self.typing.mode = mode;
        self.typing.composing.clear();
        self.typing.candidates.clear();
    }

    /// 完成: the keyboard closes.
    pub fn close_keyboard(&mut self) {
        self.typing = Typing::default();
    }

    /// A candidate chosen: its characters join the value, the letters it stood for leave the input.
    pub fn pick_candidate(&mut self, index: usize) {
        let Some(candidate) = self.typing.candidates.get(index).cloned() else {
            return;
        };
        self.append(&candidate.text);
        let rest = self
            .typing
            .composing
            .get(candidate.letters..)
            .unwrap_or("")
            .to_string();
        self.typing.composing = rest;
        self.recompute_candidates();
    }

    fn ime(&mut self) -> Rc<PinyinIme> {
        self.ime
            .get_or_insert_with(|| Rc::new(PinyinIme::new()))
            .clone()
    }

    fn recompute_candidates(&mut self) {
        self.typing.candidates = if self.typing.composing.is_empty() {
            Vec::new()
        } else {
            let composing = self.typing.composing.clone();
            self.ime().candidates(&composing, CANDIDATES_SHOWN)
        };
    }

    /// The text being typed into: a form field, or on the delivery screen the postal address.
    fn current_text(&self) -> Option<String> {
        let key = self.typing.field.as_ref()?;
        Some(if self.session.step() == Step::Delivery {
            self.delivery.address.clone()
        } else {
            self.session.form().get(key).to_string()
        })
    }

    fn set_text(&mut self, value: String) {
        let Some(key) = self.typing.field.clone() else {
            return;
        };
        if self.session.step() == Step::Delivery {
            self.delivery.address = value;
        } else {
            let _ = self.session.set_field(&key, &value);
        }
    }

    fn append(&mut self, text: &str) {
        if let Some(value) = self.current_text() {
            self.set_text(format!("{value}{text}"));
        }
    }

    /// The form's field `index` chosen for typing (a field from the card is not typed).
    pub fn focus_field(&mut self, index: usize) {
        let Some(field) = self.session.fields().get(index).map(|f| (*f).clone()) else {
            return;
        };
        if from_card(&field) {
            return;
        }
        self.typing = Typing {
            field: Some(field.key.clone()),
            mode: if digits_only(field.kind) {
                KeyboardMode::Digits
            } else if field.kind == FieldKind::CreditCode {
                KeyboardMode::Letters
            } else {
                KeyboardMode::Pinyin
            },
            ..Typing::default()
        };
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
        self.typing = Typing::default();
        let _ = self.session.submit_form();
    }
}
