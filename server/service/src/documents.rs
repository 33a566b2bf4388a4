//! Builds the published Open Badges documents from stored rows. Pure
//! functions: the same rows always give the same documents.

use laurel::ob2::{
    self, AlignmentObject, BadgeClass, Criteria, CryptographicKey, Evidence, IdentityObject,
    OneOrMany, Profile, RevocationList, RevokedAssertion, Verification,
};
use laurel::ob3;
use serde_json::Value;

use crate::urls::OrgUrls;
use laurel_store::{AssertionRow, BadgeClassRow, IssuerKeyRow, Organisation, OrganisationProfile};

/// A badge's image baked with its hosted OB 2.0 assertion (what a verifier
/// reads, then re-fetches by its `id`, so it sees a revocation), in the
/// image's own format; with the file extension (`png` or `svg`).
pub fn baked(
    urls: &OrgUrls,
    class: &BadgeClassRow,
    a: &AssertionRow,
) -> Result<(Vec<u8>, &'static str), crate::ServiceError> {
    use laurel::bake::{self, BakedPayload};
    let failed = |e: &dyn std::fmt::Display| {
        tracing::error!(error = %e, image_type = %class.image_type, "baking a stored badge image failed");
        crate::ServiceError::Internal
    };
    let doc = assertion(urls, class, a, None);
    let payload = BakedPayload::Ob2(serde_json::to_string(&doc).map_err(|e| failed(&e))?);
    if class.image_type == "image/svg+xml" {
        let svg = std::str::from_utf8(&class.image).map_err(|e| failed(&e))?;
        let verify = urls.assertion(&a.slug);
        bake::bake_svg(svg, &payload, Some(&verify))
            .map(|s| (s.into_bytes(), "svg"))
            .map_err(|e| failed(&e))
    } else {
        bake::bake_png(&class.image, &payload)
            .map(|b| (b, "png"))
            .map_err(|e| failed(&e))
    }
}

/// The OB 2.0 Issuer profile, with the description (the profile's summary),
/// image and public contact address the organisation set in its settings,
/// when set. The activation contact (name, phone) is internal and never
/// published.
pub fn issuer_profile(
    org: &Organisation,
    profile: Option<&OrganisationProfile>,
    urls: &OrgUrls,
    keys: &[IssuerKeyRow],
) -> Profile {
    Profile {
        context: ob2::CONTEXT.into(),
        kind: "Issuer".into(),
        id: urls.issuer(),
        name: org.name.clone(),
        url: urls.home(),
        email: profile
            .map(|p| p.contact_email.clone())
            .filter(|e| !e.is_empty()),
        description: profile
            .map(|p| p.summary.trim().to_owned())
            .filter(|s| !s.is_empty()),
        image: profile
            .and_then(|p| p.image_type.as_ref())
            .map(|_| urls.image()),
        public_key: OneOrMany(keys.iter().map(|k| urls.key(&k.kid)).collect()),
        revocation_list: Some(urls.revocations()),
    }
}

pub fn cryptographic_key(urls: &OrgUrls, key: &IssuerKeyRow) -> CryptographicKey {
    CryptographicKey {
        context: ob2::CONTEXT.into(),
        kind: "CryptographicKey".into(),
        id: urls.key(&key.kid),
        owner: urls.issuer(),
        public_key_pem: key.public_pem.clone(),
    }
}

pub fn tags(class: &BadgeClassRow) -> Vec<String> {
    serde_json::from_str(&class.tags).unwrap_or_default()
}

pub fn alignment(class: &BadgeClassRow) -> Vec<AlignmentObject> {
    serde_json::from_str(&class.alignment).unwrap_or_default()
}

pub fn badge_class(urls: &OrgUrls, class: &BadgeClassRow) -> BadgeClass {
    BadgeClass {
        context: ob2::CONTEXT.into(),
        kind: "BadgeClass".into(),
        id: urls.badge(&class.slug),
        name: class.name.clone(),
        description: class.description.clone(),
        image: urls.badge_image(&class.slug),
        criteria: Criteria {
            id: class.criteria_url.clone(),
            narrative: class.criteria_narrative.clone(),
        },
        issuer: urls.issuer(),
        tags: tags(class),
        alignment: alignment(class),
    }
}

pub fn evidence(a: &AssertionRow) -> Vec<Evidence> {
    if a.evidence_url.is_none() && a.evidence_narrative.is_none() {
        return vec![];
    }
    vec![Evidence {
        kind: "Evidence".into(),
        id: a.evidence_url.clone(),
        narrative: a.evidence_narrative.clone(),
    }]
}

