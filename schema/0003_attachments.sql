-- Attachments live in the database as chunk rows, written in short transactions while the
-- upload streams in, and become visible only when the whole file arrived and its hash is stored.

CREATE TABLE attachments (
    id             INTEGER PRIMARY KEY,
    ticket_id      INTEGER REFERENCES tickets (id),      -- NULL while the upload is pending
    activity_id    INTEGER REFERENCES activities (id),
    file_name      TEXT NOT NULL,                        -- display text only, never a path
    media_type     TEXT NOT NULL,
    size           INTEGER NOT NULL DEFAULT 0,
    sha256         TEXT,                                 -- set when complete
    previewable    INTEGER NOT NULL DEFAULT 0 CHECK (previewable IN (0, 1)),
    uploader_kind  TEXT NOT NULL CHECK (uploader_kind IN ('customer', 'staff')),
    uploader_name  TEXT NOT NULL,
    created_at     INTEGER NOT NULL,
    complete       INTEGER NOT NULL DEFAULT 0 CHECK (complete IN (0, 1)),
    CHECK (complete = 0 OR (ticket_id IS NOT NULL AND activity_id IS NOT NULL AND sha256 IS NOT NULL))
);
CREATE INDEX attachments_ticket ON attachments (ticket_id, id) WHERE complete = 1;
CREATE INDEX attachments_activity ON attachments (activity_id) WHERE complete = 1;
CREATE INDEX attachments_pending ON attachments (created_at) WHERE complete = 0;

CREATE TABLE attachment_chunks (
    id            INTEGER PRIMARY KEY,
    attachment_id INTEGER NOT NULL REFERENCES attachments (id) ON DELETE CASCADE,
    seq           INTEGER NOT NULL,
    data          BLOB NOT NULL,
    UNIQUE (attachment_id, seq)
);
