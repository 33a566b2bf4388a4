// One argument per form field, as the plain form posts them: the `server`
// macro makes a browser-side function with the same arguments, which the
// attribute on the function does not reach.
#![allow(clippy::too_many_arguments)]

use leptos::prelude::*;

use crate::error::AppError;

/// Saves the signed-in holder's public profile: handle (unique; the old one
/// keeps redirecting for a while), display name, summary, social links with
/// their visibility toggles, whether the profile is on and whether new
/// badges start public. Checkboxes arrive only when ticked, hence the
/// `Option`s.
#[server(endpoint = "wallet/save_profile")]
pub async fn save_profile(
    handle: String,
    display_name: String,
    summary: String,
    public: Option<String>,
    default_public: Option<String>,
    #[server(default)] linkedin_url: String,
    linkedin_visible: Option<String>,
    #[server(default)] facebook_url: String,
    facebook_visible: Option<String>,
    #[server(default)] twitter_url: String,
    twitter_visible: Option<String>,
    #[server(default)] wechat_id: String,
    wechat_visible: Option<String>,
) -> Result<(), AppError> {
    use crate::components::social::posted_links;
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
    let links = posted_links(
        linkedin_url,
        linkedin_visible,
        facebook_url,
        facebook_visible,
        twitter_url,
        twitter_visible,
        wechat_id,
        wechat_visible,
    )?;
    context()?
        .store
        .save_holder_profile(
            user.user_id,
            ProfileUpdate {
                handle: handle.as_str(),
                display_name,
                summary,
                public: public.is_some(),
                links: &links,
                default_public: default_public.is_some(),
            },
        )
        .await?;
    leptos_axum::redirect(&format!("{}?saved=1#profile", crate::paths::WALLET));
    Ok(())
}
