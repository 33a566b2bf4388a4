//! End-to-end tests of the verifier against an in-memory web: a complete
//! issuer (profile, key, badge class, revocation lists, JWK set) that each
//! test then damages in one way.

use std::collections::HashMap;
use std::future::Future;
use std::sync::{Mutex, OnceLock};
use std::task::{Context, Poll, Waker};

use chrono::{DateTime, Utc};
use proptest::prelude::*;
use serde_json::{json, Value};

use super::*;
use crate::bake::test_support::{tiny_png, TINY_SVG};
use crate::bake::{bake_png, bake_svg};
use crate::crypto::SigningKey;
use crate::ob2::CONTEXT;
use crate::recipient::{hash_identity, hashed_recipient, IdentityType};

const ISSUER: &str = "https://issuer.example/issuer";
const KEY: &str = "https://issuer.example/keys/1";
const BADGE: &str = "https://issuer.example/badges/rust";
const HOSTED: &str = "https://issuer.example/assertions/1";
const SIGNED: &str = "https://issuer.example/assertions/2";
const REVOCATIONS: &str = "https://issuer.example/revocations";
const JWKS: &str = "https://issuer.example/jwks.json";
const KID: &str = "https://issuer.example/jwks.json#k1";
const CREDENTIAL: &str = "https://issuer.example/assertions/3/credential";
const OB3_REVOCATIONS: &str = "https://issuer.example/revocations/ob3";
const EMAIL: &str = "holder@example.com";
const SALT: &str = "c0ffee";

/// The issuer's key and another one (RSA key generation is slow, so each
/// is made once for the whole test run).
fn keys() -> &'static (SigningKey, SigningKey) {
    static KEYS: OnceLock<(SigningKey, SigningKey)> = OnceLock::new();
    KEYS.get_or_init(|| {
        (
            SigningKey::generate().unwrap(),
            SigningKey::generate().unwrap(),
        )
    })
}

fn key() -> &'static SigningKey {
    &keys().0
}

fn other_key() -> &'static SigningKey {
    &keys().1
}

fn time(s: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
}

fn now() -> DateTime<Utc> {
    time("2026-06-01T00:00:00Z")
}

/// Runs a future whose every await is ready at once (MapFetcher answers
/// immediately), so no executor is needed.
fn block_on<T>(future: impl Future<Output = T>) -> T {
    let mut future = std::pin::pin!(future);
    let mut cx = Context::from_waker(Waker::noop());
    for _ in 0..1000 {
        if let Poll::Ready(out) = future.as_mut().poll(&mut cx) {
            return out;
        }
    }
    panic!("the verifier waited on something the MapFetcher never wakes");
}

/// An in-memory web. Unknown URLs answer 404 with an HTML page, as a real
/// server would; every request is logged.
#[derive(Default)]
struct MapFetcher {
    docs: HashMap<String, Result<Fetched, FetchError>>,
    log: Mutex<Vec<String>>,
}

impl MapFetcher {
    fn raw(&mut self, url: &str, status: u16, content_type: &str, body: Vec<u8>) {
        let fetched = Fetched {
            status,
            content_type: Some(content_type.to_owned()),
            body,
            final_url: url.to_owned(),
        };
        self.docs.insert(url.to_owned(), Ok(fetched));
    }

    fn status(&mut self, url: &str, status: u16, value: &Value) {
        self.raw(
            url,
            status,
            "application/ld+json",
            serde_json::to_vec(value).unwrap(),
        );
    }

    fn json(&mut self, url: &str, value: &Value) {
        self.status(url, 200, value);
    }

    fn error(&mut self, url: &str, error: FetchError) {
        self.docs.insert(url.to_owned(), Err(error));
    }

    fn requests(&self, url: &str) -> usize {
        self.log
            .lock()
            .unwrap()
            .iter()
            .filter(|u| *u == url)
            .count()
    }
}

impl Fetcher for MapFetcher {
    fn fetch(
        &self,
        url: &str,
        _accept: &str,
    ) -> impl Future<Output = Result<Fetched, FetchError>> + Send {
        self.log.lock().unwrap().push(url.to_owned());
        let answer = self.docs.get(url).cloned().unwrap_or_else(|| {
            Ok(Fetched {
                status: 404,
                content_type: Some("text/html".into()),
                body: b"<html><body>Not Found</body></html>".to_vec(),
                final_url: url.to_owned(),
            })
        });
        std::future::ready(answer)
    }
}

/// A complete, valid issuer on `https://issuer.example`.
struct World {
    fetcher: MapFetcher,
    issuer: Value,
}

impl World {
    fn new() -> Self {
        let mut fetcher = MapFetcher::default();
        let issuer = json!({
            "@context": CONTEXT,
            "type": "Issuer",
            "id": ISSUER,
            "name": "Acme Academy",
            "url": "https://issuer.example",
            "email": "badges@issuer.example",
            "publicKey": KEY,
            "revocationList": REVOCATIONS,
        });
        fetcher.json(ISSUER, &issuer);
        fetcher.json(KEY, &key_document(key(), ISSUER));
        fetcher.json(
            BADGE,
            &json!({
                "@context": CONTEXT,
                "type": "BadgeClass",
                "id": BADGE,
                "name": "Rust",
                "description": "Knows Rust.",
                "image": "https://issuer.example/badges/rust/image",
                "criteria": {"narrative": "Pass the exam."},
                "issuer": ISSUER,
            }),
        );
        fetcher.json(HOSTED, &hosted_assertion());
        fetcher.json(REVOCATIONS, &revocation_list(json!([{"id": "https://issuer.example/assertions/99", "revocationReason": "Other."}])));
        fetcher.json(
            JWKS,
            &json!({"keys": [
                other_key().public_key().to_jwk("https://issuer.example/jwks.json#k0"),
                key().public_key().to_jwk(KID),
            ]}),
        );
        fetcher.json(
            OB3_REVOCATIONS,
            &json!({"id": OB3_REVOCATIONS, "issuer": ISSUER, "revokedCredentials": [{"id": "https://issuer.example/other", "revoked": true}]}),
        );
        World { fetcher, issuer }
    }

