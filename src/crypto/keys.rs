//! RSA key pairs of issuers (RS256), and their public forms: PEM for OB 2.0
//! `CryptographicKey` documents, JWK for OB 3.0 VC-JWT verifiers.

use aws_lc_rs::encoding::AsDer;
use aws_lc_rs::rsa::{KeyPair, KeySize};
use aws_lc_rs::signature::{self, UnparsedPublicKey};
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use rsa::pkcs1::DecodeRsaPublicKey;
use rsa::pkcs8::{DecodePublicKey, EncodePublicKey, LineEnding};
use rsa::traits::PublicKeyParts;

/// Smallest RSA modulus Laurel accepts, for its own keys and others'.
pub const MIN_RSA_BITS: usize = 2048;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum KeyError {
    #[error("The key could not be generated.")]
    Generate,
    #[error("The private key is not a valid RSA PKCS#8 key.")]
    BadPrivateKey,
    #[error("The public key is not a valid RSA key ({0}).")]
    BadPublicKey(String),
    #[error("The RSA key has {0} bits; at least 2048 are required.")]
    TooSmall(usize),
    #[error("That is a private key: give the public key only (the private key stays with you).")]
    PrivateKeyGiven,
}

/// An issuer's RSA private key; signs RS256.
pub struct SigningKey {
    pair: KeyPair,
}

impl std::fmt::Debug for SigningKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SigningKey(RSA, private)")
    }
}

impl SigningKey {
    /// A new RSA-2048 key pair.
    pub fn generate() -> Result<Self, KeyError> {
        let pair = KeyPair::generate(KeySize::Rsa2048).map_err(|_| KeyError::Generate)?;
        Ok(Self { pair })
    }

    pub fn from_pkcs8_der(der: &[u8]) -> Result<Self, KeyError> {
        let pair = KeyPair::from_pkcs8(der).map_err(|_| KeyError::BadPrivateKey)?;
        let bits = pair.public_modulus_len() * 8;
        if bits < MIN_RSA_BITS {
            return Err(KeyError::TooSmall(bits));
        }
        Ok(Self { pair })
    }

    /// The private key as PKCS#8 PEM (`-----BEGIN PRIVATE KEY-----`).
    pub fn to_pkcs8_pem(&self) -> String {
        rsa::pkcs8::der::pem::encode_string("PRIVATE KEY", LineEnding::LF, &self.to_pkcs8_der())
            .expect("DER encodes as PEM")
    }

    /// Reads a PKCS#8 PEM private key (what [`Self::to_pkcs8_pem`] writes).
    pub fn from_pkcs8_pem(pem: &str) -> Result<Self, KeyError> {
        match rsa::pkcs8::der::pem::decode_vec(pem.trim().as_bytes()) {
            Ok(("PRIVATE KEY", der)) => Self::from_pkcs8_der(&der),
            _ => Err(KeyError::BadPrivateKey),
        }
    }

    /// The private key as PKCS#8 DER (to be sealed before storage).
    pub fn to_pkcs8_der(&self) -> Vec<u8> {
        self.pair
            .as_der()
            .expect("a generated or parsed key serialises")
            .as_ref()
            .to_vec()
    }

    pub fn public_key(&self) -> PublicKey {
        use aws_lc_rs::signature::KeyPair as _;
        let der = self
            .pair
            .public_key()
            .as_der()
            .expect("a public key serialises")
            .as_ref()
            .to_vec();
        PublicKey::from_spki_der(&der).expect("our own public key parses")
    }

    /// RSASSA-PKCS1-v1_5 with SHA-256 over `message` (JWS `RS256`).
    pub fn sign_rs256(&self, message: &[u8]) -> Vec<u8> {
        let mut signature = vec![0u8; self.pair.public_modulus_len()];
        let rng = aws_lc_rs::rand::SystemRandom::new();
        self.pair
            .sign(&signature::RSA_PKCS1_SHA256, &rng, message, &mut signature)
            .expect("RSA signing with a valid key does not fail");
        signature
    }
}

/// An RSA public key (anyone's: Laurel's issuers' or a foreign issuer's).
#[derive(Clone, PartialEq, Eq)]
pub struct PublicKey {
    inner: rsa::PublicKey,
    /// SubjectPublicKeyInfo DER, what the verifier is handed.
    spki_der: Vec<u8>,
}

impl std::fmt::Debug for PublicKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "PublicKey(RSA-{})", self.bits())
    }
}

impl PublicKey {
    fn from_rsa(inner: rsa::PublicKey) -> Result<Self, KeyError> {
        let bits = inner.size() * 8;
        if bits < MIN_RSA_BITS {
            return Err(KeyError::TooSmall(bits));
        }
        let spki_der = inner
            .to_public_key_der()
            .map_err(|e| KeyError::BadPublicKey(e.to_string()))?
            .as_bytes()
            .to_vec();
        Ok(Self { inner, spki_der })
    }

    pub fn from_spki_der(der: &[u8]) -> Result<Self, KeyError> {
        let inner = rsa::PublicKey::from_public_key_der(der)
            .map_err(|e| KeyError::BadPublicKey(e.to_string()))?;
        Self::from_rsa(inner)
    }

    /// Reads `-----BEGIN PUBLIC KEY-----` (SPKI) or `-----BEGIN RSA PUBLIC
    /// KEY-----` (PKCS#1), the two forms OB 2.0 issuers publish.
    pub fn from_pem(pem: &str) -> Result<Self, KeyError> {
        let pem = pem.trim();
        let inner = if pem.starts_with("-----BEGIN RSA PUBLIC KEY-----") {
            rsa::PublicKey::from_pkcs1_pem(pem)
                .map_err(|e| KeyError::BadPublicKey(e.to_string()))?
        } else {
            rsa::PublicKey::from_public_key_pem(pem)
                .map_err(|e| KeyError::BadPublicKey(e.to_string()))?
        };
        Self::from_rsa(inner)
    }

