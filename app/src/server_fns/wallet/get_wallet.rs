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
    /// One of the badge's tags, exactly.
    #[serde(default)]
    pub tag: String,
    /// `name`, or the newest first.
    #[serde(default)]
    pub sort: String,
    /// From 1.
    #[serde(default)]
    pub page: u32,
    /// `list`, or a grid of cards.
    #[serde(default)]
    pub view: String,
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
    pub fn matches(&self, badge: &str, issuer: &str, tags: &[String], status: BadgeStatus) -> bool {
        let q = self.q.trim().to_lowercase();
        (q.is_empty() || badge.to_lowercase().contains(&q) || issuer.to_lowercase().contains(&q))
            && (self.status.is_empty() || self.status == status_word(status))
            && (self.issuer.is_empty() || self.issuer == issuer)
            && (self.tag.is_empty() || tags.contains(&self.tag))
    }

    /// The badges as a list rather than a grid of cards.
    pub fn is_list(&self) -> bool {
        self.view == "list"
    }

    /// The wallet's address with this filter (and `page`), as a link.
    #[cfg(feature = "ssr")]
    pub fn link(&self, page: u32) -> String {
        let mut query = url::form_urlencoded::Serializer::new(String::new());
        for (k, v) in [
            ("q", &self.q),
            ("status", &self.status),
            ("issuer", &self.issuer),
            ("tag", &self.tag),
            ("sort", &self.sort),
            ("view", &self.view),
        ] {
            if !v.is_empty() {
                query.append_pair(k, v);
            }
        }
        query.append_pair("page", &page.to_string());
        format!("{}?{}", crate::paths::WALLET, query.finish())
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
    pub tags: Vec<String>,
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
    pub links: laurel::SocialLinks,
    /// New badges start public (the holder's standing choice).
    pub default_public: bool,
    /// The photo's public address, when there is a photo.
    pub photo_url: Option<String>,
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
    /// Every tag of the wallet's badges, for the filter.
    pub tags: Vec<String>,
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
    let all: Vec<(laurel_store::WalletBadge, Vec<String>)> = all
        .into_iter()
        .map(|b| {
            let tags = serde_json::from_str(&b.tags).unwrap_or_default();
            (b, tags)
        })
        .collect();
    let mut tags: Vec<String> = all.iter().flat_map(|(_, t)| t.iter().cloned()).collect();
    tags.sort_by_key(|t| t.to_lowercase());
    tags.dedup();
    let mut chosen: Vec<_> = all
        .into_iter()
        .filter(|(b, tags)| {
            filter.matches(
                &b.badge_name,
                &b.organisation_name,
                tags,
                BadgeStatus::at(b.revoked_at, b.expires_at, now),
            )
        })
        .collect();
    if filter.sort == "name" {
        chosen.sort_by(|(a, _), (b, _)| {
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
        .map(|(b, tags)| {
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
                tags,
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
            photo_url: p
                .image_type
                .as_ref()
                .map(|_| crate::paths::profile_photo(&p.handle)),
            handle: p.handle,
            display_name: p.display_name,
            summary: p.summary,
            public: p.public,
            links: p.links,
            default_public: p.default_public,
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
    let page_link = |page: u32| filter.link(page);
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
        tags,
        addresses,
        email: user.email,
        profile,
        badges,
        imports,
        collections,
    })
}
