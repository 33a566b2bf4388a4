//! The durable job queue: background work (the mail outbox first) stored in
//! the database, so it survives restarts and runs once across every Laurel
//! instance sharing the database.
//!
//! Life of a job: [`Store::enqueue`] (or [`INSERT_JOB_SQL`] inside another
//! write's transaction — the outbox pattern) → [`Store::claim`] by one worker,
//! which takes a lease and counts an attempt → [`Store::complete`], or
//! [`Store::fail`] with the time of the next try (backoff is computed by the
//! caller, see [`backoff`]); after `max_attempts` claims (mail: once older
//! than [`MAIL_RETRY_FOR`]) the job is marked
//! failed and never runs again. A worker that dies keeps its lease until it
//! runs out; the job can then be claimed again.
//!
//! Exactly-once is per claim: two workers never hold the same job at once
//! (PostgreSQL: `FOR UPDATE SKIP LOCKED`; SQLite: one writer at a time), and
//! only the holder of the lease may complete or fail it. A handler that
//! crashes after its side effect but before `complete` runs again, so
//! handlers should be idempotent where they can be.

use std::time::Duration;

use chrono::{DateTime, Utc};

use super::{with_pool, Organisation, Pool, Store, StoreError};
use crate::BeginWrite as _;

/// The queue of outgoing account mail (`laurel_service::mail`): sign-up,
/// password reset, invitations, test mail.
pub const MAIL_QUEUE: &str = "mail";
/// The queue of badge notifications to holders. The same mailer serves both
/// queues, and the worker takes one job of each queue in turn, so a person
/// waiting for a sign-up or reset link is never queued behind the thousands
/// of notifications of another organisation's CSV batch.
pub const HOLDER_MAIL_QUEUE: &str = "mail-holder";

/// `INSERT INTO jobs (…) `: the columns [`bind_job`] binds, in its order,
/// for the statements that insert many jobs at once (`push_values`).
macro_rules! job_columns {
    () => {
        "INSERT INTO jobs (queue, payload, run_at, created_at, max_attempts) "
    };
}
pub(crate) use job_columns;

/// Inserts a job: bind, in this order, `queue` (text), `payload` (JSON text),
/// `run_at` and `created_at` (both `DateTime<Utc>`) and `max_attempts`, or
/// use [`bind_job`].
/// Meant for store methods that must write their own rows and the job in one
/// transaction (the outbox pattern): either both are stored or neither.
///
/// ```ignore
/// with_pool!(self, p => {
///     let mut tx = p.begin_write().await?;
///     sqlx::query("INSERT INTO … ").bind(…).execute(&mut *tx).await?;
///     bind_job(sqlx::query(INSERT_JOB_SQL), MAIL_QUEUE, &payload, Utc::now())
///         .execute(&mut *tx)
///         .await?;
///     tx.commit().await
/// })?;
/// ```
pub(crate) const INSERT_JOB_SQL: &str = concat!(job_columns!(), "VALUES ($1, $2, $3, $4, $5)");

/// How long mail is retried before it is given up, whatever the number of
/// attempts: an SMTP server can be down for hours (maintenance, a full
/// disk, an expired certificate), and a late sign-up link or badge notice
/// is better than a lost one. Other queues give up after [`MAX_ATTEMPTS`].
pub const MAIL_RETRY_FOR: chrono::Duration = chrono::Duration::hours(48);

/// Attempts a job of any other queue gets.
pub const MAX_ATTEMPTS: i32 = 8;

/// The queues retried by age ([`MAIL_RETRY_FOR`]) rather than by attempts.
fn retried_by_age(queue: &str) -> bool {
    queue == MAIL_QUEUE || queue == HOLDER_MAIL_QUEUE
}

/// The `max_attempts` a new job of `queue` is stored with: for the mail
/// queues a bound never reached (with the backoff's one-hour cap, 48 hours
/// is some 60 attempts), so their age decides.
pub(crate) fn max_attempts(queue: &str) -> i32 {
    if retried_by_age(queue) {
        100_000
    } else {
        MAX_ATTEMPTS
    }
}

