-- Tickets and time spent per customer and month, kept by triggers in the same transaction as
-- the ticket change, so a customer's overview (its month picker with counts, the time spent on
-- all tickets) reads a few dozen counter rows instead of every ticket the customer ever had.

CREATE TABLE customer_counts (
    customer_id INTEGER NOT NULL,
    month       INTEGER NOT NULL,             -- YYYYMM (created_month)
    n           INTEGER NOT NULL,
    minutes     INTEGER NOT NULL,
    PRIMARY KEY (customer_id, month)
) WITHOUT ROWID;

INSERT INTO customer_counts (customer_id, month, n, minutes)
    SELECT customer_id, created_month, count(*), coalesce(sum(minutes), 0) FROM tickets GROUP BY customer_id, created_month;

CREATE TRIGGER customer_counts_insert AFTER INSERT ON tickets
BEGIN
    INSERT INTO customer_counts (customer_id, month, n, minutes) VALUES (NEW.customer_id, NEW.created_month, 1, NEW.minutes)
        ON CONFLICT (customer_id, month) DO UPDATE SET n = n + 1, minutes = minutes + excluded.minutes;
END;

CREATE TRIGGER customer_counts_update AFTER UPDATE OF customer_id, created_month, minutes ON tickets
BEGIN
    UPDATE customer_counts SET n = n - 1, minutes = minutes - OLD.minutes
        WHERE customer_id = OLD.customer_id AND month = OLD.created_month;
    INSERT INTO customer_counts (customer_id, month, n, minutes) VALUES (NEW.customer_id, NEW.created_month, 1, NEW.minutes)
        ON CONFLICT (customer_id, month) DO UPDATE SET n = n + 1, minutes = minutes + excluded.minutes;
END;

CREATE TRIGGER customer_counts_delete AFTER DELETE ON tickets
BEGIN
    UPDATE customer_counts SET n = n - 1, minutes = minutes - OLD.minutes
        WHERE customer_id = OLD.customer_id AND month = OLD.created_month;
END;
