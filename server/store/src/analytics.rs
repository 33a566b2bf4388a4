//! The analytics event stream and its daily rollup.
//!
//! Every event of a badge (issued, claimed, viewed, shared, embedded,
//! verified, imported, revoked, expired) is one append-only row of
//! `analytics_events`. Issue, claim and revoke write theirs inside their own
//! transaction (`INSERT_EVENT_SQL`, `ISSUED`); the public surfaces hand
//! theirs to `laurel_service::analytics::EventSink`, which writes them in
//! batches ([`Store::record_events`]) off the request's path. Expiries become
//! events when the rollup passes them.
//!
//! [`Store::roll_up`] is the one writer of `analytics_days` and
//! `analytics_visitors`: it recomputes
//! the days that may still change from the raw rows, in one transaction that
//! first locks `analytics_state` (so instances take turns and the result is
//! the same whoever runs it), blanks visitor hashes of closed days, deletes
//! past days' salts and prunes raw rows past their retention. Charts read
//! only the rollup.

use chrono::{DateTime, Duration, NaiveDate, Utc};
use laurel::analytics::EventDetail;
use laurel::BadgeEventKind;

use super::{with_pool, Pool, Store, StoreError};
use crate::BeginWrite as _;

/// An event to append.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewEvent {
    pub organisation_id: i64,
    /// The template the badge was issued from (0: none).
    pub template_id: i64,
    pub assertion_id: Option<i64>,
    pub kind: BadgeEventKind,
    pub detail: EventDetail,
    /// For `issued`: whole days from achievement to issue.
    pub value: i64,
    /// For views: the visitor's hash under the day's salt.
    pub visitor: Option<String>,
    pub at: DateTime<Utc>,
}

/// The insert of one event about an existing assertion, for a change's own
/// transaction: `$1` kind, `$2` detail, `$3` value, `$4` day, `$5` time,
/// `$6` the assertion's id.
pub(crate) const INSERT_EVENT_SQL: &str =
    "INSERT INTO analytics_events (organisation_id, template_id, assertion_id, kind, detail, value, day, created_at) \
     SELECT organisation_id, COALESCE(template_id, 0), id, $1, $2, $3, $4, $5 FROM assertions WHERE id = $6";

/// One day's events of one kind and detail (summed over templates when the
/// report is for all of them).
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct DayCount {
    pub day: NaiveDate,
    #[sqlx(try_from = "String")]
    pub kind: BadgeEventKind,
    pub detail: String,
    pub events: i64,
    pub value_sum: i64,
}

/// One day's unique visitors of verification pages.
#[derive(Debug, Clone, Copy, PartialEq, Eq, sqlx::FromRow)]
pub struct DayVisitors {
    pub day: NaiveDate,
    pub visitors: i64,
}

/// A template's events of one kind in a range.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct TemplateCount {
    pub template_id: i64,
    #[sqlx(try_from = "String")]
    pub kind: BadgeEventKind,
    pub events: i64,
}

/// What the completeness score reads of a template's current version.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct TemplateFactsRow {
    pub id: i64,
    pub name: String,
    pub description: String,
    pub criteria_narrative: Option<String>,
    pub criteria_url: Option<String>,
    pub image_bytes: i64,
    /// JSON array of strings.
    pub tags: String,
    /// JSON array of alignment objects.
    pub alignment: String,
    pub validity_years: i32,
    pub archived: bool,
}

/// What one rollup run did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Rollup {
    /// The first day recomputed (`None`: every day).
    pub from: Option<NaiveDate>,
    /// Expiries turned into events.
    pub expired: u64,
    /// Raw rows past their retention, deleted.
    pub pruned: u64,
}

/// How many rows one multi-row insert carries (9 values each).
pub(crate) const CHUNK: usize = 500;

/// Appends `$events` (a slice of [`NewEvent`]) inside the transaction
/// `$tx`, a few hundred rows per statement.
macro_rules! insert_events_in {
    ($tx:ident, $events:expr) => {
        for chunk in $events.chunks($crate::analytics::CHUNK) {
            let mut q = sqlx::QueryBuilder::new(
                "INSERT INTO analytics_events \
                 (organisation_id, template_id, assertion_id, kind, detail, value, visitor, day, created_at) ",
            );
            q.push_values(chunk, |mut b, e| {
                b.push_bind(e.organisation_id)
                    .push_bind(e.template_id)
                    .push_bind(e.assertion_id)
                    .push_bind(e.kind.as_str())
                    .push_bind(e.detail.as_str())
                    .push_bind(e.value)
                    .push_bind(e.visitor.clone())
                    .push_bind(e.at.date_naive())
                    .push_bind(e.at);
            });
            q.build().execute(&mut *$tx).await?;
        }
    };
}
pub(crate) use insert_events_in;

