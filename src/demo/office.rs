//! Office hours for the demo (issue 19: no activity at 3 a.m. or on a Sunday): a time line that
//! only counts Monday to Friday, 8:00 to 18:00 local time. Times are planned on it and turned
//! back into real times, so order and minimum gaps survive and every moment is in office hours.

use super::{DAY, HOUR};
use crate::clock;

/// Seconds of office time per working day (8:00–18:00).
pub(super) const OFFICE_DAY: i64 = 10 * HOUR;
const OPENS: i64 = 8 * HOUR;

/// Working days before the day `s` (days since Monday 1969-12-29).
fn working_days_before(s: i64) -> i64 {
    s.div_euclid(7) * 5 + s.rem_euclid(7).min(5)
}

/// A real time on the office time line: outside office hours it is the next opening (the end
/// of the previous working day is the same point).
pub(super) fn to_office(t: i64, tz: &time_tz::Tz) -> i64 {
    let local = t + i64::from(clock::local(t, tz).offset().whole_seconds());
    let s = local.div_euclid(DAY) + 3;
    let into = if s.rem_euclid(7) < 5 { (local.rem_euclid(DAY) - OPENS).clamp(0, OFFICE_DAY) } else { 0 };
    working_days_before(s) * OFFICE_DAY + into
}

/// The real time of a point on the office time line.
pub(super) fn from_office(p: i64, tz: &time_tz::Tz) -> i64 {
    let k = p.div_euclid(OFFICE_DAY);
    let s = k.div_euclid(5) * 7 + k.rem_euclid(5);
    let local = (s - 3) * DAY + OPENS + p.rem_euclid(OFFICE_DAY);
    local - i64::from(clock::local(local, tz).offset().whole_seconds())
}

/// Is `t` on a working day between 8:00 and 18:00 local time?
#[cfg(test)]
pub(super) fn in_office_hours(t: i64, tz: &time_tz::Tz) -> bool {
    let l = clock::local(t, tz);
    let weekday = l.weekday().number_days_from_monday();
    weekday < 5 && (8..18).contains(&l.hour())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn office_time_round_trips_and_stays_in_office_hours() {
        let tz = time_tz::timezones::db::europe::BERLIN;
        // Sunday 2026-12-06 03:00 UTC and a spread of times over two years, both DST seasons.
        let start = 1_796_533_200i64;
        for i in 0..2_000 {
            let t = start - i * 7_919 * 60;
            let p = to_office(t, tz);
            let back = from_office(p, tz);
            assert!(in_office_hours(back, tz), "{t} → {back}");
            assert_eq!(to_office(back, tz), p, "{t}");
            if in_office_hours(t, tz) {
                assert_eq!(back, t, "office times stay as they are");
            }
        }
        // Monotonic: a later real time is never earlier on the office line.
        let a = to_office(start - 3 * DAY, tz);
        let b = to_office(start - DAY, tz);
        assert!(a <= b);
    }
}
