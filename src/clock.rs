//! Time: the current instant, and how instants read in the configured time zone.

use time::format_description::well_known::Rfc3339;
use time::{Month, OffsetDateTime};
use time_tz::{OffsetDateTimeExt, Tz};

use crate::i18n::Lang;

pub fn now() -> i64 {
    OffsetDateTime::now_utc().unix_timestamp() + offset()
}

/// FOR TESTS ONLY: `TICKETD_TEST_CLOCK_OFFSET_SECONDS`, read once at the first `now()`, moves
/// the process's clock by that many seconds, so tests/it can start a server "days later" (a
/// follow-up date that came, a ticket waiting long enough to close itself). Never set it in
/// production: every stored time would be off by as much.
fn offset() -> i64 {
    static OFFSET: std::sync::OnceLock<i64> = std::sync::OnceLock::new();
    *OFFSET.get_or_init(|| {
        std::env::var("TICKETD_TEST_CLOCK_OFFSET_SECONDS").ok().and_then(|v| v.trim().parse().ok()).unwrap_or(0)
    })
}

/// A date as typed in a date field (`YYYY-MM-DD`).
pub fn parse_date(s: &str) -> Option<time::Date> {
    let mut it = s.trim().splitn(3, '-');
    let year: i32 = it.next()?.parse().ok()?;
    let month: u8 = it.next()?.parse().ok()?;
    let day: u8 = it.next()?.parse().ok()?;
    if !(2000..=9999).contains(&year) {
        return None;
    }
    time::Date::from_calendar_date(year, Month::try_from(month).ok()?, day).ok()
}

/// The instant a local calendar day starts (midnight in the zone; the first one on a DST day).
pub fn day_start(date: time::Date, tz: &Tz) -> i64 {
    use time_tz::PrimitiveDateTimeExt;
    let naive = time::PrimitiveDateTime::new(date, time::Time::MIDNIGHT);
    naive
        .assume_timezone(tz)
        .take_first()
        .map(|d| d.unix_timestamp())
        .unwrap_or_else(|| naive.assume_utc().unix_timestamp())
}

/// `YYYY-MM-DD` of an instant in the zone: the value of a date field.
pub fn iso_date(ts: i64, tz: &Tz) -> String {
    let l = local(ts, tz);
    format!("{:04}-{:02}-{:02}", l.year(), u8::from(l.month()), l.day())
}

pub fn utc(ts: i64) -> OffsetDateTime {
    OffsetDateTime::from_unix_timestamp(ts).unwrap_or(OffsetDateTime::UNIX_EPOCH)
}

pub fn local(ts: i64, tz: &Tz) -> OffsetDateTime {
    utc(ts).to_timezone(tz)
}

/// The local year and month of an instant: what the overview's month filter groups by.
pub fn year_month(ts: i64, tz: &Tz) -> (i32, u8) {
    let l = local(ts, tz);
    (l.year(), u8::from(l.month()))
}

/// The UTC instants `[start, end)` of a local calendar month.
pub fn month_range(year: i32, month: u8, tz: &Tz) -> (i64, i64) {
    let start = local_midnight(year, month, tz);
    let (ny, nm) = if month >= 12 { (year + 1, 1) } else { (year, month + 1) };
    (start, local_midnight(ny, nm, tz))
}

fn local_midnight(year: i32, month: u8, tz: &Tz) -> i64 {
    use time_tz::PrimitiveDateTimeExt;
    let month = Month::try_from(month.clamp(1, 12)).unwrap_or(Month::January);
    let Ok(date) = time::Date::from_calendar_date(year, month, 1) else {
        return 0;
    };
    let naive = time::PrimitiveDateTime::new(date, time::Time::MIDNIGHT);
    naive
        .assume_timezone(tz)
        .take_first()
        .map(|d| d.unix_timestamp())
        .unwrap_or_else(|| naive.assume_utc().unix_timestamp())
}

/// A text that only changes with the second (a log stamp, a `Date` header), formatted once per
/// second and thread: `cell` is the caller's own `thread_local!` slot.
pub fn per_second(
    cell: &'static std::thread::LocalKey<std::cell::RefCell<(i64, String)>>,
    format: impl FnOnce(i64) -> String,
) -> String {
    let now = now();
    cell.with(|c| {
        let mut last = c.borrow_mut();
        if last.0 != now || last.1.is_empty() {
            *last = (now, format(now));
        }
        last.1.clone()
    })
}

