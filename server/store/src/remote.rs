//! Remote issuing (EXeed-compatible): an organisation's integration ID and
//! the public keys its clients sign with. Every read and write names the
//! organisation in its `WHERE`, but [`Store::integration_by_id`], which is
//! how a signed request finds its organisation.

use chrono::{DateTime, Utc};
use laurel::KeyOrigin;

use super::{with_pool, Store, StoreError};

/// An organisation's remote-issuing set-up.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct Integration {
    pub organisation_id: i64,
    /// Lowercase GUID with hyphens.
    pub integration_id: String,
    pub created_at: DateTime<Utc>,
}

/// A public key a client signs remote-issue requests with.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct IntegrationKey {
    pub id: i64,
    pub organisation_id: i64,
    pub public_pem: String,
    pub fingerprint: String,
    #[sqlx(try_from = "String")]
    pub origin: KeyOrigin,
    pub created_at: DateTime<Utc>,
    pub last_used_at: Option<DateTime<Utc>>,
    pub revoked_at: Option<DateTime<Utc>>,
}

const KEY_COLUMNS: &str = "id, organisation_id, public_pem, fingerprint, origin, created_at, \
    last_used_at, revoked_at";

impl Store {
    /// The organisation's integration, made with `new_id` when it has none.
    pub async fn ensure_integration(
        &self,
        organisation_id: i64,
        new_id: &str,
    ) -> Result<Integration, StoreError> {
        with_pool!(self, p => {
            sqlx::query(
                "INSERT INTO remote_integrations (organisation_id, integration_id, created_at) \
                 VALUES ($1, $2, $3) ON CONFLICT (organisation_id) DO NOTHING",
            )
            .bind(organisation_id)
            .bind(new_id)
            .bind(Utc::now())
            .execute(p)
            .await
            .map(|_| ())
        })?;
        self.integration(organisation_id)
            .await?
            .ok_or(StoreError::Database(sqlx::Error::RowNotFound))
    }

    pub async fn integration(
        &self,
        organisation_id: i64,
    ) -> Result<Option<Integration>, StoreError> {
        Ok(with_pool!(self, p => {
            sqlx::query_as::<_, Integration>(
                "SELECT organisation_id, integration_id, created_at FROM remote_integrations \
                 WHERE organisation_id = $1",
            )
            .bind(organisation_id)
            .fetch_optional(p)
            .await
        })?)
    }

    /// Replaces the integration ID: requests with the old one are refused
    /// from now on.
    pub async fn regenerate_integration(
        &self,
        organisation_id: i64,
        new_id: &str,
    ) -> Result<bool, StoreError> {
        Ok(with_pool!(self, p => {
            sqlx::query(
                "UPDATE remote_integrations SET integration_id = $1, created_at = $2 \
                 WHERE organisation_id = $3",
            )
            .bind(new_id)
            .bind(Utc::now())
            .bind(organisation_id)
            .execute(p)
            .await
            .map(|r| r.rows_affected() == 1)
        })?)
    }

    /// The integration with this (lowercase) ID: how a request finds its
    /// organisation.
    pub async fn integration_by_id(
        &self,
        integration_id: &str,
    ) -> Result<Option<Integration>, StoreError> {
        Ok(with_pool!(self, p => {
            sqlx::query_as::<_, Integration>(
                "SELECT organisation_id, integration_id, created_at FROM remote_integrations \
                 WHERE integration_id = $1",
            )
            .bind(integration_id)
            .fetch_optional(p)
            .await
        })?)
    }

    /// Adds a public key. The same key twice is a conflict.
    pub async fn add_integration_key(
        &self,
        organisation_id: i64,
        public_pem: &str,
        fingerprint: &str,
        origin: KeyOrigin,
    ) -> Result<IntegrationKey, StoreError> {
        let sql = format!(
            "INSERT INTO integration_keys (organisation_id, public_pem, fingerprint, origin, created_at) \
             VALUES ($1, $2, $3, $4, $5) RETURNING {KEY_COLUMNS}"
        );
        let row = with_pool!(self, p => {
            sqlx::query_as::<_, IntegrationKey>(&sql)
                .bind(organisation_id)
                .bind(public_pem)
                .bind(fingerprint)
                .bind(origin.as_str())
                .bind(Utc::now())
                .fetch_one(p)
                .await
        });
        match row {
            Err(sqlx::Error::Database(db)) if db.is_unique_violation() => Err(
                StoreError::Conflict(super::error::Conflict::Other("That key".into())),
            ),
            other => Ok(other?),
        }
    }

    /// Every key of the organisation, revoked ones too, newest first.
    pub async fn integration_keys(
        &self,
        organisation_id: i64,
    ) -> Result<Vec<IntegrationKey>, StoreError> {
        let sql = format!(
            "SELECT {KEY_COLUMNS} FROM integration_keys WHERE organisation_id = $1 ORDER BY id DESC"
        );
        Ok(with_pool!(self, p => {
            sqlx::query_as::<_, IntegrationKey>(&sql).bind(organisation_id).fetch_all(p).await
        })?)
    }

    /// The keys a request may be signed with.
    pub async fn active_integration_keys(
        &self,
        organisation_id: i64,
    ) -> Result<Vec<IntegrationKey>, StoreError> {
        let sql = format!(
            "SELECT {KEY_COLUMNS} FROM integration_keys \
             WHERE organisation_id = $1 AND revoked_at IS NULL ORDER BY id"
        );
        Ok(with_pool!(self, p => {
            sqlx::query_as::<_, IntegrationKey>(&sql).bind(organisation_id).fetch_all(p).await
        })?)
    }

    /// Revokes one of the organisation's keys; `false` when it is not
    /// theirs or already revoked.
    pub async fn revoke_integration_key(
        &self,
        organisation_id: i64,
        key_id: i64,
    ) -> Result<bool, StoreError> {
        Ok(with_pool!(self, p => {
            sqlx::query(
                "UPDATE integration_keys SET revoked_at = $1 \
                 WHERE id = $2 AND organisation_id = $3 AND revoked_at IS NULL",
            )
            .bind(Utc::now())
            .bind(key_id)
            .bind(organisation_id)
            .execute(p)
            .await
            .map(|r| r.rows_affected() == 1)
        })?)
    }

    /// Notes that a key just signed a request (at most once a minute, so
    /// busy clients do not write on every call).
    pub async fn touch_integration_key(&self, key_id: i64) -> Result<(), StoreError> {
        let now = Utc::now();
        with_pool!(self, p => {
            sqlx::query(
                "UPDATE integration_keys SET last_used_at = $1 \
                 WHERE id = $2 AND (last_used_at IS NULL OR last_used_at < $3)",
            )
            .bind(now)
            .bind(key_id)
            .bind(now - chrono::Duration::minutes(1))
            .execute(p)
            .await
            .map(|_| ())
        })?;
        Ok(())
    }
}
