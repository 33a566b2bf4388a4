//! CSV batches: the uploaded rows with their outcome, so a batch can be
//! previewed, confirmed, run in the background, resumed after a crash and
//! reported row by row.

use chrono::{DateTime, Utc};
use laurel::{BatchStatus, RowStatus};

use super::jobs::{bind_job, INSERT_JOB_SQL};
use super::{with_pool, Store, StoreError};
use crate::BeginWrite as _;

/// The queue of batch jobs (payload `{"batch_id": …}`).
pub const BATCH_QUEUE: &str = "batch";

#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct BatchRow {
    pub id: i64,
    pub organisation_id: i64,
    pub template_id: i64,
    pub created_by: Option<i64>,
    pub file_name: String,
    pub file_sha256: String,
    #[sqlx(try_from = "String")]
    pub status: BatchStatus,
    pub total_rows: i32,
    pub created_at: DateTime<Utc>,
    pub confirmed_at: Option<DateTime<Utc>>,
    pub finished_at: Option<DateTime<Utc>>,
    /// Why a running batch stopped (its job gave up); `None` while it runs.
    pub stalled_reason: Option<String>,
}

const BATCH_COLUMNS: &str =
    "id, organisation_id, template_id, created_by, file_name, file_sha256, \
    status, total_rows, created_at, confirmed_at, finished_at, stalled_reason";

/// A batch job's payload: what `confirm_batch`, `resume_batch` and the
/// batch worker queue, and what the sweep looks for.
pub fn batch_job_payload(batch_id: i64) -> serde_json::Value {
    serde_json::json!({ "batch_id": batch_id })
}

/// The same payload, built in SQL from `issue_batches.id` (the sweep).
const BATCH_JOB_PAYLOAD_SQL: &str = "'{\"batch_id\":' || CAST(issue_batches.id AS TEXT) || '}'";

/// A row to store with a new batch.
#[derive(Debug, Clone)]
pub struct NewBatchRow {
    pub line: i64,
    pub email: String,
    /// The parsed award as JSON (valid rows).
    pub award: Option<String>,
    pub template_id: Option<i64>,
    pub idempotency_key: Option<String>,
    /// `Pending` (will be issued), `Invalid` or `Skipped` (issued before).
    pub status: RowStatus,
    pub message: String,
    pub assertion_id: Option<i64>,
}

/// How many rows of a batch are in each state.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct BatchCounts {
    pub invalid: i64,
    pub pending: i64,
    pub issued: i64,
    pub skipped: i64,
    pub failed: i64,
}

impl BatchCounts {
    pub fn total(&self) -> i64 {
        self.invalid + self.pending + self.issued + self.skipped + self.failed
    }
}

/// A row waiting to be issued.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct PendingBatchRow {
    pub id: i64,
    pub line: i32,
    pub award: Option<String>,
    pub template_id: Option<i64>,
    pub idempotency_key: Option<String>,
}

/// One line of a batch's result file or problem list.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct BatchResultRow {
    pub line: i32,
    pub email: String,
    #[sqlx(try_from = "String")]
    pub status: RowStatus,
    pub message: String,
    pub assertion_slug: Option<String>,
    pub recipient_name: Option<String>,
}

/// Rows per INSERT statement when storing a batch (8 values each; SQLite
/// allows 32,766 parameters per statement).
const INSERT_CHUNK: usize = 500;

