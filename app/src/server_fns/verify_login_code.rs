use leptos::prelude::*;

use crate::error::AppError;

/// The second step of signing in with two-factor authentication: a code
/// from the authenticator app or a recovery code. Only a sign-in whose
/// password was right moments ago (its challenge cookie) may get here; on
/// success the challenge becomes a full session with a new ID.
#[server]
pub async fn verify_login_code(code: String) -> Result<(), AppError> {
    use crate::ssr::{auth, context, mfa};
    use crate::store::NewSession;

    let ctx = context()?;
    let ip = auth::client_ip();
    let expired = || {
        AppError::Invalid(
            "This sign-in has expired or was not started. Sign in again with your password.".into(),
        )
    };
    let Some(challenge) = mfa::challenge_token() else {
        return Err(expired());
    };
    let challenge_hash = auth::token_hash(&challenge);
    let Some(user_id) = ctx.store.login_challenge_user(&challenge_hash).await? else {
        mfa::clear_challenge_cookie(ctx.https());
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
            .audit(None, Some(user_id), "mfa.failed", "sign-in", &ip)
            .await?;
        return Err(AppError::Invalid(mfa::WRONG_CODE.into()));
    };
    let (session, session_hash) = auth::new_token();
    let replacing = auth::session_token().map(|t| auth::token_hash(&t));
    let completed = ctx
        .store
        .complete_login_challenge(
            &challenge_hash,
            &NewSession {
                session_hash: &session_hash,
                expires_at: auth::session_expiry(),
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
        .audit(None, Some(user_id), "user.signed_in", how, &ip)
        .await?;
    mfa::clear_challenge_cookie(ctx.https());
    auth::set_session_cookie(&session, ctx.https());
    leptos_axum::redirect("/portal");
    Ok(())
}
