use leptos::prelude::*;

use crate::error::AppError;

/// Removes a member from the organisation (their Laurel account stays).
/// Privileged members only; the last privileged member cannot be removed.
/// A member who removes themselves is sent back to the portal.
#[server(endpoint = "members/remove_member")]
pub async fn remove_member(subdomain: String, user_id: i64) -> Result<(), AppError> {
    use crate::ssr::{access, auth, context};
    use laurel::Role;

    let (user, membership) = access::require_role(&subdomain, Role::Privileged).await?;
    let ctx = context()?;
    ctx.store
        .remove_member(
            membership.organisation_id,
            user_id,
            user.user_id,
            &auth::client_ip(),
        )
        .await??;
    if user_id == user.user_id {
        leptos_axum::redirect("/portal");
    }
    Ok(())
}
