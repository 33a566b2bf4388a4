use leptos::prelude::*;

use crate::error::AppError;

/// Removes one of the signed-in holder's further addresses: its badges
/// leave the wallet (they stay with their issuers), with their visibility
/// and places in collections.
#[server(endpoint = "wallet/remove_address")]
pub async fn remove_address(email: String) -> Result<(), AppError> {
    use crate::ssr::{auth, context};

    let user = auth::require_user().await?;
    let email = email.trim().to_lowercase();
    if !context()?
        .store
        .remove_address(user.user_id, &email)
        .await?
    {
        return Err(AppError::NotFound);
    }
    leptos_axum::redirect(&format!("{}#addresses", crate::paths::WALLET));
    Ok(())
}
