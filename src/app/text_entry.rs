//! One line of text typed on the on-screen keyboard, whichever field it is. What a field may hold (which
//! characters, how many) is its rule, kept with the text, so no screen keeps a buffer and a check of its own. The
//! text is zeroed when dropped: it may be a PIN, a secret or an applicant's address.

use zeroize::Zeroizing;

/// Which characters a field takes. A key outside them is ignored whole.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Accepts {
    /// Whatever the keyboard types, control characters aside (the form, the postal address, technicians'
    /// settings).
    Any,
    /// Digits alone (a PIN).
    Digits,
    /// ASCII letters and digits, kept upper case (a check code, a staff id).
    Code,
    /// ASCII letters, digits and hyphens, kept upper case (a receipt number).
    ReceiptNo,
}

impl Accepts {
    /// `text` as the field keeps it, or `None` when the field does not take it.
    fn admit(self, text: &str) -> Option<String> {
        let taken = match self {
            Accepts::Any => !text.chars().any(char::is_control),
            Accepts::Digits => text.chars().all(|c| c.is_ascii_digit()),
            Accepts::Code => text.chars().all(|c| c.is_ascii_alphanumeric()),
            Accepts::ReceiptNo => text.chars().all(|c| c.is_ascii_alphanumeric() || c == '-'),
        };
        taken.then(|| match self {
            Accepts::Any | Accepts::Digits => text.to_string(),
            Accepts::Code | Accepts::ReceiptNo => text.to_ascii_uppercase(),
        })
    }
}

/// A field's text under its rule.
pub struct TextEntry {
    text: Zeroizing<String>,
    accepts: Accepts,
    /// The most characters it holds.
    limit: usize,
}

impl TextEntry {
    pub fn new(accepts: Accepts, limit: usize) -> TextEntry {
        TextEntry {
            text: Zeroizing::new(String::new()),
            accepts,
            limit,
        }
    }

    /// The entry starting from what the field holds already (cut at the limit).
    pub fn holding(mut self, text: &str) -> TextEntry {
        self.text.clear();
        self.text.extend(text.chars().take(self.limit));
        self
    }

    /// A key (or a chosen word) typed: taken whole when the rule allows it and it fits, else ignored. True when
    /// the text changed.
    pub fn type_text(&mut self, text: &str) -> bool {
        let Some(text) = self.accepts.admit(text) else {
            return false;
        };
        if text.is_empty() || self.char_count() + text.chars().count() > self.limit {
            return false;
        }
        self.text.push_str(&text);
        true
    }

    /// 删除: the last character. True when there was one.
    pub fn backspace(&mut self) -> bool {
        self.text.pop().is_some()
    }

    pub fn as_str(&self) -> &str {
        &self.text
    }

    pub fn is_empty(&self) -> bool {
        self.text.is_empty()
    }

    pub fn char_count(&self) -> usize {
        self.text.chars().count()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A code field keeps letters and digits upper case and ignores anything else whole.
    #[test]
    fn a_code_takes_letters_and_digits_upper_case() {
        let mut code = TextEntry::new(Accepts::Code, 8);
        assert!(code.type_text("k"));
        assert!(code.type_text("7"));
        assert!(!code.type_text("-"), "a hyphen is not part of a code");
        assert!(!code.type_text("好"));
        assert_eq!(code.as_str(), "K7");
    }

    /// A receipt number takes hyphens too; a key that would pass the limit is not taken in part.
    #[test]
    fn nothing_goes_past_the_limit() {
        let mut no = TextEntry::new(Accepts::ReceiptNo, 5);
        for key in ["x", "x", "-", "1"] {
            assert!(no.type_text(key));
        }
        assert!(!no.type_text("23"), "two characters where one fits");
        assert!(no.type_text("2"));
        assert!(!no.type_text("3"));
        assert_eq!(no.as_str(), "XX-12");
        assert_eq!(no.char_count(), 5);
    }

    /// A PIN takes digits alone; the limit counts characters, so Chinese text is not cut short by its bytes.
    #[test]
    fn digits_and_characters_are_counted_as_characters() {
        let mut pin = TextEntry::new(Accepts::Digits, 12);
        assert!(!pin.type_text("a"));
        assert!(pin.type_text("2468"));
        assert!(pin.backspace());
        assert_eq!(pin.as_str(), "246");

        let mut name = TextEntry::new(Accepts::Any, 3).holding("老马拉面馆");
        assert_eq!(name.as_str(), "老马拉", "what it held is cut at the limit");
        assert!(!name.type_text("面"));
        assert!(name.backspace());
        assert!(name.type_text("面"));
        assert_eq!(name.as_str(), "老马面");
        assert!(!name.type_text("\n"), "no control characters");
    }

    #[test]
    fn backspace_on_nothing_changes_nothing() {
        let mut empty = TextEntry::new(Accepts::Any, 10);
        assert!(!empty.backspace());
        assert!(empty.is_empty());
    }
}
