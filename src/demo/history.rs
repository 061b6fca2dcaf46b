//! A planned ticket's history, step by step, as the portal would have written it.

use super::corpus::*;
use super::people::{DemoCustomer, Member};
use super::plan::Plan;
use super::rng::Rng;
use super::{office, DAY, HOUR, MINUTE, SUPPORT_EMAIL};
use crate::db::tickets::{self, NewActivity, NewTicket};
use crate::model::{ActivityKind, Priority, Status};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Author {
    Customer,
    Staff(usize),
    System,
}

pub(super) struct Act {
    kind: ActivityKind,
    author: Author,
    body: String,
    minutes: i64,
    email_from: Option<String>,
    email_to: Option<String>,
    email_subject: Option<String>,
    old_value: Option<String>,
    new_value: Option<String>,
    at: i64,
}

/// A ticket with its history, ready to be written.
pub(super) struct TicketOut<'a> {
    pub(super) number: String,
    pub(super) customer: &'a DemoCustomer,
    pub(super) staff: &'a [Member],
    pub(super) subject: String,
    pub(super) status: Status,
    pub(super) priority: Priority,
    pub(super) assignee: Option<usize>,
    pub(super) created_at: i64,
    pub(super) created_month: i64,
    pub(super) closed_at: Option<i64>,
    pub(super) acts: Vec<Act>,
}

impl TicketOut<'_> {
    pub(super) fn new_ticket(&self) -> NewTicket<'_> {
        NewTicket {
            number: &self.number,
            customer_id: self.customer.id,
            subject: &self.subject,
            status: self.status,
            priority: self.priority,
            assignee_id: self.assignee.map(|i| self.staff[i].id),
            created_at: self.created_at,
            created_month: self.created_month,
        }
    }

    pub(super) fn activities(&self) -> impl Iterator<Item = NewActivity<'_>> {
        self.acts.iter().map(|a| {
            let by = match a.author {
                Author::Customer => tickets::Author::customer(self.customer.id, &self.customer.name),
                Author::Staff(i) => tickets::Author::staff(self.staff[i].id, &self.staff[i].name),
                Author::System => tickets::Author::SYSTEM,
            };
            NewActivity {
                minutes: a.minutes,
                email_from: a.email_from.as_deref(),
                email_to: a.email_to.as_deref(),
                email_subject: a.email_subject.as_deref(),
                old_value: a.old_value.as_deref(),
                new_value: a.new_value.as_deref(),
                ..NewActivity::new(a.kind, by, &a.body, a.at)
            }
        })
    }
}

/// Times of `k` activities from `start`: at least a minute apart, all before `now`, all in
/// office hours (planned on the office time line of `office`, where a day has ten hours).
fn timeline(rng: &mut Rng, start: i64, k: usize, status: Status, bench: bool, now: i64, tz: &time_tz::Tz) -> Vec<i64> {
    let recent = now - start < 60 * DAY;
    let (start_real, start, now) = (start, office::to_office(start, tz), office::to_office(now, tz));
    let mut out = Vec::with_capacity(k);
    out.push(start_real);
    if k < 2 {
        return out;
    }
    let gaps = (k - 1) as i64;
    let max_span = (now - MINUTE - start).max(gaps * MINUTE);
    let typical = *rng.pick(&[20 * MINUTE, 2 * HOUR, 5 * HOUR, office::OFFICE_DAY, 2 * office::OFFICE_DAY]);
    let mut span = gaps * typical;
    if bench {
        span = max_span * 9 / 10;
    } else if status != Status::Closed && recent {
        // Work in progress reaches up to the last days.
        span = span.max(max_span * 7 / 10);
    }
    let span = span.clamp(gaps * MINUTE, max_span);
    // Many short gaps, a few long ones.
    let weights: Vec<u64> = (0..gaps)
        .map(|_| {
            let r = rng.below(100);
            1 + r * r
        })
        .collect();
    let sum: u128 = weights.iter().map(|&w| u128::from(w)).sum();
    let extra = (span - gaps * MINUTE) as u128;
    let mut t = start;
    for w in weights {
        t += MINUTE + (extra * u128::from(w) / sum) as i64;
        out.push(office::from_office(t, tz));
    }
    out
}

