-- Organisations (issuers). The subdomain is permanent: it is part of every
-- badge URL the organisation issues.
CREATE TABLE organisations (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    subdomain   TEXT    NOT NULL UNIQUE CHECK (length(subdomain) BETWEEN 3 AND 63),
    name        TEXT    NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    created_at  TEXT    NOT NULL
);
