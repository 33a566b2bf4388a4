use leptos::prelude::*;

use crate::error::AppError;

/// Saves the signed-in holder's public profile: handle (unique), display
/// name, summary and whether the profile is on. The checkbox arrives only
/// when ticked, hence the `Option`.
#[server(endpoint = "wallet/save_profile")]
pub async fn save_profile(
    handle: String,
    display_name: String,
    summary: String,
    public: Option<String>,
) -> Result<(), AppError> {
    use crate::ssr::{auth, context};
    use laurel_store::ProfileUpdate;

    let user = auth::require_user().await?;
    let handle = laurel::Handle::parse(&handle)?;
    let display_name = display_name.trim();
    let name_len = display_name.chars().count();
    if !(1..=100).contains(&name_len) {
        return Err(AppError::Invalid(format!(
            "The display name must be between 1 and 100 characters (it has {name_len})."
        )));
    }
    let summary = summary.trim();
    let summary_len = summary.chars().count();
    if summary_len > 1000 {
        return Err(AppError::Invalid(format!(
            "The summary can be at most 1000 characters (it has {summary_len})."
        )));
    }
    context()?
        .store
        .save_holder_profile(
            user.user_id,
            ProfileUpdate {
                handle: handle.as_str(),
                display_name,
                summary,
                public: public.is_some(),
            },
        )
        .await?;
    leptos_axum::redirect(&format!("{}?saved=1", crate::paths::WALLET));
    Ok(())
}
