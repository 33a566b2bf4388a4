use leptos::prelude::*;

use crate::error::AppError;

/// Revokes an issued badge. The form's confirmation box must be ticked and
/// a reason given; the public assertion then answers 410 Gone and the
/// revocation lists (OB 2.0 and 3.0) include it.
#[server(endpoint = "issuing/revoke_badge")]
pub async fn revoke_badge(
    subdomain: String,
    slug: String,
    reason: String,
    confirm: Option<String>,
) -> Result<(), AppError> {
    use crate::ssr::{access::require_role, auth, context};
    use laurel::Role;

    let (user, m) = require_role(&subdomain, Role::Regular).await?;
    if confirm.is_none() {
        return Err(AppError::Invalid(
            "Tick the box to confirm: a revoked badge cannot be restored.".into(),
        ));
    }
    let ctx = context()?;
    laurel_service::issuing::revoke(
        &ctx,
        m.organisation_id,
        &slug,
        &reason,
        Some(user.user_id),
        &auth::client_ip(),
    )
    .await?;
    leptos_axum::redirect(&format!(
        "{}?revoked=1",
        crate::paths::portal(&m.subdomain).badge(slug)
    ));
    Ok(())
}
