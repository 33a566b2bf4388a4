use leptos::prelude::*;

use super::request_signup::SignupKind;
use crate::error::AppError;

/// Whether a sign-up link (a holder's or an issuer's) can still be used,
/// and for which address.
#[server(endpoint = "account/check_signup_token")]
pub async fn check_signup_token(token: String, kind: SignupKind) -> Result<String, AppError> {
    let ctx = crate::ssr::context()?;
    Ok(signup_link(&ctx, kind, &token).await?.1)
}

/// The stored hash of a sign-up link's token and the address it was sent
/// to, or why it cannot be used: what the link's page and both activations
/// (`activate`, `activate_holder`) ask first.
#[cfg(feature = "ssr")]
pub(crate) async fn signup_link(
    ctx: &laurel_service::ServerContext,
    kind: SignupKind,
    token: &str,
) -> Result<(String, String), AppError> {
    use laurel_store::TokenPurpose;
    let purpose = match kind {
        SignupKind::Holder => TokenPurpose::Holder,
        SignupKind::Issuer => TokenPurpose::Signup,
    };
    let hash = laurel_service::accounts::token_hash(token);
    match ctx.store.usable_token(purpose, &hash).await? {
        Ok(t) => Ok((hash, t.email)),
        Err(problem) => Err(problem.into()),
    }
}
