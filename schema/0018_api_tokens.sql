-- API tokens (issue 21): admins create them at /admin/api-tokens. Only the SHA-256 of the
-- token is stored; the token itself is shown once. `scopes` is a space-separated list
-- (`tickets:read tickets:write customers:read customers:write time:read`). Writes through a
-- token are recorded as the admin who created it (`created_by`, so activities keep a staff
-- author) under the token's name, and audited as `api:<name>`.
CREATE TABLE api_tokens (
    id           INTEGER PRIMARY KEY,
    name         TEXT NOT NULL,
    token_hash   BLOB NOT NULL UNIQUE,
    scopes       TEXT NOT NULL,
    expires_at   INTEGER,                       -- NULL: never
    created_by   INTEGER NOT NULL REFERENCES staff (id),
    created_at   INTEGER NOT NULL,
    last_used_at INTEGER,
    revoked_at   INTEGER
);
