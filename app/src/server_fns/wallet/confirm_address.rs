use leptos::prelude::*;

use crate::error::AppError;

/// Confirms a further address from its emailed link, for the signed-in
/// holder who added it: from now on its badges are in their wallet.
#[server(endpoint = "wallet/confirm_address")]
pub async fn confirm_address(token: String) -> Result<(), AppError> {
    use crate::ssr::{auth, context};
    use laurel_service::accounts;

    let user = auth::require_user().await?;
    let ctx = context()?;
    accounts::rate_limit(
        &ctx.store,
        &format!("address-link:user:{}", user.user_id),
        20,
        3600,
    )
    .await?;
    match ctx
        .store
        .verify_address(user.user_id, &accounts::token_hash(&token))
        .await?
    {
        Ok(_) => {
            leptos_axum::redirect(&format!(
                "{}?address_added=1#addresses",
                crate::paths::WALLET
            ));
            Ok(())
        }
        Err(problem) => Err(AppError::Invalid(problem.message().to_owned())),
    }
}