/// Binds a job's values to a query made from [`INSERT_JOB_SQL`], on either
/// backend (`created_at` is now).
pub(crate) fn bind_job<'q, DB>(
    query: sqlx::query::Query<'q, DB, <DB as sqlx::Database>::Arguments<'q>>,
    queue: &'q str,
    payload: &'q str,
    run_at: DateTime<Utc>,
) -> sqlx::query::Query<'q, DB, <DB as sqlx::Database>::Arguments<'q>>
where
    DB: sqlx::Database,
    &'q str: sqlx::Encode<'q, DB> + sqlx::Type<DB>,
    DateTime<Utc>: sqlx::Encode<'q, DB> + sqlx::Type<DB>,
    i32: sqlx::Encode<'q, DB> + sqlx::Type<DB>,
{
    query
        .bind(queue)
        .bind(payload)
        .bind(run_at)
        .bind(Utc::now())
        .bind(max_attempts(queue))
}

/// One job, as stored.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct Job {
    pub id: i64,
    pub queue: String,
    /// JSON text.
    pub payload: String,
    /// Not before this time.
    pub run_at: DateTime<Utc>,
    /// How many times it was claimed.
    pub attempts: i32,
    pub max_attempts: i32,
    /// The worker holding the lease, if any.
    pub locked_by: Option<String>,
    pub locked_until: Option<DateTime<Utc>>,
    pub last_error: Option<String>,
    /// Ran successfully.
    pub done_at: Option<DateTime<Utc>>,
    /// Gave up after `max_attempts`.
    pub failed_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
}

impl Job {
    /// The payload, parsed.
    pub fn payload_json(&self) -> Result<serde_json::Value, serde_json::Error> {
        serde_json::from_str(&self.payload)
    }

    /// Neither done nor given up.
    pub fn is_pending(&self) -> bool {
        self.done_at.is_none() && self.failed_at.is_none()
    }
}

const COLUMNS: &str = "id, queue, payload, run_at, attempts, max_attempts, locked_by, \
    locked_until, last_error, done_at, failed_at, created_at";

/// The longest `last_error` kept (longer texts are cut at a character boundary).
const MAX_ERROR_CHARS: usize = 2000;

/// The delay before retrying a job that failed on its `attempts`-th try:
/// `base × 2^(attempts−1)`, at most `cap`, with "equal jitter" — a uniformly
/// random point in the upper half of that — so failures that happened
/// together (an SMTP server that was down) do not retry in lockstep.
/// `jitter` is a number in `[0, 1)` (random in production).
pub fn backoff(attempts: i32, base: Duration, cap: Duration, jitter: f64) -> Duration {
    let exponent = attempts.saturating_sub(1).clamp(0, 30) as u32;
    let full = base.saturating_mul(1u32 << exponent).min(cap);
    let jitter = jitter.clamp(0.0, 1.0);
    full / 2 + full.mul_f64(jitter / 2.0)
}

fn lease_end(now: DateTime<Utc>, lease: Duration) -> DateTime<Utc> {
    now + chrono::Duration::from_std(lease).unwrap_or(chrono::Duration::MAX)
}

fn truncate(text: &str) -> &str {
    match text.char_indices().nth(MAX_ERROR_CHARS) {
        Some((cut, _)) => &text[..cut],
        None => text,
    }
}

impl Store {
    /// Adds a job to `queue`, to run at `run_at` or later; returns its id.
    pub async fn enqueue(
        &self,
        queue: &str,
        payload: &serde_json::Value,
        run_at: DateTime<Utc>,
    ) -> Result<i64, StoreError> {
        let payload = payload.to_string();
        let sql = format!("{INSERT_JOB_SQL} RETURNING id");
        Ok(with_pool!(self, p => {
            bind_job(sqlx::query(&sql), queue, &payload, run_at)
                .fetch_one(p)
                .await
                .and_then(|row| sqlx::Row::try_get::<i64, _>(&row, 0))
        })?)
    }

