//! The check character of an 18-character ID number (GB 11643, ISO 7064 MOD 11-2).
//!
//! Resident cards, Hong Kong/Macau/Taiwan residence permits and the 2023 foreigner permanent residence card all
//! carry an 18-character number with this check character, so both the reader and the forms use it.

const WEIGHTS: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const CHECK_CHARS: &[u8; 11] = b"10X98765432";

/// The check character for the first 17 digits, or `None` when they are not 17 ASCII digits.
pub fn check_char(first17: &str) -> Option<char> {
    let bytes = first17.as_bytes();
    if bytes.len() != 17 || !bytes.iter().all(u8::is_ascii_digit) {
        return None;
    }
    let sum: u32 = bytes
        .iter()
        .zip(WEIGHTS)
        .map(|(b, w)| u32::from(b - b'0') * w)
        .sum();
    Some(char::from(CHECK_CHARS[(sum % 11) as usize]))
}

/// Whether `number` is 17 digits followed by the right check character (a lower-case `x` is accepted).
pub fn is_valid(number: &str) -> bool {
    if number.len() != 18 || !number.is_ascii() {
        return false;
    }
    let (body, check) = number.split_at(17);
    check_char(body).is_some_and(|expected| check.eq_ignore_ascii_case(&expected.to_string()))
}

/// The number with all but the first 4 and last 4 characters replaced by `*`, the most any screen or receipt
/// may show.
pub fn mask(number: &str) -> String {
    let chars: Vec<char> = number.chars().collect();
    if chars.len() <= 8 {
        return "*".repeat(chars.len());
    }
    let mut out = String::with_capacity(chars.len());
    out.extend(&chars[..4]);
    out.extend(std::iter::repeat_n('*', chars.len() - 8));
    out.extend(&chars[chars.len() - 4..]);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    // The worked example of GB 11643-1999, appendix: 11010519491231002X.
    #[test]
    fn standard_example_has_check_x() {
        assert_eq!(check_char("11010519491231002"), Some('X'));
        assert!(is_valid("11010519491231002X"));
        assert!(is_valid("11010519491231002x"));
    }

    #[test]
    fn wrong_check_digit_is_rejected() {
        assert!(!is_valid("110105194912310021"));
        assert!(!is_valid("11010519491231002"));
        assert!(!is_valid("1101051949123100２X"));
        assert_eq!(check_char("1101051949123100A"), None);
    }

    #[test]
    fn every_remainder_maps_to_its_check_char() {
        // Walk the last two body digits through 0..=9: the remainders cover all 11 values.
        let mut seen = std::collections::BTreeSet::new();
        for a in 0..10 {
            for b in 0..10 {
                let body = format!("110105194912310{a}{b}");
                let c = check_char(&body).unwrap();
                let full = format!("{body}{c}");
                assert!(is_valid(&full), "{full}");
                seen.insert(c);
            }
        }
        assert_eq!(seen.len(), 11);
    }

    #[test]
    fn mask_keeps_first_and_last_four() {
        assert_eq!(mask("11010519491231002X"), "1101**********002X");
        assert_eq!(mask("1234"), "****");
    }
}
