//! Badge classes (immutable versions) and assertions (issued badges).

use chrono::{DateTime, Utc};

use super::{with_pool, Store, StoreError};
use crate::BeginWrite as _;

#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct BadgeClassRow {
    pub id: i64,
    pub organisation_id: i64,
    pub slug: String,
    pub name: String,
    pub description: String,
    pub criteria_narrative: Option<String>,
    pub criteria_url: Option<String>,
    pub image_type: String,
    pub image: Vec<u8>,
    /// JSON array of strings.
    pub tags: String,
    /// JSON array of OB 2.0 alignment objects.
    pub alignment: String,
    pub validity_years: i32,
    pub created_at: DateTime<Utc>,
    /// The template this is a version of (`None` for classes made outside
    /// the designer, such as the demo's first ones).
    pub template_id: Option<i64>,
    pub version: i32,
}

/// What a new badge class is made of.
#[derive(Debug, Clone)]
pub struct NewBadgeClass<'a> {
    pub organisation_id: i64,
    pub slug: &'a str,
    pub name: &'a str,
    pub description: &'a str,
    pub criteria_narrative: Option<&'a str>,
    pub criteria_url: Option<&'a str>,
    pub image_type: &'a str,
    pub image: &'a [u8],
    pub tags: &'a str,
    pub alignment: &'a str,
    pub validity_years: i32,
}

pub(super) const CLASS_COLUMNS: &str = "id, organisation_id, slug, name, description, \
    criteria_narrative, criteria_url, image_type, image, tags, alignment, validity_years, created_at, \
    template_id, version";

#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct AssertionRow {
    pub id: i64,
    pub organisation_id: i64,
    pub badge_class_id: i64,
    pub slug: String,
    pub recipient_email: String,
    pub recipient_name: String,
    pub salt: String,
    pub identity_hash: String,
    pub issued_on: DateTime<Utc>,
    pub expires_at: Option<DateTime<Utc>>,
    pub evidence_url: Option<String>,
    pub evidence_narrative: Option<String>,
    pub key_id: i64,
    pub signed_jws: String,
    pub credential_jwt: String,
    pub revoked_at: Option<DateTime<Utc>>,
    pub revocation_reason: Option<String>,
    pub created_at: DateTime<Utc>,
    pub template_id: Option<i64>,
    pub holder_first_name: String,
    pub holder_last_name: String,
    pub holder_last_name_prefix: String,
    pub holder_is_individual: bool,
    /// `hand`, `batch`, `api` or `demo`.
    pub source: String,
    pub batch_id: Option<i64>,
    pub idempotency_key: Option<String>,
    pub claimed_at: Option<DateTime<Utc>>,
}

#[derive(Debug, Clone)]
pub struct NewAssertion<'a> {
    pub organisation_id: i64,
    pub badge_class_id: i64,
    pub slug: &'a str,
    pub recipient_email: &'a str,
    pub recipient_name: &'a str,
    pub salt: &'a str,
    pub identity_hash: &'a str,
    pub issued_on: DateTime<Utc>,
    pub expires_at: Option<DateTime<Utc>>,
    pub evidence_url: Option<&'a str>,
    pub evidence_narrative: Option<&'a str>,
    pub key_id: i64,
    pub signed_jws: &'a str,
    pub credential_jwt: &'a str,
    pub template_id: Option<i64>,
    pub holder_first_name: &'a str,
    pub holder_last_name: &'a str,
    pub holder_last_name_prefix: &'a str,
    pub holder_is_individual: bool,
    pub source: &'a str,
    pub batch_id: Option<i64>,
    pub idempotency_key: Option<&'a str>,
    /// SHA-256 (hex) of the token in the holder's claim link.
    pub claim_token_hash: Option<&'a str>,
}

pub(super) const ASSERTION_COLUMNS: &str = "id, organisation_id, badge_class_id, slug, \
    recipient_email, recipient_name, salt, identity_hash, issued_on, expires_at, evidence_url, \
    evidence_narrative, key_id, signed_jws, credential_jwt, revoked_at, revocation_reason, created_at, \
    template_id, holder_first_name, holder_last_name, holder_last_name_prefix, holder_is_individual, \
    source, batch_id, idempotency_key, claimed_at";

