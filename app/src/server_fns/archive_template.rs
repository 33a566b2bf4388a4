use leptos::prelude::*;

use crate::error::AppError;

/// Archives a template (it can no longer be issued; its badges stay valid)
/// or restores it. `archive` is "true" or "false".
#[server(endpoint = "issuing/archive_template")]
pub async fn archive_template(subdomain: String, id: i64, archive: String) -> Result<(), AppError> {
    use crate::ssr::{access::require_role, auth, context};
    use crate::store::Role;

    let (user, m) = require_role(&subdomain, Role::Regular).await?;
    let archive = archive == "true";
    let ctx = context()?;
    if !ctx
        .store
        .set_template_archived(m.organisation_id, id, archive)
        .await?
    {
        return Err(AppError::NotFound);
    }
    ctx.store
        .audit(
            Some(m.organisation_id),
            Some(user.user_id),
            if archive {
                "template.archived"
            } else {
                "template.restored"
            },
            &id.to_string(),
            &auth::client_ip(),
        )
        .await?;
    leptos_axum::redirect(&format!("/portal/{}/templates/{id}", m.subdomain));
    Ok(())
}