/// [`per_second`] with one slot for the whole process instead of one per thread (a server thread
/// serves one connection, so a per-thread text is formatted again on each new connection),
/// appended to `out` instead of cloned.
pub fn per_second_shared(
    slot: &'static std::sync::Mutex<(i64, String)>,
    format: impl FnOnce(i64) -> String,
    out: &mut String,
) {
    let now = now();
    // A panic while the slot was held leaves a whole text or the empty one: both usable.
    let mut last = slot.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
    if last.0 != now || last.1.is_empty() {
        *last = (now, format(now));
    }
    out.push_str(&last.1);
}

/// An RFC 3339 instant (`2026-05-01T08:00:00Z`, any offset) as Unix seconds.
pub fn parse_rfc3339(s: &str) -> Option<i64> {
    time::OffsetDateTime::parse(s.trim(), &Rfc3339).ok().map(|t| t.unix_timestamp())
}

/// `2026-11-28T13:05:00Z`. Written digit by digit: a ticket page writes one per activity, and
/// `time`'s general formatter cost more than the rest of the activity's markup.
pub fn rfc3339(ts: i64) -> String {
    let mut s = String::with_capacity(20);
    push_rfc3339(&mut s, ts);
    s
}

/// [`rfc3339`] appended to `s` (a page writes its stamps straight into its buffer).
pub fn push_rfc3339(s: &mut String, ts: i64) {
    let t = utc(ts);
    if !(1000..=9999).contains(&t.year()) {
        s.push_str(&t.format(&Rfc3339).unwrap_or_default());
        return;
    }
    push_year(s, t.year());
    s.push('-');
    push2(s, u8::from(t.month()));
    s.push('-');
    push2(s, t.day());
    s.push('T');
    push2(s, t.hour());
    s.push(':');
    push2(s, t.minute());
    s.push(':');
    push2(s, t.second());
    s.push('Z');
}

/// Two digits, zero-padded (`n` < 100).
fn push2(s: &mut String, n: u8) {
    s.push(char::from(b'0' + n / 10 % 10));
    s.push(char::from(b'0' + n % 10));
}

/// A year as `{}` writes it; four digits without the formatter for the years we store.
fn push_year(s: &mut String, year: i32) {
    if (1000..=9999).contains(&year) {
        let y = year as u16;
        push2(s, (y / 100) as u8);
        push2(s, (y % 100) as u8);
    } else {
        use std::fmt::Write;
        let _ = write!(s, "{year}");
    }
}

pub fn month_name(month: u8, lang: Lang) -> &'static str {
    const DE: [&str; 12] = [
        "Januar",
        "Februar",
        "März",
        "April",
        "Mai",
        "Juni",
        "Juli",
        "August",
        "September",
        "Oktober",
        "November",
        "Dezember",
    ];
    const EN: [&str; 12] = [
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
    ];
    let i = usize::from(month.clamp(1, 12) - 1);
    match lang {
        Lang::De => DE[i],
        Lang::En => EN[i],
    }
}

/// "28.11.2026, 14:05" (de) or "28 Nov 2026, 14:05" (en), local time.
pub fn datetime(ts: i64, tz: &Tz, lang: Lang) -> String {
    let mut s = String::with_capacity(20);
    push_datetime(&mut s, ts, tz, lang);
    s
}

/// [`datetime`] appended to `s`.
pub fn push_datetime(s: &mut String, ts: i64, tz: &Tz, lang: Lang) {
    let l = local(ts, tz);
    match lang {
        Lang::De => {
            push2(s, l.day());
            s.push('.');
            push2(s, u8::from(l.month()));
            s.push('.');
        }
        Lang::En => {
            if l.day() >= 10 {
                s.push(char::from(b'0' + l.day() / 10));
            }
            s.push(char::from(b'0' + l.day() % 10));
            s.push(' ');
            s.push_str(short_month_en(l.month()));
            s.push(' ');
        }
    }
    push_year(s, l.year());
    s.push_str(", ");
    push2(s, l.hour());
    s.push(':');
    push2(s, l.minute());
}

/// Date only.
pub fn date(ts: i64, tz: &Tz, lang: Lang) -> String {
    let l = local(ts, tz);
    match lang {
        Lang::De => format!("{:02}.{:02}.{}", l.day(), u8::from(l.month()), l.year()),
        Lang::En => format!("{} {} {}", l.day(), short_month_en(l.month()), l.year()),
    }
}

