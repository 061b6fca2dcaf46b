//! Hour contingents ("Stundenkontingente", issue 22): the shapes, and the booking of logged time
//! against them — a pure function of the contingents and the time entries, computed on every
//! read. Nothing about a booking is stored, so editing or moving an activity's minutes re-books
//! it by itself, and "never lost, never double-counted" is a property of [`book`] alone: every
//! minute of every entry lands in exactly one place (one contingent, or "not covered"), which
//! the tests below check for every case.
//!
//! Days are local calendar days as `YYYY-MM-DD` strings (they order as they read); the caller
//! turns instants into days in the configured zone.

use std::collections::BTreeMap;

/// How much a contingent holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Allowance {
    /// A block of prepaid minutes, used until spent or until `valid_until`.
    Block { minutes: i64 },
    /// Minutes per calendar month; with `carry_over`, what a month leaves unused stays available
    /// (until `valid_until`), without it the rest of a month expires at its end.
    Monthly { minutes: i64, carry_over: bool },
}

/// A contingent of a customer, as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Contingent {
    pub id: i64,
    pub customer_id: i64,
    pub allowance: Allowance,
    /// First day it covers (`YYYY-MM-DD`).
    pub valid_from: String,
    /// Last day it covers, inclusive; `None`: open-ended.
    pub valid_until: Option<String>,
    pub note: String,
    pub created_at: i64,
}

impl Contingent {
    /// Covers the day `day` (`YYYY-MM-DD`).
    pub fn covers(&self, day: &str) -> bool {
        self.valid_from.as_str() <= day && self.valid_until.as_deref().is_none_or(|u| day <= u)
    }
}

/// One activity with time spent, as booking sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TimeItem {
    pub activity_id: i64,
    /// The local day it was logged on.
    pub day: String,
    pub minutes: i64,
}

/// Part (or all) of an activity's minutes, booked against one contingent or not covered.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Booking {
    pub activity_id: i64,
    /// `None`: not covered by any contingent.
    pub contingent_id: Option<i64>,
    pub minutes: i64,
}

/// A contingent's figures on a day. Always `bought == used + remaining + expired`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Balance {
    pub contingent_id: i64,
    /// Everything made available up to the day (a block: its size; an allowance: per month begun).
    pub bought: i64,
    /// Booked against it, in total.
    pub used: i64,
    /// Still available on the day (0 once it ended).
    pub remaining: i64,
    /// Made available but lost: a month's rest without carry-over, what was left at the end.
    pub expired: i64,
    /// Covers the day.
    pub active: bool,
    /// What the warnings measure: `""` for a block (its whole life), `YYYY-MM` for an allowance
    /// (that month), with what the period started with and what it used.
    pub period: String,
    pub period_bought: i64,
    pub period_used: i64,
}

impl Balance {
    /// Percent used in the warning period (0 when nothing was available).
    pub fn period_percent(&self) -> i64 {
        if self.period_bought <= 0 {
            0
        } else {
            self.period_used.saturating_mul(100) / self.period_bought
        }
    }
}

/// The outcome of booking a customer's time.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Ledger {
    /// In the order of the entries; an entry split over contingents has several.
    pub bookings: Vec<Booking>,
    /// One per contingent, in the order given.
    pub balances: Vec<Balance>,
    /// Minutes no contingent covered.
    pub uncovered: i64,
    /// All minutes of all entries (`== sum of bookings`).
    pub total: i64,
}

impl Ledger {
    /// The remaining minutes of the contingents active on the day, or `None` when none is.
    pub fn active_remaining(&self) -> Option<i64> {
        let active: Vec<&Balance> = self.balances.iter().filter(|b| b.active).collect();
        (!active.is_empty()).then(|| active.iter().map(|b| b.remaining).sum())
    }

    pub fn balance(&self, contingent_id: i64) -> Option<&Balance> {
        self.balances.iter().find(|b| b.contingent_id == contingent_id)
    }
}

/// The thresholds (percent) at or beyond which `used` of `base` is, of those given.
pub fn crossed(used: i64, base: i64, thresholds: &[i64]) -> Vec<i64> {
    if base <= 0 {
        return Vec::new();
    }
    thresholds.iter().copied().filter(|t| used.saturating_mul(100) >= t.saturating_mul(base)).collect()
}

/// The most hours one field takes: a block of 10 000 hours, or a month's 744 hours.
pub const MAX_BLOCK_HOURS: i64 = 10_000;
pub const MAX_MONTHLY_HOURS: i64 = 744;

