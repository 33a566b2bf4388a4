use leptos::prelude::*;

use crate::error::AppError;

/// Withdraws a pending invitation: its link stops working. Privileged
/// members only.
#[server(endpoint = "members/revoke_invitation")]
pub async fn revoke_invitation(subdomain: String, invitation_id: i64) -> Result<(), AppError> {
    use crate::ssr::{access, auth, context};
    use laurel::Role;

    let (user, membership) = access::require_role(&subdomain, Role::Privileged).await?;
    let ctx = context()?;
    ctx.store
        .revoke_invitation(
            membership.organisation_id,
            invitation_id,
            user.user_id,
            &auth::client_ip(),
        )
        .await?
        .map_err(AppError::from)
}
