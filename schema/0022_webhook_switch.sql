-- Webhook events only while webhooks are configured (issue 20/24: a database without webhooks
-- no longer writes, and later deletes, one event row per write — at a million tickets that was
-- half the file as free pages after `ticketd demo`). `webhook_switch.active` is set by the
-- server at start from `[[webhooks]]` (app::webhooks) and turned off by `ticketd demo` inside
-- its own transaction; it starts on, so nothing changes for a database until a server starts.
-- The triggers are those of the webhooks migration with the switch in front of their `WHEN`.

CREATE TABLE webhook_switch (
    id     INTEGER PRIMARY KEY CHECK (id = 1),
    active INTEGER NOT NULL CHECK (active IN (0, 1))
);
INSERT INTO webhook_switch (id, active) VALUES (1, 1);

DROP TRIGGER webhook_customer_created;
CREATE TRIGGER webhook_customer_created AFTER INSERT ON customers
WHEN (SELECT active FROM webhook_switch WHERE id = 1)
BEGIN
    INSERT INTO webhook_events (event, internal, data, created_at)
    VALUES ('customer.created', 0,
            json_object('customer_no', new.customer_no, 'name', new.name, 'email', new.email,
                        'phone', new.phone, 'created_at', new.created_at),
            new.created_at);
END;

DROP TRIGGER webhook_ticket_created;
CREATE TRIGGER webhook_ticket_created AFTER INSERT ON tickets
WHEN (SELECT active FROM webhook_switch WHERE id = 1)
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

DROP TRIGGER webhook_ticket_updated;
CREATE TRIGGER webhook_ticket_updated AFTER UPDATE OF status, priority, assignee_id, subject ON tickets
WHEN (SELECT active FROM webhook_switch WHERE id = 1)
     AND (old.status IS NOT new.status OR old.priority IS NOT new.priority
     OR old.assignee_id IS NOT new.assignee_id OR old.subject IS NOT new.subject)
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

DROP TRIGGER webhook_activity_created;
CREATE TRIGGER webhook_activity_created AFTER INSERT ON activities
WHEN (SELECT active FROM webhook_switch WHERE id = 1)
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
