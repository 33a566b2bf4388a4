use leptos::prelude::*;

use crate::error::AppError;

/// Makes an API token for the REST API (`/api/v1`). The token is shown
/// once: it travels to the settings page in a short-lived, sealed,
/// HttpOnly cookie that the page takes and clears (`ssr::auth::take_token_flash`);
/// Laurel keeps only its SHA-256. A plain form (no `ActionForm`), so the
/// page that shows the token is always a full load. `expires` is
/// `YYYY-MM-DD` (end of that day, UTC) or empty for no expiry.
#[server(endpoint = "settings/create_api_token")]
pub async fn create_api_token(
    subdomain: String,
    name: String,
    templates_read: Option<String>,
    badges_read: Option<String>,
    badges_issue: Option<String>,
    badges_revoke: Option<String>,
    expires: Option<String>,
) -> Result<(), AppError> {
    use crate::ssr::{access::require_role, auth, context};
    use laurel::{ApiScope, ApiScopes, Role};
    use laurel_service::api::{create_token, TokenRequest};

    let (user, m) = require_role(&subdomain, Role::Privileged).await?;
    let scopes: ApiScopes = [
        (templates_read, ApiScope::TemplatesRead),
        (badges_read, ApiScope::BadgesRead),
        (badges_issue, ApiScope::BadgesIssue),
        (badges_revoke, ApiScope::BadgesRevoke),
    ]
    .into_iter()
    .filter_map(|(ticked, scope)| ticked.map(|_| scope))
    .collect();
    let expires_at = match expires.as_deref().map(str::trim).filter(|e| !e.is_empty()) {
        None => None,
        Some(day) => Some(
            chrono::NaiveDate::parse_from_str(day, "%Y-%m-%d")
                .map_err(|_| AppError::Invalid("The expiry must be a date (YYYY-MM-DD).".into()))?
                .and_hms_opt(23, 59, 59)
                .expect("a valid time")
                .and_utc(),
        ),
    };
    let ctx = context()?;
    let (token, _) = create_token(
        &ctx,
        m.organisation_id,
        user.user_id,
        &auth::client_ip(),
        TokenRequest {
            name: &name,
            scopes: &scopes,
            expires_at,
        },
    )
    .await?;
    auth::set_token_flash(&ctx, user.user_id, &token);
    leptos_axum::redirect(&format!(
        "{}#api-tokens",
        crate::paths::portal(&m.subdomain).api_settings()
    ));
    Ok(())
}
