use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use crate::error::AppError;

/// A badge of a collection, or one that could be added.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CollectionItem {
    pub slug: String,
    pub badge: String,
    pub issuer: String,
    pub image_url: String,
    /// Public in the wallet (only public badges show on the public page).
    pub public: bool,
}

/// One of the holder's collections, to edit.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CollectionView {
    pub public_id: String,
    pub name: String,
    pub description: String,
    pub public: bool,
    /// The public page, when the collection and the profile are public.
    pub page: Option<String>,
    /// Its badges, in order.
    pub badges: Vec<CollectionItem>,
    /// The wallet's other badges.
    pub addable: Vec<CollectionItem>,
}

/// One of the signed-in holder's collections with its badges and the
/// badges that could be added; "not found" when it is not theirs.
#[server(endpoint = "wallet/get_collection")]
pub async fn get_collection(public_id: String) -> Result<CollectionView, AppError> {
    use crate::ssr::{auth, context};

    let user = auth::require_user().await?;
    let ctx = context()?;
    let collection = ctx
        .store
        .collections(user.user_id)
        .await?
        .into_iter()
        .find(|c| c.public_id == public_id)
        .ok_or(AppError::NotFound)?;
    let item = |b: laurel_store::WalletBadge| CollectionItem {
        image_url: ctx.urls(&b.subdomain).badge_image(&b.badge_class_slug),
        slug: b.slug,
        badge: b.badge_name,
        issuer: b.organisation_name,
        public: b.public,
    };
    let badges: Vec<CollectionItem> = ctx
        .store
        .collection_badges(user.user_id, &public_id)
        .await?
        .into_iter()
        .map(item)
        .collect();
    let addable = ctx
        .store
        .wallet(user.user_id)
        .await?
        .into_iter()
        .filter(|b| !badges.iter().any(|c| c.slug == b.slug))
        .map(item)
        .collect();
    let profile = ctx.store.holder_profile(user.user_id).await?;
    let page = profile
        .filter(|p| p.public && collection.public)
        .map(|p| crate::paths::collection_page(&p.handle, &public_id));
    Ok(CollectionView {
        public_id: collection.public_id,
        name: collection.name,
        description: collection.description,
        public: collection.public,
        page,
        badges,
        addable,
    })
}
