//! Open Badges 2.0 documents as Laurel publishes them, with the exact field
//! names of the specification and JSON-LD `@context`
//! `https://w3id.org/openbadges/v2`. Optional fields are left out of the JSON
//! when empty, as the specification's examples do.

use serde::{Deserialize, Serialize};

/// The OB 2.0 JSON-LD context URL.
pub const CONTEXT: &str = "https://w3id.org/openbadges/v2";

fn context() -> String {
    CONTEXT.to_owned()
}

/// An issuer's profile (`type: Issuer`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Profile {
    #[serde(rename = "@context", default = "context")]
    pub context: String,
    #[serde(rename = "type")]
    pub kind: String,
    pub id: String,
    pub name: String,
    pub url: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub image: Option<String>,
    /// URL(s) of the issuer's [`CryptographicKey`]s: one while the issuer has
    /// one key, every published key after a rotation (so old signatures keep
    /// verifying).
    #[serde(default, skip_serializing_if = "OneOrMany::is_empty")]
    pub public_key: OneOrMany<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub revocation_list: Option<String>,
}

/// A JSON-LD property that is a single value when there is one and an array
/// otherwise (the form most consumers, and the official validator, expect).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct OneOrMany<T>(pub Vec<T>);

impl<T> OneOrMany<T> {
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl<T: Serialize> Serialize for OneOrMany<T> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self.0.as_slice() {
            [one] => one.serialize(s),
            many => many.serialize(s),
        }
    }
}

impl<'de, T: Deserialize<'de>> Deserialize<'de> for OneOrMany<T> {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Either<T> {
            Many(Vec<T>),
            One(T),
        }
        Ok(match Either::deserialize(d)? {
            Either::Many(v) => OneOrMany(v),
            Either::One(x) => OneOrMany(vec![x]),
        })
    }
}

/// A public key that signs an issuer's badges (`type: CryptographicKey`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CryptographicKey {
    #[serde(rename = "@context", default = "context")]
    pub context: String,
    #[serde(rename = "type")]
    pub kind: String,
    pub id: String,
    pub owner: String,
    pub public_key_pem: String,
}

/// A badge class (`type: BadgeClass`): what the badge is and how it is earned.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct BadgeClass {
    #[serde(rename = "@context", default = "context")]
    pub context: String,
    #[serde(rename = "type")]
    pub kind: String,
    pub id: String,
    pub name: String,
    pub description: String,
    pub image: String,
    pub criteria: Criteria,
    pub issuer: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tags: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub alignment: Vec<AlignmentObject>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "camelCase")]
pub struct Criteria {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub narrative: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AlignmentObject {
    pub target_name: String,
    pub target_url: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub target_description: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub target_framework: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub target_code: Option<String>,
}

/// An image with a caption (`type: Image`), for images given as objects.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Image {
    #[serde(rename = "type")]
    pub kind: String,
    pub id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub caption: Option<String>,
}

/// The recipient of an assertion (`IdentityObject`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct IdentityObject {
    #[serde(rename = "type")]
    pub kind: String,
    pub hashed: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub salt: Option<String>,
    pub identity: String,
}

/// How an assertion is verified: `hosted` or `SignedBadge` with the key URL.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Verification {
    #[serde(rename = "type")]
    pub kind: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub creator: Option<String>,
}

impl Verification {
    pub fn hosted() -> Self {
        Self {
            kind: "hosted".into(),
            creator: None,
        }
    }

    pub fn signed(key_url: &str) -> Self {
        Self {
            kind: "SignedBadge".into(),
            creator: Some(key_url.to_owned()),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Evidence {
    #[serde(rename = "type", default = "evidence_type")]
    pub kind: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub narrative: Option<String>,
}

fn evidence_type() -> String {
    "Evidence".into()
}

/// An award of a badge to one recipient (`type: Assertion`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Assertion {
    #[serde(rename = "@context", default = "context")]
    pub context: String,
    #[serde(rename = "type")]
    pub kind: String,
    pub id: String,
    pub recipient: IdentityObject,
    pub badge: String,
    pub verification: Verification,
    /// ISO 8601 with timezone (`2026-11-23T10:00:00Z`).
    pub issued_on: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expires: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub image: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub evidence: Vec<Evidence>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub narrative: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub revoked: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub revocation_reason: Option<String>,
}

/// One entry of a [`RevocationList`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RevokedAssertion {
    pub id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub revocation_reason: Option<String>,
}

/// The issuer's list of revoked assertions (`type: RevocationList`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RevocationList {
    #[serde(rename = "@context", default = "context")]
    pub context: String,
    #[serde(rename = "type")]
    pub kind: String,
    pub id: String,
    pub issuer: String,
    pub revoked_assertions: Vec<RevokedAssertion>,
}

/// Formats a time as OB 2.0 / ISO 8601 with a `Z` timezone, to the second.
pub fn datetime(t: chrono::DateTime<chrono::Utc>) -> String {
    t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn assertion_serialises_with_spec_field_names() {
        let a = Assertion {
            context: CONTEXT.into(),
            kind: "Assertion".into(),
            id: "https://l.example/o/acme/assertions/1".into(),
            recipient: IdentityObject {
                kind: "email".into(),
                hashed: true,
                salt: Some("s".into()),
                identity: "sha256$ab".into(),
            },
            badge: "https://l.example/o/acme/badges/b".into(),
            verification: Verification::signed("https://l.example/o/acme/keys/k1"),
            issued_on: "2026-11-23T10:00:00Z".into(),
            expires: None,
            image: None,
            evidence: vec![],
            narrative: None,
            revoked: None,
            revocation_reason: None,
        };
        let v = serde_json::to_value(&a).unwrap();
        assert_eq!(
            v,
            json!({
                "@context": "https://w3id.org/openbadges/v2",
                "type": "Assertion",
                "id": "https://l.example/o/acme/assertions/1",
                "recipient": {"type": "email", "hashed": true, "salt": "s", "identity": "sha256$ab"},
                "badge": "https://l.example/o/acme/badges/b",
                "verification": {"type": "SignedBadge", "creator": "https://l.example/o/acme/keys/k1"},
                "issuedOn": "2026-11-23T10:00:00Z"
            })
        );
    }

    #[test]
    fn public_key_is_a_single_url_until_there_are_more() {
        let one = OneOrMany(vec!["k1".to_owned()]);
        assert_eq!(serde_json::to_value(&one).unwrap(), json!("k1"));
        let two = OneOrMany(vec!["k1".to_owned(), "k2".to_owned()]);
        assert_eq!(serde_json::to_value(&two).unwrap(), json!(["k1", "k2"]));
        let back: OneOrMany<String> = serde_json::from_value(json!("k1")).unwrap();
        assert_eq!(back, one);
    }
}
