//! The field open on the on-screen keyboard: which one it is, its text under that field's rule, the layout, and
//! in pinyin the letters not yet turned into characters. The screens that have fields (the form, the delivery
//! address, the status screen, technician mode) open one here with how it shows; the keys are `keyboard`'s.

use super::keyboard_mode::KeyboardMode;
use super::text_entry::{Accepts, TextEntry};
use super::App;
use crate::ime::Candidate;

/// The field the keys go to.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Target {
    /// A form field, by its key.
    Form(String),
    /// The delivery screen's postal address.
    Address,
    /// The status screen's receipt number and check code.
    ReceiptNo,
    CheckCode,
    /// The staff sign-in's id and PIN.
    StaffId,
    StaffPin,
    /// Technician mode: a device's address, by its place in the list, or a setting, by its place.
    Device(usize),
    Setting(usize),
    /// The comment under a 差评.
    RatingComment,
}

/// The longest text each kind of field takes, in characters.
const FORM_LIMIT: usize = 1000;
const ADDRESS_LIMIT: usize = 200;
const RECEIPT_NO_LIMIT: usize = 40;
const STAFF_ID_LIMIT: usize = 20;
pub const PIN_LIMIT: usize = 12;
const TECHNICIAN_LIMIT: usize = 200;

impl Target {
    /// An empty entry under this field's rule.
    fn entry(&self) -> TextEntry {
        match self {
            Target::Form(_) => TextEntry::new(Accepts::Any, FORM_LIMIT),
            Target::Address => TextEntry::new(Accepts::Any, ADDRESS_LIMIT),
            Target::ReceiptNo => TextEntry::new(Accepts::ReceiptNo, RECEIPT_NO_LIMIT),
            Target::CheckCode => TextEntry::new(Accepts::Code, crate::package::check_code::LENGTH),
            Target::StaffId => TextEntry::new(Accepts::Code, STAFF_ID_LIMIT),
            Target::StaffPin => TextEntry::new(Accepts::Digits, PIN_LIMIT),
            Target::Device(_) | Target::Setting(_) => {
                TextEntry::new(Accepts::Any, TECHNICIAN_LIMIT)
            }
            Target::RatingComment => TextEntry::new(Accepts::Any, crate::evaluation::COMMENT_LIMIT),
        }
    }

    /// Technician mode's fields, which take what was typed at 完成 only.
    pub fn is_technician(&self) -> bool {
        matches!(self, Target::Device(_) | Target::Setting(_))
    }

    fn is_status(&self) -> bool {
        matches!(
            self,
            Target::ReceiptNo | Target::CheckCode | Target::StaffId | Target::StaffPin
        )
    }

    /// The layout shown when `wanted` is asked for, or none when this field keeps the one it has: the form and
    /// the address offer no symbols; the status fields only letters and digits (their pinyin key means letters);
    /// technicians type no Chinese.
    pub(super) fn layout_for(&self, wanted: KeyboardMode) -> Option<KeyboardMode> {
        match (self, wanted) {
            (Target::Form(_) | Target::Address, KeyboardMode::Symbols) => None,
            (t, KeyboardMode::Digits) if t.is_status() => Some(KeyboardMode::Digits),
            (t, _) if t.is_status() => Some(KeyboardMode::Letters),
            (t, KeyboardMode::Pinyin) if t.is_technician() => None,
            (_, mode) => Some(mode),
        }
    }

    /// Letters typed on the letter layout become capitals (credit codes, plate numbers on the form).
    pub(super) fn capital_letters(&self) -> bool {
        matches!(self, Target::Form(_) | Target::Address)
    }
}

/// How the open field shows on the keyboard, as the screen that opened it says.
#[derive(Clone, Debug, Default)]
pub struct Shown {
    pub label: String,
    /// A secret or a PIN: dots, one a character.
    pub secret: bool,
    /// An ID number: never whole.
    pub id_number: bool,
    /// The number pad alone.
    pub digits_only: bool,
}

/// The field open on the keyboard.
pub struct Typing {
    pub target: Target,
    pub(super) shown: Shown,
    pub(super) entry: TextEntry,
    pub mode: KeyboardMode,
    pub(super) composing: String,
    pub(super) candidates: Vec<Candidate>,
}

impl Drop for Typing {
    fn drop(&mut self) {
        // Pinyin letters spell what is typed (a name, an address) as much as the characters do.
        zeroize::Zeroize::zeroize(&mut self.composing);
        for candidate in &mut self.candidates {
            zeroize::Zeroize::zeroize(&mut candidate.text);
        }
    }
}

impl Typing {
    /// What was typed, as the field holds it.
    pub fn text(&self) -> &str {
        self.entry.as_str()
    }

    pub fn composing(&self) -> &str {
        &self.composing
    }
}

impl App {
    /// `target` opens on the keyboard, holding `text`, on the `mode` layout, shown as `shown` says.
    pub(super) fn open_keyboard(
        &mut self,
        target: Target,
        text: &str,
        mode: KeyboardMode,
        shown: Shown,
    ) {
        self.typing = Some(Typing {
            entry: target.entry().holding(text),
            target,
            shown,
            mode,
            composing: String::new(),
            candidates: Vec::new(),
        });
    }
}