    fn verify_as(&self, input: Input, recipient: Option<&str>) -> Report {
        let options = Options {
            recipients: recipient.map(str::to_owned).into_iter().collect(),
            now: now(),
        };
        let report = block_on(verify(input, &self.fetcher, &options));
        assert_well_formed(&report);
        report
    }

    fn verify(&self, input: Input) -> Report {
        self.verify_as(input, None)
    }

    fn text(&self, text: impl Into<String>) -> Report {
        self.verify(Input::Text(text.into()))
    }

    fn set_issuer(&mut self, change: impl FnOnce(&mut Value)) {
        change(&mut self.issuer);
        let issuer = self.issuer.clone();
        self.fetcher.json(ISSUER, &issuer);
    }
}

fn key_document(key: &SigningKey, owner: &str) -> Value {
    json!({
        "@context": CONTEXT,
        "type": "CryptographicKey",
        "id": KEY,
        "owner": owner,
        "publicKeyPem": key.public_key().to_pem(),
    })
}

fn revocation_list(entries: Value) -> Value {
    json!({
        "@context": CONTEXT,
        "type": "RevocationList",
        "id": REVOCATIONS,
        "issuer": ISSUER,
        "revokedAssertions": entries,
    })
}

fn assertion(id: &str, verification: Value) -> Value {
    json!({
        "@context": CONTEXT,
        "type": "Assertion",
        "id": id,
        "recipient": serde_json::to_value(hashed_recipient(IdentityType::Email, EMAIL, SALT)).unwrap(),
        "badge": BADGE,
        "verification": verification,
        "issuedOn": "2026-01-15T10:00:00Z",
    })
}

fn hosted_assertion() -> Value {
    assertion(HOSTED, json!({"type": "hosted"}))
}

fn signed_assertion() -> Value {
    assertion(SIGNED, json!({"type": "SignedBadge", "creator": KEY}))
}

fn sign(payload: &Value) -> String {
    crate::crypto::jws::sign(payload, key(), None, None)
}

fn credential() -> Value {
    let input = crate::ob3::CredentialInput {
        id: CREDENTIAL,
        issuer_id: ISSUER,
        issuer_name: "Acme Academy",
        issuer_url: "https://issuer.example",
        achievement_id: BADGE,
        name: "Rust",
        description: "Knows Rust.",
        criteria_narrative: Some("Pass the exam."),
        criteria_id: None,
        image: "https://issuer.example/badges/rust/image",
        tags: &[],
        alignment: &[],
        identity_hash: &hash_identity(EMAIL, SALT),
        salt: SALT,
        valid_from: time("2026-01-15T10:00:00Z"),
        valid_until: Some(time("2027-01-15T10:00:00Z")),
        evidence: &[],
        revocation_list: OB3_REVOCATIONS,
    };
    crate::ob3::credential(&input)
}

fn vc_jwt(credential: &Value) -> String {
    crate::ob3::sign_vc_jwt(credential, key(), KID)
}

/// Every report lists every check, in order, each with a sentence, and is
/// valid exactly when no check failed.
fn assert_well_formed(report: &Report) {
    for name in CheckName::ALL {
        if name != CheckName::Unbake {
            assert!(
                report.check(name).is_some(),
                "{name:?} missing: {:#?}",
                report.checks
            );
        }
    }
    assert!(report.checks.windows(2).all(|w| w[0].name <= w[1].name));
    for check in &report.checks {
        let m = &check.message;
        assert!(m.starts_with(char::is_uppercase), "not a sentence: {m}");
        assert!(m.ends_with(['.', '!', '?']), "not a sentence: {m}");
    }
    let failed = report.checks.iter().any(|c| c.outcome == Outcome::Failed);
    assert_eq!(report.valid, !failed);
    // A badge is never valid merely because checks did not run.
    if report.valid {
        assert!(
            report.checks.iter().all(|c| c.message != "Not checked."),
            "{:#?}",
            report.checks
        );
    }
}

#[track_caller]
fn assert_valid(report: &Report) {
    assert!(report.valid, "expected valid: {:#?}", report.checks);
}

#[track_caller]
fn assert_outcome(report: &Report, name: CheckName, outcome: Outcome) {
    let got: Vec<_> = report.checks.iter().filter(|c| c.name == name).collect();
    assert!(
        got.iter().any(|c| c.outcome == outcome),
        "expected {name:?} {outcome:?}: {:#?}",
        report.checks
    );
}

/// Asserts `name` failed with a message containing `needle`.
#[track_caller]
fn assert_failed(report: &Report, name: CheckName, needle: &str) {
    assert!(!report.valid);
    let failure = report
        .failure(name)
        .unwrap_or_else(|| panic!("expected {name:?} to fail: {:#?}", report.checks));
    assert!(
        failure.message.contains(needle),
        "{name:?} message {:?} lacks {needle:?}",
        failure.message
    );
}

/// Replaces the payload of a compact JWS, keeping header and signature.
fn with_payload(compact: &str, payload: &Value) -> String {
    use base64::engine::general_purpose::URL_SAFE_NO_PAD;
    use base64::Engine as _;
    let mut parts: Vec<String> = compact.split('.').map(str::to_owned).collect();
    parts[1] = URL_SAFE_NO_PAD.encode(serde_json::to_vec(payload).unwrap());
    parts.join(".")
}