    /// Takes the oldest due job of `queue` for `worker_id`, with a lease of
    /// `lease` (after which another worker may take it), and counts the
    /// attempt. `None` when no job is due. Never gives the same job to two
    /// workers whose leases overlap.
    pub async fn claim(
        &self,
        queue: &str,
        worker_id: &str,
        lease: Duration,
    ) -> Result<Option<Job>, StoreError> {
        let now = Utc::now();
        // Due, pending, not leased (or the lease ran out), attempts left.
        let due = "queue = $3 AND done_at IS NULL AND failed_at IS NULL AND run_at <= $4 \
                   AND (locked_until IS NULL OR locked_until < $4) AND attempts < max_attempts \
                   ORDER BY run_at, id LIMIT 1";
        let set = "UPDATE jobs SET locked_by = $1, locked_until = $2, attempts = attempts + 1";
        let job = match &self.pool {
            // SKIP LOCKED: concurrent claimers pass over a row another
            // transaction is claiming instead of queueing behind it.
            Pool::Postgres(p) => {
                let sql = format!(
                    "{set} WHERE id = (SELECT id FROM jobs WHERE {due} FOR UPDATE SKIP LOCKED) \
                     RETURNING {COLUMNS}"
                );
                sqlx::query_as::<_, Job>(&sql)
                    .bind(worker_id)
                    .bind(lease_end(now, lease))
                    .bind(queue)
                    .bind(now)
                    .fetch_optional(p)
                    .await?
            }
            // SQLite has no row locks and needs none: a writing statement
            // takes the database's write lock before it reads, so the
            // sub-select and the update happen as one step.
            Pool::Sqlite(p) => {
                let sql = format!(
                    "{set} WHERE id = (SELECT id FROM jobs WHERE {due}) RETURNING {COLUMNS}"
                );
                sqlx::query_as::<_, Job>(&sql)
                    .bind(worker_id)
                    .bind(lease_end(now, lease))
                    .bind(queue)
                    .bind(now)
                    .fetch_optional(p)
                    .await?
            }
        };
        Ok(job)
    }

    /// Marks the job done. False (and nothing changes) unless `worker_id`
    /// holds it: the job was finished or taken over meanwhile.
    pub async fn complete(&self, id: i64, worker_id: &str) -> Result<bool, StoreError> {
        // A delivered mail's payload (sealed, but still the mail) is
        // blanked: the queue keeps that it was sent, not what.
        let affected = with_pool!(self, p => {
            sqlx::query(
                "UPDATE jobs SET done_at = $1, locked_by = NULL, locked_until = NULL, \
                 payload = CASE WHEN queue IN ($4, $5) THEN '{}' ELSE payload END \
                 WHERE id = $2 AND locked_by = $3 AND done_at IS NULL AND failed_at IS NULL",
            )
            .bind(Utc::now())
            .bind(id)
            .bind(worker_id)
            .bind(MAIL_QUEUE)
            .bind(HOLDER_MAIL_QUEUE)
            .execute(p)
            .await
            .map(|r| r.rows_affected())
        })?;
        Ok(affected == 1)
    }

    /// Records a failed attempt: the job runs again at `retry_at`, or — when
    /// it has used all its attempts — is marked failed for good. Returns the
    /// job as updated, `None` (and nothing changes) unless `worker_id` holds
    /// it.
    pub async fn fail(
        &self,
        id: i64,
        worker_id: &str,
        error: &str,
        retry_at: DateTime<Utc>,
    ) -> Result<Option<Job>, StoreError> {
        // Given up after its last attempt — or, for mail, once it is older
        // than MAIL_RETRY_FOR.
        let sql = format!(
            "UPDATE jobs SET locked_by = NULL, locked_until = NULL, last_error = $1, run_at = $2, \
             failed_at = CASE WHEN attempts >= max_attempts \
                 OR (queue IN ($6, $7) AND created_at < $8) THEN $3 ELSE NULL END \
             WHERE id = $4 AND locked_by = $5 AND done_at IS NULL AND failed_at IS NULL \
             RETURNING {COLUMNS}"
        );
        let now = Utc::now();
        Ok(with_pool!(self, p => {
            sqlx::query_as::<_, Job>(&sql)
                .bind(truncate(error))
                .bind(retry_at)
                .bind(now)
                .bind(id)
                .bind(worker_id)
                .bind(MAIL_QUEUE)
                .bind(HOLDER_MAIL_QUEUE)
                .bind(now - MAIL_RETRY_FOR)
                .fetch_optional(p)
                .await
        })?)
    }

