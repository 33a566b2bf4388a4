//! Encryption at rest for private keys: AES-256-GCM under a master key from
//! configuration. Each sealed value binds its context (for example the key's
//! ID) as associated data, so a ciphertext copied to another row will not open.

use aws_lc_rs::aead::{Aad, LessSafeKey, Nonce, UnboundKey, AES_256_GCM, NONCE_LEN};
use base64::engine::general_purpose::STANDARD;
use base64::Engine as _;

/// Format version prefix of sealed values.
const VERSION: u8 = 1;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SealError {
    #[error("The master key must be 32 bytes, given as 64 hex digits or base64 (got {0} bytes).")]
    MasterKeyLength(usize),
    #[error("The master key is neither hex nor base64.")]
    MasterKeyEncoding,
    #[error("A sealed value could not be opened: wrong master key, or the data was altered.")]
    Open,
}

/// The 256-bit key that seals every private key of the installation.
#[derive(Clone)]
pub struct MasterKey([u8; 32]);

impl std::fmt::Debug for MasterKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("MasterKey(…)")
    }
}

impl MasterKey {
    /// A new random master key.
    pub fn generate() -> Self {
        let mut k = [0u8; 32];
        aws_lc_rs::rand::fill(&mut k).expect("the system random number generator works");
        Self(k)
    }

    /// Parses 64 hex digits or standard base64 of 32 bytes.
    pub fn parse(text: &str) -> Result<Self, SealError> {
        let text = text.trim();
        let bytes = if text.len() == 64 && text.bytes().all(|b| b.is_ascii_hexdigit()) {
            hex::decode(text).map_err(|_| SealError::MasterKeyEncoding)?
        } else {
            STANDARD
                .decode(text)
                .map_err(|_| SealError::MasterKeyEncoding)?
        };
        let key: [u8; 32] = bytes
            .as_slice()
            .try_into()
            .map_err(|_| SealError::MasterKeyLength(bytes.len()))?;
        Ok(Self(key))
    }

    /// The key as 64 hex digits (for the key file).
    pub fn to_hex(&self) -> String {
        hex::encode(self.0)
    }

    fn aead(&self) -> LessSafeKey {
        LessSafeKey::new(UnboundKey::new(&AES_256_GCM, &self.0).expect("32-byte AES key"))
    }

    /// `version ‖ nonce ‖ ciphertext ‖ tag`, with `context` as associated data.
    pub fn seal(&self, plaintext: &[u8], context: &str) -> Vec<u8> {
        let mut nonce = [0u8; NONCE_LEN];
        aws_lc_rs::rand::fill(&mut nonce).expect("the system random number generator works");
        let mut buffer = plaintext.to_vec();
        self.aead()
            .seal_in_place_append_tag(
                Nonce::assume_unique_for_key(nonce),
                Aad::from(context.as_bytes()),
                &mut buffer,
            )
            .expect("AES-GCM sealing does not fail");
        let mut out = Vec::with_capacity(1 + NONCE_LEN + buffer.len());
        out.push(VERSION);
        out.extend_from_slice(&nonce);
        out.extend_from_slice(&buffer);
        out
    }

    pub fn open(&self, sealed: &[u8], context: &str) -> Result<Vec<u8>, SealError> {
        if sealed.len() < 1 + NONCE_LEN + 16 || sealed[0] != VERSION {
            return Err(SealError::Open);
        }
        let nonce: [u8; NONCE_LEN] = sealed[1..1 + NONCE_LEN]
            .try_into()
            .map_err(|_| SealError::Open)?;
        let mut buffer = sealed[1 + NONCE_LEN..].to_vec();
        let plain = self
            .aead()
            .open_in_place(
                Nonce::assume_unique_for_key(nonce),
                Aad::from(context.as_bytes()),
                &mut buffer,
            )
            .map_err(|_| SealError::Open)?;
        Ok(plain.to_vec())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seal_opens_only_with_same_key_and_context() {
        let k = MasterKey::generate();
        let sealed = k.seal(b"private key", "key:1");
        assert_eq!(k.open(&sealed, "key:1").unwrap(), b"private key");
        assert_eq!(k.open(&sealed, "key:2"), Err(SealError::Open));
        assert_eq!(
            MasterKey::generate().open(&sealed, "key:1"),
            Err(SealError::Open)
        );
        let mut tampered = sealed.clone();
        *tampered.last_mut().unwrap() ^= 1;
        assert_eq!(k.open(&tampered, "key:1"), Err(SealError::Open));
        assert_eq!(k.open(&sealed[..10], "key:1"), Err(SealError::Open));
        assert_ne!(
            k.seal(b"x", "c"),
            k.seal(b"x", "c"),
            "fresh nonce each time"
        );
    }

    #[test]
    fn master_key_parses_hex_and_base64() {
        let k = MasterKey::generate();
        let again = MasterKey::parse(&k.to_hex()).unwrap();
        assert_eq!(again.0, k.0);
        let b64 = STANDARD.encode(k.0);
        assert_eq!(MasterKey::parse(&b64).unwrap().0, k.0);
        assert_eq!(
            MasterKey::parse("abcd").unwrap_err(),
            SealError::MasterKeyLength(3)
        );
        assert_eq!(
            MasterKey::parse("not base64!").unwrap_err(),
            SealError::MasterKeyEncoding
        );
    }
}
