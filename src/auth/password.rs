//! bcrypt hashing and password generation.

use crate::error::{Error, Result};

pub fn hash(password: &str, cost: u32) -> Result<String> {
    bcrypt::hash(password, cost).map_err(|e| Error::internal("bcrypt hash", e))
}

/// `false` for a wrong password and for a malformed stored hash alike.
pub fn verify(password: &str, hash: &str) -> bool {
    bcrypt::verify(password, hash).unwrap_or(false)
}

/// A hash of nothing anyone knows, verified against when the account does not exist so that
/// unknown accounts take as long as wrong passwords.
pub fn dummy_hash(cost: u32) -> String {
    bcrypt::hash("ticketd-no-such-account", cost).unwrap_or_default()
}

/// bcrypt only looks at the first 72 bytes; longer passwords would silently be truncated.
/// The 10,000 most common passwords, lowercase, one per line (see `data/README.md`).
const COMMON: &str = include_str!("../../data/common-passwords.txt");

/// One of the 10,000 most common passwords, in any case.
pub fn is_common(password: &str) -> bool {
    let lower = password.to_lowercase();
    COMMON.lines().any(|l| l == lower)
}

/// Whether the password contains one of the account's own names (customer number, username,
/// e-mail local part), in any case. Names shorter than 3 characters are not looked for.
pub fn contains_own_name(password: &str, names: &[&str]) -> bool {
    let lower = password.to_lowercase();
    names.iter().map(|n| n.trim().to_lowercase()).any(|n| n.chars().count() >= 3 && lower.contains(&n))
}

pub const MAX_PASSWORD_BYTES: usize = 72;

/// A readable generated password: four groups of four from an alphabet without look-alikes,
/// about 95 bits.
pub fn generate() -> Result<String> {
    const ALPHABET: &[u8] = b"abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
    let mut buf = [0u8; 16];
    getrandom::getrandom(&mut buf).map_err(|e| Error::internal("random", e))?;
    let mut out = String::with_capacity(19);
    for (i, b) in buf.iter().enumerate() {
        if i > 0 && i % 4 == 0 {
            out.push('-');
        }
        // 256 % 55 bias is negligible for a one-time password that must be changed.
        out.push(char::from(ALPHABET[usize::from(*b) % ALPHABET.len()]));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn common_passwords_and_own_names_are_recognized() {
        assert_eq!(COMMON.lines().count(), 10_000);
        for pw in ["password", "PassWord", "123456", "qwerty", "letmein"] {
            assert!(is_common(pw), "{pw}");
        }
        assert!(!is_common("korken-zieher-wanduhr-7"));
        assert!(contains_own_name("x10012x-geheim", &["10012", "anna.beispiel"]));
        assert!(contains_own_name("ANNA.BEISPIEL-2024", &["10012", "anna.beispiel"]));
        assert!(!contains_own_name("korken-zieher-wanduhr", &["10012", "anna.beispiel", "", "al"]));
    }

    #[test]
    fn hash_and_verify() {
        let h = hash("geheim-123", 4).unwrap();
        assert!(verify("geheim-123", &h));
        assert!(!verify("geheim-124", &h));
        assert!(!verify("x", "not a hash"));
    }

    #[test]
    fn generated_passwords_look_right() {
        let p = generate().unwrap();
        assert_eq!(p.len(), 19);
        assert_eq!(p.matches('-').count(), 3);
        assert_ne!(p, generate().unwrap());
    }
}
