-- Nothing grows with the database (issue 24): indexes for the staff queue's month views and
-- the staff customers list. Indexes only, no data changes. (Customer search needs no schema:
-- it is scoped through the existing indexes, see db::search.)

-- The staff queue filtered by one month (`?year=&month=`), in its default order (newest
-- customer activity first; the expression of tickets_attention, 0016, and db::tickets::list):
-- the month's rows in display order, so the page stops after its rows instead of sorting the
-- whole month. The partial one holds the month's tickets not closed (the active views and
-- their counts), the other all of them (view=all). `sort=last` gets the same per month;
-- tickets_month (created_month alone) is a prefix of it and goes.
CREATE INDEX tickets_month_attention ON tickets (created_month, (coalesce(customer_activity_at, created_at)));
CREATE INDEX tickets_active_month_attention ON tickets (created_month, (coalesce(customer_activity_at, created_at)))
    WHERE status <> 'closed';
-- The active views' count and time total for one month, from the index alone (the month's
-- tickets not closed, not every ticket of the month). `status` makes it covering (the WHERE
-- names it), so SQLite prefers it for the count whatever the order the indexes were made in;
-- `minutes` before `follow_up_at`: with the follow-up range usable, SQLite took this index for
-- the page too and sorted the month.
CREATE INDEX tickets_active_month_count ON tickets (created_month, minutes, follow_up_at, status)
    WHERE status <> 'closed';
CREATE INDEX tickets_month_last ON tickets (created_month, staff_last_activity_at);
DROP INDEX tickets_month;

-- The staff customers list without a search: active first, by name, straight from the index.
CREATE INDEX customers_active_name ON customers (active DESC, name COLLATE NOCASE);
