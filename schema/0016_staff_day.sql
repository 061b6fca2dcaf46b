-- The hotline's day (issue 19): what is new per agent, the queue in order of the customers'
-- latest word, follow-up dates, text snippets and personal signatures.

-- The latest activity by the customer (time for the queue's order, id for "unread"); NULL
-- while the customer has said nothing (a ticket opened by staff). Kept by
-- db::tickets::add_activity with the other counters.
ALTER TABLE tickets ADD COLUMN customer_activity_at INTEGER;
ALTER TABLE tickets ADD COLUMN customer_activity_id INTEGER;
-- Follow-up ("Wiedervorlage"): the instant (local midnight of the chosen date) from which the
-- ticket is back in the active view; 0 = none. 0 rather than NULL so "not deferred now" is one
-- range (`follow_up_at <= now`) an index can search.
ALTER TABLE tickets ADD COLUMN follow_up_at INTEGER NOT NULL DEFAULT 0;

UPDATE tickets SET
    customer_activity_at = (SELECT max(created_at) FROM activities a
                            WHERE a.ticket_id = tickets.id AND a.author_kind = 'customer'),
    customer_activity_id = (SELECT max(id) FROM activities a
                            WHERE a.ticket_id = tickets.id AND a.author_kind = 'customer');

-- The queue's default order: newest customer activity first (a ticket the customer has not
-- written in counts from its creation). The expression must stay identical to the ORDER BY in
-- db::tickets::list for SQLite to use these indexes.
CREATE INDEX tickets_attention ON tickets ((coalesce(customer_activity_at, created_at)));
CREATE INDEX tickets_active_attention ON tickets ((coalesce(customer_activity_at, created_at)))
    WHERE status <> 'closed';
-- The active views' counts (not closed, not deferred), alone and per assignee; and the
-- follow-up view (deferred until later).
CREATE INDEX tickets_active_follow_up ON tickets (follow_up_at, minutes) WHERE status <> 'closed';
CREATE INDEX tickets_active_assignee_follow_up ON tickets (assignee_id, follow_up_at, minutes)
    WHERE status <> 'closed';

-- Which customer activity each agent has seen per ticket: written when the agent opens the
-- ticket. A ticket is unread for an agent while its customer_activity_id is newer.
CREATE TABLE ticket_seen (
    staff_id    INTEGER NOT NULL REFERENCES staff (id) ON DELETE CASCADE,
    ticket_id   INTEGER NOT NULL REFERENCES tickets (id) ON DELETE CASCADE,
    activity_id INTEGER NOT NULL,
    seen_at     INTEGER NOT NULL,
    PRIMARY KEY (staff_id, ticket_id)
) WITHOUT ROWID;

-- Text snippets ("Textbausteine"): personal (only the owner sees them) or shared with all staff
-- (only admins create, change or delete those).
CREATE TABLE snippets (
    id         INTEGER PRIMARY KEY,
    owner_id   INTEGER NOT NULL REFERENCES staff (id) ON DELETE CASCADE,
    title      TEXT NOT NULL,
    body       TEXT NOT NULL,
    shared     INTEGER NOT NULL DEFAULT 0 CHECK (shared IN (0, 1)),
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
);
CREATE INDEX snippets_owner ON snippets (owner_id, title);
CREATE INDEX snippets_shared ON snippets (title) WHERE shared = 1;

-- A personal signature, appended to the staff member's messages to customers.
ALTER TABLE staff ADD COLUMN signature TEXT NOT NULL DEFAULT '';
