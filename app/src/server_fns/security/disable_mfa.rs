use leptos::prelude::*;

use crate::error::AppError;

/// Turns two-factor authentication off: needs the password and a current
/// code (from the app, or a recovery code when the phone is gone).
#[server(endpoint = "security/disable_mfa")]
pub async fn disable_mfa(password: String, code: String) -> Result<(), AppError> {
    use crate::ssr::{auth, context};
    use laurel::AuditEvent;
    use laurel_service::mfa;
    use laurel_store::Audit;

    let ctx = context()?;
    let user = auth::require_user().await?;
    let ip = auth::client_ip();
    let account_key = mfa::limit_attempts(&ctx.store, user.user_id, &ip).await?;
    let state = ctx
        .store
        .mfa_state(user.user_id)
        .await?
        .ok_or(AppError::Unauthorized)?;
    let Some(sealed) = state.totp_secret else {
        return Err(AppError::Invalid(
            "Two-factor authentication is already off.".into(),
        ));
    };
    auth::confirm_password(
        &user,
        &password,
        AuditEvent::MfaFailed,
        "The password is not right.",
    )
    .await?;
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
        ctx.store
            .audit(Audit {
                organisation_id: None,
                user_id: Some(user.user_id),
                event: AuditEvent::MfaFailed,
                detail: "wrong code while turning off".into(),
                ip: &ip,
            })
            .await?;
        return Err(AppError::Invalid(mfa::WRONG_CODE.into()));
    }
    ctx.store.disable_totp(user.user_id, &ip).await?;
    ctx.store.clear_rate_limit(&account_key).await?;
    leptos_axum::redirect("/account/security?done=mfa-off");
    Ok(())
}
