use leptos::prelude::*;

use crate::error::AppError;

/// Revokes one of the organisation's integration keys: requests it signs
/// are refused from then on.
#[server(endpoint = "settings/revoke_integration_key")]
pub async fn revoke_integration_key(subdomain: String, key_id: i64) -> Result<(), AppError> {
    use crate::ssr::{access::require_role, auth, context};
    use laurel::{AuditEvent, Role};
    use laurel_store::Audit;

    let (user, m) = require_role(&subdomain, Role::Privileged).await?;
    let ctx = context()?;
    if !ctx
        .store
        .revoke_integration_key(m.organisation_id, key_id)
        .await?
    {
        return Err(AppError::NotFound);
    }
    ctx.store
        .audit(Audit {
            organisation_id: Some(m.organisation_id),
            user_id: Some(user.user_id),
            event: AuditEvent::IntegrationKeyRevoked,
            detail: key_id.to_string(),
            ip: &auth::client_ip(),
        })
        .await?;
    leptos_axum::redirect(&format!(
        "{}?saved=1",
        crate::paths::portal(&m.subdomain).api_settings()
    ));
    Ok(())
}
