//! Open Badges 3.0: the same award as an `OpenBadgeCredential` (W3C VC Data
//! Model 2.0), secured as a VC-JWT with RS256.
//!
//! JWT form (OB 3.0 §8.2, VC-JOSE): the payload *is* the credential, its
//! members at the top level, plus the registered claims derived from it —
//! `iss` = issuer id, `jti` = credential id, `nbf` = `validFrom`, `exp` =
//! `validUntil`; the header carries `alg: RS256`, `typ: JWT` and a `kid` that
//! is listed in the issuer's published JWK set.

use chrono::{DateTime, Utc};
use serde_json::{json, Value};

use crate::ob2::{datetime, AlignmentObject, Evidence};

pub const VC_CONTEXT: &str = "https://www.w3.org/ns/credentials/v2";
pub const OB3_CONTEXT: &str = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json";
/// The `credentialStatus.type` of 1EdTech's revocation list status method.
pub const REVOCATION_LIST_TYPE: &str = "1EdTechRevocationList";

/// Everything an OB 3.0 credential says, taken from the same award as the
/// OB 2.0 assertion so both forms always agree.
#[derive(Debug, Clone)]
pub struct CredentialInput<'a> {
    pub id: &'a str,
    pub issuer_id: &'a str,
    pub issuer_name: &'a str,
    pub issuer_url: &'a str,
    pub achievement_id: &'a str,
    pub name: &'a str,
    pub description: &'a str,
    pub criteria_narrative: Option<&'a str>,
    pub criteria_id: Option<&'a str>,
    pub image: &'a str,
    pub tags: &'a [String],
    pub alignment: &'a [AlignmentObject],
    /// `sha256$…` of the recipient's email with `salt`.
    pub identity_hash: &'a str,
    pub salt: &'a str,
    pub valid_from: DateTime<Utc>,
    pub valid_until: Option<DateTime<Utc>>,
    pub evidence: &'a [Evidence],
    /// The issuer's OB 3.0 revocation list URL.
    pub revocation_list: &'a str,
}

/// The `OpenBadgeCredential` JSON.
pub fn credential(c: &CredentialInput<'_>) -> Value {
    let mut criteria = serde_json::Map::new();
    if let Some(id) = c.criteria_id {
        criteria.insert("id".into(), json!(id));
    }
    criteria.insert(
        "narrative".into(),
        json!(c.criteria_narrative.unwrap_or(c.description)),
    );
    let mut achievement = json!({
        "id": c.achievement_id,
        "type": ["Achievement"],
        "name": c.name,
        "description": c.description,
        "criteria": criteria,
        "image": {"id": c.image, "type": "Image"},
    });
    if !c.tags.is_empty() {
        achievement["tag"] = json!(c.tags);
    }
    if !c.alignment.is_empty() {
        achievement["alignment"] = Value::Array(
            c.alignment
                .iter()
                .map(|a| {
                    let mut v = json!({"type": ["Alignment"], "targetName": a.target_name, "targetUrl": a.target_url});
                    if let Some(d) = &a.target_description {
                        v["targetDescription"] = json!(d);
                    }
                    if let Some(f) = &a.target_framework {
                        v["targetFramework"] = json!(f);
                    }
                    if let Some(code) = &a.target_code {
                        v["targetCode"] = json!(code);
                    }
                    v
                })
                .collect(),
        );
    }
    let mut vc = json!({
        "@context": [VC_CONTEXT, OB3_CONTEXT],
        "id": c.id,
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "name": c.name,
        "issuer": {
            "id": c.issuer_id,
            "type": ["Profile"],
            "name": c.issuer_name,
            "url": c.issuer_url,
        },
        "validFrom": datetime(c.valid_from),
        "credentialSubject": {
            "type": ["AchievementSubject"],
            "identifier": [{
                "type": "IdentityObject",
                "identityHash": c.identity_hash,
                "identityType": "emailAddress",
                "hashed": true,
                "salt": c.salt,
            }],
            "achievement": achievement,
        },
        "credentialStatus": {
            "id": c.revocation_list,
            "type": REVOCATION_LIST_TYPE,
        },
    });
    if let Some(until) = c.valid_until {
        vc["validUntil"] = json!(datetime(until));
    }
    if !c.evidence.is_empty() {
        vc["evidence"] = Value::Array(
            c.evidence
                .iter()
                .map(|e| {
                    let mut v = json!({"type": ["Evidence"]});
                    if let Some(id) = &e.id {
                        v["id"] = json!(id);
                    }
                    if let Some(n) = &e.narrative {
                        v["narrative"] = json!(n);
                    }
                    v
                })
                .collect(),
        );
    }
    vc
}

