use leptos::prelude::*;

use crate::error::AppError;

/// From a claim link, for a recipient without an account: a password (and a
/// name if they like) creates the account for the badge's address, accepts
/// the badge and signs in, then lands on the badge in the wallet. The claim
/// link was mailed to that address, so opening it proves what a sign-up
/// link would. An address that has an account signs in instead.
#[server(endpoint = "claim/create_wallet")]
pub async fn create_wallet(
    token: String,
    display_name: String,
    password: String,
    password_confirm: String,
) -> Result<(), AppError> {
    use crate::server_fns::account::activate_holder::NewHolder;
    use crate::ssr::{auth, context};
    use laurel_service::accounts;

    let ctx = context()?;
    let ip = auth::client_ip();
    auth::limit_address("activate", 20, 3600).await?;
    let claim_hash = accounts::token_hash(&token);
    let invalid = || {
        AppError::Invalid(
            "This claim link is not valid (a newer mail may have replaced it).".into(),
        )
    };
    let a = ctx
        .store
        .assertion_by_claim_token(&claim_hash)
        .await?
        .ok_or_else(invalid)?;
    if a.revoked_at.is_some() {
        return Err(AppError::Invalid(
            "This badge was revoked by its issuer.".into(),
        ));
    }
    let new = NewHolder::from_form(
        &a.recipient_email,
        &display_name,
        &password,
        &password_confirm,
        &ip,
    )
    .await?;
    ctx.store
        .account_from_claim(&claim_hash, &new.signup())
        .await?
        .ok_or_else(invalid)?;
    if a.claimed_at.is_none() {
        laurel_service::webhooks::emit_badge(
            &ctx,
            laurel::WebhookEvent::BadgeClaimed,
            &a,
            serde_json::json!({}),
        )
        .await;
    }
    auth::set_session_cookie(&new.session, ctx.https());
    leptos_axum::redirect(&crate::paths::wallet_badge(&a.slug));
    Ok(())
}
