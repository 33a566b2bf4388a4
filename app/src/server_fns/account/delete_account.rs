use leptos::prelude::*;

use crate::error::AppError;

/// Deletes the signed-in account after the password (and, with two-factor
/// authentication on, a current code) and an explicit confirmation: its
/// public profile and collections are gone at once, its imports, addresses
/// and settings deleted; badges issued to the person stay with their
/// issuers, verifiable. Refused while it is the last privileged member of an
/// organisation.
#[server(endpoint = "account/delete_account")]
pub async fn delete_account(
    password: String,
    #[server(default)] code: String,
    #[server(default)] confirm: Option<String>,
) -> Result<(), AppError> {
    use crate::ssr::{auth, context};
    use laurel::AuditEvent;
    use laurel_service::{accounts, mfa};
    use laurel_store::Audit;

    let user = auth::require_user().await?;
    let ctx = context()?;
    let ip = auth::client_ip();
    let account_key = mfa::limit_attempts(&ctx.store, user.user_id, &ip).await?;
    if confirm.is_none() {
        return Err(AppError::Invalid(
            "Tick the box to confirm: a deleted account cannot be restored.".into(),
        ));
    }
    let account = ctx
        .store
        .user_by_email(&user.email)
        .await?
        .ok_or(AppError::Unauthorized)?;
    if !accounts::verify_password(Some(&account.password_hash), &password).await? {
        return Err(AppError::Invalid("The password is not right.".into()));
    }
    if let Some(sealed) = ctx
        .store
        .mfa_state(user.user_id)
        .await?
        .filter(|m| m.enabled())
        .and_then(|m| m.totp_secret)
    {
        let verified = mfa::verify(
            &ctx.store,
            &ctx.master_key,
            user.user_id,
            &sealed,
            &code,
            &ip,
        )
        .await?;
        if verified.is_none() {
            return Err(AppError::Invalid(mfa::WRONG_CODE.into()));
        }
    }
    if let Err(organisations) = ctx.store.delete_account(user.user_id).await? {
        return Err(AppError::Invalid(format!(
            "You are the last privileged member of {}: make someone else privileged there first, so the organisation keeps someone to run it.",
            organisations.join(", ")
        )));
    }
    ctx.store.clear_rate_limit(&account_key).await?;
    ctx.store
        .audit(Audit {
            organisation_id: None,
            user_id: None,
            event: AuditEvent::AccountDeleted,
            detail: String::new(),
            ip: &ip,
        })
        .await?;
    auth::clear_session_cookie(ctx.https());
    leptos_axum::redirect("/account/deleted");
    Ok(())
}