/// The OB 2.0 assertion; `verification` is hosted or signed by `key_url`.
pub fn assertion(
    urls: &OrgUrls,
    class: &BadgeClassRow,
    a: &AssertionRow,
    signed_by: Option<&str>,
) -> ob2::Assertion {
    assertion_parts(
        urls,
        class,
        &a.slug,
        &a.salt,
        &a.identity_hash,
        a.issued_on,
        a.expires_at,
        evidence(a),
        signed_by,
    )
}

#[allow(clippy::too_many_arguments)]
pub fn assertion_parts(
    urls: &OrgUrls,
    class: &BadgeClassRow,
    slug: &str,
    salt: &str,
    identity_hash: &str,
    issued_on: chrono::DateTime<chrono::Utc>,
    expires: Option<chrono::DateTime<chrono::Utc>>,
    evidence: Vec<Evidence>,
    signed_by: Option<&str>,
) -> ob2::Assertion {
    ob2::Assertion {
        context: ob2::CONTEXT.into(),
        kind: "Assertion".into(),
        id: urls.assertion(slug),
        recipient: IdentityObject {
            kind: "email".into(),
            hashed: true,
            salt: Some(salt.to_owned()),
            identity: identity_hash.to_owned(),
        },
        badge: urls.badge(&class.slug),
        verification: match signed_by {
            Some(key) => Verification::signed(key),
            None => Verification::hosted(),
        },
        issued_on: ob2::datetime(issued_on),
        expires: expires.map(ob2::datetime),
        image: Some(urls.baked(slug, &class.image_type)),
        evidence,
        narrative: None,
        revoked: None,
        revocation_reason: None,
    }
}

/// The OB 3.0 credential of the same award.
#[allow(clippy::too_many_arguments)]
pub fn credential(
    org: &Organisation,
    urls: &OrgUrls,
    class: &BadgeClassRow,
    slug: &str,
    salt: &str,
    identity_hash: &str,
    issued_on: chrono::DateTime<chrono::Utc>,
    expires: Option<chrono::DateTime<chrono::Utc>>,
    evidence: &[Evidence],
) -> Value {
    let tags = tags(class);
    let alignment = alignment(class);
    let id = urls.credential(slug);
    let issuer = urls.issuer();
    let home = urls.home();
    let achievement = urls.badge(&class.slug);
    let image = urls.badge_image(&class.slug);
    let revocations = urls.revocations_ob3();
    ob3::credential(&ob3::CredentialInput {
        id: &id,
        issuer_id: &issuer,
        issuer_name: &org.name,
        issuer_url: &home,
        achievement_id: &achievement,
        name: &class.name,
        description: &class.description,
        criteria_narrative: class.criteria_narrative.as_deref(),
        criteria_id: class.criteria_url.as_deref(),
        image: &image,
        tags: &tags,
        alignment: &alignment,
        identity_hash,
        salt,
        valid_from: issued_on,
        valid_until: expires,
        evidence,
        revocation_list: &revocations,
    })
}

/// The OB 2.0 revocation list.
///
/// The official validator (badgecheck 1.1.8) never matches a list that has
/// exactly one entry (JSON-LD compaction turns the one-element array into an
/// object it does not handle), so a one-entry list gets a second, inert entry
/// — an unused `urn:uuid` that names no assertion — and stays correct for
/// every reader.
pub fn revocation_list(urls: &OrgUrls, revoked: &[(String, Option<String>)]) -> RevocationList {
    let mut entries: Vec<RevokedAssertion> = revoked
        .iter()
        .map(|(slug, reason)| RevokedAssertion {
            id: urls.assertion(slug),
            revocation_reason: reason.clone(),
        })
        .collect();
    if entries.len() == 1 {
        entries.push(RevokedAssertion {
            id: "urn:uuid:00000000-0000-4000-8000-000000000000".into(),
            revocation_reason: None,
        });
    }
    RevocationList {
        context: ob2::CONTEXT.into(),
        kind: "RevocationList".into(),
        id: urls.revocations(),
        issuer: urls.issuer(),
        revoked_assertions: entries,
    }
}

/// The OB 3.0 `1EdTechRevocationList` status document.
pub fn revocation_list_ob3(urls: &OrgUrls, revoked: &[(String, Option<String>)]) -> Value {
    serde_json::json!({
        "id": urls.revocations_ob3(),
        "issuer": urls.issuer(),
        "revokedCredentials": revoked.iter().map(|(slug, reason)| serde_json::json!({
            "id": urls.credential(slug),
            "revoked": true,
            "revocationReason": reason,
        })).collect::<Vec<_>>(),
    })
}
