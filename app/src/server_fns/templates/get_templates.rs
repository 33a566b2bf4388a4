use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use crate::error::AppError;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TemplateItem {
    pub id: i64,
    pub name: String,
    pub description: String,
    pub external_id: Option<String>,
    pub version: i32,
    pub validity_years: i32,
    pub archived: bool,
    pub issued: i64,
    pub image_url: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TemplatesView {
    pub subdomain: String,
    pub organisation_name: String,
    pub templates: Vec<TemplateItem>,
}

/// The organisation's badge templates (archived ones too when asked).
#[server(endpoint = "templates/get_templates")]
pub async fn get_templates(subdomain: String, archived: bool) -> Result<TemplatesView, AppError> {
    use crate::ssr::{access::require_role, context};
    use laurel::Role;

    let (_, m) = require_role(&subdomain, Role::Regular).await?;
    let ctx = context()?;
    let urls = ctx.urls(&m.subdomain);
    let templates = ctx
        .store
        .templates(m.organisation_id, archived)
        .await?
        .into_iter()
        .map(|t| TemplateItem {
            id: t.id,
            image_url: urls.badge_image(&t.class_slug),
            name: t.name,
            description: t.description,
            external_id: t.external_id,
            version: t.current_version,
            validity_years: t.validity_years,
            archived: t.archived_at.is_some(),
            issued: t.issued,
        })
        .collect();
    Ok(TemplatesView {
        subdomain: m.subdomain,
        organisation_name: m.organisation_name,
        templates,
    })
}
