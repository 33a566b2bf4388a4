use leptos::prelude::*;

use crate::error::AppError;

/// Whether a password reset link can still be used, and for which address.
#[server(endpoint = "security/check_reset_token")]
pub async fn check_reset_token(token: String) -> Result<String, AppError> {
    use crate::ssr::context;
    use laurel_service::accounts;
    use laurel_store::TokenPurpose;

    let ctx = context()?;
    match ctx
        .store
        .usable_token(TokenPurpose::Reset, &accounts::token_hash(&token))
        .await?
    {
        Ok(t) => Ok(t.email),
        Err(problem) => Err(problem.into()),
    }
}
