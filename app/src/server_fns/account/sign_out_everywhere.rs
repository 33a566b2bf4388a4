use leptos::prelude::*;

use crate::error::AppError;

/// Ends every session of the signed-in user, on every device.
#[server(endpoint = "account/sign_out_everywhere")]
pub async fn sign_out_everywhere() -> Result<(), AppError> {
    use crate::ssr::{auth, context};
    use laurel::AuditEvent;
    use laurel_store::Audit;

    let ctx = context()?;
    let user = auth::require_user().await?;
    let ended = ctx.store.delete_user_sessions(user.user_id).await?;
    ctx.store
        .audit(Audit {
            organisation_id: None,
            user_id: Some(user.user_id),
            event: AuditEvent::SignedOutEverywhere,
            detail: format!("{ended} sessions"),
            ip: &auth::client_ip(),
        })
        .await?;
    auth::clear_session_cookie(ctx.https());
    leptos_axum::redirect("/login");
    Ok(())
}
