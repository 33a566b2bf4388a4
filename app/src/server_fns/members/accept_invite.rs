use leptos::prelude::*;

use crate::error::AppError;

/// Accepts an invitation as someone new to Laurel: a name and a password
/// (strength-checked) make the account; the membership with the invited role
/// and a session (a new ID) are created in the same transaction. Opens the
/// portal.
#[server(endpoint = "members/accept_invite")]
pub async fn accept_invite(
    token: String,
    display_name: String,
    password: String,
    password_confirm: String,
) -> Result<(), AppError> {
    use crate::ssr::{auth, context};
    use laurel_service::accounts;
    use laurel_store::{InviteSession, NewAccount};

    let ctx = context()?;
    let ip = auth::client_ip();
    auth::limit_address("invite-accept", 20, 3600).await?;
    let token_hash = accounts::token_hash(&token);
    let invitation = ctx.store.invitation_details(&token_hash).await??;
    if invitation.has_account {
        return Err(AppError::Invalid(
            "This address already has a Laurel account: accept with that account's password."
                .into(),
        ));
    }
    let display_name = display_name.trim();
    if display_name.is_empty() || display_name.chars().count() > 200 {
        return Err(AppError::Invalid(
            "Enter your name (at most 200 characters).".into(),
        ));
    }
    let password_hash = accounts::choose_password(
        &password,
        &password_confirm,
        &[
            &invitation.email,
            display_name,
            &invitation.organisation_name,
            &invitation.subdomain,
        ],
    )
    .await?;
    let (session, session_hash) = accounts::new_token();
    let replacing = auth::session_token().map(|t| accounts::token_hash(&t));
    let user_agent = auth::user_agent();
    ctx.store
        .accept_invitation_new(
            &token_hash,
            &NewAccount {
                display_name,
                password_hash: &password_hash,
            },
            &InviteSession {
                session_hash: &session_hash,
                expires_at: accounts::session_expiry(),
                ip: &ip,
                user_agent: &user_agent,
                replacing: replacing.as_deref(),
            },
        )
        .await??;
    auth::set_session_cookie(&session, ctx.https());
    leptos_axum::redirect("/portal");
    Ok(())
}
