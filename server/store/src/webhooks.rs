//! Outbound webhooks: endpoints, deliveries and their attempts. An event is
//! queued by [`Store::queue_webhook_event`] (or, for `badge.issued`, inside
//! the issuing transaction by [`queue_webhook_event_in`]): one delivery row
//! per subscribed endpoint and one job per delivery, together. Each attempt
//! and what follows it (delivered; the next try as a new job; or given up,
//! the endpoint marked failing and its organisation mailed) is written in
//! one transaction by [`Store::record_webhook_attempt`]. Every read and
//! write names the organisation, but those the delivery job makes by id.

use chrono::{DateTime, Utc};
use laurel::WebhookEvent;

use super::jobs::{bind_job, INSERT_JOB_SQL, MAIL_QUEUE};
use super::{with_pool, Store, StoreError};
use crate::BeginWrite as _;

/// The job queue of deliveries (payload `{"delivery": id}`).
pub const WEBHOOK_QUEUE: &str = "webhook";

#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct WebhookEndpoint {
    pub id: i64,
    pub organisation_id: i64,
    pub url: String,
    pub secret_sealed: Vec<u8>,
    /// Space-separated [`WebhookEvent`] words.
    pub events: String,
    pub created_at: DateTime<Utc>,
    pub failing_since: Option<DateTime<Utc>>,
}

impl WebhookEndpoint {
    pub fn wants(&self, event: WebhookEvent) -> bool {
        self.events.split_whitespace().any(|e| e == event.as_str())
    }
}

/// A delivery with its latest attempt, for the log.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct WebhookDelivery {
    pub id: i64,
    pub endpoint_id: i64,
    pub organisation_id: i64,
    pub event_id: String,
    pub event: String,
    pub body: String,
    pub created_at: DateTime<Utc>,
    pub attempts: i32,
    pub delivered_at: Option<DateTime<Utc>>,
    pub failed_at: Option<DateTime<Utc>>,
    pub last_status: Option<i32>,
    pub last_duration_ms: Option<i64>,
    pub last_error: Option<String>,
}

/// What came of an attempt, and what follows it.
#[derive(Debug, Clone)]
pub enum AttemptOutcome {
    /// A 2xx answer.
    Delivered,
    /// Try again at this time (a new job).
    RetryAt(DateTime<Utc>),
    /// The last try failed: the endpoint is marked failing, and these mails
    /// (outbox job payloads) tell the organisation.
    GiveUp(Vec<serde_json::Value>),
}

/// One attempt, as recorded.
#[derive(Debug, Clone)]
pub struct Attempt<'a> {
    pub delivery_id: i64,
    pub status: Option<i32>,
    pub duration_ms: i64,
    pub error: Option<&'a str>,
    pub outcome: AttemptOutcome,
}

const ENDPOINT_COLUMNS: &str =
    "id, organisation_id, url, secret_sealed, events, created_at, failing_since";

const DELIVERY_SELECT: &str = "SELECT d.id, d.endpoint_id, d.organisation_id, d.event_id, d.event, \
    d.body, d.created_at, d.attempts, d.delivered_at, d.failed_at, \
    a.status AS last_status, CAST(a.duration_ms AS BIGINT) AS last_duration_ms, a.error AS last_error \
    FROM webhook_deliveries d \
    LEFT JOIN webhook_attempts a ON a.id = (SELECT max(id) FROM webhook_attempts WHERE delivery_id = d.id)";

/// Inserts the deliveries of one event for every endpoint of the
/// organisation that wants it, and a job for each, on `tx` (either
/// backend). Returns how many endpoints it goes to.
macro_rules! queue_event_in {
    ($tx:expr, $org:expr, $event:expr, $event_id:expr, $body:expr, $now:expr) => {{
        let ids: Vec<i64> = sqlx::query_scalar(
            "INSERT INTO webhook_deliveries (endpoint_id, organisation_id, event_id, event, body, created_at) \
             SELECT id, organisation_id, $1, $2, $3, $4 FROM webhook_endpoints \
             WHERE organisation_id = $5 AND (' ' || events || ' ') LIKE $6 RETURNING id",
        )
        .bind($event_id)
        .bind($event.as_str())
        .bind($body)
        .bind($now)
        .bind($org)
        .bind(format!("% {} %", $event.as_str()))
        .fetch_all(&mut *$tx)
        .await?;
        for id in &ids {
            let payload = serde_json::json!({ "delivery": id }).to_string();
            $crate::jobs::bind_job(sqlx::query($crate::jobs::INSERT_JOB_SQL), $crate::webhooks::WEBHOOK_QUEUE, &payload, $now)
                .execute(&mut *$tx)
                .await?;
        }
        ids.len()
    }};
}
pub(crate) use queue_event_in;

