-- Nothing grows with the database (issue 24), lookups: the staff customer search and the
-- hotline find customers and contacts by word prefixes of number, name, e-mail and phone
-- through a full-text index each (kept by the triggers below), not by reading every row for
-- a `LIKE '%…%'`. And the customers list's total is a counter, not a count.
--
-- One row per customer (rowid = customers.id) and per contact (rowid = contacts.id). The text
-- holds the fields, the name once more with umlauts and ß written out (`Müller` is found as
-- `muller`, `Müller` and `Mueller`; `Straße` as `straße` and `strasse`), and the phone number
-- without spaces (`0621 2330261` is found as `0621`, `2330261` and `062123`). The tokenizer is
-- the one of the ticket search (0001): case and diacritics folded.
CREATE VIRTUAL TABLE customer_lookup USING fts5 (text, tokenize = 'unicode61 remove_diacritics 2');
CREATE VIRTUAL TABLE contact_lookup USING fts5 (text, tokenize = 'unicode61 remove_diacritics 2');

INSERT INTO customer_lookup (rowid, text)
SELECT id, customer_no || ' ' || name || ' '
           || replace(replace(replace(replace(replace(replace(replace(name, 'ä', 'ae'), 'ö', 'oe'), 'ü', 'ue'),
                      'Ä', 'Ae'), 'Ö', 'Oe'), 'Ü', 'Ue'), 'ß', 'ss')
           || ' ' || email || ' ' || phone || ' ' || replace(phone, ' ', '')
FROM customers;

INSERT INTO contact_lookup (rowid, text)
SELECT id, name || ' '
           || replace(replace(replace(replace(replace(replace(replace(name, 'ä', 'ae'), 'ö', 'oe'), 'ü', 'ue'),
                      'Ä', 'Ae'), 'Ö', 'Oe'), 'Ü', 'Ue'), 'ß', 'ss')
           || ' ' || email || ' ' || phone || ' ' || replace(phone, ' ', '')
FROM contacts;

CREATE TRIGGER customer_lookup_insert AFTER INSERT ON customers BEGIN
    INSERT INTO customer_lookup (rowid, text)
    VALUES (new.id, new.customer_no || ' ' || new.name || ' '
           || replace(replace(replace(replace(replace(replace(replace(new.name, 'ä', 'ae'), 'ö', 'oe'), 'ü', 'ue'),
                      'Ä', 'Ae'), 'Ö', 'Oe'), 'Ü', 'Ue'), 'ß', 'ss')
           || ' ' || new.email || ' ' || new.phone || ' ' || replace(new.phone, ' ', ''));
END;
CREATE TRIGGER customer_lookup_update AFTER UPDATE OF customer_no, name, email, phone ON customers BEGIN
    DELETE FROM customer_lookup WHERE rowid = old.id;
    INSERT INTO customer_lookup (rowid, text)
    VALUES (new.id, new.customer_no || ' ' || new.name || ' '
           || replace(replace(replace(replace(replace(replace(replace(new.name, 'ä', 'ae'), 'ö', 'oe'), 'ü', 'ue'),
                      'Ä', 'Ae'), 'Ö', 'Oe'), 'Ü', 'Ue'), 'ß', 'ss')
           || ' ' || new.email || ' ' || new.phone || ' ' || replace(new.phone, ' ', ''));
END;
CREATE TRIGGER customer_lookup_delete AFTER DELETE ON customers BEGIN
    DELETE FROM customer_lookup WHERE rowid = old.id;
END;

CREATE TRIGGER contact_lookup_insert AFTER INSERT ON contacts BEGIN
    INSERT INTO contact_lookup (rowid, text)
    VALUES (new.id, new.name || ' '
           || replace(replace(replace(replace(replace(replace(replace(new.name, 'ä', 'ae'), 'ö', 'oe'), 'ü', 'ue'),
                      'Ä', 'Ae'), 'Ö', 'Oe'), 'Ü', 'Ue'), 'ß', 'ss')
           || ' ' || new.email || ' ' || new.phone || ' ' || replace(new.phone, ' ', ''));
