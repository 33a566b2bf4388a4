//! EXeed's remote issuing: the request body, then its signature (the
//! `IssuerIntegration-Signature` header is the input's last line) against
//! a known key. Any bytes, no panic.
#![no_main]

use laurel::crypto::PublicKey;
use libfuzzer_sys::fuzz_target;

fn keys() -> &'static [PublicKey] {
    static KEYS: std::sync::OnceLock<Vec<PublicKey>> = std::sync::OnceLock::new();
    KEYS.get_or_init(|| {
        vec![
            PublicKey::from_pem(include_str!("../../src/crypto/testdata/kat-public.pem"))
                .expect("the test key"),
        ]
    })
}

fuzz_target!(|data: &[u8]| {
    let (body, signature) = match data.iter().rposition(|b| *b == b'\n') {
        Some(i) => (&data[..i], std::str::from_utf8(&data[i + 1..]).ok()),
        None => (data, None),
    };
    if let Ok(request) = laurel::remote::parse(body) {
        let now = chrono::DateTime::from_timestamp(1_780_000_000, 0).expect("a time");
        let _ =
            laurel::remote::verify(&request, "badges.example.org", signature, None, keys(), now);
    }
});
