-- Mail in (`ticketd mail receive`, IMAP polling): messages that found no ticket and no known
-- sender wait in `/staff/inbox` (held, purged after `[inbound] hold_days`); every imported
-- message leaves a key so the same message delivered twice is stored once; the same rows
-- count a sender's messages for `[inbound] max_per_sender_per_hour`.

CREATE TABLE inbound_held (
    id          INTEGER PRIMARY KEY,
    received_at INTEGER NOT NULL,
    from_addr   TEXT NOT NULL,                   -- lower case
    from_name   TEXT NOT NULL DEFAULT '',
    subject     TEXT NOT NULL DEFAULT '',
    -- unknown_sender; foreign_reference (refers to a ticket of another customer: a forged or
    -- mistaken From); rate_limit (over max_per_sender_per_hour)
    reason      TEXT NOT NULL CHECK (reason IN ('unknown_sender', 'foreign_reference', 'rate_limit')),
    preview     TEXT NOT NULL DEFAULT '',        -- the trimmed text, shortened
    raw         BLOB NOT NULL                    -- the whole message as received
);
CREATE INDEX inbound_held_received ON inbound_held (received_at);

-- One row per message taken in (imported or held): `mid:<Message-ID>`, or `sha256:<hex>` of the
-- raw message when it has none.
CREATE TABLE inbound_seen (
    key         TEXT PRIMARY KEY,
    received_at INTEGER NOT NULL,
    sender      TEXT NOT NULL,                   -- lower-case From address
    outcome     TEXT NOT NULL CHECK (outcome IN ('reply', 'new', 'held'))
) WITHOUT ROWID;
CREATE INDEX inbound_seen_sender ON inbound_seen (sender, received_at) WHERE outcome <> 'held';
CREATE INDEX inbound_seen_received ON inbound_seen (received_at);
