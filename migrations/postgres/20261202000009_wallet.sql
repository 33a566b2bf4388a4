-- The holder side. A holder is any account: its wallet holds every badge
-- issued to its (verified) address. A badge is private until its holder
-- makes it public: no row here, or `public` false, means private.
CREATE TABLE wallet_badges (
    user_id            BIGINT      NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    assertion_id       BIGINT      NOT NULL REFERENCES assertions(id) ON DELETE CASCADE,
    public             BOOLEAN     NOT NULL DEFAULT FALSE,
    updated_at         TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (user_id, assertion_id)
);

-- A holder's public profile (`/u/{handle}`); off until switched on.
CREATE TABLE holder_profiles (
    user_id            BIGINT      PRIMARY KEY REFERENCES users(id) ON DELETE CASCADE,
    handle             TEXT        NOT NULL UNIQUE,
    display_name       TEXT        NOT NULL CHECK (length(display_name) BETWEEN 1 AND 100),
    summary            TEXT        NOT NULL DEFAULT '' CHECK (length(summary) <= 1000),
    public             BOOLEAN     NOT NULL DEFAULT FALSE,
    updated_at         TIMESTAMPTZ NOT NULL
);
