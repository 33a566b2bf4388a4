use leptos::prelude::*;

use crate::error::AppError;

/// Turns two-factor authentication on once a code from the app proves the
/// secret was saved there and the password is given again (a session left
/// open elsewhere cannot bind the account to someone else's phone). Every
/// other session of the account ends. Makes ten recovery codes and opens
/// the page that reveals them, once.
#[server(endpoint = "security/enable_mfa")]
pub async fn enable_mfa(password: String, code: String) -> Result<(), AppError> {
    use crate::ssr::{auth, context};
    use laurel::AuditEvent;
    use laurel_service::accounts;
    use laurel_service::mfa;
    use laurel_store::Audit;
    use laurel_store::EnableTotp;

    let ctx = context()?;
    let user = auth::require_user().await?;
    let ip = auth::client_ip();
    let account_key = mfa::limit_attempts(&ctx.store, user.user_id, &ip).await?;
    let state = ctx
        .store
        .mfa_state(user.user_id)
        .await?
        .ok_or(AppError::Unauthorized)?;
    if state.enabled() {
        return Err(AppError::Invalid(
            "Two-factor authentication is already on.".into(),
        ));
    }
    let Some(pending) = state.totp_pending else {
        return Err(AppError::Invalid(
            "Start the set-up first: choose “Set up two-factor authentication”.".into(),
        ));
    };
    auth::confirm_password(
        &user,
        &password,
        AuditEvent::MfaFailed,
        "The password is not right.",
    )
    .await?;
    let secret = mfa::open_secret(&ctx.master_key, user.user_id, &pending)?;
    let Some(step) = mfa::check_code(&secret, &code, mfa::now_unix()) else {
        ctx.store
            .audit(Audit {
                organisation_id: None,
                user_id: Some(user.user_id),
                event: AuditEvent::MfaFailed,
                detail: "while turning on".into(),
                ip: &ip,
            })
            .await?;
        return Err(AppError::Invalid(
            "That code is not right. Enter the 6-digit code your authenticator app shows now for Laurel.".into(),
        ));
    };
    let Some(session) = auth::session_token() else {
        return Err(AppError::Unauthorized);
    };
    let session_hash = accounts::token_hash(&session);
    let codes = mfa::new_recovery_codes();
    let hashes: Vec<String> = codes
        .iter()
        .filter_map(|c| mfa::normalize_recovery_code(c))
        .map(|c| mfa::recovery_code_hash(user.user_id, &c))
        .collect();
    let enabled = ctx
        .store
        .enable_totp(&EnableTotp {
            user_id: user.user_id,
            sealed_secret: &mfa::seal_secret(&ctx.master_key, user.user_id, &secret),
            step,
            recovery_code_hashes: &hashes,
            reveal_session_hash: &session_hash,
            sealed_codes: &mfa::seal_codes(&ctx.master_key, &session_hash, &codes),
            reveal_expires_at: chrono::Utc::now() + mfa::REVEAL_TTL,
            ip: &ip,
        })
        .await?;
    if !enabled {
        return Err(AppError::Invalid(
            "Two-factor authentication is already on.".into(),
        ));
    }
    ctx.store.clear_rate_limit(&account_key).await?;
    leptos_axum::redirect("/account/security/recovery-codes");
    Ok(())
}
