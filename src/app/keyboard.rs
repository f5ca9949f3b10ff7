//! The on-screen keyboard, one for every field that is typed: the form's fields and the delivery address
//! (pinyin, letters, digits), the status screen's receipt number, check code, staff id and PIN (letters, digits),
//! and technician mode's addresses and settings (letters, digits, symbols). One field is open at a time; its text
//! is a [`TextEntry`] under that field's rule. The form, the address and the status fields get every change at
//! once; technician mode takes what was typed at 完成 (a device's address is tried only then).

use std::rc::Rc;

pub use super::keyboard_mode::KeyboardMode;
use super::App;
use crate::ime::PinyinIme;

const CANDIDATES_SHOWN: usize = 8;

/// The keyboard as it shows now. It holds what was typed: `Debug` gives the field and the layout only.
#[derive(Clone, PartialEq, Eq)]
pub struct KeyboardView {
    /// The field typed into, and what it holds (a secret or a PIN as dots, an ID number masked).
    pub label: String,
    pub value: String,
    pub mode: KeyboardMode,
    /// Pinyin letters not yet turned into characters, and the characters they may stand for.
    pub composing: String,
    pub candidates: Vec<String>,
    /// The field takes digits only: the number pad alone.
    pub digits_only: bool,
    /// The symbols layout is offered (in place of pinyin).
    pub symbols: bool,
}

impl std::fmt::Debug for KeyboardView {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("KeyboardView")
            .field("label", &self.label)
            .field("mode", &self.mode)
            .field("digits_only", &self.digits_only)
            .field("symbols", &self.symbols)
            .finish_non_exhaustive()
    }
}

impl App {
    /// The keyboard, while a field is being typed.
    pub fn keyboard(&self) -> Option<KeyboardView> {
        let typing = self.typing.as_ref()?;
        let shown = &typing.shown;
        let text = typing.entry.as_str();
        let value = if shown.secret {
            // A secret being typed shows as dots, one a character, so whoever types sees how many.
            "●".repeat(typing.entry.char_count())
        } else if shown.id_number {
            drivers::id_number::mask(text)
        } else {
            text.to_string()
        };
        Some(KeyboardView {
            label: shown.label.clone(),
            value,
            mode: typing.mode,
            composing: typing.composing.clone(),
            candidates: typing.candidates.iter().map(|c| c.text.clone()).collect(),
            digits_only: shown.digits_only,
            symbols: typing.target.is_technician(),
        })
    }

    /// A key pressed.
    pub fn keyboard_key(&mut self, key: &str) {
        self.keyboard_touched();
        let Some(typing) = self.typing.as_mut() else {
            return;
        };
        match typing.mode {
            KeyboardMode::Pinyin if key == " " && !typing.composing.is_empty() => {
                self.keyboard_pick(0)
            }
            KeyboardMode::Pinyin
                if !key.is_empty() && key.chars().all(|c| c.is_ascii_lowercase()) =>
            {
                typing.composing.push_str(key);
                self.recompute_candidates();
            }
            KeyboardMode::Letters if typing.target.capital_letters() => {
                self.type_text(&key.to_uppercase())
            }
            _ => self.type_text(key),
        }
    }

    /// 删除: the last pinyin letter, or else the last character of the text.
    pub fn keyboard_backspace(&mut self) {
        self.keyboard_touched();
        let Some(typing) = self.typing.as_mut() else {
            return;
        };
        if typing.composing.pop().is_some() {
            self.recompute_candidates();
        } else if typing.entry.backspace() {
            self.write_through();
        }
    }

    /// A pinyin candidate chosen: its characters join the text, the letters it stood for leave the input.
    pub fn keyboard_pick(&mut self, index: usize) {
        let Some(typing) = self.typing.as_mut() else {
            return;
        };
        let Some(candidate) = typing.candidates.get(index).cloned() else {
            return;
        };
        if !typing.entry.type_text(&candidate.text) {
            return;
        }
        typing.composing = typing
            .composing
            .get(candidate.letters..)
            .unwrap_or("")
            .to_string();
        self.write_through();
        self.recompute_candidates();
    }

    /// 拼音 · 英文 · 数字 · 符号, as far as the open field offers it.
    pub fn keyboard_set_mode(&mut self, mode: KeyboardMode) {
        self.keyboard_touched();
        let Some(typing) = self.typing.as_mut() else {
            return;
        };
        if let Some(mode) = typing.target.layout_for(mode) {
            typing.mode = mode;
            typing.composing.clear();
            typing.candidates.clear();
        }
    }