    /// Gives a claimed job back untouched (a worker stopping mid-job): it is
    /// due at once and the attempt is not counted. False unless `worker_id`
    /// holds it.
    pub async fn release(&self, id: i64, worker_id: &str) -> Result<bool, StoreError> {
        let affected = with_pool!(self, p => {
            sqlx::query(
                "UPDATE jobs SET locked_by = NULL, locked_until = NULL, run_at = $1, \
                 attempts = CASE WHEN attempts > 0 THEN attempts - 1 ELSE 0 END \
                 WHERE id = $2 AND locked_by = $3 AND done_at IS NULL AND failed_at IS NULL",
            )
            .bind(Utc::now())
            .bind(id)
            .bind(worker_id)
            .execute(p)
            .await
            .map(|r| r.rows_affected())
        })?;
        Ok(affected == 1)
    }

    /// Marks failed the jobs of `queue` whose last allowed attempt's lease ran
    /// out without an answer (their worker died on every try): they would
    /// otherwise stay pending forever. Returns how many.
    pub async fn give_up_abandoned_jobs(&self, queue: &str) -> Result<u64, StoreError> {
        let now = Utc::now();
        Ok(with_pool!(self, p => {
            sqlx::query(
                "UPDATE jobs SET failed_at = $1, locked_by = NULL, locked_until = NULL, \
                 last_error = $2 \
                 WHERE queue = $3 AND done_at IS NULL AND failed_at IS NULL \
                 AND attempts >= max_attempts AND locked_until < $1",
            )
            .bind(now)
            .bind("gave up: the worker of the last attempt stopped before finishing (lease expired)")
            .bind(queue)
            .execute(p)
            .await
            .map(|r| r.rows_affected())
        })?)
    }

    /// The jobs given up for good, by queue: `(queue, count, the newest
    /// one's last error)`, for the operator (`laurel jobs failed`).
    pub async fn failed_jobs(&self) -> Result<Vec<(String, i64, Option<String>)>, StoreError> {
        Ok(with_pool!(self, p => {
            sqlx::query_as::<_, (String, i64, Option<String>)>(
                "SELECT j.queue, count(*), \
                    (SELECT l.last_error FROM jobs l WHERE l.queue = j.queue AND l.failed_at IS NOT NULL \
                     ORDER BY l.failed_at DESC, l.id DESC LIMIT 1) \
                 FROM jobs j WHERE j.failed_at IS NOT NULL GROUP BY j.queue ORDER BY j.queue",
            )
            .fetch_all(p)
            .await
        })?)
    }

    /// Mail that failed and waits to be tried again: how many, since when
    /// the oldest was queued, and the latest error (`laurel doctor`).
    pub async fn failing_mail(
        &self,
    ) -> Result<(i64, Option<DateTime<Utc>>, Option<String>), StoreError> {
        Ok(with_pool!(self, p => {
            sqlx::query_as::<_, (i64, Option<DateTime<Utc>>, Option<String>)>(
                "SELECT count(*), min(created_at), \
                    (SELECT l.last_error FROM jobs l WHERE l.queue IN ($1, $2) \
                     AND l.done_at IS NULL AND l.failed_at IS NULL AND l.last_error IS NOT NULL \
                     ORDER BY l.id DESC LIMIT 1) \
                 FROM jobs WHERE queue IN ($1, $2) AND done_at IS NULL AND failed_at IS NULL \
                 AND last_error IS NOT NULL",
            )
            .bind(MAIL_QUEUE)
            .bind(HOLDER_MAIL_QUEUE)
            .fetch_one(p)
            .await
        })?)
    }

    /// Gives the jobs given up for good (of `queue`, or all) a new life:
    /// pending at once, attempts and age counted afresh (the operator's
    /// `laurel jobs retry`, after fixing what made them fail). Returns how
    /// many.
    pub async fn retry_failed_jobs(&self, queue: Option<&str>) -> Result<u64, StoreError> {
        let now = Utc::now();
        Ok(with_pool!(self, p => {
            sqlx::query(
                "UPDATE jobs SET failed_at = NULL, attempts = 0, run_at = $1, created_at = $1, \
                 locked_by = NULL, locked_until = NULL \
                 WHERE failed_at IS NOT NULL AND done_at IS NULL AND ($2 IS NULL OR queue = $2)",
            )
            .bind(now)
            .bind(queue)
            .execute(p)
            .await
            .map(|r| r.rows_affected())
        })?)
    }

