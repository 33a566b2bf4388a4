//! A holder's collections: named, ordered sets of their own badges, each
//! with a public page when both the collection and the holder's profile are
//! public.
//!
//! Two rules, each written once here in SQL: a badge enters a collection
//! only through its holder's own address (`INSERT … SELECT` joining the
//! holder's account, so a foreign slug inserts nothing), and a public
//! collection shows only badges that are public themselves
//! ([`Store::public_collection`] selects `w.public = TRUE`).

use chrono::Utc;

use super::wallet::{HolderProfile, WalletBadge, WALLET_SELECT};
use super::{with_pool, Store, StoreError};
use crate::BeginWrite as _;

/// A collection, with how many badges it holds.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct Collection {
    pub public_id: String,
    pub name: String,
    pub description: String,
    pub public: bool,
    pub badge_count: i64,
}

/// A collection's fields as saved (already checked).
#[derive(Debug, Clone, Copy)]
pub struct CollectionFields<'a> {
    pub name: &'a str,
    pub description: &'a str,
    pub public: bool,
}

const COLLECTION_SELECT: &str = "SELECT k.public_id, k.name, k.description, k.public, \
    (SELECT count(*) FROM collection_badges cb WHERE cb.collection_id = k.id) AS badge_count \
    FROM collections k";

/// The same for public surfaces: the count is of public badges only (a
/// private badge is not even counted where visitors look).
const PUBLIC_COLLECTION_SELECT: &str = "SELECT k.public_id, k.name, k.description, k.public, \
    (SELECT count(*) FROM collection_badges cb \
     JOIN wallet_badges w ON w.assertion_id = cb.assertion_id AND w.user_id = k.user_id \
     WHERE cb.collection_id = k.id AND w.public = TRUE) AS badge_count \
    FROM collections k";

/// A public collection page: whose, what, and its public badges in order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PublicCollection {
    pub profile: HolderProfile,
    pub collection: Collection,
    pub badges: Vec<WalletBadge>,
}

impl Store {
    /// Creates a collection for the holder.
    pub async fn create_collection(
        &self,
        user_id: i64,
        public_id: &str,
        f: CollectionFields<'_>,
    ) -> Result<(), StoreError> {
        let now = Utc::now();
        with_pool!(self, p => {
            sqlx::query(
                "INSERT INTO collections (public_id, user_id, name, description, public, created_at, updated_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $6)",
            )
            .bind(public_id)
            .bind(user_id)
            .bind(f.name)
            .bind(f.description)
            .bind(f.public)
            .bind(now)
            .execute(p)
            .await
            .map(|_| ())
        })?;
        Ok(())
    }

    /// The holder's collections, oldest first.
    pub async fn collections(&self, user_id: i64) -> Result<Vec<Collection>, StoreError> {
        let sql = format!("{COLLECTION_SELECT} WHERE k.user_id = $1 ORDER BY k.id");
        Ok(with_pool!(self, p => {
            sqlx::query_as::<_, Collection>(&sql).bind(user_id).fetch_all(p).await
        })?)
    }

    /// Changes one of the holder's collections. False when it is not theirs.
    pub async fn update_collection(
        &self,
        user_id: i64,
        public_id: &str,
        f: CollectionFields<'_>,
    ) -> Result<bool, StoreError> {
        let affected = with_pool!(self, p => {
            sqlx::query(
                "UPDATE collections SET name = $1, description = $2, public = $3, updated_at = $4 \
                 WHERE user_id = $5 AND public_id = $6",
            )
            .bind(f.name)
            .bind(f.description)
            .bind(f.public)
            .bind(Utc::now())
            .bind(user_id)
            .bind(public_id)
            .execute(p)
            .await
            .map(|r| r.rows_affected())
        })?;
        Ok(affected == 1)
    }

    /// Deletes one of the holder's collections (not its badges). False when
    /// it is not theirs.
    pub async fn delete_collection(
        &self,
        user_id: i64,
        public_id: &str,
    ) -> Result<bool, StoreError> {
        let affected = with_pool!(self, p => {
            sqlx::query("DELETE FROM collections WHERE user_id = $1 AND public_id = $2")
                .bind(user_id)
                .bind(public_id)
                .execute(p)
                .await
                .map(|r| r.rows_affected())
        })?;
        Ok(affected == 1)
    }

    /// Adds one of the holder's badges (by slug) at the end of one of their
    /// collections. False when either is not theirs or the badge is in it
    /// already: nothing is written.
    pub async fn add_to_collection(
        &self,
        user_id: i64,
        public_id: &str,
        slug: &str,
    ) -> Result<bool, StoreError> {
        let affected = with_pool!(self, p => {
            sqlx::query(
                "INSERT INTO collection_badges (collection_id, assertion_id, position) \
                 SELECT k.id, a.id, \
                        COALESCE((SELECT max(cb.position) FROM collection_badges cb WHERE cb.collection_id = k.id), 0) + 1 \
                 FROM collections k \
                 JOIN users u ON u.id = k.user_id \
                 JOIN holder_addresses h ON h.user_id = u.id \
                 JOIN assertions a ON a.recipient_email = h.email \
                 WHERE k.user_id = $1 AND k.public_id = $2 AND a.slug = $3 \
                 ON CONFLICT DO NOTHING",
            )
            .bind(user_id)
            .bind(public_id)
            .bind(slug)
            .execute(p)
            .await
            .map(|r| r.rows_affected())
        })?;
        Ok(affected == 1)
    }

