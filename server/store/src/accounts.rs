//! Accounts: users, memberships (roles in organisations), single-use emailed
//! tokens, rate-limit counters and the audit log (sessions: [`super::sessions`]).

use chrono::{DateTime, Utc};
use laurel::AuditEvent;

use super::audit::{bind_audit, Audit, INSERT_AUDIT_SQL};
use super::error::Conflict;
use super::sessions::{bind_session, NewSession, INSERT_SESSION_SQL};
use super::{with_pool, Organisation, Store, StoreError};
use crate::BeginWrite as _;

#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct User {
    pub id: i64,
    pub email: String,
    pub password_hash: String,
    pub display_name: String,
    pub created_at: DateTime<Utc>,
}

pub(crate) const USER_COLUMNS: &str = "id, email, password_hash, display_name, created_at";

/// The one statement that makes an account (`$1` email, `$2` password
/// hash, `$3` display name, `$4` now), used by every way in: issuer
/// activation, accepting an invitation, holder sign-up and the claim link.
/// It inserts nothing — no row comes back — when the address is another
/// account's confirmed further address (one address, one holder); a
/// unique violation means the address is an account's own.
pub(crate) const INSERT_USER_SQL: &str =
    "INSERT INTO users (email, password_hash, display_name, created_at) \
    SELECT $1, $2, $3, $4 WHERE NOT EXISTS \
    (SELECT 1 FROM user_emails WHERE email = $1 AND verified_at IS NOT NULL) \
    RETURNING id, email, password_hash, display_name, created_at";

/// A user's role in one organisation.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct Membership {
    pub organisation_id: i64,
    pub subdomain: String,
    pub organisation_name: String,
    #[sqlx(try_from = "String")]
    pub role: laurel::Role,
}

/// What an emailed token was issued for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenPurpose {
    /// An issuer's sign-up (activation creates the organisation).
    Signup,
    /// A holder's sign-up (activation creates only the account).
    Holder,
    /// A holder's further address, to verify.
    Address,
    Reset,
    Invite,
}

impl TokenPurpose {
    pub fn as_str(self) -> &'static str {
        match self {
            TokenPurpose::Signup => "signup",
            TokenPurpose::Holder => "holder",
            TokenPurpose::Address => "address",
            TokenPurpose::Reset => "reset",
            TokenPurpose::Invite => "invite",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct EmailToken {
    pub id: i64,
    pub email: String,
    pub organisation_id: Option<i64>,
    pub role: Option<String>,
    pub expires_at: DateTime<Utc>,
    pub used_at: Option<DateTime<Utc>>,
}

/// Why a token cannot be used; each a sentence for the person who clicked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenProblem {
    Unknown,
    Used,
    Expired,
}

impl TokenProblem {
    pub fn message(self) -> &'static str {
        match self {
            TokenProblem::Unknown => "This link is not valid. Check that you copied all of it, or ask for a new one.",
            TokenProblem::Used => "This link was already used. Each link works once; ask for a new one if you need to.",
            TokenProblem::Expired => "This link has expired. Ask for a new one.",
        }
    }
}

/// Everything activation creates, in one transaction.
#[derive(Debug, Clone)]
pub struct Activation<'a> {
    pub token_hash: &'a str,
    pub organisation_name: &'a str,
    pub subdomain: &'a str,
    pub contact_name: &'a str,
    pub contact_phone: &'a str,
    pub password_hash: &'a str,
    pub session_hash: &'a str,
    pub session_expires: DateTime<Utc>,
    pub ip: &'a str,
    pub user_agent: &'a str,
}