/// The greeting as a letter starts: "Guten Tag, Frau Yilmaz," (the name set off by commas).
fn staff_letter(salutation: &str, text: &str, signer: &str) -> String {
    format!("Guten Tag, {salutation},\n\n{text}\n\nViele Grüße\n{signer}")
}

/// "Herr Demir" → "Herrn Demir" ("Rückruf bei Herrn Demir"); "Frau …" stays.
fn dative(salutation: &str) -> String {
    match salutation.strip_prefix("Herr ") {
        Some(name) => format!("Herrn {name}"),
        None => salutation.to_string(),
    }
}

fn customer_letter(text: &str, signer: &str) -> String {
    format!("Hallo,\n\n{text}\n\nViele Grüße\n{signer}")
}

/// Writes one ticket's history step by step, keeping its status as the portal would.
struct Script<'a> {
    rng: Rng,
    out: TicketOut<'a>,
    times: Vec<i64>,
    fix: String,
    /// Who works on the ticket; `admin` hands tickets out.
    agent: usize,
    admin: usize,
}

impl Script<'_> {
    fn push(&mut self, kind: ActivityKind, author: Author, body: String, minutes: i64) -> &mut Act {
        let at = self.times[self.out.acts.len()];
        self.out.acts.push(Act {
            kind,
            author,
            body,
            minutes,
            email_from: None,
            email_to: None,
            email_subject: None,
            old_value: None,
            new_value: None,
            at,
        });
        let last = self.out.acts.len() - 1;
        &mut self.out.acts[last]
    }

    fn left(&self) -> usize {
        self.times.len() - self.out.acts.len()
    }

    /// Mostly the ticket's agent, sometimes a colleague.
    fn worker(&mut self) -> Author {
        if self.rng.chance(80) {
            Author::Staff(self.agent)
        } else {
            Author::Staff(self.rng.index(self.out.staff.len()))
        }
    }

    fn signer(&self, a: Author) -> &str {
        match a {
            Author::Staff(i) => &self.out.staff[i].name,
            _ => "",
        }
    }

    fn set_status(&mut self, author: Author, new: Status) {
        let old = self.out.status;
        let act = self.push(ActivityKind::Status, author, String::new(), 0);
        act.old_value = Some(old.as_str().to_string());
        act.new_value = Some(new.as_str().to_string());
        let at = act.at;
        self.out.status = new;
        self.out.closed_at = (new == Status::Closed).then_some(at);
    }

    fn opening(&mut self, body: &str) {
        let c = self.out.customer;
        match self.rng.weighted(&[(0, 65), (1, 25), (2, 10)]) {
            0 => {
                let text = customer_letter(body, &c.contact_name);
                self.push(ActivityKind::Message, Author::Customer, text, 0);
            }
            1 => {
                let detail = self.rng.pick(CALL_DETAILS);
                let text = format!("Kunde rief an ({}): {}. {detail}", c.salutation, self.out.subject);
                let who = self.worker();
                self.push(ActivityKind::Call, who, text, 15);
            }
            _ => {
                let text = customer_letter(body, &c.contact_name);
                let who = self.worker();
                let subject = self.out.subject.clone();
                let act = self.push(ActivityKind::Email, who, text, 0);
                act.email_from = Some(c.email.clone());
                act.email_to = Some(SUPPORT_EMAIL.to_string());
                act.email_subject = Some(subject);
            }
        }
    }

    fn customer_message(&mut self, texts: &[&str]) {
        let text = *self.rng.pick(texts);
        let text = customer_letter(text, &self.out.customer.contact_name);
        self.push(ActivityKind::Message, Author::Customer, text, 0);
    }

    fn staff_message(&mut self, text: &str, minutes: i64) {
        let who = self.worker();
        let body = staff_letter(&self.out.customer.salutation, text, self.signer(who));
        self.push(ActivityKind::Message, who, body, minutes);
    }

    fn email_out(&mut self, texts: &[&str]) {
        let who = self.worker();
        let text = *self.rng.pick(texts);
        let body = staff_letter(&self.out.customer.salutation, text, self.signer(who));
        let minutes = *self.rng.pick(&[15, 15, 30]);
        let subject = format!("{} [Ticket {}]", self.out.subject, self.out.number);
        let to = self.out.customer.email.clone();
        let act = self.push(ActivityKind::Email, who, body, minutes);
        act.email_from = Some(SUPPORT_EMAIL.to_string());
        act.email_to = Some(to);
        act.email_subject = Some(subject);
    }

    fn email_in(&mut self) {
        let who = self.worker();
        let c = self.out.customer;
        let text = *self.rng.pick(CUSTOMER_FOLLOWUPS);
        let body = customer_letter(text, &c.contact_name);
        let subject = format!("AW: {} [Ticket {}]", self.out.subject, self.out.number);
        let act = self.push(ActivityKind::Email, who, body, 0);
        act.email_from = Some(c.email.clone());
        act.email_to = Some(SUPPORT_EMAIL.to_string());
        act.email_subject = Some(subject);
    }

    fn call(&mut self, incoming: bool) {
        let who = self.worker();
        let text = if incoming {
            self.rng.pick(CALLS_IN).to_string()
        } else {
            self.rng.pick(CALLS_OUT).replace("{contact_dat}", &dative(&self.out.customer.salutation))
        };
        let minutes = *self.rng.pick(CALL_MINUTES);
        self.push(ActivityKind::Call, who, text, minutes);
    }

    fn note(&mut self) {
        let who = self.worker();
        let text = self.rng.pick(NOTES).to_string();
        let minutes = *self.rng.pick(NOTE_MINUTES);
        self.push(ActivityKind::InternalNote, who, text, minutes);
    }

    fn assign(&mut self) {
        let who = if self.rng.chance(50) { Author::Staff(self.admin) } else { Author::Staff(self.agent) };
        let name = self.out.staff[self.agent].name.clone();
        let act = self.push(ActivityKind::Assignee, who, String::new(), 0);
        act.new_value = Some(name);
    }

    fn reprioritize(&mut self) {
        let new = self.out.priority;
        let others: Vec<Priority> = Priority::ALL.iter().copied().filter(|p| *p != new).collect();
        let old = *self.rng.pick(&others);
        let who = self.worker();
        let act = self.push(ActivityKind::Priority, who, String::new(), 0);
        act.old_value = Some(old.as_str().to_string());
        act.new_value = Some(new.as_str().to_string());
    }

    /// The customer answers; a ticket that waited for them (or was closed) opens again, a
    /// second later, by the system — as `tickets::reply` does.
    fn customer_reply(&mut self) {
        self.customer_message(CUSTOMER_ANSWERS);
        let old = self.out.status;
        if matches!(old, Status::Waiting | Status::Closed) {
            let at = self.out.acts[self.out.acts.len() - 1].at + 1;
            self.set_status(Author::System, Status::Open);
            let last = self.out.acts.len() - 1;
            self.out.acts[last].at = at;
        }
    }

    /// One more step of an ordinary ticket's life, given its status. Called only while there
    /// is a slot to spare beyond what reaching `target` needs.
    fn step(&mut self, target: Status) {
        let left = self.left();
        // An event of `slots` activities that leaves the ticket `after` fits if there is still
        // room to reach the final status behind it.
        let fits = |slots: usize, after: Status| left >= slots + usize::from(after != target);
        match self.out.status {
            Status::Open => match self.rng.weighted(&[(0, 30), (1, 25), (2, 10), (3, 10), (4, 10), (5, 5), (6, 5)]) {
                0 if fits(1, Status::InProgress) => {
                    let who = self.worker();
                    self.set_status(who, Status::InProgress);
                }
                0 | 1 => self.staff_reply(),
                2 => self.call(false),
                3 => self.note(),
                4 => self.customer_message(CUSTOMER_FOLLOWUPS),
                5 => self.email_in(),
                _ => self.email_out(STAFF_REPLIES),
            },
            Status::InProgress => {
                match self.rng.weighted(&[(0, 24), (1, 20), (2, 10), (3, 8), (4, 8), (5, 4), (6, 12), (7, 7)]) {
                    0 => self.staff_reply(),
                    1 => self.note(),
                    2 => self.call(false),
                    3 => self.call(true),
                    4 => self.email_out(STAFF_REPLIES),
                    5 => self.email_in(),
                    6 => self.customer_message(CUSTOMER_FOLLOWUPS),
                    _ if fits(2, Status::Waiting) => {
                        let text = *self.rng.pick(STAFF_QUESTIONS);
                        self.staff_message(text, 15);
                        let who = Author::Staff(self.agent);
                        self.set_status(who, Status::Waiting);
                    }
                    _ => self.note(),
                }
            }
            Status::Waiting | Status::Closed => match self.rng.weighted(&[(0, 50), (1, 20), (2, 20), (3, 10)]) {
                0 if fits(2, Status::Open) => self.customer_reply(),
                3 if fits(1, Status::InProgress) => {
                    let who = self.worker();
                    self.set_status(who, Status::InProgress);
                }
                0 | 1 => self.email_out(STAFF_REMINDERS),
                _ => self.call(true),
            },
        }
    }

    fn staff_reply(&mut self) {
        let text = *self.rng.pick(STAFF_REPLIES);
        let minutes = *self.rng.pick(STAFF_MINUTES);
        self.staff_message(text, minutes);
    }
}

