//! Planning: how many tickets, for whom, when, in which final status, with how many
//! activities, and their numbers.

use std::collections::HashMap;

use super::corpus::FIRST_CUSTOMERS;
use super::people::DemoCustomer;
use super::rng::Rng;
use super::{
    Options, BENCH_ACTIVITIES, BENCH_THRESHOLD, DAY, HISTORY_DAYS, HOUR, HUGE_ACTIVITIES, HUGE_THRESHOLD, MINUTE,
};
use crate::clock;
use crate::error::{Error, Result};
use crate::model::{month_key, Priority, Status, TicketNo};

/// A ticket before its history is written.
pub(super) struct Plan {
    pub(super) customer: usize,
    pub(super) created_at: i64,
    pub(super) status: Status,
    pub(super) priority: Priority,
    pub(super) activities: usize,
    pub(super) bench: bool,
    pub(super) seed: u64,
    pub(super) number: TicketNo,
    pub(super) created_month: i64,
}

/// Activities per ticket, and how many leading tickets are benchmark ones (0, 1 with
/// [`BENCH_ACTIVITIES`], or 2: that one and one with [`HUGE_ACTIVITIES`]).
fn activity_counts(rng: &mut Rng, tickets: usize, total: usize) -> Result<(Vec<usize>, usize)> {
    if total == 0 {
        // 2–12, mostly few.
        let counts = (0..tickets).map(|_| 2 + (rng.below(11) * rng.below(11) / 10) as usize).collect();
        return Ok((counts, 0));
    }
    if total < tickets {
        return Err(Error::Internal(format!(
            "--activities {total} is less than --tickets {tickets}: every ticket starts with an \
             activity (use --activities 0 for a realistic number per ticket)"
        )));
    }
    let huge = BENCH_ACTIVITIES + HUGE_ACTIVITIES;
    let mut counts = if total >= HUGE_THRESHOLD && tickets >= 3 && total - huge >= tickets - 2 {
        vec![BENCH_ACTIVITIES, HUGE_ACTIVITIES]
    } else if total >= BENCH_THRESHOLD && tickets >= 2 && total - BENCH_ACTIVITIES >= tickets - 1 {
        vec![BENCH_ACTIVITIES]
    } else {
        Vec::new()
    };
    let bench = counts.len();
    let rest_total = total - counts.iter().sum::<usize>();
    let n = tickets - counts.len();
    // Every ticket gets one; the rest is shared by random weights, the remainder round-robin.
    let weights: Vec<u64> = (0..n)
        .map(|_| {
            let w = 1 + rng.below(6);
            if rng.chance(10) {
                w + rng.below(25)
            } else {
                w
            }
        })
        .collect();
    let sum: u128 = weights.iter().map(|&w| u128::from(w)).sum();
    let spare = (rest_total - n) as u128;
    let start = counts.len();
    counts.extend(weights.iter().map(|&w| 1 + (spare * u128::from(w) / sum) as usize));
    let mut left = rest_total - counts[start..].iter().sum::<usize>();
    let mut i = rng.index(n);
    while left > 0 {
        counts[start + i] += 1;
        left -= 1;
        i = (i + 1) % n;
    }
    Ok((counts, bench))
}

/// A working-day moment in the last three years, more often recent, in local business hours.
fn created_time(rng: &mut Rng, now: i64, tz: &time_tz::Tz, max_age_days: Option<u64>) -> i64 {
    let age = match max_age_days {
        Some(d) => d,
        None if rng.chance(50) => rng.below(HISTORY_DAYS),
        None => rng.below(HISTORY_DAYS).min(rng.below(HISTORY_DAYS)),
    } as i64;
    let mut day = now.div_euclid(DAY) - age;
    // Day 0 (1970-01-01) was a Thursday; 0 = Monday. Weekends move to the Friday before.
    let weekday = (day + 3).rem_euclid(7);
    if weekday >= 5 {
        day -= weekday - 4;
    }
    let local = day * DAY + 8 * HOUR + rng.below(10 * HOUR as u64) as i64;
    local - i64::from(clock::local(local, tz).offset().whole_seconds())
}

fn status_for_age(rng: &mut Rng, age_days: i64) -> Status {
    use Status::*;
    let weights: &[(Status, u64)] = if age_days < 14 {
        &[(Open, 35), (InProgress, 30), (Waiting, 20), (Closed, 15)]
    } else if age_days < 60 {
        &[(Open, 5), (InProgress, 10), (Waiting, 15), (Closed, 70)]
    } else {
        &[(Open, 1), (InProgress, 1), (Waiting, 1), (Closed, 97)]
    };
    rng.weighted(weights)
}

