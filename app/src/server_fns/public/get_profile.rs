use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use crate::error::AppError;

/// A public badge on a holder's profile.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProfileBadge {
    pub badge: String,
    pub issuer: String,
    pub image_url: String,
    /// The badge's 1200×630 link-preview picture.
    pub share_image_url: String,
    pub verify_url: String,
    pub issued_on: String,
}

/// What a public page under `/u/{handle}` answers: the page, a redirect
/// (the holder changed their handle not long ago: the page answers 302 to
/// this path), or 404.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Public<T> {
    Found(T),
    Moved(String),
    Missing,
}

/// What a visitor sees of a holder: only what they made public.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProfileView {
    pub handle: String,
    pub display_name: String,
    pub summary: String,
    /// The photo's address, when there is one.
    pub photo_url: Option<String>,
    /// The social links the holder made visible.
    pub links: Vec<laurel::domain::VisibleLink>,
    /// The profile's absolute URL (`og:url`).
    pub url: String,
    pub badges: Vec<ProfileBadge>,
    /// The public collections.
    pub collections: Vec<CollectionLink>,
}

/// A public collection on a holder's profile.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CollectionLink {
    pub name: String,
    /// Its page's path.
    pub href: String,
    /// How many public badges it shows.
    pub badge_count: i64,
}

/// Where a page under a given-up handle moved, if it did: `path` maps the
/// holder's current handle to the page's path.
#[cfg(feature = "ssr")]
pub(crate) async fn moved(
    ctx: &laurel_service::ServerContext,
    handle: &str,
    path: impl Fn(&str) -> String,
) -> Result<Option<String>, AppError> {
    Ok(ctx
        .store
        .handle_redirect(handle)
        .await?
        .map(|current| path(&current)))
}

/// A holder's public profile; `Missing` (the page answers 404) when the
/// handle is not valid, unknown, or its profile is switched off, `Moved`
/// when the holder gave this handle up less than 90 days ago. Badges come
/// from `Store::public_profile`, which selects public ones only.
#[server(endpoint = "public/get_profile")]
pub async fn get_profile(handle: String) -> Result<Public<ProfileView>, AppError> {
    let Ok(handle) = laurel::Handle::parse(&handle) else {
        return Ok(Public::Missing);
    };
    let ctx = crate::ssr::context()?;
    let Some((profile, badges)) = ctx.store.public_profile(handle.as_str()).await? else {
        return Ok(
            match moved(&ctx, handle.as_str(), crate::paths::profile_page).await? {
                Some(to) => Public::Moved(to),
                None => Public::Missing,
            },
        );
    };
    let badges = badges.into_iter().map(|b| profile_badge(&ctx, b)).collect();
    let collections = ctx
        .store
        .public_collections(profile.user_id)
        .await?
        .into_iter()
        .map(|c| CollectionLink {
            href: crate::paths::collection_page(&profile.handle, &c.public_id),
            name: c.name,
            badge_count: c.badge_count,
        })
        .collect();
    Ok(Public::Found(ProfileView {
        collections,
        url: ctx.site().profile(&profile.handle),
        photo_url: profile
            .image_type
            .as_ref()
            .map(|_| crate::paths::profile_photo(&profile.handle)),
        links: profile.links.visible(),
        handle: profile.handle,
        display_name: profile.display_name,
        summary: profile.summary,
        badges,
    }))
}

/// A badge as public pages show it (profile, collection).
#[cfg(feature = "ssr")]
pub(crate) fn profile_badge(
    ctx: &laurel_service::ServerContext,
    b: laurel_store::WalletBadge,
) -> ProfileBadge {
    let urls = ctx.urls(&b.subdomain);
    ProfileBadge {
        image_url: urls.badge_image(&b.badge_class_slug),
        share_image_url: ctx.share_image(&b.subdomain, &b.organisation_name, &b.badge_class_slug),
        verify_url: urls.assertion(&b.slug),
        issued_on: b.issued_on.format("%Y-%m-%d").to_string(),
        badge: b.badge_name,
        issuer: b.organisation_name,
    }
}
