use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use crate::error::AppError;

/// What a visitor sees of an organisation on its public page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrganisationView {
    pub subdomain: String,
    pub name: String,
    /// The organisation's public base URL (path- or host-based).
    pub public_url: String,
    pub summary: String,
    pub image_url: Option<String>,
    /// The links its owners made visible.
    pub links: Vec<laurel::domain::VisibleLink>,
    /// The badges it has awarded (each badge class with at least one
    /// badge issued), by name.
    pub badges: Vec<OrgBadge>,
}

/// A badge class on the organisation's page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrgBadge {
    pub name: String,
    pub description: String,
    pub image_url: String,
    /// Its Open Badges BadgeClass document.
    pub url: String,
}

/// Looks an organisation up by its subdomain. `None` when the subdomain is not
/// valid or no organisation has it: the page shows 404 for both.
#[server(endpoint = "public/get_organisation")]
pub async fn get_organisation(subdomain: String) -> Result<Option<OrganisationView>, AppError> {
    let Ok(subdomain) = laurel::Subdomain::parse(&subdomain) else {
        return Ok(None);
    };
    let ctx = crate::ssr::context()?;
    let Some(o) = ctx.store.organisation_by_subdomain(&subdomain).await? else {
        return Ok(None);
    };
    let p = ctx
        .store
        .organisation_profile(o.id)
        .await?
        .unwrap_or_default();
    let urls = ctx.urls(subdomain.as_str());
    let links = p.links.visible();
    let badges = ctx
        .store
        .badge_classes_in_use(o.id)
        .await?
        .into_iter()
        .map(|c| OrgBadge {
            image_url: urls.badge_image(&c.slug),
            url: urls.badge(&c.slug),
            name: c.name,
            description: c.description,
        })
        .collect();
    Ok(Some(OrganisationView {
        badges,
        image_url: p.image_type.as_ref().map(|_| urls.image()),
        public_url: urls.home(),
        subdomain: o.subdomain,
        name: o.name,
        summary: p.summary,
        links,
    }))
}
