use laurel::template::TemplateFields;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use crate::error::AppError;

/// One saved version of a template.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct VersionItem {
    pub version: i32,
    pub saved: String,
    pub badge_class_url: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TemplateView {
    pub subdomain: String,
    pub organisation_name: String,
    pub id: i64,
    pub fields: TemplateFields,
    pub archived: bool,
    pub image_url: String,
    pub badge_class_url: String,
    pub versions: Vec<VersionItem>,
    /// Today's date (UTC), the issue form's default achievement date.
    pub today: String,
    /// Why billing refuses issuing now (no plan, the trial's quota, an
    /// overdue invoice), shown above the issue form with a link to the
    /// Subscription tab.
    pub billing_refusal: Option<String>,
}

/// A template, its current version's fields (for the editor and the
/// preview) and its version history.
#[server(endpoint = "templates/get_template")]
pub async fn get_template(subdomain: String, id: i64) -> Result<TemplateView, AppError> {
    use crate::ssr::{access::require_role, context};
    use laurel::Role;
    use laurel_service::templates;

    let (_, m) = require_role(&subdomain, Role::Regular).await?;
    let ctx = context()?;
    let (template, class) = ctx
        .store
        .template(m.organisation_id, id)
        .await?
        .ok_or(AppError::NotFound)?;
    let urls = ctx.urls(&m.subdomain);
    let versions = ctx
        .store
        .template_versions(m.organisation_id, id)
        .await?
        .into_iter()
        .map(|v| VersionItem {
            version: v.version,
            saved: v.created_at.format("%Y-%m-%d %H:%M UTC").to_string(),
            badge_class_url: urls.badge(&v.slug),
        })
        .collect();
    let billing_refusal =
        laurel_service::billing::refusal(&ctx.store, m.organisation_id, ctx.clock.now(), 1).await?;
    Ok(TemplateView {
        billing_refusal,
        fields: templates::fields_of(&template, &class),
        subdomain: m.subdomain,
        organisation_name: m.organisation_name,
        id,
        archived: template.archived_at.is_some(),
        image_url: urls.badge_image(&class.slug),
        badge_class_url: urls.badge(&class.slug),
        versions,
        today: chrono::Utc::now().date_naive().to_string(),
    })
}
