use leptos::prelude::*;

use crate::error::AppError;

/// Makes every badge the wallet's filter shows public (`public` = "true")
/// or private (anything else): the bulk change. The filter is the one of
/// the list the holder is looking at (search, status, issuer, tag; every page).
#[server(endpoint = "wallet/set_visibility_all")]
pub async fn set_visibility_all(
    public: String,
    #[server(default)] q: String,
    #[server(default)] status: String,
    #[server(default)] issuer: String,
    #[server(default)] tag: String,
    #[server(default)] view: String,
) -> Result<(), AppError> {
    use super::get_wallet::WalletFilter;
    use crate::ssr::{auth, context};
    use laurel::BadgeStatus;

    let user = auth::require_user().await?;
    let ctx = context()?;
    let filter = WalletFilter {
        q,
        status,
        issuer,
        tag,
        view,
        ..WalletFilter::default()
    };
    let public = public == "true";
    let now = chrono::Utc::now();
    for b in ctx.store.wallet(user.user_id).await? {
        let status = BadgeStatus::at(b.revoked_at, b.expires_at, now);
        let tags: Vec<String> = serde_json::from_str(&b.tags).unwrap_or_default();
        if b.public != public && filter.matches(&b.badge_name, &b.organisation_name, &tags, status)
        {
            ctx.store
                .set_wallet_visibility(user.user_id, &b.slug, public)
                .await?;
        }
    }
    leptos_axum::redirect(&filter.link(1));
    Ok(())
}
