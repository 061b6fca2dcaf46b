-- ticketd schema, step 1. Append-only: never edit a shipped migration, add the next file.
-- Times are Unix seconds (UTC). Month keys (YYYYMM) are local to the configured time zone.

CREATE TABLE customers (
    id                  INTEGER PRIMARY KEY,
    customer_no         TEXT NOT NULL UNIQUE,
    name                TEXT NOT NULL,
    email               TEXT NOT NULL,           -- stored lower case
    phone               TEXT NOT NULL DEFAULT '',
    password_hash       TEXT NOT NULL,
    active              INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
    language            TEXT CHECK (language IN ('de', 'en')),
    created_at          INTEGER NOT NULL,
    password_changed_at INTEGER
);
CREATE UNIQUE INDEX customers_email ON customers (email) WHERE email <> '';
CREATE INDEX customers_name ON customers (name COLLATE NOCASE);

CREATE TABLE staff (
    id                   INTEGER PRIMARY KEY,
    username             TEXT NOT NULL UNIQUE,
    name                 TEXT NOT NULL,
    email                TEXT NOT NULL,          -- stored lower case
    role                 TEXT NOT NULL CHECK (role IN ('agent', 'admin')),
    password_hash        TEXT NOT NULL,
    must_change_password INTEGER NOT NULL DEFAULT 0 CHECK (must_change_password IN (0, 1)),
    active               INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
    language             TEXT CHECK (language IN ('de', 'en')),
    created_at           INTEGER NOT NULL
);
CREATE UNIQUE INDEX staff_email ON staff (email) WHERE email <> '';

-- Server-side sessions. The cookie holds a random token; only its SHA-256 is stored.
CREATE TABLE sessions (
    token_hash    BLOB PRIMARY KEY,
    customer_id   INTEGER REFERENCES customers (id) ON DELETE CASCADE,
    staff_id      INTEGER REFERENCES staff (id) ON DELETE CASCADE,
    csrf          TEXT NOT NULL,
    created_at    INTEGER NOT NULL,
    last_seen_at  INTEGER NOT NULL,
    CHECK ((customer_id IS NULL) <> (staff_id IS NULL))
) WITHOUT ROWID;
CREATE INDEX sessions_customer ON sessions (customer_id) WHERE customer_id IS NOT NULL;
CREATE INDEX sessions_staff ON sessions (staff_id) WHERE staff_id IS NOT NULL;

-- Ticket numbers: one sequence per year; a number is never handed out twice.
CREATE TABLE ticket_sequences (
    year     INTEGER PRIMARY KEY,
    last_seq INTEGER NOT NULL
);

CREATE TABLE tickets (
    id                 INTEGER PRIMARY KEY,
    number             TEXT NOT NULL UNIQUE,     -- YYYY-NNNNN
    customer_id        INTEGER NOT NULL REFERENCES customers (id),
    subject            TEXT NOT NULL,
    status             TEXT NOT NULL CHECK (status IN ('open', 'in_progress', 'waiting', 'closed')),
    priority           TEXT NOT NULL CHECK (priority IN ('low', 'normal', 'high', 'urgent')),
    assignee_id        INTEGER REFERENCES staff (id),
    created_at         INTEGER NOT NULL,
    created_month      INTEGER NOT NULL,         -- YYYYMM in the configured time zone
    closed_at          INTEGER,
    -- Counters kept up to date in the transaction that adds an activity, so lists never
    -- aggregate over activities. They count what the customer sees (no internal activities),
    -- except `minutes`, which is all time spent.
    activity_count     INTEGER NOT NULL DEFAULT 0,
    last_activity_at   INTEGER NOT NULL,
    last_activity_kind TEXT NOT NULL,
    last_activity_by   TEXT NOT NULL,
    minutes            INTEGER NOT NULL DEFAULT 0,
    -- The same for staff, who also see internal activities.
    staff_activity_count   INTEGER NOT NULL DEFAULT 0,
    staff_last_activity_at INTEGER NOT NULL
);
CREATE INDEX tickets_customer_month ON tickets (customer_id, created_month, minutes);
CREATE INDEX tickets_customer_last ON tickets (customer_id, last_activity_at);
CREATE INDEX tickets_month ON tickets (created_month);
CREATE INDEX tickets_status_last ON tickets (status, staff_last_activity_at);
CREATE INDEX tickets_last ON tickets (staff_last_activity_at);
CREATE INDEX tickets_assignee ON tickets (assignee_id, staff_last_activity_at);

CREATE TABLE activities (
    id            INTEGER PRIMARY KEY,
    ticket_id     INTEGER NOT NULL REFERENCES tickets (id),
    kind          TEXT NOT NULL CHECK (kind IN ('message', 'internal_note', 'call', 'email',
                                                'status', 'priority', 'assignee', 'document')),
    internal      INTEGER NOT NULL DEFAULT 0 CHECK (internal IN (0, 1)),
    author_kind   TEXT NOT NULL CHECK (author_kind IN ('customer', 'staff', 'system')),
    customer_id   INTEGER REFERENCES customers (id),
    staff_id      INTEGER REFERENCES staff (id),
    author_name   TEXT NOT NULL,                 -- as it was when written
    body          TEXT NOT NULL DEFAULT '',
    minutes       INTEGER NOT NULL DEFAULT 0 CHECK (minutes >= 0),
    email_from    TEXT,
    email_to      TEXT,
    email_subject TEXT,
    old_value     TEXT,
    new_value     TEXT,
    created_at    INTEGER NOT NULL
);
CREATE INDEX activities_ticket ON activities (ticket_id, created_at, id);
CREATE INDEX activities_staff_time ON activities (staff_id, created_at) WHERE minutes > 0;

-- Values of the configurable form fields ([[fields]]), per ticket. Kept when a field leaves
-- the config, so nothing stored is lost.
CREATE TABLE ticket_fields (
    ticket_id INTEGER NOT NULL REFERENCES tickets (id),
    key       TEXT NOT NULL,
    value     TEXT NOT NULL,
    PRIMARY KEY (ticket_id, key)
) WITHOUT ROWID;

-- Full-text search over subjects and activity texts. `internal` rows are for staff only.
CREATE VIRTUAL TABLE search USING fts5 (
    text,
    ticket_id UNINDEXED,
    internal UNINDEXED,
    tokenize = 'unicode61 remove_diacritics 2'
);

CREATE TABLE audit_log (
    id          INTEGER PRIMARY KEY,
    created_at  INTEGER NOT NULL,
    actor       TEXT NOT NULL,                   -- 'staff:<username>', 'customer:<no>', 'system'
    action      TEXT NOT NULL,
    target      TEXT NOT NULL DEFAULT '',
    detail      TEXT NOT NULL DEFAULT '',
    address     TEXT NOT NULL DEFAULT ''
);
CREATE INDEX audit_log_time ON audit_log (created_at);
CREATE INDEX audit_log_actor ON audit_log (actor, created_at);
CREATE INDEX audit_log_action ON audit_log (action, created_at);
