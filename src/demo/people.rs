//! The demo customers and the demo team.

use std::collections::HashSet;

use super::corpus::{AREA_CODES, BUSINESSES, CITIES, CONTACTS, FIRST_CUSTOMERS, MAIL_BOXES, STAFF, SURNAMES};
use super::rng::Rng;
use super::{CUSTOMER_PASSWORD, DAY, HISTORY_DAYS};
use crate::app::App;
use crate::db::demo as ddb;
use crate::db::{customers, staff};
use crate::error::Result;
use crate::model::Role;

pub(super) struct DemoCustomer {
    pub(super) id: i64,
    pub(super) no: String,
    pub(super) name: String,
    pub(super) email: String,
    /// "Ayşe Yilmaz": how the contact signs.
    pub(super) contact_name: String,
    /// "Frau Yilmaz": how staff address the contact.
    pub(super) salutation: String,
}

pub(super) struct Member {
    pub(super) id: i64,
    pub(super) username: String,
    pub(super) name: String,
    pub(super) role: Role,
    /// `false` when the account existed before (its password is left alone).
    pub(super) created: bool,
}

/// ASCII for a domain name: "Bäckerei Schmidt" → "baeckerei-schmidt".
fn slug(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars().flat_map(char::to_lowercase) {
        match c {
            'ä' => out.push_str("ae"),
            'ö' => out.push_str("oe"),
            'ü' => out.push_str("ue"),
            'ß' => out.push_str("ss"),
            'ş' => out.push('s'),
            c if c.is_ascii_alphanumeric() => out.push(c),
            _ => {
                if !out.is_empty() && !out.ends_with('-') {
                    out.push('-');
                }
            }
        }
    }
    out.trim_end_matches('-').to_string()
}

fn with_form(base: &str, form: &str) -> String {
    if form.is_empty() {
        base.to_string()
    } else {
        format!("{base} {form}")
    }
}

fn random_business(rng: &mut Rng) -> (String, &'static str) {
    let (pattern, forms) = rng.pick(BUSINESSES);
    let n = rng.pick(SURNAMES);
    let mut m = rng.pick(SURNAMES);
    while m == n {
        m = rng.pick(SURNAMES);
    }
    let base = pattern.replace("{n}", n).replace("{m}", m);
    (base, *rng.pick(forms))
}

/// Adds `n` customers with unused numbers, names and e-mail addresses, all with the demo
/// password (`hash`), and its hotline copy when the hotline is on.
pub(super) fn add_customers(
    app: &App,
    tx: &rusqlite::Connection,
    rng: &mut Rng,
    n: usize,
    hash: &str,
    now: i64,
) -> Result<Vec<DemoCustomer>> {
    let mut taken = ddb::customer_keys(tx)?;
    let mut next_no = 10_001u64;
    let mut out = Vec::with_capacity(n);
    for i in 0..n {
        let no = unused_number(&mut taken.numbers, &mut next_no);
        let (base, name) = unused_name(rng, i, &no, &mut taken.names);
        let email = unused_email(rng, &base, &mut taken.emails);
        let phone = phone_number(rng);
        let &(first, last, female) = rng.pick(CONTACTS);
        let salutation = format!("{} {last}", if female { "Frau" } else { "Herr" });
        // Customers joined before their first ticket, spread over a year.
        let created_at = now - (HISTORY_DAYS as i64 + 30 + rng.below(365) as i64) * DAY;
        let id = customers::insert(
            tx,
            &customers::NewCustomer {
                customer_no: &no,
                name: &name,
                email: &email,
                phone: &phone,
                password_hash: hash,
            },
            created_at,
        )?;
        if let Some(copy) = app.seal_password(id, CUSTOMER_PASSWORD)? {
            customers::set_password_copy(tx, id, Some(&copy))?;
        }
        out.push(DemoCustomer { id, no, name, email, contact_name: format!("{first} {last}"), salutation });
    }
    Ok(out)
}

/// The next customer number from `next_no` on that nobody has.
fn unused_number(numbers: &mut HashSet<String>, next_no: &mut u64) -> String {
    loop {
        let no = format!("K-{next_no}");
        *next_no += 1;
        if numbers.insert(no.clone()) {
            return no;
        }
    }
}

/// A business name nobody has: the `i`-th fixed name first, then random ones; a name in use
/// gets a town, then the number. Returns the name without and with its legal form.
fn unused_name(rng: &mut Rng, i: usize, no: &str, names: &mut HashSet<String>) -> (String, String) {
    let mut candidates = Vec::new();
    if let Some((base, form)) = FIRST_CUSTOMERS.get(i) {
        candidates.push((base.to_string(), *form));
    }
    for _ in 0..20 {
        candidates.push(random_business(rng));
    }
    let (base, form) =
        candidates.iter().find(|(b, f)| !names.contains(&with_form(b, f))).cloned().unwrap_or_else(|| {
            let (base, form) = candidates.swap_remove(0);
            let city = rng.pick(CITIES);
            let with_city = format!("{base} {city}");
            if names.contains(&with_form(&with_city, form)) {
                (format!("{with_city} {no}"), form)
            } else {
                (with_city, form)
            }
        });
    let name = with_form(&base, form);
    names.insert(name.clone());
    (base, name)
}

/// A mailbox at the business's own domain; a domain in use gets a number.
fn unused_email(rng: &mut Rng, base: &str, emails: &mut HashSet<String>) -> String {
    let domain = slug(base);
    let mailbox = rng.pick(MAIL_BOXES);
    let mut email = format!("{mailbox}@{domain}.example");
    let mut suffix = 2;
    while emails.contains(&email) {
        email = format!("{mailbox}@{domain}-{suffix}.example");
        suffix += 1;
    }
    emails.insert(email.clone());
    email
}

/// A German landline number, sometimes with an extension.
fn phone_number(rng: &mut Rng) -> String {
    format!(
        "{} {}{}",
        rng.pick(AREA_CODES),
        100_000 + rng.below(9_000_000),
        if rng.chance(30) { format!("-{}", 10 + rng.below(90)) } else { String::new() }
    )
}

/// The demo team; accounts that exist already are used as they are.
pub(super) fn ensure_staff(tx: &rusqlite::Connection, hash: &str, now: i64) -> Result<Vec<Member>> {
    let mut out = Vec::with_capacity(STAFF.len());
    for &(username, name, email, role) in STAFF {
        if let Some(s) = staff::get_by_username(tx, username)? {
            out.push(Member { id: s.id, username: s.username, name: s.name, role: s.role, created: false });
            continue;
        }
        let email = if staff::exists_email(tx, email, None)? { "" } else { email };
        let id = staff::insert(
            tx,
            &staff::NewStaff { username, name, email, role, password_hash: hash, must_change_password: false },
            now - (HISTORY_DAYS as i64 + 400) * DAY,
        )?;
        out.push(Member { id, username: username.to_string(), name: name.to_string(), role, created: true });
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs_are_ascii() {
        assert_eq!(slug("Bäckerei Schmidt"), "baeckerei-schmidt");
        assert_eq!(slug("Steuerkanzlei Weber & Partner"), "steuerkanzlei-weber-partner");
        assert_eq!(slug("Architekturbüro Groß + Köhler"), "architekturbuero-gross-koehler");
    }
}
