-- Hotline call codes: a customer creates a 6-digit code on /account/call-code and reads it to
-- the hotline instead of the password. One live code per customer (a new one replaces it),
-- valid 10 minutes, single use. Only a SHA-256 of the customer id and the code is stored; a
-- million codes are quickly hashed, so the failure limit on verify is what protects them.

CREATE TABLE call_codes (
    customer_id INTEGER PRIMARY KEY REFERENCES customers(id) ON DELETE CASCADE,
    code_hash   BLOB    NOT NULL,
    created_at  INTEGER NOT NULL,
    expires_at  INTEGER NOT NULL,
    used_at     INTEGER
);
