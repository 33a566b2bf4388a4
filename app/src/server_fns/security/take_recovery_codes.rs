use leptos::prelude::*;

use crate::error::AppError;

/// The recovery codes just made for this session — once: afterwards the
/// list is empty, because only their hashes are kept.
#[server(endpoint = "security/take_recovery_codes")]
pub async fn take_recovery_codes() -> Result<Vec<String>, AppError> {
    use crate::ssr::{auth, context};
    use laurel_service::accounts;
    use laurel_service::mfa;

    let ctx = context()?;
    let user = auth::require_user().await?;
    let Some(session) = auth::session_token() else {
        return Err(AppError::Unauthorized);
    };
    let session_hash = accounts::token_hash(&session);
    match ctx
        .store
        .take_recovery_codes(&session_hash, user.user_id)
        .await?
    {
        Some(sealed) => Ok(mfa::open_codes(&ctx.master_key, &session_hash, &sealed)?),
        None => Ok(Vec::new()),
    }
}
