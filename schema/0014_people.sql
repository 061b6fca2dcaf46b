-- People, not shared logins. A customer (the company, with its customer number) keeps its
-- main account in `customers` (login by customer number, sees every ticket of the company);
-- its contacts are people with their own login by e-mail, password, language, notification
-- choice and role. A `contact_id` of NULL anywhere below means "the main account".
-- Existing databases need no data change: every customer simply has no contacts yet.

CREATE TABLE contacts (
    id                  INTEGER PRIMARY KEY,
    customer_id         INTEGER NOT NULL REFERENCES customers (id),
    name                TEXT NOT NULL,
    email               TEXT NOT NULL,           -- stored lower case; unique across customers and contacts (app::people checks customers)
    phone               TEXT NOT NULL DEFAULT '',
    password_hash       TEXT,                    -- NULL until an invitation is accepted
    password_copy       BLOB,                    -- the hotline copy, sealed as for customers
    password_changed_at INTEGER,
    role                TEXT NOT NULL DEFAULT 'member' CHECK (role IN ('member', 'manager')),
    active              INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
    language            TEXT CHECK (language IN ('de', 'en')),
    notify              INTEGER NOT NULL DEFAULT 1 CHECK (notify IN (0, 1)),
    created_at          INTEGER NOT NULL
);
CREATE UNIQUE INDEX contacts_email ON contacts (email);
CREATE INDEX contacts_customer ON contacts (customer_id, name COLLATE NOCASE);
CREATE INDEX contacts_name ON contacts (name COLLATE NOCASE);
CREATE INDEX contacts_phone ON contacts (phone) WHERE phone <> '';

-- Who is logged in: the company (customer_id) and, for a contact, the person.
ALTER TABLE sessions ADD COLUMN contact_id INTEGER REFERENCES contacts (id) ON DELETE CASCADE;
CREATE INDEX sessions_contact ON sessions (contact_id) WHERE contact_id IS NOT NULL;

-- Who opened a ticket, and who wrote an activity (customer_id stays the company).
ALTER TABLE tickets ADD COLUMN contact_id INTEGER REFERENCES contacts (id);
CREATE INDEX tickets_contact ON tickets (contact_id, last_activity_at) WHERE contact_id IS NOT NULL;
ALTER TABLE activities ADD COLUMN contact_id INTEGER REFERENCES contacts (id);

-- Colleagues added to a ticket: they see it and get its mail (members see only the tickets
-- they opened or were added to).
CREATE TABLE ticket_people (
    ticket_id  INTEGER NOT NULL REFERENCES tickets (id),
    contact_id INTEGER NOT NULL REFERENCES contacts (id),
    added_at   INTEGER NOT NULL,
    PRIMARY KEY (ticket_id, contact_id)
) WITHOUT ROWID;
CREATE INDEX ticket_people_contact ON ticket_people (contact_id, ticket_id);

-- A notification's person, when it goes to a contact.
ALTER TABLE outbox ADD COLUMN contact_id INTEGER REFERENCES contacts (id);

-- Call codes per person: one live code per (customer, person); contact_id 0 = main account
-- (a primary key cannot hold NULL usefully). Codes live ten minutes, so none are carried over.
DROP TABLE call_codes;
CREATE TABLE call_codes (
    customer_id INTEGER NOT NULL REFERENCES customers (id) ON DELETE CASCADE,
    contact_id  INTEGER NOT NULL DEFAULT 0,
    code_hash   BLOB    NOT NULL,
    created_at  INTEGER NOT NULL,
    expires_at  INTEGER NOT NULL,
    used_at     INTEGER,
    PRIMARY KEY (customer_id, contact_id)
) WITHOUT ROWID;

-- Password links by e-mail: resets (60 minutes) and invitations (7 days). Only a SHA-256 of
-- the 256-bit token is stored; a token is used once; setting a password any other way deletes
-- the person's open tokens. Exactly one of customer (main account), contact or staff.
CREATE TABLE password_tokens (
    token_hash  BLOB PRIMARY KEY,
    purpose     TEXT NOT NULL CHECK (purpose IN ('reset', 'invite')),
    customer_id INTEGER REFERENCES customers (id) ON DELETE CASCADE,
    contact_id  INTEGER REFERENCES contacts (id) ON DELETE CASCADE,
    staff_id    INTEGER REFERENCES staff (id) ON DELETE CASCADE,
    created_at  INTEGER NOT NULL,
    expires_at  INTEGER NOT NULL,
    used_at     INTEGER,
    CHECK ((customer_id IS NOT NULL) + (contact_id IS NOT NULL) + (staff_id IS NOT NULL) = 1)
) WITHOUT ROWID;
CREATE INDEX password_tokens_customer ON password_tokens (customer_id, created_at) WHERE customer_id IS NOT NULL;
CREATE INDEX password_tokens_contact ON password_tokens (contact_id, created_at) WHERE contact_id IS NOT NULL;
CREATE INDEX password_tokens_staff ON password_tokens (staff_id, created_at) WHERE staff_id IS NOT NULL;