/// A stored date (`YYYY-MM-DD`, as date inputs send it) as people read it: `10.12.2026` in
/// German, `10 Dec 2026` in English; `None` when it is no such date.
pub fn show_iso_date(value: &str, lang: Lang) -> Option<String> {
    let mut it = value.trim().splitn(3, '-');
    let (y, m, d) = (it.next()?, it.next()?, it.next()?);
    if y.len() != 4 || m.len() != 2 || d.len() != 2 {
        return None;
    }
    let year: i32 = y.parse().ok()?;
    let month = Month::try_from(m.parse::<u8>().ok()?).ok()?;
    let day: u8 = d.parse().ok()?;
    time::Date::from_calendar_date(year, month, day).ok()?;
    Some(match lang {
        Lang::De => format!("{day:02}.{:02}.{year}", u8::from(month)),
        Lang::En => format!("{day} {} {year}", short_month_en(month)),
    })
}

fn short_month_en(m: Month) -> &'static str {
    match m {
        Month::January => "Jan",
        Month::February => "Feb",
        Month::March => "Mar",
        Month::April => "Apr",
        Month::May => "May",
        Month::June => "Jun",
        Month::July => "Jul",
        Month::August => "Aug",
        Month::September => "Sep",
        Month::October => "Oct",
        Month::November => "Nov",
        Month::December => "Dec",
    }
}

/// Many instants of one page, written as [`push_rfc3339`] and [`push_datetime`] write them,
/// for a timeline of up to 1,000 activities: asking the zone for each instant's offset (a
/// binary search over its transitions) and `time`'s calendar conversion were ~10 % of a ticket
/// with 1,000 activities. Here the offset is asked for once per UTC week (of more than one
/// instant), and the calendar date is computed from the day number (Howard Hinnant's
/// `civil_from_days`), once per day written.
///
/// A week's offset is taken as the whole week's when the zone gives the same offset at the
/// week's first and last second: this assumes no zone changes its offset twice within seven
/// days (summer time lasts months; the test below checks 1970–2039 of several zones every two
/// hours). A week with a change is taken day by day, alike.
pub struct Stamps<'a> {
    tz: &'a Tz,
    /// `[start, end)` in UTC seconds with one offset (seconds east of UTC): the last week
    /// and the last day found to have one.
    week: std::cell::Cell<(i64, i64, i64)>,
    day: std::cell::Cell<(i64, i64, i64)>,
    /// The starts of the week and the day of the last instant asked for on its own, and of
    /// the last week found to have a change.
    seen_week: std::cell::Cell<i64>,
    seen_day: std::cell::Cell<i64>,
    changing_week: std::cell::Cell<i64>,
    /// The date of the last instant written, in UTC and in the zone.
    utc_day: std::cell::Cell<DayText>,
    local_day: std::cell::Cell<DayText>,
}

impl<'a> Stamps<'a> {
    const WEEK: i64 = 7 * 86_400;
    /// The instants written here (0001-01-01 … 9999-12-31 UTC, wider by a day); others go
    /// through `time` as before.
    const RANGE: std::ops::Range<i64> = -62_135_596_800 + 86_400..253_402_300_800 - 86_400;