impl Store {
    pub async fn create_webhook(
        &self,
        organisation_id: i64,
        url: &str,
        secret_sealed: &[u8],
        events: &str,
    ) -> Result<WebhookEndpoint, StoreError> {
        let sql = format!(
            "INSERT INTO webhook_endpoints (organisation_id, url, secret_sealed, events, created_at) \
             VALUES ($1, $2, $3, $4, $5) RETURNING {ENDPOINT_COLUMNS}"
        );
        Ok(with_pool!(self, p => {
            sqlx::query_as::<_, WebhookEndpoint>(&sql)
                .bind(organisation_id)
                .bind(url)
                .bind(secret_sealed)
                .bind(events)
                .bind(Utc::now())
                .fetch_one(p)
                .await
        })?)
    }

    /// The organisation's endpoints, oldest first.
    pub async fn webhooks(&self, organisation_id: i64) -> Result<Vec<WebhookEndpoint>, StoreError> {
        let sql = format!(
            "SELECT {ENDPOINT_COLUMNS} FROM webhook_endpoints WHERE organisation_id = $1 ORDER BY id"
        );
        Ok(with_pool!(self, p => {
            sqlx::query_as::<_, WebhookEndpoint>(&sql).bind(organisation_id).fetch_all(p).await
        })?)
    }

    pub async fn webhook(
        &self,
        organisation_id: i64,
        endpoint_id: i64,
    ) -> Result<Option<WebhookEndpoint>, StoreError> {
        let sql = format!(
            "SELECT {ENDPOINT_COLUMNS} FROM webhook_endpoints WHERE organisation_id = $1 AND id = $2"
        );
        Ok(with_pool!(self, p => {
            sqlx::query_as::<_, WebhookEndpoint>(&sql)
                .bind(organisation_id)
                .bind(endpoint_id)
                .fetch_optional(p)
                .await
        })?)
    }

    /// Deletes an endpoint with its log; `false` when it is not theirs.
    pub async fn delete_webhook(
        &self,
        organisation_id: i64,
        endpoint_id: i64,
    ) -> Result<bool, StoreError> {
        Ok(with_pool!(self, p => {
            sqlx::query("DELETE FROM webhook_endpoints WHERE organisation_id = $1 AND id = $2")
                .bind(organisation_id)
                .bind(endpoint_id)
                .execute(p)
                .await
                .map(|r| r.rows_affected() == 1)
        })?)
    }

    /// Queues one event for every endpoint of the organisation that wants
    /// it (deliveries and their jobs in one transaction); returns how many.
    pub async fn queue_webhook_event(
        &self,
        organisation_id: i64,
        event: WebhookEvent,
        event_id: &str,
        body: &str,
    ) -> Result<usize, StoreError> {
        let now = Utc::now();
        Ok(with_pool!(self, p => {
            let mut tx = p.begin_write().await?;
            let n = queue_event_in!(tx, organisation_id, event, event_id, body, now);
            tx.commit().await?;
            Ok::<_, sqlx::Error>(n)
        })?)
    }

    /// Queues an event for one endpoint only (a test event, a redelivery
    /// copies the delivery's body under a new delivery).
    pub async fn queue_webhook_delivery(
        &self,
        organisation_id: i64,
        endpoint_id: i64,
        event: &str,
        event_id: &str,
        body: &str,
    ) -> Result<Option<i64>, StoreError> {
        let now = Utc::now();
        Ok(with_pool!(self, p => {
            let mut tx = p.begin_write().await?;
            let id: Option<i64> = sqlx::query_scalar(
                "INSERT INTO webhook_deliveries (endpoint_id, organisation_id, event_id, event, body, created_at) \
                 SELECT id, organisation_id, $1, $2, $3, $4 FROM webhook_endpoints \
                 WHERE organisation_id = $5 AND id = $6 RETURNING id",
            )
            .bind(event_id)
            .bind(event)
            .bind(body)
            .bind(now)
            .bind(organisation_id)
            .bind(endpoint_id)
            .fetch_optional(&mut *tx)
            .await?;
            if let Some(id) = id {
                let payload = serde_json::json!({ "delivery": id }).to_string();
                bind_job(sqlx::query(INSERT_JOB_SQL), WEBHOOK_QUEUE, &payload, now)
                    .execute(&mut *tx)
                    .await?;
            }
            tx.commit().await?;
            Ok::<_, sqlx::Error>(id)
        })?)
    }