    /// A key from its modulus and public exponent (big-endian bytes).
    pub fn from_n_e(n: &[u8], e: &[u8]) -> Result<Self, KeyError> {
        let n = rsa::BoxedUint::from_be_slice_vartime(n);
        let e = rsa::BoxedUint::from_be_slice_vartime(e);
        let inner = rsa::PublicKey::new(n, e).map_err(|e| KeyError::BadPublicKey(e.to_string()))?;
        Self::from_rsa(inner)
    }

    /// A public key as a person pastes it: PEM (SPKI or PKCS#1) or .NET
    /// XML. A private key, in any of these forms, is refused and not kept.
    pub fn from_text(text: &str) -> Result<Self, KeyError> {
        let text = text.trim();
        if text.starts_with('<') {
            return super::dotnet::public_from_xml(text);
        }
        if text.contains("PRIVATE KEY-----") {
            return Err(KeyError::PrivateKeyGiven);
        }
        Self::from_pem(text)
    }

    /// Reads an RSA JWK (`kty: RSA`, base64url `n` and `e`).
    pub fn from_jwk(jwk: &serde_json::Value) -> Result<Self, KeyError> {
        let field = |name: &str| -> Result<Vec<u8>, KeyError> {
            let s = jwk
                .get(name)
                .and_then(|v| v.as_str())
                .ok_or_else(|| KeyError::BadPublicKey(format!("JWK has no “{name}”")))?;
            URL_SAFE_NO_PAD
                .decode(s)
                .map_err(|_| KeyError::BadPublicKey(format!("JWK “{name}” is not base64url")))
        };
        if jwk.get("kty").and_then(|v| v.as_str()) != Some("RSA") {
            return Err(KeyError::BadPublicKey("JWK kty is not RSA".into()));
        }
        Self::from_n_e(&field("n")?, &field("e")?)
    }

    pub fn bits(&self) -> usize {
        self.inner.size() * 8
    }

    pub fn to_pem(&self) -> String {
        self.inner
            .to_public_key_pem(LineEnding::LF)
            .expect("a valid key encodes")
    }

    /// The key as a public JWK with `kid`, `alg: RS256`, `use: sig`.
    pub fn to_jwk(&self, kid: &str) -> serde_json::Value {
        serde_json::json!({
            "kty": "RSA",
            "kid": kid,
            "alg": "RS256",
            "use": "sig",
            "n": URL_SAFE_NO_PAD.encode(self.inner.n_bytes()),
            "e": URL_SAFE_NO_PAD.encode(self.inner.e_bytes()),
        })
    }

    /// True when `signature` is a valid RS256 signature of `message`.
    pub fn verify_rs256(&self, message: &[u8], signature: &[u8]) -> bool {
        UnparsedPublicKey::new(&signature::RSA_PKCS1_2048_8192_SHA256, &self.spki_der)
            .verify(message, signature)
            .is_ok()
    }

    /// A stable fingerprint: base64url(SHA-256(SPKI DER)), used as key ID.
    pub fn thumbprint(&self) -> String {
        use sha2::Digest;
        URL_SAFE_NO_PAD.encode(sha2::Sha256::digest(&self.spki_der))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generated_key_signs_and_round_trips_through_every_format() {
        let key = SigningKey::generate().unwrap();
        let public = key.public_key();
        assert_eq!(public.bits(), 2048);
        let sig = key.sign_rs256(b"hello");
        assert!(public.verify_rs256(b"hello", &sig));
        assert!(!public.verify_rs256(b"hellO", &sig));

        let reloaded = SigningKey::from_pkcs8_der(&key.to_pkcs8_der()).unwrap();
        assert_eq!(reloaded.public_key(), public);
        let private_pem = key.to_pkcs8_pem();
        assert!(private_pem.starts_with("-----BEGIN PRIVATE KEY-----\n"));
        let reloaded = SigningKey::from_pkcs8_pem(&private_pem).unwrap();
        assert_eq!(reloaded.public_key(), public);
        assert_eq!(
            SigningKey::from_pkcs8_pem(&public.to_pem()).unwrap_err(),
            KeyError::BadPrivateKey
        );

        let pem = public.to_pem();
        assert!(pem.starts_with("-----BEGIN PUBLIC KEY-----"));
        assert_eq!(PublicKey::from_pem(&pem).unwrap(), public);

        let jwk = public.to_jwk("k1");
        assert_eq!(jwk["kty"], "RSA");
        assert_eq!(jwk["e"], "AQAB");
        assert_eq!(PublicKey::from_jwk(&jwk).unwrap(), public);
        assert_eq!(public.thumbprint().len(), 43);
    }

    #[test]
    fn bad_keys_are_refused_with_reasons() {
        assert_eq!(
            SigningKey::from_pkcs8_der(b"nope").unwrap_err(),
            KeyError::BadPrivateKey
        );
        assert!(matches!(
            PublicKey::from_pem("-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----"),
            Err(KeyError::BadPublicKey(_))
        ));
        assert!(PublicKey::from_jwk(&serde_json::json!({"kty": "EC"})).is_err());
        // A 1024-bit key (RFC 7517 style JWK with a short modulus).
        let short = serde_json::json!({"kty": "RSA", "n": URL_SAFE_NO_PAD.encode([0xC5u8; 128]), "e": "AQAB"});
        assert_eq!(
            PublicKey::from_jwk(&short).unwrap_err(),
            KeyError::TooSmall(1024)
        );
    }
}