/// Plans every ticket, sorted by creation time and numbered from each year's sequence.
pub(super) fn plan_tickets(
    rng: &mut Rng,
    opts: &Options,
    customers: &[DemoCustomer],
    last_seqs: &mut HashMap<i32, i64>,
    now: i64,
    tz: &time_tz::Tz,
) -> Result<Vec<Plan>> {
    let (counts, bench) = activity_counts(rng, opts.tickets, opts.activities)?;
    if opts.tickets > 0 && customers.is_empty() {
        return Err(Error::Internal("--tickets needs at least one customer".into()));
    }
    let cumulative = customer_weights(rng, customers.len());
    let mut plans: Vec<Plan> =
        counts.iter().enumerate().map(|(i, &k)| plan_one(rng, &cumulative, i, k, i < bench, now, tz)).collect();
    plans.sort_by_key(|p| p.created_at);
    // Every status at least once: the newest tickets that can change status show them all, and
    // the first customer (the documented demo login K-10001) has an open, a waiting and a
    // closed one among them (issue 19).
    let newest = plans.iter_mut().rev().filter(|p| p.activities >= 2 && !p.bench);
    for (p, s) in newest.zip([Status::Closed, Status::Waiting, Status::InProgress, Status::Open]) {
        p.status = s;
        if s != Status::InProgress {
            p.customer = 0;
        }
    }
    for p in &mut plans {
        let (year, month) = clock::year_month(p.created_at, tz);
        let seq = last_seqs.entry(year).or_insert(0);
        *seq += 1;
        p.number = TicketNo { year, seq: *seq };
        p.created_month = month_key(year, month);
    }
    Ok(plans)
}

/// Running totals of the customers' weights: a few busy customers, many quiet ones; the first
/// three (whose logins are printed) are busy.
fn customer_weights(rng: &mut Rng, customers: usize) -> Vec<u64> {
    let mut cumulative = Vec::with_capacity(customers);
    let mut total = 0u64;
    for i in 0..customers {
        total += if i < FIRST_CUSTOMERS.len() {
            40
        } else {
            let r = rng.below(5);
            1 + r * r
        };
        cumulative.push(total);
    }
    cumulative
}

/// The `i`-th ticket with `k` activities, not yet numbered.
fn plan_one(rng: &mut Rng, cumulative: &[u64], i: usize, k: usize, bench: bool, now: i64, tz: &time_tz::Tz) -> Plan {
    let customer = if bench {
        0
    } else {
        let r = rng.below(cumulative.last().copied().unwrap_or(0));
        cumulative.partition_point(|&c| c <= r)
    };
    // Room for all activities, a minute apart, before now — in office hours (issue 19).
    let room = (k as i64 + 2) * MINUTE;
    let latest = super::office::to_office(now, tz) - room;
    let created_at = super::office::from_office(
        super::office::to_office(created_time(rng, now, tz, bench.then_some(900)), tz).min(latest),
        tz,
    );
    let status = if k < 2 {
        Status::Open
    } else if bench {
        Status::InProgress
    } else {
        status_for_age(rng, (now - created_at) / DAY)
    };
    let priority = match i {
        1..=4 => Priority::ALL[i - 1],
        _ => rng.weighted(&[(Priority::Low, 15), (Priority::Normal, 60), (Priority::High, 18), (Priority::Urgent, 7)]),
    };
    Plan {
        customer,
        created_at,
        status,
        priority,
        activities: k,
        bench,
        seed: rng.next_u64(),
        number: TicketNo { year: 0, seq: 0 },
        created_month: 0,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn activity_totals_are_exact() {
        let mut rng = Rng::new(1);
        let (counts, bench) = activity_counts(&mut rng, 300, 7_777).unwrap();
        assert_eq!(bench, 1);
        assert_eq!(counts[0], BENCH_ACTIVITIES);
        assert_eq!(counts.iter().sum::<usize>(), 7_777);
        assert!(counts.iter().all(|&c| c >= 1));
        let (counts, bench) = activity_counts(&mut rng, 20_000, HUGE_THRESHOLD).unwrap();
        assert_eq!(bench, 2);
        assert_eq!(counts[..2], [BENCH_ACTIVITIES, HUGE_ACTIVITIES]);
        assert_eq!(counts.iter().sum::<usize>(), HUGE_THRESHOLD);
        let (counts, bench) = activity_counts(&mut rng, 10, 10).unwrap();
        assert_eq!(bench, 0);
        assert_eq!(counts, vec![1; 10]);
        assert!(activity_counts(&mut rng, 10, 9).is_err());
        let (counts, _) = activity_counts(&mut rng, 500, 0).unwrap();
        assert!(counts.iter().all(|c| (2..=12).contains(c)));
    }
}
