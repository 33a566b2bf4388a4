-- People with a Laurel account (issuer staff now; holders later). One account
-- can hold roles in several organisations.
CREATE TABLE users (
    id                 BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    email              TEXT    NOT NULL UNIQUE,
    password_hash      TEXT    NOT NULL,
    display_name       TEXT    NOT NULL DEFAULT '',
    created_at         TIMESTAMPTZ NOT NULL
);

CREATE TABLE memberships (
    organisation_id    BIGINT  NOT NULL REFERENCES organisations(id) ON DELETE CASCADE,
    user_id            BIGINT  NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    role               TEXT    NOT NULL CHECK (role IN ('regular', 'privileged')),
    created_at         TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (organisation_id, user_id)
);
CREATE INDEX memberships_user ON memberships (user_id);

-- Single-use emailed links (sign-up, password reset, invitation). Only a
-- SHA-256 of the token is stored.
CREATE TABLE email_tokens (
    id                 BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    token_hash         TEXT    NOT NULL UNIQUE,
    purpose            TEXT    NOT NULL CHECK (purpose IN ('signup', 'reset', 'invite')),
    email              TEXT    NOT NULL,
    organisation_id    BIGINT  REFERENCES organisations(id) ON DELETE CASCADE,
    role               TEXT,
    expires_at         TIMESTAMPTZ NOT NULL,
    used_at            TIMESTAMPTZ,
    created_at         TIMESTAMPTZ NOT NULL
);

-- Server-side sessions; the cookie holds a random token, this table its hash.
CREATE TABLE sessions (
    id_hash            TEXT    PRIMARY KEY,
    user_id            BIGINT  NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    created_at         TIMESTAMPTZ NOT NULL,
    last_seen_at       TIMESTAMPTZ NOT NULL,
    expires_at         TIMESTAMPTZ NOT NULL,
    ip                 TEXT    NOT NULL DEFAULT '',
    user_agent         TEXT    NOT NULL DEFAULT ''
);
CREATE INDEX sessions_user ON sessions (user_id);

-- Fixed-window counters for rate limits, shared by every instance.
CREATE TABLE rate_limits (
    key                TEXT    PRIMARY KEY,
    window_start       BIGINT  NOT NULL,
    count              BIGINT  NOT NULL
);

-- Security events.
CREATE TABLE audit_log (
    id                 BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    organisation_id    BIGINT  REFERENCES organisations(id) ON DELETE CASCADE,
    user_id            BIGINT  REFERENCES users(id) ON DELETE SET NULL,
    event              TEXT    NOT NULL,
    detail             TEXT    NOT NULL DEFAULT '',
    ip                 TEXT    NOT NULL DEFAULT '',
    created_at         TIMESTAMPTZ NOT NULL
);
CREATE INDEX audit_log_org ON audit_log (organisation_id, id);

ALTER TABLE organisations ADD COLUMN contact_name TEXT NOT NULL DEFAULT '';
ALTER TABLE organisations ADD COLUMN contact_phone TEXT NOT NULL DEFAULT '';
