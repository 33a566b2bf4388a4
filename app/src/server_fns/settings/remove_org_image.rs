use leptos::prelude::*;

use crate::error::AppError;

/// Removes the organisation's profile image.
#[server(endpoint = "settings/remove_org_image")]
pub async fn remove_org_image(subdomain: String) -> Result<(), AppError> {
    use crate::ssr::{access::require_role, auth, context};
    use laurel::AuditEvent;
    use laurel::Role;
    use laurel_store::Audit;

    let (user, membership) = require_role(&subdomain, Role::Privileged).await?;
    let ctx = context()?;
    ctx.store
        .set_organisation_image(membership.organisation_id, None)
        .await?;
    ctx.store
        .audit(Audit {
            organisation_id: Some(membership.organisation_id),
            user_id: Some(user.user_id),
            event: AuditEvent::ProfileImageRemoved,
            detail: String::new(),
            ip: &auth::client_ip(),
        })
        .await?;
    leptos_axum::redirect(&format!(
        "{}?saved=1",
        crate::paths::portal(&membership.subdomain).settings()
    ));
    Ok(())
}