impl Store {
    /// Appends events, in one transaction, a few hundred rows a statement.
    pub async fn record_events(&self, events: &[NewEvent]) -> Result<(), StoreError> {
        if events.is_empty() {
            return Ok(());
        }
        with_pool!(self, p => {
            let mut tx = p.begin_write().await?;
            insert_events_in!(tx, events);
            tx.commit().await
        })?;
        Ok(())
    }

    /// The secret visitor hashes of `day` are salted with: `candidate` when
    /// the day has none yet, else the one another instance stored first.
    pub async fn daily_salt(&self, day: NaiveDate, candidate: &str) -> Result<String, StoreError> {
        Ok(with_pool!(self, p => {
            sqlx::query("INSERT INTO analytics_salts (day, salt) VALUES ($1, $2) ON CONFLICT (day) DO NOTHING")
                .bind(day)
                .bind(candidate)
                .execute(p)
                .await?;
            sqlx::query_scalar::<_, String>("SELECT salt FROM analytics_salts WHERE day = $1")
                .bind(day)
                .fetch_one(p)
                .await
        })?)
    }

    /// Brings `analytics_days` up to `now` (see the module's doc): expiries
    /// since the last run become events; every day from the day before the
    /// last run on is recomputed from the raw rows (all days on the first
    /// run); visitor hashes of days that will not be recomputed again are
    /// blanked; salts of past days and raw rows older than `keep_days` are
    /// deleted.
    pub async fn roll_up(&self, now: DateTime<Utc>, keep_days: i64) -> Result<Rollup, StoreError> {
        let today = now.date_naive();
        let expired_day = match &self.pool {
            Pool::Sqlite(_) => "substr(expires_at, 1, 10)",
            Pool::Postgres(_) => "(expires_at AT TIME ZONE 'UTC')::date",
        };
        let sweep = format!(
            "INSERT INTO analytics_events (organisation_id, template_id, assertion_id, kind, detail, value, day, created_at) \
             SELECT organisation_id, COALESCE(template_id, 0), id, 'expired', '', 0, {expired_day}, expires_at \
             FROM assertions WHERE expires_at IS NOT NULL AND expires_at <= $1 \
             AND ($2 IS NULL OR expires_at > $2) AND revoked_at IS NULL"
        );
        with_pool!(self, p => {
            let mut tx = p.begin_write().await?;
            // The lock: instances take turns, and each reads the state the
            // previous one left.
            let (rolled_day, swept_to): (Option<NaiveDate>, Option<DateTime<Utc>>) = sqlx::query_as(
                "UPDATE analytics_state SET run_at = $1 WHERE id = 1 RETURNING rolled_day, swept_to",
            )
            .bind(now)
            .fetch_one(&mut *tx)
            .await?;
            let expired = sqlx::query(&sweep)
                .bind(now)
                .bind(swept_to)
                .execute(&mut *tx)
                .await?
                .rows_affected();
            let from = rolled_day.map(|d| d - Duration::days(1));
            for table in ["analytics_days", "analytics_visitors"] {
                sqlx::query(&format!("DELETE FROM {table} WHERE $1 IS NULL OR day >= $1"))
                    .bind(from)
                    .execute(&mut *tx)
                    .await?;
            }
            sqlx::query(
                "INSERT INTO analytics_days \
                 (organisation_id, day, template_id, kind, detail, events, value_sum) \
                 SELECT organisation_id, day, template_id, kind, detail, count(*), COALESCE(sum(value), 0) \
                 FROM analytics_events WHERE $1 IS NULL OR day >= $1 \
                 GROUP BY organisation_id, day, template_id, kind, detail",
            )
            .bind(from)
            .execute(&mut *tx)
            .await?;
            // Unique visitors per template, and per organisation (-1).
            sqlx::query(
                "INSERT INTO analytics_visitors (organisation_id, day, template_id, visitors) \
                 SELECT organisation_id, day, template_id, count(DISTINCT visitor) FROM analytics_events \
                 WHERE ($1 IS NULL OR day >= $1) AND visitor IS NOT NULL \
                 GROUP BY organisation_id, day, template_id \
                 UNION ALL \
                 SELECT organisation_id, day, -1, count(DISTINCT visitor) FROM analytics_events \
                 WHERE ($1 IS NULL OR day >= $1) AND visitor IS NOT NULL \
                 GROUP BY organisation_id, day",
            )
            .bind(from)
            .execute(&mut *tx)
            .await?;
            // The next run recomputes from yesterday: days before that are
            // final, and their visitor hashes are no longer needed.
            let yesterday = today - Duration::days(1);
            sqlx::query("UPDATE analytics_events SET visitor = NULL WHERE visitor IS NOT NULL AND day < $1")
                .bind(yesterday)
                .execute(&mut *tx)
                .await?;
            sqlx::query("DELETE FROM analytics_salts WHERE day < $1")
                .bind(today)
                .execute(&mut *tx)
                .await?;
            let pruned = sqlx::query("DELETE FROM analytics_events WHERE day < $1")
                .bind(today - Duration::days(keep_days.max(2)))
                .execute(&mut *tx)
                .await?
                .rows_affected();
            sqlx::query("UPDATE analytics_state SET rolled_day = $1, swept_to = $2 WHERE id = 1")
                .bind(today)
                .bind(now)
                .execute(&mut *tx)
                .await?;
            tx.commit().await?;
            Ok(Rollup { from, expired, pruned })
        })
    }

