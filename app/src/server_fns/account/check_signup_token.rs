use leptos::prelude::*;

use super::request_signup::SignupKind;
use crate::error::AppError;

/// Whether a sign-up link (a holder's or an issuer's) can still be used,
/// and for which address.
#[server(endpoint = "account/check_signup_token")]
pub async fn check_signup_token(token: String, kind: SignupKind) -> Result<String, AppError> {
    use crate::ssr::context;
    use laurel_service::accounts;
    use laurel_store::TokenPurpose;

    let ctx = context()?;
    let purpose = match kind {
        SignupKind::Holder => TokenPurpose::Holder,
        SignupKind::Issuer => TokenPurpose::Signup,
    };
    match ctx
        .store
        .usable_token(purpose, &accounts::token_hash(&token))
        .await?
    {
        Ok(t) => Ok(t.email),
        Err(problem) => Err(problem.into()),
    }
}
