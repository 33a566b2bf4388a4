-- The durable job queue (background work such as the mail outbox). A job is
-- pending until `done_at` (it ran) or `failed_at` (it gave up after
-- `max_attempts`). A worker claims a job by writing its id into `locked_by`
-- and a lease end into `locked_until`; a job whose lease ran out (its worker
-- died) can be claimed again. `attempts` counts claims. Timestamps are
-- written by Laurel as RFC 3339 UTC text, so they compare as text.
CREATE TABLE jobs (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    queue        TEXT    NOT NULL CHECK (length(queue) BETWEEN 1 AND 64),
    payload      TEXT    NOT NULL,
    run_at       TEXT    NOT NULL,
    attempts     INTEGER NOT NULL DEFAULT 0 CHECK (attempts >= 0),
    max_attempts INTEGER NOT NULL DEFAULT 8 CHECK (max_attempts >= 1),
    locked_by    TEXT,
    locked_until TEXT,
    last_error   TEXT,
    done_at      TEXT,
    failed_at    TEXT,
    created_at   TEXT    NOT NULL
);
-- The claim query: the oldest due job of one queue among the pending ones.
CREATE INDEX jobs_claim ON jobs (queue, run_at, id)
    WHERE done_at IS NULL AND failed_at IS NULL;