    /// The rolled-up events of an organisation (one template, or all) per
    /// day, kind and detail, in `from..=to`.
    pub async fn analytics_days(
        &self,
        organisation_id: i64,
        template_id: Option<i64>,
        from: NaiveDate,
        to: NaiveDate,
    ) -> Result<Vec<DayCount>, StoreError> {
        Ok(with_pool!(self, p => {
            sqlx::query_as::<_, DayCount>(
                "SELECT day, kind, detail, CAST(sum(events) AS BIGINT) AS events, \
                        CAST(sum(value_sum) AS BIGINT) AS value_sum \
                 FROM analytics_days \
                 WHERE organisation_id = $1 AND day >= $2 AND day <= $3 AND ($4 IS NULL OR template_id = $4) \
                 GROUP BY day, kind, detail ORDER BY day, kind, detail",
            )
            .bind(organisation_id)
            .bind(from)
            .bind(to)
            .bind(template_id)
            .fetch_all(p)
            .await
        })?)
    }

    /// An organisation's unique visitors per day (of one template's
    /// badges, or of all) in `from..=to`.
    pub async fn analytics_visitors(
        &self,
        organisation_id: i64,
        template_id: Option<i64>,
        from: NaiveDate,
        to: NaiveDate,
    ) -> Result<Vec<DayVisitors>, StoreError> {
        Ok(with_pool!(self, p => {
            sqlx::query_as::<_, DayVisitors>(
                "SELECT day, visitors FROM analytics_visitors \
                 WHERE organisation_id = $1 AND template_id = $2 AND day >= $3 AND day <= $4 ORDER BY day",
            )
            .bind(organisation_id)
            .bind(template_id.unwrap_or(-1))
            .bind(from)
            .bind(to)
            .fetch_all(p)
            .await
        })?)
    }

    /// Each template's events per kind in `from..=to`.
    pub async fn analytics_by_template(
        &self,
        organisation_id: i64,
        from: NaiveDate,
        to: NaiveDate,
    ) -> Result<Vec<TemplateCount>, StoreError> {
        Ok(with_pool!(self, p => {
            sqlx::query_as::<_, TemplateCount>(
                "SELECT template_id, kind, CAST(sum(events) AS BIGINT) AS events FROM analytics_days \
                 WHERE organisation_id = $1 AND day >= $2 AND day <= $3 \
                 GROUP BY template_id, kind ORDER BY template_id, kind",
            )
            .bind(organisation_id)
            .bind(from)
            .bind(to)
            .fetch_all(p)
            .await
        })?)
    }

    /// Every template of the organisation with its current version's
    /// metadata, by name.
    pub async fn template_facts(
        &self,
        organisation_id: i64,
    ) -> Result<Vec<TemplateFactsRow>, StoreError> {
        Ok(with_pool!(self, p => {
            sqlx::query_as::<_, TemplateFactsRow>(
                "SELECT t.id, c.name, c.description, c.criteria_narrative, c.criteria_url, \
                        CAST(length(c.image) AS BIGINT) AS image_bytes, c.tags, c.alignment, c.validity_years, \
                        (t.archived_at IS NOT NULL) AS archived \
                 FROM badge_templates t \
                 JOIN badge_classes c ON c.template_id = t.id AND c.version = t.current_version \
                 WHERE t.organisation_id = $1 ORDER BY c.name, t.id",
            )
            .bind(organisation_id)
            .fetch_all(p)
            .await
        })?)
    }
}
