use leptos::prelude::*;

use crate::error::AppError;

/// The second step of signing in with two-factor authentication: a code
/// from the authenticator app or a recovery code. Only a sign-in whose
/// password was right moments ago (its challenge cookie) may get here; on
/// success the challenge becomes a full session with a new ID.
#[server(endpoint = "security/verify_login_code")]
pub async fn verify_login_code(code: String) -> Result<(), AppError> {
    use crate::ssr::{auth, context};
    use laurel::AuditEvent;
    use laurel_service::accounts;
    use laurel_service::mfa;
    use laurel_store::Audit;
    use laurel_store::NewSession;

    let ctx = context()?;
    let ip = auth::client_ip();
    let expired = || {
        AppError::Invalid(
            "This sign-in has expired or was not started. Sign in again with your password.".into(),
        )
    };
    let Some(challenge) = auth::challenge_token() else {
        return Err(expired());
    };
    let challenge_hash = accounts::token_hash(&challenge);
    let Some(user_id) = ctx.store.login_challenge_user(&challenge_hash).await? else {
        auth::clear_challenge_cookie(ctx.https());
        return Err(expired());
    };
    let account_key = mfa::limit_attempts(&ctx.store, user_id, &ip).await?;
    let state = ctx.store.mfa_state(user_id).await?.ok_or_else(expired)?;
    let Some(sealed) = state.totp_secret else {
        // Turned off meanwhile: the password alone was enough after all, but
        // the simplest honest answer is to sign in again.
        return Err(expired());
    };
    let Some(verified) =
        mfa::verify(&ctx.store, &ctx.master_key, user_id, &sealed, &code, &ip).await?
    else {
        ctx.store
            .audit(Audit {
                organisation_id: None,
                user_id: Some(user_id),
                event: AuditEvent::MfaFailed,
                detail: "sign-in".into(),
                ip: &ip,
            })
            .await?;
        return Err(AppError::Invalid(mfa::WRONG_CODE.into()));
    };
    let (session, session_hash) = accounts::new_token();
    let replacing = auth::session_token().map(|t| accounts::token_hash(&t));
    let completed = ctx
        .store
        .complete_login_challenge(
            &challenge_hash,
            &NewSession {
                session_hash: &session_hash,
                expires_at: accounts::session_expiry(),
                ip: &ip,
                user_agent: &auth::user_agent(),
            },
            replacing.as_deref(),
        )
        .await?;
    if completed.is_none() {
        return Err(expired());
    }
    ctx.store.clear_rate_limit(&account_key).await?;
    let how = match verified {
        mfa::Verified::Totp => "with an authenticator code",
        mfa::Verified::Recovery => "with a recovery code",
    };
    ctx.store
        .audit(Audit {
            organisation_id: None,
            user_id: Some(user_id),
            event: AuditEvent::SignedIn,
            detail: how.to_string(),
            ip: &ip,
        })
        .await?;
    auth::clear_challenge_cookie(ctx.https());
    auth::set_session_cookie(&session, ctx.https());
    leptos_axum::redirect(auth::landing(user_id).await?);
    Ok(())
}
