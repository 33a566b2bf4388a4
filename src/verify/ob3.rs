//! Open Badges 3.0: `OpenBadgeCredential`s secured as VC-JWTs (RS256), and
//! plain credentials, which are read but cannot be authenticated here.

use chrono::{DateTime, Utc};
use serde_json::{json, Value};

use super::util::recipient_list;
use super::util::{
    date_problem, epoch_seconds, has_type, http_url, id_of, is_identity_hash, join_and, lacking,
    list_of, origin_text, parse_datetime, quote, revoked_sentence, same_origin, show_time, str_at,
    types, without_fragment,
};
use super::{CheckName as C, Fetcher, Verifier};
use crate::crypto::jws::Jws;
use crate::crypto::PublicKey;
use crate::ob2::IdentityObject;
use crate::ob3::{missing_required_fields, REVOCATION_LIST_TYPE};
use crate::recipient::identity_matches;

/// What every OB 3.0 context URL contains, whichever 3.0.x release it is.
const OB3_CONTEXT_PART: &str = "purl.imsglobal.org/spec/ob/v3p0";
const CREDENTIAL_TYPES: &[&str] = &["OpenBadgeCredential", "AchievementCredential"];
/// The most `credentialStatus` entries checked (each may be a fetch).
const MAX_STATUSES: usize = 4;

/// The credential inside a JWT payload: the payload itself (VC-JOSE, as
/// Laurel issues) or its `vc` claim (the older VC-JWT encoding).
fn credential_of(payload: &Value) -> &Value {
    payload
        .get("vc")
        .filter(|vc| vc.is_object())
        .unwrap_or(payload)
}

/// Whether a JSON document (or JWT payload) is an OB 3.0 credential: it
/// uses the OB 3.0 context, or says it is an OpenBadgeCredential.
pub(super) fn is_ob3(value: &Value) -> bool {
    let credential = credential_of(value);
    let context = list_of(credential.get("@context"))
        .into_iter()
        .filter_map(Value::as_str)
        .any(|c| c.contains(OB3_CONTEXT_PART));
    context || has_type(credential, CREDENTIAL_TYPES)
}

/// A public key found through a VC-JWT's `kid`, with its declared owner when
/// the document names one (an OB 2.0 style `CryptographicKey`).
struct Key {
    public: PublicKey,
    owner: Option<String>,
}

/// A VC-JWT.
pub(super) async fn verify_jwt<F: Fetcher>(v: &mut Verifier<'_, F>, jws: &Jws<'_>) {
    v.version = Some("3.0");
    let payload = &jws.payload;
    let credential = credential_of(payload).clone();
    v.assertion = Some(credential.clone());
    structure(v, &credential, Some(payload));
    let issuer_id = credential
        .get("issuer")
        .and_then(id_of)
        .unwrap_or("")
        .to_owned();
    let kid = jws.header.kid.clone().unwrap_or_default();
    let key = if kid.is_empty() {
        v.fail(
            C::Signature,
            "The VC-JWT's header names no key (kid), so Laurel cannot find the key to check it with.",
        );
        None
    } else if http_url(&kid).is_none() {
        v.fail(
            C::Signature,
            format!(
                "The VC-JWT's key id “{}” is not an http(s) URL, so Laurel cannot fetch the key (DID keys are not supported).",
                quote(&kid)
            ),
        );
        None
    } else {
        load_key(v, &kid).await
    };
    match &key {
        None => {
            let why = "Not checked, because the key could not be read.";
            v.skip(C::KeyOwnership, why);
            v.skip(C::IssuerScope, why);
        }
        Some(key) => {
            let shown = quote(&kid);
            match jws.verify(&key.public) {
                Ok(()) => v.pass(
                    C::Signature,
                    format!("The RS256 signature matches the key {shown}."),
                ),
                Err(e) => v.fail(C::Signature, format!("{e} Laurel used the key {shown}.")),
            }
            match &key.owner {
                None => v.skip(
                    C::KeyOwnership,
                    "The key names no owner; it is tied to the issuer by its origin instead (see the issuer scope check).",
                ),
                Some(owner) if *owner == issuer_id => v.pass(
                    C::KeyOwnership,
                    format!("The key {shown} belongs to the issuer {}.", quote(&issuer_id)),
                ),
                Some(owner) => v.fail(
                    C::KeyOwnership,
                    format!("The key {shown} belongs to {}, not to the issuer {}.", quote(owner), quote(&issuer_id)),
                ),
            }
            if same_origin(&kid, &issuer_id) {
                v.pass(
                    C::IssuerScope,
                    format!(
                        "The key {shown} is published on the issuer's own origin, {}.",
                        origin_text(&kid).unwrap_or_default()
                    ),
                );
            } else {
                v.fail(
                    C::IssuerScope,
                    format!(
                        "The key {shown} is not published on the origin of the issuer “{}”, so it cannot speak for that issuer.",
                        quote(&issuer_id)
                    ),
                );
            }
        }
    }
    rest(v, &credential, Some(payload)).await;
}

