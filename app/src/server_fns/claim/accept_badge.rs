use leptos::prelude::*;

use crate::error::AppError;

/// The holder accepts the badge their claim link points at.
#[server(endpoint = "claim/accept_badge")]
pub async fn accept_badge(token: String) -> Result<(), AppError> {
    use crate::ssr::context;
    use laurel_service::accounts;

    let ctx = context()?;
    let hash = accounts::token_hash(&token);
    let a = ctx
        .store
        .assertion_by_claim_token(&hash)
        .await?
        .ok_or_else(|| AppError::Invalid("This claim link is not valid.".into()))?;
    if a.revoked_at.is_some() {
        return Err(AppError::Invalid(
            "This badge was revoked by its issuer.".into(),
        ));
    }
    if ctx.store.claim_assertion(&hash).await? {
        laurel_service::webhooks::emit_badge(
            &ctx,
            laurel::WebhookEvent::BadgeClaimed,
            &a,
            serde_json::json!({}),
        )
        .await;
    }
    leptos_axum::redirect(&format!("/claim?token={token}"));
    Ok(())
}
