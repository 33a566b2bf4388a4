//! The holder side: a holder's wallet (every badge issued to the address of
//! their account), which of those badges are public, and their public
//! profile (`/u/{handle}`).
//!
//! The privacy rule lives here, once: a badge is private until its holder
//! makes it public (no `wallet_badges` row, or `public = false`), and public
//! surfaces read only through [`Store::public_profile`], whose badges are
//! selected with `w.public = TRUE` in SQL, never filtered afterwards.

use chrono::{DateTime, Utc};

use super::{with_pool, Store, StoreError};

/// One badge in a wallet.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct WalletBadge {
    pub assertion_id: i64,
    pub slug: String,
    pub subdomain: String,
    pub organisation_name: String,
    pub badge_class_slug: String,
    pub badge_name: String,
    pub issued_on: DateTime<Utc>,
    pub expires_at: Option<DateTime<Utc>>,
    pub revoked_at: Option<DateTime<Utc>>,
    pub public: bool,
}

/// A holder's profile settings.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct HolderProfile {
    pub user_id: i64,
    pub handle: String,
    pub display_name: String,
    pub summary: String,
    pub public: bool,
}

/// What a holder saves on their profile form (already checked).
#[derive(Debug, Clone, Copy)]
pub struct ProfileUpdate<'a> {
    pub handle: &'a str,
    pub display_name: &'a str,
    pub summary: &'a str,
    pub public: bool,
}

/// The wallet's columns: the badge, its issuer and the holder's choice.
/// `u` is the holder; a badge belongs to them when it was issued to one of
/// their addresses — the account's, or one they added and verified (the
/// `holder_addresses` view; all stored in lowercase).
pub(crate) const WALLET_SELECT: &str = "SELECT a.id AS assertion_id, a.slug, o.subdomain, \
    o.name AS organisation_name, c.slug AS badge_class_slug, c.name AS badge_name, \
    a.issued_on, a.expires_at, a.revoked_at, COALESCE(w.public, FALSE) AS public \
    FROM users u \
    JOIN holder_addresses h ON h.user_id = u.id \
    JOIN assertions a ON a.recipient_email = h.email \
    JOIN badge_classes c ON c.id = a.badge_class_id \
    JOIN organisations o ON o.id = a.organisation_id \
    LEFT JOIN wallet_badges w ON w.user_id = u.id AND w.assertion_id = a.id";

pub(crate) const PROFILE_COLUMNS: &str = "user_id, handle, display_name, summary, public";

impl Store {
    /// The account with this (lowercase) address, created with
    /// `password_hash` when there is none: for `laurel demo`'s holder. An
    /// existing account is returned unchanged.
    pub async fn ensure_holder_account(
        &self,
        email: &str,
        display_name: &str,
        password_hash: &str,
    ) -> Result<super::User, StoreError> {
        with_pool!(self, p => {
            sqlx::query(
                "INSERT INTO users (email, password_hash, display_name, created_at) \
                 VALUES ($1, $2, $3, $4) ON CONFLICT (email) DO NOTHING",
            )
            .bind(email)
            .bind(password_hash)
            .bind(display_name)
            .bind(Utc::now())
            .execute(p)
            .await
            .map(|_| ())
        })?;
        self.user_by_email(email)
            .await?
            .ok_or_else(|| StoreError::Database(sqlx::Error::RowNotFound))
    }

    /// Every badge issued to the user's address, newest first.
    pub async fn wallet(&self, user_id: i64) -> Result<Vec<WalletBadge>, StoreError> {
        let sql = format!("{WALLET_SELECT} WHERE u.id = $1 ORDER BY a.issued_on DESC, a.id DESC");
        Ok(with_pool!(self, p => {
            sqlx::query_as::<_, WalletBadge>(&sql).bind(user_id).fetch_all(p).await
        })?)
    }