/// The JWT claims set: the credential plus `iss`, `jti`, `nbf`, `exp`.
pub fn jwt_claims(credential: &Value) -> Value {
    let mut claims = credential.clone();
    let epoch = |field: &str| {
        credential
            .get(field)
            .and_then(Value::as_str)
            .and_then(|s| DateTime::parse_from_rfc3339(s).ok())
            .map(|t| t.timestamp())
    };
    if let Some(iss) = credential
        .pointer("/issuer/id")
        .or_else(|| credential.get("issuer"))
    {
        if let Some(iss) = iss.as_str() {
            claims["iss"] = json!(iss);
        }
    }
    if let Some(id) = credential.get("id") {
        claims["jti"] = id.clone();
    }
    if let Some(nbf) = epoch("validFrom") {
        claims["nbf"] = json!(nbf);
    }
    if let Some(exp) = epoch("validUntil") {
        claims["exp"] = json!(exp);
    }
    claims
}

/// Signs the credential as a VC-JWT (`typ: JWT`, RS256, `kid`).
#[cfg(feature = "crypto")]
pub fn sign_vc_jwt(credential: &Value, key: &crate::crypto::SigningKey, kid: &str) -> String {
    crate::crypto::jws::sign(&jwt_claims(credential), key, Some(kid), Some("JWT"))
}

/// Names of the fields OB 3.0 requires of an `OpenBadgeCredential` that are
/// missing from `vc` (empty when it is complete).
pub fn missing_required_fields(vc: &Value) -> Vec<&'static str> {
    let mut missing = Vec::new();
    let has = |p: &str| vc.pointer(p).is_some_and(|v| !v.is_null());
    for (pointer, name) in [
        ("/@context", "@context"),
        ("/id", "id"),
        ("/type", "type"),
        ("/issuer", "issuer"),
        ("/validFrom", "validFrom"),
        ("/credentialSubject", "credentialSubject"),
        (
            "/credentialSubject/achievement",
            "credentialSubject.achievement",
        ),
        (
            "/credentialSubject/achievement/id",
            "credentialSubject.achievement.id",
        ),
        (
            "/credentialSubject/achievement/name",
            "credentialSubject.achievement.name",
        ),
        (
            "/credentialSubject/achievement/criteria",
            "credentialSubject.achievement.criteria",
        ),
    ] {
        if !has(pointer) {
            missing.push(name);
        }
    }
    let types_ok = vc.get("type").and_then(Value::as_array).is_some_and(|t| {
        t.iter().any(|x| x == "VerifiableCredential")
            && t.iter()
                .any(|x| x == "OpenBadgeCredential" || x == "AchievementCredential")
    });
    if has("/type") && !types_ok {
        missing.push("type (VerifiableCredential + OpenBadgeCredential)");
    }
    missing
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input() -> CredentialInput<'static> {
        CredentialInput {
            id: "https://l.example/o/acme/assertions/a1/credential",
            issuer_id: "https://l.example/o/acme/issuer",
            issuer_name: "Acme",
            issuer_url: "https://l.example/o/acme",
            achievement_id: "https://l.example/o/acme/badges/b1",
            name: "Rust",
            description: "Knows Rust",
            criteria_narrative: Some("Pass the exam"),
            criteria_id: None,
            image: "https://l.example/o/acme/badges/b1/image",
            tags: &[],
            alignment: &[],
            identity_hash: "sha256$00",
            salt: "s",
            valid_from: DateTime::parse_from_rfc3339("2026-01-01T00:00:00Z")
                .unwrap()
                .into(),
            valid_until: Some(
                DateTime::parse_from_rfc3339("2028-01-01T00:00:00Z")
                    .unwrap()
                    .into(),
            ),
            evidence: &[],
            revocation_list: "https://l.example/o/acme/revocations/ob3",
        }
    }

    #[test]
    fn credential_has_every_required_field() {
        let vc = credential(&input());
        assert!(
            missing_required_fields(&vc).is_empty(),
            "{:?}",
            missing_required_fields(&vc)
        );
        assert_eq!(vc["@context"][1], OB3_CONTEXT);
        assert_eq!(vc["validUntil"], "2028-01-01T00:00:00Z");
        assert_eq!(vc["credentialStatus"]["type"], "1EdTechRevocationList");
        assert_eq!(
            vc["credentialSubject"]["identifier"][0]["identityHash"],
            "sha256$00"
        );
    }

    #[test]
    fn claims_mirror_the_credential() {
        let claims = jwt_claims(&credential(&input()));
        assert_eq!(claims["iss"], "https://l.example/o/acme/issuer");
        assert_eq!(
            claims["jti"],
            "https://l.example/o/acme/assertions/a1/credential"
        );
        assert_eq!(claims["nbf"], 1_767_225_600);
        assert_eq!(claims["exp"], 1_830_297_600);
    }

    #[test]
    fn incomplete_credentials_are_named() {
        let mut vc = credential(&input());
        vc.as_object_mut().unwrap().remove("issuer");
        vc["type"] = json!(["VerifiableCredential"]);
        let missing = missing_required_fields(&vc);
        assert!(missing.contains(&"issuer"));
        assert!(missing.iter().any(|m| m.starts_with("type")));
    }
}