/// Hours as typed (`10`, `7,5`, `7.25`) to whole minutes, when positive and at most `max` hours.
pub fn parse_hours(s: &str, max: i64) -> Option<i64> {
    let s = s.trim().replace(',', ".");
    if s.is_empty() || s.starts_with(['-', '+']) || s.chars().any(|c| !(c.is_ascii_digit() || c == '.')) {
        return None;
    }
    let (whole, frac) = s.split_once('.').unwrap_or((&s, ""));
    if frac.contains('.') || frac.len() > 2 || (whole.is_empty() && frac.is_empty()) {
        return None;
    }
    let whole: i64 = if whole.is_empty() { 0 } else { whole.parse().ok()? };
    let frac_minutes = match frac.len() {
        0 => 0,
        1 => frac.parse::<i64>().ok()? * 6,
        _ => (frac.parse::<i64>().ok()? * 60 + 50) / 100,
    };
    let minutes = whole.checked_mul(60)?.checked_add(frac_minutes)?;
    (minutes > 0 && minutes <= max * 60).then_some(minutes)
}

/// `YYYY-MM` of a day.
fn month_of(day: &str) -> (i32, u8) {
    let y = day.get(0..4).and_then(|y| y.parse().ok()).unwrap_or(2000);
    let m = day.get(5..7).and_then(|m| m.parse().ok()).unwrap_or(1);
    (y, m)
}

fn next_month((y, m): (i32, u8)) -> (i32, u8) {
    if m >= 12 {
        (y + 1, 1)
    } else {
        (y, m + 1)
    }
}

/// What booking keeps per contingent while it walks through the entries.
struct Pot {
    available: i64,
    used: i64,
    /// An allowance: the month accrued last, months accrued, and that month's start and use.
    month: Option<(i32, u8)>,
    months: i64,
    month_start: i64,
    month_used: i64,
}

impl Pot {
    /// Accrues an allowance's months up to `to` (no-op for a block or a month already reached).
    fn advance(&mut self, c: &Contingent, to: (i32, u8)) {
        let Allowance::Monthly { minutes, carry_over } = c.allowance else {
            return;
        };
        let last = c.valid_until.as_deref().map(month_of);
        let to = match last {
            Some(l) if l < to => l,
            _ => to,
        };
        let mut next = match self.month {
            None => month_of(&c.valid_from),
            Some(m) => next_month(m),
        };
        while next <= to {
            self.available = if carry_over { self.available } else { 0 } + minutes;
            self.month = Some(next);
            self.months += 1;
            self.month_start = self.available;
            self.month_used = 0;
            next = next_month(next);
        }
    }

    fn take(&mut self, want: i64) -> i64 {
        let got = want.min(self.available).max(0);
        self.available -= got;
        self.used += got;
        self.month_used += got;
        got
    }
}

/// When the minutes a contingent offers on `day` run out: what booking spends first.
fn expiry(c: &Contingent, day: &str) -> String {
    let until = c.valid_until.clone().unwrap_or_else(|| "9999-12-31".to_string());
    match c.allowance {
        Allowance::Monthly { carry_over: false, .. } => {
            let month_end = format!("{}-31", day.get(0..7).unwrap_or("9999-12"));
            month_end.min(until)
        }
        _ => until,
    }
}