    /// Makes one of the user's badges public or private. `false` when the
    /// badge (by its public slug) is not theirs: nothing is written.
    pub async fn set_wallet_visibility(
        &self,
        user_id: i64,
        slug: &str,
        public: bool,
    ) -> Result<bool, StoreError> {
        // The INSERT … SELECT finds the badge only through the holder's own
        // address, so a foreign slug inserts nothing.
        let done = with_pool!(self, p => {
            sqlx::query(
                "INSERT INTO wallet_badges (user_id, assertion_id, public, updated_at) \
                 SELECT u.id, a.id, $3, $4 FROM users u \
                 JOIN holder_addresses h ON h.user_id = u.id \
                 JOIN assertions a ON a.recipient_email = h.email \
                 WHERE u.id = $1 AND a.slug = $2 \
                 ON CONFLICT (user_id, assertion_id) \
                 DO UPDATE SET public = excluded.public, updated_at = excluded.updated_at",
            )
            .bind(user_id)
            .bind(slug)
            .bind(public)
            .bind(Utc::now())
            .execute(p)
            .await
            .map(|r| r.rows_affected() > 0)
        })?;
        Ok(done)
    }

    pub async fn holder_profile(&self, user_id: i64) -> Result<Option<HolderProfile>, StoreError> {
        let sql = format!("SELECT {PROFILE_COLUMNS} FROM holder_profiles WHERE user_id = $1");
        Ok(with_pool!(self, p => {
            sqlx::query_as::<_, HolderProfile>(&sql).bind(user_id).fetch_optional(p).await
        })?)
    }

    /// Creates or updates the user's profile. A handle another holder has
    /// is a [`StoreError::Conflict`] (nothing written).
    pub async fn save_holder_profile(
        &self,
        user_id: i64,
        update: ProfileUpdate<'_>,
    ) -> Result<(), StoreError> {
        let result = with_pool!(self, p => {
            sqlx::query(
                "INSERT INTO holder_profiles (user_id, handle, display_name, summary, public, updated_at) \
                 VALUES ($1, $2, $3, $4, $5, $6) \
                 ON CONFLICT (user_id) DO UPDATE SET handle = excluded.handle, \
                 display_name = excluded.display_name, summary = excluded.summary, \
                 public = excluded.public, updated_at = excluded.updated_at",
            )
            .bind(user_id)
            .bind(update.handle)
            .bind(update.display_name)
            .bind(update.summary)
            .bind(update.public)
            .bind(Utc::now())
            .execute(p)
            .await
            .map(|_| ())
        });
        match result {
            Ok(_) => Ok(()),
            Err(sqlx::Error::Database(db)) if db.is_unique_violation() => {
                Err(StoreError::Conflict(super::error::Conflict::Other(
                    format!("A profile with the handle “{}”", update.handle),
                )))
            }
            Err(e) => Err(e.into()),
        }
    }

    /// A switched-on profile and its public badges, newest first; `None`
    /// when there is no such handle or its profile is off.
    pub async fn public_profile(
        &self,
        handle: &str,
    ) -> Result<Option<(HolderProfile, Vec<WalletBadge>)>, StoreError> {
        let sql = format!(
            "SELECT {PROFILE_COLUMNS} FROM holder_profiles WHERE handle = $1 AND public = TRUE"
        );
        let profile = with_pool!(self, p => {
            sqlx::query_as::<_, HolderProfile>(&sql).bind(handle).fetch_optional(p).await
        })?;
        let Some(profile) = profile else {
            return Ok(None);
        };
        let sql = format!(
            "{WALLET_SELECT} WHERE u.id = $1 AND w.public = TRUE \
             ORDER BY a.issued_on DESC, a.id DESC"
        );
        let badges = with_pool!(self, p => {
            sqlx::query_as::<_, WalletBadge>(&sql).bind(profile.user_id).fetch_all(p).await
        })?;
        Ok(Some((profile, badges)))
    }

    /// Whether a holder made this badge public in their wallet (the holder
    /// being the account with the badge's address): what embedding and
    /// share surfaces outside the verification page itself ask.
    pub async fn badge_is_public(&self, assertion_id: i64) -> Result<bool, StoreError> {
        Ok(with_pool!(self, p => {
            sqlx::query_scalar::<_, bool>(
                "SELECT EXISTS (SELECT 1 FROM wallet_badges w \
                 JOIN users u ON u.id = w.user_id \
                 JOIN holder_addresses h ON h.user_id = u.id \
                 JOIN assertions a ON a.id = w.assertion_id AND a.recipient_email = h.email \
                 WHERE w.assertion_id = $1 AND w.public = TRUE)",
            )
            .bind(assertion_id)
            .fetch_one(p)
            .await
        })?)
    }
}
