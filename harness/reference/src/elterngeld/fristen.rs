//! Lebensmonate (§ 4 Abs. 1 BEEG with §§ 187, 188 BGB) and the retroactivity
//! rule of § 7 Abs. 1 BEEG: Elterngeld is paid retroactively only for the last
//! three Lebensmonate before the Lebensmonat in which the Antrag arrived.

use super::faults::Fault;
use time::{Date, Month};

/// First day of Lebensmonat `n` (n >= 1) of a child born on `geburt`: the day
/// with the birth's day number, `n - 1` months later; when that month has no
/// such day, the first day of the month after it.
#[cfg(test)]
pub fn beginn(geburt: Date, n: u64) -> Option<Date> {
    beginn_mit(geburt, n, false)
}

/// [`beginn`]; with `clamped` (the `lebensmonat-end-of-month-clamped` fault)
/// a missing day becomes the last day of that month instead of the 1st of
/// the next, as a naive "add months" does.
fn beginn_mit(geburt: Date, n: u64, clamped: bool) -> Option<Date> {
    let index = i64::from(geburt.year()) * 12 + i64::from(u8::from(geburt.month())) - 1
        + i64::try_from(n.checked_sub(1)?).ok()?;
    let year = i32::try_from(index.div_euclid(12)).ok()?;
    let month = Month::try_from(u8::try_from(index.rem_euclid(12) + 1).ok()?).ok()?;
    match Date::from_calendar_date(year, month, geburt.day()) {
        Ok(d) => Some(d),
        Err(_) if clamped => Some(
            Date::from_calendar_date(year, month, 1)
                .ok()?
                .replace_day(month.length(year))
                .ok()?,
        ),
        Err(_) => {
            let next = month.next();
            let year = if next == Month::January {
                year + 1
            } else {
                year
            };
            Date::from_calendar_date(year, next, 1).ok()
        }
    }
}

/// The Lebensmonat in which `tag` lies (0 when before the birth).
#[cfg(test)]
pub fn lebensmonat(geburt: Date, tag: Date) -> u64 {
    lebensmonat_mit(geburt, tag, false)
}

fn lebensmonat_mit(geburt: Date, tag: Date, clamped: bool) -> u64 {
    if tag < geburt {
        return 0;
    }
    let mut n = 1;
    // A child's Lebensmonate are bounded by the plan; stop after 1200 anyway.
    while n < 1200 && beginn_mit(geburt, n + 1, clamped).is_some_and(|b| b <= tag) {
        n += 1;
    }
    n
}

/// The earliest Lebensmonat that can still be paid for an Antrag that arrived
/// on `eingang` (`zurueck` months back: 3 by § 7 Abs. 1 BEEG).
pub fn fruehester(geburt: Date, eingang: Date, zurueck: u64, faults: &crate::Faults) -> u64 {
    let clamped = faults.on(Fault::LebensmonatEndOfMonthClamped);
    lebensmonat_mit(geburt, eingang, clamped)
        .saturating_sub(zurueck)
        .max(1)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::common::dates::parse_date;

    fn d(s: &str) -> Date {
        parse_date(s).unwrap()
    }

    #[test]
    fn month_ends() {
        assert_eq!(beginn(d("2024-01-31"), 2), Some(d("2024-03-01")));
        assert_eq!(beginn(d("2024-01-31"), 3), Some(d("2024-03-31")));
        assert_eq!(beginn(d("2024-11-15"), 3), Some(d("2025-01-15")));
        assert_eq!(lebensmonat(d("2024-01-15"), d("2024-05-14")), 4);
        assert_eq!(lebensmonat(d("2024-01-15"), d("2024-05-15")), 5);
        assert_eq!(lebensmonat(d("2024-01-15"), d("2024-01-14")), 0);
        // Born 2023-10-31: Lebensmonat 5 begins 2024-03-01, not on 29 February.
        assert_eq!(beginn(d("2023-10-31"), 5), Some(d("2024-03-01")));
        assert_eq!(lebensmonat(d("2023-10-31"), d("2024-02-29")), 4);
        assert_eq!(beginn_mit(d("2023-10-31"), 5, true), Some(d("2024-02-29")));
    }
}