    /// A delivery and its endpoint, by id (the delivery job's read).
    pub async fn webhook_delivery_for_job(
        &self,
        delivery_id: i64,
    ) -> Result<Option<(WebhookDelivery, WebhookEndpoint)>, StoreError> {
        let sql = format!("{DELIVERY_SELECT} WHERE d.id = $1");
        let Some(d) = with_pool!(self, p => {
            sqlx::query_as::<_, WebhookDelivery>(&sql).bind(delivery_id).fetch_optional(p).await
        })?
        else {
            return Ok(None);
        };
        let endpoint = self.webhook(d.organisation_id, d.endpoint_id).await?;
        Ok(endpoint.map(|e| (d, e)))
    }

    /// The organisation's delivery of this id.
    pub async fn webhook_delivery(
        &self,
        organisation_id: i64,
        delivery_id: i64,
    ) -> Result<Option<WebhookDelivery>, StoreError> {
        let sql = format!("{DELIVERY_SELECT} WHERE d.organisation_id = $1 AND d.id = $2");
        Ok(with_pool!(self, p => {
            sqlx::query_as::<_, WebhookDelivery>(&sql)
                .bind(organisation_id)
                .bind(delivery_id)
                .fetch_optional(p)
                .await
        })?)
    }

    /// The latest deliveries of an endpoint, newest first.
    pub async fn webhook_deliveries(
        &self,
        organisation_id: i64,
        endpoint_id: i64,
        limit: i64,
    ) -> Result<Vec<WebhookDelivery>, StoreError> {
        let sql = format!(
            "{DELIVERY_SELECT} WHERE d.organisation_id = $1 AND d.endpoint_id = $2 ORDER BY d.id DESC LIMIT $3"
        );
        Ok(with_pool!(self, p => {
            sqlx::query_as::<_, WebhookDelivery>(&sql)
                .bind(organisation_id)
                .bind(endpoint_id)
                .bind(limit)
                .fetch_all(p)
                .await
        })?)
    }

    /// Records an attempt and what follows it, in one transaction.
    pub async fn record_webhook_attempt(&self, a: Attempt<'_>) -> Result<(), StoreError> {
        let now = Utc::now();
        with_pool!(self, p => {
            let mut tx = p.begin_write().await?;
            sqlx::query(
                "INSERT INTO webhook_attempts (delivery_id, attempted_at, status, duration_ms, error) \
                 VALUES ($1, $2, $3, $4, $5)",
            )
            .bind(a.delivery_id)
            .bind(now)
            .bind(a.status)
            .bind(a.duration_ms)
            .bind(a.error)
            .execute(&mut *tx)
            .await?;
            let (delivered, failed) = match &a.outcome {
                AttemptOutcome::Delivered => (Some(now), None),
                AttemptOutcome::RetryAt(_) => (None, None),
                AttemptOutcome::GiveUp(_) => (None, Some(now)),
            };
            let endpoint_id: i64 = sqlx::query_scalar(
                "UPDATE webhook_deliveries SET attempts = attempts + 1, delivered_at = $1, failed_at = $2 \
                 WHERE id = $3 RETURNING endpoint_id",
            )
            .bind(delivered)
            .bind(failed)
            .bind(a.delivery_id)
            .fetch_one(&mut *tx)
            .await?;
            match &a.outcome {
                AttemptOutcome::Delivered => {
                    sqlx::query("UPDATE webhook_endpoints SET failing_since = NULL WHERE id = $1")
                        .bind(endpoint_id)
                        .execute(&mut *tx)
                        .await?;
                }
                AttemptOutcome::RetryAt(at) => {
                    let payload = serde_json::json!({ "delivery": a.delivery_id }).to_string();
                    bind_job(sqlx::query(INSERT_JOB_SQL), WEBHOOK_QUEUE, &payload, *at)
                        .execute(&mut *tx)
                        .await?;
                }
                AttemptOutcome::GiveUp(mail) => {
                    sqlx::query(
                        "UPDATE webhook_endpoints SET failing_since = COALESCE(failing_since, $1) WHERE id = $2",
                    )
                    .bind(now)
                    .bind(endpoint_id)
                    .execute(&mut *tx)
                    .await?;
                    for mail in mail {
                        bind_job(sqlx::query(INSERT_JOB_SQL), MAIL_QUEUE, &mail.to_string(), now)
                            .execute(&mut *tx)
                            .await?;
                    }
                }
            }
            tx.commit().await?;
            Ok::<_, sqlx::Error>(())
        })?;
        Ok(())
    }
}
