use leptos::prelude::*;

use crate::error::AppError;

/// Removes the organisation's profile image.
#[server]
pub async fn remove_org_image(subdomain: String) -> Result<(), AppError> {
    use crate::ssr::{access::require_role, auth, context};
    use crate::store::Role;

    let (user, membership) = require_role(&subdomain, Role::Privileged).await?;
    let ctx = context()?;
    ctx.store
        .set_organisation_image(membership.organisation_id, None)
        .await?;
    ctx.store
        .audit(
            Some(membership.organisation_id),
            Some(user.user_id),
            "profile.image_removed",
            "",
            &auth::client_ip(),
        )
        .await?;
    leptos_axum::redirect(&format!(
        "/portal/{}/settings?saved=1",
        membership.subdomain
    ));
    Ok(())
}