impl Store {
    /// Stores a new batch (status `preview`) with every row, in one
    /// transaction: a failure leaves nothing behind.
    pub async fn create_batch(
        &self,
        organisation_id: i64,
        template_id: i64,
        created_by: Option<i64>,
        file_name: &str,
        file_sha256: &str,
        rows: &[NewBatchRow],
    ) -> Result<i64, StoreError> {
        let now = Utc::now();
        let total = i32::try_from(rows.len()).unwrap_or(i32::MAX);
        with_pool!(self, p => {
            let mut tx = p.begin_write().await?;
            let id = sqlx::query_scalar::<_, i64>(
                "INSERT INTO issue_batches (organisation_id, template_id, created_by, file_name, \
                 file_sha256, status, total_rows, created_at) VALUES ($1, $2, $3, $4, $5, 'preview', $6, $7) \
                 RETURNING id",
            )
            .bind(organisation_id)
            .bind(template_id)
            .bind(created_by)
            .bind(file_name)
            .bind(file_sha256)
            .bind(total)
            .bind(now)
            .fetch_one(&mut *tx)
            .await?;
            for chunk in rows.chunks(INSERT_CHUNK) {
                let values: Vec<String> = (0..chunk.len())
                    .map(|i| {
                        let b = i * 9;
                        format!(
                            "(${}, ${}, ${}, ${}, ${}, ${}, ${}, ${}, ${})",
                            b + 1, b + 2, b + 3, b + 4, b + 5, b + 6, b + 7, b + 8, b + 9
                        )
                    })
                    .collect();
                let sql = format!(
                    "INSERT INTO issue_batch_rows (batch_id, line, email, award, template_id, \
                     idempotency_key, status, message, assertion_id) VALUES {}",
                    values.join(", ")
                );
                let mut q = sqlx::query(&sql);
                for r in chunk {
                    q = q
                        .bind(id)
                        .bind(i32::try_from(r.line).unwrap_or(i32::MAX))
                        .bind(r.email.as_str())
                        .bind(r.award.as_deref())
                        .bind(r.template_id)
                        .bind(r.idempotency_key.as_deref())
                        .bind(r.status.as_str())
                        .bind(r.message.as_str())
                        .bind(r.assertion_id);
                }
                q.execute(&mut *tx).await?;
            }
            tx.commit().await?;
            Ok(id)
        })
    }

    pub async fn batch(
        &self,
        organisation_id: i64,
        id: i64,
    ) -> Result<Option<BatchRow>, StoreError> {
        let sql = format!(
            "SELECT {BATCH_COLUMNS} FROM issue_batches WHERE organisation_id = $1 AND id = $2"
        );
        Ok(with_pool!(self, p => {
            sqlx::query_as::<_, BatchRow>(&sql)
                .bind(organisation_id)
                .bind(id)
                .fetch_optional(p)
                .await
        })?)
    }

    /// A batch by id alone (the job worker's view).
    pub async fn batch_by_id(&self, id: i64) -> Result<Option<BatchRow>, StoreError> {
        let sql = format!("SELECT {BATCH_COLUMNS} FROM issue_batches WHERE id = $1");
        Ok(with_pool!(self, p => {
            sqlx::query_as::<_, BatchRow>(&sql).bind(id).fetch_optional(p).await
        })?)
    }

    /// The organisation's batches, newest first.
    pub async fn batches(
        &self,
        organisation_id: i64,
        limit: i64,
    ) -> Result<Vec<BatchRow>, StoreError> {
        let sql = format!(
            "SELECT {BATCH_COLUMNS} FROM issue_batches WHERE organisation_id = $1 ORDER BY id DESC LIMIT $2"
        );
        Ok(with_pool!(self, p => {
            sqlx::query_as::<_, BatchRow>(&sql)
                .bind(organisation_id)
                .bind(limit)
                .fetch_all(p)
                .await
        })?)
    }

    pub async fn batch_counts(&self, batch_id: i64) -> Result<BatchCounts, StoreError> {
        let rows = with_pool!(self, p => {
            sqlx::query_as::<_, (String, i64)>(
                "SELECT status, count(*) FROM issue_batch_rows WHERE batch_id = $1 GROUP BY status",
            )
            .bind(batch_id)
            .fetch_all(p)
            .await
        })?;
        let mut c = BatchCounts::default();
        for (status, n) in rows {
            match status.parse::<RowStatus>() {
                Ok(RowStatus::Invalid) => c.invalid = n,
                Ok(RowStatus::Pending) => c.pending = n,
                Ok(RowStatus::Issued) => c.issued = n,
                Ok(RowStatus::Skipped) => c.skipped = n,
                Ok(RowStatus::Failed) => c.failed = n,
                // The column's CHECK constraint allows no other word.
                Err(e) => return Err(StoreError::Database(sqlx::Error::Decode(Box::new(e)))),
            }
        }
        Ok(c)
    }