/// Books `items` (oldest first) against `contingents`, and states each contingent's balance on
/// `today`. Each entry goes to the contingents covering its day that have minutes left, the one
/// whose minutes expire first first (then the older one, then the lower id); what none covers
/// is "not covered".
pub fn book(contingents: &[Contingent], items: &[TimeItem], today: &str) -> Ledger {
    let mut pots: BTreeMap<i64, Pot> = BTreeMap::new();
    for c in contingents {
        let available = match c.allowance {
            Allowance::Block { minutes } => minutes,
            Allowance::Monthly { .. } => 0,
        };
        let pot = Pot { available, used: 0, month: None, months: 0, month_start: available, month_used: 0 };
        pots.insert(c.id, pot);
    }
    let mut bookings = Vec::new();
    let mut uncovered = 0;
    let mut total = 0;
    for item in items {
        total += item.minutes;
        let mut open: Vec<&Contingent> = contingents.iter().filter(|c| c.covers(&item.day)).collect();
        open.sort_by(|a, b| {
            (expiry(a, &item.day), &a.valid_from, a.id).cmp(&(expiry(b, &item.day), &b.valid_from, b.id))
        });
        let mut left = item.minutes;
        for c in open {
            if left == 0 {
                break;
            }
            let Some(pot) = pots.get_mut(&c.id) else { continue };
            pot.advance(c, month_of(&item.day));
            let got = pot.take(left);
            if got > 0 {
                bookings.push(Booking { activity_id: item.activity_id, contingent_id: Some(c.id), minutes: got });
                left -= got;
            }
        }
        if left > 0 {
            bookings.push(Booking { activity_id: item.activity_id, contingent_id: None, minutes: left });
            uncovered += left;
        }
    }
    let balances = contingents
        .iter()
        .map(|c| {
            let Some(pot) = pots.get_mut(&c.id) else {
                return Balance {
                    contingent_id: c.id,
                    bought: 0,
                    used: 0,
                    remaining: 0,
                    expired: 0,
                    active: false,
                    period: String::new(),
                    period_bought: 0,
                    period_used: 0,
                };
            };
            let ended = c.valid_until.as_deref().is_some_and(|u| u < today);
            let (bought, period, period_bought, period_used) = match c.allowance {
                Allowance::Block { minutes } => (minutes, String::new(), minutes, pot.used),
                Allowance::Monthly { minutes, .. } => {
                    if c.valid_from.as_str() <= today {
                        pot.advance(c, month_of(today));
                    }
                    let (y, m) = pot.month.unwrap_or_else(|| month_of(today));
                    (pot.months * minutes, format!("{y:04}-{m:02}"), pot.month_start, pot.month_used)
                }
            };
            // A month's rest without carry-over, or an allowance's month that already passed,
            // is gone; `available` holds exactly what is left now.
            let remaining = if ended { 0 } else { pot.available };
            Balance {
                contingent_id: c.id,
                bought,
                used: pot.used,
                remaining,
                expired: bought - pot.used - remaining,
                active: c.covers(today),
                period,
                period_bought,
                period_used,
            }
        })
        .collect();
    Ledger { bookings, balances, uncovered, total }
}

/// The first days of the runs of days that [`book`] treats alike, from the earliest
/// contingent's start on: within a run every day is covered by the same contingents, in the same
/// order, in the same month (when an allowance makes months matter). Booking one entry per run
/// with the run's summed minutes gives every balance that booking the single entries gives
/// (what a day takes from the contingents depends only on the day's total), so a balance
/// needs these sums, not the history. The last run is open-ended. Empty without contingents.
pub fn segment_days(contingents: &[Contingent], today: &str) -> Vec<String> {
    let parse = |d: &str| crate::clock::parse_date(d);
    let mut days: Vec<time::Date> = Vec::new();
    for c in contingents {
        days.extend(parse(&c.valid_from));
        days.extend(c.valid_until.as_deref().and_then(parse).and_then(|u| u.next_day()));
    }
    let Some(&first) = days.iter().min() else {
        return Vec::new();
    };
    if contingents.iter().any(|c| matches!(c.allowance, Allowance::Monthly { .. })) {
        // Month starts up to the one after today (and after the last boundary).
        let last = days.iter().copied().max().unwrap_or(first).max(parse(today).unwrap_or(first));
        let mut m = first.replace_day(1).unwrap_or(first);
        while m <= last {
            let next = match m.month() {
                time::Month::December => time::Date::from_calendar_date(m.year() + 1, time::Month::January, 1),
                month => time::Date::from_calendar_date(m.year(), month.next(), 1),
            };
            let Ok(next) = next else { break };
            m = next;
            days.push(m);
        }
    }
    days.retain(|d| *d >= first);
    days.sort_unstable();
    days.dedup();
    days.iter().map(|d| format!("{:04}-{:02}-{:02}", d.year(), u8::from(d.month()), d.day())).collect()
}

/// Part (or all) of an entry, booked to one place, for the pages that list them.
#[derive(Debug, Clone)]
pub struct BookedEntry {
    pub entry: super::TimeEntry,
    /// The part booked here (the entry's whole `minutes` unless it was split).
    pub minutes: i64,
}

/// A contingent with its balance and what a month booked against it.
#[derive(Debug, Clone)]
pub struct ContingentLine {
    pub contingent: Contingent,
    pub balance: Balance,
    /// The month's entries booked against it.
    pub entries: Vec<BookedEntry>,
    pub month_minutes: i64,
}

