//! A holder's further email addresses. An added address is pending until
//! its emailed link is opened by the same account; verified, it joins the
//! `holder_addresses` view, through which every wallet query finds the
//! holder's badges. An address is verified for one account at most (a
//! partial unique index), and never for one that is another account's own.
//! Removing an address takes its badges out of the wallet, with the
//! holder's choices about them (visibility, collections); the badges stay
//! with their issuers.

use chrono::{DateTime, Utc};

use super::accounts::{EmailToken, TokenProblem, TokenPurpose};
use super::error::Conflict;
use super::{with_pool, Store, StoreError};
use crate::BeginWrite as _;

/// One of a holder's further addresses.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct UserEmail {
    pub email: String,
    pub verified_at: Option<DateTime<Utc>>,
}

/// Why an address link cannot be used.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AddressProblem {
    Token(TokenProblem),
    /// The link was sent for an address another account added.
    OtherAccount,
}

impl AddressProblem {
    pub fn message(self) -> &'static str {
        match self {
            AddressProblem::Token(t) => t.message(),
            AddressProblem::OtherAccount => {
                "This link confirms an address for another Laurel account: sign in with the account that added it, then open the link again."
            }
        }
    }
}

fn taken() -> StoreError {
    StoreError::Conflict(Conflict::Other(
        "A Laurel account with this address".to_owned(),
    ))
}

impl Store {
    /// Every address the holder's badges are found by: the account's own
    /// first, then the verified further ones in the order they were added.
    pub async fn holder_addresses(&self, user_id: i64) -> Result<Vec<String>, StoreError> {
        Ok(with_pool!(self, p => {
            sqlx::query_scalar::<_, String>(
                "SELECT email FROM (\
                   SELECT email, 0 AS n FROM users WHERE id = $1 \
                   UNION ALL \
                   SELECT email, id AS n FROM user_emails WHERE user_id = $1 AND verified_at IS NOT NULL\
                 ) x ORDER BY n",
            )
            .bind(user_id)
            .fetch_all(p)
            .await
        })?)
    }

    /// The account whose badges are found by this address (its own, or a
    /// confirmed further one), if any.
    pub async fn address_holder(&self, email: &str) -> Result<Option<i64>, StoreError> {
        Ok(with_pool!(self, p => {
            sqlx::query_scalar::<_, i64>("SELECT user_id FROM holder_addresses WHERE email = $1")
                .bind(email)
                .fetch_optional(p)
                .await
        })?)
    }

    /// The holder's further addresses, pending and verified.
    pub async fn user_emails(&self, user_id: i64) -> Result<Vec<UserEmail>, StoreError> {
        Ok(with_pool!(self, p => {
            sqlx::query_as::<_, UserEmail>(
                "SELECT email, verified_at FROM user_emails WHERE user_id = $1 ORDER BY id",
            )
            .bind(user_id)
            .fetch_all(p)
            .await
        })?)
    }

    /// Adds a pending address for the holder (again: a new link for a
    /// pending one). The account's own address, or one already verified for
    /// the holder, is a [`Conflict`]. The caller then stores the token and
    /// its mail (`create_email_token`).
    pub async fn add_address(&self, user_id: i64, email: &str) -> Result<(), StoreError> {
        let now = Utc::now();
        with_pool!(self, p => {
            let mut tx = p.begin_write().await?;
            let own: Option<String> = sqlx::query_scalar("SELECT email FROM users WHERE id = $1")
                .bind(user_id)
                .fetch_optional(&mut *tx)
                .await?;
            let verified: Option<Option<DateTime<Utc>>> = sqlx::query_scalar(
                "SELECT verified_at FROM user_emails WHERE user_id = $1 AND email = $2",
            )
            .bind(user_id)
            .bind(email)
            .fetch_optional(&mut *tx)
            .await?;
            if own.as_deref() == Some(email) || matches!(verified, Some(Some(_))) {
                tx.rollback().await?;
                return Err(StoreError::Conflict(Conflict::AddressInWallet));
            }
            if verified.is_none() {
                sqlx::query(
                    "INSERT INTO user_emails (user_id, email, created_at) VALUES ($1, $2, $3)",
                )
                .bind(user_id)
                .bind(email)
                .bind(now)
                .execute(&mut *tx)
                .await?;
            }
            tx.commit().await?;
            Ok(())
        })
    }

