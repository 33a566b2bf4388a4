use leptos::prelude::*;

use crate::error::AppError;

/// Creates a collection (private until its holder makes it public) and opens
/// it to add badges.
#[server(endpoint = "wallet/create_collection")]
pub async fn create_collection(name: String) -> Result<(), AppError> {
    use super::save_collection::collection_fields;
    use crate::ssr::{auth, context};
    use laurel_service::accounts;
    use laurel_store::CollectionFields;

    let user = auth::require_user().await?;
    let (name, description) = collection_fields(&name, "")?;
    let ctx = context()?;
    if ctx.store.collections(user.user_id).await?.len() >= MAX_COLLECTIONS {
        return Err(AppError::Invalid(format!(
            "You have {MAX_COLLECTIONS} collections, the most a wallet holds; delete one first."
        )));
    }
    let public_id: String = accounts::new_token().0.chars().take(12).collect();
    ctx.store
        .create_collection(
            user.user_id,
            &public_id,
            CollectionFields {
                name,
                description,
                public: false,
            },
        )
        .await?;
    leptos_axum::redirect(&crate::paths::wallet_collection(&public_id));
    Ok(())
}

/// The most collections one wallet holds.
#[cfg(feature = "ssr")]
const MAX_COLLECTIONS: usize = 50;
