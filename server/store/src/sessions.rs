//! Server-side sessions: the row every sign-in path writes (activation,
//! password, second factor, invitation, password change), the signed-in
//! user behind a session cookie, sliding expiry and sign-out. Accounts and
//! second-factor code both start sessions through [`INSERT_SESSION_SQL`] and
//! [`bind_session`], inside their own transactions.

use chrono::{DateTime, Utc};

use super::{with_pool, Store, StoreError};
use crate::BeginWrite as _;

/// A session to start, with the request it came from.
#[derive(Debug, Clone, Copy)]
pub struct NewSession<'a> {
    pub session_hash: &'a str,
    pub expires_at: DateTime<Utc>,
    pub ip: &'a str,
    pub user_agent: &'a str,
}

/// A signed-in session, with its user.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct SessionUser {
    pub user_id: i64,
    pub email: String,
    pub display_name: String,
    pub expires_at: DateTime<Utc>,
    pub last_seen_at: DateTime<Utc>,
    /// When the session began (its absolute lifetime counts from here).
    pub created_at: DateTime<Utc>,
}

/// Starts a session row; every sign-in path (activation, password, second
/// factor, invitation, password change) goes through it.
pub(crate) const INSERT_SESSION_SQL: &str =
    "INSERT INTO sessions (id_hash, user_id, created_at, last_seen_at, expires_at, ip, user_agent) \
     VALUES ($1, $2, $3, $3, $4, $5, $6)";

/// Binds a new session of `user_id` to a query made from
/// [`INSERT_SESSION_SQL`], on either backend.
pub(crate) fn bind_session<'q, DB>(
    query: sqlx::query::Query<'q, DB, <DB as sqlx::Database>::Arguments<'q>>,
    session: &NewSession<'q>,
    user_id: i64,
    now: DateTime<Utc>,
) -> sqlx::query::Query<'q, DB, <DB as sqlx::Database>::Arguments<'q>>
where
    DB: sqlx::Database,
    &'q str: sqlx::Encode<'q, DB> + sqlx::Type<DB>,
    i64: sqlx::Encode<'q, DB> + sqlx::Type<DB>,
    DateTime<Utc>: sqlx::Encode<'q, DB> + sqlx::Type<DB>,
{
    query
        .bind(session.session_hash)
        .bind(user_id)
        .bind(now)
        .bind(session.expires_at)
        .bind(session.ip)
        .bind(session.user_agent)
}

impl Store {
    /// Starts a session; `replacing` (the session the browser had) is ended
    /// in the same transaction, so a sign-in always rotates the session ID.
    pub async fn create_session(
        &self,
        user_id: i64,
        session_hash: &str,
        expires_at: DateTime<Utc>,
        ip: &str,
        user_agent: &str,
        replacing: Option<&str>,
    ) -> Result<(), StoreError> {
        let now = Utc::now();
        with_pool!(self, p => {
            let mut tx = p.begin_write().await?;
            if let Some(old) = replacing {
                sqlx::query("DELETE FROM sessions WHERE id_hash = $1")
                    .bind(old)
                    .execute(&mut *tx)
                    .await?;
            }
            let session = NewSession { session_hash, expires_at, ip, user_agent };
            bind_session(sqlx::query(INSERT_SESSION_SQL), &session, user_id, now)
                .execute(&mut *tx)
                .await?;
            tx.commit().await?;
            Ok::<_, sqlx::Error>(())
        })?;
        Ok(())
    }

    /// The live session with this hash, with its user.
    pub async fn session_user(
        &self,
        session_hash: &str,
    ) -> Result<Option<SessionUser>, StoreError> {
        Ok(with_pool!(self, p => {
            sqlx::query_as::<_, SessionUser>(
                "SELECT u.id AS user_id, u.email, u.display_name, s.expires_at, s.last_seen_at, \
                 s.created_at \
                 FROM sessions s JOIN users u ON u.id = s.user_id \
                 WHERE s.id_hash = $1 AND s.expires_at > $2",
            )
            .bind(session_hash)
            .bind(Utc::now())
            .fetch_optional(p)
            .await
        })?)
    }

    /// Extends a session (sliding expiry).
    pub async fn touch_session(
        &self,
        session_hash: &str,
        expires_at: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        with_pool!(self, p => {
            sqlx::query("UPDATE sessions SET last_seen_at = $1, expires_at = $2 WHERE id_hash = $3")
                .bind(Utc::now())
                .bind(expires_at)
                .bind(session_hash)
                .execute(p)
                .await
                .map(|_| ())
        })?;
        Ok(())
    }

    pub async fn delete_session(&self, session_hash: &str) -> Result<(), StoreError> {
        with_pool!(self, p => {
            sqlx::query("DELETE FROM sessions WHERE id_hash = $1")
                .bind(session_hash)
                .execute(p)
                .await
                .map(|_| ())
        })?;
        Ok(())
    }

    /// Ends every session of the user ("sign out everywhere"); returns how many.
    pub async fn delete_user_sessions(&self, user_id: i64) -> Result<u64, StoreError> {
        Ok(with_pool!(self, p => {
            sqlx::query("DELETE FROM sessions WHERE user_id = $1")
                .bind(user_id)
                .execute(p)
                .await
                .map(|r| r.rows_affected())
        })?)
    }

    /// Deletes what can no longer be used: expired sessions and sign-in
    /// challenges, emailed tokens a week past their expiry (until then a
    /// late click is told "expired", not "unknown"), rate-limit counters a
    /// day old (longer than any window) and daily sending counts a week
    /// old. Returns how many rows.
    pub async fn purge_expired(&self, now: DateTime<Utc>) -> Result<u64, StoreError> {
        let week_ago = now - chrono::Duration::days(7);
        let day_ago = now.timestamp() - 86_400;
        Ok(with_pool!(self, p => {
            let mut tx = p.begin_write().await?;
            let mut n = 0;
            for sql in [
                "DELETE FROM sessions WHERE expires_at < $1",
                "DELETE FROM login_challenges WHERE expires_at < $1",
            ] {
                n += sqlx::query(sql).bind(now).execute(&mut *tx).await?.rows_affected();
            }
            n += sqlx::query("DELETE FROM email_tokens WHERE expires_at < $1")
                .bind(week_ago)
                .execute(&mut *tx)
                .await?
                .rows_affected();
            n += sqlx::query("DELETE FROM rate_limits WHERE window_start < $1")
                .bind(day_ago)
                .execute(&mut *tx)
                .await?
                .rows_affected();
            n += sqlx::query("DELETE FROM sending_daily WHERE day < $1")
                .bind(crate::sending::day_key(week_ago))
                .execute(&mut *tx)
                .await?
                .rows_affected();
            tx.commit().await?;
            Ok::<_, sqlx::Error>(n)
        })?)
    }
}