/// A customer's contingents on today's balance, with one month's bookings per contingent:
/// `/account/time`, and the staff's monthly statement per contingent.
#[derive(Debug, Clone)]
pub struct ContingentReport {
    pub customer: super::Customer,
    pub year: i32,
    pub month: u8,
    pub lines: Vec<ContingentLine>,
    /// The month's time no contingent covered.
    pub uncovered: Vec<BookedEntry>,
    pub uncovered_minutes: i64,
    /// All time of the month (`== lines' month_minutes + uncovered_minutes`).
    pub month_total: i64,
    /// Remaining minutes of the active contingents (`None`: none active).
    pub remaining: Option<i64>,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn block(id: i64, hours: i64, from: &str, until: Option<&str>) -> Contingent {
        Contingent {
            id,
            customer_id: 1,
            allowance: Allowance::Block { minutes: hours * 60 },
            valid_from: from.into(),
            valid_until: until.map(Into::into),
            note: String::new(),
            created_at: 0,
        }
    }

    fn monthly(id: i64, hours: i64, carry_over: bool, from: &str, until: Option<&str>) -> Contingent {
        Contingent { allowance: Allowance::Monthly { minutes: hours * 60, carry_over }, ..block(id, 1, from, until) }
    }

    fn items(list: &[(&str, i64)]) -> Vec<TimeItem> {
        list.iter()
            .enumerate()
            .map(|(i, (day, minutes))| TimeItem { activity_id: i as i64 + 1, day: (*day).into(), minutes: *minutes })
            .collect()
    }

    /// Minutes per contingent (`None`: not covered), in booking order.
    fn per_contingent(l: &Ledger) -> Vec<(Option<i64>, i64)> {
        let mut out: BTreeMap<Option<i64>, i64> = BTreeMap::new();
        for b in &l.bookings {
            *out.entry(b.contingent_id).or_default() += b.minutes;
        }
        out.into_iter().collect()
    }

    /// The invariants every ledger keeps: each entry's minutes booked exactly once, totals add
    /// up, every balance balances.
    fn assert_sound(l: &Ledger, items: &[TimeItem]) {
        for it in items {
            let booked: i64 = l.bookings.iter().filter(|b| b.activity_id == it.activity_id).map(|b| b.minutes).sum();
            assert_eq!(booked, it.minutes, "entry {} booked {booked} of {}", it.activity_id, it.minutes);
        }
        assert!(l.bookings.iter().all(|b| b.minutes > 0));
        assert_eq!(l.total, items.iter().map(|i| i.minutes).sum::<i64>());
        assert_eq!(l.total, l.bookings.iter().map(|b| b.minutes).sum::<i64>());
        assert_eq!(
            l.uncovered,
            l.bookings.iter().filter(|b| b.contingent_id.is_none()).map(|b| b.minutes).sum::<i64>()
        );
        for b in &l.balances {
            assert_eq!(b.bought, b.used + b.remaining + b.expired, "{b:?}");
            assert!(b.remaining >= 0 && b.expired >= 0 && b.used >= 0, "{b:?}");
            let booked: i64 =
                l.bookings.iter().filter(|x| x.contingent_id == Some(b.contingent_id)).map(|x| x.minutes).sum();
            assert_eq!(booked, b.used);
        }
    }

    struct Case {
        name: &'static str,
        contingents: Vec<Contingent>,
        entries: Vec<(&'static str, i64)>,
        today: &'static str,
        /// Minutes per contingent id (`None`: not covered).
        booked: Vec<(Option<i64>, i64)>,
        /// (id, bought, used, remaining, expired) per contingent.
        balances: Vec<(i64, i64, i64, i64, i64)>,
    }

