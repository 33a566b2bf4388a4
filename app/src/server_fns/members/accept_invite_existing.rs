use leptos::prelude::*;

use crate::error::AppError;

/// Accepts an invitation with an existing Laurel account and its password
/// (one account, many roles). The password attempts count against the same
/// limits as signing in. Joining ends the account's earlier sessions; a
/// browser already signed in to this account gets a fresh session and the
/// portal, any other browser is asked to sign in (with a second factor, when
/// the account has one).
#[server(endpoint = "members/accept_invite_existing")]
pub async fn accept_invite_existing(token: String, password: String) -> Result<(), AppError> {
    use crate::ssr::{auth, context};
    use laurel::AuditEvent;
    use laurel_service::accounts;
    use laurel_store::Audit;
    use laurel_store::InviteSession;

    let ctx = context()?;
    let ip = auth::client_ip();
    auth::limit_address("login", 30, 900).await?;
    let token_hash = accounts::token_hash(&token);
    let invitation = ctx.store.invitation_details(&token_hash).await??;
    let Some(user) = ctx.store.user_by_email(&invitation.email).await? else {
        return Err(AppError::Invalid(
            "This address has no Laurel account yet: open the link again to choose a password."
                .into(),
        ));
    };
    let attempts = match auth::limit_password(&invitation.email).await {
        Ok(attempts) => attempts,
        Err(e) => {
            ctx.store
                .audit(Audit {
                    organisation_id: None,
                    user_id: Some(user.id),
                    event: AuditEvent::LockedOut,
                    detail: invitation.email.to_string(),
                    ip: &ip,
                })
                .await?;
            return Err(e);
        }
    };
    if !accounts::verify_password(Some(&user.password_hash), &password).await? {
        ctx.store
            .audit(Audit {
                organisation_id: None,
                user_id: Some(user.id),
                event: AuditEvent::SignInFailed,
                detail: invitation.email.to_string(),
                ip: &ip,
            })
            .await?;
        return Err(AppError::Invalid("The password is not right.".into()));
    }
    attempts.clear().await?;
    let current = auth::current_user().await?;
    let signed_in_here = current.as_ref().is_some_and(|u| u.user_id == user.id);
    let (session, session_hash) = accounts::new_token();
    let replacing = auth::session_token().map(|t| accounts::token_hash(&t));
    let user_agent = auth::user_agent();
    let new_session = InviteSession {
        session_hash: &session_hash,
        expires_at: accounts::session_expiry(),
        ip: &ip,
        user_agent: &user_agent,
        replacing: replacing.as_deref(),
    };
    ctx.store
        .accept_invitation_existing(
            &token_hash,
            user.id,
            signed_in_here.then_some(&new_session),
            &ip,
        )
        .await??;
    if signed_in_here {
        auth::set_session_cookie(&session, ctx.https());
        leptos_axum::redirect("/portal");
    } else {
        leptos_axum::redirect("/invite/accepted");
    }
    Ok(())
}
