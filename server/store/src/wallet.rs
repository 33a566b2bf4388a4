//! The holder side: a holder's wallet (every badge issued to the address of
//! their account), which of those badges are public, and their public
//! profile (`/u/{handle}`).
//!
//! The privacy rule lives here, once: a badge is private until its holder
//! makes it public (no `wallet_badges` row, or `public = false`), and public
//! surfaces read only through [`Store::public_profile`], whose badges are
//! selected with `w.public = TRUE` in SQL, never filtered afterwards.

use chrono::{DateTime, Utc};

use laurel::SocialLinks;

use super::profile::{bind_social, social_assignments, SocialColumns};
use super::{with_pool, Store, StoreError};
use crate::BeginWrite as _;

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
    /// The badge class's tags, a JSON array of strings.
    pub tags: String,
}

/// A holder's profile settings.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HolderProfile {
    pub user_id: i64,
    pub handle: String,
    pub display_name: String,
    pub summary: String,
    pub public: bool,
    /// The photo's content type, when there is a photo.
    pub image_type: Option<String>,
    pub links: SocialLinks,
    /// Badges issued from now on start public (the holder's standing
    /// consent); off by default.
    pub default_public: bool,
}

#[derive(sqlx::FromRow)]
pub(crate) struct HolderProfileRow {
    user_id: i64,
    handle: String,
    display_name: String,
    summary: String,
    public: bool,
    image_type: Option<String>,
    default_public: bool,
    #[sqlx(flatten)]
    links: SocialColumns,
}

impl From<HolderProfileRow> for HolderProfile {
    fn from(r: HolderProfileRow) -> Self {
        HolderProfile {
            user_id: r.user_id,
            handle: r.handle,
            display_name: r.display_name,
            summary: r.summary,
            public: r.public,
            image_type: r.image_type,
            default_public: r.default_public,
            links: r.links.into(),
        }
    }
}

/// What a holder saves on their profile form (already checked).
#[derive(Debug, Clone, Copy)]
pub struct ProfileUpdate<'a> {
    pub handle: &'a str,
    pub display_name: &'a str,
    pub summary: &'a str,
    pub public: bool,
    pub links: &'a SocialLinks,
    pub default_public: bool,
}

/// The sitemap protocol's limit of URLs per file.
pub const SITEMAP_LIMIT: usize = 50_000;

/// What `/sitemap.xml` lists (see [`Store::sitemap`]).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Sitemap {
    /// Subdomains.
    pub organisations: Vec<String>,
    /// Handles of switched-on profiles.
    pub profiles: Vec<String>,
    /// `(handle, collection public id)` of public collections.
    pub collections: Vec<(String, String)>,
    /// `(subdomain, assertion slug)` of public badges.
    pub badges: Vec<(String, String)>,
}

/// How long a given-up handle keeps redirecting to its holder's profile
/// (and stays theirs).
pub const HANDLE_REDIRECT_DAYS: i64 = 90;

/// Makes a just-issued assertion (`$1`, at `$2`) public in the wallet of
/// each holder whose address it went to and who chose that new badges start
/// public. Run inside [`Store::record_issues`]'s transaction.
pub(crate) const DEFAULT_PUBLIC_SQL: &str =
    "INSERT INTO wallet_badges (user_id, assertion_id, public, updated_at) \
    SELECT h.user_id, a.id, TRUE, $2 FROM assertions a \
    JOIN holder_addresses h ON h.email = a.recipient_email \
    JOIN holder_profiles p ON p.user_id = h.user_id AND p.default_public = TRUE \
    WHERE a.id = $1 ON CONFLICT (user_id, assertion_id) DO NOTHING";

/// The wallet's columns: the badge, its issuer and the holder's choice.
/// `u` is the holder; a badge belongs to them when it was issued to one of
/// their addresses — the account's, or one they added and verified (the
/// `holder_addresses` view; all stored in lowercase).
pub(crate) const WALLET_SELECT: &str = "SELECT a.id AS assertion_id, a.slug, o.subdomain, \
    o.name AS organisation_name, c.slug AS badge_class_slug, c.name AS badge_name, \
    a.issued_on, a.expires_at, a.revoked_at, COALESCE(w.public, FALSE) AS public, c.tags \
    FROM users u \
    JOIN holder_addresses h ON h.user_id = u.id \
    JOIN assertions a ON a.recipient_email = h.email \
    JOIN badge_classes c ON c.id = a.badge_class_id \
    JOIN organisations o ON o.id = a.organisation_id \
    LEFT JOIN wallet_badges w ON w.user_id = u.id AND w.assertion_id = a.id";

