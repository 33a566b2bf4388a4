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
    use laurel::AuditEvent;
    use laurel::Role;
    use laurel_store::Audit;

    let (user, m) = require_role(&subdomain, Role::Regular).await?;
    let reason = reason.trim();
    if reason.is_empty() {
        return Err(AppError::Invalid(
            "Give the reason for revoking; the holder and verifiers see it.".into(),
        ));
    }
    if reason.chars().count() > 500 {
        return Err(AppError::Invalid(
            "The reason can be at most 500 characters.".into(),
        ));
    }
    if confirm.is_none() {
        return Err(AppError::Invalid(
            "Tick the box to confirm: a revoked badge cannot be restored.".into(),
        ));
    }
    let ctx = context()?;
    if ctx
        .store
        .assertion_by_slug(m.organisation_id, &slug)
        .await?
        .is_none()
    {
        return Err(AppError::NotFound);
    }
    if !ctx
        .store
        .revoke_assertion(m.organisation_id, &slug, reason)
        .await?
    {
        return Err(AppError::Conflict("This badge is already revoked.".into()));
    }
    ctx.store
        .audit(Audit {
            organisation_id: Some(m.organisation_id),
            user_id: Some(user.user_id),
            event: AuditEvent::BadgeRevoked,
            detail: format!("{slug}: {reason}"),
            ip: &auth::client_ip(),
        })
        .await?;
    leptos_axum::redirect(&format!(
        "{}?revoked=1",
        crate::paths::portal(&m.subdomain).badge(slug)
    ));
    Ok(())
}
