-- Indexes for the filters and sorts of the customer overview and the staff queue, found by the
-- query-plan guard (tests/it/query_plan.rs) and `make bench` on 100,000 tickets. Indexes only,
-- no data changes. Two older indexes are replaced by supersets (the same leading columns plus
-- `minutes`): every query that used them can use the new ones, and a count with its time total
-- ("n tickets, total time") is read from the index alone instead of one table row per ticket.

-- Customer overview of one month: the month's rows in display order, without walking all of
-- the customer's tickets (count, time and month picker stay on tickets_customer_month).
CREATE INDEX tickets_customer_month_last ON tickets (customer_id, created_month, last_activity_at);

-- Staff queue filtered by one status / one assignee / one priority: rows in last-activity
-- order, count and time total from the index alone.
CREATE INDEX tickets_status_last_minutes ON tickets (status, staff_last_activity_at, minutes);
DROP INDEX tickets_status_last;
CREATE INDEX tickets_assignee_last_minutes ON tickets (assignee_id, staff_last_activity_at, minutes);
DROP INDEX tickets_assignee;
CREATE INDEX tickets_priority_last ON tickets (priority, staff_last_activity_at, minutes);

-- The queue's "active" tab (`status <> 'closed'`), alone and with an assignee: partial indexes
-- holding only the tickets not closed (a few percent of all), covering for count and time.
-- SQLite uses them when the WHERE contains `status <> 'closed'` literally, as
-- `db::tickets::where_clause` writes it.
CREATE INDEX tickets_active_last ON tickets (staff_last_activity_at, minutes, status) WHERE status <> 'closed';
CREATE INDEX tickets_active_assignee ON tickets (assignee_id, staff_last_activity_at, minutes, status)
    WHERE status <> 'closed';

-- `sort=created` over all tickets: newest first, straight from the index.
CREATE INDEX tickets_created ON tickets (created_at);

-- `sort=priority`: the queue's ORDER BY expression, urgent first, then the latest activity.
-- The CASE must stay identical to the one in `db::tickets::list` for SQLite to use the index.
CREATE INDEX tickets_priority_rank ON tickets (
    (CASE priority WHEN 'urgent' THEN 0 WHEN 'high' THEN 1 WHEN 'normal' THEN 2 ELSE 3 END),
    staff_last_activity_at DESC
);
