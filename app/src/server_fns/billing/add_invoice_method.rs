use leptos::prelude::*;

use crate::error::AppError;

/// Adds "bank transfer against the invoice" (privileged members; needs the
/// billing details).
#[server(endpoint = "billing/add_invoice_method")]
pub async fn add_invoice_method(subdomain: String) -> Result<(), AppError> {
    use crate::ssr::{access::require_role, auth, context};
    use laurel::Role;

    let (user, m) = require_role(&subdomain, Role::Privileged).await?;
    let ctx = context()?;
    laurel_service::billing::add_invoice_method(
        &ctx.store,
        m.organisation_id,
        user.user_id,
        &auth::client_ip(),
        ctx.clock.now(),
    )
    .await?;
    leptos_axum::redirect(&format!(
        "{}?saved=1",
        crate::paths::portal(&m.subdomain).payment()
    ));
    Ok(())
}
