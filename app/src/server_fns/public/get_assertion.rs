use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use crate::error::AppError;

/// Everything the public verification page of an assertion shows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AssertionView {
    /// Where the assertion stands today.
    pub status: laurel::BadgeStatus,
    /// The issuer's reason, when it is revoked and they gave one.
    pub revocation_reason: Option<String>,
    pub page_url: String,
    /// The oEmbed endpoint for this page, when the holder made the badge
    /// public (only then is it embeddable).
    pub oembed_url: Option<String>,
    pub badge_name: String,
    pub badge_description: String,
    pub criteria_narrative: Option<String>,
    pub criteria_url: Option<String>,
    /// The criteria's Markdown rendered and sanitised (`laurel::markdown`).
    pub criteria_html: Option<String>,
    pub image_url: String,
    /// The 1200×630 link-preview picture (`og:image`).
    pub share_image_url: String,
    pub issuer_name: String,
    pub issuer_url: String,
    pub recipient_masked: String,
    pub issued_on: String,
    pub expires: Option<String>,
    pub evidence_url: Option<String>,
    pub evidence_narrative: Option<String>,
    pub json_url: String,
    pub jws_url: String,
    pub credential_url: String,
    pub jwt_url: String,
    pub baked_url: String,
    pub share: ShareView,
}

/// The ways to share one badge: links to LinkedIn's add-to-profile form, X,
/// Facebook and e-mail, and LinkedIn's fields for people who add them by hand.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ShareView {
    pub linkedin: String,
    pub x: String,
    pub facebook: String,
    pub email: String,
    /// `(LinkedIn's field name, value)`.
    pub fields: Vec<(String, String)>,
}

impl ShareView {
    /// The share links go through `share_link(channel)` (Laurel's
    /// counting redirect); the copy boxes hold LinkedIn's fields.
    pub fn new(
        c: &laurel::share::Certification<'_>,
        share_link: impl Fn(laurel::ShareChannel) -> String,
    ) -> Self {
        use laurel::ShareChannel as C;
        Self {
            linkedin: share_link(C::Linkedin),
            x: share_link(C::X),
            facebook: share_link(C::Facebook),
            email: share_link(C::Email),
            fields: c
                .fields()
                .into_iter()
                .map(|(k, v)| (k.to_owned(), v))
                .collect(),
        }
    }
}

/// `holder@example.com` → `h•••••@example.com`: enough for the holder to
/// recognise, not enough for a harvester.
pub fn mask_email(email: &str) -> String {
    match email.split_once('@') {
        Some((local, domain)) => {
            let first: String = local.chars().take(1).collect();
            format!("{first}•••••@{domain}")
        }
        None => "•••••".to_owned(),
    }
}

#[server(endpoint = "public/get_assertion")]
pub async fn get_assertion(
    subdomain: String,
    slug: String,
) -> Result<Option<AssertionView>, AppError> {
    let Ok(subdomain) = laurel::Subdomain::parse(&subdomain) else {
        return Ok(None);
    };
    let ctx = crate::ssr::context()?;
    let Some(org) = ctx.store.organisation_by_subdomain(&subdomain).await? else {
        return Ok(None);
    };
    let Some(a) = ctx.store.assertion_by_slug(org.id, &slug).await? else {
        return Ok(None);
    };
    // A view of the verification page, for the issuer's analytics (the
    // referrer's class and a day-salted hash of the visitor, nothing else).
    ctx.events
        .record_view(&a, &crate::ssr::auth::visit(), &ctx.host());
    assertion_view(&ctx, &org, &a).await.map(Some)
}

/// What the verification page shows of one assertion (also the holder's
/// own badge page in the wallet).
#[cfg(feature = "ssr")]
pub(crate) async fn assertion_view(
    ctx: &laurel_service::ServerContext,
    org: &laurel_store::Organisation,
    a: &laurel_store::AssertionRow,
) -> Result<AssertionView, AppError> {
    let class = ctx
        .store
        .badge_class_by_id(a.badge_class_id)
        .await?
        .ok_or(AppError::Internal)?;
    let linkedin_org_id = ctx.store.linkedin_org_id(org.id).await?;
    let urls = ctx.urls(&org.subdomain);
    let status = laurel::BadgeStatus::at(a.revoked_at, a.expires_at, chrono::Utc::now());
    let date = |t: chrono::DateTime<chrono::Utc>| t.format("%-d %B %Y").to_string();
    let page_url = urls.assertion(&a.slug);
    let oembed_url = ctx
        .store
        .badge_is_public(a.id)
        .await?
        .then(|| laurel_service::embed::oembed_url(ctx, &page_url));
    let share = ShareView::new(
        &laurel::share::Certification {
            name: &class.name,
            organisation_name: &org.name,
            organisation_id: linkedin_org_id.as_deref(),
            issued: a.issued_on.date_naive(),
            expires: a.expires_at.map(|e| e.date_naive()),
            cert_url: &page_url,
            cert_id: &a.slug,
        },
        |channel| urls.share(&a.slug, channel),
    );
    Ok(AssertionView {
        share,
        criteria_html: class
            .criteria_narrative
            .as_deref()
            .filter(|c| !c.trim().is_empty())
            .map(laurel::markdown::render),
        status,
        revocation_reason: a
            .revocation_reason
            .clone()
            .filter(|_| a.revoked_at.is_some()),
        page_url,
        oembed_url,
        badge_name: class.name.clone(),
        badge_description: class.description.clone(),
        criteria_narrative: class.criteria_narrative.clone(),
        criteria_url: class.criteria_url.clone(),
        image_url: urls.badge_image(&class.slug),
        share_image_url: ctx.share_image(&org.subdomain, &org.name, &class.slug),
        issuer_name: org.name.clone(),
        issuer_url: urls.home(),
        recipient_masked: mask_email(&a.recipient_email),
        issued_on: date(a.issued_on),
        expires: a.expires_at.map(date),
        evidence_url: a.evidence_url.clone(),
        evidence_narrative: a.evidence_narrative.clone(),
        json_url: urls.assertion_json(&a.slug),
        jws_url: urls.assertion_jws(&a.slug),
        credential_url: urls.credential(&a.slug),
        jwt_url: urls.credential_jwt(&a.slug),
        baked_url: urls.baked(&a.slug, &class.image_type),
    })
}

#[cfg(test)]
mod tests {
    use super::mask_email;

    #[test]
    fn emails_are_masked() {
        assert_eq!(mask_email("holder@example.com"), "h•••••@example.com");
        assert_eq!(mask_email("ünï@x.org"), "ü•••••@x.org");
        assert_eq!(mask_email("nonsense"), "•••••");
    }
}
