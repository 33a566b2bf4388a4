//! Badge templates. A template is the editable thing an issuer designs; each
//! saved design is a new immutable version in `badge_classes` (with its own
//! public BadgeClass URL), so badges already issued keep the exact class they
//! were signed with.

use chrono::{DateTime, Utc};

use super::badges::{BadgeClassRow, CLASS_COLUMNS};
use super::{with_pool, Store, StoreError};
use crate::BeginWrite as _;

#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct TemplateRow {
    pub id: i64,
    pub organisation_id: i64,
    pub external_id: Option<String>,
    pub current_version: i32,
    pub archived_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

const TEMPLATE_COLUMNS: &str =
    "id, organisation_id, external_id, current_version, archived_at, created_at, updated_at";

/// One line of the template list.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct TemplateSummary {
    pub id: i64,
    pub external_id: Option<String>,
    pub current_version: i32,
    pub archived_at: Option<DateTime<Utc>>,
    pub updated_at: DateTime<Utc>,
    pub class_slug: String,
    pub name: String,
    pub description: String,
    pub validity_years: i32,
    /// Badges issued from every version.
    pub issued: i64,
}

/// The content of one version of a template.
#[derive(Debug, Clone)]
pub struct TemplateDesign<'a> {
    pub name: &'a str,
    pub description: &'a str,
    pub criteria_narrative: Option<&'a str>,
    pub criteria_url: Option<&'a str>,
    pub image_type: &'a str,
    pub image: &'a [u8],
    /// JSON array of strings.
    pub tags: &'a str,
    /// JSON array of OB 2.0 alignment objects.
    pub alignment: &'a str,
    pub validity_years: i32,
}

const INSERT_CLASS: &str = "INSERT INTO badge_classes (organisation_id, slug, name, description, \
    criteria_narrative, criteria_url, image_type, image, tags, alignment, validity_years, created_at, \
    template_id, version) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)";

/// Binds the values of [`INSERT_CLASS`] on either backend.
macro_rules! bind_class {
    ($query:expr, $org:expr, $slug:expr, $d:expr, $now:expr, $template:expr, $version:expr) => {
        $query
            .bind($org)
            .bind($slug)
            .bind($d.name)
            .bind($d.description)
            .bind($d.criteria_narrative)
            .bind($d.criteria_url)
            .bind($d.image_type)
            .bind($d.image)
            .bind($d.tags)
            .bind($d.alignment)
            .bind($d.validity_years)
            .bind($now)
            .bind($template)
            .bind($version)
    };
}

impl Store {
    /// Creates a template with its first version (`class_slug` names the
    /// version's public BadgeClass). A taken external ID is a conflict.
    pub async fn create_template(
        &self,
        organisation_id: i64,
        external_id: Option<&str>,
        class_slug: &str,
        design: &TemplateDesign<'_>,
    ) -> Result<(TemplateRow, BadgeClassRow), StoreError> {
        let now = Utc::now();
        let insert_template = format!(
            "INSERT INTO badge_templates (organisation_id, external_id, current_version, created_at, updated_at) \
             VALUES ($1, $2, 1, $3, $3) RETURNING {TEMPLATE_COLUMNS}"
        );
        let insert_class = format!("{INSERT_CLASS} RETURNING {CLASS_COLUMNS}");
        with_pool!(self, p => {
            let mut tx = p.begin_write().await?;
            let template = sqlx::query_as::<_, TemplateRow>(&insert_template)
                .bind(organisation_id)
                .bind(external_id)
                .bind(now)
                .fetch_one(&mut *tx)
                .await
                .map_err(conflict)?;
            let class = bind_class!(
                sqlx::query_as::<_, BadgeClassRow>(&insert_class),
                organisation_id, class_slug, design, now, template.id, 1i32
            )
            .fetch_one(&mut *tx)
            .await?;
            tx.commit().await?;
            Ok((template, class))
        })
    }