fn unsigned_token(alg: &str, payload: &Value) -> String {
    use base64::engine::general_purpose::URL_SAFE_NO_PAD;
    use base64::Engine as _;
    let head = URL_SAFE_NO_PAD.encode(format!(r#"{{"alg":"{alg}","typ":"JWT"}}"#));
    let body = URL_SAFE_NO_PAD.encode(serde_json::to_vec(payload).unwrap());
    let signature = if alg == "none" {
        String::new()
    } else {
        URL_SAFE_NO_PAD.encode([7u8; 32])
    };
    format!("{head}.{body}.{signature}")
}

// ---- Open Badges 2.0, hosted ----

#[test]
fn hosted_assertion_is_valid_and_fetched_again_from_its_id() {
    let w = World::new();
    let report = w.text(hosted_assertion().to_string());
    assert_valid(&report);
    assert_eq!(report.version.as_deref(), Some("2.0"));
    for name in [
        CheckName::Input,
        CheckName::Structure,
        CheckName::Signature,
        CheckName::IssuerScope,
        CheckName::Revocation,
        CheckName::Expiry,
        CheckName::Badge,
        CheckName::Issuer,
    ] {
        assert_outcome(&report, name, Outcome::Passed);
    }
    assert_outcome(&report, CheckName::KeyOwnership, Outcome::Skipped);
    assert_eq!(
        report.check(CheckName::RecipientMatch).unwrap().message,
        "No recipient was given to compare with."
    );
    assert!(report.check(CheckName::Unbake).is_none());
    assert_eq!(w.fetcher.requests(HOSTED), 1);
    assert_eq!(report.badge.as_ref().unwrap()["name"], "Rust");
    assert_eq!(report.issuer.as_ref().unwrap()["id"], ISSUER);
    assert_eq!(report.assertion.as_ref().unwrap()["id"], HOSTED);
}

#[test]
fn hosted_assertion_by_url_is_fetched_once() {
    let w = World::new();
    let report = w.text(format!("  {HOSTED}\n"));
    assert_valid(&report);
    assert!(report
        .check(CheckName::Input)
        .unwrap()
        .message
        .contains(HOSTED));
    assert_eq!(w.fetcher.requests(HOSTED), 1);
}

#[test]
fn the_hosted_copy_is_authoritative() {
    let w = World::new();
    let mut given = hosted_assertion();
    given["recipient"] = serde_json::to_value(hashed_recipient(
        IdentityType::Email,
        "thief@example.com",
        SALT,
    ))
    .unwrap();
    let report = w.verify_as(Input::Text(given.to_string()), Some("thief@example.com"));
    assert_outcome(&report, CheckName::Signature, Outcome::Warning);
    assert_failed(
        &report,
        CheckName::RecipientMatch,
        "not awarded to thief@example.com",
    );
    let report = w.verify_as(Input::Text(given.to_string()), Some(EMAIL));
    assert_valid(&report);
}

#[test]
fn hosted_410_is_revoked_with_its_reason() {
    let mut w = World::new();
    w.fetcher.status(
        HOSTED,
        410,
        &json!({"@context": CONTEXT, "id": HOSTED, "revoked": true, "revocationReason": "Issued in error"}),
    );
    let report = w.text(hosted_assertion().to_string());
    assert_failed(
        &report,
        CheckName::Revocation,
        "The issuer revoked this badge: Issued in error.",
    );
    // Given as a URL, the 410 answers the input fetch itself.
    let report = w.text(HOSTED);
    assert_failed(&report, CheckName::Revocation, "Issued in error");
    assert_eq!(report.version.as_deref(), Some("2.0"));
}

#[test]
fn hosted_404_and_revoked_flag_fail() {
    let mut w = World::new();
    let mut revoked = hosted_assertion();
    revoked["revoked"] = json!(true);
    revoked["revocationReason"] = json!("Cheated on the exam");
    w.fetcher.json(HOSTED, &revoked);
    let report = w.text(hosted_assertion().to_string());
    assert_failed(&report, CheckName::Revocation, "Cheated on the exam.");

    w.fetcher.docs.remove(HOSTED);
    let report = w.text(hosted_assertion().to_string());
    assert_failed(&report, CheckName::Signature, "not found (HTTP 404)");
}

#[test]
fn hosted_copy_with_another_id_is_refused() {
    let mut w = World::new();
    let mut other = hosted_assertion();
    other["id"] = json!("https://issuer.example/assertions/other");
    w.fetcher.json(HOSTED, &other);
    let report = w.text(hosted_assertion().to_string());
    assert_failed(&report, CheckName::Signature, "declares the id");
}

#[test]
fn assertion_on_another_origin_is_out_of_scope() {
    let elsewhere = "https://elsewhere.example/assertions/1";
    let mut w = World::new();
    let a = assertion(elsewhere, json!({"type": "HostedBadge"}));
    w.fetcher.json(elsewhere, &a);
    let report = w.text(a.to_string());
    assert_failed(
        &report,
        CheckName::IssuerScope,
        "not hosted on the issuer's origin (https://issuer.example)",
    );

    // Another scheme or port is another origin too.
    let http = "http://issuer.example/assertions/1";
    let a2 = assertion(http, json!({"type": "hosted"}));
    w.fetcher.json(http, &a2);
    assert_failed(
        &w.text(a2.to_string()),
        CheckName::IssuerScope,
        "not hosted",
    );

    w.set_issuer(|i| i["verification"] = json!({"allowedOrigins": "elsewhere.example"}));
    assert_valid(&w.text(a.to_string()));
    w.set_issuer(|i| {
        i["verification"] = json!({"allowedOrigins": ["a.example", "ELSEWHERE.example"]})
    });
    assert_valid(&w.text(a.to_string()));
    w.set_issuer(|i| {
        i["verification"] = json!({"startsWith": ["https://elsewhere.example/assertions/"]})
    });
    assert_valid(&w.text(a.to_string()));
    w.set_issuer(|i| i["verification"] = json!({"startsWith": "https://elsewhere.example/other/"}));
    assert_failed(
        &w.text(a.to_string()),
        CheckName::IssuerScope,
        "verification policy",
    );
    w.set_issuer(|i| i["verification"] = json!({"allowedOrigins": "elsewhere.example", "startsWith": "https://elsewhere.example/other/"}));
    assert_failed(
        &w.text(a.to_string()),
        CheckName::IssuerScope,
        "verification policy",
    );
}

#[test]
fn an_embedded_issuer_cannot_widen_its_own_scope() {
    let evil = "https://evil.example/assertions/1";
    let mut w = World::new();
    let mut a = assertion(evil, json!({"type": "hosted"}));
    a["badge"] = json!({
        "type": "BadgeClass", "id": "https://evil.example/badge", "name": "Rust",
        "description": "Knows Rust.", "image": "https://evil.example/i.png", "criteria": {"narrative": "x"},
        "issuer": {"type": "Issuer", "id": ISSUER, "name": "Acme Academy", "url": "https://issuer.example",
                   "verification": {"allowedOrigins": "evil.example"}},
    });
    w.fetcher.json(evil, &a);
    let report = w.text(a.to_string());
    assert_outcome(&report, CheckName::Badge, Outcome::Passed);
    assert_failed(
        &report,
        CheckName::IssuerScope,
        "not hosted on the issuer's origin",
    );
    assert!(report
        .issuer
        .as_ref()
        .unwrap()
        .get("verification")
        .is_none());
}

#[test]
fn an_issuer_profile_claiming_another_id_fails() {
    let mut w = World::new();
    let mut profile = w.issuer.clone();
    profile["id"] = json!("https://trusted.example/issuer");
    w.fetcher.json(ISSUER, &profile);
    let report = w.text(hosted_assertion().to_string());
    assert_failed(&report, CheckName::Issuer, "declares the id");
    assert_outcome(&report, CheckName::IssuerScope, Outcome::Skipped);
}

// ---- Open Badges 2.0, signed ----

#[test]
fn signed_assertion_is_valid() {
    let w = World::new();
    let report = w.verify_as(Input::Text(sign(&signed_assertion())), Some(EMAIL));
    assert_valid(&report);
    assert_eq!(report.version.as_deref(), Some("2.0"));
    for name in [
        CheckName::Signature,
        CheckName::KeyOwnership,
        CheckName::Revocation,
        CheckName::Expiry,
        CheckName::RecipientMatch,
        CheckName::Badge,
        CheckName::Issuer,
    ] {
        assert_outcome(&report, name, Outcome::Passed);
    }
    assert_outcome(&report, CheckName::IssuerScope, Outcome::Skipped);
    // A signed badge is not fetched from its id.
    assert_eq!(w.fetcher.requests(SIGNED), 0);
}

#[test]
fn the_key_may_be_named_by_the_header_kid_and_listed_in_an_array() {
    let mut w = World::new();
    let mut a = signed_assertion();
    a["verification"] = json!({"type": "signed"});
    w.set_issuer(|i| i["publicKey"] = json!(["https://issuer.example/keys/0", {"id": KEY}]));
    let token = crate::crypto::jws::sign(&a, key(), Some(KEY), None);
    assert_valid(&w.text(token));
}

#[test]
fn signed_assertion_in_the_revocation_list_is_revoked() {
    let mut w = World::new();
    w.fetcher.json(
        REVOCATIONS,
        &revocation_list(json!(["https://issuer.example/assertions/9", SIGNED])),
    );
    let report = w.text(sign(&signed_assertion()));
    assert_failed(
        &report,
        CheckName::Revocation,
        "The issuer revoked this badge.",
    );

    w.fetcher.json(
        REVOCATIONS,
        &revocation_list(
            json!([{"id": SIGNED, "revocationReason": "Awarded to the wrong person"}]),
        ),
    );
    let report = w.text(sign(&signed_assertion()));
    assert_failed(
        &report,
        CheckName::Revocation,
        "The issuer revoked this badge: Awarded to the wrong person.",
    );

    let mut with_uid = signed_assertion();
    with_uid["uid"] = json!("abc123");
    w.fetcher
        .json(REVOCATIONS, &revocation_list(json!([{"uid": "abc123"}])));
    assert_failed(&w.text(sign(&with_uid)), CheckName::Revocation, "revoked");
}

#[test]
fn without_a_revocation_list_revocation_is_skipped() {
    let mut w = World::new();
    w.set_issuer(|i| {
        i.as_object_mut().unwrap().remove("revocationList");
    });
    let report = w.text(sign(&signed_assertion()));
    assert_valid(&report);
    assert_eq!(
        report.check(CheckName::Revocation).unwrap().message,
        "The issuer publishes no revocation list."
    );
    assert_eq!(
        report.check(CheckName::Revocation).unwrap().outcome,
        Outcome::Skipped
    );
}

#[test]
fn expired_and_future_badges_fail() {
    let w = World::new();
    let mut a = signed_assertion();
    a["expires"] = json!("2026-03-01T00:00:00Z");
    assert_failed(
        &w.text(sign(&a)),
        CheckName::Expiry,
        "This badge expired on 2026-03-01T00:00:00Z.",
    );

    let mut a = signed_assertion();
    a["issuedOn"] = json!("2026-09-01T00:00:00+02:00");
    assert_failed(&w.text(sign(&a)), CheckName::Expiry, "is in the future");

    let mut a = signed_assertion();
    a["expires"] = json!("2027-03-01T00:00:00Z");
    let report = w.text(sign(&a));
    assert_valid(&report);
    assert!(report
        .check(CheckName::Expiry)
        .unwrap()
        .message
        .contains("valid until 2027-03-01"));
}

#[test]
fn a_tampered_payload_fails_the_signature() {
    let w = World::new();
    let token = sign(&signed_assertion());
    let mut forged = signed_assertion();
    forged["recipient"] = serde_json::to_value(hashed_recipient(
        IdentityType::Email,
        "thief@example.com",
        SALT,
    ))
    .unwrap();
    let report = w.text(with_payload(&token, &forged));
    assert_failed(
        &report,
        CheckName::Signature,
        "The signature does not match",
    );
}

#[test]
fn other_algorithms_are_refused_with_the_reason() {
    let w = World::new();
    let report = w.text(unsigned_token("HS256", &signed_assertion()));
    assert_failed(
        &report,
        CheckName::Signature,
        "The JWS uses the algorithm “HS256”; only RS256 is accepted.",
    );
    assert_eq!(report.version.as_deref(), Some("2.0"));
    let report = w.text(unsigned_token("none", &signed_assertion()));
    assert_failed(
        &report,
        CheckName::Signature,
        "The JWS uses the algorithm “none”; only RS256 is accepted.",
    );
    let report = w.text(unsigned_token("none", &credential()));
    assert_eq!(report.version.as_deref(), Some("3.0"));
    assert_eq!(w.fetcher.requests(KEY), 0);
}

#[test]
fn a_key_document_holding_another_key_fails() {
    let mut w = World::new();
    w.fetcher.json(KEY, &key_document(other_key(), ISSUER));
    let report = w.text(sign(&signed_assertion()));
    assert_failed(&report, CheckName::Signature, "does not match");
    assert!(report
        .failure(CheckName::Signature)
        .unwrap()
        .message
        .contains(KEY));
}

#[test]
fn a_key_owned_by_someone_else_fails_key_ownership() {
    let mut w = World::new();
    w.fetcher
        .json(KEY, &key_document(key(), "https://evil.example/issuer"));
    let report = w.text(sign(&signed_assertion()));
    assert_outcome(&report, CheckName::Signature, Outcome::Passed);
    assert_failed(
        &report,
        CheckName::KeyOwnership,
        "belongs to https://evil.example/issuer, not to the issuer",
    );

    let mut no_owner = key_document(key(), ISSUER);
    no_owner.as_object_mut().unwrap().remove("owner");
    w.fetcher.json(KEY, &no_owner);
    assert_failed(
        &w.text(sign(&signed_assertion())),
        CheckName::KeyOwnership,
        "names no owner",
    );
}

#[test]
fn an_issuer_that_does_not_list_the_key_fails_key_ownership() {
    let mut w = World::new();
    w.set_issuer(|i| i["publicKey"] = json!("https://issuer.example/keys/2"));
    let report = w.text(sign(&signed_assertion()));
    assert_outcome(&report, CheckName::Signature, Outcome::Passed);
    assert_failed(&report, CheckName::KeyOwnership, "does not list the key");
}

#[test]
fn signed_json_without_its_jws_cannot_be_authenticated() {
    let w = World::new();
    let report = w.text(signed_assertion().to_string());
    assert_failed(
        &report,
        CheckName::Signature,
        "rather than the signed badge",
    );
    assert_outcome(&report, CheckName::Badge, Outcome::Passed);
}

// ---- Structure and documents ----

#[test]
fn missing_fields_are_named() {
    let w = World::new();
    let report = w.text(
        json!({"@context": CONTEXT, "type": "Assertion", "verification": {"type": "hosted"}})
            .to_string(),
    );
    assert_failed(
        &report,
        CheckName::Structure,
        "it lacks id, recipient, badge and issuedOn",
    );

    let mut a = signed_assertion();
    a["issuedOn"] = json!("2026-01-15T10:00:00");
    a["recipient"]["identity"] = json!("holder@example.com");
    let report = w.text(sign(&a));
    assert_failed(
        &report,
        CheckName::Structure,
        "issuedOn “2026-01-15T10:00:00” has no timezone",
    );
    assert_failed(
        &report,
        CheckName::Structure,
        "recipient.identity is not a sha256$ or md5$ hash",
    );

    let mut c = credential();
    c.as_object_mut().unwrap().remove("issuer");
    let report = w.text(c.to_string());
    assert_failed(&report, CheckName::Structure, "it lacks issuer");
}

#[test]
fn a_document_that_is_not_json_fails_structure() {
    let mut w = World::new();
    w.fetcher
        .raw(BADGE, 200, "text/html", b"<html>Rust badge</html>".to_vec());
    let report = w.text(sign(&signed_assertion()));
    assert_failed(
        &report,
        CheckName::Structure,
        &format!("The badge class at {BADGE} is not a JSON object."),
    );
    assert_outcome(&report, CheckName::Issuer, Outcome::Skipped);
}

#[test]
fn fetch_errors_name_the_url() {
    let mut w = World::new();
    w.fetcher.error(
        KEY,
        FetchError::Blocked {
            url: KEY.into(),
            reason: "10.0.0.7 is a private address".into(),
        },
    );
    let report = w.text(sign(&signed_assertion()));
    assert_failed(
        &report,
        CheckName::Signature,
        &format!("Laurel did not fetch {KEY}, because it leads to a private or loopback address"),
    );
    assert_outcome(&report, CheckName::KeyOwnership, Outcome::Skipped);

    let mut w = World::new();
    w.fetcher.error(
        ISSUER,
        FetchError::TooLarge {
            url: ISSUER.into(),
            limit: 1_048_576,
        },
    );
    let report = w.text(sign(&signed_assertion()));
    assert_failed(
        &report,
        CheckName::Issuer,
        &format!("The document at {ISSUER} is larger than 1048576 bytes"),
    );

    let mut w = World::new();
    let local = "http://127.0.0.1:8080/assertions/1";
    w.fetcher.error(
        local,
        FetchError::Blocked {
            url: local.into(),
            reason: "127.0.0.1 is a loopback address".into(),
        },
    );
    let report = w.text(local);
    assert_failed(
        &report,
        CheckName::Input,
        &format!("Laurel could not fetch the badge. Laurel did not fetch {local}"),
    );
    let mut w = World::new();
    w.fetcher
        .error(HOSTED, FetchError::Timeout { url: HOSTED.into() });
    assert_failed(
        &w.text(hosted_assertion().to_string()),
        CheckName::Signature,
        "did not answer in time",
    );
}

#[test]
fn hostile_documents_cannot_make_the_verifier_fetch_without_bound() {
    let mut w = World::new();
    let mut c = credential();
    c["credentialStatus"] = Value::Array(
        (0..50)
            .map(|i| json!({"id": format!("https://issuer.example/status/{i}"), "type": "1EdTechRevocationList"}))
            .collect(),
    );
    let report = w.text(vc_jwt(&c));
    assert_outcome(&report, CheckName::Revocation, Outcome::Warning);
    let fetched = w.fetcher.log.lock().unwrap().len();
    assert!(fetched <= MAX_FETCHES, "{fetched} fetches");

    let long = format!("https://issuer.example/{}", "a".repeat(MAX_URL_LEN));
    let mut a = signed_assertion();
    a["verification"]["creator"] = json!(long);
    let report = w.text(sign(&a));
    assert_failed(
        &report,
        CheckName::Signature,
        "is not an http:// or https:// URL",
    );
    assert!(report.failure(CheckName::Signature).unwrap().message.len() < 600);

    w.fetcher.raw(
        "https://issuer.example/page",
        200,
        "text/html; charset=utf-8",
        b"<!doctype html><p>hi</p>".to_vec(),
    );
    assert_failed(
        &w.text("https://issuer.example/page"),
        CheckName::Input,
        "is a web page, not a badge",
    );
}

#[test]
fn only_http_urls_are_fetched() {
    let w = World::new();
    let mut a = signed_assertion();
    a["verification"]["creator"] = json!("file:///etc/passwd");
    let report = w.text(sign(&a));
    assert_failed(
        &report,
        CheckName::Signature,
        "is not an http:// or https:// URL",
    );
    assert!(w
        .fetcher
        .log
        .lock()
        .unwrap()
        .iter()
        .all(|u| u.starts_with("https://")));
}

// ---- Recipient ----

#[test]
fn recipient_must_match() {
    let w = World::new();
    let token = sign(&signed_assertion());
    let report = w.verify_as(Input::Text(token.clone()), Some(" Holder@Example.com "));
    assert_outcome(&report, CheckName::RecipientMatch, Outcome::Passed);
    let report = w.verify_as(Input::Text(token), Some("someone@example.com"));
    assert_failed(
        &report,
        CheckName::RecipientMatch,
        "The badge was not awarded to someone@example.com.",
    );
}

#[test]
fn any_of_several_recipients_may_match() {
    let w = World::new();
    let options = |recipients: &[&str]| Options {
        recipients: recipients.iter().map(|r| r.to_string()).collect(),
        now: now(),
    };
    for input in [sign(&signed_assertion()), vc_jwt(&credential())] {
        let report = block_on(verify(
            Input::Text(input.clone()),
            &w.fetcher,
            &options(&["old@example.org", EMAIL]),
        ));
        assert_outcome(&report, CheckName::RecipientMatch, Outcome::Passed);
        assert!(report
            .check(CheckName::RecipientMatch)
            .unwrap()
            .message
            .contains(EMAIL));
        let report = block_on(verify(
            Input::Text(input),
            &w.fetcher,
            &options(&["a@example.org", "b@example.org"]),
        ));
        assert_failed(
            &report,
            CheckName::RecipientMatch,
            "The badge was not awarded to any of a@example.org, b@example.org.",
        );
    }
}

// ---- Open Badges 3.0 ----

#[test]
fn vc_jwt_is_valid_with_a_jwks_kid() {
    let w = World::new();
    let report = w.verify_as(Input::Text(vc_jwt(&credential())), Some(EMAIL));
    assert_valid(&report);
    assert_eq!(report.version.as_deref(), Some("3.0"));
    for name in [
        CheckName::Structure,
        CheckName::Signature,
        CheckName::IssuerScope,
        CheckName::Revocation,
        CheckName::Expiry,
        CheckName::RecipientMatch,
        CheckName::Badge,
        CheckName::Issuer,
    ] {
        assert_outcome(&report, name, Outcome::Passed);
    }
    assert_outcome(&report, CheckName::KeyOwnership, Outcome::Skipped);
    assert_eq!(report.badge.as_ref().unwrap()["name"], "Rust");
    assert_eq!(report.issuer.as_ref().unwrap()["id"], ISSUER);
    assert_eq!(w.fetcher.requests(JWKS), 1);
    let report = w.verify_as(
        Input::Text(vc_jwt(&credential())),
        Some("other@example.com"),
    );
    assert_failed(&report, CheckName::RecipientMatch, "not awarded");
}

#[test]
fn vc_jwt_keys_in_other_forms() {
    let mut w = World::new();
    // The `vc` claim wrapper, and a kid that is the fragment only.
    let payload = json!({"iss": ISSUER, "jti": CREDENTIAL, "vc": credential()});
    w.fetcher
        .json(JWKS, &json!({"keys": [key().public_key().to_jwk("k1")]}));
    let token = crate::crypto::jws::sign(&payload, key(), Some(KID), Some("JWT"));
    assert_valid(&w.text(token));
    // A single JWK.
    w.fetcher.json(JWKS, &key().public_key().to_jwk(KID));
    assert_valid(&w.text(vc_jwt(&credential())));
    // An OB 2.0 CryptographicKey: its owner must be the issuer.
    let kid = "https://issuer.example/keys/1";
    let token = crate::ob3::sign_vc_jwt(&credential(), key(), kid);
    let report = w.text(token.clone());
    assert_valid(&report);
    assert_outcome(&report, CheckName::KeyOwnership, Outcome::Passed);
    w.fetcher
        .json(KEY, &key_document(key(), "https://evil.example/issuer"));
    assert_failed(&w.text(token), CheckName::KeyOwnership, "not to the issuer");
}

#[test]
fn vc_jwt_with_an_unknown_kid_or_foreign_key_fails() {
    let mut w = World::new();
    let token =
        crate::ob3::sign_vc_jwt(&credential(), key(), "https://issuer.example/jwks.json#k9");
    assert_failed(
        &w.text(token),
        CheckName::Signature,
        "has no key with the id",
    );

    let foreign = "https://keys.example/jwks.json";
    w.fetcher.json(
        foreign,
        &json!({"keys": [key().public_key().to_jwk(foreign)]}),
    );
    let report = w.text(crate::ob3::sign_vc_jwt(&credential(), key(), foreign));
    assert_outcome(&report, CheckName::Signature, Outcome::Passed);
    assert_failed(
        &report,
        CheckName::IssuerScope,
        "is not published on the origin of the issuer",
    );

    let report = w.text(crate::ob3::sign_vc_jwt(
        &credential(),
        key(),
        "did:example:123#key-1",
    ));
    assert_failed(&report, CheckName::Signature, "DID keys are not supported");

    let report = w.text(crate::ob3::sign_vc_jwt(&credential(), other_key(), KID));
    assert_failed(&report, CheckName::Signature, "does not match");
}

#[test]
fn vc_jwt_revoked_through_the_1edtech_revocation_list() {
    let mut w = World::new();
    w.fetcher.json(
        OB3_REVOCATIONS,
        &json!({"id": OB3_REVOCATIONS, "revokedCredentials": [{"id": CREDENTIAL, "revoked": true, "revocationReason": "Issued in error"}]}),
    );
    let report = w.text(vc_jwt(&credential()));
    assert_failed(
        &report,
        CheckName::Revocation,
        "The issuer revoked this badge: Issued in error.",
    );

    // Reinstated: listed with revoked false.
    w.fetcher.json(
        OB3_REVOCATIONS,
        &json!({"id": OB3_REVOCATIONS, "revokedCredentials": [{"id": CREDENTIAL, "revoked": false}]}),
    );
    assert_valid(&w.text(vc_jwt(&credential())));

    let mut c = credential();
    c["credentialStatus"] =
        json!({"id": "https://issuer.example/status/1", "type": "BitstringStatusListEntry"});
    let report = w.text(vc_jwt(&c));
    assert_valid(&report);
    assert_outcome(&report, CheckName::Revocation, Outcome::Warning);
}

#[test]
fn vc_jwt_expired_or_not_yet_valid() {
    let w = World::new();
    let mut c = credential();
    c["validUntil"] = json!("2026-05-01T00:00:00Z");
    assert_failed(
        &w.text(vc_jwt(&c)),
        CheckName::Expiry,
        "This badge expired on 2026-05-01T00:00:00Z.",
    );

    let mut c = credential();
    c["validFrom"] = json!("2026-07-01T00:00:00Z");
    assert_failed(
        &w.text(vc_jwt(&c)),
        CheckName::Expiry,
        "not valid before 2026-07-01",
    );

    // The JWT's exp counts even if validUntil were missing.
    let mut claims = crate::ob3::jwt_claims(&credential());
    claims["exp"] = json!(time("2026-02-01T00:00:00Z").timestamp());
    let token = crate::crypto::jws::sign(&claims, key(), Some(KID), Some("JWT"));
    assert_failed(&w.text(token), CheckName::Expiry, "expired on 2026-02-01");
}

#[test]
fn vc_jwt_claims_must_agree_with_the_credential() {
    let w = World::new();
    let mut claims = crate::ob3::jwt_claims(&credential());
    claims["iss"] = json!("https://other.example/issuer");
    let token = crate::crypto::jws::sign(&claims, key(), Some(KID), Some("JWT"));
    assert_failed(&w.text(token), CheckName::Structure, "the JWT's iss");
}

#[test]
fn plain_ob3_json_has_no_checkable_proof() {
    let w = World::new();
    let mut c = credential();
    c["proof"] = json!({"type": "DataIntegrityProof", "cryptosuite": "eddsa-rdfc-2022"});
    let report = w.verify_as(Input::Text(c.to_string()), Some(EMAIL));
    assert_failed(
        &report,
        CheckName::Signature,
        "This credential carries no proof Laurel can check (only VC-JWT is supported).",
    );
    assert_eq!(report.version.as_deref(), Some("3.0"));
    assert_outcome(&report, CheckName::RecipientMatch, Outcome::Passed);
}

#[test]
fn ob3_recipient_by_subject_id() {
    let w = World::new();
    let mut c = credential();
    c["credentialSubject"]
        .as_object_mut()
        .unwrap()
        .remove("identifier");
    c["credentialSubject"]["id"] = json!("mailto:holder@example.com");
    let report = w.verify_as(Input::Text(vc_jwt(&c)), Some("HOLDER@example.com"));
    assert_valid(&report);
}

// ---- Images ----

#[test]
fn baked_png_and_svg_are_verified() {
    let w = World::new();
    let png = bake_png(&tiny_png(), &BakedPayload::Ob2(sign(&signed_assertion()))).unwrap();
    let report = w.verify_as(Input::Image(png), Some(EMAIL));
    assert_valid(&report);
    assert_outcome(&report, CheckName::Unbake, Outcome::Passed);
    assert!(report
        .check(CheckName::Input)
        .unwrap()
        .message
        .contains("PNG"));

    let svg = bake_svg(
        TINY_SVG,
        &BakedPayload::Ob2(hosted_assertion().to_string()),
        Some(HOSTED),
    )
    .unwrap();
    let report = w.verify(Input::Image(svg.into_bytes()));
    assert_valid(&report);
    assert!(report
        .check(CheckName::Input)
        .unwrap()
        .message
        .contains("SVG"));

    let png = bake_png(&tiny_png(), &BakedPayload::Ob3(vc_jwt(&credential()))).unwrap();
    let report = w.verify(Input::Image(png));
    assert_valid(&report);
    assert_eq!(report.version.as_deref(), Some("3.0"));

    // Open Badges 1.x practice: only the hosted assertion's URL is baked.
    let png = bake_png(&tiny_png(), &BakedPayload::Ob2(HOSTED.into())).unwrap();
    assert_valid(&w.verify(Input::Image(png)));
}

#[test]
fn a_badge_image_url_is_fetched_and_unbaked() {
    let mut w = World::new();
    let url = "https://issuer.example/assertions/2/image.png";
    let png = bake_png(&tiny_png(), &BakedPayload::Ob2(sign(&signed_assertion()))).unwrap();
    w.fetcher.raw(url, 200, "image/png", png);
    let report = w.text(url);
    assert_valid(&report);
    assert_outcome(&report, CheckName::Unbake, Outcome::Passed);
}

#[test]
fn broken_images_fail_unbake() {
    let w = World::new();
    let png = bake_png(&tiny_png(), &BakedPayload::Ob2(sign(&signed_assertion()))).unwrap();
    let truncated = png[..png.len() - 20].to_vec();
    let report = w.verify(Input::Image(truncated));
    assert_failed(&report, CheckName::Unbake, "truncated");
    assert_outcome(&report, CheckName::Input, Outcome::Passed);

    let report = w.verify(Input::Image(tiny_png()));
    assert_failed(
        &report,
        CheckName::Unbake,
        "This image carries no Open Badges data.",
    );

    let report = w.verify(Input::Image(b"GIF89a".to_vec()));
    assert_failed(
        &report,
        CheckName::Unbake,
        "This is not a PNG or SVG image.",
    );

    let png = bake_png(&tiny_png(), &BakedPayload::Ob2("hello there".into())).unwrap();
    assert_failed(
        &w.verify(Input::Image(png)),
        CheckName::Unbake,
        "is not JSON",
    );
}

// ---- Input ----

#[test]
fn unreadable_text_fails_input() {
    let w = World::new();
    assert_failed(
        &w.text("hello, world"),
        CheckName::Input,
        "is not JSON, an http(s) URL or a signed badge",
    );
    assert_failed(&w.text(""), CheckName::Input, "is not JSON");
    assert_failed(&w.text("{not json"), CheckName::Input, "not valid JSON");
    assert_failed(&w.text("[1, 2]"), CheckName::Input, "is not JSON");
    assert_failed(&w.text("a.b.c"), CheckName::Input, "not a compact JWS");
    assert_failed(
        &w.text(format!("{{{}", " ".repeat(MAX_TEXT_BYTES))),
        CheckName::Input,
        "larger than 1 MiB",
    );
    assert_failed(
        &w.text("https://issuer.example/nothing"),
        CheckName::Input,
        "was not found (HTTP 404)",
    );
    let report = w.text("hello");
    assert_eq!(report.version, None);
    assert_eq!(
        report.check(CheckName::Signature).unwrap().message,
        "Not checked, because an earlier check failed."
    );
}

#[test]
fn the_report_serialises_with_snake_case_names() {
    let w = World::new();
    let report = w.text(sign(&signed_assertion()));
    let json = serde_json::to_value(&report).unwrap();
    assert_eq!(json["valid"], true);
    assert_eq!(json["version"], "2.0");
    assert_eq!(json["checks"][0]["name"], "input");
    assert_eq!(json["checks"][0]["outcome"], "passed");
    let names: Vec<&str> = json["checks"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["name"].as_str().unwrap())
        .collect();
    assert!(
        names.contains(&"key_ownership")
            && names.contains(&"issuer_scope")
            && names.contains(&"recipient_match")
    );
}

#[test]
fn the_verification_future_is_send() {
    fn assert_send<T: Send>(_: &T) {}
    let w = World::new();
    let options = Options {
        recipients: Vec::new(),
        now: now(),
    };
    let future = verify(Input::Text(String::new()), &w.fetcher, &options);
    assert_send(&future);
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(128))]

    #[test]
    fn never_panics_on_any_text(
        prefix in prop::sample::select(vec!["", "{", "https://issuer.example/", "eyJhbGciOiJSUzI1NiJ9.", "\u{feff}"]),
        body in "\\PC{0,64}",
    ) {
        let w = World::new();
        let report = w.text(format!("{prefix}{body}"));
        prop_assert!(report.check(CheckName::Input).is_some());
    }

    #[test]
    fn never_panics_on_any_bytes(bytes in prop::collection::vec(any::<u8>(), 0..256)) {
        let w = World::new();
        let report = w.verify(Input::Image(bytes));
        prop_assert!(!report.valid);
    }

    #[test]
    fn never_panics_on_damaged_assertions(
        field in prop::sample::select(vec!["id", "recipient", "badge", "verification", "issuedOn", "expires", "type"]),
        value in prop_oneof![
            Just(json!(null)), Just(json!(1)), Just(json!([])), Just(json!({})),
            Just(json!("")), Just(json!("https://issuer.example/")), Just(json!([{"id": 1}])),
        ],
        hosted in any::<bool>(),
    ) {
        let w = World::new();
        let mut a = if hosted { hosted_assertion() } else { signed_assertion() };
        a[field] = value;
        let _ = w.text(a.to_string());
        let _ = w.text(sign(&a));
    }
}
