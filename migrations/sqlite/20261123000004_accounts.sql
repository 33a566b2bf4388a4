-- People with a Laurel account (issuer staff now; holders later). One account
-- can hold roles in several organisations.
CREATE TABLE users (
    id                 INTEGER PRIMARY KEY AUTOINCREMENT,
    email              TEXT    NOT NULL UNIQUE,
    password_hash      TEXT    NOT NULL,
    display_name       TEXT    NOT NULL DEFAULT '',
    created_at         TEXT    NOT NULL
);

CREATE TABLE memberships (
    organisation_id    INTEGER NOT NULL REFERENCES organisations(id) ON DELETE CASCADE,
    user_id            INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    role               TEXT    NOT NULL CHECK (role IN ('regular', 'privileged')),
    created_at         TEXT    NOT NULL,
    PRIMARY KEY (organisation_id, user_id)
);
CREATE INDEX memberships_user ON memberships (user_id);

-- Single-use emailed links (sign-up, password reset, invitation). Only a
-- SHA-256 of the token is stored.
CREATE TABLE email_tokens (
    id                 INTEGER PRIMARY KEY AUTOINCREMENT,
    token_hash         TEXT    NOT NULL UNIQUE,
    purpose            TEXT    NOT NULL CHECK (purpose IN ('signup', 'reset', 'invite')),
    email              TEXT    NOT NULL,
    organisation_id    INTEGER REFERENCES organisations(id) ON DELETE CASCADE,
    role               TEXT,
    expires_at         TEXT    NOT NULL,
    used_at            TEXT,
    created_at         TEXT    NOT NULL
);

-- Server-side sessions; the cookie holds a random token, this table its hash.
CREATE TABLE sessions (
    id_hash            TEXT    PRIMARY KEY,
    user_id            INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    created_at         TEXT    NOT NULL,
    last_seen_at       TEXT    NOT NULL,
    expires_at         TEXT    NOT NULL,
    ip                 TEXT    NOT NULL DEFAULT '',
    user_agent         TEXT    NOT NULL DEFAULT ''
);
CREATE INDEX sessions_user ON sessions (user_id);

-- Fixed-window counters for rate limits, shared by every instance.
CREATE TABLE rate_limits (
    key                TEXT    PRIMARY KEY,
    window_start       INTEGER NOT NULL,
    count              INTEGER NOT NULL
);

-- Security events.
CREATE TABLE audit_log (
    id                 INTEGER PRIMARY KEY AUTOINCREMENT,
    organisation_id    INTEGER REFERENCES organisations(id) ON DELETE CASCADE,
    user_id            INTEGER REFERENCES users(id) ON DELETE SET NULL,
    event              TEXT    NOT NULL,
    detail             TEXT    NOT NULL DEFAULT '',
    ip                 TEXT    NOT NULL DEFAULT '',
    created_at         TEXT    NOT NULL
);
CREATE INDEX audit_log_org ON audit_log (organisation_id, id);

ALTER TABLE organisations ADD COLUMN contact_name TEXT NOT NULL DEFAULT '';
ALTER TABLE organisations ADD COLUMN contact_phone TEXT NOT NULL DEFAULT '';