    #[test]
    fn booking_cases() {
        let cases = vec![
            Case {
                name: "a block takes time until spent, the rest is not covered",
                contingents: vec![block(1, 10, "2026-01-01", None)],
                entries: vec![("2026-01-05", 300), ("2026-02-01", 240), ("2026-02-02", 120)],
                today: "2026-02-10",
                booked: vec![(None, 60), (Some(1), 600)],
                balances: vec![(1, 600, 600, 0, 0)],
            },
            Case {
                name: "time before a contingent starts is not covered",
                contingents: vec![block(1, 10, "2026-03-01", None)],
                entries: vec![("2026-02-28", 30), ("2026-03-01", 45)],
                today: "2026-03-02",
                booked: vec![(None, 30), (Some(1), 45)],
                balances: vec![(1, 600, 45, 555, 0)],
            },
            Case {
                name: "overlapping blocks: the one expiring first is used first, an entry splits",
                contingents: vec![block(1, 10, "2026-01-01", None), block(2, 2, "2026-01-01", Some("2026-06-30"))],
                entries: vec![("2026-02-01", 100), ("2026-02-02", 60)],
                today: "2026-02-03",
                booked: vec![(Some(1), 40), (Some(2), 120)],
                balances: vec![(1, 600, 40, 560, 0), (2, 120, 120, 0, 0)],
            },
            Case {
                name: "an ended block keeps its use and loses its rest",
                contingents: vec![block(1, 5, "2026-01-01", Some("2026-01-31"))],
                entries: vec![("2026-01-10", 60), ("2026-02-01", 30)],
                today: "2026-02-15",
                booked: vec![(None, 30), (Some(1), 60)],
                balances: vec![(1, 300, 60, 0, 240)],
            },
            Case {
                name: "monthly without carry-over: each month starts afresh",
                contingents: vec![monthly(1, 2, false, "2026-01-01", None)],
                entries: vec![("2026-01-10", 30), ("2026-02-03", 150), ("2026-03-04", 60)],
                today: "2026-03-20",
                booked: vec![(None, 30), (Some(1), 210)],
                // Jan: 30 of 120 used (90 expire), Feb: 120 used (30 over), Mar: 60 used, 60 left.
                balances: vec![(1, 360, 210, 60, 90)],
            },
            Case {
                name: "monthly with carry-over: a month's rest stays",
                contingents: vec![monthly(1, 2, true, "2026-01-01", None)],
                entries: vec![("2026-01-10", 30), ("2026-02-03", 150), ("2026-03-04", 60)],
                today: "2026-03-20",
                booked: vec![(Some(1), 240)],
                balances: vec![(1, 360, 240, 120, 0)],
            },
            Case {
                name: "months without time still accrue (carry-over)",
                contingents: vec![monthly(1, 1, true, "2026-01-15", None)],
                entries: vec![("2026-04-02", 200)],
                today: "2026-04-30",
                booked: vec![(Some(1), 200)],
                balances: vec![(1, 240, 200, 40, 0)],
            },
            Case {
                name: "an allowance ends with its last month",
                contingents: vec![monthly(1, 1, true, "2026-01-01", Some("2026-02-28"))],
                entries: vec![("2026-01-02", 30), ("2026-03-01", 30)],
                today: "2026-05-01",
                booked: vec![(None, 30), (Some(1), 30)],
                balances: vec![(1, 120, 30, 0, 90)],
            },
            Case {
                name: "a month's allowance without carry-over expires before a block",
                contingents: vec![
                    block(1, 10, "2026-01-01", Some("2026-12-31")),
                    monthly(2, 1, false, "2026-01-01", None),
                ],
                entries: vec![("2026-01-20", 90)],
                today: "2026-01-21",
                booked: vec![(Some(1), 30), (Some(2), 60)],
                balances: vec![(1, 600, 30, 570, 0), (2, 60, 60, 0, 0)],
            },
            Case {
                name: "a contingent that starts later is bought but not yet used",
                contingents: vec![monthly(1, 4, false, "2026-06-01", None)],
                entries: vec![("2026-05-20", 15)],
                today: "2026-05-21",
                booked: vec![(None, 15)],
                balances: vec![(1, 0, 0, 0, 0)],
            },
        ];
        for case in cases {
            let list = items(&case.entries);
            let ledger = book(&case.contingents, &list, case.today);
            assert_sound(&ledger, &list);
            assert_eq!(per_contingent(&ledger), case.booked, "{}", case.name);
            let got: Vec<_> =
                ledger.balances.iter().map(|b| (b.contingent_id, b.bought, b.used, b.remaining, b.expired)).collect();
            assert_eq!(got, case.balances, "{}", case.name);
        }
    }

    #[test]
    fn re_booking_follows_the_entries() {
        // Booking is a function of the entries: fewer minutes on an old entry free room for a
        // later one; moving an entry away frees all of it.
        let c = vec![block(1, 2, "2026-01-01", None)];
        let before = items(&[("2026-01-02", 100), ("2026-01-03", 60)]);
        let l = book(&c, &before, "2026-01-04");
        assert_eq!(per_contingent(&l), vec![(None, 40), (Some(1), 120)]);
        let edited = items(&[("2026-01-02", 50), ("2026-01-03", 60)]);
        let l = book(&c, &edited, "2026-01-04");
        assert_sound(&l, &edited);
        assert_eq!(per_contingent(&l), vec![(Some(1), 110)]);
        let moved = items(&[("2026-01-03", 60)]);
        let l = book(&c, &moved, "2026-01-04");
        assert_eq!(l.balances[0].remaining, 60);
    }

