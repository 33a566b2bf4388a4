-- Two-factor authentication (TOTP), its recovery codes, and the pending second
-- step of a sign-in. (Password reset uses `email_tokens` with purpose 'reset'.)
--
-- The TOTP secret is stored sealed under the master key (AES-256-GCM, the
-- user's id bound as associated data); NULL means two-factor authentication
-- is off. `totp_last_step` is the last 30-second step whose code was
-- accepted: a code is accepted once (RFC 6238 §5.2). `totp_pending` is the
-- sealed secret being set up (shown as a QR code, not yet confirmed).
ALTER TABLE users ADD COLUMN totp_secret BYTEA;
ALTER TABLE users ADD COLUMN totp_enabled_at TIMESTAMPTZ;
ALTER TABLE users ADD COLUMN totp_last_step BIGINT;
ALTER TABLE users ADD COLUMN totp_pending BYTEA;

-- Single-use recovery codes; only a SHA-256 (salted with the user's id) of
-- each is kept.
CREATE TABLE recovery_codes (
    id                 BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    user_id            BIGINT  NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    code_hash          TEXT    NOT NULL,
    created_at         TIMESTAMPTZ NOT NULL,
    used_at            TIMESTAMPTZ,
    UNIQUE (user_id, code_hash)
);

-- The fresh recovery codes, sealed, until the session that turned on 2FA
-- has been shown them once.
CREATE TABLE recovery_code_reveals (
    session_hash       TEXT    PRIMARY KEY REFERENCES sessions(id_hash) ON DELETE CASCADE,
    user_id            BIGINT  NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    sealed_codes       BYTEA   NOT NULL,
    expires_at         TIMESTAMPTZ NOT NULL
);

-- A sign-in whose password was right and whose second factor is awaited.
-- Its cookie grants nothing but the second step; it lives 10 minutes.
CREATE TABLE login_challenges (
    id_hash            TEXT    PRIMARY KEY,
    user_id            BIGINT  NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    created_at         TIMESTAMPTZ NOT NULL,
    expires_at         TIMESTAMPTZ NOT NULL,
    ip                 TEXT    NOT NULL DEFAULT '',
    user_agent         TEXT    NOT NULL DEFAULT ''
);
CREATE INDEX login_challenges_user ON login_challenges (user_id);
