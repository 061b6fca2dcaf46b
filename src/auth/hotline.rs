//! The recoverable password copy for the hotline: XChaCha20-Poly1305 under a 32-byte key kept in
//! a file outside the database (mode 0600). The customer id is bound as associated data, so a
//! copy moved to another customer's row does not decrypt.

use std::io::Write;
use std::path::Path;

use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};

use crate::error::{Error, Result};

pub struct HotlineKey {
    cipher: XChaCha20Poly1305,
}

const NONCE_LEN: usize = 24;

fn aad(customer_id: i64) -> Vec<u8> {
    format!("ticketd-hotline-v1:customer:{customer_id}").into_bytes()
}

/// A contact's copy is bound to the contact (schema 0014): it opens neither as a customer's
/// nor as another contact's.
fn contact_aad(contact_id: i64) -> Vec<u8> {
    format!("ticketd-hotline-v1:contact:{contact_id}").into_bytes()
}

impl HotlineKey {
    /// Loads the key, creating it (mode 0600) when the file does not exist yet. A key file that
    /// group or others may read is refused.
    pub fn load_or_create(path: &Path) -> std::result::Result<HotlineKey, String> {
        if !path.exists() {
            let mut key = [0u8; 32];
            getrandom::getrandom(&mut key).map_err(|e| format!("cannot create a hotline key: {e}"))?;
            let mut opts = std::fs::OpenOptions::new();
            opts.write(true).create_new(true);
            #[cfg(unix)]
            {
                use std::os::unix::fs::OpenOptionsExt;
                opts.mode(0o600);
            }
            let mut f =
                opts.open(path).map_err(|e| format!("cannot create the hotline key file {}: {e}", path.display()))?;
            f.write_all(&key)
                .and_then(|_| f.sync_all())
                .map_err(|e| format!("cannot write {}: {e}", path.display()))?;
        }
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let meta = std::fs::metadata(path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
            let mode = meta.permissions().mode() & 0o777;
            if mode & 0o077 != 0 {
                return Err(format!(
                    "the hotline key file {} is readable by others (mode {mode:o}); run `chmod 600 {}`",
                    path.display(),
                    path.display()
                ));
            }
        }
        let bytes = std::fs::read(path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
        if bytes.len() != 32 {
            return Err(format!("the hotline key file {} must hold exactly 32 bytes", path.display()));
        }
        let cipher = XChaCha20Poly1305::new_from_slice(&bytes).map_err(|_| "invalid hotline key".to_string())?;
        Ok(HotlineKey { cipher })
    }

    pub fn from_bytes(key: &[u8; 32]) -> HotlineKey {
        HotlineKey { cipher: XChaCha20Poly1305::new(key.into()) }
    }

    /// Nonce (24 random bytes) followed by the ciphertext and tag.
    pub fn seal(&self, customer_id: i64, password: &str) -> Result<Vec<u8>> {
        self.seal_with(&aad(customer_id), password)
    }

    /// `None` when the copy does not belong to this customer or was tampered with.
    pub fn open(&self, customer_id: i64, sealed: &[u8]) -> Option<String> {
        self.open_with(&aad(customer_id), sealed)
    }

    /// A contact's hotline copy (`contacts.password_copy`).
    pub fn seal_contact(&self, contact_id: i64, password: &str) -> Result<Vec<u8>> {
        self.seal_with(&contact_aad(contact_id), password)
    }

    pub fn open_contact(&self, contact_id: i64, sealed: &[u8]) -> Option<String> {
        self.open_with(&contact_aad(contact_id), sealed)
    }

    /// A secret setting (`smtp.password`, …) sealed for the database, bound to its key name.
    pub fn seal_setting(&self, key: &str, secret: &str) -> Result<Vec<u8>> {
        self.seal_with(format!("setting:{key}").as_bytes(), secret)
    }

    pub fn open_setting(&self, key: &str, sealed: &[u8]) -> Option<String> {
        self.open_with(format!("setting:{key}").as_bytes(), sealed)
    }

    fn seal_with(&self, aad: &[u8], password: &str) -> Result<Vec<u8>> {
        let mut nonce = [0u8; NONCE_LEN];
        getrandom::getrandom(&mut nonce).map_err(|e| Error::internal("random", e))?;
        let ct = self
            .cipher
            .encrypt(XNonce::from_slice(&nonce), Payload { msg: password.as_bytes(), aad })
            .map_err(|_| Error::Internal("hotline copy: encryption failed".into()))?;
        let mut out = nonce.to_vec();
        out.extend_from_slice(&ct);
        Ok(out)
    }

    fn open_with(&self, aad: &[u8], sealed: &[u8]) -> Option<String> {
        if sealed.len() <= NONCE_LEN {
            return None;
        }
        let (nonce, ct) = sealed.split_at(NONCE_LEN);
        let pt = self.cipher.decrypt(XNonce::from_slice(nonce), Payload { msg: ct, aad }).ok()?;
        String::from_utf8(pt).ok()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sealed_copies_open_only_for_their_customer() {
        let k = HotlineKey::from_bytes(&[7u8; 32]);
        let a = k.seal(1, "Geheim-123").unwrap();
        let b = k.seal(1, "Geheim-123").unwrap();
        assert_ne!(a, b, "a fresh nonce each time");
        assert_eq!(k.open(1, &a).as_deref(), Some("Geheim-123"));
        assert_eq!(k.open(2, &a), None, "moved to another customer");
        let mut tampered = a.clone();
        let last = tampered.len() - 1;
        tampered[last] ^= 1;
        assert_eq!(k.open(1, &tampered), None);
        assert!(!a.windows(10).any(|w| w == b"Geheim-123"));
        let other = HotlineKey::from_bytes(&[8u8; 32]);
        assert_eq!(other.open(1, &a), None);
    }

    #[test]
    fn contact_copies_open_only_for_their_contact() {
        let k = HotlineKey::from_bytes(&[7u8; 32]);
        let c = k.seal_contact(1, "Geheim-123").unwrap();
        assert_eq!(k.open_contact(1, &c).as_deref(), Some("Geheim-123"));
        assert_eq!(k.open_contact(2, &c), None);
        assert_eq!(k.open(1, &c), None, "a contact's copy is not the customer's");
        assert_eq!(k.open_contact(1, &k.seal(1, "x").unwrap()), None);
    }

    #[test]
    fn key_files_are_created_private_and_refused_when_open() {
        let dir = std::env::temp_dir().join(format!("ticketd-key-{}", std::process::id()));
        let _ = std::fs::create_dir_all(&dir);
        let path = dir.join("ticketd.key");
        let _ = std::fs::remove_file(&path);
        HotlineKey::load_or_create(&path).unwrap();
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            assert_eq!(std::fs::metadata(&path).unwrap().permissions().mode() & 0o777, 0o600);
            std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).unwrap();
            let err = HotlineKey::load_or_create(&path).err().unwrap();
            assert!(err.contains("readable by others"), "{err}");
        }
        let _ = std::fs::remove_dir_all(&dir);
    }
}
