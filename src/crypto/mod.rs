//! Keys, signatures and encryption at rest (feature `crypto`).
//!
//! Signing uses `aws-lc-rs` (AWS-LC, the fastest RSA here: see the `signing`
//! benchmark); the `rsa` crate reads and writes key formats (PEM, PKCS#1).

pub mod dotnet;
pub mod jws;
pub mod keys;
pub mod sealed;

pub use jws::{JwsError, JwsHeader};
pub use keys::{KeyError, PublicKey, SigningKey};
pub use sealed::{MasterKey, SealError};
