-- Webhooks (issue 21). Every event is written by a trigger in the very transaction that causes
-- it, whoever writes (a page, the API, the mail importer, the CSV import, auto-close), so an
-- event exists exactly when its change does. The payload is built here, at the time of the
-- change. The webhook sender (app::webhooks) turns each event into one delivery per configured
-- `[[webhooks]]` entry that wants it, then deletes the event; deliveries are retried with
-- back-off and listed at /admin/outbox. `internal` marks what customers never see (internal
-- notes, assignee changes): only hooks with `include_internal = true` get those.

CREATE TABLE webhook_events (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,   -- never reused once deleted: receivers dedupe by it
    event      TEXT NOT NULL CHECK (event IN ('ticket.created', 'ticket.updated', 'activity.created', 'customer.created')),
    internal   INTEGER NOT NULL DEFAULT 0 CHECK (internal IN (0, 1)),
    data       TEXT NOT NULL,              -- JSON object
    created_at INTEGER NOT NULL
);

CREATE TABLE webhook_deliveries (
    id          INTEGER PRIMARY KEY,
    event_id    INTEGER NOT NULL,          -- the event's id (also in the body): receivers drop repeats by it
    event       TEXT NOT NULL,
    url         TEXT NOT NULL,             -- the hook it belongs to; the secret stays in the config
    body        TEXT NOT NULL,             -- exactly the bytes that are signed and sent
    state       TEXT NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'sending', 'sent', 'failed')),
    attempts    INTEGER NOT NULL DEFAULT 0,
    next_at     INTEGER NOT NULL,
    last_error  TEXT,
    created_at  INTEGER NOT NULL,
    sent_at     INTEGER
);
CREATE INDEX webhook_deliveries_due ON webhook_deliveries (next_at) WHERE state = 'pending';
CREATE INDEX webhook_deliveries_state ON webhook_deliveries (state, id);

CREATE TRIGGER webhook_customer_created AFTER INSERT ON customers
BEGIN
    INSERT INTO webhook_events (event, internal, data, created_at)
    VALUES ('customer.created', 0,
            json_object('customer_no', new.customer_no, 'name', new.name, 'email', new.email,
                        'phone', new.phone, 'created_at', new.created_at),
            new.created_at);
END;

CREATE TRIGGER webhook_ticket_created AFTER INSERT ON tickets
BEGIN
    INSERT INTO webhook_events (event, internal, data, created_at)
    VALUES ('ticket.created', 0,
            json_object('number', new.number,
                        'customer_no', (SELECT customer_no FROM customers WHERE id = new.customer_id),
                        'subject', new.subject, 'status', new.status, 'priority', new.priority,
                        'assignee', (SELECT username FROM staff WHERE id = new.assignee_id),
                        'created_at', new.created_at),
            new.created_at);
END;

-- Status, priority, assignee or subject (one event per UPDATE statement: a form that changes
-- status and priority gives two); `changes` holds [old, new] of what changed. Only the assignee
-- changed: internal, like its activity.
CREATE TRIGGER webhook_ticket_updated AFTER UPDATE OF status, priority, assignee_id, subject ON tickets
WHEN old.status IS NOT new.status OR old.priority IS NOT new.priority
     OR old.assignee_id IS NOT new.assignee_id OR old.subject IS NOT new.subject
BEGIN
    INSERT INTO webhook_events (event, internal, data, created_at)
    VALUES ('ticket.updated',
            old.status IS new.status AND old.priority IS new.priority AND old.subject IS new.subject,
            json_object('number', new.number,
                        'customer_no', (SELECT customer_no FROM customers WHERE id = new.customer_id),
                        'subject', new.subject, 'status', new.status, 'priority', new.priority,
                        'assignee', (SELECT username FROM staff WHERE id = new.assignee_id),
                        'changes', json_patch('{}', json_object(
                            'status', CASE WHEN old.status IS NOT new.status THEN json_array(old.status, new.status) END,
                            'priority', CASE WHEN old.priority IS NOT new.priority THEN json_array(old.priority, new.priority) END,
                            'assignee', CASE WHEN old.assignee_id IS NOT new.assignee_id THEN json_array(
                                (SELECT username FROM staff WHERE id = old.assignee_id),
                                (SELECT username FROM staff WHERE id = new.assignee_id)) END,
                            'subject', CASE WHEN old.subject IS NOT new.subject THEN json_array(old.subject, new.subject) END))),
            CAST(strftime('%s', 'now') AS INTEGER));
END;

CREATE TRIGGER webhook_activity_created AFTER INSERT ON activities
BEGIN
    INSERT INTO webhook_events (event, internal, data, created_at)
    VALUES ('activity.created', new.internal OR new.kind IN ('internal_note', 'assignee'),
            json_object('id', new.id,
                        'ticket', (SELECT number FROM tickets WHERE id = new.ticket_id),
                        'kind', new.kind,
                        'internal', json(CASE WHEN new.internal OR new.kind IN ('internal_note', 'assignee') THEN 'true' ELSE 'false' END),
                        'author_kind', new.author_kind, 'author', new.author_name,
                        'body', new.body, 'minutes', new.minutes,
                        'old_value', new.old_value, 'new_value', new.new_value,
                        'created_at', new.created_at),
            new.created_at);
END;
