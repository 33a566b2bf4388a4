use leptos::prelude::*;

use crate::error::AppError;

/// Invites a colleague by email with a role: a single-use link, valid for
/// seven days, mailed in the same transaction that stores it. Privileged
/// members only; limited per organisation.
#[server(endpoint = "members/invite_member")]
pub async fn invite_member(subdomain: String, email: String, role: String) -> Result<(), AppError> {
    use crate::ssr::{access, auth, context};
    use laurel::Role;
    use laurel_service::{accounts, invitations, mail};
    use laurel_store::NewInvitation;

    let (user, membership) = access::require_role(&subdomain, Role::Privileged).await?;
    let ctx = context()?;
    let email = laurel::Email::parse(&email)?;
    let Some(role) = role.parse::<Role>().ok() else {
        return Err(AppError::Invalid(
            "Choose the role: regular or privileged.".into(),
        ));
    };
    invitations::count(&ctx.store, membership.organisation_id, ctx.clock.now()).await?;
    let (token, token_hash) = accounts::new_token();
    let link = ctx.site().invite(&token);
    let inviter = if user.display_name.trim().is_empty() {
        &user.email
    } else {
        &user.display_name
    };
    let message =
        invitations::invitation_mail(&email, inviter, &membership.organisation_name, role, &link);
    let ip = auth::client_ip();
    let outcome = ctx
        .store
        .create_invitation(&NewInvitation {
            organisation_id: membership.organisation_id,
            email: email.as_str(),
            role,
            token_hash: &token_hash,
            expires_at: chrono::Utc::now() + invitations::INVITE_TTL,
            mail_job: &mail::mail_job_payload(&ctx.master_key, &message),
            actor_id: user.user_id,
            ip: &ip,
        })
        .await?;
    outcome.map(|_| ()).map_err(AppError::from)
}