/// A planned ticket's whole history, from its own seed.
pub(super) fn script<'a>(
    plan: &Plan,
    customers: &'a [DemoCustomer],
    staff: &'a [Member],
    agents: &[usize],
    admin: usize,
    now: i64,
    tz: &time_tz::Tz,
) -> TicketOut<'a> {
    let mut rng = Rng::new(plan.seed);
    let topic = if plan.bench { &BENCH_TOPIC } else { rng.pick(TOPICS) };
    let person = rng.pick(PERSONS);
    let subject = person.fill(topic.subject);
    let body = person.fill(topic.body);
    let times = timeline(&mut rng, plan.created_at, plan.activities, plan.status, plan.bench, now, tz);
    let agent = *rng.pick(agents);
    let k = plan.activities;
    let target = plan.status;
    let mut s = Script {
        rng,
        out: TicketOut {
            number: plan.number.to_string(),
            customer: &customers[plan.customer],
            staff,
            subject,
            status: Status::Open,
            priority: plan.priority,
            assignee: None,
            created_at: plan.created_at,
            created_month: plan.created_month,
            closed_at: None,
            acts: Vec::with_capacity(k),
        },
        times,
        fix: topic.fix.to_string(),
        agent,
        admin,
    };
    s.opening(&body);
    let mut reprioritize = k >= 6 && s.rng.chance(12);
    while s.left() > 0 {
        let left = s.left();
        let need = usize::from(s.out.status != target);
        if left <= need {
            let who = Author::Staff(agent);
            s.set_status(who, target);
        } else if left == 2 && need == 1 && target == Status::Closed {
            let fix = s.fix.clone();
            let minutes = *s.rng.pick(FIX_MINUTES);
            s.staff_message(&fix, minutes);
        } else if left == 2 && need == 1 && target == Status::Waiting {
            let text = *s.rng.pick(STAFF_QUESTIONS);
            s.staff_message(text, 15);
        } else if s.out.acts.len() == 1 && s.rng.chance(55) {
            s.assign();
        } else if reprioritize && s.rng.chance(25) {
            s.reprioritize();
            reprioritize = false;
        } else {
            s.step(target);
        }
    }
    let mut out = s.out;
    let worked = out.acts.iter().any(|a| matches!(a.author, Author::Staff(_)));
    out.assignee = worked.then_some(agent);
    out
}