    /// 完成: the keyboard closes; technician mode takes what was typed.
    pub fn keyboard_close(&mut self) {
        if let Some(typing) = self.typing.take() {
            self.keyboard_closed(typing);
        }
    }

    fn type_text(&mut self, text: &str) {
        if self
            .typing
            .as_mut()
            .is_some_and(|t| t.entry.type_text(text))
        {
            self.write_through();
        }
    }

    fn ime(&mut self) -> Rc<PinyinIme> {
        self.ime
            .get_or_insert_with(|| Rc::new(PinyinIme::new()))
            .clone()
    }

    fn recompute_candidates(&mut self) {
        let composing = match self.typing.as_ref() {
            Some(typing) if !typing.composing.is_empty() => typing.composing.clone(),
            Some(_) => String::new(),
            None => return,
        };
        let candidates = if composing.is_empty() {
            Vec::new()
        } else {
            self.ime().candidates(&composing, CANDIDATES_SHOWN)
        };
        if let Some(typing) = self.typing.as_mut() {
            typing.candidates = candidates;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::app::status::Field;
    use crate::app::test_support::{app, app_on_the_form};
    use crate::catalog::FieldKind;

    fn field_of(app: &App, kind: FieldKind) -> (usize, String) {
        app.session
            .fields()
            .iter()
            .enumerate()
            .find(|(_, f)| f.kind == kind && !crate::app::form::from_card(f))
            .map(|(i, f)| (i, f.label.clone()))
            .expect("a field of that kind")
    }

    /// One keyboard for the form: it names the field, composes pinyin, and the chosen word lands in the field.
    #[test]
    fn the_form_is_typed_through_the_one_keyboard() {
        let mut app = app_on_the_form();
        assert_eq!(app.keyboard(), None, "no field open, no keyboard");
        let (index, label) = field_of(&app, FieldKind::Text);
        app.focus_field(index);
        let shown = app.keyboard().expect("the keyboard");
        assert_eq!(shown.label, label);
        assert_eq!(shown.mode, KeyboardMode::Pinyin);
        assert!(!shown.digits_only && !shown.symbols);
        for _ in 0..100 {
            if app.keyboard().is_some_and(|k| k.value.is_empty()) {
                break;
            }
            app.keyboard_backspace();
        }
        for key in ["l", "a", "o"] {
            app.keyboard_key(key);
        }
        let composing = app.keyboard().expect("the keyboard");
        assert_eq!(composing.composing, "lao");
        let word = composing.candidates.first().cloned().expect("candidates");
        app.keyboard_pick(0);
        let picked = app.keyboard().expect("the keyboard");
        assert_eq!(picked.value, word);
        assert!(picked.composing.is_empty());
        app.keyboard_set_mode(KeyboardMode::Letters);
        app.keyboard_key("a");
        assert_eq!(app.keyboard().expect("keyboard").value, format!("{word}A"));
        // The form offers no symbols: the mode stays.
        app.keyboard_set_mode(KeyboardMode::Symbols);
        assert_eq!(
            app.keyboard().expect("keyboard").mode,
            KeyboardMode::Letters
        );
        app.keyboard_close();
        assert_eq!(app.keyboard(), None);
    }

    /// A phone number opens the number pad alone.
    #[test]
    fn a_phone_field_opens_the_number_pad() {
        let mut app = app_on_the_form();
        let (index, _) = field_of(&app, FieldKind::Phone);
        app.focus_field(index);
        let shown = app.keyboard().expect("the keyboard");
        assert!(shown.digits_only);
        assert_eq!(shown.mode, KeyboardMode::Digits);
    }

    /// On the status screen the same keys go to the receipt number, kept upper case, then to the check code.
    #[test]
    fn the_status_fields_take_the_same_keys() {
        let mut app = app();
        app.start_status();
        app.status_type_field(Field::ReceiptNo);
        let shown = app.keyboard().expect("the keyboard");
        assert_eq!(
            (shown.label.as_str(), shown.mode),
            ("受理编号", KeyboardMode::Digits)
        );
        for key in ["x", "x", "-", "1"] {
            app.keyboard_key(key);
        }
        assert_eq!(app.keyboard().expect("keyboard").value, "XX-1");
        app.status_type_field(Field::CheckCode);
        app.keyboard_key("k");
        assert_eq!(app.keyboard().expect("keyboard").label, "查询码");
        assert_eq!(app.status.typed_code.as_str(), "K");
        app.keyboard_close();
        assert_eq!(app.keyboard(), None);
        assert_eq!(
            app.status.typed, "XX-1",
            "closing the keyboard keeps what was typed"
        );
    }
}
