-- Counts and time totals per (month, status), kept by triggers in the same transaction as the
-- ticket change, so the queue's status tabs, its month picker and the unfiltered totals never
-- aggregate over all tickets per request.

CREATE TABLE ticket_counts (
    month   INTEGER NOT NULL,                 -- YYYYMM (created_month)
    status  TEXT NOT NULL,
    n       INTEGER NOT NULL,
    minutes INTEGER NOT NULL,
    PRIMARY KEY (month, status)
) WITHOUT ROWID;

INSERT INTO ticket_counts (month, status, n, minutes)
    SELECT created_month, status, count(*), coalesce(sum(minutes), 0) FROM tickets GROUP BY created_month, status;

CREATE TRIGGER ticket_counts_insert AFTER INSERT ON tickets
BEGIN
    INSERT INTO ticket_counts (month, status, n, minutes) VALUES (NEW.created_month, NEW.status, 1, NEW.minutes)
        ON CONFLICT (month, status) DO UPDATE SET n = n + 1, minutes = minutes + excluded.minutes;
END;

CREATE TRIGGER ticket_counts_update AFTER UPDATE OF status, minutes, created_month ON tickets
BEGIN
    UPDATE ticket_counts SET n = n - 1, minutes = minutes - OLD.minutes
        WHERE month = OLD.created_month AND status = OLD.status;
    INSERT INTO ticket_counts (month, status, n, minutes) VALUES (NEW.created_month, NEW.status, 1, NEW.minutes)
        ON CONFLICT (month, status) DO UPDATE SET n = n + 1, minutes = minutes + excluded.minutes;
END;

CREATE TRIGGER ticket_counts_delete AFTER DELETE ON tickets
BEGIN
    UPDATE ticket_counts SET n = n - 1, minutes = minutes - OLD.minutes
        WHERE month = OLD.created_month AND status = OLD.status;
END;
