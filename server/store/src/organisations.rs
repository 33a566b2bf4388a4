//! Organisations (issuers).

use chrono::{DateTime, Utc};
use laurel::Subdomain;

use super::{with_pool, Store, StoreError};
use crate::error::Conflict;

#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct Organisation {
    pub id: i64,
    pub subdomain: String,
    pub name: String,
    pub created_at: DateTime<Utc>,
    /// When the operator verified it (`laurel orgs verify`): from then on
    /// it sends without a new organisation's daily limits.
    pub verified_at: Option<DateTime<Utc>>,
}

/// The columns of [`Organisation`], for `SELECT` and `RETURNING`.
pub(crate) const COLUMNS: &str = "id, subdomain, name, created_at, verified_at";

impl Store {
    /// Creates an organisation. A taken subdomain is a [`Conflict`].
    pub async fn create_organisation(
        &self,
        subdomain: &Subdomain,
        name: &str,
    ) -> Result<Organisation, StoreError> {
        let sql = format!(
            "INSERT INTO organisations (subdomain, name, created_at) VALUES ($1, $2, $3) \
             RETURNING {COLUMNS}"
        );
        let result = with_pool!(self, p => {
            sqlx::query_as::<_, Organisation>(&sql)
                .bind(subdomain.as_str())
                .bind(name)
                .bind(Utc::now())
                .fetch_one(p)
                .await
        });
        result.map_err(|e| match e {
            sqlx::Error::Database(db) if db.is_unique_violation() => {
                StoreError::Conflict(Conflict::SubdomainTaken(subdomain.to_string()))
            }
            other => other.into(),
        })
    }

    /// Returns the organisation with this subdomain, creating it with `name`
    /// when there is none (idempotent; used by `laurel demo`).
    pub async fn ensure_organisation(
        &self,
        subdomain: &Subdomain,
        name: &str,
    ) -> Result<Organisation, StoreError> {
        with_pool!(self, p => {
            sqlx::query(
                "INSERT INTO organisations (subdomain, name, created_at) VALUES ($1, $2, $3) \
                 ON CONFLICT (subdomain) DO NOTHING",
            )
            .bind(subdomain.as_str())
            .bind(name)
            .bind(Utc::now())
            .execute(p)
            .await
            .map(|r| r.rows_affected())
        })?;
        self.organisation_by_subdomain(subdomain)
            .await?
            .ok_or_else(|| StoreError::Database(sqlx::Error::RowNotFound))
    }

    pub async fn organisation_by_subdomain(
        &self,
        subdomain: &Subdomain,
    ) -> Result<Option<Organisation>, StoreError> {
        let sql = format!("SELECT {COLUMNS} FROM organisations WHERE subdomain = $1");
        Ok(with_pool!(self, p => {
            sqlx::query_as::<_, Organisation>(&sql)
                .bind(subdomain.as_str())
                .fetch_optional(p)
                .await
        })?)
    }

    pub async fn organisation_by_id(&self, id: i64) -> Result<Option<Organisation>, StoreError> {
        let sql = format!("SELECT {COLUMNS} FROM organisations WHERE id = $1");
        Ok(with_pool!(self, p => {
            sqlx::query_as::<_, Organisation>(&sql)
                .bind(id)
                .fetch_optional(p)
                .await
        })?)
    }

    /// Every organisation, by subdomain (the operator's list).
    pub async fn organisations(&self) -> Result<Vec<Organisation>, StoreError> {
        let sql = format!("SELECT {COLUMNS} FROM organisations ORDER BY subdomain");
        Ok(with_pool!(self, p => {
            sqlx::query_as::<_, Organisation>(&sql).fetch_all(p).await
        })?)
    }

    pub async fn count_organisations(&self) -> Result<i64, StoreError> {
        Ok(with_pool!(self, p => {
            sqlx::query_scalar::<_, i64>("SELECT COUNT(*) FROM organisations")
                .fetch_one(p)
                .await
        })?)
    }
}
