use leptos::prelude::*;

use crate::error::AppError;

/// Registers a webhook endpoint for the chosen events. The URL goes
/// through the SSRF guard (no private or loopback address unless
/// `LAUREL_FETCH_ALLOW_PRIVATE`); its signing secret is made here, sealed
/// in the database and shown on the settings page.
#[server(endpoint = "settings/create_webhook")]
pub async fn create_webhook(
    subdomain: String,
    url: String,
    badge_issued: Option<String>,
    badge_claimed: Option<String>,
    badge_revoked: Option<String>,
    badge_shared: Option<String>,
    batch_finished: Option<String>,
) -> Result<(), AppError> {
    use crate::ssr::{access::require_role, auth, context};
    use laurel::{AuditEvent, Role, WebhookEvent};
    use laurel_store::Audit;

    let (user, m) = require_role(&subdomain, Role::Privileged).await?;
    let events: Vec<WebhookEvent> = [
        (badge_issued, WebhookEvent::BadgeIssued),
        (badge_claimed, WebhookEvent::BadgeClaimed),
        (badge_revoked, WebhookEvent::BadgeRevoked),
        (badge_shared, WebhookEvent::BadgeShared),
        (batch_finished, WebhookEvent::BatchFinished),
    ]
    .into_iter()
    .filter_map(|(ticked, event)| ticked.map(|_| event))
    .collect();
    let ctx = context()?;
    let (endpoint, _) =
        laurel_service::webhooks::create(&ctx, m.organisation_id, &url, &events).await?;
    ctx.store
        .audit(Audit {
            organisation_id: Some(m.organisation_id),
            user_id: Some(user.user_id),
            event: AuditEvent::WebhookCreated,
            detail: format!("{} ({})", endpoint.url, endpoint.events),
            ip: &auth::client_ip(),
        })
        .await?;
    leptos_axum::redirect(&format!(
        "{}?saved=1#webhooks",
        crate::paths::portal(&m.subdomain).api_settings()
    ));
    Ok(())
}