pub(super) const INSERT_ASSERTION: &str = "INSERT INTO assertions (organisation_id, badge_class_id, \
    slug, recipient_email, recipient_name, salt, identity_hash, issued_on, expires_at, evidence_url, \
    evidence_narrative, key_id, signed_jws, credential_jwt, created_at, template_id, holder_first_name, \
    holder_last_name, holder_last_name_prefix, holder_is_individual, source, batch_id, idempotency_key, \
    claim_token_hash) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, \
    $17, $18, $19, $20, $21, $22, $23, $24)";

/// Binds a [`NewAssertion`] to a query made from [`INSERT_ASSERTION`].
macro_rules! bind_assertion {
    ($query:expr, $a:expr, $now:expr) => {
        $query
            .bind($a.organisation_id)
            .bind($a.badge_class_id)
            .bind($a.slug)
            .bind($a.recipient_email)
            .bind($a.recipient_name)
            .bind($a.salt)
            .bind($a.identity_hash)
            .bind($a.issued_on)
            .bind($a.expires_at)
            .bind($a.evidence_url)
            .bind($a.evidence_narrative)
            .bind($a.key_id)
            .bind($a.signed_jws)
            .bind($a.credential_jwt)
            .bind($now)
            .bind($a.template_id)
            .bind($a.holder_first_name)
            .bind($a.holder_last_name)
            .bind($a.holder_last_name_prefix)
            .bind($a.holder_is_individual)
            .bind($a.source)
            .bind($a.batch_id)
            .bind($a.idempotency_key)
            .bind($a.claim_token_hash)
    };
}
pub(super) use bind_assertion;

impl Store {
    pub async fn create_badge_class(
        &self,
        b: &NewBadgeClass<'_>,
    ) -> Result<BadgeClassRow, StoreError> {
        let sql = format!(
            "INSERT INTO badge_classes (organisation_id, slug, name, description, criteria_narrative, \
             criteria_url, image_type, image, tags, alignment, validity_years, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) RETURNING {CLASS_COLUMNS}"
        );
        Ok(with_pool!(self, p => {
            sqlx::query_as::<_, BadgeClassRow>(&sql)
                .bind(b.organisation_id)
                .bind(b.slug)
                .bind(b.name)
                .bind(b.description)
                .bind(b.criteria_narrative)
                .bind(b.criteria_url)
                .bind(b.image_type)
                .bind(b.image)
                .bind(b.tags)
                .bind(b.alignment)
                .bind(b.validity_years)
                .bind(Utc::now())
                .fetch_one(p)
                .await
        })?)
    }

    pub async fn badge_class_by_slug(
        &self,
        organisation_id: i64,
        slug: &str,
    ) -> Result<Option<BadgeClassRow>, StoreError> {
        let sql = format!(
            "SELECT {CLASS_COLUMNS} FROM badge_classes WHERE organisation_id = $1 AND slug = $2"
        );
        Ok(with_pool!(self, p => {
            sqlx::query_as::<_, BadgeClassRow>(&sql)
                .bind(organisation_id)
                .bind(slug)
                .fetch_optional(p)
                .await
        })?)
    }

    pub async fn badge_class_by_id(&self, id: i64) -> Result<Option<BadgeClassRow>, StoreError> {
        let sql = format!("SELECT {CLASS_COLUMNS} FROM badge_classes WHERE id = $1");
        Ok(with_pool!(self, p => {
            sqlx::query_as::<_, BadgeClassRow>(&sql).bind(id).fetch_optional(p).await
        })?)
    }

    /// Stores an assertion as it is (no usage count, no mail): for the demo
    /// and tests. Real awards go through [`Store::record_issues`].
    pub async fn create_assertion(&self, a: &NewAssertion<'_>) -> Result<AssertionRow, StoreError> {
        let sql = format!("{INSERT_ASSERTION} RETURNING {ASSERTION_COLUMNS}");
        Ok(with_pool!(self, p => {
            bind_assertion!(sqlx::query_as::<_, AssertionRow>(&sql), a, Utc::now())
                .fetch_one(p)
                .await
        })?)
    }

    pub async fn assertion_by_slug(
        &self,
        organisation_id: i64,
        slug: &str,
    ) -> Result<Option<AssertionRow>, StoreError> {
        let sql = format!(
            "SELECT {ASSERTION_COLUMNS} FROM assertions WHERE organisation_id = $1 AND slug = $2"
        );
        Ok(with_pool!(self, p => {
            sqlx::query_as::<_, AssertionRow>(&sql)
                .bind(organisation_id)
                .bind(slug)
                .fetch_optional(p)
                .await
        })?)
    }

