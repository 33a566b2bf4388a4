-- Two-factor authentication (TOTP), its recovery codes, and the pending second
-- step of a sign-in. (Password reset uses `email_tokens` with purpose 'reset'.)
--
-- The TOTP secret is stored sealed under the master key (AES-256-GCM, the
-- user's id bound as associated data); NULL means two-factor authentication
-- is off. `totp_last_step` is the last 30-second step whose code was
-- accepted: a code is accepted once (RFC 6238 §5.2). `totp_pending` is the
-- sealed secret being set up (shown as a QR code, not yet confirmed).
ALTER TABLE users ADD COLUMN totp_secret BLOB;
ALTER TABLE users ADD COLUMN totp_enabled_at TEXT;
ALTER TABLE users ADD COLUMN totp_last_step INTEGER;
ALTER TABLE users ADD COLUMN totp_pending BLOB;

-- Single-use recovery codes; only a SHA-256 (salted with the user's id) of
-- each is kept.
CREATE TABLE recovery_codes (
    id                 INTEGER PRIMARY KEY AUTOINCREMENT,
    user_id            INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    code_hash          TEXT    NOT NULL,
    created_at         TEXT    NOT NULL,
    used_at            TEXT,
    UNIQUE (user_id, code_hash)
);

-- The fresh recovery codes, sealed, until the session that turned on 2FA
-- has been shown them once.
CREATE TABLE recovery_code_reveals (
    session_hash       TEXT    PRIMARY KEY REFERENCES sessions(id_hash) ON DELETE CASCADE,
    user_id            INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    sealed_codes       BLOB    NOT NULL,
    expires_at         TEXT    NOT NULL
);

-- A sign-in whose password was right and whose second factor is awaited.
-- Its cookie grants nothing but the second step; it lives 10 minutes.
CREATE TABLE login_challenges (
    id_hash            TEXT    PRIMARY KEY,
    user_id            INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    created_at         TEXT    NOT NULL,
    expires_at         TEXT    NOT NULL,
    ip                 TEXT    NOT NULL DEFAULT '',
    user_agent         TEXT    NOT NULL DEFAULT ''
);
CREATE INDEX login_challenges_user ON login_challenges (user_id);
