use leptos::prelude::*;

use crate::error::AppError;

/// Gives a member another role. Privileged members only. The last
/// privileged member cannot be demoted; a member who demotes themselves is
/// sent back to the portal (the page is no longer theirs to see).
#[server(endpoint = "members/change_role")]
pub async fn change_role(subdomain: String, user_id: i64, role: String) -> Result<(), AppError> {
    use crate::ssr::{access, auth, context};
    use laurel::Role;

    let (user, membership) = access::require_role(&subdomain, Role::Privileged).await?;
    let ctx = context()?;
    let Some(role) = role.parse::<Role>().ok() else {
        return Err(AppError::Invalid(
            "Choose the role: regular or privileged.".into(),
        ));
    };
    let change = ctx
        .store
        .change_role(
            membership.organisation_id,
            user_id,
            role,
            user.user_id,
            &auth::client_ip(),
        )
        .await??;
    tracing::info!(
        organisation = membership.organisation_id,
        member = user_id,
        from = %change.old_role,
        to = %change.new_role,
        sessions_ended = change.sessions_ended,
        "role changed"
    );
    if user_id == user.user_id && !role.includes(Role::Privileged) {
        leptos_axum::redirect("/portal");
    }
    Ok(())
}