    /// Revokes an assertion. Returns false when it does not exist or was
    /// already revoked (the first reason stands).
    pub async fn revoke_assertion(
        &self,
        organisation_id: i64,
        slug: &str,
        reason: &str,
    ) -> Result<bool, StoreError> {
        let now = Utc::now();
        with_pool!(self, p => {
            let mut tx = p.begin_write().await?;
            let id: Option<i64> = sqlx::query_scalar(
                "UPDATE assertions SET revoked_at = $1, revocation_reason = $2 \
                 WHERE organisation_id = $3 AND slug = $4 AND revoked_at IS NULL RETURNING id",
            )
            .bind(now)
            .bind(reason)
            .bind(organisation_id)
            .bind(slug)
            .fetch_optional(&mut *tx)
            .await?;
            if let Some(id) = id {
                // Every instance's cached copy of the hosted documents goes.
                sqlx::query(BUMP_DOCUMENT_GENERATION_SQL)
                    .execute(&mut *tx)
                    .await?;
                sqlx::query(super::analytics::INSERT_EVENT_SQL)
                    .bind(laurel::BadgeEventKind::Revoked.as_str())
                    .bind("")
                    .bind(0_i64)
                    .bind(now.date_naive())
                    .bind(now)
                    .bind(id)
                    .execute(&mut *tx)
                    .await?;
            }
            tx.commit().await?;
            Ok(id.is_some())
        })
    }

    /// The hosted documents' cache generation (migration 17): it changes
    /// whenever a hosted document does.
    pub async fn document_generation(&self) -> Result<i64, StoreError> {
        Ok(with_pool!(self, p => {
            sqlx::query_scalar("SELECT generation FROM document_generation WHERE id = 1")
                .fetch_one(p)
                .await?
        }))
    }

    /// `(slug, reason)` of every revoked assertion of the organisation.
    pub async fn revoked_assertions(
        &self,
        organisation_id: i64,
    ) -> Result<Vec<(String, Option<String>)>, StoreError> {
        Ok(with_pool!(self, p => {
            sqlx::query_as::<_, (String, Option<String>)>(
                "SELECT slug, revocation_reason FROM assertions \
                 WHERE organisation_id = $1 AND revoked_at IS NOT NULL ORDER BY id",
            )
            .bind(organisation_id)
            .fetch_all(p)
            .await
        })?)
    }

    /// Assertions of the organisation for one recipient email (demo idempotency, wallets).
    pub async fn assertions_for_recipient(
        &self,
        organisation_id: i64,
        badge_class_id: i64,
        recipient_email: &str,
    ) -> Result<Vec<AssertionRow>, StoreError> {
        let sql = format!(
            "SELECT {ASSERTION_COLUMNS} FROM assertions WHERE organisation_id = $1 \
             AND badge_class_id = $2 AND recipient_email = $3 ORDER BY id"
        );
        Ok(with_pool!(self, p => {
            sqlx::query_as::<_, AssertionRow>(&sql)
                .bind(organisation_id)
                .bind(badge_class_id)
                .bind(recipient_email)
                .fetch_all(p)
                .await
        })?)
    }

    /// The organisation's badge classes that have been awarded at least
    /// once (the templates in use), by name: its public page lists them.
    pub async fn badge_classes_in_use(
        &self,
        organisation_id: i64,
    ) -> Result<Vec<BadgeClassSummary>, StoreError> {
        Ok(with_pool!(self, p => {
            sqlx::query_as::<_, BadgeClassSummary>(
                "SELECT c.slug, c.name, c.description FROM badge_classes c \
                 WHERE c.organisation_id = $1 \
                 AND EXISTS (SELECT 1 FROM assertions a WHERE a.badge_class_id = c.id) \
                 ORDER BY c.name, c.id",
            )
            .bind(organisation_id)
            .fetch_all(p)
            .await
        })?)
    }
}

/// A badge class as an organisation's public page lists it.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct BadgeClassSummary {
    pub slug: String,
    pub name: String,
    pub description: String,
}

/// Bumps the hosted documents' cache generation; run in the transaction of
/// every change to a hosted document.
const BUMP_DOCUMENT_GENERATION_SQL: &str =
    "UPDATE document_generation SET generation = generation + 1 WHERE id = 1";