/// A credential given as plain JSON. Only VC-JWT is supported, so it cannot
/// be authenticated; the other checks still run, to say what else is wrong.
pub(super) async fn verify_json<F: Fetcher>(v: &mut Verifier<'_, F>, credential: Value) {
    v.version = Some("3.0");
    v.assertion = Some(credential.clone());
    structure(v, &credential, None);
    v.fail(
        C::Signature,
        "This credential carries no proof Laurel can check (only VC-JWT is supported).",
    );
    let why = "Not checked, because the credential carries no proof Laurel can check.";
    v.skip(C::KeyOwnership, why);
    v.skip(C::IssuerScope, why);
    rest(v, &credential, None).await;
}

/// Fetches the key a `kid` names: a JWK set (the key whose `kid` is the
/// header's, or its fragment), a single JWK, or an OB 2.0 `CryptographicKey`.
async fn load_key<F: Fetcher>(v: &mut Verifier<'_, F>, kid: &str) -> Option<Key> {
    let url = without_fragment(kid);
    let fragment = kid.split_once('#').map(|(_, f)| f);
    let doc = match v.document(url).await {
        Ok(doc) => doc.value,
        Err(e) => {
            v.fail_doc(C::Signature, "signing key", &e);
            return None;
        }
    };
    let shown = quote(url);
    let parsed = if let Some(keys) = doc.get("keys") {
        let keys = list_of(Some(keys));
        let wanted = |k: &&&Value| {
            let id = str_at(k, "kid");
            id == Some(kid) || (fragment.is_some() && id == fragment)
        };
        let jwk = keys.iter().find(wanted).or_else(|| match keys.as_slice() {
            [only] if str_at(only, "kid").is_none() => Some(only),
            _ => None,
        });
        let Some(jwk) = jwk else {
            v.fail(
                C::Signature,
                format!(
                    "The key set at {shown} has no key with the id “{}”.",
                    quote(kid)
                ),
            );
            return None;
        };
        PublicKey::from_jwk(jwk).map(|public| Key {
            public,
            owner: None,
        })
    } else if doc.get("kty").is_some() {
        PublicKey::from_jwk(&doc).map(|public| Key {
            public,
            owner: None,
        })
    } else if let Some(pem) = str_at(&doc, "publicKeyPem") {
        PublicKey::from_pem(pem).map(|public| Key {
            public,
            owner: str_at(&doc, "owner").map(str::to_owned),
        })
    } else if let Some(jwk) = doc.get("publicKeyJwk").filter(|j| j.is_object()) {
        PublicKey::from_jwk(jwk).map(|public| Key {
            public,
            owner: None,
        })
    } else {
        v.fail(
            C::Signature,
            format!("The document at {shown} holds no public key Laurel can read (a JWK set, a JWK, or a publicKeyPem)."),
        );
        return None;
    };
    match parsed {
        Ok(key) => Some(key),
        Err(e) => {
            v.fail(
                C::Signature,
                format!("The key {} cannot be used. {e}", quote(kid)),
            );
            None
        }
    }
}

/// The required fields, dates that cannot be read, and JWT claims that
/// contradict the credential they carry.
fn structure<F: Fetcher>(v: &mut Verifier<'_, F>, c: &Value, claims: Option<&Value>) {
    let mut missing: Vec<String> = missing_required_fields(c)
        .into_iter()
        .map(str::to_owned)
        .collect();
    // Credentials on the VC 1.1 data model say issuanceDate for validFrom.
    if c.get("issuanceDate").is_some() {
        missing.retain(|m| m != "validFrom");
    }
    let mut problems = Vec::new();
    if !missing.is_empty() {
        problems.push(format!("it lacks {}", join_and(&missing)));
    }
    for field in ["validFrom", "validUntil", "issuanceDate", "expirationDate"] {
        if let Some(t) = c.get(field).filter(|t| !t.is_null()) {
            problems.extend(date_problem(field, t));
        }
    }
    if let Some(claims) = claims {
        let issuer = c.get("issuer").and_then(id_of);
        if let (Some(iss), Some(issuer)) = (str_at(claims, "iss"), issuer) {
            if iss != issuer {
                problems.push(format!(
                    "the JWT's iss “{}” is not the credential's issuer “{}”",
                    quote(iss),
                    quote(issuer)
                ));
            }
        }
        if let (Some(jti), Some(id)) = (str_at(claims, "jti"), str_at(c, "id")) {
            if jti != id {
                problems.push(format!(
                    "the JWT's jti “{}” is not the credential's id “{}”",
                    quote(jti),
                    quote(id)
                ));
            }
        }
    }
    if problems.is_empty() {
        v.pass(
            C::Structure,
            "The credential has every field Open Badges 3.0 requires.",
        );
    } else {
        v.fail(
            C::Structure,
            format!(
                "The credential is not valid Open Badges 3.0: {}.",
                problems.join("; ")
            ),
        );
    }
}

