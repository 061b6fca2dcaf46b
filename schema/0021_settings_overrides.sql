-- Settings changed in the browser (`/admin/settings`): one row per configuration key, winning
-- over the file. `value` is the key's value as text (secrets: sealed with the installation's
-- settings key, hex); `data` holds a file's bytes (the uploaded logo). A key without a row comes
-- from the file or the default. Each section's edit counter lives in `settings`
-- (`settings_version.<section>`), so two admins saving the same section see a conflict.

CREATE TABLE config_overrides (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL,
    data BLOB,
    updated_at INTEGER NOT NULL,
    updated_by TEXT NOT NULL
) WITHOUT ROWID;
