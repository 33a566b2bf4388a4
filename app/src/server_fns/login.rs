use leptos::prelude::*;

use crate::error::AppError;

/// Signs in with email and password; a new session ID every time. With
/// two-factor authentication on, the password only opens the second step.
#[server]
pub async fn login(email: String, password: String) -> Result<(), AppError> {
    use crate::ssr::{auth, context, mfa};

    let ctx = context()?;
    let ip = auth::client_ip();
    auth::rate_limit(&ctx.store, &format!("login:ip:{ip}"), 30, 900).await?;
    let wrong = || AppError::Invalid("The email address or the password is not right.".into());
    let Ok(email) = laurel::Email::parse(&email) else {
        return Err(wrong());
    };
    let account_key = format!("login:account:{email}");
    if let Err(e) = auth::rate_limit(&ctx.store, &account_key, 5, 900).await {
        let user = ctx.store.user_by_email(email.as_str()).await?;
        ctx.store
            .audit(
                None,
                user.map(|u| u.id),
                "user.locked_out",
                email.as_str(),
                &ip,
            )
            .await?;
        return Err(e);
    }
    let user = ctx.store.user_by_email(email.as_str()).await?;
    let ok = match &user {
        Some(u) => auth::verify_password(&u.password_hash, &password),
        None => {
            // Same work as a real check, so timing does not reveal accounts.
            auth::verify_password(auth::dummy_hash(), &password);
            false
        }
    };
    let Some(user) = user.filter(|_| ok) else {
        ctx.store
            .audit(None, None, "user.sign_in_failed", email.as_str(), &ip)
            .await?;
        return Err(wrong());
    };
    ctx.store.clear_rate_limit(&account_key).await?;
    if ctx
        .store
        .mfa_state(user.id)
        .await?
        .is_some_and(|m| m.enabled())
    {
        // No session yet: a short-lived challenge that only the second step
        // (`/login/2fa`) accepts.
        let (challenge, challenge_hash) = auth::new_token();
        ctx.store
            .create_login_challenge(
                user.id,
                &challenge_hash,
                chrono::Utc::now() + mfa::CHALLENGE_TTL,
                &ip,
                &auth::user_agent(),
            )
            .await?;
        mfa::set_challenge_cookie(&challenge, ctx.https());
        leptos_axum::redirect("/login/2fa");
        return Ok(());
    }
    let (session, session_hash) = auth::new_token();
    let replacing = auth::session_token().map(|t| auth::token_hash(&t));
    ctx.store
        .create_session(
            user.id,
            &session_hash,
            auth::session_expiry(),
            &ip,
            &auth::user_agent(),
            replacing.as_deref(),
        )
        .await?;
    ctx.store
        .audit(None, Some(user.id), "user.signed_in", "", &ip)
        .await?;
    auth::set_session_cookie(&session, ctx.https());
    leptos_axum::redirect("/portal");
    Ok(())
}
