-- API tokens of the REST API (/api/v1): per organisation, with scopes and
-- an optional expiry. Only the SHA-256 of a token is kept; the token is
-- shown once. `prefix` (the token's first characters) tells them apart in
-- the list.
CREATE TABLE api_tokens (
    id                 INTEGER PRIMARY KEY AUTOINCREMENT,
    organisation_id    INTEGER NOT NULL REFERENCES organisations(id) ON DELETE CASCADE,
    name               TEXT    NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
    token_hash         TEXT    NOT NULL UNIQUE,
    prefix             TEXT    NOT NULL,
    -- Space-separated scopes: templates:read badges:read badges:issue badges:revoke.
    scopes             TEXT    NOT NULL CHECK (length(scopes) > 0),
    created_by         INTEGER REFERENCES users(id) ON DELETE SET NULL,
    created_at         TEXT    NOT NULL,
    expires_at         TEXT,
    last_used_at       TEXT,
    revoked_at         TEXT
);
CREATE INDEX api_tokens_organisation ON api_tokens (organisation_id, created_at);
