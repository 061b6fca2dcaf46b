-- Hour contingents ("Stundenkontingente", issue 22): what a customer bought. Bookings are not
-- stored: app::contingents books a customer's logged time against these on every read
-- (model::contingents::book), so editing or moving minutes re-books by itself.

-- A block of prepaid minutes (`kind = 'block'`) or a monthly allowance (`kind = 'monthly'`,
-- `minutes` per month, with or without carry-over). Days are local calendar days
-- (`YYYY-MM-DD`), `valid_until` inclusive, NULL open-ended.
CREATE TABLE contingents (
    id          INTEGER PRIMARY KEY,
    customer_id INTEGER NOT NULL REFERENCES customers (id),
    kind        TEXT NOT NULL CHECK (kind IN ('block', 'monthly')),
    minutes     INTEGER NOT NULL CHECK (minutes > 0),
    carry_over  INTEGER NOT NULL DEFAULT 0 CHECK (carry_over IN (0, 1)),
    valid_from  TEXT NOT NULL,
    valid_until TEXT CHECK (valid_until IS NULL OR valid_until >= valid_from),
    note        TEXT NOT NULL DEFAULT '',
    created_at  INTEGER NOT NULL,
    updated_at  INTEGER NOT NULL
);
CREATE INDEX contingents_customer ON contingents (customer_id, valid_from);

-- Which warnings went out: once per contingent, period (`''` for a block, `YYYY-MM` for a
-- month of an allowance) and threshold (percent).
CREATE TABLE contingent_warnings (
    contingent_id INTEGER NOT NULL REFERENCES contingents (id) ON DELETE CASCADE,
    period        TEXT NOT NULL,
    percent       INTEGER NOT NULL,
    sent_at       INTEGER NOT NULL,
    PRIMARY KEY (contingent_id, period, percent)
) WITHOUT ROWID;
