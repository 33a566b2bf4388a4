//! Recipient identities: `sha256$` + hex(sha256(identity + salt)) with a fresh
//! salt per assertion, so a published badge never shows its holder's address,
//! yet anyone who knows the address can check it.

use md5::Md5;
use sha2::{Digest, Sha256};

use crate::ob2::IdentityObject;

/// What kind of identifier a recipient is known by (OB 2.0 `recipient.type`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IdentityType {
    Email,
    Url,
    Telephone,
}

impl IdentityType {
    pub fn as_str(self) -> &'static str {
        match self {
            IdentityType::Email => "email",
            IdentityType::Url => "url",
            IdentityType::Telephone => "telephone",
        }
    }
}

/// `sha256$<lowercase hex of sha256(identity ‖ salt)>`.
pub fn hash_identity(identity: &str, salt: &str) -> String {
    let mut h = Sha256::new();
    h.update(identity.as_bytes());
    h.update(salt.as_bytes());
    format!("sha256${}", hex::encode(h.finalize()))
}

/// A hashed identity object for `identity` with the given salt.
pub fn hashed_recipient(kind: IdentityType, identity: &str, salt: &str) -> IdentityObject {
    IdentityObject {
        kind: kind.as_str().to_owned(),
        hashed: true,
        salt: Some(salt.to_owned()),
        identity: hash_identity(identity, salt),
    }
}

/// A fresh random salt (128 bits, hex) for one assertion.
#[cfg(feature = "crypto")]
pub fn new_salt() -> String {
    let mut bytes = [0u8; 16];
    aws_lc_rs::rand::fill(&mut bytes).expect("the system random number generator works");
    hex::encode(bytes)
}

/// Does `plaintext` identify the recipient of this identity object?
///
/// Accepts `sha256$` and (for badges from older issuers) `md5$` hashes in
/// either hex case, and unhashed identities. Emails are compared as given and
/// lowercased, because issuers differ in whether they normalise.
pub fn identity_matches(recipient: &IdentityObject, plaintext: &str) -> bool {
    let candidates: Vec<String> = if recipient.kind == "email" {
        let trimmed = plaintext.trim();
        let mut v = vec![trimmed.to_owned()];
        let lower = trimmed.to_lowercase();
        if lower != trimmed {
            v.push(lower);
        }
        v
    } else {
        vec![plaintext.trim().to_owned()]
    };
    let salt = recipient.salt.as_deref().unwrap_or("");
    if !recipient.hashed {
        return candidates
            .iter()
            .any(|c| c.eq_ignore_ascii_case(recipient.identity.trim()));
    }
    let Some((algorithm, expected)) = recipient.identity.split_once('$') else {
        return false;
    };
    let expected = expected.to_ascii_lowercase();
    candidates.iter().any(|c| {
        let actual = match algorithm.to_ascii_lowercase().as_str() {
            "sha256" => {
                let mut h = Sha256::new();
                h.update(c.as_bytes());
                h.update(salt.as_bytes());
                hex::encode(h.finalize())
            }
            "md5" => {
                let mut h = Md5::new();
                h.update(c.as_bytes());
                h.update(salt.as_bytes());
                hex::encode(h.finalize())
            }
            _ => return false,
        };
        // Not secret material: constant-time comparison is not needed.
        actual == expected
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    // Known answers computed independently (Python hashlib).
    const SHA: &str = "2287edadae60e03ea92ad2d464e787b4dbd5cd623d9b5fb7cc7309fafde54b4f";
    const MD5: &str = "7a6416edbd3367bcbd9b51e3488cce14";

    #[test]
    fn hash_matches_known_answer() {
        assert_eq!(
            hash_identity("holder@example.com", "deadbeef"),
            format!("sha256${SHA}")
        );
        assert_eq!(
            hash_identity("holder@example.com", ""),
            "sha256$1a4c5ee1a381a1003aee056aea6df0740ba8744e0493228e5d9c573d4090c9ec"
        );
    }

    fn obj(identity: String) -> IdentityObject {
        IdentityObject {
            kind: "email".into(),
            hashed: true,
            salt: Some("deadbeef".into()),
            identity,
        }
    }

    #[test]
    fn matching_accepts_either_hex_case_and_md5() {
        assert!(identity_matches(
            &obj(format!("sha256${SHA}")),
            "holder@example.com"
        ));
        assert!(identity_matches(
            &obj(format!("sha256${}", SHA.to_uppercase())),
            "holder@example.com"
        ));
        assert!(identity_matches(
            &obj(format!("md5${MD5}")),
            "holder@example.com"
        ));
        assert!(identity_matches(
            &obj(format!("sha256${SHA}")),
            " Holder@Example.com "
        ));
        assert!(!identity_matches(
            &obj(format!("sha256${SHA}")),
            "other@example.com"
        ));
        assert!(!identity_matches(
            &obj(format!("sha1${SHA}")),
            "holder@example.com"
        ));
        assert!(!identity_matches(
            &obj(SHA.to_owned()),
            "holder@example.com"
        ));
    }

    #[test]
    fn unhashed_identity_compares_plainly() {
        let o = IdentityObject {
            kind: "email".into(),
            hashed: false,
            salt: None,
            identity: "holder@example.com".into(),
        };
        assert!(identity_matches(&o, "HOLDER@example.com"));
        assert!(!identity_matches(&o, "x@example.com"));
    }

    #[cfg(feature = "crypto")]
    #[test]
    fn salts_are_fresh() {
        let a = new_salt();
        assert_eq!(a.len(), 32);
        assert_ne!(a, new_salt());
    }
}