    #[test]
    fn booking_sums_per_run_of_days_gives_the_balances_of_booking_every_entry() {
        let sets = vec![
            vec![block(1, 20, "2025-03-10", None)],
            vec![block(1, 8, "2025-03-10", Some("2025-09-30")), block(2, 30, "2025-06-01", None)],
            vec![monthly(1, 3, false, "2025-02-15", None), block(2, 10, "2025-05-01", Some("2026-01-31"))],
            vec![monthly(1, 4, true, "2025-04-01", Some("2025-12-31")), monthly(2, 2, false, "2025-01-01", None)],
        ];
        // Entries on days spread over two years, several on some days (a simple LCG).
        let mut x: u64 = 7;
        let mut entries = Vec::new();
        let start = time::Date::from_calendar_date(2025, time::Month::January, 1).unwrap();
        for i in 0..400 {
            x = x.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            let day = start + time::Duration::days(i64::from((i * 7 / 4) as u32 % 700));
            let iso = format!("{:04}-{:02}-{:02}", day.year(), u8::from(day.month()), day.day());
            entries.push(TimeItem { activity_id: i64::from(i) + 1, day: iso, minutes: (x >> 33) as i64 % 180 + 1 });
        }
        for today in ["2025-08-20", "2026-11-30"] {
            let items: Vec<TimeItem> = entries.iter().filter(|e| e.day.as_str() <= today).cloned().collect();
            for c in &sets {
                let runs = segment_days(c, today);
                let mut sums: Vec<TimeItem> = Vec::new();
                for it in &items {
                    let Some(run) = runs.iter().rev().find(|d| d.as_str() <= it.day.as_str()) else { continue };
                    match sums.last_mut() {
                        Some(last) if &last.day == run => last.minutes += it.minutes,
                        _ => sums.push(TimeItem { activity_id: 0, day: run.clone(), minutes: it.minutes }),
                    }
                }
                let first = runs.first().unwrap().as_str();
                let since: Vec<TimeItem> = items.iter().filter(|i| i.day.as_str() >= first).cloned().collect();
                let (whole, by_run) = (book(c, &since, today), book(c, &sums, today));
                assert_eq!(whole.balances, by_run.balances, "{c:?} on {today}");
                assert_eq!(whole.active_remaining(), by_run.active_remaining());
            }
        }
    }

    #[test]
    fn warning_periods_and_thresholds() {
        let c = vec![monthly(1, 10, false, "2026-01-01", None), block(2, 5, "2026-01-01", None)];
        let l = book(&c, &items(&[("2026-02-02", 540)]), "2026-02-03");
        let m = l.balance(1).unwrap();
        assert_eq!((m.period.as_str(), m.period_bought, m.period_used, m.period_percent()), ("2026-02", 600, 540, 90));
        assert_eq!(crossed(m.period_used, m.period_bought, &[80, 100]), vec![80]);
        assert_eq!(crossed(600, 600, &[80, 100]), vec![80, 100]);
        assert_eq!(crossed(10, 0, &[80, 100]), Vec::<i64>::new());
        let b = l.balance(2).unwrap();
        assert_eq!((b.period.as_str(), b.period_percent()), ("", 0));
        assert_eq!(l.active_remaining(), Some(60 + 300));
        assert_eq!(book(&[], &[], "2026-01-01").active_remaining(), None);
    }

    #[test]
    fn hours_parse_to_minutes() {
        for (input, max, want) in [
            ("10", MAX_BLOCK_HOURS, Some(600)),
            ("7,5", MAX_BLOCK_HOURS, Some(450)),
            ("0.25", MAX_BLOCK_HOURS, Some(15)),
            (" 2.1 ", MAX_BLOCK_HOURS, Some(126)),
            ("0", MAX_BLOCK_HOURS, None),
            ("-5", MAX_BLOCK_HOURS, None),
            ("1e3", MAX_BLOCK_HOURS, None),
            ("10001", MAX_BLOCK_HOURS, None),
            ("745", MAX_MONTHLY_HOURS, None),
            ("744", MAX_MONTHLY_HOURS, Some(744 * 60)),
            ("1.2.3", MAX_BLOCK_HOURS, None),
            ("1.123", MAX_BLOCK_HOURS, None),
            ("", MAX_BLOCK_HOURS, None),
            ("99999999999999999999", MAX_BLOCK_HOURS, None),
        ] {
            assert_eq!(parse_hours(input, max), want, "{input:?}");
        }
    }
}
