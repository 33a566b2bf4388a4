-- Issuer analytics: one append-only event stream, rolled up per day.
--
-- analytics_events replaces badge_events (views, shares and embeds only)
-- with every kind: issued, claimed, view (with the referrer's class), share
-- (with the network), embed, verified (with the document a verifier
-- fetched), imported, revoked, expired. Nothing about a visitor is stored
-- but, for page views, a hash salted with that day's secret (for unique
-- visitors), blanked once the day is rolled up for good.
CREATE TABLE analytics_events (
    id              BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    organisation_id BIGINT NOT NULL REFERENCES organisations(id) ON DELETE CASCADE,
    -- The template the badge was issued from (0: none, e.g. the demo's
    -- first classes).
    template_id     BIGINT NOT NULL DEFAULT 0,
    assertion_id    BIGINT REFERENCES assertions(id) ON DELETE CASCADE,
    kind            TEXT   NOT NULL CHECK (kind IN ('issued', 'claimed', 'view', 'share', 'embed',
                                                    'verified', 'imported', 'revoked', 'expired')),
    detail          TEXT   NOT NULL DEFAULT '' CHECK (
           (kind = 'share'    AND detail IN ('linkedin', 'x', 'facebook', 'email'))
        OR (kind = 'view'     AND detail IN ('direct', 'search', 'social', 'embed', 'other'))
        OR (kind = 'verified' AND detail IN ('ob2_json', 'jws', 'vc_jwt', 'ob3_json'))
        OR (kind = 'issued'   AND detail IN ('same_day', 'up_to_week', 'up_to_month', 'later'))
        OR (kind IN ('claimed', 'embed', 'imported', 'revoked', 'expired') AND detail = '')),
    -- issued: whole days from the achievement date to the issue.
    value           BIGINT NOT NULL DEFAULT 0 CHECK (value >= 0),
    visitor         TEXT,
    -- The UTC day of created_at (the rollup's key).
    day             DATE   NOT NULL,
    created_at      TIMESTAMPTZ NOT NULL
);
CREATE INDEX analytics_events_day ON analytics_events (day);

-- Per organisation, day, template, kind and detail: the events and the
-- sum of their values.
CREATE TABLE analytics_days (
    organisation_id BIGINT NOT NULL REFERENCES organisations(id) ON DELETE CASCADE,
    day             DATE NOT NULL,
    template_id     BIGINT NOT NULL,
    kind            TEXT NOT NULL,
    detail          TEXT NOT NULL,
    events          BIGINT NOT NULL,
    value_sum       BIGINT NOT NULL,
    PRIMARY KEY (organisation_id, day, template_id, kind, detail)
);

-- Unique visitors of an organisation's verification pages per day: per
-- template, and across all of them (template_id -1; a visitor of two
-- templates' badges counts once there).
CREATE TABLE analytics_visitors (
    organisation_id BIGINT NOT NULL REFERENCES organisations(id) ON DELETE CASCADE,
    day             DATE NOT NULL,
    template_id     BIGINT NOT NULL,
    visitors        BIGINT NOT NULL,
    PRIMARY KEY (organisation_id, template_id, day)
);

-- One secret per day for visitor hashes, shared by every instance and
-- deleted when the day is over (so old hashes cannot be recomputed).
CREATE TABLE analytics_salts (
    day  DATE PRIMARY KEY,
    salt TEXT NOT NULL
);

-- The rollup's progress (one row): the first day the next run recomputes,
-- and up to when expiries were turned into events.
CREATE TABLE analytics_state (
    id         INTEGER PRIMARY KEY CHECK (id = 1),
    rolled_day DATE,
    swept_to   TIMESTAMPTZ,
    run_at     TIMESTAMPTZ
);
INSERT INTO analytics_state (id) VALUES (1);

-- History: every badge issued, claimed and revoked so far.
INSERT INTO analytics_events (organisation_id, template_id, assertion_id, kind, detail, value, day, created_at)
SELECT organisation_id, COALESCE(template_id, 0), id, 'issued',
       CASE WHEN d <= 0 THEN 'same_day' WHEN d <= 7 THEN 'up_to_week'
            WHEN d <= 31 THEN 'up_to_month' ELSE 'later' END,
       GREATEST(d, 0), (created_at AT TIME ZONE 'UTC')::date, created_at
FROM (SELECT *, (created_at AT TIME ZONE 'UTC')::date - (issued_on AT TIME ZONE 'UTC')::date AS d
      FROM assertions) a;
INSERT INTO analytics_events (organisation_id, template_id, assertion_id, kind, day, created_at)
SELECT organisation_id, COALESCE(template_id, 0), id, 'claimed', (claimed_at AT TIME ZONE 'UTC')::date, claimed_at
FROM assertions WHERE claimed_at IS NOT NULL;
INSERT INTO analytics_events (organisation_id, template_id, assertion_id, kind, day, created_at)
SELECT organisation_id, COALESCE(template_id, 0), id, 'revoked', (revoked_at AT TIME ZONE 'UTC')::date, revoked_at
FROM assertions WHERE revoked_at IS NOT NULL;
-- The old stream's views (no referrer was kept), shares and embeds.
INSERT INTO analytics_events (organisation_id, template_id, assertion_id, kind, detail, day, created_at)
SELECT e.organisation_id, COALESCE(a.template_id, 0), e.assertion_id, e.kind,
       CASE e.kind WHEN 'share' THEN e.channel WHEN 'view' THEN 'direct' ELSE '' END,
       (e.created_at AT TIME ZONE 'UTC')::date, e.created_at
FROM badge_events e JOIN assertions a ON a.id = e.assertion_id;
DROP TABLE badge_events;