impl Store {
    /// Stores a token hash for `email`, and — in the same transaction — the
    /// mail that carries the token (a job on the `mail` queue), so the mail
    /// is never lost and never sent for a token that was not stored.
    #[allow(clippy::too_many_arguments)]
    pub async fn create_email_token(
        &self,
        purpose: TokenPurpose,
        email: &str,
        token_hash: &str,
        expires_at: DateTime<Utc>,
        organisation_id: Option<i64>,
        role: Option<&str>,
        mail_job: &serde_json::Value,
    ) -> Result<(), StoreError> {
        let now = Utc::now();
        let payload = mail_job.to_string();
        with_pool!(self, p => {
            let mut tx = p.begin_write().await?;
            sqlx::query(
                "INSERT INTO email_tokens (token_hash, purpose, email, organisation_id, role, expires_at, created_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7)",
            )
            .bind(token_hash)
            .bind(purpose.as_str())
            .bind(email)
            .bind(organisation_id)
            .bind(role)
            .bind(expires_at)
            .bind(now)
            .execute(&mut *tx)
            .await?;
            super::jobs::bind_job(sqlx::query(super::jobs::INSERT_JOB_SQL), super::jobs::MAIL_QUEUE, &payload, now)
                .execute(&mut *tx)
                .await?;
            tx.commit().await?;
            Ok::<_, sqlx::Error>(())
        })?;
        Ok(())
    }

    /// The token with this hash and purpose, if it may still be used.
    pub async fn usable_token(
        &self,
        purpose: TokenPurpose,
        token_hash: &str,
    ) -> Result<Result<EmailToken, TokenProblem>, StoreError> {
        let token = with_pool!(self, p => {
            sqlx::query_as::<_, EmailToken>(
                "SELECT id, email, organisation_id, role, expires_at, used_at FROM email_tokens \
                 WHERE token_hash = $1 AND purpose = $2",
            )
            .bind(token_hash)
            .bind(purpose.as_str())
            .fetch_optional(p)
            .await
        })?;
        Ok(match token {
            None => Err(TokenProblem::Unknown),
            Some(t) if t.used_at.is_some() => Err(TokenProblem::Used),
            Some(t) if t.expires_at <= Utc::now() => Err(TokenProblem::Expired),
            Some(t) => Ok(t),
        })
    }

    /// Activates a sign-up: uses the token, creates the organisation, the
    /// user, the privileged membership and a session — all or nothing. A
    /// taken subdomain or email is a [`Conflict`] and leaves the token usable.
    pub async fn activate_signup(
        &self,
        a: &Activation<'_>,
    ) -> Result<Result<(Organisation, User), TokenProblem>, StoreError> {
        let now = Utc::now();
        let result = with_pool!(self, p => {
            let mut tx = p.begin_write().await?;
            let token = sqlx::query_as::<_, EmailToken>(
                "UPDATE email_tokens SET used_at = $1 \
                 WHERE token_hash = $2 AND purpose = 'signup' AND used_at IS NULL AND expires_at > $1 \
                 RETURNING id, email, organisation_id, role, expires_at, used_at",
            )
            .bind(now)
            .bind(a.token_hash)
            .fetch_optional(&mut *tx)
            .await?;
            let Some(token) = token else {
                tx.rollback().await?;
                return Ok(Err(self.usable_token(TokenPurpose::Signup, a.token_hash).await?.err().unwrap_or(TokenProblem::Unknown)));
            };
            let org = sqlx::query_as::<_, Organisation>(
                "INSERT INTO organisations (subdomain, name, created_at, contact_name, contact_phone) \
                 VALUES ($1, $2, $3, $4, $5) RETURNING id, subdomain, name, created_at, verified_at",
            )
            .bind(a.subdomain)
            .bind(a.organisation_name)
            .bind(now)
            .bind(a.contact_name)
            .bind(a.contact_phone)
            .fetch_one(&mut *tx)
            .await;
            let org = match org {
                Err(sqlx::Error::Database(db)) if db.is_unique_violation() => {
                    tx.rollback().await?;
                    return Err(StoreError::Conflict(Conflict::SubdomainTaken(a.subdomain.to_owned())));
                }
                other => other?,
            };
            let user = sqlx::query_as::<_, User>(INSERT_USER_SQL)
                .bind(&token.email)
                .bind(a.password_hash)
                .bind(a.contact_name)
                .bind(now)
                .fetch_optional(&mut *tx)
                .await;
            let user = match user {
                Ok(Some(user)) => user,
                Ok(None) => {
                    tx.rollback().await?;
                    return Err(StoreError::Conflict(Conflict::Other(
                        "An account with this email".to_owned(),
                    )));
                }
                Err(sqlx::Error::Database(db)) if db.is_unique_violation() => {
                    tx.rollback().await?;
                    return Err(StoreError::Conflict(Conflict::Other(
                        "An account with this email".to_owned(),
                    )));
                }
                Err(e) => return Err(e.into()),
            };
            sqlx::query(
                "INSERT INTO memberships (organisation_id, user_id, role, created_at) VALUES ($1, $2, 'privileged', $3)",
            )
            .bind(org.id)
            .bind(user.id)
            .bind(now)
            .execute(&mut *tx)
            .await?;
            let session = NewSession {
                session_hash: a.session_hash,
                expires_at: a.session_expires,
                ip: a.ip,
                user_agent: a.user_agent,
            };
            bind_session(sqlx::query(INSERT_SESSION_SQL), &session, user.id, now)
                .execute(&mut *tx)
                .await?;
            for (event, detail) in [
                (AuditEvent::OrganisationActivated, a.subdomain),
                (AuditEvent::SignedIn, "after activation"),
            ] {
                let audit = Audit {
                    organisation_id: Some(org.id),
                    user_id: Some(user.id),
                    event,
                    detail: detail.to_owned(),
                    ip: a.ip,
                };
                bind_audit(sqlx::query(INSERT_AUDIT_SQL), audit, now)
                    .execute(&mut *tx)
                    .await?;
            }
            tx.commit().await?;
            Ok::<_, StoreError>(Ok((org, user)))
        });
        result
    }

