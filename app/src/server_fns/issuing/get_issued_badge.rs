use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use crate::error::AppError;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct IssuedBadgeView {
    pub subdomain: String,
    pub slug: String,
    pub badge: String,
    pub image_url: String,
    pub email: String,
    pub name: String,
    pub is_individual: bool,
    pub issued_on: String,
    pub expires: String,
    pub status: laurel::BadgeStatus,
    pub revocation_reason: String,
    pub claimed: String,
    pub source: String,
    pub evidence_url: String,
    pub evidence_narrative: String,
    /// `(label, URL)` of every public document of the badge.
    pub links: Vec<(String, String)>,
}

/// One issued badge for the register's detail page.
#[server(endpoint = "issuing/get_issued_badge")]
pub async fn get_issued_badge(
    subdomain: String,
    slug: String,
) -> Result<IssuedBadgeView, AppError> {
    use crate::ssr::{access::require_role, context};
    use laurel::Role;

    let (_, m) = require_role(&subdomain, Role::Regular).await?;
    let ctx = context()?;
    let a = ctx
        .store
        .assertion_by_slug(m.organisation_id, &slug)
        .await?
        .ok_or(AppError::NotFound)?;
    let class = ctx
        .store
        .badge_class_by_id(a.badge_class_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let urls = ctx.urls(&m.subdomain);
    let day = |t: chrono::DateTime<chrono::Utc>| t.format("%Y-%m-%d").to_string();
    let status = laurel::BadgeStatus::at(a.revoked_at, a.expires_at, chrono::Utc::now());
    let baked = (
        if class.image_type == "image/svg+xml" {
            "Baked SVG"
        } else {
            "Baked PNG"
        },
        urls.baked(&a.slug, &class.image_type),
    );
    let links = [
        ("Verification page", urls.assertion(&a.slug)),
        ("OB 2.0 assertion (JSON)", urls.assertion_json(&a.slug)),
        ("OB 2.0 signed (JWS)", urls.assertion_jws(&a.slug)),
        ("OB 3.0 credential (VC-JWT)", urls.credential_jwt(&a.slug)),
        baked,
        ("Badge class", urls.badge(&class.slug)),
    ]
    .into_iter()
    .map(|(l, u)| (l.to_owned(), u))
    .collect();
    Ok(IssuedBadgeView {
        subdomain: m.subdomain,
        image_url: urls.badge_image(&class.slug),
        badge: class.name,
        email: a.recipient_email,
        name: a.recipient_name,
        is_individual: a.holder_is_individual,
        issued_on: day(a.issued_on),
        expires: a.expires_at.map(day).unwrap_or_else(|| "never".into()),
        status,
        revocation_reason: a.revocation_reason.unwrap_or_default(),
        claimed: a.claimed_at.map(day).unwrap_or_default(),
        source: a.source,
        evidence_url: a.evidence_url.unwrap_or_default(),
        evidence_narrative: a.evidence_narrative.unwrap_or_default(),
        links,
        slug: a.slug,
    })
}
