use leptos::prelude::*;

use crate::error::AppError;

/// Removes the signed-in holder's profile photo.
#[server(endpoint = "wallet/remove_photo")]
pub async fn remove_photo() -> Result<(), AppError> {
    use crate::ssr::{auth, context};

    let user = auth::require_user().await?;
    context()?
        .store
        .set_holder_image(user.user_id, None)
        .await?;
    leptos_axum::redirect(&format!("{}?saved=1#profile", crate::paths::WALLET));
    Ok(())
}
