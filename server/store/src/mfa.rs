//! Second factor and passwords: the TOTP secret (sealed by the caller), its
//! replay guard, single-use recovery codes, the pending second step of a
//! sign-in, password change and password reset. Every change that must be
//! all-or-nothing is one transaction, with its audit event inside it.

use chrono::{DateTime, Utc};
use laurel::AuditEvent;

use super::audit::{bind_audit, Audit, INSERT_AUDIT_SQL};
use super::sessions::{bind_session, NewSession, INSERT_SESSION_SQL};
use super::{with_pool, Store, StoreError, TokenProblem, TokenPurpose};
use crate::BeginWrite as _;

/// A user's second-factor settings.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct MfaState {
    /// The sealed TOTP secret; `None` when two-factor authentication is off.
    pub totp_secret: Option<Vec<u8>>,
    pub totp_enabled_at: Option<DateTime<Utc>>,
    /// The last time step whose code was accepted.
    pub totp_last_step: Option<i64>,
    /// The sealed secret being set up, not yet confirmed by a code.
    pub totp_pending: Option<Vec<u8>>,
    /// Recovery codes not used yet.
    pub recovery_codes_left: i64,
}

impl MfaState {
    pub fn enabled(&self) -> bool {
        self.totp_secret.is_some()
    }
}

/// Everything turning on two-factor authentication writes at once.
#[derive(Debug, Clone, Copy)]
pub struct EnableTotp<'a> {
    pub user_id: i64,
    /// The confirmed secret, sealed.
    pub sealed_secret: &'a [u8],
    /// The step of the code that confirmed it (it cannot be used again).
    pub step: i64,
    /// Hashes of the new recovery codes (they replace any old ones).
    pub recovery_code_hashes: &'a [String],
    /// The session that turned it on: the only one that stays signed in,
    /// and the one that may see the codes once (sealed).
    pub reveal_session_hash: &'a str,
    pub sealed_codes: &'a [u8],
    pub reveal_expires_at: DateTime<Utc>,
    pub ip: &'a str,
}

impl Store {
    /// The second-factor settings of a user (`None`: no such user).
    pub async fn mfa_state(&self, user_id: i64) -> Result<Option<MfaState>, StoreError> {
        Ok(with_pool!(self, p => {
            sqlx::query_as::<_, MfaState>(
                "SELECT u.totp_secret, u.totp_enabled_at, u.totp_last_step, u.totp_pending, \
                   (SELECT COUNT(*) FROM recovery_codes r WHERE r.user_id = u.id AND r.used_at IS NULL) \
                     AS recovery_codes_left \
                 FROM users u WHERE u.id = $1",
            )
            .bind(user_id)
            .fetch_optional(p)
            .await
        })?)
    }

    /// Keeps (or, with `None`, forgets) the secret being set up. False when
    /// two-factor authentication is already on (nothing is changed then).
    pub async fn set_totp_pending(
        &self,
        user_id: i64,
        sealed: Option<&[u8]>,
    ) -> Result<bool, StoreError> {
        Ok(with_pool!(self, p => {
            sqlx::query("UPDATE users SET totp_pending = $1 WHERE id = $2 AND totp_secret IS NULL")
                .bind(sealed)
                .bind(user_id)
                .execute(p)
                .await
                .map(|r| r.rows_affected() == 1)
        })?)
    }

    /// Turns two-factor authentication on: the secret, the step already
    /// used, new recovery codes (old ones go), the codes to show once and the
    /// audit event — all or nothing. False when it was already on, or no
    /// setup was started.
    pub async fn enable_totp(&self, e: &EnableTotp<'_>) -> Result<bool, StoreError> {
        let now = Utc::now();
        with_pool!(self, p => {
            let mut tx = p.begin_write().await?;
            let updated = sqlx::query(
                "UPDATE users SET totp_secret = $1, totp_enabled_at = $2, totp_last_step = $3, totp_pending = NULL \
                 WHERE id = $4 AND totp_secret IS NULL AND totp_pending IS NOT NULL",
            )
            .bind(e.sealed_secret)
            .bind(now)
            .bind(e.step)
            .bind(e.user_id)
            .execute(&mut *tx)
            .await?
            .rows_affected();
            if updated != 1 {
                tx.rollback().await?;
                return Ok(false);
            }
            // Whoever else holds a session of this account (a stolen
            // cookie, a forgotten computer) is signed out: from now on a
            // session needs the second factor, and theirs did not show one.
            sqlx::query("DELETE FROM sessions WHERE user_id = $1 AND id_hash <> $2")
                .bind(e.user_id)
                .bind(e.reveal_session_hash)
                .execute(&mut *tx)
                .await?;
            sqlx::query("DELETE FROM recovery_codes WHERE user_id = $1")
                .bind(e.user_id)
                .execute(&mut *tx)
                .await?;
            for hash in e.recovery_code_hashes {
                sqlx::query("INSERT INTO recovery_codes (user_id, code_hash, created_at) VALUES ($1, $2, $3)")
                    .bind(e.user_id)
                    .bind(hash)
                    .bind(now)
                    .execute(&mut *tx)
                    .await?;
            }
            sqlx::query(
                "INSERT INTO recovery_code_reveals (session_hash, user_id, sealed_codes, expires_at) \
                 VALUES ($1, $2, $3, $4) \
                 ON CONFLICT (session_hash) DO UPDATE SET user_id = $2, sealed_codes = $3, expires_at = $4",
            )
            .bind(e.reveal_session_hash)
            .bind(e.user_id)
            .bind(e.sealed_codes)
            .bind(e.reveal_expires_at)
            .execute(&mut *tx)
            .await?;
            bind_audit(
                sqlx::query(INSERT_AUDIT_SQL),
                Audit {
                    organisation_id: None,
                    user_id: Some(e.user_id),
                    event: AuditEvent::MfaEnabled,
                    detail: format!("{} recovery codes", e.recovery_code_hashes.len()),
                    ip: e.ip,
                },
                now,
            )
            .execute(&mut *tx)
            .await?;
            tx.commit().await?;
            Ok::<_, StoreError>(true)
        })
    }

