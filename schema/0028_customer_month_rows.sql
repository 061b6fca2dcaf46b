-- A customer's month view (`/tickets?year=&month=`, and the overview's current month) straight
-- from one index: its key is the list's filter and order (customer, month, last activity, id),
-- and it carries every column the customer's table shows (`db::tickets::CUSTOMER_COLS`). The
-- page's rows are then read from one or two index pages instead of one table page per row
-- (50 table seeks on the 50-row page, each a page read of its own when the rows are not in
-- the connection's cache — the mixed bench's month views). It replaces
-- `tickets_customer_month_last`, its prefix: every query that used that one can use this.
-- Its cost: ~110 bytes a ticket (0.09 MiB per 1,000 tickets, net of the one dropped).

CREATE INDEX tickets_customer_month_rows ON tickets
    (customer_id, created_month, last_activity_at, id, number, subject, status, priority, activity_count,
     last_activity_kind, last_activity_by, minutes);
DROP INDEX tickets_customer_month_last;
