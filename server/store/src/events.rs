//! Badge events on public surfaces (views, share clicks, embeds) for the
//! issuer's analytics. Only the badge, the kind, the share channel and the
//! time are stored: nothing about the visitor.

use chrono::Utc;
use laurel::{BadgeEventKind, ShareChannel};

use super::{with_pool, Store, StoreError};

/// How many events of one kind (and channel) an organisation's badges had.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct EventCount {
    #[sqlx(try_from = "String")]
    pub kind: BadgeEventKind,
    pub channel: Option<String>,
    pub count: i64,
}

impl Store {
    /// Records one event of a badge.
    pub async fn record_event(
        &self,
        organisation_id: i64,
        assertion_id: i64,
        kind: BadgeEventKind,
        channel: Option<ShareChannel>,
    ) -> Result<(), StoreError> {
        with_pool!(self, p => {
            sqlx::query(
                "INSERT INTO badge_events (organisation_id, assertion_id, kind, channel, created_at) \
                 VALUES ($1, $2, $3, $4, $5)",
            )
            .bind(organisation_id)
            .bind(assertion_id)
            .bind(kind.as_str())
            .bind(channel.map(|c| c.as_str()))
            .bind(Utc::now())
            .execute(p)
            .await
            .map(|_| ())
        })?;
        Ok(())
    }

    /// An organisation's event counts by kind and channel.
    pub async fn event_counts(&self, organisation_id: i64) -> Result<Vec<EventCount>, StoreError> {
        Ok(with_pool!(self, p => {
            sqlx::query_as::<_, EventCount>(
                "SELECT kind, channel, count(*) AS count FROM badge_events \
                 WHERE organisation_id = $1 GROUP BY kind, channel ORDER BY kind, channel",
            )
            .bind(organisation_id)
            .fetch_all(p)
            .await
        })?)
    }
}
