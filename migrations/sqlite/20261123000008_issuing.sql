-- Badge templates: what an issuer designs, edits, duplicates and archives.
-- Each saved edit is a new immutable version in badge_classes (its own
-- public BadgeClass URL); a badge keeps pointing at the version it was
-- issued with, so editing a template never changes an issued badge or
-- breaks its signature.
CREATE TABLE badge_templates (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    organisation_id INTEGER  NOT NULL REFERENCES organisations(id) ON DELETE CASCADE,
    -- The ID the remote API and CSV files use; unique per organisation.
    external_id     TEXT CHECK (length(external_id) BETWEEN 1 AND 100),
    current_version INTEGER NOT NULL DEFAULT 1,
    archived_at     TEXT,
    created_at      TEXT NOT NULL,
    updated_at      TEXT NOT NULL,
    UNIQUE (organisation_id, external_id)
);
CREATE INDEX badge_templates_org ON badge_templates (organisation_id, archived_at);

ALTER TABLE badge_classes ADD COLUMN template_id INTEGER REFERENCES badge_templates(id) ON DELETE CASCADE;
ALTER TABLE badge_classes ADD COLUMN version INTEGER NOT NULL DEFAULT 1;
CREATE UNIQUE INDEX badge_classes_template_version ON badge_classes (template_id, version);

-- CSV batches: the parsed rows are kept, each with its own idempotency key
-- and outcome, so a batch resumes after a crash where it stopped.
CREATE TABLE issue_batches (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    organisation_id INTEGER  NOT NULL REFERENCES organisations(id) ON DELETE CASCADE,
    template_id     INTEGER  NOT NULL REFERENCES badge_templates(id),
    created_by      INTEGER  REFERENCES users(id) ON DELETE SET NULL,
    file_name       TEXT    NOT NULL,
    file_sha256     TEXT    NOT NULL,
    status          TEXT    NOT NULL CHECK (status IN ('preview', 'running', 'done', 'cancelled')),
    total_rows      INTEGER NOT NULL,
    created_at      TEXT NOT NULL,
    confirmed_at    TEXT,
    finished_at     TEXT
);
CREATE INDEX issue_batches_org ON issue_batches (organisation_id, id);

-- Issued badges gain the EXeed holder fields, their template, where they
-- came from, an idempotency key and the holder's claim.
ALTER TABLE assertions ADD COLUMN template_id INTEGER REFERENCES badge_templates(id);
ALTER TABLE assertions ADD COLUMN holder_first_name TEXT NOT NULL DEFAULT '';
ALTER TABLE assertions ADD COLUMN holder_last_name TEXT NOT NULL DEFAULT '';
ALTER TABLE assertions ADD COLUMN holder_last_name_prefix TEXT NOT NULL DEFAULT '';
ALTER TABLE assertions ADD COLUMN holder_is_individual INTEGER NOT NULL DEFAULT 1;
ALTER TABLE assertions ADD COLUMN source TEXT NOT NULL DEFAULT 'hand' CHECK (source IN ('hand', 'batch', 'api', 'demo'));
ALTER TABLE assertions ADD COLUMN batch_id INTEGER REFERENCES issue_batches(id) ON DELETE SET NULL;
ALTER TABLE assertions ADD COLUMN idempotency_key TEXT;
ALTER TABLE assertions ADD COLUMN claim_token_hash TEXT;
ALTER TABLE assertions ADD COLUMN claimed_at TEXT;
CREATE UNIQUE INDEX assertions_idempotency ON assertions (organisation_id, idempotency_key);
CREATE UNIQUE INDEX assertions_claim_token ON assertions (claim_token_hash);
-- The register: newest first, by template, by name or email, revoked only
-- (the search scans one organisation).
CREATE INDEX assertions_org_issued ON assertions (organisation_id, issued_on, id);
CREATE INDEX assertions_org_template ON assertions (organisation_id, template_id, issued_on, id);
CREATE INDEX assertions_org_name ON assertions (organisation_id, recipient_name, id);
CREATE INDEX assertions_org_email ON assertions (organisation_id, recipient_email, id);
CREATE INDEX assertions_org_revoked_issued ON assertions (organisation_id, issued_on, id) WHERE revoked_at IS NOT NULL;
CREATE INDEX assertions_org_unclaimed ON assertions (organisation_id) WHERE claimed_at IS NULL AND revoked_at IS NULL;

CREATE TABLE issue_batch_rows (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    batch_id        INTEGER  NOT NULL REFERENCES issue_batches(id) ON DELETE CASCADE,
    line            INTEGER NOT NULL,
    -- The holder's address as written in the file (for the result file).
    email           TEXT    NOT NULL DEFAULT '',
    -- The parsed award (JSON) for a valid row, the raw problems otherwise.
    award           TEXT,
    template_id     INTEGER  REFERENCES badge_templates(id),
    idempotency_key TEXT,
    status          TEXT    NOT NULL CHECK (status IN ('invalid', 'pending', 'issued', 'skipped', 'failed')),
    message         TEXT    NOT NULL DEFAULT '',
    assertion_id    INTEGER  REFERENCES assertions(id) ON DELETE SET NULL,
    UNIQUE (batch_id, line)
);
CREATE INDEX issue_batch_rows_status ON issue_batch_rows (batch_id, status, line);

-- Badges issued per organisation and calendar month (UTC): what billing
-- charges for and analytics shows. Counted in the issuing transaction.
CREATE TABLE usage_monthly (
    organisation_id INTEGER NOT NULL REFERENCES organisations(id) ON DELETE CASCADE,
    month           TEXT   NOT NULL,
    badges_issued   INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (organisation_id, month)
);
