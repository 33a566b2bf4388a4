//! Compact JWS (RFC 7515) with RS256 only. Verification refuses every other
//! algorithm — `none`, HMAC (`HS256`, the classic key-confusion attack on RSA
//! public keys), anything unknown — before looking at the signature.
//!
//! Hand-written rather than a JOSE crate: what Laurel needs is exactly one
//! algorithm over AWS-LC (for signing speed) with a strict allow-list, ~100
//! lines; the JOSE crates bring other backends and a wider attack surface.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use serde::{Deserialize, Serialize};

use super::keys::{PublicKey, SigningKey};

/// Largest JWS Laurel will parse (a baked badge is far smaller).
pub const MAX_JWS_LEN: usize = 1024 * 1024;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct JwsHeader {
    pub alg: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kid: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub typ: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum JwsError {
    #[error("The signed badge is not a compact JWS (three base64url parts separated by dots).")]
    Malformed,
    #[error("The signed badge is larger than 1 MiB.")]
    TooLarge,
    #[error("The JWS header is not valid JSON.")]
    BadHeader,
    #[error("The JWS uses the algorithm “{0}”; only RS256 is accepted.")]
    Algorithm(String),
    #[error("The JWS payload is not valid JSON.")]
    BadPayload,
    #[error("The signature does not match the payload and the issuer's key.")]
    Signature,
}

/// Signs `payload` (JSON) as a compact JWS with `alg: RS256`.
pub fn sign(
    payload: &serde_json::Value,
    key: &SigningKey,
    kid: Option<&str>,
    typ: Option<&str>,
) -> String {
    let header = JwsHeader {
        alg: "RS256".into(),
        kid: kid.map(str::to_owned),
        typ: typ.map(str::to_owned),
    };
    let header = URL_SAFE_NO_PAD.encode(serde_json::to_vec(&header).expect("header serialises"));
    let payload = URL_SAFE_NO_PAD.encode(serde_json::to_vec(payload).expect("JSON serialises"));
    let signing_input = format!("{header}.{payload}");
    let signature = URL_SAFE_NO_PAD.encode(key.sign_rs256(signing_input.as_bytes()));
    format!("{signing_input}.{signature}")
}

/// A parsed but not yet verified JWS.
#[derive(Debug, Clone)]
pub struct Jws<'a> {
    pub header: JwsHeader,
    pub payload: serde_json::Value,
    signing_input: &'a str,
    signature: Vec<u8>,
}

/// Parses a compact JWS and checks its algorithm is RS256. The signature is
/// checked by [`Jws::verify`] once the caller has found the right key
/// (usually through the payload's `verification.creator` or the header's `kid`).
pub fn parse(compact: &str) -> Result<Jws<'_>, JwsError> {
    let compact = compact.trim();
    if compact.len() > MAX_JWS_LEN {
        return Err(JwsError::TooLarge);
    }
    let mut parts = compact.split('.');
    let (Some(h), Some(p), Some(s), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Err(JwsError::Malformed);
    };
    let decode = |part: &str| {
        URL_SAFE_NO_PAD
            .decode(part.trim_end_matches('='))
            .map_err(|_| JwsError::Malformed)
    };
    let header: JwsHeader = serde_json::from_slice(&decode(h)?).map_err(|_| JwsError::BadHeader)?;
    if header.alg != "RS256" {
        return Err(JwsError::Algorithm(header.alg));
    }
    let payload = serde_json::from_slice(&decode(p)?).map_err(|_| JwsError::BadPayload)?;
    let signature = decode(s)?;
    Ok(Jws {
        header,
        payload,
        signing_input: &compact[..h.len() + 1 + p.len()],
        signature,
    })
}

