use leptos::prelude::*;

use crate::error::AppError;

/// Ends this session.
#[server]
pub async fn logout() -> Result<(), AppError> {
    use crate::ssr::{auth, context};

    let ctx = context()?;
    if let Some(token) = auth::session_token() {
        ctx.store.delete_session(&auth::token_hash(&token)).await?;
    }
    auth::clear_session_cookie(ctx.https());
    leptos_axum::redirect("/");
    Ok(())
}
