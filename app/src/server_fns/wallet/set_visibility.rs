use leptos::prelude::*;

use crate::error::AppError;

/// Makes one of the signed-in holder's badges public (`public` = "true") or
/// private (anything else). A badge that is not theirs is "not found":
/// whether it exists is not told. `from` = "badge" comes back to the
/// badge's own page instead of the wallet.
#[server(endpoint = "wallet/set_visibility")]
pub async fn set_visibility(
    slug: String,
    public: String,
    #[server(default)] from: Option<String>,
) -> Result<(), AppError> {
    use crate::ssr::{auth, context};

    let user = auth::require_user().await?;
    let ctx = context()?;
    let public = public == "true";
    if !ctx
        .store
        .set_wallet_visibility(user.user_id, slug.trim(), public)
        .await?
    {
        return Err(AppError::NotFound);
    }
    if from.as_deref() == Some("badge") {
        leptos_axum::redirect(&crate::paths::wallet_badge_page(slug.trim()));
    } else {
        leptos_axum::redirect(crate::paths::WALLET);
    }
    Ok(())
}
