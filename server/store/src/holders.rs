//! Holder accounts, the public verifier's reports and the share-image cache.
//!
//! A holder's account is made in one of two ways, each creating the user and
//! its first session in one transaction (all or nothing):
//! - [`Store::activate_holder`]: the holder's own sign-up link (an
//!   `email_tokens` row with the purpose `holder`), used once;
//! - [`Store::account_from_claim`]: the claim link the issuer's award mail
//!   carried. Opening it proves the recipient reads that address, which is
//!   all the sign-up link proves, so the account is made for the badge's
//!   recipient address and the badge is accepted with it.
//!
//! A taken address is a [`Conflict`] either way: an existing account signs
//! in instead (one account holds every role).

use chrono::{DateTime, Utc};
use laurel::AuditEvent;

use super::accounts::{EmailToken, TokenProblem, TokenPurpose, User};
use super::audit::{bind_audit, Audit, INSERT_AUDIT_SQL};
use super::error::Conflict;
use super::sessions::{bind_session, NewSession, INSERT_SESSION_SQL};
use super::{with_pool, Store, StoreError};
use crate::BeginWrite as _;

/// The account a holder creates, with the session it starts.
#[derive(Debug, Clone, Copy)]
pub struct HolderSignup<'a> {
    pub display_name: &'a str,
    pub password_hash: &'a str,
    pub session: NewSession<'a>,
}

/// A report of the public verifier, as stored.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct StoredReport {
    pub valid: bool,
    /// The report as JSON (`laurel::verify::Report`).
    pub report: String,
    pub created_at: DateTime<Utc>,
}

fn taken() -> StoreError {
    StoreError::Conflict(Conflict::Other("An account with this email".to_owned()))
}

/// In a transaction `$tx` of either backend: creates the holder's account
/// for `$email` (refused as taken when the address is another account's,
/// own or confirmed), starts its session and writes the audit entry; the
/// one account-making step of both ways in. A macro, not a function,
/// because `with_pool!` compiles the body once per backend.
macro_rules! create_holder {
    ($tx:ident, $email:expr, $signup:expr, $now:expr, $how:expr) => {{
        let user = sqlx::query_as::<_, User>(super::accounts::INSERT_USER_SQL)
            .bind($email)
            .bind($signup.password_hash)
            .bind($signup.display_name)
            .bind($now)
            .fetch_optional(&mut *$tx)
            .await;
        let user = match user {
            Ok(Some(user)) => user,
            // Another account's confirmed further address.
            Ok(None) => {
                $tx.rollback().await?;
                return Err(taken());
            }
            Err(sqlx::Error::Database(db)) if db.is_unique_violation() => {
                $tx.rollback().await?;
                return Err(taken());
            }
            Err(e) => return Err(e.into()),
        };
        bind_session(
            sqlx::query(INSERT_SESSION_SQL),
            &$signup.session,
            user.id,
            $now,
        )
        .execute(&mut *$tx)
        .await?;
        let audit = Audit {
            organisation_id: None,
            user_id: Some(user.id),
            event: AuditEvent::HolderSignedUp,
            detail: $how.to_owned(),
            ip: $signup.session.ip,
        };
        bind_audit(sqlx::query(INSERT_AUDIT_SQL), audit, $now)
            .execute(&mut *$tx)
            .await?;
        user
    }};
}

impl Store {
    /// Uses a holder's sign-up token and creates the account and a session.
    /// The inner `Err` says why the token cannot be used; a taken address
    /// is a [`Conflict`] and leaves the token unused.
    pub async fn activate_holder(
        &self,
        token_hash: &str,
        signup: &HolderSignup<'_>,
    ) -> Result<Result<User, TokenProblem>, StoreError> {
        let now = Utc::now();
        with_pool!(self, p => {
            let mut tx = p.begin_write().await?;
            let token = sqlx::query_as::<_, EmailToken>(
                "UPDATE email_tokens SET used_at = $1 \
                 WHERE token_hash = $2 AND purpose = 'holder' AND used_at IS NULL AND expires_at > $1 \
                 RETURNING id, email, organisation_id, role, expires_at, used_at",
            )
            .bind(now)
            .bind(token_hash)
            .fetch_optional(&mut *tx)
            .await?;
            let Some(token) = token else {
                tx.rollback().await?;
                let problem = self
                    .usable_token(TokenPurpose::Holder, token_hash)
                    .await?
                    .err()
                    .unwrap_or(TokenProblem::Unknown);
                return Ok(Err(problem));
            };
            let user = create_holder!(tx, &token.email, signup, now, "sign-up link");
            tx.commit().await?;
            Ok(Ok(user))
        })
    }

