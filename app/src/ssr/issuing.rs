//! Issuing: the one function every award goes through (by hand, CSV batch,
//! API or demo). It checks the organisation may issue, signs the OB 2.0 JWS
//! and the OB 3.0 VC-JWT once, and stores the award.

use chrono::{DateTime, Months, Utc};
use laurel::crypto::{jws, MasterKey, SigningKey};
use laurel::ob2::Evidence;
use laurel::recipient::{hash_identity, new_salt};
use laurel::Email;

use super::documents;
use super::urls::OrgUrls;
use crate::error::AppError;
use crate::store::{AssertionRow, BadgeClassRow, IssuerKeyRow, NewAssertion, Organisation, Store};

/// Who receives a badge.
#[derive(Debug, Clone)]
pub struct Recipient {
    pub email: Email,
    pub name: String,
}

/// Optional evidence of the achievement.
#[derive(Debug, Clone, Default)]
pub struct EvidenceInput {
    pub url: Option<String>,
    pub narrative: Option<String>,
}

/// The organisation's active signing key, created on first use.
pub async fn active_key(
    store: &Store,
    master: &MasterKey,
    organisation_id: i64,
) -> Result<(IssuerKeyRow, SigningKey), AppError> {
    if let Some(row) = store
        .issuer_keys(organisation_id)
        .await?
        .into_iter()
        .find(|k| k.retired_at.is_none())
    {
        let key = open_key(master, &row)?;
        return Ok((row, key));
    }
    rotate_key(store, master, organisation_id).await
}

/// Makes a new active key; the old ones stay published (and verifiable).
pub async fn rotate_key(
    store: &Store,
    master: &MasterKey,
    organisation_id: i64,
) -> Result<(IssuerKeyRow, SigningKey), AppError> {
    let key = SigningKey::generate().map_err(|e| {
        tracing::error!(error = %e, "key generation failed");
        AppError::Internal
    })?;
    let public = key.public_key();
    // The key ID is the public key's thumbprint: unique, stable, not guessable
    // as a sequence.
    let kid = public.thumbprint();
    let sealed = master.seal(&key.to_pkcs8_der(), &seal_context(&kid));
    let row = store
        .add_active_issuer_key(organisation_id, &kid, &public.to_pem(), &sealed)
        .await?;
    Ok((row, key))
}

fn seal_context(kid: &str) -> String {
    format!("laurel issuer key {kid}")
}

fn open_key(master: &MasterKey, row: &IssuerKeyRow) -> Result<SigningKey, AppError> {
    let der = master.open(&row.sealed_private, &seal_context(&row.kid)).map_err(|e| {
        tracing::error!(kid = %row.kid, error = %e, "cannot open an issuer key: is LAUREL_MASTER_KEY the one it was sealed with?");
        AppError::Internal
    })?;
    SigningKey::from_pkcs8_der(&der).map_err(|e| {
        tracing::error!(kid = %row.kid, error = %e, "stored issuer key is unreadable");
        AppError::Internal
    })
}

/// Where a later billing check plugs in: may this organisation issue now?
/// Today every organisation may.
pub async fn may_issue(_store: &Store, _organisation: &Organisation) -> Result<(), AppError> {
    Ok(())
}

/// A new public identifier for an assertion: 128 random bits, base64url.
pub fn new_slug() -> String {
    use base64::Engine as _;
    let mut bytes = [0u8; 16];
    aws_lc_rs::rand::fill(&mut bytes).expect("the system random number generator works");
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}

/// Expiry of a badge issued on `issued_on` from a template valid for
/// `validity_years` (0 = never expires).
pub fn expiry(issued_on: DateTime<Utc>, validity_years: i32) -> Option<DateTime<Utc>> {
    let years = u32::try_from(validity_years).ok().filter(|y| *y > 0)?;
    issued_on.checked_add_months(Months::new(years.checked_mul(12)?))
}

/// Issues one badge of `class` to `recipient`.
#[allow(clippy::too_many_arguments)]
pub async fn issue(
    store: &Store,
    master: &MasterKey,
    urls: &OrgUrls,
    org: &Organisation,
    class: &BadgeClassRow,
    recipient: &Recipient,
    issued_on: DateTime<Utc>,
    evidence: &EvidenceInput,
) -> Result<AssertionRow, AppError> {
    if class.organisation_id != org.id {
        return Err(AppError::NotFound);
    }
    may_issue(store, org).await?;
    let (key_row, key) = active_key(store, master, org.id).await?;
    let slug = new_slug();
    let salt = new_salt();
    let identity_hash = hash_identity(recipient.email.as_str(), &salt);
    let expires = expiry(issued_on, class.validity_years);
    let evidence_docs: Vec<Evidence> = if evidence.url.is_some() || evidence.narrative.is_some() {
        vec![Evidence {
            kind: "Evidence".into(),
            id: evidence.url.clone(),
            narrative: evidence.narrative.clone(),
        }]
    } else {
        vec![]
    };
    let key_url = urls.key(&key_row.kid);
    let signed = documents::assertion_parts(
        urls,
        class,
        &slug,
        &salt,
        &identity_hash,
        issued_on,
        expires,
        evidence_docs.clone(),
        Some(&key_url),
    );
    let payload = serde_json::to_value(&signed).map_err(|_| AppError::Internal)?;
    let signed_jws = jws::sign(&payload, &key, None, None);
    let credential = documents::credential(
        org,
        urls,
        class,
        &slug,
        &salt,
        &identity_hash,
        issued_on,
        expires,
        &evidence_docs,
    );
    let credential_jwt = laurel::ob3::sign_vc_jwt(&credential, &key, &key_url);
    let row = store
        .create_assertion(&NewAssertion {
            organisation_id: org.id,
            badge_class_id: class.id,
            slug: &slug,
            recipient_email: recipient.email.as_str(),
            recipient_name: &recipient.name,
            salt: &salt,
            identity_hash: &identity_hash,
            issued_on,
            expires_at: expires,
            evidence_url: evidence.url.as_deref(),
            evidence_narrative: evidence.narrative.as_deref(),
            key_id: key_row.id,
            signed_jws: &signed_jws,
            credential_jwt: &credential_jwt,
        })
        .await?;
    Ok(row)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn expiry_adds_whole_years() {
        let t: DateTime<Utc> = "2024-02-29T12:00:00Z".parse().unwrap();
        assert_eq!(expiry(t, 0), None);
        assert_eq!(expiry(t, -1), None);
        assert_eq!(
            expiry(t, 1).unwrap().to_rfc3339(),
            "2025-02-28T12:00:00+00:00"
        );
        assert_eq!(
            expiry(t, 4).unwrap().to_rfc3339(),
            "2028-02-29T12:00:00+00:00"
        );
    }

    #[test]
    fn slugs_are_random_and_url_safe() {
        let a = new_slug();
        assert_eq!(a.len(), 22);
        assert!(a
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_'));
        assert_ne!(a, new_slug());
    }
}