    /// Saves a new version of a template (and its external ID). `None` when
    /// the organisation has no such template.
    pub async fn update_template(
        &self,
        organisation_id: i64,
        template_id: i64,
        external_id: Option<&str>,
        class_slug: &str,
        design: &TemplateDesign<'_>,
    ) -> Result<Option<(TemplateRow, BadgeClassRow)>, StoreError> {
        let now = Utc::now();
        let bump = format!(
            "UPDATE badge_templates SET current_version = current_version + 1, external_id = $1, \
             updated_at = $2 WHERE id = $3 AND organisation_id = $4 RETURNING {TEMPLATE_COLUMNS}"
        );
        let insert_class = format!("{INSERT_CLASS} RETURNING {CLASS_COLUMNS}");
        with_pool!(self, p => {
            let mut tx = p.begin_write().await?;
            let Some(template) = sqlx::query_as::<_, TemplateRow>(&bump)
                .bind(external_id)
                .bind(now)
                .bind(template_id)
                .bind(organisation_id)
                .fetch_optional(&mut *tx)
                .await
                .map_err(conflict)?
            else {
                tx.rollback().await?;
                return Ok(None);
            };
            let class = bind_class!(
                sqlx::query_as::<_, BadgeClassRow>(&insert_class),
                organisation_id, class_slug, design, now, template.id, template.current_version
            )
            .fetch_one(&mut *tx)
            .await?;
            tx.commit().await?;
            Ok(Some((template, class)))
        })
    }

    /// Archives or restores a template. False when there is no such template.
    pub async fn set_template_archived(
        &self,
        organisation_id: i64,
        template_id: i64,
        archived: bool,
    ) -> Result<bool, StoreError> {
        let now = Utc::now();
        let affected = with_pool!(self, p => {
            sqlx::query(
                "UPDATE badge_templates SET archived_at = $1, updated_at = $2 \
                 WHERE id = $3 AND organisation_id = $4",
            )
            .bind(archived.then_some(now))
            .bind(now)
            .bind(template_id)
            .bind(organisation_id)
            .execute(p)
            .await
            .map(|r| r.rows_affected())
        })?;
        Ok(affected == 1)
    }

    /// The organisation's templates with their current version, newest
    /// change first; archived ones only when asked.
    pub async fn templates(
        &self,
        organisation_id: i64,
        include_archived: bool,
    ) -> Result<Vec<TemplateSummary>, StoreError> {
        let archived = if include_archived {
            ""
        } else {
            "AND t.archived_at IS NULL"
        };
        let sql = format!(
            "SELECT t.id, t.external_id, t.current_version, t.archived_at, t.updated_at, \
             c.slug AS class_slug, c.name, c.description, c.validity_years, \
             (SELECT count(*) FROM assertions a WHERE a.organisation_id = t.organisation_id \
              AND a.template_id = t.id) AS issued \
             FROM badge_templates t JOIN badge_classes c \
             ON c.template_id = t.id AND c.version = t.current_version \
             WHERE t.organisation_id = $1 {archived} ORDER BY t.updated_at DESC, t.id DESC"
        );
        Ok(with_pool!(self, p => {
            sqlx::query_as::<_, TemplateSummary>(&sql)
                .bind(organisation_id)
                .fetch_all(p)
                .await
        })?)
    }

    /// `(id, current name)` of the organisation's templates, by name: what
    /// a form's template list needs, without counting any badges.
    pub async fn template_choices(
        &self,
        organisation_id: i64,
        include_archived: bool,
    ) -> Result<Vec<(i64, String)>, StoreError> {
        let archived = if include_archived {
            ""
        } else {
            "AND t.archived_at IS NULL"
        };
        let sql = format!(
            "SELECT t.id, c.name FROM badge_templates t JOIN badge_classes c \
             ON c.template_id = t.id AND c.version = t.current_version \
             WHERE t.organisation_id = $1 {archived} ORDER BY c.name, t.id"
        );
        Ok(with_pool!(self, p => {
            sqlx::query_as::<_, (i64, String)>(&sql)
                .bind(organisation_id)
                .fetch_all(p)
                .await
        })?)
    }

