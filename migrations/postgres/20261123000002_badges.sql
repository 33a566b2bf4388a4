-- Issuer signing keys. The private key is sealed (AES-256-GCM under the
-- master key); retired keys stay published so old signatures still verify.
CREATE TABLE issuer_keys (
    id              BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    organisation_id BIGINT NOT NULL REFERENCES organisations(id) ON DELETE CASCADE,
    kid             TEXT    NOT NULL UNIQUE,
    public_pem      TEXT    NOT NULL,
    sealed_private  BYTEA   NOT NULL,
    created_at      TIMESTAMPTZ NOT NULL,
    retired_at      TIMESTAMPTZ
);
CREATE INDEX issuer_keys_org ON issuer_keys (organisation_id, retired_at);

-- Badge classes are immutable: an edited template makes a new row, so an
-- issued badge always points at exactly what it was issued for.
CREATE TABLE badge_classes (
    id                 BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    organisation_id    BIGINT  NOT NULL REFERENCES organisations(id) ON DELETE CASCADE,
    slug               TEXT    NOT NULL UNIQUE,
    name               TEXT    NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    description        TEXT    NOT NULL,
    criteria_narrative TEXT,
    criteria_url       TEXT,
    image_type         TEXT    NOT NULL CHECK (image_type IN ('image/png', 'image/svg+xml')),
    image              BYTEA   NOT NULL,
    tags               TEXT    NOT NULL DEFAULT '[]',
    alignment          TEXT    NOT NULL DEFAULT '[]',
    validity_years     INTEGER NOT NULL DEFAULT 0 CHECK (validity_years >= 0),
    created_at         TIMESTAMPTZ NOT NULL
);
CREATE INDEX badge_classes_org ON badge_classes (organisation_id);

-- Issued badges. The OB 2.0 JWS and the OB 3.0 VC-JWT are signed once, at
-- issue, and stored as issued.
CREATE TABLE assertions (
    id                 BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    organisation_id    BIGINT  NOT NULL REFERENCES organisations(id) ON DELETE CASCADE,
    badge_class_id     BIGINT  NOT NULL REFERENCES badge_classes(id),
    slug               TEXT    NOT NULL UNIQUE,
    recipient_email    TEXT    NOT NULL,
    recipient_name     TEXT    NOT NULL DEFAULT '',
    salt               TEXT    NOT NULL,
    identity_hash      TEXT    NOT NULL,
    issued_on          TIMESTAMPTZ NOT NULL,
    expires_at         TIMESTAMPTZ,
    evidence_url       TEXT,
    evidence_narrative TEXT,
    key_id             BIGINT  NOT NULL REFERENCES issuer_keys(id),
    signed_jws         TEXT    NOT NULL,
    credential_jwt     TEXT    NOT NULL,
    revoked_at         TIMESTAMPTZ,
    revocation_reason  TEXT,
    created_at         TIMESTAMPTZ NOT NULL
);
CREATE INDEX assertions_org_revoked ON assertions (organisation_id, revoked_at);
CREATE INDEX assertions_recipient ON assertions (recipient_email);
