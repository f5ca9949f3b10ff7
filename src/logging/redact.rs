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
    "check_code",
    "token",
    "secret",
    "password",
    // Contract 1.1: a face picture, a licence (its number), what shared data holds of a company.
    "face",
    "licence",
    "license",
    "credit_code",
    "org_name",
    "representative",
    "shared",
    // 好差评: what an applicant typed about the service may name anyone.
    "comment",
];

/// Words that make a field personal when they are a whole part of its name (`pin`, `staff_pin`, not `mapping`).
const PERSONAL_WORDS: &[&str] = &["pin"];

/// What a personal value is replaced with.
pub const HIDDEN: &str = "[已隐去]";

fn is_personal_field(name: &str) -> bool {
    let name = name.to_ascii_lowercase();
    // `message` is the event's text: it is scanned, not dropped. `file_name`-like fields are not names of people.
    name != "message"
        && !name.ends_with("file_name")
        && !name.ends_with("filename")
        && (PERSONAL_FIELDS.iter().any(|p| name.contains(p))
            || name.split('_').any(|part| PERSONAL_WORDS.contains(&part)))
}

/// A digit, ASCII or full width (as pasted from a Chinese document).
fn digit(c: char) -> Option<u8> {
    match c {
        '0'..='9' => Some(c as u8 - b'0'),
        '０'..='９' => Some((c as u32 - '０' as u32) as u8),
        _ => None,
    }
}

fn is_x(c: char) -> bool {
    matches!(c, 'X' | 'x' | 'Ｘ' | 'ｘ')
}

/// What may stand between the groups of a number written for reading: a space or a dash (also full width), or
/// the bracket after a country code.
fn is_separator(c: char) -> bool {
    matches!(c, ' ' | '-' | '\u{3000}' | '－' | ')' | '）')
}

/// A run of digits starting at `chars[start]`: (end, digits, ends with X).
fn digit_run(chars: &[char], start: usize) -> (usize, String, bool) {
    let mut i = start;
    let mut digits = String::new();
    while let Some(d) = chars.get(i).copied().and_then(digit) {
        digits.push((b'0' + d) as char);
        i += 1;
    }
    // An 18-character ID number may end in X (also glued to other digits).
    let x = digits.len() >= 3 && chars.get(i).is_some_and(|c| is_x(*c));
    if x {
        i += 1;
    }
    (i, digits, x)
}

fn is_mobile(digits: &str) -> bool {
    digits.len() == 11 && digits.starts_with('1') && matches!(digits.as_bytes()[1], b'3'..=b'9')
}

/// Whether digit groups of these lengths (joined: `digits`, X at the end when `x`) are an ID or mobile number as
/// people write them: whole (18, 17 and X, 15, 11), 6-8-4, 6-4-4-4 or 6-6-3 for ID numbers, 3-4-4 for mobiles,
/// and a mobile after the country code 86 or 0086.
fn is_personal(groups: &[usize], digits: &str, x: bool) -> bool {
    let id18 = digits.len() == 18 || (digits.len() == 17 && x);
    let id15 = digits.len() == 15 && !x;
    let mobile = !x && is_mobile(digits);
    let after_country_code = |prefix: &str| {
        digits
            .strip_prefix(prefix)
            .is_some_and(|rest| !x && is_mobile(rest))
    };
    match groups {
        [_] => {
            id18 || id15
                || mobile
                || digits.len() > 18
                || after_country_code("86")
                || after_country_code("0086")
        }
        [6, 8, 4] | [6, 4, 4, 4] => id18,
        [6, 8, 3] | [6, 4, 4, 3] => id18 && x,
        [6, 6, 3] => id15,
        [3, 4, 4] => mobile,
        [2, 11] | [2, 3, 4, 4] => after_country_code("86"),
        [4, 11] | [4, 3, 4, 4] => after_country_code("0086"),
        _ => false,
    }
}

/// Replaces ID numbers, mobile numbers (see [`scrub_numbers`]) and unified social credit codes inside `text`.
pub fn scrub(text: &str) -> String {
    scrub_credit_codes(&scrub_numbers(text))
}

/// Replaces each unified social credit code (GB 32100: 18 characters, the last its check character) that stands
/// as a word of its own: a company's code says whose application it is as surely as a person's ID number.
fn scrub_credit_codes(text: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    while i < chars.len() {
        let end = (i..chars.len())
            .find(|&j| !chars[j].is_ascii_alphanumeric())
            .unwrap_or(chars.len());
        if end == i {
            out.push(chars[i]);
            i += 1;
            continue;
        }
        let word: String = chars[i..end].iter().collect();
        let upper = word.to_ascii_uppercase();
        let code = upper.len() == 18
            && crate::session::validate::credit_code_check_char(&upper[..17])
                .is_some_and(|c| upper.ends_with(c));
        out.push_str(if code { HIDDEN } else { &word });
        i = end;
    }
    out
}

