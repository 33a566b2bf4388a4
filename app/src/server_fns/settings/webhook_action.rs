use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use crate::error::AppError;

/// What a button on a webhook endpoint does.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum HookAction {
    /// Sends a `ping` event.
    Test,
    /// Deletes the endpoint and its log.
    Delete,
    /// Sends a delivery again (`delivery_id`).
    Redeliver,
}

/// Sends a test event, redelivers, or deletes an endpoint — one of the
/// organisation's own (anything else is 404).
#[server(endpoint = "settings/webhook_action")]
pub async fn webhook_action(
    subdomain: String,
    action: HookAction,
    endpoint_id: i64,
    delivery_id: Option<i64>,
) -> Result<(), AppError> {
    use crate::ssr::{access::require_role, auth, context};
    use laurel::{AuditEvent, Role};
    use laurel_service::webhooks;
    use laurel_store::Audit;

    let (user, m) = require_role(&subdomain, Role::Privileged).await?;
    let ctx = context()?;
    let endpoint = ctx
        .store
        .webhook(m.organisation_id, endpoint_id)
        .await?
        .ok_or(AppError::NotFound)?;
    match action {
        HookAction::Test => {
            webhooks::send_test(&ctx, m.organisation_id, &m.subdomain, endpoint.id).await?
        }
        HookAction::Redeliver => {
            let delivery = delivery_id.ok_or(AppError::NotFound)?;
            let d = ctx
                .store
                .webhook_delivery(m.organisation_id, delivery)
                .await?
                .filter(|d| d.endpoint_id == endpoint.id)
                .ok_or(AppError::NotFound)?;
            webhooks::redeliver(&ctx, m.organisation_id, d.id).await?
        }
        HookAction::Delete => {
            ctx.store
                .delete_webhook(m.organisation_id, endpoint.id)
                .await?;
            ctx.store
                .audit(Audit {
                    organisation_id: Some(m.organisation_id),
                    user_id: Some(user.user_id),
                    event: AuditEvent::WebhookDeleted,
                    detail: endpoint.url.clone(),
                    ip: &auth::client_ip(),
                })
                .await?;
        }
    }
    leptos_axum::redirect(&format!(
        "{}?saved=1#webhooks",
        crate::paths::portal(&m.subdomain).api_settings()
    ));
    Ok(())
}
