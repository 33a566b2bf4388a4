use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use crate::error::AppError;

/// One organisation the user belongs to, with their role there.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PortalOrganisation {
    pub subdomain: String,
    pub name: String,
    pub role: laurel::Role,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PortalView {
    pub email: String,
    pub display_name: String,
    pub organisations: Vec<PortalOrganisation>,
}

/// The signed-in user's portal, or `None` when nobody is signed in.
#[server(endpoint = "account/get_portal")]
pub async fn get_portal() -> Result<Option<PortalView>, AppError> {
    use crate::ssr::{auth, context};

    let Some(user) = auth::current_user().await? else {
        return Ok(None);
    };
    let ctx = context()?;
    let organisations = ctx
        .store
        .memberships(user.user_id)
        .await?
        .into_iter()
        .map(|m| PortalOrganisation {
            subdomain: m.subdomain,
            name: m.organisation_name,
            role: m.role,
        })
        .collect();
    Ok(Some(PortalView {
        email: user.email,
        display_name: user.display_name,
        organisations,
    }))
}
