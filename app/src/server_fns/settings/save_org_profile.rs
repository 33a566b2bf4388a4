use leptos::prelude::*;

use crate::error::AppError;

/// Saves the summary and social links with their visibility toggles.
/// Checkboxes arrive only when ticked, hence the `Option`s.
#[server(endpoint = "settings/save_org_profile")]
pub async fn save_org_profile(
    subdomain: String,
    summary: String,
    linkedin_url: String,
    linkedin_visible: Option<String>,
    facebook_url: String,
    facebook_visible: Option<String>,
    twitter_url: String,
    twitter_visible: Option<String>,
    wechat_id: String,
    wechat_visible: Option<String>,
) -> Result<(), AppError> {
    use crate::ssr::{access::require_role, auth, context};
    use laurel::domain::{parse_wechat_id, Social};
    use laurel::AuditEvent;
    use laurel::Role;
    use laurel_store::Audit;
    use laurel_store::OrganisationProfile;

    let (user, membership) = require_role(&subdomain, Role::Privileged).await?;
    let summary = summary.trim().to_owned();
    if summary.chars().count() > 2000 {
        return Err(AppError::Invalid(format!(
            "The summary can be at most 2000 characters (it has {}).",
            summary.chars().count()
        )));
    }
    let profile = OrganisationProfile {
        summary,
        image_type: None,
        linkedin_url: Social::LinkedIn.parse_link(&linkedin_url)?,
        linkedin_visible: linkedin_visible.is_some(),
        facebook_url: Social::Facebook.parse_link(&facebook_url)?,
        facebook_visible: facebook_visible.is_some(),
        twitter_url: Social::Twitter.parse_link(&twitter_url)?,
        twitter_visible: twitter_visible.is_some(),
        wechat_id: parse_wechat_id(&wechat_id)?,
        wechat_visible: wechat_visible.is_some(),
    };
    let ctx = context()?;
    ctx.store
        .save_organisation_profile(membership.organisation_id, &profile)
        .await?;
    ctx.store
        .audit(Audit {
            organisation_id: Some(membership.organisation_id),
            user_id: Some(user.user_id),
            event: AuditEvent::ProfileUpdated,
            detail: String::new(),
            ip: &auth::client_ip(),
        })
        .await?;
    leptos_axum::redirect(&format!(
        "{}?saved=1",
        crate::paths::portal(&membership.subdomain).settings()
    ));
    Ok(())
}