    /// Rows of a batch in line order, optionally only those in `statuses`,
    /// with the badge each one got.
    pub async fn batch_results(
        &self,
        batch_id: i64,
        statuses: Option<&[RowStatus]>,
        limit: i64,
    ) -> Result<Vec<BatchResultRow>, StoreError> {
        // The words are the enum's own (lowercase, no quotes), so they can
        // be written into the SQL.
        let filter = statuses
            .map(|s| {
                let list: Vec<String> = s.iter().map(|x| format!("'{}'", x.as_str())).collect();
                format!("AND r.status IN ({})", list.join(", "))
            })
            .unwrap_or_default();
        let sql = format!(
            "SELECT r.line, r.email, r.status, r.message, a.slug AS assertion_slug, \
             a.recipient_name FROM issue_batch_rows r LEFT JOIN assertions a ON a.id = r.assertion_id \
             WHERE r.batch_id = $1 {filter} ORDER BY r.line LIMIT $2"
        );
        Ok(with_pool!(self, p => {
            sqlx::query_as::<_, BatchResultRow>(&sql)
                .bind(batch_id)
                .bind(limit)
                .fetch_all(p)
                .await
        })?)
    }

    /// Starts a previewed batch: status `running` and its job queued, in
    /// one transaction. False when it is not (or no longer) in preview.
    pub async fn confirm_batch(&self, organisation_id: i64, id: i64) -> Result<bool, StoreError> {
        let now = Utc::now();
        let payload = batch_job_payload(id).to_string();
        with_pool!(self, p => {
            let mut tx = p.begin_write().await?;
            let affected = sqlx::query(
                "UPDATE issue_batches SET status = 'running', confirmed_at = $1 \
                 WHERE organisation_id = $2 AND id = $3 AND status = 'preview'",
            )
            .bind(now)
            .bind(organisation_id)
            .bind(id)
            .execute(&mut *tx)
            .await?
            .rows_affected();
            if affected != 1 {
                tx.rollback().await?;
                return Ok(false);
            }
            bind_job(sqlx::query(INSERT_JOB_SQL), BATCH_QUEUE, &payload, now)
                .execute(&mut *tx)
                .await?;
            tx.commit().await?;
            Ok(true)
        })
    }

    /// Queues the batch's next job (the worker, when its time budget ran
    /// out), before the current one is marked done: a running batch always
    /// has a live job.
    pub async fn queue_batch_job(&self, batch_id: i64) -> Result<i64, StoreError> {
        self.enqueue(BATCH_QUEUE, &batch_job_payload(batch_id), Utc::now())
            .await
    }

    /// Marks stopped every running batch that has no live job (its job gave
    /// up, or was removed), with the last error of its job; returns them
    /// as `(batch id, organisation id, reason)`. Batches already stopped
    /// are left as they are.
    pub async fn stall_orphaned_batches(&self) -> Result<Vec<(i64, i64, String)>, StoreError> {
        let sql = format!(
            "UPDATE issue_batches SET stalled_reason = COALESCE( \
                (SELECT j.last_error FROM jobs j \
                 WHERE j.queue = $1 AND j.payload = {BATCH_JOB_PAYLOAD_SQL} AND j.failed_at IS NOT NULL \
                 ORDER BY j.id DESC LIMIT 1), $2) \
             WHERE status = 'running' AND stalled_reason IS NULL AND NOT EXISTS \
                (SELECT 1 FROM jobs j \
                 WHERE j.queue = $1 AND j.payload = {BATCH_JOB_PAYLOAD_SQL} \
                 AND j.done_at IS NULL AND j.failed_at IS NULL) \
             RETURNING id, organisation_id, stalled_reason"
        );
        Ok(with_pool!(self, p => {
            sqlx::query_as::<_, (i64, i64, String)>(&sql)
                .bind(BATCH_QUEUE)
                .bind("its background job stopped")
                .fetch_all(p)
                .await
        })?)
    }

