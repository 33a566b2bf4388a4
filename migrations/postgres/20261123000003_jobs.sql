-- The durable job queue (background work such as the mail outbox). A job is
-- pending until `done_at` (it ran) or `failed_at` (it gave up after
-- `max_attempts`). A worker claims a job by writing its id into `locked_by`
-- and a lease end into `locked_until` (`FOR UPDATE SKIP LOCKED`, so instances
-- sharing the database never claim the same job); a job whose lease ran out
-- (its worker died) can be claimed again. `attempts` counts claims.
CREATE TABLE jobs (
    id           BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    queue        TEXT        NOT NULL CHECK (length(queue) BETWEEN 1 AND 64),
    payload      TEXT        NOT NULL,
    run_at       TIMESTAMPTZ NOT NULL,
    attempts     INTEGER     NOT NULL DEFAULT 0 CHECK (attempts >= 0),
    max_attempts INTEGER     NOT NULL DEFAULT 8 CHECK (max_attempts >= 1),
    locked_by    TEXT,
    locked_until TIMESTAMPTZ,
    last_error   TEXT,
    done_at      TIMESTAMPTZ,
    failed_at    TIMESTAMPTZ,
    created_at   TIMESTAMPTZ NOT NULL
);
-- The claim query: the oldest due job of one queue among the pending ones.
CREATE INDEX jobs_claim ON jobs (queue, run_at, id)
    WHERE done_at IS NULL AND failed_at IS NULL;