    pub async fn user_by_email(&self, email: &str) -> Result<Option<User>, StoreError> {
        let sql = format!("SELECT {USER_COLUMNS} FROM users WHERE email = $1");
        Ok(with_pool!(self, p => {
            sqlx::query_as::<_, User>(&sql).bind(email).fetch_optional(p).await
        })?)
    }

    pub async fn memberships(&self, user_id: i64) -> Result<Vec<Membership>, StoreError> {
        Ok(with_pool!(self, p => {
            sqlx::query_as::<_, Membership>(
                "SELECT m.organisation_id, o.subdomain, o.name AS organisation_name, m.role \
                 FROM memberships m JOIN organisations o ON o.id = m.organisation_id \
                 WHERE m.user_id = $1 ORDER BY o.name",
            )
            .bind(user_id)
            .fetch_all(p)
            .await
        })?)
    }

    /// Counts one attempt against `key` in a fixed window of `window_secs`
    /// starting at the first attempt; returns the count in this window and
    /// the seconds until it resets. Shared by every instance (it is a row).
    pub async fn hit_rate_limit(
        &self,
        key: &str,
        window_secs: i64,
    ) -> Result<(i64, i64), StoreError> {
        let now = Utc::now().timestamp();
        let (count, start) = with_pool!(self, p => {
            sqlx::query_as::<_, (i64, i64)>(
                "INSERT INTO rate_limits (key, window_start, count) VALUES ($1, $2, 1) \
                 ON CONFLICT (key) DO UPDATE SET \
                   count = CASE WHEN rate_limits.window_start <= $3 THEN 1 ELSE rate_limits.count + 1 END, \
                   window_start = CASE WHEN rate_limits.window_start <= $3 THEN $2 ELSE rate_limits.window_start END \
                 RETURNING count, window_start",
            )
            .bind(key)
            .bind(now)
            .bind(now - window_secs)
            .fetch_one(p)
            .await
        })?;
        Ok((count, (start + window_secs - now).max(1)))
    }

    /// Forgets the counter (after a successful sign-in, for the account key).
    pub async fn clear_rate_limit(&self, key: &str) -> Result<(), StoreError> {
        with_pool!(self, p => {
            sqlx::query("DELETE FROM rate_limits WHERE key = $1")
                .bind(key)
                .execute(p)
                .await
                .map(|_| ())
        })?;
        Ok(())
    }

    /// `(event, detail, ip)` of the organisation's audit log, newest first.
    pub async fn audit_events(
        &self,
        organisation_id: i64,
        limit: i64,
    ) -> Result<Vec<(String, String, String)>, StoreError> {
        Ok(with_pool!(self, p => {
            sqlx::query_as::<_, (String, String, String)>(
                "SELECT event, detail, ip FROM audit_log WHERE organisation_id = $1 ORDER BY id DESC LIMIT $2",
            )
            .bind(organisation_id)
            .bind(limit)
            .fetch_all(p)
            .await
        })?)
    }
}
