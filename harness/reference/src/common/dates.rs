//! Calendar dates as the interfaces use them: strict `YYYY-MM-DD`, "today"
//! for stamping, and the lenient "future" test (later than today in UTC+14,
//! so no time zone makes a valid date look future).

use time::format_description::well_known::Rfc3339;
use time::{Date, Duration, Month, OffsetDateTime};

/// Parses a strict `YYYY-MM-DD` calendar date.
pub fn parse_date(s: &str) -> Option<Date> {
    let b = s.as_bytes();
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
        return None;
    }
    let digits = |r: std::ops::Range<usize>| -> Option<u32> {
        let part = s.get(r)?;
        if !part.bytes().all(|c| c.is_ascii_digit()) {
            return None;
        }
        part.parse().ok()
    };
    let year = digits(0..4)?;
    let month = digits(5..7)?;
    let day = digits(8..10)?;
    if year == 0 {
        return None;
    }
    let month = Month::try_from(u8::try_from(month).ok()?).ok()?;
    Date::from_calendar_date(i32::try_from(year).ok()?, month, u8::try_from(day).ok()?).ok()
}

pub fn format_date(d: Date) -> String {
    format!("{:04}-{:02}-{:02}", d.year(), u8::from(d.month()), d.day())
}

/// Today's date in UTC, used to stamp Anmeldedatum and Abmeldedatum.
pub fn today() -> Date {
    OffsetDateTime::now_utc().date()
}

/// Whether `d` is later than today anywhere on earth.
pub fn is_future(d: Date) -> bool {
    let latest = (OffsetDateTime::now_utc() + Duration::hours(14)).date();
    d > latest
}

/// The current time as an RFC 3339 timestamp (UTC, whole seconds).
pub fn now_timestamp() -> String {
    let now = OffsetDateTime::now_utc();
    let now = now.replace_nanosecond(0).unwrap_or(now);
    now.format(&Rfc3339)
        .unwrap_or_else(|_| "1970-01-01T00:00:00Z".to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strict_dates() {
        assert!(parse_date("2024-02-29").is_some());
        assert!(parse_date("2023-02-29").is_none());
        assert!(parse_date("2024-2-01").is_none());
        assert!(parse_date("2024-13-01").is_none());
        assert!(parse_date("+024-01-01").is_none());
        assert!(parse_date("0000-01-01").is_none());
        assert_eq!(format_date(parse_date("0999-01-05").unwrap()), "0999-01-05");
    }
}