impl Jws<'_> {
    pub fn verify(&self, key: &PublicKey) -> Result<(), JwsError> {
        if key.verify_rs256(self.signing_input.as_bytes(), &self.signature) {
            Ok(())
        } else {
            Err(JwsError::Signature)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn b64(v: &[u8]) -> String {
        URL_SAFE_NO_PAD.encode(v)
    }

    /// Known answer from an independent implementation: OpenSSL 3 generated
    /// the key and signed `kat-openssl.jws` (`openssl dgst -sha256 -sign`).
    #[test]
    fn openssl_signature_verifies_and_ours_is_identical() {
        let jws = include_str!("testdata/kat-openssl.jws").trim();
        let public = PublicKey::from_pem(include_str!("testdata/kat-public.pem")).unwrap();
        let parsed = parse(jws).unwrap();
        parsed
            .verify(&public)
            .expect("OpenSSL's RS256 signature verifies here");
        assert_eq!(parsed.payload["sub"], "holder@example.com");

        // RSASSA-PKCS1-v1_5 is deterministic: signing the same input with the
        // same key must give OpenSSL's exact bytes, so OpenSSL verifies ours.
        let key =
            SigningKey::from_pkcs8_der(include_bytes!("testdata/kat-private.p8.der")).unwrap();
        let (signing_input, signature) = jws.rsplit_once('.').unwrap();
        let ours = URL_SAFE_NO_PAD.encode(key.sign_rs256(signing_input.as_bytes()));
        assert_eq!(ours, signature);
    }

    #[test]
    fn sign_then_verify() {
        let key = SigningKey::generate().unwrap();
        let payload = json!({"type": "Assertion", "id": "urn:x"});
        let jws = sign(&payload, &key, Some("k1"), None);
        let parsed = parse(&jws).unwrap();
        assert_eq!(parsed.payload, payload);
        assert_eq!(parsed.header.kid.as_deref(), Some("k1"));
        parsed.verify(&key.public_key()).unwrap();
        let other = SigningKey::generate().unwrap();
        assert_eq!(parsed.verify(&other.public_key()), Err(JwsError::Signature));
    }

    #[test]
    fn tampering_is_detected() {
        let key = SigningKey::generate().unwrap();
        let jws = sign(&json!({"a": 1}), &key, None, None);
        let (head, rest) = jws.split_once('.').unwrap();
        let (_, sig) = rest.split_once('.').unwrap();
        let forged = format!("{head}.{}.{sig}", b64(br#"{"a":2}"#));
        assert_eq!(
            parse(&forged).unwrap().verify(&key.public_key()),
            Err(JwsError::Signature)
        );
        // Flip one bit of the decoded signature and re-encode it, so the
        // token stays well-formed base64url whatever the random key made the
        // signature end with (editing the last character can set the
        // padding bits, which a strict decoder refuses as malformed).
        let mut sig_bytes = URL_SAFE_NO_PAD.decode(sig).unwrap();
        sig_bytes[0] ^= 0x01;
        let bad_sig = format!(
            "{head}.{}.{}",
            rest.split_once('.').unwrap().0,
            b64(&sig_bytes)
        );
        assert_eq!(
            parse(&bad_sig).unwrap().verify(&key.public_key()),
            Err(JwsError::Signature)
        );
    }

    #[test]
    fn other_algorithms_are_refused_before_the_signature() {
        let payload = b64(br#"{"a":1}"#);
        for alg in ["none", "HS256", "RS512", "ES256", "PS256"] {
            let head = b64(format!(r#"{{"alg":"{alg}"}}"#).as_bytes());
            let jws = format!("{head}.{payload}.");
            assert_eq!(
                parse(&jws).unwrap_err(),
                JwsError::Algorithm(alg.into()),
                "{alg}"
            );
        }
    }

    #[test]
    fn malformed_input_is_an_error_not_a_panic() {
        for bad in [
            "",
            "a",
            "a.b",
            "a.b.c.d",
            "!!.??.**",
            "e30.e30",
            "e30.bm90IGpzb24.AA",
        ] {
            assert!(parse(bad).is_err(), "{bad}");
        }
        let huge = "a".repeat(MAX_JWS_LEN + 1);
        assert_eq!(parse(&huge).unwrap_err(), JwsError::TooLarge);
        let head = b64(br#"{"alg":"RS256"}"#);
        assert_eq!(
            parse(&format!("{head}.bm90IGpzb24.AA")).unwrap_err(),
            JwsError::BadPayload
        );
    }
}
