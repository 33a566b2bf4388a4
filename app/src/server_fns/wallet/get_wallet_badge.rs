use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use crate::error::AppError;
use crate::server_fns::public::get_assertion::AssertionView;

/// One badge of the signed-in holder's wallet, on its own page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WalletBadgeView {
    pub slug: String,
    /// What its verification page shows (criteria rendered from Markdown,
    /// evidence, dates, status, the documents to download, sharing).
    pub badge: AssertionView,
    pub public: bool,
    pub tags: Vec<String>,
    /// The HTML snippet to embed it elsewhere (public badges only).
    pub embed: Option<String>,
}

/// One badge of the signed-in holder's wallet; "not found" when it is not
/// theirs (another holder's badge is as absent as an unknown one). Opening
/// it is not counted as a public view.
#[server(endpoint = "wallet/get_wallet_badge")]
pub async fn get_wallet_badge(slug: String) -> Result<WalletBadgeView, AppError> {
    use crate::server_fns::public::get_assertion::assertion_view;
    use crate::ssr::{auth, context};

    let user = auth::require_user().await?;
    let ctx = context()?;
    let b = ctx
        .store
        .wallet_badge(user.user_id, slug.trim())
        .await?
        .ok_or(AppError::NotFound)?;
    let subdomain = laurel::Subdomain::parse(&b.subdomain).map_err(|_| AppError::Internal)?;
    let org = ctx
        .store
        .organisation_by_subdomain(&subdomain)
        .await?
        .ok_or(AppError::NotFound)?;
    let a = ctx
        .store
        .assertion_by_slug(org.id, &b.slug)
        .await?
        .ok_or(AppError::NotFound)?;
    let badge = assertion_view(&ctx, &org, &a).await?;
    let embed = b.public.then(|| {
        laurel_service::embed::card(&laurel_service::embed::Card {
            badge_name: &badge.badge_name,
            issuer_name: &badge.issuer_name,
            issued_on: &b.issued_on.format("%Y-%m-%d").to_string(),
            image_url: &badge.image_url,
            verify_url: &badge.page_url,
            status: badge.status,
        })
    });
    Ok(WalletBadgeView {
        tags: serde_json::from_str(&b.tags).unwrap_or_default(),
        slug: b.slug,
        public: b.public,
        embed,
        badge,
    })
}
