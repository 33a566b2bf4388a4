-- Outbound webhooks: an organisation's endpoints (URL, the secret that
-- signs deliveries — sealed with the master key, since Laurel must sign
-- with it — and the events it wants), one delivery per event and endpoint,
-- and every attempt with its response code and timing.
CREATE TABLE webhook_endpoints (
    id                 BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    organisation_id    BIGINT  NOT NULL REFERENCES organisations(id) ON DELETE CASCADE,
    url                TEXT    NOT NULL,
    secret_sealed      BYTEA   NOT NULL,
    -- Space-separated event words (badge.issued badge.claimed …).
    events             TEXT    NOT NULL CHECK (length(events) > 0),
    created_at         TIMESTAMPTZ NOT NULL,
    -- Set when a delivery gave up after its last retry; cleared by a success.
    failing_since      TIMESTAMPTZ
);
CREATE INDEX webhook_endpoints_organisation ON webhook_endpoints (organisation_id);

CREATE TABLE webhook_deliveries (
    id                 BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    endpoint_id        BIGINT  NOT NULL REFERENCES webhook_endpoints(id) ON DELETE CASCADE,
    organisation_id    BIGINT  NOT NULL REFERENCES organisations(id) ON DELETE CASCADE,
    -- The event's id (a UUID), the same for every endpoint it goes to.
    event_id           TEXT    NOT NULL,
    event              TEXT    NOT NULL,
    -- The JSON body, exactly as signed and sent.
    body               TEXT    NOT NULL,
    created_at         TIMESTAMPTZ NOT NULL,
    attempts           INTEGER NOT NULL DEFAULT 0,
    delivered_at       TIMESTAMPTZ,
    failed_at          TIMESTAMPTZ
);
CREATE INDEX webhook_deliveries_endpoint ON webhook_deliveries (endpoint_id, id);

CREATE TABLE webhook_attempts (
    id                 BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    delivery_id        BIGINT  NOT NULL REFERENCES webhook_deliveries(id) ON DELETE CASCADE,
    attempted_at       TIMESTAMPTZ NOT NULL,
    -- The HTTP status, or NULL when no answer came (then `error` says why).
    status             INTEGER,
    duration_ms        INTEGER NOT NULL,
    error              TEXT
);
CREATE INDEX webhook_attempts_delivery ON webhook_attempts (delivery_id, id);