END;
CREATE TRIGGER contact_lookup_update AFTER UPDATE OF name, email, phone ON contacts BEGIN
    DELETE FROM contact_lookup WHERE rowid = old.id;
    INSERT INTO contact_lookup (rowid, text)
    VALUES (new.id, new.name || ' '
           || replace(replace(replace(replace(replace(replace(replace(new.name, 'ä', 'ae'), 'ö', 'oe'), 'ü', 'ue'),
                      'Ä', 'Ae'), 'Ö', 'Oe'), 'Ü', 'Ue'), 'ß', 'ss')
           || ' ' || new.email || ' ' || new.phone || ' ' || replace(new.phone, ' ', ''));
END;
CREATE TRIGGER contact_lookup_delete AFTER DELETE ON contacts BEGIN
    DELETE FROM contact_lookup WHERE rowid = old.id;
END;

-- The number of customers (the customers list's total), kept by triggers.
CREATE TABLE customer_total (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    n  INTEGER NOT NULL
);
INSERT INTO customer_total (id, n) SELECT 1, count(*) FROM customers;
CREATE TRIGGER customer_total_insert AFTER INSERT ON customers BEGIN
    UPDATE customer_total SET n = n + 1 WHERE id = 1;
END;
CREATE TRIGGER customer_total_delete AFTER DELETE ON customers BEGIN
    UPDATE customer_total SET n = n - 1 WHERE id = 1;
END;

-- Tickets not closed, per assignee (0: unassigned), with their time, kept by triggers: the
-- queue's tabs (active, mine, unassigned) and the active view's totals are these minus the
-- few deferred past now (tickets_active_follow_up, 0016), not a count of every open ticket
-- per request (64,000 of them in the 1M-ticket demo: 3 ms per count).
CREATE TABLE open_counts (
    assignee_id INTEGER PRIMARY KEY,          -- staff.id, 0 for unassigned
    n           INTEGER NOT NULL,
    minutes     INTEGER NOT NULL
);
INSERT INTO open_counts (assignee_id, n, minutes)
    SELECT coalesce(assignee_id, 0), count(*), coalesce(sum(minutes), 0) FROM tickets WHERE status <> 'closed'
    GROUP BY coalesce(assignee_id, 0);

CREATE TRIGGER open_counts_insert AFTER INSERT ON tickets WHEN NEW.status <> 'closed'
BEGIN
    INSERT INTO open_counts (assignee_id, n, minutes) VALUES (coalesce(NEW.assignee_id, 0), 1, NEW.minutes)
        ON CONFLICT (assignee_id) DO UPDATE SET n = n + 1, minutes = minutes + excluded.minutes;
END;

CREATE TRIGGER open_counts_update AFTER UPDATE OF status, assignee_id, minutes ON tickets
BEGIN
    UPDATE open_counts SET n = n - 1, minutes = minutes - OLD.minutes
        WHERE assignee_id = coalesce(OLD.assignee_id, 0) AND OLD.status <> 'closed';
    INSERT INTO open_counts (assignee_id, n, minutes)
        SELECT coalesce(NEW.assignee_id, 0), 1, NEW.minutes WHERE NEW.status <> 'closed'
        ON CONFLICT (assignee_id) DO UPDATE SET n = n + 1, minutes = minutes + excluded.minutes;
END;

CREATE TRIGGER open_counts_delete AFTER DELETE ON tickets WHEN OLD.status <> 'closed'
BEGIN
    UPDATE open_counts SET n = n - 1, minutes = minutes - OLD.minutes WHERE assignee_id = coalesce(OLD.assignee_id, 0);
END;

-- The "mine" and "unassigned" views in display order (newest customer activity first): an
-- agent's open tickets from the index in the page's order, the page stops after its rows.
-- Before, SQLite read all of an agent's open tickets through tickets_active_assignee_follow_up
-- (0016) and sorted them (16,000 per agent in the 1M-ticket demo: 218 ms per page). The page
-- query writes `+t.follow_up_at` so the follow-up range does not lure it back (db::tickets).
CREATE INDEX tickets_active_assignee_attention ON tickets (assignee_id, (coalesce(customer_activity_at, created_at)))
    WHERE status <> 'closed';
