//! Time-based one-time passwords (RFC 6238: HMAC-SHA-1, 6 digits, 30-second steps, one step
//! of clock skew either way) and the recovery codes that stand in for a lost device.

use totp_rs::{Builder, Secret};

use crate::error::{Error, Result};

/// Recovery codes handed out per enrolment.
pub const RECOVERY_CODES: usize = 10;

/// A new random secret (160 bits, as RFC 4226 recommends), base32 without padding.
pub fn new_secret() -> Result<String> {
    let mut buf = [0u8; 20];
    getrandom::getrandom(&mut buf).map_err(|e| Error::internal("random", e))?;
    Ok(Secret::from(buf.to_vec()).to_base32())
}

/// The time step a `code` is valid for at `now` (unix seconds), if any.
pub fn check(secret_base32: &str, code: &str, now: i64) -> Option<u64> {
    let secret = Secret::try_from_base32(secret_base32).ok()?;
    let totp = Builder::new().with_secret(secret).build().ok()?;
    let code: String = code.chars().filter(|c| !c.is_whitespace()).collect();
    if code.len() != 6 || !code.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    totp.check(&code, u64::try_from(now).ok()?)
}

/// The `otpauth://` URI an authenticator app reads from the QR code.
pub fn otpauth_uri(issuer: &str, account: &str, secret_base32: &str) -> String {
    let enc = |s: &str| percent_encoding::utf8_percent_encode(s, percent_encoding::NON_ALPHANUMERIC).to_string();
    format!(
        "otpauth://totp/{}:{}?secret={secret_base32}&issuer={}&algorithm=SHA1&digits=6&period=30",
        enc(issuer),
        enc(account),
        enc(issuer)
    )
}

/// Fresh recovery codes, `xxxxx-xxxxx` in lowercase hex.
pub fn new_recovery_codes() -> Result<Vec<String>> {
    (0..RECOVERY_CODES)
        .map(|_| {
            let h = super::random_hex(5)?;
            Ok(format!("{}-{}", &h[..5], &h[5..]))
        })
        .collect()
}

/// What is stored for a recovery code: the SHA-256 of its normalized form.
pub fn recovery_hash(code: &str) -> Vec<u8> {
    let norm: String = code.chars().filter(|c| c.is_ascii_alphanumeric()).collect::<String>().to_ascii_lowercase();
    super::token_hash(&norm)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rfc6238_sha1_vector_and_skew() {
        // RFC 6238 appendix B: secret "12345678901234567890", T = 59 → 94287082 (8 digits);
        // the 6-digit code is its last six digits.
        let secret = Secret::from(b"12345678901234567890".to_vec()).to_base32();
        assert_eq!(check(&secret, "287082", 59), Some(1));
        assert_eq!(check(&secret, "287082", 59 + 30), Some(1), "one step late is accepted");
        assert_eq!(check(&secret, "287082", 59 + 60), None, "two steps late is not");
        assert_eq!(check(&secret, "28708", 59), None);
        assert_eq!(check(&secret, "abcdef", 59), None);
    }

    #[test]
    fn recovery_codes_are_distinct_and_normalized() {
        let codes = new_recovery_codes().unwrap();
        assert_eq!(codes.len(), RECOVERY_CODES);
        assert_eq!(recovery_hash(&codes[0]), recovery_hash(&codes[0].to_uppercase().replace('-', " ")));
        assert_ne!(recovery_hash(&codes[0]), recovery_hash(&codes[1]));
        assert_eq!(new_secret().unwrap().len(), 32);
    }
}
