-- Values of this installation that live with its data: e.g. `audit_key`, the random secret
-- the audit log's keyed hashes of unknown login names are made with (so a backup restored
-- elsewhere keeps telling repeated names apart). Written once, read often.

CREATE TABLE settings (
    name TEXT PRIMARY KEY,
    value TEXT NOT NULL
) WITHOUT ROWID;