pub(crate) const PROFILE_COLUMNS: &str = "user_id, handle, display_name, summary, public, \
    image_type, default_public, linkedin_url, linkedin_visible, facebook_url, facebook_visible, \
    twitter_url, twitter_visible, wechat_id, wechat_visible";

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

    /// One badge of the user's wallet by its public slug; `None` when it is
    /// not theirs (another holder's badge is as absent as an unknown one).
    pub async fn wallet_badge(
        &self,
        user_id: i64,
        slug: &str,
    ) -> Result<Option<WalletBadge>, StoreError> {
        let sql = format!("{WALLET_SELECT} WHERE u.id = $1 AND a.slug = $2");
        Ok(with_pool!(self, p => {
            sqlx::query_as::<_, WalletBadge>(&sql).bind(user_id).bind(slug).fetch_optional(p).await
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
            sqlx::query_as::<_, HolderProfileRow>(&sql).bind(user_id).fetch_optional(p).await
        })?
        .map(Into::into))
    }

    /// The switched-on profile with this handle, if any.
    pub(crate) async fn public_holder_profile(
        &self,
        handle: &str,
    ) -> Result<Option<HolderProfile>, StoreError> {
        let sql = format!(
            "SELECT {PROFILE_COLUMNS} FROM holder_profiles WHERE handle = $1 AND public = TRUE"
        );
        Ok(with_pool!(self, p => {
            sqlx::query_as::<_, HolderProfileRow>(&sql).bind(handle).fetch_optional(p).await
        })?
        .map(Into::into))
    }

    /// Creates or updates the user's profile (not its photo). A handle
    /// another holder has, or gave up less than [`HANDLE_REDIRECT_DAYS`]
    /// ago, is a [`StoreError::Conflict`] (nothing written). A changed handle
    /// leaves the old one redirecting to the profile for that long.
    pub async fn save_holder_profile(
        &self,
        user_id: i64,
        update: ProfileUpdate<'_>,
    ) -> Result<(), StoreError> {
        let now = Utc::now();
        let taken = || {
            StoreError::Conflict(super::error::Conflict::Other(format!(
                "A profile with the handle “{}”",
                update.handle
            )))
        };
        const UPSERT: &str =
            "INSERT INTO holder_profiles (user_id, handle, display_name, summary, public, \
             default_public, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7) \
             ON CONFLICT (user_id) DO UPDATE SET handle = excluded.handle, \
             display_name = excluded.display_name, summary = excluded.summary, \
             public = excluded.public, default_public = excluded.default_public, \
             updated_at = excluded.updated_at";
        let links = format!(
            "UPDATE holder_profiles SET {} WHERE user_id = $9",
            social_assignments(1)
        );
        let result: Result<Result<(), ()>, sqlx::Error> = with_pool!(self, p => async {
            let mut tx = p.begin_write().await?;
            // A write first: on SQLite it takes the write lock before
            // anything is read. The new handle stops being a redirect when
            // it is the holder's own old one, or an expired one.
            sqlx::query(
                "DELETE FROM handle_redirects WHERE handle = $1 AND (user_id = $2 OR created_at <= $3)",
            )
            .bind(update.handle)
            .bind(user_id)
            .bind(now - chrono::Duration::days(HANDLE_REDIRECT_DAYS))
            .execute(&mut *tx)
            .await?;
            // Another holder gave it up lately: it is still theirs.
            let held_back: bool = sqlx::query_scalar(
                "SELECT EXISTS (SELECT 1 FROM handle_redirects WHERE handle = $1)",
            )
            .bind(update.handle)
            .fetch_one(&mut *tx)
            .await?;
            if held_back {
                tx.rollback().await?;
                return Ok(Err(()));
            }
            let old: Option<String> =
                sqlx::query_scalar("SELECT handle FROM holder_profiles WHERE user_id = $1")
                    .bind(user_id)
                    .fetch_optional(&mut *tx)
                    .await?;
            sqlx::query(UPSERT)
                .bind(user_id)
                .bind(update.handle)
                .bind(update.display_name)
                .bind(update.summary)
                .bind(update.public)
                .bind(update.default_public)
                .bind(now)
                .execute(&mut *tx)
                .await?;
            bind_social!(sqlx::query(&links), update.links)
                .bind(user_id)
                .execute(&mut *tx)
                .await?;
            if let Some(old) = old.filter(|o| o != update.handle) {
                sqlx::query(
                    "INSERT INTO handle_redirects (handle, user_id, created_at) VALUES ($1, $2, $3) \
                     ON CONFLICT (handle) DO UPDATE SET user_id = excluded.user_id, \
                     created_at = excluded.created_at",
                )
                .bind(old)
                .bind(user_id)
                .bind(now)
                .execute(&mut *tx)
                .await?;
            }
            tx.commit().await?;
            Ok::<_, sqlx::Error>(Ok(()))
        }
        .await);
        match result {
            Ok(Ok(())) => Ok(()),
            Ok(Err(())) => Err(taken()),
            Err(sqlx::Error::Database(db)) if db.is_unique_violation() => Err(taken()),
            Err(e) => Err(e.into()),
        }
    }

    /// The current handle of the switched-on profile that gave up `handle`
    /// less than [`HANDLE_REDIRECT_DAYS`] ago: where `/u/{handle}` goes now.
    pub async fn handle_redirect(&self, handle: &str) -> Result<Option<String>, StoreError> {
        Ok(with_pool!(self, p => {
            sqlx::query_scalar::<_, String>(
                "SELECT p.handle FROM handle_redirects r \
                 JOIN holder_profiles p ON p.user_id = r.user_id \
                 WHERE r.handle = $1 AND r.created_at > $2 AND p.public = TRUE",
            )
            .bind(handle)
            .bind(Utc::now() - chrono::Duration::days(HANDLE_REDIRECT_DAYS))
            .fetch_optional(p)
            .await
        })?)
    }

    /// Sets (`Some`) or removes (`None`) the holder's photo. `false` when
    /// they have no profile yet (nothing written).
    pub async fn set_holder_image(
        &self,
        user_id: i64,
        image: Option<(&str, &[u8])>,
    ) -> Result<bool, StoreError> {
        let (kind, bytes) = match image {
            Some((k, b)) => (Some(k), Some(b)),
            None => (None, None),
        };
        Ok(with_pool!(self, p => {
            sqlx::query("UPDATE holder_profiles SET image_type = $1, image = $2 WHERE user_id = $3")
                .bind(kind)
                .bind(bytes)
                .bind(user_id)
                .execute(p)
                .await
                .map(|r| r.rows_affected() > 0)
        })?)
    }

    /// `(content type, bytes)` of the user's photo, if they have one (for
    /// their own export).
    pub async fn holder_image(
        &self,
        user_id: i64,
    ) -> Result<Option<(String, Vec<u8>)>, StoreError> {
        let row = with_pool!(self, p => {
            sqlx::query_as::<_, (Option<String>, Option<Vec<u8>>)>(
                "SELECT image_type, image FROM holder_profiles WHERE user_id = $1",
            )
            .bind(user_id)
            .fetch_optional(p)
            .await
        })?;
        Ok(super::profile::image_of(row))
    }

    /// The photo of the profile with this handle: `(owner's user id,
    /// whether the profile is on, content type, bytes)`; `None` when there
    /// is no such profile or it has no photo. Who may see it is the
    /// caller's decision (visitors: only while the profile is on).
    pub async fn holder_image_by_handle(
        &self,
        handle: &str,
    ) -> Result<Option<(i64, bool, String, Vec<u8>)>, StoreError> {
        type Row = (i64, bool, Option<String>, Option<Vec<u8>>);
        let row = with_pool!(self, p => {
            sqlx::query_as::<_, Row>(
                "SELECT user_id, public, image_type, image FROM holder_profiles WHERE handle = $1",
            )
            .bind(handle)
            .fetch_optional(p)
            .await
        })?;
        Ok(match row {
            Some((user_id, public, Some(t), Some(b))) => Some((user_id, public, t, b)),
            _ => None,
        })
    }

    /// A switched-on profile and its public badges, newest first; `None`
    /// when there is no such handle or its profile is off.
    pub async fn public_profile(
        &self,
        handle: &str,
    ) -> Result<Option<(HolderProfile, Vec<WalletBadge>)>, StoreError> {
        let Some(profile) = self.public_holder_profile(handle).await? else {
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

    /// What `/sitemap.xml` lists: every organisation, and the switched-on
    /// profiles with their public collections and public badges (both
    /// selected public in SQL, as on the profile itself). At most
    /// [`SITEMAP_LIMIT`] of each, the sitemap protocol's limit per file.
    pub async fn sitemap(&self) -> Result<Sitemap, StoreError> {
        let limit = SITEMAP_LIMIT;
        let badges_sql = format!(
            "{WALLET_SELECT} JOIN holder_profiles hp ON hp.user_id = u.id AND hp.public = TRUE \
             WHERE w.public = TRUE ORDER BY a.id LIMIT {limit}"
        );
        with_pool!(self, p => {
            let organisations = sqlx::query_scalar::<_, String>(&format!(
                "SELECT subdomain FROM organisations ORDER BY id LIMIT {limit}"
            ))
            .fetch_all(p)
            .await?;
            let profiles = sqlx::query_scalar::<_, String>(&format!(
                "SELECT handle FROM holder_profiles WHERE public = TRUE ORDER BY user_id LIMIT {limit}"
            ))
            .fetch_all(p)
            .await?;
            let collections = sqlx::query_as::<_, (String, String)>(&format!(
                "SELECT hp.handle, k.public_id FROM collections k \
                 JOIN holder_profiles hp ON hp.user_id = k.user_id AND hp.public = TRUE \
                 WHERE k.public = TRUE ORDER BY k.id LIMIT {limit}"
            ))
            .fetch_all(p)
            .await?;
            let badges = sqlx::query_as::<_, WalletBadge>(&badges_sql)
                .fetch_all(p)
                .await?
                .into_iter()
                .map(|b| (b.subdomain, b.slug))
                .collect();
            Ok(Sitemap { organisations, profiles, collections, badges })
        })
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
