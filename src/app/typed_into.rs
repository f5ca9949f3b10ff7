//! Where typed text goes: the form, the postal address and the status screen's fields hold every change at once
//! (what the screen shows beside the keyboard, and what a look-up sends); technician mode takes what was typed
//! at 完成 (a device's address is tried only then), and its idle lock counts keys as touches.

use std::time::Instant;

use zeroize::Zeroizing;

use super::status::Field;
use super::typing::{Target, Typing};
use super::App;

impl App {
    /// The open field's text changed.
    pub(super) fn write_through(&mut self) {
        let Some(typing) = self.typing.as_ref() else {
            return;
        };
        let text = typing.entry.as_str();
        match &typing.target {
            Target::Form(key) => {
                let _ = self.session.set_field(key, text);
            }
            Target::Address => self.delivery.address = Zeroizing::new(text.to_string()),
            Target::ReceiptNo => self.status.set_text(Field::ReceiptNo, text),
            Target::CheckCode => self.status.set_text(Field::CheckCode, text),
            Target::StaffId => self.status.set_text(Field::StaffId, text),
            Target::StaffPin => self.status.set_text(Field::StaffPin, text),
            Target::RatingComment => {
                if let Some(rating) = self.rating.as_mut() {
                    rating.comment = Zeroizing::new(text.to_string());
                }
            }
            Target::Device(_) | Target::Setting(_) => {}
        }
    }

    /// 完成 closed `typing`: technician mode takes what was typed.
    pub(super) fn keyboard_closed(&mut self, typing: Typing) {
        if typing.target.is_technician() {
            self.technician_typed(&typing.target, typing.entry.as_str());
        }
    }

    /// A key on technician mode's keyboard keeps the mode open.
    pub(super) fn keyboard_touched(&mut self) {
        if let (Some(t), Some(true)) = (
            self.technician.as_mut(),
            self.typing.as_ref().map(|t| t.target.is_technician()),
        ) {
            t.last_touch = Instant::now();
        }
    }
}
