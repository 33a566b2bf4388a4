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
    /// LinkedIn's add-to-profile link for this badge (through Laurel's
    /// counting redirect).
    pub linkedin: String,
    /// The HTML snippet to embed it elsewhere (public badges only).
    pub embed: Option<String>,
}

/// A badge imported from another issuer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImportItem {
    pub public_id: String,
    pub badge: String,
    pub issuer: String,
    /// `YYYY-MM-DD`, when the badge says.
    pub issued_on: Option<String>,
    /// "Open Badges 2.0" or "Open Badges 3.0".
    pub version: String,
    /// Valid at the last check.
    pub valid: bool,
    /// Why not, when not valid (the first failed check's sentence).
    pub problem: Option<String>,
    /// When it was last checked (UTC, `YYYY-MM-DD HH:MM`).
    pub checked_at: String,
}

/// One of the holder's collections, as the wallet lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CollectionSummary {
    pub public_id: String,
    pub name: String,
    pub public: bool,
    pub badge_count: i64,
}

/// One of the holder's addresses.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AddressItem {
    pub email: String,
    /// The account's own address (cannot be removed here).
    pub primary: bool,
    pub verified: bool,
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
    pub imports: Vec<ImportItem>,
    pub collections: Vec<CollectionSummary>,
    pub addresses: Vec<AddressItem>,
}

/// The signed-in person's wallet: every badge issued to their address, with
/// whether it is public, the badges they imported, their collections and
/// their profile settings.
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
            let linkedin = urls.share(&b.slug, laurel::ShareChannel::Linkedin);
            let status = BadgeStatus::at(b.revoked_at, b.expires_at, now);
            let issued_on = b.issued_on.format("%Y-%m-%d").to_string();
            let image_url = urls.badge_image(&b.badge_class_slug);
            let embed = b.public.then(|| {
                laurel_service::embed::card(&laurel_service::embed::Card {
                    badge_name: &b.badge_name,
                    issuer_name: &b.organisation_name,
                    issued_on: &issued_on,
                    image_url: &image_url,
                    verify_url: &verify_url,
                    status,
                })
            });
            WalletItem {
                linkedin,
                embed,
                image_url,
                verify_url,
                issued_on,
                status,
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
    let imports = ctx
        .store
        .imports(user.user_id)
        .await?
        .into_iter()
        .map(|i| ImportItem {
            problem: (!i.valid)
                .then(|| laurel_service::imports::problem(&i.report))
                .flatten(),
            public_id: i.public_id,
            badge: i.badge_name,
            issuer: i.issuer_name,
            issued_on: i.issued_on,
            version: format!("Open Badges {}", i.version.as_deref().unwrap_or("?")),
            valid: i.valid,
            checked_at: i.verified_at.format("%Y-%m-%d %H:%M UTC").to_string(),
        })
        .collect();
    let collections = ctx
        .store
        .collections(user.user_id)
        .await?
        .into_iter()
        .map(|c| CollectionSummary {
            public_id: c.public_id,
            name: c.name,
            public: c.public,
            badge_count: c.badge_count,
        })
        .collect();
    let mut addresses = vec![AddressItem {
        email: user.email.clone(),
        primary: true,
        verified: true,
    }];
    addresses.extend(
        ctx.store
            .user_emails(user.user_id)
            .await?
            .into_iter()
            .map(|e| AddressItem {
                email: e.email,
                primary: false,
                verified: e.verified_at.is_some(),
            }),
    );
    Ok(WalletView {
        addresses,
        email: user.email,
        profile,
        badges,
        imports,
        collections,
    })
}
