//! A compact JWS or VC-JWT: parsing, and verifying the signature against
//! a known key. Any text, no panic; nothing but the key's own signature
//! verifies.
#![no_main]

use laurel::crypto::{jws, PublicKey};
use libfuzzer_sys::fuzz_target;

fn key() -> &'static PublicKey {
    static KEY: std::sync::OnceLock<PublicKey> = std::sync::OnceLock::new();
    KEY.get_or_init(|| {
        PublicKey::from_pem(include_str!("../../src/crypto/testdata/kat-public.pem"))
            .expect("the test key")
    })
}

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        if let Ok(parsed) = jws::parse(text) {
            let _ = parsed.verify(key());
        }
    }
});