    /// Turns two-factor authentication off and drops the recovery codes.
    /// False when it was not on.
    pub async fn disable_totp(&self, user_id: i64, ip: &str) -> Result<bool, StoreError> {
        let now = Utc::now();
        with_pool!(self, p => {
            let mut tx = p.begin_write().await?;
            let updated = sqlx::query(
                "UPDATE users SET totp_secret = NULL, totp_enabled_at = NULL, totp_last_step = NULL, totp_pending = NULL \
                 WHERE id = $1 AND totp_secret IS NOT NULL",
            )
            .bind(user_id)
            .execute(&mut *tx)
            .await?
            .rows_affected();
            if updated != 1 {
                tx.rollback().await?;
                return Ok(false);
            }
            for sql in [
                "DELETE FROM recovery_codes WHERE user_id = $1",
                "DELETE FROM recovery_code_reveals WHERE user_id = $1",
            ] {
                sqlx::query(sql).bind(user_id).execute(&mut *tx).await?;
            }
            bind_audit(
                sqlx::query(INSERT_AUDIT_SQL),
                Audit {
                    organisation_id: None,
                    user_id: Some(user_id),
                    event: AuditEvent::MfaDisabled,
                    detail: String::new(),
                    ip,
                },
                now,
            )
            .execute(&mut *tx)
            .await?;
            tx.commit().await?;
            Ok::<_, StoreError>(true)
        })
    }

    /// Records that the code of time step `step` was used. False when that
    /// step or a later one was already used (a replayed code) or 2FA is off:
    /// the code must then be refused. Atomic, so two requests racing with one
    /// code cannot both pass.
    pub async fn accept_totp_step(&self, user_id: i64, step: i64) -> Result<bool, StoreError> {
        Ok(with_pool!(self, p => {
            sqlx::query(
                "UPDATE users SET totp_last_step = $1 \
                 WHERE id = $2 AND totp_secret IS NOT NULL AND (totp_last_step IS NULL OR totp_last_step < $1)",
            )
            .bind(step)
            .bind(user_id)
            .execute(p)
            .await
            .map(|r| r.rows_affected() == 1)
        })?)
    }

    /// Uses up the recovery code with this hash (audited with how many are
    /// left). False when it is not one of the user's codes or was used.
    pub async fn use_recovery_code(
        &self,
        user_id: i64,
        code_hash: &str,
        ip: &str,
    ) -> Result<bool, StoreError> {
        let now = Utc::now();
        with_pool!(self, p => {
            let mut tx = p.begin_write().await?;
            let used = sqlx::query(
                "UPDATE recovery_codes SET used_at = $1 WHERE user_id = $2 AND code_hash = $3 AND used_at IS NULL",
            )
            .bind(now)
            .bind(user_id)
            .bind(code_hash)
            .execute(&mut *tx)
            .await?
            .rows_affected();
            if used != 1 {
                tx.rollback().await?;
                return Ok(false);
            }
            let (left,) = sqlx::query_as::<_, (i64,)>(
                "SELECT COUNT(*) FROM recovery_codes WHERE user_id = $1 AND used_at IS NULL",
            )
            .bind(user_id)
            .fetch_one(&mut *tx)
            .await?;
            bind_audit(
                sqlx::query(INSERT_AUDIT_SQL),
                Audit {
                    organisation_id: None,
                    user_id: Some(user_id),
                    event: AuditEvent::RecoveryCodeUsed,
                    detail: format!("{left} left"),
                    ip,
                },
                now,
            )
            .execute(&mut *tx)
            .await?;
            tx.commit().await?;
            Ok::<_, StoreError>(true)
        })
    }