    /// Resumes a stopped batch: the reason cleared and a new job queued, in
    /// one transaction. False when the batch is not running and stopped.
    pub async fn resume_batch(&self, organisation_id: i64, id: i64) -> Result<bool, StoreError> {
        let now = Utc::now();
        let payload = batch_job_payload(id).to_string();
        with_pool!(self, p => {
            let mut tx = p.begin_write().await?;
            let affected = sqlx::query(
                "UPDATE issue_batches SET stalled_reason = NULL \
                 WHERE organisation_id = $1 AND id = $2 AND status = 'running' \
                 AND stalled_reason IS NOT NULL",
            )
            .bind(organisation_id)
            .bind(id)
            .execute(&mut *tx)
            .await?
            .rows_affected();
            if affected != 1 {
                tx.rollback().await?;
                return Ok(false);
            }
            bind_job(sqlx::query(INSERT_JOB_SQL), BATCH_QUEUE, &payload, now)
                .execute(&mut *tx)
                .await?;
            tx.commit().await?;
            Ok(true)
        })
    }

    /// Discards a batch still in preview.
    pub async fn cancel_batch(&self, organisation_id: i64, id: i64) -> Result<bool, StoreError> {
        let affected = with_pool!(self, p => {
            sqlx::query(
                "UPDATE issue_batches SET status = 'cancelled', finished_at = $1 \
                 WHERE organisation_id = $2 AND id = $3 AND status = 'preview'",
            )
            .bind(Utc::now())
            .bind(organisation_id)
            .bind(id)
            .execute(p)
            .await
            .map(|r| r.rows_affected())
        })?;
        Ok(affected == 1)
    }

    /// The next rows still to issue, in line order.
    pub async fn pending_batch_rows(
        &self,
        batch_id: i64,
        limit: i64,
    ) -> Result<Vec<PendingBatchRow>, StoreError> {
        Ok(with_pool!(self, p => {
            sqlx::query_as::<_, PendingBatchRow>(
                "SELECT id, line, award, template_id, idempotency_key FROM issue_batch_rows \
                 WHERE batch_id = $1 AND status = 'pending' ORDER BY line LIMIT $2",
            )
            .bind(batch_id)
            .bind(limit)
            .fetch_all(p)
            .await
        })?)
    }

    /// Marks a row that cannot be issued (its reason for the result file).
    pub async fn fail_batch_row(&self, row_id: i64, message: &str) -> Result<(), StoreError> {
        with_pool!(self, p => {
            sqlx::query("UPDATE issue_batch_rows SET status = 'failed', message = $1 WHERE id = $2 AND status = 'pending'")
                .bind(message)
                .bind(row_id)
                .execute(p)
                .await
                .map(|_| ())
        })?;
        Ok(())
    }

    /// Marks a running batch done when no row is pending. True when it did.
    pub async fn finish_batch(&self, batch_id: i64) -> Result<bool, StoreError> {
        let affected = with_pool!(self, p => {
            sqlx::query(
                "UPDATE issue_batches SET status = 'done', finished_at = $1 WHERE id = $2 \
                 AND status = 'running' AND NOT EXISTS \
                 (SELECT 1 FROM issue_batch_rows WHERE batch_id = $2 AND status = 'pending')",
            )
            .bind(Utc::now())
            .bind(batch_id)
            .execute(p)
            .await
            .map(|r| r.rows_affected())
        })?;
        Ok(affected == 1)
    }

    /// Which of `keys` the organisation has issued already, with the
    /// assertion's id.
    pub async fn issued_keys(
        &self,
        organisation_id: i64,
        keys: &[String],
    ) -> Result<Vec<(String, i64)>, StoreError> {
        let mut found = Vec::new();
        for chunk in keys.chunks(INSERT_CHUNK) {
            let placeholders: Vec<String> =
                (0..chunk.len()).map(|i| format!("${}", i + 2)).collect();
            let sql = format!(
                "SELECT idempotency_key, id FROM assertions WHERE organisation_id = $1 \
                 AND idempotency_key IN ({})",
                placeholders.join(", ")
            );
            let rows = with_pool!(self, p => {
                let mut q = sqlx::query_as::<_, (String, i64)>(&sql).bind(organisation_id);
                for k in chunk {
                    q = q.bind(k.as_str());
                }
                q.fetch_all(p).await
            })?;
            found.extend(rows);
        }
        Ok(found)
    }
}
