-- Hotline: the recoverable password copy (XChaCha20-Poly1305, key outside the database) and
-- lookups for verify/reveal limits and the customer's own transparency list.

ALTER TABLE customers ADD COLUMN password_copy BLOB;

CREATE INDEX audit_log_target ON audit_log (target, action, created_at);
