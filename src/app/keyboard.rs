//! The on-screen keyboard, one for every field that is typed: the form's fields and the delivery address
//! (pinyin, letters, digits), the status screen's receipt number, check code, staff id and PIN (letters, digits),
//! and technician mode's addresses and settings (letters, digits, symbols). Whatever is open, the keys go to it;
//! the keyboard shows which field it types into and what it holds so far.

pub use super::keyboard_mode::KeyboardMode;
use super::status::Field;
use super::technician::Editing;
use super::App;
use crate::session::Step;

/// The keyboard as it shows now.
#[derive(Clone, Debug, PartialEq, Eq)]
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

/// Which field the keys go to.
enum Typed {
    Technician,
    Status(Field),
    Text,
}

impl App {
    fn typed(&self) -> Option<Typed> {
        if let Some(t) = &self.technician {
            return t.editing.is_some().then_some(Typed::Technician);
        }
        if self.session.step() == Step::Status && self.status.typing != Field::None {
            return Some(Typed::Status(self.status.typing));
        }
        self.typing.field.is_some().then_some(Typed::Text)
    }

    /// The keyboard, while a field is being typed.
    pub fn keyboard(&self) -> Option<KeyboardView> {
        let view = match self.typed()? {
            Typed::Technician => {
                let t = self.technician.as_ref()?;
                let (label, secret) = match t.editing? {
                    Editing::Device(_) => ("设备地址", false),
                    Editing::Setting(i) => t
                        .settings
                        .get(i)
                        .map_or(("", false), |st| (st.label, st.secret)),
                };
                KeyboardView {
                    label: label.into(),
                    // A secret being typed shows as dots, one a character, so the technician sees how many.
                    value: if secret {
                        "●".repeat(t.editing_value.chars().count())
                    } else {
                        t.editing_value.clone()
                    },
                    mode: t.mode,
                    composing: String::new(),
                    candidates: Vec::new(),
                    digits_only: false,
                    symbols: true,
                }
            }
            Typed::Status(field) => {
                let form = self.status.staff_form.as_ref();
                let (label, value) = match field {
                    Field::ReceiptNo => ("受理编号", self.status.typed.clone()),
                    Field::CheckCode => ("查询码", self.status.typed_code.to_string()),
                    Field::StaffId => {
                        ("工号", form.map(|f| f.staff_id.clone()).unwrap_or_default())
                    }
                    Field::StaffPin | Field::None => (
                        "密码",
                        "●".repeat(form.map_or(0, |f| f.pin.chars().count())),
                    ),
                };
                KeyboardView {
                    label: label.into(),
                    value,
                    mode: self.status.mode,
                    composing: String::new(),
                    candidates: Vec::new(),
                    digits_only: field == Field::StaffPin,
                    symbols: false,
                }
            }
            Typed::Text => {
                let key = self.typing.field.as_deref()?;
                let (label, value, digits_only) = if self.session.step() == Step::Delivery {
                    ("邮寄地址".to_string(), self.delivery.address.clone(), false)
                } else {
                    let fields = self.session.fields();
                    let field = fields.iter().find(|f| f.key == key)?;
                    (
                        field.label.clone(),
                        super::text_entry::shown_value(field, self.session.form().get(key)),
                        super::text_entry::digits_only(field.kind),
                    )
                };
                KeyboardView {
                    label,
                    value,
                    mode: self.typing.mode,
                    composing: self.typing.composing.clone(),
                    candidates: self
                        .typing
                        .candidates
                        .iter()
                        .map(|c| c.text.clone())
                        .collect(),
                    digits_only,
                    symbols: false,
                }
            }
        };
        Some(view)
    }

    /// A key pressed.
    pub fn keyboard_key(&mut self, key: &str) {
        match self.typed() {
            Some(Typed::Technician) => self.technician_key(key),
            Some(Typed::Status(_)) => self.status_key(key),
            Some(Typed::Text) => self.type_key(key),
            None => {}
        }
    }

    /// 删除.
    pub fn keyboard_backspace(&mut self) {
        match self.typed() {
            Some(Typed::Technician) => self.technician_backspace(),
            Some(Typed::Status(_)) => self.status_backspace(),
            Some(Typed::Text) => self.type_backspace(),
            None => {}
        }
    }

    /// A pinyin candidate chosen.
    pub fn keyboard_pick(&mut self, index: usize) {
        if let Some(Typed::Text) = self.typed() {
            self.pick_candidate(index)
        }
    }

    /// 拼音 · 英文 · 数字 · 符号.
    pub fn keyboard_set_mode(&mut self, mode: KeyboardMode) {
        match self.typed() {
            Some(Typed::Technician) => self.technician_set_mode(mode),
            Some(Typed::Status(_)) => self.status_set_mode(mode),
            Some(Typed::Text) => self.set_keyboard_mode(mode),
            None => {}
        }
    }

    /// 完成.
    pub fn keyboard_close(&mut self) {
        match self.typed() {
            Some(Typed::Technician) => self.technician_close_keyboard(),
            Some(Typed::Status(_)) => self.status_close_keyboard(),
            Some(Typed::Text) => self.close_keyboard(),
            None => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::app::test_support::{app, app_on_the_form};
    use crate::catalog::FieldKind;

    fn field_of(app: &App, kind: FieldKind) -> (usize, String) {
        app.session
            .fields()
            .iter()
            .enumerate()
            .find(|(_, f)| f.kind == kind && !crate::app::text_entry::from_card(f))
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
