-- Two-factor sign-in for staff (RFC 6238). One row per staff member who started enrolling;
-- `confirmed_at` is NULL until a first code confirmed it. `last_step` is the last accepted
-- 30-second step, so a code is accepted once. The secret is stored as base32 text (see
-- ARCHITECTURE.md, "Two-factor sign-in").

CREATE TABLE staff_totp (
    staff_id     INTEGER PRIMARY KEY REFERENCES staff(id) ON DELETE CASCADE,
    secret       TEXT NOT NULL,
    confirmed_at INTEGER,
    last_step    INTEGER NOT NULL DEFAULT 0,
    created_at   INTEGER NOT NULL
);

-- Single-use recovery codes: only their SHA-256 is kept; `used_at` set on use.
CREATE TABLE staff_recovery_codes (
    staff_id  INTEGER NOT NULL REFERENCES staff(id) ON DELETE CASCADE,
    code_hash BLOB NOT NULL,
    used_at   INTEGER,
    PRIMARY KEY (staff_id, code_hash)
) WITHOUT ROWID;
