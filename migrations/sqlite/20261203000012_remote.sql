-- Remote issuing, wire-compatible with EXeed: one integration ID (a GUID,
-- lowercase, regenerable) per organisation, and the public keys its
-- clients sign with. Laurel keeps public keys only.
CREATE TABLE remote_integrations (
    organisation_id    INTEGER PRIMARY KEY REFERENCES organisations(id) ON DELETE CASCADE,
    integration_id     TEXT    NOT NULL UNIQUE CHECK (length(integration_id) = 36),
    created_at         TEXT    NOT NULL
);

CREATE TABLE integration_keys (
    id                 INTEGER PRIMARY KEY AUTOINCREMENT,
    organisation_id    INTEGER NOT NULL REFERENCES organisations(id) ON DELETE CASCADE,
    -- SPKI PEM, whatever form it was given in.
    public_pem         TEXT    NOT NULL,
    -- base64url(SHA-256(SPKI DER)).
    fingerprint        TEXT    NOT NULL,
    -- 'generated' (in Laurel, private key handed over once) or 'uploaded'.
    origin             TEXT    NOT NULL CHECK (origin IN ('generated', 'uploaded')),
    created_at         TEXT    NOT NULL,
    last_used_at       TEXT,
    revoked_at         TEXT,
    UNIQUE (organisation_id, fingerprint)
);
CREATE INDEX integration_keys_active ON integration_keys (organisation_id) WHERE revoked_at IS NULL;
