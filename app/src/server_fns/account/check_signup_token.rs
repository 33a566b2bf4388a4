use leptos::prelude::*;

use crate::error::AppError;

/// Whether a sign-up link can still be used, and for which address.
#[server(endpoint = "account/check_signup_token")]
pub async fn check_signup_token(token: String) -> Result<String, AppError> {
    use crate::ssr::context;
    use laurel_service::accounts;
    use laurel_store::TokenPurpose;

    let ctx = context()?;
    match ctx
        .store
        .usable_token(TokenPurpose::Signup, &accounts::token_hash(&token))
        .await?
    {
        Ok(t) => Ok(t.email),
        Err(problem) => Err(problem.into()),
    }
}