/// The checks that read the credential itself.
async fn rest<F: Fetcher>(v: &mut Verifier<'_, F>, credential: &Value, claims: Option<&Value>) {
    achievement(v, credential);
    issuer(v, credential);
    status(v, credential).await;
    expiry(v, credential, claims);
    recipient(v, credential);
}

fn achievement<F: Fetcher>(v: &mut Verifier<'_, F>, credential: &Value) {
    let Some(a) = credential
        .pointer("/credentialSubject/achievement")
        .filter(|a| a.is_object())
    else {
        v.fail(C::Badge, "The credential names no achievement.");
        return;
    };
    v.badge = Some(a.clone());
    let missing = lacking(a, &["id", "type", "name", "description", "criteria"]);
    let mut problems = Vec::new();
    if !missing.is_empty() {
        problems.push(format!("it lacks {}", join_and(&missing)));
    }
    if a.get("type").is_some() && !has_type(a, &["Achievement"]) {
        problems.push("its type is not Achievement".into());
    }
    if problems.is_empty() {
        v.pass(
            C::Badge,
            format!(
                "The badge is “{}” ({}).",
                quote(str_at(a, "name").unwrap_or("")),
                quote(str_at(a, "id").unwrap_or(""))
            ),
        );
    } else {
        v.fail(
            C::Badge,
            format!(
                "The achievement is not valid Open Badges 3.0: {}.",
                problems.join("; ")
            ),
        );
    }
}

/// The issuer as the credential describes it. OB 3.0 ties the issuer to the
/// key through the key's origin, so the profile is not fetched.
fn issuer<F: Fetcher>(v: &mut Verifier<'_, F>, credential: &Value) {
    match credential.get("issuer") {
        Some(Value::String(id)) => {
            v.issuer = Some(json!({ "id": id }));
            v.pass(
                C::Issuer,
                format!("The credential names its issuer by id only: {}.", quote(id)),
            );
        }
        Some(profile @ Value::Object(_)) => {
            v.issuer = Some(profile.clone());
            let Some(id) = str_at(profile, "id") else {
                v.fail(C::Issuer, "The issuer profile has no id.");
                return;
            };
            if profile.get("type").is_some() && !has_type(profile, &["Profile"]) {
                v.fail(C::Issuer, "The issuer profile's type is not Profile.");
                return;
            }
            let message = match str_at(profile, "name") {
                Some(name) => format!("The issuer is “{}” ({}).", quote(name), quote(id)),
                None => format!("The issuer is {}.", quote(id)),
            };
            v.pass(C::Issuer, message);
        }
        _ => v.fail(C::Issuer, "The credential names no issuer."),
    }
}

/// `credentialStatus` entries of type `1EdTechRevocationList`: the list at
/// the entry's `id` must not list the credential (an entry with `revoked:
/// false` is a reinstatement and does not count).
async fn status<F: Fetcher>(v: &mut Verifier<'_, F>, credential: &Value) {
    let statuses = list_of(credential.get("credentialStatus"));
    if statuses.is_empty() {
        v.skip(
            C::Revocation,
            "The credential has no credentialStatus, so there is no revocation list to check.",
        );
        return;
    }
    let Some(id) = str_at(credential, "id") else {
        v.skip(
            C::Revocation,
            "Not checked, because the credential has no id to look up.",
        );
        return;
    };
    if statuses.len() > MAX_STATUSES {
        v.warn(
            C::Revocation,
            format!("The credential lists {} status entries; Laurel checks only the first {MAX_STATUSES}.", statuses.len()),
        );
    }
    for status in statuses.into_iter().take(MAX_STATUSES) {
        if !has_type(status, &[REVOCATION_LIST_TYPE]) {
            let kind = types(status).join(", ");
            v.warn(
                C::Revocation,
                format!(
                    "Laurel cannot check the credential status method “{}”.",
                    quote(&kind)
                ),
            );
            continue;
        }
        let Some(url) = str_at(status, "id") else {
            v.fail(
                C::Revocation,
                "The credential's revocation list status has no id (the list's URL).",
            );
            continue;
        };
        let list = match v.document(url).await {
            Ok(doc) => doc.value,
            Err(e) => {
                v.fail_doc(C::Revocation, "revocation list", &e);
                continue;
            }
        };
        let Some(entries) = list.get("revokedCredentials") else {
            v.fail(
                C::Revocation,
                format!(
                    "The revocation list at {} has no revokedCredentials.",
                    quote(url)
                ),
            );
            continue;
        };
        let hit = list_of(Some(entries)).into_iter().find(|entry| {
            id_of(entry) == Some(id) && entry.get("revoked").and_then(Value::as_bool) != Some(false)
        });
        match hit {
            Some(entry) => v.fail(
                C::Revocation,
                revoked_sentence(str_at(entry, "revocationReason")),
            ),
            None => v.pass(
                C::Revocation,
                format!(
                    "The issuer's revocation list at {} does not list this credential.",
                    quote(url)
                ),
            ),
        }
    }
}

