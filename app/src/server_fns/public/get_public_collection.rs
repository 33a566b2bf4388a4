use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use super::get_profile::{ProfileBadge, Public};
use crate::error::AppError;

/// What a visitor sees of a public collection: only its public badges.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PublicCollectionView {
    pub name: String,
    pub description: String,
    pub display_name: String,
    /// The holder's profile (path).
    pub profile_href: String,
    /// The page's absolute URL (`og:url`).
    pub url: String,
    /// The oEmbed endpoint for this page (its discovery link).
    pub oembed_url: String,
    pub badges: Vec<ProfileBadge>,
}

/// A holder's public collection; `Missing` (the page answers 404) when the
/// handle is not valid or unknown, the profile is off, or the collection
/// is not public; `Moved` under a handle the holder gave up not long ago. Badges come from `Store::public_collection`, which
/// selects public ones only.
#[server(endpoint = "public/get_public_collection")]
pub async fn get_public_collection(
    handle: String,
    public_id: String,
) -> Result<Public<PublicCollectionView>, AppError> {
    use super::get_profile::{moved, profile_badge};

    let Ok(handle) = laurel::Handle::parse(&handle) else {
        return Ok(Public::Missing);
    };
    let ctx = crate::ssr::context()?;
    let Some(found) = ctx
        .store
        .public_collection(handle.as_str(), &public_id)
        .await?
    else {
        let path = |current: &str| crate::paths::collection_page(current, &public_id);
        return Ok(match moved(&ctx, handle.as_str(), path).await? {
            Some(to) => Public::Moved(to),
            None => Public::Missing,
        });
    };
    let url = ctx.site().collection(handle.as_str(), &public_id);
    Ok(Public::Found(PublicCollectionView {
        oembed_url: laurel_service::embed::oembed_url(&ctx, &url),
        url,
        profile_href: crate::paths::profile_page(handle.as_str()),
        name: found.collection.name,
        description: found.collection.description,
        display_name: found.profile.display_name,
        badges: found
            .badges
            .into_iter()
            .map(|b| profile_badge(&ctx, b))
            .collect(),
    }))
}
