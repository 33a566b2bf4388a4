//! API tokens of the REST API (`/api/v1`). Only a token's SHA-256 is kept
//! ([`NewApiToken::token_hash`]); the token itself is shown once. Creating
//! and revoking write their audit record in the same transaction. Every
//! read and write names the organisation, but [`Store::api_token_by_hash`],
//! which is how a request finds its organisation.

use chrono::{DateTime, Utc};
use laurel::{ApiScopes, AuditEvent};

use super::audit::{bind_audit, Audit, INSERT_AUDIT_SQL};
use super::{with_pool, Store, StoreError};
use crate::BeginWrite as _;

#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct ApiToken {
    pub id: i64,
    pub organisation_id: i64,
    pub name: String,
    /// The token's first characters, to tell tokens apart in a list.
    pub prefix: String,
    #[sqlx(try_from = "String")]
    pub scopes: ApiScopes,
    pub created_at: DateTime<Utc>,
    pub expires_at: Option<DateTime<Utc>>,
    pub last_used_at: Option<DateTime<Utc>>,
    pub revoked_at: Option<DateTime<Utc>>,
}

impl ApiToken {
    /// Neither revoked nor expired at `now`.
    pub fn usable_at(&self, now: DateTime<Utc>) -> bool {
        self.revoked_at.is_none() && self.expires_at.is_none_or(|e| e > now)
    }
}

/// A token to store (the caller made it and keeps the plain text).
#[derive(Debug, Clone)]
pub struct NewApiToken<'a> {
    pub organisation_id: i64,
    pub name: &'a str,
    pub token_hash: &'a str,
    pub prefix: &'a str,
    pub scopes: &'a ApiScopes,
    pub expires_at: Option<DateTime<Utc>>,
    pub created_by: i64,
    pub ip: &'a str,
}

const TOKEN_COLUMNS: &str =
    "id, organisation_id, name, prefix, scopes, created_at, expires_at, last_used_at, revoked_at";

impl Store {
    /// Stores a token and its `api_token.created` audit record.
    pub async fn create_api_token(&self, t: NewApiToken<'_>) -> Result<ApiToken, StoreError> {
        let now = Utc::now();
        let sql = format!(
            "INSERT INTO api_tokens (organisation_id, name, token_hash, prefix, scopes, created_by, \
             created_at, expires_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING {TOKEN_COLUMNS}"
        );
        let audit = Audit {
            organisation_id: Some(t.organisation_id),
            user_id: Some(t.created_by),
            event: AuditEvent::ApiTokenCreated,
            detail: format!("{} ({}; {})", t.name, t.prefix, t.scopes),
            ip: t.ip,
        };
        Ok(with_pool!(self, p => {
            let mut tx = p.begin_write().await?;
            let token = sqlx::query_as::<_, ApiToken>(&sql)
                .bind(t.organisation_id)
                .bind(t.name)
                .bind(t.token_hash)
                .bind(t.prefix)
                .bind(t.scopes.to_string())
                .bind(t.created_by)
                .bind(now)
                .bind(t.expires_at)
                .fetch_one(&mut *tx)
                .await?;
            bind_audit(sqlx::query(INSERT_AUDIT_SQL), audit, now)
                .execute(&mut *tx)
                .await?;
            tx.commit().await?;
            Ok::<_, sqlx::Error>(token)
        })?)
    }

    /// The organisation's tokens, revoked and expired ones too, newest first.
    pub async fn api_tokens(&self, organisation_id: i64) -> Result<Vec<ApiToken>, StoreError> {
        let sql = format!(
            "SELECT {TOKEN_COLUMNS} FROM api_tokens WHERE organisation_id = $1 ORDER BY id DESC"
        );
        Ok(with_pool!(self, p => {
            sqlx::query_as::<_, ApiToken>(&sql).bind(organisation_id).fetch_all(p).await
        })?)
    }

    /// The token with this hash, whatever its state (the caller checks
    /// [`ApiToken::usable_at`]); marks it used at most once a minute.
    pub async fn api_token_by_hash(
        &self,
        token_hash: &str,
    ) -> Result<Option<ApiToken>, StoreError> {
        let sql = format!("SELECT {TOKEN_COLUMNS} FROM api_tokens WHERE token_hash = $1");
        let token = with_pool!(self, p => {
            sqlx::query_as::<_, ApiToken>(&sql).bind(token_hash).fetch_optional(p).await
        })?;
        let now = Utc::now();
        if let Some(t) = &token {
            if t.usable_at(now)
                && t.last_used_at
                    .is_none_or(|u| u < now - chrono::Duration::minutes(1))
            {
                with_pool!(self, p => {
                    sqlx::query("UPDATE api_tokens SET last_used_at = $1 WHERE id = $2")
                        .bind(now)
                        .bind(t.id)
                        .execute(p)
                        .await
                        .map(|_| ())
                })?;
            }
        }
        Ok(token)
    }

    /// Revokes one of the organisation's tokens, with its audit record;
    /// `false` when it is not theirs or already revoked.
    pub async fn revoke_api_token(
        &self,
        organisation_id: i64,
        token_id: i64,
        user_id: i64,
        ip: &str,
    ) -> Result<bool, StoreError> {
        let now = Utc::now();
        Ok(with_pool!(self, p => {
            let mut tx = p.begin_write().await?;
            let revoked: Option<(String, String)> = sqlx::query_as(
                "UPDATE api_tokens SET revoked_at = $1 \
                 WHERE id = $2 AND organisation_id = $3 AND revoked_at IS NULL RETURNING name, prefix",
            )
            .bind(now)
            .bind(token_id)
            .bind(organisation_id)
            .fetch_optional(&mut *tx)
            .await?;
            let Some((name, prefix)) = revoked else {
                tx.rollback().await?;
                return Ok(false);
            };
            let audit = Audit {
                organisation_id: Some(organisation_id),
                user_id: Some(user_id),
                event: AuditEvent::ApiTokenRevoked,
                detail: format!("{name} ({prefix})"),
                ip,
            };
            bind_audit(sqlx::query(INSERT_AUDIT_SQL), audit, now)
                .execute(&mut *tx)
                .await?;
            tx.commit().await?;
            Ok::<_, sqlx::Error>(true)
        })?)
    }
}