/// The validity period: `validFrom`/`nbf` must have passed and
/// `validUntil`/`exp` must not have (the stricter of each pair counts).
fn expiry<F: Fetcher>(v: &mut Verifier<'_, F>, credential: &Value, claims: Option<&Value>) {
    let now = v.options.now;
    let mut unreadable = false;
    let mut date = |fields: [&str; 2]| -> Option<DateTime<Utc>> {
        let value = fields
            .iter()
            .find_map(|f| credential.get(*f).filter(|t| !t.is_null()))?;
        let parsed = value.as_str().and_then(parse_datetime);
        unreadable |= parsed.is_none();
        parsed
    };
    let from = date(["validFrom", "issuanceDate"]);
    let until = date(["validUntil", "expirationDate"]);
    if unreadable {
        v.fail(
            C::Expiry,
            "The credential's validity dates cannot be read, so Laurel cannot tell whether it is valid now.",
        );
        return;
    }
    let nbf = epoch_seconds(claims.and_then(|c| c.get("nbf")));
    let exp = epoch_seconds(claims.and_then(|c| c.get("exp")));
    let start = from.into_iter().chain(nbf).max();
    let end = until.into_iter().chain(exp).min();
    let mut problems = Vec::new();
    if let Some(start) = start.filter(|s| *s > now) {
        problems.push(format!(
            "This badge is not valid before {}.",
            show_time(start)
        ));
    }
    if let Some(end) = end.filter(|e| *e <= now) {
        problems.push(format!("This badge expired on {}.", show_time(end)));
    }
    if !problems.is_empty() {
        v.fail(C::Expiry, problems.join(" "));
        return;
    }
    let message = match (start, end) {
        (Some(s), Some(e)) => format!(
            "The badge is valid from {} until {}.",
            show_time(s),
            show_time(e)
        ),
        (Some(s), None) => format!(
            "The badge is valid from {} and does not expire.",
            show_time(s)
        ),
        (None, Some(e)) => format!("The badge is valid until {}.", show_time(e)),
        (None, None) => "The badge names no validity period, so it does not expire.".to_owned(),
    };
    v.pass(C::Expiry, message);
}

/// `credentialSubject.identifier` entries (hashed or plain identities) and
/// a `mailto:` subject id are compared with the recipient.
fn recipient<F: Fetcher>(v: &mut Verifier<'_, F>, credential: &Value) {
    if v.options.recipients.is_empty() {
        v.skip(C::RecipientMatch, "No recipient was given to compare with.");
        return;
    }
    let subject = credential.get("credentialSubject");
    let mut identities: Vec<IdentityObject> = list_of(subject.and_then(|s| s.get("identifier")))
        .into_iter()
        .filter_map(|entry| {
            let identity = str_at(entry, "identityHash")?.to_owned();
            let kind = match str_at(entry, "identityType").unwrap_or("emailAddress") {
                "emailAddress" => "email",
                "phoneNumber" => "telephone",
                other => other,
            };
            let hashed = entry
                .get("hashed")
                .and_then(Value::as_bool)
                .unwrap_or_else(|| is_identity_hash(&identity));
            Some(IdentityObject {
                kind: kind.to_owned(),
                hashed,
                salt: str_at(entry, "salt").map(str::to_owned),
                identity,
            })
        })
        .collect();
    if let Some(id) = subject.and_then(|s| str_at(s, "id")) {
        let (kind, identity) = match id.get(..7) {
            Some(scheme) if scheme.eq_ignore_ascii_case("mailto:") => ("email", &id[7..]),
            _ => ("url", id),
        };
        identities.push(IdentityObject {
            kind: kind.to_owned(),
            hashed: false,
            salt: None,
            identity: identity.to_owned(),
        });
    }
    if identities.is_empty() {
        v.fail(
            C::RecipientMatch,
            "The credential names no recipient Laurel can compare with.",
        );
        return;
    }
    let found = v
        .options
        .recipients
        .iter()
        .find(|w| identities.iter().any(|i| identity_matches(i, w)));
    match found {
        Some(found) => v.pass(
            C::RecipientMatch,
            format!("The badge was awarded to {}.", quote(found.trim())),
        ),
        None => {
            let wanted = recipient_list(&v.options.recipients);
            v.fail(
                C::RecipientMatch,
                format!("The badge was not awarded to {wanted}."),
            );
        }
    }
}
