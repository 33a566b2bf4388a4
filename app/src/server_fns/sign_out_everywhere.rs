use leptos::prelude::*;

use crate::error::AppError;

/// Ends every session of the signed-in user, on every device.
#[server]
pub async fn sign_out_everywhere() -> Result<(), AppError> {
    use crate::ssr::{auth, context};

    let ctx = context()?;
    let user = auth::require_user().await?;
    let ended = ctx.store.delete_user_sessions(user.user_id).await?;
    ctx.store
        .audit(
            None,
            Some(user.user_id),
            "user.signed_out_everywhere",
            &format!("{ended} sessions"),
            &auth::client_ip(),
        )
        .await?;
    auth::clear_session_cookie(ctx.https());
    leptos_axum::redirect("/login");
    Ok(())
}