    /// Takes a badge out of one of the holder's collections. False when it
    /// was not in it (or the collection is not theirs).
    pub async fn remove_from_collection(
        &self,
        user_id: i64,
        public_id: &str,
        slug: &str,
    ) -> Result<bool, StoreError> {
        let affected = with_pool!(self, p => {
            sqlx::query(
                "DELETE FROM collection_badges \
                 WHERE collection_id = (SELECT id FROM collections WHERE user_id = $1 AND public_id = $2) \
                   AND assertion_id = (SELECT id FROM assertions WHERE slug = $3)",
            )
            .bind(user_id)
            .bind(public_id)
            .bind(slug)
            .execute(p)
            .await
            .map(|r| r.rows_affected())
        })?;
        Ok(affected == 1)
    }

    /// Moves a badge one place earlier (`earlier`) or later in one of the
    /// holder's collections, swapping it with its neighbour in one
    /// transaction. False when there is nothing to move (not theirs, not in
    /// it, already first or last).
    pub async fn move_in_collection(
        &self,
        user_id: i64,
        public_id: &str,
        slug: &str,
        earlier: bool,
    ) -> Result<bool, StoreError> {
        with_pool!(self, p => {
            let mut tx = p.begin_write().await?;
            let rows: Vec<(i64, i64, String)> = sqlx::query_as(
                "SELECT cb.collection_id, cb.position, a.slug FROM collection_badges cb \
                 JOIN collections k ON k.id = cb.collection_id \
                 JOIN assertions a ON a.id = cb.assertion_id \
                 WHERE k.user_id = $1 AND k.public_id = $2 ORDER BY cb.position",
            )
            .bind(user_id)
            .bind(public_id)
            .fetch_all(&mut *tx)
            .await?;
            let Some(i) = rows.iter().position(|r| r.2 == slug) else {
                tx.rollback().await?;
                return Ok(false);
            };
            let j = if earlier { i.checked_sub(1) } else { Some(i + 1).filter(|&j| j < rows.len()) };
            let Some(j) = j else {
                tx.rollback().await?;
                return Ok(false);
            };
            let (collection_id, a, b) = (rows[i].0, &rows[i], &rows[j]);
            // Positions are unique per collection only by convention, so the
            // swap needs no placeholder value.
            for (position, slug) in [(b.1, &a.2), (a.1, &b.2)] {
                sqlx::query(
                    "UPDATE collection_badges SET position = $1 \
                     WHERE collection_id = $2 AND assertion_id = (SELECT id FROM assertions WHERE slug = $3)",
                )
                .bind(position)
                .bind(collection_id)
                .bind(slug)
                .execute(&mut *tx)
                .await?;
            }
            tx.commit().await?;
            Ok(true)
        })
    }

    /// The badges of one of the holder's collections, in order (empty when
    /// it is not theirs).
    pub async fn collection_badges(
        &self,
        user_id: i64,
        public_id: &str,
    ) -> Result<Vec<WalletBadge>, StoreError> {
        let sql = format!(
            "{WALLET_SELECT} JOIN collection_badges cb ON cb.assertion_id = a.id \
             JOIN collections k ON k.id = cb.collection_id AND k.user_id = u.id \
             WHERE u.id = $1 AND k.public_id = $2 ORDER BY cb.position"
        );
        Ok(with_pool!(self, p => {
            sqlx::query_as::<_, WalletBadge>(&sql)
                .bind(user_id)
                .bind(public_id)
                .fetch_all(p)
                .await
        })?)
    }

    /// The holder's public collections (for their public profile), each
    /// counting only its public badges.
    pub async fn public_collections(&self, user_id: i64) -> Result<Vec<Collection>, StoreError> {
        let sql = format!(
            "{PUBLIC_COLLECTION_SELECT} WHERE k.user_id = $1 AND k.public = TRUE ORDER BY k.id"
        );
        Ok(with_pool!(self, p => {
            sqlx::query_as::<_, Collection>(&sql).bind(user_id).fetch_all(p).await
        })?)
    }

    /// A collection's public page: only when the holder's profile and the
    /// collection are public, and with only the badges that are public.
    pub async fn public_collection(
        &self,
        handle: &str,
        public_id: &str,
    ) -> Result<Option<PublicCollection>, StoreError> {
        let Some(profile) = self.public_holder_profile(handle).await? else {
            return Ok(None);
        };
        let sql = format!(
            "{PUBLIC_COLLECTION_SELECT} WHERE k.user_id = $1 AND k.public_id = $2 AND k.public = TRUE"
        );
        let collection = with_pool!(self, p => {
            sqlx::query_as::<_, Collection>(&sql)
                .bind(profile.user_id)
                .bind(public_id)
                .fetch_optional(p)
                .await
        })?;
        let Some(collection) = collection else {
            return Ok(None);
        };
        let sql = format!(
            "{WALLET_SELECT} JOIN collection_badges cb ON cb.assertion_id = a.id \
             JOIN collections k ON k.id = cb.collection_id AND k.user_id = u.id \
             WHERE u.id = $1 AND k.public_id = $2 AND w.public = TRUE ORDER BY cb.position"
        );
        let badges = with_pool!(self, p => {
            sqlx::query_as::<_, WalletBadge>(&sql)
                .bind(profile.user_id)
                .bind(public_id)
                .fetch_all(p)
                .await
        })?;
        Ok(Some(PublicCollection {
            profile,
            collection,
            badges,
        }))
    }
}
