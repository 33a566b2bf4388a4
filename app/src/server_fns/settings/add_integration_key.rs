use leptos::prelude::*;

use crate::error::AppError;

/// Adds a public key the organisation's client signs with: PEM (SPKI or
/// PKCS#1) or .NET XML (`ToXmlString(false)`). A private key pasted by
/// mistake is refused and not stored.
#[server(endpoint = "settings/add_integration_key")]
pub async fn add_integration_key(subdomain: String, public_key: String) -> Result<(), AppError> {
    use crate::ssr::{access::require_role, auth, context};
    use laurel::crypto::PublicKey;
    use laurel::{AuditEvent, KeyOrigin, Role};
    use laurel_store::Audit;

    let (user, m) = require_role(&subdomain, Role::Privileged).await?;
    if public_key.len() > 16 * 1024 {
        return Err(AppError::Invalid(
            "That is too long for an RSA public key.".into(),
        ));
    }
    let key = PublicKey::from_text(&public_key).map_err(|e| AppError::Invalid(e.to_string()))?;
    let ctx = context()?;
    if ctx.store.integration(m.organisation_id).await?.is_none() {
        return Err(AppError::Invalid("Set up remote issuing first.".into()));
    }
    let fingerprint = key.thumbprint();
    ctx.store
        .add_integration_key(
            m.organisation_id,
            &key.to_pem(),
            &fingerprint,
            KeyOrigin::Uploaded,
        )
        .await?;
    ctx.store
        .audit(Audit {
            organisation_id: Some(m.organisation_id),
            user_id: Some(user.user_id),
            event: AuditEvent::IntegrationKeyAdded,
            detail: fingerprint,
            ip: &auth::client_ip(),
        })
        .await?;
    leptos_axum::redirect(&format!(
        "{}?saved=1",
        crate::paths::portal(&m.subdomain).api_settings()
    ));
    Ok(())
}
