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