    pub fn new(tz: &'a Tz) -> Stamps<'a> {
        use std::cell::Cell;
        Stamps {
            tz,
            week: Cell::new((0, 0, 0)),
            day: Cell::new((0, 0, 0)),
            seen_week: Cell::new(i64::MIN),
            seen_day: Cell::new(i64::MIN),
            changing_week: Cell::new(i64::MIN),
            utc_day: Cell::new(DayText { day: 0, lang: None, len: 0, text: [0; 16] }),
            local_day: Cell::new(DayText { day: 0, lang: None, len: 0, text: [0; 16] }),
        }
    }

    fn offset_at(&self, ts: i64) -> i64 {
        use time_tz::{Offset, TimeZone};
        i64::from(self.tz.get_offset_utc(&utc(ts)).to_utc().whole_seconds())
    }

    /// The zone's offset at `ts` (seconds east of UTC).
    fn offset(&self, ts: i64) -> i64 {
        for span in [&self.week, &self.day] {
            let (start, end, offset) = span.get();
            if (start..end).contains(&ts) {
                return offset;
            }
        }
        let week = ts - ts.rem_euclid(Self::WEEK);
        let day = ts - ts.rem_euclid(86_400);
        // A window is checked (two more questions) only when a second instant falls into it:
        // a short timeline, an instant a week, asks once per instant as before. A week in which
        // the offset changes is taken day by day.
        if self.changing_week.get() != week {
            if self.seen_week.get() == week {
                if let Some(offset) = self.constant(week, Self::WEEK) {
                    self.week.set((week, week + Self::WEEK, offset));
                    return offset;
                }
                self.changing_week.set(week);
            } else {
                self.seen_week.set(week);
                self.seen_day.set(day);
                return self.offset_at(ts);
            }
        }
        if self.seen_day.get() == day {
            if let Some(offset) = self.constant(day, 86_400) {
                self.day.set((day, day + 86_400, offset));
                return offset;
            }
        }
        self.seen_day.set(day);
        self.offset_at(ts)
    }

    /// The offset of `[start, start + len)` when its first and last second have the same.
    fn constant(&self, start: i64, len: i64) -> Option<i64> {
        let offset = self.offset_at(start);
        (self.offset_at(start + len - 1) == offset).then_some(offset)
    }

    /// [`push_rfc3339`].
    pub fn push_rfc3339(&self, s: &mut String, ts: i64) {
        let (day, secs) = (ts.div_euclid(86_400), ts.rem_euclid(86_400));
        let Some((date, n)) = Self::RANGE.contains(&ts).then(|| self.date(&self.utc_day, day, None)).flatten() else {
            return push_rfc3339(s, ts);
        };
        // Into a buffer, then one copy (a `push` per character cost more than the date).
        let mut b = *b"0000-00-00T00:00:00Z";
        b[..n].copy_from_slice(&date[..n]);
        put2(&mut b[11..13], (secs / 3600) as u8);
        put2(&mut b[14..16], (secs / 60 % 60) as u8);
        put2(&mut b[17..19], (secs % 60) as u8);
        s.push_str(std::str::from_utf8(&b).unwrap_or_default());
    }

    /// [`push_datetime`] in this zone.
    pub fn push_datetime(&self, s: &mut String, ts: i64, lang: Lang) {
        let local = Self::RANGE.contains(&ts).then(|| ts + self.offset(ts));
        let (day, secs) = local.map_or((0, 0), |l| (l.div_euclid(86_400), l.rem_euclid(86_400)));
        let Some((date, n)) = local.and_then(|_| self.date(&self.local_day, day, Some(lang))) else {
            return push_datetime(s, ts, self.tz, lang);
        };
        // "28.11.2026, 14:05" / "28 Nov 2026, 14:05": built in a buffer, copied once.
        let mut b = [0u8; 24];
        b[..n].copy_from_slice(&date[..n]);
        b[n..n + 7].copy_from_slice(b", 00:00");
        put2(&mut b[n + 2..n + 4], (secs / 3600) as u8);
        put2(&mut b[n + 5..n + 7], (secs / 60 % 60) as u8);
        s.push_str(std::str::from_utf8(&b[..n + 7]).unwrap_or_default());
    }

    /// The date of day number `day` (days since 1970-01-01) as [`push_rfc3339`] (`lang`
    /// `None`) or [`push_datetime`] writes it, and its length; kept in `cell` for the next
    /// instant of the same day (a timeline has about two a day). `None`: a year that is not
    /// four digits.
    fn date(&self, cell: &std::cell::Cell<DayText>, day: i64, lang: Option<Lang>) -> Option<([u8; 16], usize)> {
        let last = cell.get();
        if last.len > 0 && last.day == day && last.lang == lang {
            return Some((last.text, usize::from(last.len)));
        }
        let (y, mo, d, _) = civil(day.checked_mul(86_400)?)?;
        if !(1000..=9999).contains(&y) {
            return None;
        }
        let mut b = [0u8; 16];
        let n = match lang {
            None => {
                b[..10].copy_from_slice(b"0000-00-00");
                put2(&mut b[0..2], (y / 100) as u8);
                put2(&mut b[2..4], (y % 100) as u8);
                put2(&mut b[5..7], mo);
                put2(&mut b[8..10], d);
                10
            }
            Some(lang) => {
                let n = match lang {
                    Lang::De => {
                        put2(&mut b[0..2], d);
                        b[2] = b'.';
                        put2(&mut b[3..5], mo);
                        b[5] = b'.';
                        6
                    }
                    Lang::En => {
                        let mut n = 0;
                        if d >= 10 {
                            b[0] = b'0' + d / 10;
                            n = 1;
                        }
                        b[n] = b'0' + d % 10;
                        b[n + 1] = b' ';
                        let month = short_month_en(Month::try_from(mo).unwrap_or(Month::January)).as_bytes();
                        b[n + 2..n + 2 + month.len()].copy_from_slice(month);
                        b[n + 2 + month.len()] = b' ';
                        n + 3 + month.len()
                    }
                };
                put2(&mut b[n..n + 2], (y / 100) as u8);
                put2(&mut b[n + 2..n + 4], (y % 100) as u8);
                n + 4
            }
        };
        cell.set(DayText { day, lang, len: n as u8, text: b });
        Some((b, n))
    }
}

/// A day's date as [`Stamps`] writes it (`len` 0: none yet).
#[derive(Clone, Copy)]
struct DayText {
    day: i64,
    lang: Option<Lang>,
    len: u8,
    text: [u8; 16],
}

/// Two digits, zero-padded, into `b[0..2]` (`n` < 100).
fn put2(b: &mut [u8], n: u8) {
    b[0] = b'0' + n / 10 % 10;
    b[1] = b'0' + n % 10;
}

/// Year, month, day and the seconds of the day of `ts` seconds since 1970 (proleptic
/// Gregorian, as `time` reads them).
fn civil(ts: i64) -> Option<(i32, u8, u8, i64)> {
    let days = ts.div_euclid(86_400);
    let secs = ts.rem_euclid(86_400);
    let z = days.checked_add(719_468)?;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    Some((i32::try_from(y).ok()?, m as u8, d as u8, secs))
}

#[cfg(test)]
mod stamps_tests {
    use super::*;

