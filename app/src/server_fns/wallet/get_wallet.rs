use laurel::BadgeStatus;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use crate::error::AppError;

/// What the wallet's badge list shows: a search, a status, an issuer, a
/// sort order and a page, from the page's query string (a plain GET form).
/// Empty fields mean "all".
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct WalletFilter {
    #[serde(default)]
    pub q: String,
    /// `valid`, `expired` or `revoked`.
    #[serde(default)]
    pub status: String,
    /// An issuer's name, exactly.
    #[serde(default)]
    pub issuer: String,
    /// `name`, or the newest first.
    #[serde(default)]
    pub sort: String,
    /// From 1.
    #[serde(default)]
    pub page: u32,
}

/// Badges per wallet page.
pub const WALLET_PAGE: usize = 24;

/// The status word of the wallet's filter for a badge status.
pub fn status_word(status: BadgeStatus) -> &'static str {
    match status {
        BadgeStatus::Active => "valid",
        BadgeStatus::Expired => "expired",
        BadgeStatus::Revoked => "revoked",
    }
}

impl WalletFilter {
    /// Whether a badge is shown under this filter.
    pub fn matches(&self, badge: &str, issuer: &str, status: BadgeStatus) -> bool {
        let q = self.q.trim().to_lowercase();
        (q.is_empty() || badge.to_lowercase().contains(&q) || issuer.to_lowercase().contains(&q))
            && (self.status.is_empty() || self.status == status_word(status))
            && (self.issuer.is_empty() || self.issuer == issuer)
    }
}

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
    /// The badges the filter shows, this page of them.
    pub badges: Vec<WalletItem>,
    /// How many badges the wallet holds, and how many the filter shows.
    pub total: usize,
    pub matching: usize,
    /// The filter as applied (its page clamped to the pages there are).
    pub filter: WalletFilter,
    pub pages: u32,
    /// The links to the previous and next pages, when there are.
    pub previous_page: Option<String>,
    pub next_page: Option<String>,
    /// Every issuer in the wallet, for the filter.
    pub issuers: Vec<String>,
    pub imports: Vec<ImportItem>,
    pub collections: Vec<CollectionSummary>,
    pub addresses: Vec<AddressItem>,
}

/// The signed-in person's wallet: every badge issued to their address, with
/// whether it is public, the badges they imported, their collections and
/// their profile settings.
#[server(endpoint = "wallet/get_wallet")]
pub async fn get_wallet(#[server(default)] filter: WalletFilter) -> Result<WalletView, AppError> {
    use crate::ssr::{auth, context};

    let user = auth::require_user().await?;
    let ctx = context()?;
    let now = chrono::Utc::now();
    let all = ctx.store.wallet(user.user_id).await?;
    let total = all.len();
    let mut issuers: Vec<String> = all.iter().map(|b| b.organisation_name.clone()).collect();
    issuers.sort();
    issuers.dedup();
    let mut chosen: Vec<_> = all
        .into_iter()
        .filter(|b| {
            filter.matches(
                &b.badge_name,
                &b.organisation_name,
                BadgeStatus::at(b.revoked_at, b.expires_at, now),
            )
        })
        .collect();
    if filter.sort == "name" {
        chosen.sort_by(|a, b| {
            a.badge_name
                .to_lowercase()
                .cmp(&b.badge_name.to_lowercase())
        });
    }
    let matching = chosen.len();
    let pages = matching.div_ceil(WALLET_PAGE).max(1) as u32;
    let mut filter = filter;
    filter.page = filter.page.clamp(1, pages);
    let badges = chosen
        .into_iter()
        .skip((filter.page as usize - 1) * WALLET_PAGE)
        .take(WALLET_PAGE)
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
    let page_link = |page: u32| {
        let mut query = url::form_urlencoded::Serializer::new(String::new());
        for (k, v) in [
            ("q", &filter.q),
            ("status", &filter.status),
            ("issuer", &filter.issuer),
            ("sort", &filter.sort),
        ] {
            if !v.is_empty() {
                query.append_pair(k, v);
            }
        }
        query.append_pair("page", &page.to_string());
        format!("{}?{}", crate::paths::WALLET, query.finish())
    };
    let previous_page = (filter.page > 1).then(|| page_link(filter.page - 1));
    let next_page = (filter.page < pages).then(|| page_link(filter.page + 1));
    Ok(WalletView {
        total,
        matching,
        previous_page,
        next_page,
        filter,
        pages,
        issuers,
        addresses,
        email: user.email,
        profile,
        badges,
        imports,
        collections,
    })
}
