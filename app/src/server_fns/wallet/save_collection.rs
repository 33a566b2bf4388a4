use leptos::prelude::*;

use crate::error::AppError;

/// Saves one of the signed-in holder's collections: name, description and
/// whether it has a public page (the checkbox arrives only when ticked).
#[server(endpoint = "wallet/save_collection")]
pub async fn save_collection(
    public_id: String,
    name: String,
    description: String,
    public: Option<String>,
) -> Result<(), AppError> {
    use crate::ssr::{auth, context};
    use laurel_store::CollectionFields;

    let user = auth::require_user().await?;
    let (name, description) = collection_fields(&name, &description)?;
    let saved = context()?
        .store
        .update_collection(
            user.user_id,
            &public_id,
            CollectionFields {
                name,
                description,
                public: public.is_some(),
            },
        )
        .await?;
    if !saved {
        return Err(AppError::NotFound);
    }
    leptos_axum::redirect(&format!(
        "{}?saved=1",
        crate::paths::wallet_collection(&public_id)
    ));
    Ok(())
}

/// A collection's name (1–100 characters) and description (at most 1000),
/// trimmed, or the sentence saying what is wrong.
#[cfg(feature = "ssr")]
pub(crate) fn collection_fields<'a>(
    name: &'a str,
    description: &'a str,
) -> Result<(&'a str, &'a str), AppError> {
    let name = name.trim();
    let len = name.chars().count();
    if !(1..=100).contains(&len) {
        return Err(AppError::Invalid(format!(
            "The collection's name must be between 1 and 100 characters (it has {len})."
        )));
    }
    let description = description.trim();
    let len = description.chars().count();
    if len > 1000 {
        return Err(AppError::Invalid(format!(
            "The description can be at most 1000 characters (it has {len})."
        )));
    }
    Ok((name, description))
}
