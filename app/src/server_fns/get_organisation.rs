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
}

/// Looks an organisation up by its subdomain. `None` when the subdomain is not
/// valid or no organisation has it: the page shows 404 for both.
#[server]
pub async fn get_organisation(subdomain: String) -> Result<Option<OrganisationView>, AppError> {
    let Ok(subdomain) = laurel::Subdomain::parse(&subdomain) else {
        return Ok(None);
    };
    let ctx = crate::ssr::context()?;
    let organisation = ctx.store.organisation_by_subdomain(&subdomain).await?;
    Ok(organisation.map(|o| OrganisationView {
        public_url: ctx.organisation_url(&subdomain),
        subdomain: o.subdomain,
        name: o.name,
    }))
}