    /// Hour by hour (plus odd minutes) through decades of zones with and without summer time,
    /// half-hour and 45-minute offsets, and a southern one: the same text as `time` writes.
    #[test]
    fn stamps_write_what_time_writes() {
        for name in ["Europe/Berlin", "America/New_York", "Australia/Lord_Howe", "Asia/Kathmandu", "UTC"] {
            let tz = time_tz::timezones::get_by_name(name).unwrap();
            let stamps = Stamps::new(tz);
            let (mut a, mut b) = (String::new(), String::new());
            let mut ts = 0; // 1970
            while ts < 2_200_000_000 {
                for lang in [Lang::De, Lang::En] {
                    a.clear();
                    b.clear();
                    stamps.push_datetime(&mut a, ts, lang);
                    push_datetime(&mut b, ts, tz, lang);
                    assert_eq!(a, b, "{name} {ts}");
                }
                a.clear();
                b.clear();
                stamps.push_rfc3339(&mut a, ts);
                push_rfc3339(&mut b, ts);
                assert_eq!(a, b, "{ts}");
                ts += 2 * 3_600 + 7 * 60 + 13;
            }
            // Out of order, around summer time changes too.
            for i in 0..20_000i64 {
                let ts = 1_600_000_000 + (i * 7_919 * 3_607) % 300_000_000;
                a.clear();
                b.clear();
                stamps.push_datetime(&mut a, ts, Lang::De);
                push_datetime(&mut b, ts, tz, Lang::De);
                assert_eq!(a, b, "{name} {ts}");
            }
            // Far from now, and around the edges of what is written by hand.
            for ts in [-62_000_000_000, -30_000_000_000, -1, 253_402_000_000, i64::MIN, i64::MAX] {
                a.clear();
                b.clear();
                stamps.push_datetime(&mut a, ts, Lang::De);
                push_datetime(&mut b, ts, tz, Lang::De);
                assert_eq!(a, b, "{name} {ts}");
                a.clear();
                b.clear();
                stamps.push_rfc3339(&mut a, ts);
                push_rfc3339(&mut b, ts);
                assert_eq!(a, b, "{ts}");
            }
        }
    }
}

#[cfg(test)]
mod iso_date_tests {
    use super::*;

    #[test]
    fn stored_dates_read_as_people_write_them() {
        assert_eq!(show_iso_date("2026-12-10", Lang::De).as_deref(), Some("10.12.2026"));
        assert_eq!(show_iso_date("2026-03-01", Lang::En).as_deref(), Some("1 Mar 2026"));
        for bad in ["2026-02-30", "10.12.2026", "2026-1-5", "", "abcd-ef-gh"] {
            assert_eq!(show_iso_date(bad, Lang::De), None, "{bad}");
        }
    }
}

#[cfg(test)]
mod tests {

