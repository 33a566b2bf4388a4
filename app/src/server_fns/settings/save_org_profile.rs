use leptos::prelude::*;

use crate::error::AppError;

/// Saves the summary, the public contact address, the LinkedIn company ID
/// and the social links with their visibility toggles. Checkboxes arrive
/// only when ticked, hence the `Option`s.
#[server(endpoint = "settings/save_org_profile")]
pub async fn save_org_profile(
    subdomain: String,
    summary: String,
    #[server(default)] contact_email: String,
    #[server(default)] linkedin_org_id: String,
    linkedin_url: String,
    linkedin_visible: Option<String>,
    facebook_url: String,
    facebook_visible: Option<String>,
    twitter_url: String,
    twitter_visible: Option<String>,
    wechat_id: String,
    wechat_visible: Option<String>,
) -> Result<(), AppError> {
    use crate::components::social::posted_links;
    use crate::ssr::{access::require_role, auth, context};
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
    let contact_email = match contact_email.trim() {
        "" => String::new(),
        e => laurel::Email::parse(e)?.as_str().to_owned(),
    };
    let profile = OrganisationProfile {
        summary,
        image_type: None,
        contact_email,
        linkedin_org_id: laurel::domain::parse_linkedin_org_id(&linkedin_org_id)?,
        links: posted_links(
            linkedin_url,
            linkedin_visible,
            facebook_url,
            facebook_visible,
            twitter_url,
            twitter_visible,
            wechat_id,
            wechat_visible,
        )?,
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
