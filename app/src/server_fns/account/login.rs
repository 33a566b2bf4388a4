use leptos::prelude::*;

use crate::error::AppError;

/// Signs in with email and password; a new session ID every time. With
/// two-factor authentication on, the password only opens the second step.
#[server(endpoint = "account/login")]
pub async fn login(email: String, password: String) -> Result<(), AppError> {
    use crate::ssr::{auth, context};
    use laurel::AuditEvent;
    use laurel_service::accounts;
    use laurel_service::mfa;
    use laurel_store::Audit;

    let ctx = context()?;
    let ip = auth::client_ip();
    auth::limit_address("login", 30, 900).await?;
    let wrong = || AppError::Invalid("The email address or the password is not right.".into());
    let Ok(email) = laurel::Email::parse(&email) else {
        return Err(wrong());
    };
    let attempts = match auth::limit_password(email.as_str()).await {
        Ok(attempts) => attempts,
        Err(e) => {
            let user = ctx.store.user_by_email(email.as_str()).await?;
            ctx.store
                .audit(Audit {
                    organisation_id: None,
                    user_id: user.map(|u| u.id),
                    event: AuditEvent::LockedOut,
                    detail: email.as_str().to_string(),
                    ip: &ip,
                })
                .await?;
            return Err(e);
        }
    };
    let user = ctx.store.user_by_email(email.as_str()).await?;
    // Without an account, the same work against a decoy: timing does not
    // reveal accounts.
    let ok = accounts::verify_password(user.as_ref().map(|u| u.password_hash.as_str()), &password)
        .await?;
    let Some(user) = user.filter(|_| ok) else {
        ctx.store
            .audit(Audit {
                organisation_id: None,
                user_id: None,
                event: AuditEvent::SignInFailed,
                detail: email.as_str().to_string(),
                ip: &ip,
            })
            .await?;
        return Err(wrong());
    };
    attempts.clear().await?;
    if ctx
        .store
        .mfa_state(user.id)
        .await?
        .is_some_and(|m| m.enabled())
    {
        // No session yet: a short-lived challenge that only the second step
        // (`/login/2fa`) accepts.
        let (challenge, challenge_hash) = accounts::new_token();
        ctx.store
            .create_login_challenge(
                user.id,
                &challenge_hash,
                chrono::Utc::now() + mfa::CHALLENGE_TTL,
                &ip,
                &auth::user_agent(),
            )
            .await?;
        auth::set_challenge_cookie(&challenge, ctx.https());
        leptos_axum::redirect("/login/2fa");
        return Ok(());
    }
    let (session, session_hash) = accounts::new_token();
    let replacing = auth::session_token().map(|t| accounts::token_hash(&t));
    ctx.store
        .create_session(
            user.id,
            &session_hash,
            accounts::session_expiry(),
            &ip,
            &auth::user_agent(),
            replacing.as_deref(),
        )
        .await?;
    ctx.store
        .audit(Audit {
            organisation_id: None,
            user_id: Some(user.id),
            event: AuditEvent::SignedIn,
            detail: String::new(),
            ip: &ip,
        })
        .await?;
    auth::set_session_cookie(&session, ctx.https());
    leptos_axum::redirect(auth::landing(user.id).await?);
    Ok(())
}