    #[test]
    fn per_second_texts_are_formatted_once_a_second() {
        thread_local! {
            static SLOT: std::cell::RefCell<(i64, String)> = const { std::cell::RefCell::new((i64::MIN, String::new())) };
        }
        let mut calls = 0;
        let first = per_second(&SLOT, |t| {
            calls += 1;
            t.to_string()
        });
        let again = per_second(&SLOT, |t| {
            calls += 1;
            t.to_string()
        });
        assert!(calls <= 2 && first.parse::<i64>().is_ok() && again.parse::<i64>().is_ok());
        assert!(calls == 1 || first != again, "formatted again only when the second changed");
    }

    #[test]
    fn shared_per_second_texts_are_formatted_once_a_second() {
        static SLOT: std::sync::Mutex<(i64, String)> = std::sync::Mutex::new((i64::MIN, String::new()));
        let mut calls = 0;
        let (mut first, mut again) = (String::from(">"), String::from(">"));
        per_second_shared(
            &SLOT,
            |t| {
                calls += 1;
                t.to_string()
            },
            &mut first,
        );
        per_second_shared(
            &SLOT,
            |t| {
                calls += 1;
                t.to_string()
            },
            &mut again,
        );
        assert!(calls <= 2 && first[1..].parse::<i64>().is_ok() && again[1..].parse::<i64>().is_ok());
        assert!(calls == 1 || first != again, "formatted again only when the second changed");
    }

    use super::*;

    fn berlin() -> &'static Tz {
        time_tz::timezones::get_by_name("Europe/Berlin").unwrap()
    }

    #[test]
    fn hand_written_stamps_match_the_formatters() {
        let tz = berlin();
        for ts in [253_402_300_799, 32_503_680_000, -62_135_596_800] {
            assert_eq!(rfc3339(ts), utc(ts).format(&Rfc3339).unwrap_or_default(), "{ts}");
        }
        for ts in [0, -1, 1_738_366_200, 1_790_000_000, 1_761_440_400, 1_774_746_000] {
            assert_eq!(rfc3339(ts), utc(ts).format(&Rfc3339).unwrap_or_default(), "{ts}");
            let l = local(ts, tz);
            let de =
                format!("{:02}.{:02}.{}, {:02}:{:02}", l.day(), u8::from(l.month()), l.year(), l.hour(), l.minute());
            let en =
                format!("{} {} {}, {:02}:{:02}", l.day(), short_month_en(l.month()), l.year(), l.hour(), l.minute());
            assert_eq!(datetime(ts, tz, Lang::De), de, "{ts}");
            assert_eq!(datetime(ts, tz, Lang::En), en, "{ts}");
        }
    }

    #[test]
    fn late_january_utc_is_february_in_berlin() {
        // 2025-01-31 23:30 UTC = 2025-02-01 00:30 CET
        let ts = 1738366200;
        assert_eq!(rfc3339(ts), "2025-01-31T23:30:00Z");
        assert_eq!(year_month(ts, berlin()), (2025, 2));
        let utc = time_tz::timezones::get_by_name("UTC").unwrap();
        assert_eq!(year_month(ts, utc), (2025, 1));
    }

    #[test]
    fn month_ranges_follow_the_zone() {
        let (start, end) = month_range(2025, 2, berlin());
        assert_eq!(rfc3339(start), "2025-01-31T23:00:00Z");
        assert_eq!(rfc3339(end), "2025-02-28T23:00:00Z");
        let (_, end) = month_range(2025, 12, berlin());
        assert_eq!(rfc3339(end), "2025-12-31T23:00:00Z");
        let (start, _) = month_range(2025, 7, berlin());
        assert_eq!(rfc3339(start), "2025-06-30T22:00:00Z");
    }

    #[test]
    fn summer_time_is_applied() {
        // 2025-07-01 12:00 UTC = 14:00 CEST
        assert_eq!(datetime(1751371200, berlin(), Lang::De), "01.07.2025, 14:00");
        assert_eq!(datetime(1751371200, berlin(), Lang::En), "1 Jul 2025, 14:00");
    }

    #[test]
    fn follow_up_dates_start_at_local_midnight() {
        let d = parse_date("2025-07-01").unwrap();
        assert_eq!(rfc3339(day_start(d, berlin())), "2025-06-30T22:00:00Z");
        assert_eq!(iso_date(day_start(d, berlin()), berlin()), "2025-07-01");
        for bad in ["", "2025-13-01", "2025-02-30", "01.07.2025", "1999-01-01"] {
            assert!(parse_date(bad).is_none(), "{bad}");
        }
    }
}
