//! What operators look at: the job queues' depth and age, the connection
//! pool, the migrations applied, a sample of the sealed keys (`/metrics` and
//! `laurel doctor`). Reads only; `laurel doctor` never migrates.

use chrono::{DateTime, Utc};

use super::keys::IssuerKeyRow;
use super::{with_pool, Pool, Store, StoreError};

/// One queue's waiting work.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct QueueStats {
    pub queue: String,
    /// Jobs neither done nor given up.
    pub pending: i64,
    /// When the oldest of them was due.
    pub oldest_run_at: Option<DateTime<Utc>>,
}

/// The migrations embedded in this binary against those in the database.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MigrationStatus {
    pub embedded: usize,
    /// Applied and matching an embedded one.
    pub applied: usize,
    /// Embedded but not applied (run `laurel migrate`, or start `serve`).
    pub pending: Vec<String>,
    /// Applied but unknown to this binary (a newer binary ran here) or
    /// left half-applied.
    pub unknown_or_dirty: Vec<String>,
}

impl Store {
    /// Every queue with pending work.
    pub async fn queue_stats(&self) -> Result<Vec<QueueStats>, StoreError> {
        Ok(with_pool!(self, p => {
            sqlx::query_as::<_, QueueStats>(
                "SELECT queue, count(*) AS pending, min(run_at) AS oldest_run_at FROM jobs \
                 WHERE done_at IS NULL AND failed_at IS NULL GROUP BY queue ORDER BY queue",
            )
            .fetch_all(p)
            .await
        })?)
    }

    /// The pool's open connections and how many of them are idle.
    pub fn pool_stats(&self) -> (u32, usize) {
        match &self.pool {
            Pool::Sqlite(p) => (p.size(), p.num_idle()),
            Pool::Postgres(p) => (p.size(), p.num_idle()),
        }
    }

    /// Compares the embedded migrations with the database's record of them.
    pub async fn migration_status(&self) -> Result<MigrationStatus, StoreError> {
        let migrator = match &self.pool {
            Pool::Sqlite(_) => sqlx::migrate!("../../migrations/sqlite"),
            Pool::Postgres(_) => sqlx::migrate!("../../migrations/postgres"),
        };
        // No table yet: nothing applied.
        let applied: Vec<(i64, bool)> = with_pool!(self, p => {
            sqlx::query_as::<_, (i64, bool)>("SELECT version, success FROM _sqlx_migrations")
                .fetch_all(p)
                .await
        })
        .unwrap_or_default();
        let embedded: Vec<(i64, String)> = migrator
            .iter()
            .map(|m| (m.version, format!("{}_{}", m.version, m.description)))
            .collect();
        let ok = |v: i64| applied.iter().any(|(a, s)| *a == v && *s);
        Ok(MigrationStatus {
            embedded: embedded.len(),
            applied: embedded.iter().filter(|(v, _)| ok(*v)).count(),
            pending: embedded
                .iter()
                .filter(|(v, _)| !applied.iter().any(|(a, _)| a == v))
                .map(|(_, name)| name.clone())
                .collect(),
            unknown_or_dirty: applied
                .iter()
                .filter(|(v, s)| !*s || !embedded.iter().any(|(e, _)| e == v))
                .map(|(v, _)| v.to_string())
                .collect(),
        })
    }

    /// Up to `limit` issuer keys, active ones first (to check the master
    /// key opens them).
    pub async fn sample_issuer_keys(&self, limit: i64) -> Result<Vec<IssuerKeyRow>, StoreError> {
        let sql = format!(
            "SELECT {} FROM issuer_keys ORDER BY (retired_at IS NULL) DESC, id DESC LIMIT $1",
            super::keys::COLUMNS
        );
        Ok(with_pool!(self, p => {
            sqlx::query_as::<_, IssuerKeyRow>(&sql).bind(limit).fetch_all(p).await
        })?)
    }
}

impl Store {
    /// Rows still to issue in running batches (all organisations).
    pub async fn pending_rows_of_running_batches(&self) -> Result<i64, StoreError> {
        Ok(with_pool!(self, p => {
            sqlx::query_scalar::<_, i64>(
                "SELECT count(*) FROM issue_batch_rows r JOIN issue_batches b ON b.id = r.batch_id \
                 WHERE b.status = 'running' AND r.status = 'pending'",
            )
            .fetch_one(p)
            .await
        })?)
    }
}