    /// Whether recovery codes are waiting to be shown to this session
    /// (nothing is taken).
    pub async fn recovery_codes_waiting(
        &self,
        session_hash: &str,
        user_id: i64,
    ) -> Result<bool, StoreError> {
        let now = Utc::now();
        Ok(with_pool!(self, p => {
            sqlx::query_scalar::<_, bool>(
                "SELECT EXISTS (SELECT 1 FROM recovery_code_reveals \
                 WHERE session_hash = $1 AND user_id = $2 AND expires_at > $3)",
            )
            .bind(session_hash)
            .bind(user_id)
            .bind(now)
            .fetch_one(p)
            .await
        })?)
    }

    /// The sealed recovery codes this session may see — once: they are
    /// deleted as they are read. `None` once shown, expired or never made.
    pub async fn take_recovery_codes(
        &self,
        session_hash: &str,
        user_id: i64,
    ) -> Result<Option<Vec<u8>>, StoreError> {
        let now = Utc::now();
        let row = with_pool!(self, p => {
            sqlx::query_as::<_, (Vec<u8>, DateTime<Utc>)>(
                "DELETE FROM recovery_code_reveals WHERE session_hash = $1 AND user_id = $2 \
                 RETURNING sealed_codes, expires_at",
            )
            .bind(session_hash)
            .bind(user_id)
            .fetch_optional(p)
            .await
        })?;
        Ok(row
            .filter(|(_, expires)| *expires > now)
            .map(|(sealed, _)| sealed))
    }

    /// Starts the second step of a sign-in (and forgets every expired one).
    pub async fn create_login_challenge(
        &self,
        user_id: i64,
        challenge_hash: &str,
        expires_at: DateTime<Utc>,
        ip: &str,
        user_agent: &str,
    ) -> Result<(), StoreError> {
        let now = Utc::now();
        with_pool!(self, p => {
            let mut tx = p.begin_write().await?;
            sqlx::query("DELETE FROM login_challenges WHERE expires_at <= $1")
                .bind(now)
                .execute(&mut *tx)
                .await?;
            sqlx::query(
                "INSERT INTO login_challenges (id_hash, user_id, created_at, expires_at, ip, user_agent) \
                 VALUES ($1, $2, $3, $4, $5, $6)",
            )
            .bind(challenge_hash)
            .bind(user_id)
            .bind(now)
            .bind(expires_at)
            .bind(ip)
            .bind(user_agent)
            .execute(&mut *tx)
            .await?;
            tx.commit().await?;
            Ok::<_, sqlx::Error>(())
        })?;
        Ok(())
    }

    /// The user of a live sign-in challenge.
    pub async fn login_challenge_user(
        &self,
        challenge_hash: &str,
    ) -> Result<Option<i64>, StoreError> {
        let row = with_pool!(self, p => {
            sqlx::query_as::<_, (i64,)>("SELECT user_id FROM login_challenges WHERE id_hash = $1 AND expires_at > $2")
                .bind(challenge_hash)
                .bind(Utc::now())
                .fetch_optional(p)
                .await
        })?;
        Ok(row.map(|(id,)| id))
    }

    /// Ends a sign-in challenge that was answered: the challenge goes, a full
    /// session starts (replacing the browser's old one), in one transaction.
    /// `None` when the challenge is unknown or expired.
    pub async fn complete_login_challenge(
        &self,
        challenge_hash: &str,
        session: &NewSession<'_>,
        replacing: Option<&str>,
    ) -> Result<Option<i64>, StoreError> {
        let now = Utc::now();
        with_pool!(self, p => {
            let mut tx = p.begin_write().await?;
            let user = sqlx::query_as::<_, (i64,)>(
                "DELETE FROM login_challenges WHERE id_hash = $1 AND expires_at > $2 RETURNING user_id",
            )
            .bind(challenge_hash)
            .bind(now)
            .fetch_optional(&mut *tx)
            .await?;
            let Some((user_id,)) = user else {
                tx.rollback().await?;
                return Ok(None);
            };
            if let Some(old) = replacing {
                sqlx::query("DELETE FROM sessions WHERE id_hash = $1")
                    .bind(old)
                    .execute(&mut *tx)
                    .await?;
            }
            bind_session(sqlx::query(INSERT_SESSION_SQL), session, user_id, now)
                .execute(&mut *tx)
                .await?;
            tx.commit().await?;
            Ok::<_, StoreError>(Some(user_id))
        })
    }

