-- E-mail notifications: each person's on/off switch, and the outbox. An outbox row is written
-- in the transaction that adds the activity, so a mail exists exactly when its activity does;
-- a background sender delivers it and marks it sent only after the relay's 250 to the data.

ALTER TABLE customers ADD COLUMN notify INTEGER NOT NULL DEFAULT 1 CHECK (notify IN (0, 1));
ALTER TABLE staff ADD COLUMN notify INTEGER NOT NULL DEFAULT 1 CHECK (notify IN (0, 1));

CREATE TABLE outbox (
    id              INTEGER PRIMARY KEY,
    created_at      INTEGER NOT NULL,
    ticket_id       INTEGER REFERENCES tickets (id),
    activity_id     INTEGER REFERENCES activities (id),
    customer_id     INTEGER REFERENCES customers (id),
    staff_id        INTEGER REFERENCES staff (id),
    recipient       TEXT NOT NULL,                   -- the address for RCPT TO
    subject         TEXT NOT NULL,                   -- for the admin list; the header is in message
    message_id      TEXT NOT NULL UNIQUE,            -- without angle brackets
    message         TEXT NOT NULL,                   -- the whole RFC 5322 message, CRLF, 7 bit
    -- pending: waits for next_attempt_at; sending: handed to the relay right now (a crash
    -- leaves it here, and the next start sends it again); sent; failed: given up.
    state           TEXT NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'sending', 'sent', 'failed')),
    attempts        INTEGER NOT NULL DEFAULT 0,
    next_attempt_at INTEGER NOT NULL,
    last_error      TEXT,
    relay_reply     TEXT,                            -- the relay's answer to the data
    sent_at         INTEGER
);
CREATE INDEX outbox_due ON outbox (next_attempt_at, id) WHERE state = 'pending';
CREATE INDEX outbox_state ON outbox (state, id);
CREATE INDEX outbox_ticket ON outbox (ticket_id);
