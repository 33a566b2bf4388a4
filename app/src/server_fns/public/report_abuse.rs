use leptos::prelude::*;

use crate::error::AppError;

/// The most a report's details may say.
pub const MAX_DETAILS: usize = 2000;

/// A report of abuse from someone who received a holder mail (the link at
/// its foot names the organisation and the badge). Anyone may send one, a
/// few an hour from one network. The organisation and badge are kept only
/// when they exist and belong together; the operator reads the reports
/// with `laurel orgs reports`, and each is logged as a warning.
#[server(endpoint = "public/report_abuse")]
pub async fn report_abuse(
    org: String,
    badge: String,
    reason: String,
    details: String,
    reply_to: String,
) -> Result<(), AppError> {
    use crate::ssr::{auth, context};
    use laurel_store::NewAbuseReport;

    let ctx = context()?;
    auth::limit_address("abuse", 10, 3600).await?;
    let Ok(reason) = reason.parse::<laurel::AbuseReason>() else {
        return Err(AppError::Invalid(
            "Choose what is wrong with the mail.".into(),
        ));
    };
    let details = details.trim();
    if details.chars().count() > MAX_DETAILS {
        return Err(AppError::Invalid(format!(
            "Say it in at most {MAX_DETAILS} characters."
        )));
    }
    if reason == laurel::AbuseReason::Other && details.is_empty() {
        return Err(AppError::Invalid(
            "Say in a few words what is wrong with the mail.".into(),
        ));
    }
    let reply_to = match reply_to.trim() {
        "" => String::new(),
        given => laurel::Email::parse(given)?.as_str().to_owned(),
    };
    let organisation = match laurel::Subdomain::parse(&org) {
        Ok(sub) => ctx.store.organisation_by_subdomain(&sub).await?,
        Err(_) => None,
    };
    let badge_slug = match &organisation {
        Some(o) if badge.len() <= 100 => ctx
            .store
            .assertion_by_slug(o.id, &badge)
            .await?
            .map(|a| a.slug)
            .unwrap_or_default(),
        _ => String::new(),
    };
    let id = ctx
        .store
        .add_abuse_report(&NewAbuseReport {
            organisation_id: organisation.as_ref().map(|o| o.id),
            badge_slug: &badge_slug,
            reason,
            details,
            reply_to: &reply_to,
        })
        .await?;
    tracing::warn!(
        report = id,
        organisation = organisation.as_ref().map(|o| o.subdomain.as_str()),
        reason = reason.as_str(),
        "abuse reported (laurel orgs reports)"
    );
    leptos_axum::redirect(&format!("{}?sent=1", crate::paths::REPORT_ABUSE));
    Ok(())
}