    /// Sets a new password: every session and pending sign-in of the user
    /// ends, and `session` (the one that changed it, with a new ID) starts.
    pub async fn change_password(
        &self,
        user_id: i64,
        password_hash: &str,
        session: &NewSession<'_>,
    ) -> Result<(), StoreError> {
        let now = Utc::now();
        with_pool!(self, p => {
            let mut tx = p.begin_write().await?;
            sqlx::query("UPDATE users SET password_hash = $1 WHERE id = $2")
                .bind(password_hash)
                .bind(user_id)
                .execute(&mut *tx)
                .await?;
            let ended = sqlx::query("DELETE FROM sessions WHERE user_id = $1")
                .bind(user_id)
                .execute(&mut *tx)
                .await?
                .rows_affected();
            sqlx::query("DELETE FROM login_challenges WHERE user_id = $1")
                .bind(user_id)
                .execute(&mut *tx)
                .await?;
            // A reset link asked for before the change would undo it.
            sqlx::query(
                "UPDATE email_tokens SET used_at = $1 \
                 WHERE purpose = 'reset' AND used_at IS NULL \
                 AND email = (SELECT email FROM users WHERE id = $2)",
            )
            .bind(now)
            .bind(user_id)
            .execute(&mut *tx)
            .await?;
            bind_session(sqlx::query(INSERT_SESSION_SQL), session, user_id, now)
                .execute(&mut *tx)
                .await?;
            bind_audit(
                sqlx::query(INSERT_AUDIT_SQL),
                Audit {
                    organisation_id: None,
                    user_id: Some(user_id),
                    event: AuditEvent::PasswordChanged,
                    detail: format!("{} other sessions ended", ended.saturating_sub(1)),
                    ip: session.ip,
                },
                now,
            )
            .execute(&mut *tx)
            .await?;
            tx.commit().await?;
            Ok::<_, sqlx::Error>(())
        })?;
        Ok(())
    }

    /// Uses a reset link: the token is spent (with every other reset link of
    /// the address), the password replaced, every session and pending
    /// sign-in of the user ended and the reset audited — all or nothing.
    /// Returns the user's id, or why the link cannot be used.
    pub async fn reset_password(
        &self,
        token_hash: &str,
        password_hash: &str,
        ip: &str,
    ) -> Result<Result<i64, TokenProblem>, StoreError> {
        let now = Utc::now();
        with_pool!(self, p => {
            let mut tx = p.begin_write().await?;
            let email = sqlx::query_as::<_, (String,)>(
                "UPDATE email_tokens SET used_at = $1 \
                 WHERE token_hash = $2 AND purpose = 'reset' AND used_at IS NULL AND expires_at > $1 \
                 RETURNING email",
            )
            .bind(now)
            .bind(token_hash)
            .fetch_optional(&mut *tx)
            .await?;
            let Some((email,)) = email else {
                tx.rollback().await?;
                let problem = self.usable_token(TokenPurpose::Reset, token_hash).await?.err();
                return Ok(Err(problem.unwrap_or(TokenProblem::Used)));
            };
            let user = sqlx::query_as::<_, (i64,)>("UPDATE users SET password_hash = $1 WHERE email = $2 RETURNING id")
                .bind(password_hash)
                .bind(&email)
                .fetch_optional(&mut *tx)
                .await?;
            let Some((user_id,)) = user else {
                tx.rollback().await?;
                return Ok(Err(TokenProblem::Unknown));
            };
            sqlx::query(
                "UPDATE email_tokens SET used_at = $1 WHERE email = $2 AND purpose = 'reset' AND used_at IS NULL",
            )
            .bind(now)
            .bind(&email)
            .execute(&mut *tx)
            .await?;
            let ended = sqlx::query("DELETE FROM sessions WHERE user_id = $1")
                .bind(user_id)
                .execute(&mut *tx)
                .await?
                .rows_affected();
            sqlx::query("DELETE FROM login_challenges WHERE user_id = $1")
                .bind(user_id)
                .execute(&mut *tx)
                .await?;
            bind_audit(
                sqlx::query(INSERT_AUDIT_SQL),
                Audit {
                    organisation_id: None,
                    user_id: Some(user_id),
                    event: AuditEvent::PasswordReset,
                    detail: format!("{ended} sessions ended"),
                    ip,
                },
                now,
            )
            .execute(&mut *tx)
            .await?;
            tx.commit().await?;
            Ok::<_, StoreError>(Ok(user_id))
        })
    }

    /// `(event, detail)` of a user's audit events, newest first.
    pub async fn user_audit_events(
        &self,
        user_id: i64,
        limit: i64,
    ) -> Result<Vec<(String, String)>, StoreError> {
        Ok(with_pool!(self, p => {
            sqlx::query_as::<_, (String, String)>(
                "SELECT event, detail FROM audit_log WHERE user_id = $1 ORDER BY id DESC LIMIT $2",
            )
            .bind(user_id)
            .bind(limit)
            .fetch_all(p)
            .await
        })?)
    }
}
