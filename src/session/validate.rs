//! Checks of what applicants type, with messages in plain Chinese that say how to put it right.

/// A mainland mobile number (11 digits, 13x–19x) or a landline with its area code (`0371-12345678`).
pub fn phone(value: &str) -> Result<(), &'static str> {
    let v = value.trim();
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    let mobile =
        v.len() == 11 && digits(v) && v.starts_with('1') && matches!(v.as_bytes()[1], b'3'..=b'9');
    let landline = match v.split_once('-') {
        Some((area, number)) => {
            area.starts_with('0')
                && (3..=4).contains(&area.len())
                && digits(area)
                && digits(number)
                && (7..=8).contains(&number.len())
        }
        None => v.starts_with('0') && digits(v) && (10..=12).contains(&v.len()),
    };
    if mobile || landline {
        Ok(())
    } else {
        Err("请输入11位手机号码，或带区号的固定电话号码")
    }
}

/// An 18-character ID number: 17 digits, a real birth date, and the MOD 11-2 check character.
pub fn id_number(value: &str) -> Result<(), &'static str> {
    let v = value.trim();
    if v.chars().count() != 18 {
        return Err("身份证号码应为18位");
    }
    let (body, check) = v.split_at(17);
    if !body.bytes().all(|b| b.is_ascii_digit())
        || !check
            .chars()
            .all(|c| c.is_ascii_digit() || c == 'X' || c == 'x')
    {
        return Err("身份证号码前17位应为数字，最后一位为数字或X");
    }
    if !is_real_date(&body[6..14]) {
        return Err("身份证号码中的出生日期不正确，请核对");
    }
    if !drivers::id_number::is_valid(v) {
        return Err("身份证号码校验位不正确，请逐位核对");
    }
    Ok(())
}

/// `YYYYMMDD` naming a day that exists.
fn is_real_date(yyyymmdd: &str) -> bool {
    let num = |r: std::ops::Range<usize>| yyyymmdd.get(r).and_then(|s| s.parse::<u32>().ok());
    let (Some(year), Some(month), Some(day)) = (num(0..4), num(4..6), num(6..8)) else {
        return false;
    };
    let leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
    let days_in_month = match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if leap => 29,
        2 => 28,
        _ => return false,
    };
    (1900..=2100).contains(&year) && (1..=days_in_month).contains(&day)
}

/// A date written `YYYY-MM-DD` that exists.
pub fn date(value: &str) -> Result<(), &'static str> {
    let v = value.trim();
    let parts: Vec<&str> = v.split('-').collect();
    let well_formed = parts.len() == 3
        && parts
            .iter()
            .zip([4, 2, 2])
            .all(|(p, n)| p.len() == n && p.bytes().all(|b| b.is_ascii_digit()));
    if well_formed && is_real_date(&parts.concat()) {
        Ok(())
    } else {
        Err("请按“年-月-日”填写日期，如 2026-01-31")
    }
}

/// The characters a unified social credit code may use (GB 32100: no I, O, S, V, Z).
const CREDIT_CODE_CHARS: &str = "0123456789ABCDEFGHJKLMNPQRTUWXY";
const CREDIT_CODE_WEIGHTS: [u32; 17] = [
    1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28,
];

/// The GB 32100 check character for the first 17 characters of a unified social credit code.
pub fn credit_code_check_char(first17: &str) -> Option<char> {
    if first17.chars().count() != 17 {
        return None;
    }
    let mut sum = 0;
    for (c, weight) in first17.chars().zip(CREDIT_CODE_WEIGHTS) {
        sum += CREDIT_CODE_CHARS.find(c)? as u32 * weight;
    }
    CREDIT_CODE_CHARS
        .chars()
        .nth(((31 - sum % 31) % 31) as usize)
}

/// An 18-character unified social credit code (统一社会信用代码) with the right check character.
pub fn credit_code(value: &str) -> Result<(), &'static str> {
    let v = value.trim().to_ascii_uppercase();
    if v.chars().count() != 18 {
        return Err("统一社会信用代码应为18位");
    }
    if !v.chars().all(|c| CREDIT_CODE_CHARS.contains(c)) {
        return Err("统一社会信用代码只含数字和大写字母（不含I、O、S、V、Z）");
    }
    if !v[2..8].bytes().all(|b| b.is_ascii_digit()) {
        return Err("统一社会信用代码第3至8位应为行政区划代码（数字）");
    }
    let (body, check) = v.split_at(17);
    if credit_code_check_char(body).map(String::from).as_deref() != Some(check) {
        return Err("统一社会信用代码校验位不正确，请逐位核对");
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mobile_and_landline_numbers() {
        assert!(phone("13800138000").is_ok());
        assert!(phone(" 19912345678 ").is_ok());
        assert!(phone("0377-69661234").is_ok());
        assert!(phone("037769661234").is_ok());
        assert!(phone("010-1234567").is_ok());
        assert!(phone("12800138000").is_err(), "no 12x mobile numbers");
        assert!(phone("1380013800").is_err(), "10 digits");
        assert!(phone("138001380001").is_err(), "12 digits");
        assert!(phone("1380013800a").is_err());
        assert!(phone("").is_err());
        assert!(phone("0377-123").is_err());
        assert_eq!(
            phone("abc"),
            Err("请输入11位手机号码，或带区号的固定电话号码")
        );
    }

    #[test]
    fn id_numbers() {
        assert!(id_number("11010519491231002X").is_ok());
        assert!(id_number("11010519491231002x").is_ok());
        assert_eq!(id_number("1101051949123100"), Err("身份证号码应为18位"));
        assert_eq!(
            id_number("11010519491231002Y"),
            Err("身份证号码前17位应为数字，最后一位为数字或X")
        );
        assert_eq!(
            id_number("110105194912310021"),
            Err("身份证号码校验位不正确，请逐位核对")
        );
        // 1949-02-30 does not exist; the check character is right for the digits, the date is not.
        let body = "11010519490230002";
        let full = format!("{body}{}", drivers::id_number::check_char(body).unwrap());
        assert_eq!(
            id_number(&full),
            Err("身份证号码中的出生日期不正确，请核对")
        );
    }

    #[test]
    fn dates() {
        assert!(date("2026-01-31").is_ok());
        assert!(date("2026-02-30").is_err());
        assert!(date("2026-1-31").is_err());
        assert!(date("2026/01/31").is_err());
    }

    #[test]
    fn leap_days() {
        assert!(is_real_date("20000229"));
        assert!(!is_real_date("19000229"));
        assert!(is_real_date("20240229"));
        assert!(!is_real_date("20231301"));
    }

    #[test]
    fn credit_codes() {
        // A code whose check character is computed here, and the widely published sample 91350100M000100Y43.
        let body = "91410323MA9F12345";
        let full = format!("{body}{}", credit_code_check_char(body).unwrap());
        assert!(credit_code(&full).is_ok(), "{full}");
        assert!(credit_code("91350100M000100Y43").is_ok());
        assert!(
            credit_code("91350100m000100y43").is_ok(),
            "lower case is accepted and upper-cased"
        );
        assert_eq!(
            credit_code("91350100M000100Y44"),
            Err("统一社会信用代码校验位不正确，请逐位核对")
        );
        assert_eq!(
            credit_code("91350100M000100Y4"),
            Err("统一社会信用代码应为18位")
        );
        assert_eq!(
            credit_code("91350100M000100I43"),
            Err("统一社会信用代码只含数字和大写字母（不含I、O、S、V、Z）")
        );
        assert_eq!(
            credit_code("913A0100M000100Y43"),
            Err("统一社会信用代码第3至8位应为行政区划代码（数字）")
        );
    }
}
