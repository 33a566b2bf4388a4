use leptos::prelude::*;

use crate::error::AppError;

/// Archives a template (it can no longer be issued; its badges stay valid)
/// or restores it. `archive` is "true" or "false".
#[server(endpoint = "templates/archive_template")]
pub async fn archive_template(subdomain: String, id: i64, archive: String) -> Result<(), AppError> {
    use crate::ssr::{access::require_role, auth, context};
    use laurel::AuditEvent;
    use laurel::Role;
    use laurel_store::Audit;

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
        .audit(Audit {
            organisation_id: Some(m.organisation_id),
            user_id: Some(user.user_id),
            event: if archive {
                AuditEvent::TemplateArchived
            } else {
                AuditEvent::TemplateRestored
            },
            detail: id.to_string(),
            ip: &auth::client_ip(),
        })
        .await?;
    leptos_axum::redirect(&crate::paths::portal(&m.subdomain).template(id));
    Ok(())
}
