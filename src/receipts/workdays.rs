//! Deadlines in working days (容缺 materials are brought within N working days).

use chrono::{Datelike, Days, NaiveDate, Weekday};

/// The date `days` working days after `from`, counting Monday to Friday. Public holidays and the weekend days
/// worked in their place are set by the State Council each year and are not known to the kiosk, so a deadline
/// that falls near a holiday is later in practice, never earlier.
pub fn add_working_days(from: NaiveDate, days: u32) -> NaiveDate {
    let mut date = from;
    let mut left = days;
    while left > 0 {
        date = date.checked_add_days(Days::new(1)).unwrap_or(date);
        if !matches!(date.weekday(), Weekday::Sat | Weekday::Sun) {
            left -= 1;
        }
    }
    date
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn weekends_are_skipped() {
        // 2026-11-27 is a Friday.
        assert_eq!(add_working_days(d(2026, 11, 27), 1), d(2026, 11, 30));
        assert_eq!(add_working_days(d(2026, 11, 28), 1), d(2026, 11, 30));
        assert_eq!(add_working_days(d(2026, 11, 23), 5), d(2026, 11, 30));
        assert_eq!(add_working_days(d(2026, 11, 23), 0), d(2026, 11, 23));
    }
}