    /// A template and its current version.
    pub async fn template(
        &self,
        organisation_id: i64,
        template_id: i64,
    ) -> Result<Option<(TemplateRow, BadgeClassRow)>, StoreError> {
        self.template_where("t.id = $2", organisation_id, TemplateKey::Id(template_id))
            .await
    }

    /// The template with this external ID (the API's and CSV's reference).
    pub async fn template_by_external_id(
        &self,
        organisation_id: i64,
        external_id: &str,
    ) -> Result<Option<(TemplateRow, BadgeClassRow)>, StoreError> {
        self.template_where(
            "t.external_id = $2",
            organisation_id,
            TemplateKey::External(external_id),
        )
        .await
    }

    async fn template_where(
        &self,
        condition: &str,
        organisation_id: i64,
        key: TemplateKey<'_>,
    ) -> Result<Option<(TemplateRow, BadgeClassRow)>, StoreError> {
        let sql = format!(
            "SELECT t.id, t.organisation_id, t.external_id, t.current_version, t.archived_at, \
             t.created_at, t.updated_at, c.id AS class_id FROM badge_templates t \
             JOIN badge_classes c ON c.template_id = t.id AND c.version = t.current_version \
             WHERE t.organisation_id = $1 AND {condition}"
        );
        let found = with_pool!(self, p => {
            let q = sqlx::query_as::<_, TemplateWithClass>(&sql).bind(organisation_id);
            match key {
                TemplateKey::Id(id) => q.bind(id).fetch_optional(p).await,
                TemplateKey::External(ext) => q.bind(ext).fetch_optional(p).await,
            }
        })?;
        let Some(found) = found else {
            return Ok(None);
        };
        let class = self
            .badge_class_by_id(found.class_id)
            .await?
            .ok_or_else(|| StoreError::Database(sqlx::Error::RowNotFound))?;
        Ok(Some((found.template(), class)))
    }

    /// Every version of a template, newest first.
    pub async fn template_versions(
        &self,
        organisation_id: i64,
        template_id: i64,
    ) -> Result<Vec<BadgeClassRow>, StoreError> {
        let sql = format!(
            "SELECT {CLASS_COLUMNS} FROM badge_classes WHERE organisation_id = $1 \
             AND template_id = $2 ORDER BY version DESC"
        );
        Ok(with_pool!(self, p => {
            sqlx::query_as::<_, BadgeClassRow>(&sql)
                .bind(organisation_id)
                .bind(template_id)
                .fetch_all(p)
                .await
        })?)
    }
}

enum TemplateKey<'a> {
    Id(i64),
    External(&'a str),
}

#[derive(sqlx::FromRow)]
struct TemplateWithClass {
    id: i64,
    organisation_id: i64,
    external_id: Option<String>,
    current_version: i32,
    archived_at: Option<DateTime<Utc>>,
    created_at: DateTime<Utc>,
    updated_at: DateTime<Utc>,
    class_id: i64,
}

impl TemplateWithClass {
    fn template(self) -> TemplateRow {
        TemplateRow {
            id: self.id,
            organisation_id: self.organisation_id,
            external_id: self.external_id,
            current_version: self.current_version,
            archived_at: self.archived_at,
            created_at: self.created_at,
            updated_at: self.updated_at,
        }
    }
}

/// A taken external ID becomes a conflict with a sentence.
fn conflict(e: sqlx::Error) -> StoreError {
    match &e {
        sqlx::Error::Database(db) if db.is_unique_violation() => StoreError::Conflict(
            super::error::Conflict::Other("A template with this external ID".into()),
        ),
        _ => StoreError::Database(e),
    }
}
