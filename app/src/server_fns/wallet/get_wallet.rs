use laurel::BadgeStatus;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use crate::error::AppError;

/// One badge in the wallet.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WalletItem {
    pub slug: String,
    pub badge: String,
    pub issuer: String,
    pub image_url: String,
    pub verify_url: String,
    pub issued_on: String,
    pub status: BadgeStatus,
    pub public: bool,
    /// LinkedIn's add-to-profile link for this badge.
    pub linkedin: String,
}

/// The profile form's current values (empty before the first save).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProfileSettings {
    pub handle: String,
    pub display_name: String,
    pub summary: String,
    pub public: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WalletView {
    pub email: String,
    pub profile: ProfileSettings,
    pub badges: Vec<WalletItem>,
}

/// The signed-in person's wallet: every badge issued to their address, with
/// whether it is public, and their profile settings.
#[server(endpoint = "wallet/get_wallet")]
pub async fn get_wallet() -> Result<WalletView, AppError> {
    use crate::ssr::{auth, context};

    let user = auth::require_user().await?;
    let ctx = context()?;
    let now = chrono::Utc::now();
    let badges = ctx
        .store
        .wallet(user.user_id)
        .await?
        .into_iter()
        .map(|b| {
            let urls = ctx.urls(&b.subdomain);
            let verify_url = urls.assertion(&b.slug);
            let linkedin = laurel::share::Certification {
                name: &b.badge_name,
                organisation_name: &b.organisation_name,
                organisation_id: None,
                issued: b.issued_on.date_naive(),
                expires: b.expires_at.map(|e| e.date_naive()),
                cert_url: &verify_url,
                cert_id: &b.slug,
            }
            .linkedin_url();
            WalletItem {
                linkedin,
                image_url: urls.badge_image(&b.badge_class_slug),
                verify_url,
                issued_on: b.issued_on.format("%Y-%m-%d").to_string(),
                status: BadgeStatus::at(b.revoked_at, b.expires_at, now),
                slug: b.slug,
                badge: b.badge_name,
                issuer: b.organisation_name,
                public: b.public,
            }
        })
        .collect();
    let profile = ctx
        .store
        .holder_profile(user.user_id)
        .await?
        .map(|p| ProfileSettings {
            handle: p.handle,
            display_name: p.display_name,
            summary: p.summary,
            public: p.public,
        })
        .unwrap_or_default();
    Ok(WalletView {
        email: user.email,
        profile,
        badges,
    })
}
