-- Issue 20: the list pages' reads (BENCHMARKS.md item 19).
--
-- The customer's overview of one month (`/tickets?year=…&month=…`, the portal's start page) read
-- its 50 rows through `tickets_customer_month_last` and then each row from the table (a B-tree
-- seek per row). This index holds what that table shows (`CUSTOMER_COLS` in db::tickets), in the
-- order it is shown (last activity, then id, both descending), so the page reads the index
-- alone. It starts with the columns of `tickets_customer_month_last`, which it replaces. About
-- 90 bytes a ticket.
CREATE INDEX tickets_customer_month_table ON tickets (
    customer_id, created_month, last_activity_at, id,
    number, subject, status, priority, activity_count, last_activity_kind, last_activity_by, minutes
);
DROP INDEX tickets_customer_month_last;

-- The staff queue's active views (all, mine, an agent's, unassigned; the default order: the
-- longest-waiting customer first) read their 50 rows through the open tickets' attention
-- indexes and then each row from the table. These two hold what the queue's table shows
-- (`QUEUE_COLS` in db::tickets, the unread mark's `customer_activity_id`, the order's
-- expression and the follow-up filter), in its order, over open tickets only (a few percent of
-- all: ~150 bytes each). They start with the columns of `tickets_active_attention` and
-- `tickets_active_assignee_attention` (schema 0016, 0024), which they replace.
CREATE INDEX tickets_active_queue ON tickets (
    (coalesce(customer_activity_at, created_at)), id,
    number, subject, status, priority, customer_id, assignee_id, staff_activity_count, staff_last_activity_at,
    last_activity_kind, last_activity_by, minutes, follow_up_at, customer_activity_id, customer_activity_at, created_at
) WHERE status <> 'closed';
CREATE INDEX tickets_active_assignee_queue ON tickets (
    assignee_id, (coalesce(customer_activity_at, created_at)), id,
    number, subject, status, priority, customer_id, staff_activity_count, staff_last_activity_at,
    last_activity_kind, last_activity_by, minutes, follow_up_at, customer_activity_id, customer_activity_at, created_at
) WHERE status <> 'closed';
DROP INDEX tickets_active_attention;
DROP INDEX tickets_active_assignee_attention;

-- The staff queue's status tabs and month picker summed every (month, status) row of
-- `ticket_counts` (schema 0009) per request. These hold those sums per month and per status,
-- kept by triggers on `ticket_counts` in the same transaction (its rows change only through
-- the triggers on `tickets`).
CREATE TABLE ticket_month_counts (
    month INTEGER PRIMARY KEY,                -- YYYYMM
    n     INTEGER NOT NULL
);

CREATE TABLE ticket_status_counts (
    status TEXT PRIMARY KEY,
    n      INTEGER NOT NULL
) WITHOUT ROWID;

INSERT INTO ticket_month_counts (month, n) SELECT month, sum(n) FROM ticket_counts GROUP BY month;
INSERT INTO ticket_status_counts (status, n) SELECT status, sum(n) FROM ticket_counts GROUP BY status;

CREATE TRIGGER ticket_sums_insert AFTER INSERT ON ticket_counts
BEGIN
    INSERT INTO ticket_month_counts (month, n) VALUES (NEW.month, NEW.n)
        ON CONFLICT (month) DO UPDATE SET n = n + excluded.n;
    INSERT INTO ticket_status_counts (status, n) VALUES (NEW.status, NEW.n)
        ON CONFLICT (status) DO UPDATE SET n = n + excluded.n;
END;

CREATE TRIGGER ticket_sums_update AFTER UPDATE OF month, status, n ON ticket_counts
WHEN OLD.n IS NOT NEW.n OR OLD.month IS NOT NEW.month OR OLD.status IS NOT NEW.status
BEGIN
    UPDATE ticket_month_counts SET n = n - OLD.n WHERE month = OLD.month;
    UPDATE ticket_status_counts SET n = n - OLD.n WHERE status = OLD.status;
    INSERT INTO ticket_month_counts (month, n) VALUES (NEW.month, NEW.n)
        ON CONFLICT (month) DO UPDATE SET n = n + excluded.n;
    INSERT INTO ticket_status_counts (status, n) VALUES (NEW.status, NEW.n)
        ON CONFLICT (status) DO UPDATE SET n = n + excluded.n;
END;

CREATE TRIGGER ticket_sums_delete AFTER DELETE ON ticket_counts
BEGIN
    UPDATE ticket_month_counts SET n = n - OLD.n WHERE month = OLD.month;
    UPDATE ticket_status_counts SET n = n - OLD.n WHERE status = OLD.status;
END;

-- The customer's overview showed its year picker (each year's total) and its month picker (the
-- selected year's months) from every month row of the customer in `customer_counts` (schema
-- 0010; three years: 36 rows a request). This holds the sums per customer and year, kept by
-- triggers on `customer_counts` in the same transaction (its rows change only through the
-- triggers on `tickets`); the overview reads these and the selected year's months.
CREATE TABLE customer_year_counts (
    customer_id INTEGER NOT NULL,
    year        INTEGER NOT NULL,             -- month / 100
    n           INTEGER NOT NULL,
    minutes     INTEGER NOT NULL,
    PRIMARY KEY (customer_id, year)
) WITHOUT ROWID;

INSERT INTO customer_year_counts (customer_id, year, n, minutes)
    SELECT customer_id, month / 100, sum(n), sum(minutes) FROM customer_counts GROUP BY 1, 2;

CREATE TRIGGER customer_year_counts_insert AFTER INSERT ON customer_counts
BEGIN
    INSERT INTO customer_year_counts (customer_id, year, n, minutes)
        VALUES (NEW.customer_id, NEW.month / 100, NEW.n, NEW.minutes)
        ON CONFLICT (customer_id, year) DO UPDATE SET n = n + excluded.n, minutes = minutes + excluded.minutes;
END;

CREATE TRIGGER customer_year_counts_update AFTER UPDATE OF customer_id, month, n, minutes ON customer_counts
WHEN OLD.n IS NOT NEW.n OR OLD.minutes IS NOT NEW.minutes OR OLD.month IS NOT NEW.month
     OR OLD.customer_id IS NOT NEW.customer_id
BEGIN
    UPDATE customer_year_counts SET n = n - OLD.n, minutes = minutes - OLD.minutes
        WHERE customer_id = OLD.customer_id AND year = OLD.month / 100;
    INSERT INTO customer_year_counts (customer_id, year, n, minutes)
        VALUES (NEW.customer_id, NEW.month / 100, NEW.n, NEW.minutes)
        ON CONFLICT (customer_id, year) DO UPDATE SET n = n + excluded.n, minutes = minutes + excluded.minutes;
END;

CREATE TRIGGER customer_year_counts_delete AFTER DELETE ON customer_counts
BEGIN
    UPDATE customer_year_counts SET n = n - OLD.n, minutes = minutes - OLD.minutes
        WHERE customer_id = OLD.customer_id AND year = OLD.month / 100;
END;
