-- Issue 20: a contingent balance without reading the customer's history. The overview shows the
-- remaining hours on every visit; booking them from every activity since the contingent began
-- grew with the customer's history (~3 M instructions per overview after half a year). These two
-- tables hold the minutes logged per customer, summed per UTC quarter hour (`created_at / 900`:
-- every zone's midnight falls on one, so any local day is a range of them) and per span of 2,048
-- quarter hours (`created_at / 1843200`, ~21 days). `db::contingents::minutes_between` sums a
-- range from at most two edge spans of quarters plus whole spans; `app::contingents` books those
-- sums, one per run of days that booking treats alike (`model::contingents::segment_days`).
-- Bookings themselves are still computed, never stored.
--
-- Kept by triggers, in the transaction of the change, whoever writes (the demo's bulk writer
-- too). Activities are never edited or deleted today; the triggers below cover it anyway, and a
-- ticket moving to another customer.
CREATE TABLE time_quarters (
    customer_id INTEGER NOT NULL,
    quarter     INTEGER NOT NULL,
    minutes     INTEGER NOT NULL,
    PRIMARY KEY (customer_id, quarter)
) WITHOUT ROWID;

CREATE TABLE time_spans (
    customer_id INTEGER NOT NULL,
    span        INTEGER NOT NULL,
    minutes     INTEGER NOT NULL,
    PRIMARY KEY (customer_id, span)
) WITHOUT ROWID;

INSERT INTO time_quarters (customer_id, quarter, minutes)
    SELECT t.customer_id, a.created_at / 900, sum(a.minutes)
    FROM activities a JOIN tickets t ON t.id = a.ticket_id
    WHERE a.minutes > 0
    GROUP BY 1, 2;

INSERT INTO time_spans (customer_id, span, minutes)
    SELECT customer_id, quarter / 2048, sum(minutes) FROM time_quarters WHERE true GROUP BY 1, 2;

CREATE TRIGGER time_minutes_insert AFTER INSERT ON activities WHEN NEW.minutes > 0 BEGIN
    INSERT INTO time_quarters (customer_id, quarter, minutes)
        SELECT customer_id, NEW.created_at / 900, NEW.minutes FROM tickets WHERE id = NEW.ticket_id
        ON CONFLICT (customer_id, quarter) DO UPDATE SET minutes = minutes + excluded.minutes;
    INSERT INTO time_spans (customer_id, span, minutes)
        SELECT customer_id, NEW.created_at / 1843200, NEW.minutes FROM tickets WHERE id = NEW.ticket_id
        ON CONFLICT (customer_id, span) DO UPDATE SET minutes = minutes + excluded.minutes;
END;

CREATE TRIGGER time_minutes_delete AFTER DELETE ON activities WHEN OLD.minutes > 0 BEGIN
    INSERT INTO time_quarters (customer_id, quarter, minutes)
        SELECT customer_id, OLD.created_at / 900, -OLD.minutes FROM tickets WHERE id = OLD.ticket_id
        ON CONFLICT (customer_id, quarter) DO UPDATE SET minutes = minutes + excluded.minutes;
    INSERT INTO time_spans (customer_id, span, minutes)
        SELECT customer_id, OLD.created_at / 1843200, -OLD.minutes FROM tickets WHERE id = OLD.ticket_id
        ON CONFLICT (customer_id, span) DO UPDATE SET minutes = minutes + excluded.minutes;
END;

CREATE TRIGGER time_minutes_update AFTER UPDATE OF minutes, created_at, ticket_id ON activities
WHEN OLD.minutes > 0 OR NEW.minutes > 0 BEGIN
    INSERT INTO time_quarters (customer_id, quarter, minutes)
        SELECT customer_id, OLD.created_at / 900, -OLD.minutes FROM tickets WHERE id = OLD.ticket_id AND OLD.minutes > 0
        ON CONFLICT (customer_id, quarter) DO UPDATE SET minutes = minutes + excluded.minutes;
    INSERT INTO time_spans (customer_id, span, minutes)
        SELECT customer_id, OLD.created_at / 1843200, -OLD.minutes FROM tickets WHERE id = OLD.ticket_id AND OLD.minutes > 0
        ON CONFLICT (customer_id, span) DO UPDATE SET minutes = minutes + excluded.minutes;
    INSERT INTO time_quarters (customer_id, quarter, minutes)
        SELECT customer_id, NEW.created_at / 900, NEW.minutes FROM tickets WHERE id = NEW.ticket_id AND NEW.minutes > 0
        ON CONFLICT (customer_id, quarter) DO UPDATE SET minutes = minutes + excluded.minutes;
    INSERT INTO time_spans (customer_id, span, minutes)
        SELECT customer_id, NEW.created_at / 1843200, NEW.minutes FROM tickets WHERE id = NEW.ticket_id AND NEW.minutes > 0
        ON CONFLICT (customer_id, span) DO UPDATE SET minutes = minutes + excluded.minutes;
END;

CREATE TRIGGER time_minutes_move AFTER UPDATE OF customer_id ON tickets
WHEN OLD.customer_id IS NOT NEW.customer_id BEGIN
    INSERT INTO time_quarters (customer_id, quarter, minutes)
        SELECT OLD.customer_id, created_at / 900, -sum(minutes) FROM activities
        WHERE ticket_id = NEW.id AND minutes > 0 GROUP BY 2
        ON CONFLICT (customer_id, quarter) DO UPDATE SET minutes = minutes + excluded.minutes;
    INSERT INTO time_spans (customer_id, span, minutes)
        SELECT OLD.customer_id, created_at / 1843200, -sum(minutes) FROM activities
        WHERE ticket_id = NEW.id AND minutes > 0 GROUP BY 2
        ON CONFLICT (customer_id, span) DO UPDATE SET minutes = minutes + excluded.minutes;
    INSERT INTO time_quarters (customer_id, quarter, minutes)
        SELECT NEW.customer_id, created_at / 900, sum(minutes) FROM activities
        WHERE ticket_id = NEW.id AND minutes > 0 GROUP BY 2
        ON CONFLICT (customer_id, quarter) DO UPDATE SET minutes = minutes + excluded.minutes;
    INSERT INTO time_spans (customer_id, span, minutes)
        SELECT NEW.customer_id, created_at / 1843200, sum(minutes) FROM activities
        WHERE ticket_id = NEW.id AND minutes > 0 GROUP BY 2
        ON CONFLICT (customer_id, span) DO UPDATE SET minutes = minutes + excluded.minutes;
END;
