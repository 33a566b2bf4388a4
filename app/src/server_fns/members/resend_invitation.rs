use leptos::prelude::*;

use crate::error::AppError;

/// Sends a pending invitation again with a new link; the old link stops
/// working. Privileged members only; counts against the invitation limit.
#[server(endpoint = "members/resend_invitation")]
pub async fn resend_invitation(subdomain: String, invitation_id: i64) -> Result<(), AppError> {
    use crate::ssr::{access, auth, context};
    use laurel::Role;
    use laurel_service::{accounts, invitations, mail};

    let (user, membership) = access::require_role(&subdomain, Role::Privileged).await?;
    let ctx = context()?;
    let org = membership.organisation_id;
    let gone = || AppError::NotFound;
    let invitation = ctx
        .store
        .pending_invitation(org, invitation_id)
        .await?
        .ok_or_else(gone)?;
    invitations::count(&ctx.store, org, ctx.clock.now()).await?;
    let email = laurel::Email::parse(&invitation.email)?;
    let (token, token_hash) = accounts::new_token();
    let link = ctx.site().invite(&token);
    let inviter = if user.display_name.trim().is_empty() {
        &user.email
    } else {
        &user.display_name
    };
    let message = invitations::invitation_mail(
        &email,
        inviter,
        &membership.organisation_name,
        invitation.role,
        &link,
    );
    let outcome = ctx
        .store
        .resend_invitation(
            org,
            invitation_id,
            &token_hash,
            chrono::Utc::now() + invitations::INVITE_TTL,
            &mail::mail_job_payload(&ctx.master_key, &message),
            user.user_id,
            &auth::client_ip(),
        )
        .await?;
    outcome.map(|_| ()).map_err(AppError::from)
}
