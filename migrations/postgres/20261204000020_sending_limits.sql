-- New organisations' sending limits, and reports of abuse.

-- An organisation the operator has verified (`laurel orgs verify`) sends
-- without the daily limits of a new one; NULL until then.
ALTER TABLE organisations ADD COLUMN verified_at TIMESTAMPTZ;

-- What an organisation sent on a day (UTC, `YYYY-MM-DD`): badges issued and
-- mails to people outside it (holders' badge mails, resends, invitations).
-- Counted in the transaction that queues them, against the day's limit of
-- an unverified organisation without a paid plan
-- (laurel_service::sending); kept for a week.
CREATE TABLE sending_daily (
    organisation_id BIGINT  NOT NULL REFERENCES organisations(id) ON DELETE CASCADE,
    day             TEXT    NOT NULL,
    badges          BIGINT  NOT NULL DEFAULT 0,
    mails           BIGINT  NOT NULL DEFAULT 0,
    PRIMARY KEY (organisation_id, day)
);

-- Reports from the recipients of holder mails (the "report abuse" link at
-- the foot of each): which organisation and badge the mail was about, if
-- the link named a real one, why, and how to answer. For the operator
-- (`laurel orgs reports`).
CREATE TABLE abuse_reports (
    id              BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    organisation_id BIGINT REFERENCES organisations(id) ON DELETE CASCADE,
    badge_slug      TEXT        NOT NULL DEFAULT '' CHECK (length(badge_slug) <= 100),
    reason          TEXT        NOT NULL,
    details         TEXT        NOT NULL DEFAULT '' CHECK (length(details) <= 2000),
    reply_to        TEXT        NOT NULL DEFAULT '' CHECK (length(reply_to) <= 254),
    created_at      TIMESTAMPTZ NOT NULL
);
CREATE INDEX abuse_reports_by_organisation ON abuse_reports (organisation_id, created_at);