/// Replaces ID numbers (18 characters: 17 digits and a digit or X; or 15 digits) and mainland mobile numbers (11
/// digits starting 1[3-9]) inside `text`: written whole or in the groups people write them in (spaces or dashes),
/// in full-width digits, with +86 in front. Only whole runs of digits are considered, so a receipt number's date
/// (8 digits) or sequence stays.
fn scrub_numbers(text: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    while i < chars.len() {
        if digit(chars[i]).is_none() {
            out.push(chars[i]);
            i += 1;
            continue;
        }
        // The groups that follow one another with one separator between them.
        let mut groups: Vec<(usize, String, bool)> = vec![digit_run(&chars, i)];
        loop {
            let (end, _, x) = groups[groups.len() - 1];
            let next = end + 1;
            let separated = chars.get(end).is_some_and(|c| is_separator(*c));
            let continues = chars.get(next).is_some_and(|c| digit(*c).is_some());
            if x || !separated || !continues {
                break;
            }
            groups.push(digit_run(&chars, next));
        }
        // The longest run of groups that is a personal number, from this group on.
        let found = (1..=groups.len()).rev().find(|&k| {
            let lengths: Vec<usize> = groups[..k].iter().map(|g| g.1.len()).collect();
            let digits: String = groups[..k].iter().map(|g| g.1.as_str()).collect();
            is_personal(&lengths, &digits, groups[k - 1].2)
        });
        match found {
            Some(k) => {
                // A `+` before a country code goes with it.
                if out.ends_with('+') {
                    out.pop();
                }
                out.push_str(HIDDEN);
                i = groups[k - 1].0;
            }
            None => {
                let (end, _, _) = groups[0];
                out.extend(&chars[i..end]);
                i = end;
            }
        }
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
        // A company's unified social credit code, as a word of its own (and only one with its check character).
        assert_eq!(
            scrub("licence 91411323MA9LMGLM0L checked"),
            format!("licence {HIDDEN} checked")
        );
        assert_eq!(
            scrub("91411323MA9LMGLM0A"),
            "91411323MA9LMGLM0A",
            "not a valid code"
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

    /// Review finding: ID and mobile numbers written with spaces or dashes, in full-width digits, or with +86 went
    /// into the log as they were.
    #[test]
    fn log_redaction_covers_spaced_full_width_and_prefixed_numbers() {
        for (written, kept_around) in [
            ("证件 110105 19491231 002X 已读", ("证件 ", " 已读")),
            ("id 110105-19491231-002x.", ("id ", ".")),
            ("证件１１０１０５１９４９１２３１００２Ｘ", ("证件", "")),
            ("证件１１０１０５１９４９１２３１００２ｘ", ("证件", "")),
            ("old 110105 491231 002", ("old ", "")),
            ("tel +86 138 0013 8000", ("tel ", "")),
            ("tel +8613800138000!", ("tel ", "!")),
            ("tel 86-138-0013-8000", ("tel ", "")),
            ("tel (+86)13800138000", ("tel (", "")),
            ("tel 138 0013 8000", ("tel ", "")),
            ("tel １３８００１３８０００", ("tel ", "")),
        ] {
            let out = scrub(written);
            assert!(out.contains(HIDDEN), "{written} -> {out}");
            assert!(
                out.starts_with(kept_around.0) && out.ends_with(kept_around.1),
                "{written} -> {out}"
            );
            for digits in ["0013", "1231", "１２３１", "８０００"] {
                assert!(!out.contains(digits), "{written} -> {out}");
            }
        }
        // Receipt numbers, times and sizes keep their digits.
        for kept in [
            "XX-KIOSK-01-20261128-0007 2026-11-28 10:15:00",
            "sent 4 files 1024 bytes in 250 ms",
            "port 8700, pid 4242",
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
            "check_code",
            "staff_token",
            "pin",
            "secret",
            "face_jpeg",
            "licence_number",
            "credit_code",
            "org_name",
            "legal_representative",
            "shared_value",
            "comment",
        ] {
            assert!(is_personal_field(name), "{name}");
        }
        for name in [
            "message",
            "mapping",
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
