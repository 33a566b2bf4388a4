use leptos::prelude::*;

use crate::error::AppError;

/// Makes every badge the wallet's filter shows public (`public` = "true")
/// or private (anything else): the bulk change. The filter is the one of
/// the list the holder is looking at (search, status, issuer; every page).
#[server(endpoint = "wallet/set_visibility_all")]
pub async fn set_visibility_all(
    public: String,
    #[server(default)] q: String,
    #[server(default)] status: String,
    #[server(default)] issuer: String,
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
        ..WalletFilter::default()
    };
    let public = public == "true";
    let now = chrono::Utc::now();
    for b in ctx.store.wallet(user.user_id).await? {
        let status = BadgeStatus::at(b.revoked_at, b.expires_at, now);
        if b.public != public && filter.matches(&b.badge_name, &b.organisation_name, status) {
            ctx.store
                .set_wallet_visibility(user.user_id, &b.slug, public)
                .await?;
        }
    }
    let query: String = url::form_urlencoded::Serializer::new(String::new())
        .append_pair("q", &filter.q)
        .append_pair("status", &filter.status)
        .append_pair("issuer", &filter.issuer)
        .finish();
    leptos_axum::redirect(&format!("{}?{query}", crate::paths::WALLET));
    Ok(())
}