    /// Creates the account of the recipient of the badge this claim link
    /// points at, accepts the badge and starts a session. `None` when no
    /// badge has this claim token, or when it was revoked.
    pub async fn account_from_claim(
        &self,
        claim_token_hash: &str,
        signup: &HolderSignup<'_>,
    ) -> Result<Option<User>, StoreError> {
        let now = Utc::now();
        with_pool!(self, p => {
            let mut tx = p.begin_write().await?;
            let email: Option<String> = sqlx::query_scalar(
                "SELECT recipient_email FROM assertions \
                 WHERE claim_token_hash = $1 AND revoked_at IS NULL",
            )
            .bind(claim_token_hash)
            .fetch_optional(&mut *tx)
            .await?;
            let Some(email) = email else {
                tx.rollback().await?;
                return Ok(None);
            };
            let user = create_holder!(tx, &email, signup, now, "claim link");
            let _claimed_now = super::issuing::claim_in!(tx, claim_token_hash, now);
            tx.commit().await?;
            Ok(Some(user))
        })
    }

    /// Keeps a public verifier report under the hash of its link until
    /// `expires_at`, and deletes the reports that expired (so the table holds
    /// about a day of reports whatever the traffic).
    pub async fn save_report(
        &self,
        id_hash: &str,
        valid: bool,
        report: &str,
        expires_at: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        let now = Utc::now();
        with_pool!(self, p => {
            let mut tx = p.begin_write().await?;
            sqlx::query("DELETE FROM verification_reports WHERE expires_at <= $1")
                .bind(now)
                .execute(&mut *tx)
                .await?;
            sqlx::query(
                "INSERT INTO verification_reports (id_hash, valid, report, created_at, expires_at) \
                 VALUES ($1, $2, $3, $4, $5)",
            )
            .bind(id_hash)
            .bind(valid)
            .bind(report)
            .bind(now)
            .bind(expires_at)
            .execute(&mut *tx)
            .await?;
            tx.commit().await
        })?;
        Ok(())
    }

    /// The report under this link's hash, unless it expired.
    pub async fn report(&self, id_hash: &str) -> Result<Option<StoredReport>, StoreError> {
        Ok(with_pool!(self, p => {
            sqlx::query_as::<_, StoredReport>(
                "SELECT valid, report, created_at FROM verification_reports \
                 WHERE id_hash = $1 AND expires_at > $2",
            )
            .bind(id_hash)
            .bind(Utc::now())
            .fetch_optional(p)
            .await
        })?)
    }
}

impl Store {
    /// A rendered share image, by its key.
    pub async fn share_image(&self, key: &str) -> Result<Option<Vec<u8>>, StoreError> {
        Ok(with_pool!(self, p => {
            sqlx::query_scalar::<_, Vec<u8>>("SELECT png FROM share_images WHERE key = $1")
                .bind(key)
                .fetch_optional(p)
                .await
        })?)
    }

    /// Keeps a rendered share image; a second instance that rendered the
    /// same key at the same time changes nothing.
    pub async fn save_share_image(&self, key: &str, png: &[u8]) -> Result<(), StoreError> {
        with_pool!(self, p => {
            sqlx::query(
                "INSERT INTO share_images (key, png, created_at) VALUES ($1, $2, $3) \
                 ON CONFLICT (key) DO NOTHING",
            )
            .bind(key)
            .bind(png)
            .bind(Utc::now())
            .execute(p)
            .await
            .map(|_| ())
        })?;
        Ok(())
    }
}

impl Store {
    /// Deletes an account and everything that is only the account's: its
    /// sessions, addresses, profile, collections, imports, choices about its
    /// badges and pending emailed links (the foreign keys cascade; links
    /// are matched by address). Badges issued to the person stay with their
    /// issuers. The audit log keeps its entries without the account.
    ///
    /// Refused (the inner `Err` lists them) while the account is the last
    /// privileged member of an organisation: someone must be left to run it.
    pub async fn delete_account(
        &self,
        user_id: i64,
    ) -> Result<Result<(), Vec<String>>, StoreError> {
        with_pool!(self, p => {
            let mut tx = p.begin_write().await?;
            let sole: Vec<String> = sqlx::query_scalar(
                "SELECT o.name FROM memberships m JOIN organisations o ON o.id = m.organisation_id \
                 WHERE m.user_id = $1 AND m.role = 'privileged' \
                 AND NOT EXISTS (SELECT 1 FROM memberships n WHERE n.organisation_id = m.organisation_id \
                                 AND n.role = 'privileged' AND n.user_id <> m.user_id) \
                 ORDER BY o.name",
            )
            .bind(user_id)
            .fetch_all(&mut *tx)
            .await?;
            if !sole.is_empty() {
                tx.rollback().await?;
                return Ok(Err(sole));
            }
            sqlx::query(
                "DELETE FROM email_tokens WHERE email IN (\
                   SELECT email FROM users WHERE id = $1 \
                   UNION SELECT email FROM user_emails WHERE user_id = $1)",
            )
            .bind(user_id)
            .execute(&mut *tx)
            .await?;
            sqlx::query("DELETE FROM users WHERE id = $1")
                .bind(user_id)
                .execute(&mut *tx)
                .await?;
            tx.commit().await?;
            Ok(Ok(()))
        })
    }
}
