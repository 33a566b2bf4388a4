use leptos::prelude::*;

use crate::error::AppError;

/// Whether a sign-up link can still be used, and for which address.
#[server]
pub async fn check_signup_token(token: String) -> Result<String, AppError> {
    use crate::ssr::{auth, context};
    use crate::store::TokenPurpose;

    let ctx = context()?;
    match ctx
        .store
        .usable_token(TokenPurpose::Signup, &auth::token_hash(&token))
        .await?
    {
        Ok(t) => Ok(t.email),
        Err(problem) => Err(AppError::Invalid(problem.message().to_owned())),
    }
}
