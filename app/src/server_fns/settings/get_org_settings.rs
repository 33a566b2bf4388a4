use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use crate::error::AppError;

/// The organisation's "Basic information" as its settings page shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct OrgSettings {
    pub name: String,
    pub subdomain: String,
    pub public_url: String,
    pub image_url: Option<String>,
    pub summary: String,
    pub contact_email: String,
    pub linkedin_org_id: String,
    pub links: laurel::SocialLinks,
}

/// Privileged members only.
#[server(endpoint = "settings/get_org_settings")]
pub async fn get_org_settings(subdomain: String) -> Result<OrgSettings, AppError> {
    use crate::ssr::{access::require_role, context};
    use laurel::Role;

    let (_, membership) = require_role(&subdomain, Role::Privileged).await?;
    let ctx = context()?;
    let p = ctx
        .store
        .organisation_profile(membership.organisation_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let urls = ctx.urls(&membership.subdomain);
    Ok(OrgSettings {
        name: membership.organisation_name,
        public_url: urls.home(),
        image_url: p.image_type.as_ref().map(|_| urls.image()),
        subdomain: membership.subdomain,
        summary: p.summary,
        contact_email: p.contact_email,
        linkedin_org_id: p.linkedin_org_id,
        links: p.links,
    })
}