    /// Verifies the address of an `address` link for the signed-in holder:
    /// uses the token and marks the address verified, in one transaction.
    /// The link of an address the holder did not add is refused without
    /// using it; an address that is another account's (its own, or verified
    /// there) is a [`Conflict`].
    pub async fn verify_address(
        &self,
        user_id: i64,
        token_hash: &str,
    ) -> Result<Result<String, AddressProblem>, StoreError> {
        let token: EmailToken = match self.usable_token(TokenPurpose::Address, token_hash).await? {
            Ok(t) => t,
            Err(problem) => return Ok(Err(AddressProblem::Token(problem))),
        };
        let now = Utc::now();
        with_pool!(self, p => {
            let mut tx = p.begin_write().await?;
            let pending: Option<i64> = sqlx::query_scalar(
                "SELECT id FROM user_emails WHERE user_id = $1 AND email = $2",
            )
            .bind(user_id)
            .bind(&token.email)
            .fetch_optional(&mut *tx)
            .await?;
            let Some(row) = pending else {
                tx.rollback().await?;
                return Ok(Err(AddressProblem::OtherAccount));
            };
            let someones: bool = sqlx::query_scalar(
                "SELECT EXISTS (SELECT 1 FROM users WHERE email = $1)",
            )
            .bind(&token.email)
            .fetch_one(&mut *tx)
            .await?;
            if someones {
                tx.rollback().await?;
                return Err(taken());
            }
            let used = sqlx::query(
                "UPDATE email_tokens SET used_at = $1 \
                 WHERE token_hash = $2 AND purpose = 'address' AND used_at IS NULL AND expires_at > $1",
            )
            .bind(now)
            .bind(token_hash)
            .execute(&mut *tx)
            .await?
            .rows_affected();
            if used != 1 {
                tx.rollback().await?;
                return Ok(Err(AddressProblem::Token(TokenProblem::Used)));
            }
            let verified = sqlx::query(
                "UPDATE user_emails SET verified_at = $1 WHERE id = $2 AND verified_at IS NULL",
            )
            .bind(now)
            .bind(row)
            .execute(&mut *tx)
            .await;
            match verified {
                Err(sqlx::Error::Database(db)) if db.is_unique_violation() => {
                    tx.rollback().await?;
                    return Err(taken());
                }
                other => other?,
            };
            tx.commit().await?;
            Ok(Ok(token.email))
        })
    }

    /// Removes one of the holder's further addresses, and with it their
    /// choices about the badges issued to it (visibility, collections).
    /// False when it is not theirs.
    pub async fn remove_address(&self, user_id: i64, email: &str) -> Result<bool, StoreError> {
        with_pool!(self, p => {
            let mut tx = p.begin_write().await?;
            let removed = sqlx::query("DELETE FROM user_emails WHERE user_id = $1 AND email = $2")
                .bind(user_id)
                .bind(email)
                .execute(&mut *tx)
                .await?
                .rows_affected();
            if removed != 1 {
                tx.rollback().await?;
                return Ok(false);
            }
            sqlx::query(
                "DELETE FROM wallet_badges WHERE user_id = $1 \
                 AND assertion_id IN (SELECT id FROM assertions WHERE recipient_email = $2)",
            )
            .bind(user_id)
            .bind(email)
            .execute(&mut *tx)
            .await?;
            sqlx::query(
                "DELETE FROM collection_badges \
                 WHERE collection_id IN (SELECT id FROM collections WHERE user_id = $1) \
                 AND assertion_id IN (SELECT id FROM assertions WHERE recipient_email = $2)",
            )
            .bind(user_id)
            .bind(email)
            .execute(&mut *tx)
            .await?;
            tx.commit().await?;
            Ok(true)
        })
    }
}
