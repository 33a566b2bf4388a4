use leptos::prelude::*;

use crate::error::AppError;

/// Deletes one of the signed-in holder's collections (its badges stay in
/// the wallet).
#[server(endpoint = "wallet/delete_collection")]
pub async fn delete_collection(public_id: String) -> Result<(), AppError> {
    use crate::ssr::{auth, context};

    let user = auth::require_user().await?;
    if !context()?
        .store
        .delete_collection(user.user_id, &public_id)
        .await?
    {
        return Err(AppError::NotFound);
    }
    leptos_axum::redirect(crate::paths::WALLET);
    Ok(())
}
