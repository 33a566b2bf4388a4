use leptos::prelude::*;

use crate::error::AppError;

/// Makes a payment method the default (`action` "default") or removes it
/// ("remove"); privileged members.
#[server(endpoint = "billing/payment_method_action")]
pub async fn payment_method_action(
    subdomain: String,
    id: i64,
    action: String,
) -> Result<(), AppError> {
    use crate::ssr::{access::require_role, auth, context};
    use laurel::Role;

    let (user, m) = require_role(&subdomain, Role::Privileged).await?;
    let ctx = context()?;
    let ip = auth::client_ip();
    match action.as_str() {
        "default" => {
            if !ctx
                .store
                .set_default_payment_method(m.organisation_id, id, user.user_id, &ip)
                .await?
            {
                return Err(AppError::NotFound);
            }
        }
        "remove" => {
            laurel_service::billing::remove_method(
                &ctx.store,
                m.organisation_id,
                id,
                user.user_id,
                &ip,
            )
            .await?
        }
        _ => return Err(AppError::Invalid("Unknown action.".into())),
    }
    leptos_axum::redirect(&format!(
        "{}?saved=1",
        crate::paths::portal(&m.subdomain).payment()
    ));
    Ok(())
}
