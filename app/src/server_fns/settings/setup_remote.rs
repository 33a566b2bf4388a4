use leptos::prelude::*;

use crate::error::AppError;

/// Sets up remote issuing (a new integration ID), or — with `regenerate`
/// and the confirmation ticked — replaces the integration ID: requests with
/// the old one are refused from then on.
#[server(endpoint = "settings/setup_remote")]
pub async fn setup_remote(
    subdomain: String,
    #[server(default)] regenerate: Option<String>,
    #[server(default)] confirm: Option<String>,
) -> Result<(), AppError> {
    use crate::ssr::{access::require_role, auth, context};
    use laurel::{AuditEvent, Role};
    use laurel_store::Audit;

    let (user, m) = require_role(&subdomain, Role::Privileged).await?;
    let ctx = context()?;
    let new_id = laurel::remote::new_integration_id();
    let event = if regenerate.is_some() {
        if confirm.is_none() {
            return Err(AppError::Invalid(
                "Tick the box to confirm: clients using the current integration ID will stop working."
                    .into(),
            ));
        }
        if !ctx
            .store
            .regenerate_integration(m.organisation_id, &new_id)
            .await?
        {
            return Err(AppError::NotFound);
        }
        AuditEvent::IntegrationRegenerated
    } else {
        ctx.store
            .ensure_integration(m.organisation_id, &new_id)
            .await?;
        AuditEvent::IntegrationCreated
    };
    ctx.store
        .audit(Audit {
            organisation_id: Some(m.organisation_id),
            user_id: Some(user.user_id),
            event,
            detail: String::new(),
            ip: &auth::client_ip(),
        })
        .await?;
    leptos_axum::redirect(&format!(
        "{}?saved=1",
        crate::paths::portal(&m.subdomain).api_settings()
    ));
    Ok(())
}
