use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use crate::error::AppError;

/// What to do with one badge of a collection.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Arrange {
    Add,
    Remove,
    Earlier,
    Later,
}

/// Adds one of the signed-in holder's badges to one of their collections,
/// takes it out, or moves it one place (a move past either end does
/// nothing). A badge or collection that is not theirs is "not found";
/// nothing is written.
#[server(endpoint = "wallet/arrange_collection")]
pub async fn arrange_collection(
    public_id: String,
    slug: String,
    op: Arrange,
) -> Result<(), AppError> {
    use crate::ssr::{auth, context};

    let user = auth::require_user().await?;
    let store = context()?.store;
    let slug = slug.trim();
    let done = match op {
        // Adding a badge that is in the collection already (a second
        // click) is done, not an error.
        Arrange::Add => {
            store
                .add_to_collection(user.user_id, &public_id, slug)
                .await?
                || store
                    .collection_badges(user.user_id, &public_id)
                    .await?
                    .iter()
                    .any(|b| b.slug == slug)
        }
        Arrange::Remove => {
            store
                .remove_from_collection(user.user_id, &public_id, slug)
                .await?
        }
        Arrange::Earlier | Arrange::Later => {
            store
                .move_in_collection(user.user_id, &public_id, slug, op == Arrange::Earlier)
                .await?
        }
    };
    if !done && op != Arrange::Earlier && op != Arrange::Later {
        return Err(AppError::NotFound);
    }
    leptos_axum::redirect(&crate::paths::wallet_collection(&public_id));
    Ok(())
}
