use leptos::prelude::*;

use crate::error::AppError;

/// Sets a new password with an emailed reset link (single use, one hour).
/// Every session of the account ends; two-factor authentication stays on.
#[server(endpoint = "security/reset_password")]
pub async fn reset_password(
    token: String,
    password: String,
    password_confirm: String,
) -> Result<(), AppError> {
    use crate::ssr::{auth, context};
    use laurel_service::accounts;
    use laurel_store::{TokenProblem, TokenPurpose};

    let ctx = context()?;
    let ip = auth::client_ip();
    auth::limit_address("reset-link", 20, 3600).await?;
    let token_hash = accounts::token_hash(&token);
    let email = match ctx
        .store
        .usable_token(TokenPurpose::Reset, &token_hash)
        .await?
    {
        Ok(t) => t.email,
        Err(problem) => return Err(problem.into()),
    };
    let Some(user) = ctx.store.user_by_email(&email).await? else {
        return Err(AppError::Invalid(
            TokenProblem::Unknown.message().to_owned(),
        ));
    };
    let password_hash =
        accounts::choose_password(&password, &password_confirm, &[&email, &user.display_name])
            .await?;
    if let Err(problem) = ctx
        .store
        .reset_password(&token_hash, &password_hash, &ip)
        .await?
    {
        return Err(problem.into());
    }
    // A lock-out from wrong passwords ends with the new password.
    ctx.store
        .clear_rate_limit(&format!("login:account:{email}"))
        .await?;
    leptos_axum::redirect("/password/reset?done=1");
    Ok(())
}
