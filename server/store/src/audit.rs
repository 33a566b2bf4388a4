//! The audit log's one way in. Every event — written on its own by
//! [`Store::audit`] or inside the transaction of the change it records — is
//! an [`AuditEvent`] bound by [`bind_audit`] to [`INSERT_AUDIT_SQL`], so the
//! column list and the event words are written once.

use chrono::{DateTime, Utc};
use laurel::AuditEvent;

use super::{with_pool, Store, StoreError};

pub(crate) const INSERT_AUDIT_SQL: &str =
    "INSERT INTO audit_log (organisation_id, user_id, event, detail, ip, created_at) \
     VALUES ($1, $2, $3, $4, $5, $6)";

/// One audit record: who (`user_id`) did what (`event`, `detail`) in which
/// organisation (none for account events), from where (`ip`).
#[derive(Debug, Clone)]
pub struct Audit<'a> {
    pub organisation_id: Option<i64>,
    pub user_id: Option<i64>,
    pub event: AuditEvent,
    pub detail: String,
    pub ip: &'a str,
}

/// Binds `audit` to a query made from [`INSERT_AUDIT_SQL`], on either backend.
pub(crate) fn bind_audit<'q, DB>(
    query: sqlx::query::Query<'q, DB, <DB as sqlx::Database>::Arguments<'q>>,
    audit: Audit<'q>,
    now: DateTime<Utc>,
) -> sqlx::query::Query<'q, DB, <DB as sqlx::Database>::Arguments<'q>>
where
    DB: sqlx::Database,
    &'q str: sqlx::Encode<'q, DB> + sqlx::Type<DB>,
    String: sqlx::Encode<'q, DB> + sqlx::Type<DB>,
    Option<i64>: sqlx::Encode<'q, DB> + sqlx::Type<DB>,
    DateTime<Utc>: sqlx::Encode<'q, DB> + sqlx::Type<DB>,
{
    query
        .bind(audit.organisation_id)
        .bind(audit.user_id)
        .bind(audit.event.as_str())
        .bind(audit.detail)
        .bind(audit.ip)
        .bind(now)
}

impl Store {
    /// Records an event that is not part of a larger change.
    pub async fn audit(&self, audit: Audit<'_>) -> Result<(), StoreError> {
        let now = Utc::now();
        with_pool!(self, p => {
            bind_audit(sqlx::query(INSERT_AUDIT_SQL), audit, now)
                .execute(p)
                .await
                .map(|_| ())
        })?;
        Ok(())
    }
}
