//! What each organisation sent on a day — badges issued, and mails to
//! people outside it — counted against the daily limits of an organisation
//! the operator has not verified yet (`laurel_service::sending` decides
//! when they apply). Counted in the same transaction that queues the mail,
//! with a conditional upsert, so concurrent requests on several instances
//! cannot pass the limit together.

use chrono::{DateTime, Utc};

use super::{with_pool, Store, StoreError};
use crate::error::Conflict;
use crate::BeginWrite as _;

/// A day's limits.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DailyLimit {
    pub badges: i64,
    pub mails: i64,
}

/// The day a send counts in: `YYYY-MM-DD`, UTC.
pub fn day_key(t: DateTime<Utc>) -> String {
    t.format("%Y-%m-%d").to_string()
}

/// Adds `$badges` and `$mails` to `$org`'s count for `$day`, inside the
/// transaction `$tx`; evaluates to the day's totals `(badges, mails)`.
macro_rules! count_sent {
    ($tx:expr, $org:expr, $day:expr, $badges:expr, $mails:expr) => {
        sqlx::query_as::<_, (i64, i64)>(
            "INSERT INTO sending_daily (organisation_id, day, badges, mails) VALUES ($1, $2, $3, $4) \
             ON CONFLICT (organisation_id, day) DO UPDATE SET \
               badges = sending_daily.badges + $3, mails = sending_daily.mails + $4 \
             RETURNING badges, mails",
        )
        .bind($org)
        .bind($day)
        .bind($badges)
        .bind($mails)
        .fetch_one(&mut *$tx)
        .await?
    };
}
pub(crate) use count_sent;

/// Whether the day's totals are within `limit`; else the conflict that
/// rolls the sending transaction back.
pub(crate) fn within(totals: (i64, i64), limit: DailyLimit) -> Result<(), StoreError> {
    if totals.0 > limit.badges || totals.1 > limit.mails {
        Err(StoreError::Conflict(Conflict::DailyLimitReached))
    } else {
        Ok(())
    }
}

impl Store {
    /// Marks the organisation verified by the operator (`Some(at)`), or
    /// takes it back (`None`). False when there is no such organisation.
    pub async fn set_verified(
        &self,
        organisation_id: i64,
        at: Option<DateTime<Utc>>,
    ) -> Result<bool, StoreError> {
        let updated = with_pool!(self, p => {
            sqlx::query("UPDATE organisations SET verified_at = $1 WHERE id = $2")
                .bind(at)
                .bind(organisation_id)
                .execute(p)
                .await
                .map(|r| r.rows_affected())
        })?;
        Ok(updated == 1)
    }

    /// Whether the organisation is trusted to send without a new
    /// organisation's daily limits: verified by the operator, or it has
    /// paid an invoice (a plan without a trial starts at once, unpaid, so
    /// choosing one is not enough). `None`: no such organisation.
    pub async fn sending_trusted(&self, organisation_id: i64) -> Result<Option<bool>, StoreError> {
        Ok(with_pool!(self, p => {
            sqlx::query_scalar::<_, bool>(
                "SELECT o.verified_at IS NOT NULL OR EXISTS (SELECT 1 FROM invoices i \
                   WHERE i.organisation_id = o.id AND i.kind = 'invoice' AND i.status = 'paid' AND i.total > 0) \
                 FROM organisations o WHERE o.id = $1",
            )
            .bind(organisation_id)
            .fetch_optional(p)
            .await
        })?)
    }

    /// `(badges, mails)` the organisation sent on `day` (counted only while
    /// a limit applies).
    pub async fn sent_on(&self, organisation_id: i64, day: &str) -> Result<(i64, i64), StoreError> {
        let row = with_pool!(self, p => {
            sqlx::query_as::<_, (i64, i64)>(
                "SELECT badges, mails FROM sending_daily WHERE organisation_id = $1 AND day = $2",
            )
            .bind(organisation_id)
            .bind(day)
            .fetch_optional(p)
            .await
        })?;
        Ok(row.unwrap_or((0, 0)))
    }

    /// Counts one mail more on `day` (a resent badge mail, an invitation),
    /// refused with [`Conflict::DailyLimitReached`] — and not counted —
    /// when it would pass `limit`.
    pub async fn count_mail(
        &self,
        organisation_id: i64,
        day: &str,
        limit: DailyLimit,
    ) -> Result<(), StoreError> {
        with_pool!(self, p => {
            let mut tx = p.begin_write().await?;
            let totals = count_sent!(tx, organisation_id, day, 0_i64, 1_i64);
            within(totals, limit)?;
            tx.commit().await?;
            Ok::<_, StoreError>(())
        })
    }
}

/// A report from the recipient of a holder mail.
#[derive(Debug, Clone, Copy)]
pub struct NewAbuseReport<'a> {
    /// The organisation the link named, when it exists.
    pub organisation_id: Option<i64>,
    pub badge_slug: &'a str,
    pub reason: laurel::AbuseReason,
    pub details: &'a str,
    /// Where the reporter may be answered (may be empty).
    pub reply_to: &'a str,
}

/// A stored report, for the operator.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct AbuseReport {
    pub id: i64,
    /// The organisation's subdomain (none when the link named none).
    pub subdomain: Option<String>,
    pub badge_slug: String,
    #[sqlx(try_from = "String")]
    pub reason: laurel::AbuseReason,
    pub details: String,
    pub reply_to: String,
    pub created_at: DateTime<Utc>,
}

impl Store {
    /// Stores a report of abuse.
    pub async fn add_abuse_report(&self, r: &NewAbuseReport<'_>) -> Result<i64, StoreError> {
        Ok(with_pool!(self, p => {
            sqlx::query_scalar::<_, i64>(
                "INSERT INTO abuse_reports (organisation_id, badge_slug, reason, details, reply_to, created_at) \
                 VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
            )
            .bind(r.organisation_id)
            .bind(r.badge_slug)
            .bind(r.reason.as_str())
            .bind(r.details)
            .bind(r.reply_to)
            .bind(Utc::now())
            .fetch_one(p)
            .await
        })?)
    }

    /// Reports made since `since`, newest first: of one organisation, or
    /// of all.
    pub async fn abuse_reports(
        &self,
        since: DateTime<Utc>,
        organisation_id: Option<i64>,
    ) -> Result<Vec<AbuseReport>, StoreError> {
        Ok(with_pool!(self, p => {
            sqlx::query_as::<_, AbuseReport>(
                "SELECT r.id, o.subdomain, r.badge_slug, r.reason, r.details, r.reply_to, r.created_at \
                 FROM abuse_reports r LEFT JOIN organisations o ON o.id = r.organisation_id \
                 WHERE r.created_at >= $1 AND ($2 IS NULL OR r.organisation_id = $2) \
                 ORDER BY r.created_at DESC, r.id DESC",
            )
            .bind(since)
            .bind(organisation_id)
            .fetch_all(p)
            .await
        })?)
    }
}
