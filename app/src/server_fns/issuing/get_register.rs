use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use super::get_batches::TemplateChoice;
use crate::error::AppError;

/// The register's filters, as they appear in the page's query string.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct RegisterFilters {
    pub q: String,
    /// Template id, or empty for all.
    pub template: String,
    /// `active`, `revoked`, `expired` or empty.
    pub status: String,
    /// `YYYY-MM-DD` or empty.
    pub from: String,
    pub to: String,
    /// `newest` (default), `oldest`, `name`, `email`.
    pub sort: String,
    /// 1-based.
    pub page: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RegisterItem {
    pub slug: String,
    pub email: String,
    pub name: String,
    pub badge: String,
    pub issued_on: String,
    pub expires: String,
    pub status: laurel::BadgeStatus,
    pub claimed: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RegisterView {
    pub subdomain: String,
    pub organisation_name: String,
    pub templates: Vec<TemplateChoice>,
    pub items: Vec<RegisterItem>,
    /// Matching badges, capped (see `capped`).
    pub total: i64,
    pub capped: bool,
    pub page: i64,
    pub pages: i64,
}

/// Badges per register page.
pub const PAGE_SIZE: i64 = 25;

/// One page of the issued-badge register.
#[server(endpoint = "issuing/get_register")]
pub async fn get_register(
    subdomain: String,
    #[server(default)] filters: RegisterFilters,
) -> Result<RegisterView, AppError> {
    use super::register;
    use crate::ssr::{access::require_role, context};
    use laurel::Role;
    use laurel_store::COUNT_CAP;

    let (_, m) = require_role(&subdomain, Role::Regular).await?;
    let ctx = context()?;
    let mut query = register::query(&filters)?;
    let page = filters
        .page
        .trim()
        .parse::<i64>()
        .unwrap_or(1)
        .clamp(1, 1_000_000);
    query.offset = (page - 1) * PAGE_SIZE;
    query.limit = PAGE_SIZE;
    let (rows, total) = ctx.store.register(m.organisation_id, &query).await?;
    let templates = ctx
        .store
        .template_choices(m.organisation_id, true)
        .await?
        .into_iter()
        .map(|(id, name)| TemplateChoice { id, name })
        .collect();
    let capped = total > COUNT_CAP;
    let total = total.min(COUNT_CAP);
    Ok(RegisterView {
        subdomain: m.subdomain,
        organisation_name: m.organisation_name,
        templates,
        items: rows.into_iter().map(register::item).collect(),
        total,
        capped,
        page,
        pages: ((total + PAGE_SIZE - 1) / PAGE_SIZE).max(1),
    })
}