    /// Deletes jobs that finished (done or given up) before `before`.
    pub async fn purge_finished_jobs(&self, before: DateTime<Utc>) -> Result<u64, StoreError> {
        Ok(with_pool!(self, p => {
            sqlx::query("DELETE FROM jobs WHERE done_at < $1 OR failed_at < $1")
                .bind(before)
                .execute(p)
                .await
                .map(|r| r.rows_affected())
        })?)
    }

    /// The job with this id.
    pub async fn job(&self, id: i64) -> Result<Option<Job>, StoreError> {
        let sql = format!("SELECT {COLUMNS} FROM jobs WHERE id = $1");
        Ok(with_pool!(self, p => {
            sqlx::query_as::<_, Job>(&sql).bind(id).fetch_optional(p).await
        })?)
    }

    /// How many jobs of `queue` are neither done nor given up.
    pub async fn count_pending(&self, queue: &str) -> Result<i64, StoreError> {
        Ok(with_pool!(self, p => {
            sqlx::query_scalar::<_, i64>(
                "SELECT COUNT(*) FROM jobs WHERE queue = $1 AND done_at IS NULL AND failed_at IS NULL",
            )
            .bind(queue)
            .fetch_one(p)
            .await
        })?)
    }

    /// Creates an organisation and enqueues a job in one transaction: the
    /// outbox pattern ([`INSERT_JOB_SQL`]) in its smallest form. Either both
    /// rows are written or neither. Test support; real callers write their
    /// own method the same way (e.g. `create_email_token`).
    #[doc(hidden)]
    pub async fn create_organisation_with_job(
        &self,
        subdomain: &laurel::Subdomain,
        name: &str,
        queue: &str,
        payload: &serde_json::Value,
    ) -> Result<Organisation, StoreError> {
        let payload = payload.to_string();
        let now = Utc::now();
        Ok(with_pool!(self, p => {
            async {
                let mut tx = p.begin_write().await?;
                let organisation = sqlx::query_as::<_, Organisation>(
                    "INSERT INTO organisations (subdomain, name, created_at) VALUES ($1, $2, $3) \
                     RETURNING id, subdomain, name, created_at, verified_at",
                )
                .bind(subdomain.as_str())
                .bind(name)
                .bind(now)
                .fetch_one(&mut *tx)
                .await?;
                bind_job(sqlx::query(INSERT_JOB_SQL), queue, &payload, now)
                    .execute(&mut *tx)
                    .await?;
                tx.commit().await?;
                Ok::<_, sqlx::Error>(organisation)
            }
            .await
        })?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_and_is_capped() {
        let base = Duration::from_secs(10);
        let cap = Duration::from_secs(3600);
        // Without jitter: half the exponential step; with the most jitter: all of it.
        assert_eq!(backoff(1, base, cap, 0.0), Duration::from_secs(5));
        assert_eq!(backoff(2, base, cap, 0.0), Duration::from_secs(10));
        assert_eq!(backoff(3, base, cap, 0.0), Duration::from_secs(20));
        assert_eq!(backoff(8, base, cap, 0.0), Duration::from_secs(640));
        assert_eq!(backoff(10, base, cap, 0.0), Duration::from_secs(1800));
        assert_eq!(backoff(60, base, cap, 0.0), Duration::from_secs(1800));
        assert!(backoff(60, base, cap, 0.999) <= cap);
        assert_eq!(backoff(0, base, cap, 0.0), Duration::from_secs(5));
        for attempts in 1..12 {
            for jitter in [0.0, 0.3, 0.7, 0.99] {
                let d = backoff(attempts, base, cap, jitter);
                let full = (base * 2u32.pow(attempts as u32 - 1)).min(cap);
                assert!(d >= full / 2 && d <= full, "{attempts} {jitter} {d:?}");
            }
        }
    }

    #[test]
    fn long_errors_are_cut_on_a_character() {
        let long = "é".repeat(MAX_ERROR_CHARS + 10);
        assert_eq!(truncate(&long).chars().count(), MAX_ERROR_CHARS);
        assert_eq!(truncate("short"), "short");
    }
}
