//! What keeps personal data out of the log: every field of every event is formatted through [`RedactingFields`],
//! which replaces the value of a field whose name says it is personal, and any ID number or mobile number found
//! in any value or message, before a byte is written. A careless `info!(phone = %p)` or a message built with an
//! ID number in it still logs nothing personal.

use std::fmt::{self, Write as _};

use tracing::field::{Field, Visit};
use tracing_subscriber::field::RecordFields;
use tracing_subscriber::fmt::format::Writer;
use tracing_subscriber::fmt::FormatFields;

/// Field names (or parts of them) whose values are personal whatever they hold.
const PERSONAL_FIELDS: &[&str] = &[
    "name",
    "id_number",
    "idnumber",
    "id_no",
    "phone",
    "mobile",
    "address",
    "photo",
    "identity",
    "applicant",
    "birth",
    "signature",
];

/// What a personal value is replaced with.
pub const HIDDEN: &str = "[已隐去]";

fn is_personal_field(name: &str) -> bool {
    let name = name.to_ascii_lowercase();
    // `message` is the event's text: it is scanned, not dropped. `file_name`-like fields are not names of people.
    name != "message"
        && !name.ends_with("file_name")
        && !name.ends_with("filename")
        && PERSONAL_FIELDS.iter().any(|p| name.contains(p))
}

/// Replaces ID numbers (18 characters: 17 digits and a digit or X; or 15 digits) and mainland mobile numbers (11
/// digits starting 1[3-9]) inside `text`. Only whole runs of digits are considered, so a receipt number's date
/// (8 digits) or sequence stays.
pub fn scrub(text: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    while i < chars.len() {
        if !chars[i].is_ascii_digit() {
            out.push(chars[i]);
            i += 1;
            continue;
        }
        let start = i;
        while i < chars.len() && chars[i].is_ascii_digit() {
            i += 1;
        }
        let mut end = i;
        // An 18-character ID number may end in X (also when glued to other digits).
        if end - start >= 17 && matches!(chars.get(end), Some('X' | 'x')) {
            end += 1;
        }
        let run: String = chars[start..end].iter().collect();
        let digits = run.len();
        let is_id = digits == 18 || digits == 15;
        let is_mobile =
            digits == 11 && run.starts_with('1') && matches!(run.as_bytes()[1], b'3'..=b'9');
        // Longer runs hold one of them glued to other digits: hide those too.
        if is_id || is_mobile || digits > 18 {
            out.push_str(HIDDEN);
        } else {
            out.push_str(&run);
        }
        i = end;
    }
    out
}

/// Formats fields as `name=value`, redacted.
#[derive(Clone, Copy, Debug, Default)]
pub struct RedactingFields;

struct Visitor<'a> {
    out: String,
    writer: &'a mut dyn fmt::Write,
    result: fmt::Result,
}

impl Visitor<'_> {
    fn put(&mut self, field: &Field, value: &str) {
        let value = if is_personal_field(field.name()) {
            HIDDEN.to_string()
        } else {
            scrub(value)
        };
        self.out.clear();
        if field.name() == "message" {
            self.out.push_str(&value);
        } else {
            let _ = write!(self.out, "{}={}", field.name(), value);
        }
        if self.result.is_ok() {
            self.result = self
                .writer
                .write_str(" ")
                .and_then(|_| self.writer.write_str(&self.out));
        }
    }
}

impl Visit for Visitor<'_> {
    fn record_str(&mut self, field: &Field, value: &str) {
        self.put(field, value);
    }

    fn record_debug(&mut self, field: &Field, value: &dyn fmt::Debug) {
        self.put(field, &format!("{value:?}"));
    }

    fn record_error(&mut self, field: &Field, value: &(dyn std::error::Error + 'static)) {
        self.put(field, &value.to_string());
    }
}

impl<'writer> FormatFields<'writer> for RedactingFields {
    fn format_fields<R: RecordFields>(
        &self,
        mut writer: Writer<'writer>,
        fields: R,
    ) -> fmt::Result {
        let mut visitor = Visitor {
            out: String::new(),
            writer: &mut writer,
            result: Ok(()),
        };
        fields.record(&mut visitor);
        visitor.result
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn id_and_mobile_numbers_are_scrubbed_wherever_they_are() {
        assert_eq!(
            scrub("证件 11010519491231002X 已读"),
            format!("证件 {HIDDEN} 已读")
        );
        assert_eq!(scrub("id=11010519491231002x,"), format!("id={HIDDEN},"));
        assert_eq!(scrub("tel 13800138000"), format!("tel {HIDDEN}"));
        assert_eq!(
            scrub("old card 110105491231002"),
            format!("old card {HIDDEN}")
        );
        assert_eq!(
            scrub("glued 1380013800011010519491231002X"),
            format!("glued {HIDDEN}")
        );
        // What is not personal stays readable.
        for kept in [
            "XX-KIOSK-01-20261128-0007",
            "sent 12345678 bytes",
            "12345 hotline",
            "status 503 after 10000 ms",
            "",
        ] {
            assert_eq!(scrub(kept), kept);
        }
    }

    #[test]
    fn personal_field_names() {
        for name in [
            "name",
            "applicant_name",
            "id_number",
            "phone",
            "applicant_phone",
            "address",
            "photo",
        ] {
            assert!(is_personal_field(name), "{name}");
        }
        for name in [
            "message",
            "receipt_no",
            "package_id",
            "device",
            "error",
            "file_name",
        ] {
            assert!(!is_personal_field(name), "{name}");
        }
    }
}
