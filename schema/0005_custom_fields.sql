-- Configurable fields: changes become activities of kind 'field', values are searchable and
-- filterable. The activities table is rebuilt to widen its kind check (SQLite cannot alter a
-- CHECK in place); ids are kept, so attachments keep pointing at their activities.

CREATE TABLE activities_new (
    id            INTEGER PRIMARY KEY,
    ticket_id     INTEGER NOT NULL REFERENCES tickets (id),
    kind          TEXT NOT NULL CHECK (kind IN ('message', 'internal_note', 'call', 'email',
                                                'status', 'priority', 'assignee', 'document', 'field')),
    internal      INTEGER NOT NULL DEFAULT 0 CHECK (internal IN (0, 1)),
    author_kind   TEXT NOT NULL CHECK (author_kind IN ('customer', 'staff', 'system')),
    customer_id   INTEGER REFERENCES customers (id),
    staff_id      INTEGER REFERENCES staff (id),
    author_name   TEXT NOT NULL,
    body          TEXT NOT NULL DEFAULT '',
    minutes       INTEGER NOT NULL DEFAULT 0 CHECK (minutes >= 0),
    email_from    TEXT,
    email_to      TEXT,
    email_subject TEXT,
    old_value     TEXT,
    new_value     TEXT,
    created_at    INTEGER NOT NULL
);
INSERT INTO activities_new SELECT id, ticket_id, kind, internal, author_kind, customer_id, staff_id, author_name,
    body, minutes, email_from, email_to, email_subject, old_value, new_value, created_at FROM activities;
DROP TABLE activities;
ALTER TABLE activities_new RENAME TO activities;
CREATE INDEX activities_ticket ON activities (ticket_id, created_at, id);
CREATE INDEX activities_staff_time ON activities (staff_id, created_at) WHERE minutes > 0;

CREATE INDEX ticket_fields_value ON ticket_fields (key, value);

-- One row per ticket with all its field values, rowid = ticket id (replaced on change).
CREATE VIRTUAL TABLE field_search USING fts5 (
    text,
    tokenize = 'unicode61 remove_diacritics 2'
);
