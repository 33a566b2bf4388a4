//! Issuer signing keys (public part in clear, private part sealed).

use chrono::{DateTime, Utc};

use super::{with_pool, Store, StoreError};
use crate::BeginWrite as _;

#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct IssuerKeyRow {
    pub id: i64,
    pub organisation_id: i64,
    pub kid: String,
    pub public_pem: String,
    pub sealed_private: Vec<u8>,
    pub created_at: DateTime<Utc>,
    pub retired_at: Option<DateTime<Utc>>,
}

pub(crate) const COLUMNS: &str =
    "id, organisation_id, kid, public_pem, sealed_private, created_at, retired_at";

impl Store {
    /// Every key of the organisation, active first, then newest first.
    pub async fn issuer_keys(&self, organisation_id: i64) -> Result<Vec<IssuerKeyRow>, StoreError> {
        let sql = format!(
            "SELECT {COLUMNS} FROM issuer_keys WHERE organisation_id = $1 \
             ORDER BY (retired_at IS NULL) DESC, id DESC"
        );
        Ok(with_pool!(self, p => {
            sqlx::query_as::<_, IssuerKeyRow>(&sql).bind(organisation_id).fetch_all(p).await
        })?)
    }

    pub async fn issuer_key_by_kid(
        &self,
        organisation_id: i64,
        kid: &str,
    ) -> Result<Option<IssuerKeyRow>, StoreError> {
        let sql =
            format!("SELECT {COLUMNS} FROM issuer_keys WHERE organisation_id = $1 AND kid = $2");
        Ok(with_pool!(self, p => {
            sqlx::query_as::<_, IssuerKeyRow>(&sql)
                .bind(organisation_id)
                .bind(kid)
                .fetch_optional(p)
                .await
        })?)
    }

    /// Adds a key and makes it the organisation's only active one, retiring
    /// (but keeping) the others, in one transaction.
    pub async fn add_active_issuer_key(
        &self,
        organisation_id: i64,
        kid: &str,
        public_pem: &str,
        sealed_private: &[u8],
    ) -> Result<IssuerKeyRow, StoreError> {
        let now = Utc::now();
        let insert = format!(
            "INSERT INTO issuer_keys (organisation_id, kid, public_pem, sealed_private, created_at) \
             VALUES ($1, $2, $3, $4, $5) RETURNING {COLUMNS}"
        );
        Ok(with_pool!(self, p => {
            let mut tx = p.begin_write().await?;
            sqlx::query(
                "UPDATE issuer_keys SET retired_at = $1 WHERE organisation_id = $2 AND retired_at IS NULL",
            )
            .bind(now)
            .bind(organisation_id)
            .execute(&mut *tx)
            .await?;
            let row = sqlx::query_as::<_, IssuerKeyRow>(&insert)
                .bind(organisation_id)
                .bind(kid)
                .bind(public_pem)
                .bind(sealed_private)
                .bind(now)
                .fetch_one(&mut *tx)
                .await?;
            tx.commit().await?;
            Ok::<_, sqlx::Error>(row)
        })?)
    }
}
