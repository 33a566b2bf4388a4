-- Holders: their own sign-up, the public verifier's reports, imported badges,
-- collections, share images, further addresses and badge events.
--
-- Holders sign up on their own (`/signup`, "keep my badges"): their emailed
-- link is an `email_tokens` row with the purpose 'holder'. SQLite cannot
-- change a CHECK constraint, so the table is rebuilt with the same columns.
CREATE TABLE email_tokens_new (
    id                 INTEGER PRIMARY KEY AUTOINCREMENT,
    token_hash         TEXT    NOT NULL UNIQUE,
    purpose            TEXT    NOT NULL CHECK (purpose IN ('signup', 'holder', 'address', 'reset', 'invite')),
    email              TEXT    NOT NULL,
    organisation_id    INTEGER REFERENCES organisations(id) ON DELETE CASCADE,
    role               TEXT,
    expires_at         TEXT    NOT NULL,
    used_at            TEXT,
    created_at         TEXT    NOT NULL
);
INSERT INTO email_tokens_new (id, token_hash, purpose, email, organisation_id, role, expires_at, used_at, created_at)
    SELECT id, token_hash, purpose, email, organisation_id, role, expires_at, used_at, created_at FROM email_tokens;
DROP TABLE email_tokens;
ALTER TABLE email_tokens_new RENAME TO email_tokens;

-- The public verifier's reports (`/verify`): a plain form posts the badge,
-- the server verifies it and redirects to the report under an unguessable
-- link (only its SHA-256 is stored). Reports are kept for a day.
CREATE TABLE verification_reports (
    id_hash            TEXT    PRIMARY KEY,
    valid              BOOLEAN NOT NULL,
    report             TEXT    NOT NULL,
    created_at         TEXT    NOT NULL,
    expires_at         TEXT    NOT NULL
);
CREATE INDEX verification_reports_expiry ON verification_reports (expires_at);

-- Badges a holder imported from elsewhere (a baked image, a URL, JSON, a
-- JWS or a VC-JWT): the original as given, and the verifier's last report.
-- `fingerprint` (the SHA-256 of the assertion's or credential's id, or of
-- the original when it has none) keeps one copy per holder.
CREATE TABLE imported_badges (
    id                 INTEGER PRIMARY KEY AUTOINCREMENT,
    public_id          TEXT    NOT NULL UNIQUE,
    user_id            INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    fingerprint        TEXT    NOT NULL,
    kind               TEXT    NOT NULL CHECK (kind IN ('png', 'svg', 'text')),
    original           BLOB    NOT NULL,
    version            TEXT,
    badge_name         TEXT    NOT NULL,
    issuer_name        TEXT    NOT NULL,
    issued_on          TEXT,
    valid              BOOLEAN NOT NULL,
    report             TEXT    NOT NULL,
    verified_at        TEXT    NOT NULL,
    created_at         TEXT    NOT NULL,
    UNIQUE (user_id, fingerprint)
);
CREATE INDEX imported_badges_user ON imported_badges (user_id, id);

-- A holder's collections: named, ordered sets of their badges, each with a
-- public page (`/u/{handle}/c/{public_id}`) when public. A private badge
-- in a public collection is still shown nowhere public.
CREATE TABLE collections (
    id                 INTEGER PRIMARY KEY AUTOINCREMENT,
    public_id          TEXT        NOT NULL UNIQUE,
    user_id            INTEGER      NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    name               TEXT        NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
    description        TEXT        NOT NULL DEFAULT '' CHECK (length(description) <= 1000),
    public             BOOLEAN     NOT NULL DEFAULT FALSE,
    created_at         TEXT NOT NULL,
    updated_at         TEXT NOT NULL
);
CREATE INDEX collections_user ON collections (user_id, id);

CREATE TABLE collection_badges (
    collection_id      INTEGER      NOT NULL REFERENCES collections(id) ON DELETE CASCADE,
    assertion_id       INTEGER      NOT NULL REFERENCES assertions(id) ON DELETE CASCADE,
    position           INTEGER     NOT NULL,
    PRIMARY KEY (collection_id, assertion_id)
);

-- Rendered 1200×630 share images (link previews), by the key their
-- immutable URL carries (a hash of what the picture shows).
CREATE TABLE share_images (
    key                TEXT        PRIMARY KEY,
    png                BLOB       NOT NULL,
    created_at         TEXT NOT NULL
);

-- A holder's further addresses. Each is verified by an emailed link (an
-- `email_tokens` row with the purpose 'address'); once verified, every
-- badge issued to it is in the holder's wallet. An address is verified for
-- one account at most.
CREATE TABLE user_emails (
    id                 INTEGER PRIMARY KEY AUTOINCREMENT,
    user_id            INTEGER      NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    email              TEXT        NOT NULL,
    verified_at        TEXT,
    created_at         TEXT NOT NULL,
    UNIQUE (user_id, email)
);
CREATE UNIQUE INDEX user_emails_verified ON user_emails (email) WHERE verified_at IS NOT NULL;

-- Every address a holder's badges are found by: the account's own and the
-- verified further ones. Wallet, visibility, collection and embed queries
-- join through it, so the rule is written once.
CREATE VIEW holder_addresses AS
    SELECT id AS user_id, email FROM users
    UNION ALL
    SELECT user_id, email FROM user_emails WHERE verified_at IS NOT NULL;

-- What happened to badges on public surfaces, for their issuers' analytics:
-- verification page views, share clicks (with the network), oEmbed fetches.
-- Nothing about the visitor is stored: no address, no agent, no hash.
CREATE TABLE badge_events (
    id                 INTEGER PRIMARY KEY AUTOINCREMENT,
    organisation_id    INTEGER      NOT NULL REFERENCES organisations(id) ON DELETE CASCADE,
    assertion_id       INTEGER      NOT NULL REFERENCES assertions(id) ON DELETE CASCADE,
    kind               TEXT        NOT NULL CHECK (kind IN ('view', 'share', 'embed')),
    channel            TEXT        CHECK (channel IN ('linkedin', 'x', 'facebook', 'email')),
    created_at         TEXT NOT NULL
);
CREATE INDEX badge_events_org ON badge_events (organisation_id, created_at);
