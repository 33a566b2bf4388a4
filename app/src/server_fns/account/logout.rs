use leptos::prelude::*;

use crate::error::AppError;

/// Ends this session.
#[server(endpoint = "account/logout")]
pub async fn logout() -> Result<(), AppError> {
    use crate::ssr::{auth, context};
    use laurel_service::accounts;

    let ctx = context()?;
    if let Some(token) = auth::session_token() {
        ctx.store
            .delete_session(&accounts::token_hash(&token))
            .await?;
    }
    auth::clear_session_cookie(ctx.https());
    leptos_axum::redirect("/");
    Ok(())
}
