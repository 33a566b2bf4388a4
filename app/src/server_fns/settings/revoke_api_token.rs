use leptos::prelude::*;

use crate::error::AppError;

/// Revokes one of the organisation's API tokens (audit-logged in the same
/// transaction): requests with it are 401 from then on.
#[server(endpoint = "settings/revoke_api_token")]
pub async fn revoke_api_token(subdomain: String, token_id: i64) -> Result<(), AppError> {
    use crate::ssr::{access::require_role, auth, context};
    use laurel::Role;

    let (user, m) = require_role(&subdomain, Role::Privileged).await?;
    let ctx = context()?;
    if !ctx
        .store
        .revoke_api_token(
            m.organisation_id,
            token_id,
            user.user_id,
            &auth::client_ip(),
        )
        .await?
    {
        return Err(AppError::NotFound);
    }
    leptos_axum::redirect(&format!(
        "{}?saved=1#api-tokens",
        crate::paths::portal(&m.subdomain).api_settings()
    ));
    Ok(())
}
