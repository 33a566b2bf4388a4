//! Open Badges 2.0: hosted and signed assertions, their badge class and
//! issuer, following the specification's verification steps.

use serde_json::Value;

use super::util::recipient_list;
use super::util::{
    date_problem, has_type, http_url, id_of, is_identity_hash, join_and, lacking, list_of,
    parse_datetime, quote, revoked_sentence, same_origin, show_time, str_at,
};
use super::{CheckName as C, Fetcher, Verifier};
use crate::crypto::jws::Jws;
use crate::crypto::PublicKey;
use crate::ob2::IdentityObject;
use crate::recipient::identity_matches;

/// The `type` of an assertion in its short, prefixed and expanded forms.
const ASSERTION_TYPES: &[&str] = &[
    "Assertion",
    "obi:Assertion",
    "https://w3id.org/openbadges#Assertion",
];
const BADGE_CLASS_TYPES: &[&str] = &[
    "BadgeClass",
    "obi:BadgeClass",
    "https://w3id.org/openbadges#BadgeClass",
];
const ISSUER_TYPES: &[&str] = &[
    "Issuer",
    "Profile",
    "obi:Issuer",
    "obi:Profile",
    "https://w3id.org/openbadges#Issuer",
    "https://w3id.org/openbadges#Profile",
];

/// How an assertion says it is verified.
enum Method {
    Hosted,
    Signed,
    Other(String),
    Missing,
}

fn method(assertion: &Value) -> Method {
    match assertion
        .pointer("/verification/type")
        .and_then(Value::as_str)
    {
        None => Method::Missing,
        Some(t) => match t.to_ascii_lowercase().as_str() {
            "hosted" | "hostedbadge" => Method::Hosted,
            "signed" | "signedbadge" => Method::Signed,
            _ => Method::Other(t.to_owned()),
        },
    }
}

/// How the assertion was authenticated, for the checks that depend on it.
enum Auth<'k> {
    /// Served at its `id`, which is this URL.
    Hosted(&'k str),
    /// Signed with the key at this URL, whose document (when it could be
    /// read) is given.
    Signed(&'k str, Option<&'k Value>),
    /// Not authenticated (the reason is already a failed check).
    None,
}

/// An assertion given as JSON: hosted (fetched again from its `id`), or one
/// that cannot be authenticated as given.
pub(super) async fn verify_json<F: Fetcher>(v: &mut Verifier<'_, F>, assertion: Value) {
    v.version = Some("2.0");
    let problem = match method(&assertion) {
        Method::Hosted => return hosted(v, assertion).await,
        Method::Signed => "This assertion is signed, but Laurel was given its JSON rather than the signed badge (the JWS), so the signature cannot be checked.".to_owned(),
        Method::Other(t) => format!(
            "The assertion's verification type “{}” is neither hosted nor signed, so Laurel cannot check it.",
            quote(&t)
        ),
        Method::Missing => "The assertion does not say how it is verified (it has no verification type).".to_owned(),
    };
    structure(v, &assertion, false);
    v.fail(C::Signature, problem);
    v.assertion = Some(assertion.clone());
    rest(v, &assertion, Auth::None).await;
}

/// A hosted assertion: the copy served at its `id` is authoritative, and is
/// the one every later check reads.
async fn hosted<F: Fetcher>(v: &mut Verifier<'_, F>, given: Value) {
    let Some(id) = str_at(&given, "id")
        .filter(|id| http_url(id).is_some())
        .map(str::to_owned)
    else {
        structure(v, &given, true);
        v.assertion = Some(given);
        return;
    };
    let fetched = match v.response(&id).await {
        Ok(fetched) => fetched,
        Err(e) => {
            v.fail(
                C::Signature,
                format!("Laurel could not fetch the hosted assertion. {e}"),
            );
            v.assertion = Some(given);
            return;
        }
    };
    let body = super::json_object(&fetched.body);
    match fetched.status {
        410 => {
            let reason = body.as_ref().and_then(|b| str_at(b, "revocationReason"));
            v.fail(C::Revocation, revoked_sentence(reason));
            v.assertion = Some(given);
            return;
        }
        200..=299 => {}
        status => {
            let message = if status == 404 {
                format!(
                    "The issuer no longer hosts this assertion: {} was not found (HTTP 404).",
                    quote(&id)
                )
            } else {
                format!(
                    "The hosted assertion at {} could not be fetched (HTTP {status}).",
                    quote(&id)
                )
            };
            v.fail(C::Signature, message);
            v.assertion = Some(given);
            return;
        }
    }
    let Some(assertion) = body else {
        v.fail(
            C::Structure,
            format!(
                "The hosted assertion at {} is not a JSON object.",
                quote(&id)
            ),
        );
        v.assertion = Some(given);
        return;
    };
    if str_at(&assertion, "id") != Some(id.as_str()) {
        v.fail(
            C::Signature,
            format!(
                "The document at {} declares the id “{}”, so it is not the hosted copy of this assertion.",
                quote(&id),
                quote(str_at(&assertion, "id").unwrap_or(""))
            ),
        );
        v.assertion = Some(given);
        return;
    }
    v.pass(
        C::Signature,
        format!(
            "The issuer hosts this assertion at its id, {}; Laurel checked that copy.",
            quote(&id)
        ),
    );
    let differs = ["recipient", "badge", "issuedOn", "expires", "verification"]
        .iter()
        .any(|k| given.get(k) != assertion.get(k));
    if differs {
        v.warn(
            C::Signature,
            "The badge you gave differs from the copy the issuer hosts; Laurel checked the hosted copy.",
        );
    }
    structure(v, &assertion, true);
    if assertion.get("revoked").and_then(Value::as_bool) == Some(true) {
        v.fail(
            C::Revocation,
            revoked_sentence(str_at(&assertion, "revocationReason")),
        );
    } else {
        v.pass(
            C::Revocation,
            "The issuer's hosted copy does not mark this badge revoked.",
        );
    }
    v.assertion = Some(assertion.clone());
    rest(v, &assertion, Auth::Hosted(&id)).await;
}

/// A signed assertion (compact JWS with an RS256 signature).
pub(super) async fn verify_jws<F: Fetcher>(v: &mut Verifier<'_, F>, jws: &Jws<'_>) {
    v.version = Some("2.0");
    let assertion = jws.payload.clone();
    v.assertion = Some(assertion.clone());
    structure(v, &assertion, false);
    let key_url = assertion
        .pointer("/verification/creator")
        .and_then(Value::as_str)
        .or(jws.header.kid.as_deref())
        .map(str::to_owned);
    let Some(key_url) = key_url else {
        v.fail(
            C::Signature,
            "The signed assertion names no key: it has neither verification.creator nor a kid in its header.",
        );
        return rest(v, &assertion, Auth::None).await;
    };
    let key_doc = match load_key(v, &key_url).await {
        Some((doc, key)) => {
            match jws.verify(&key) {
                Ok(()) => v.pass(
                    C::Signature,
                    format!(
                        "The RS256 signature matches the issuer's key at {}.",
                        quote(&key_url)
                    ),
                ),
                Err(e) => v.fail(
                    C::Signature,
                    format!("{e} Laurel used the key at {}.", quote(&key_url)),
                ),
            }
            Some(doc)
        }
        None => None,
    };
    rest(v, &assertion, Auth::Signed(&key_url, key_doc.as_ref())).await;
}

/// Fetches an OB 2.0 `CryptographicKey` and reads its `publicKeyPem`,
/// recording a failed `Signature` check when that is not possible.
async fn load_key<F: Fetcher>(v: &mut Verifier<'_, F>, url: &str) -> Option<(Value, PublicKey)> {
    let doc = match v.document(url).await {
        Ok(doc) => doc,
        Err(e) => {
            v.fail_doc(C::Signature, "signing key", &e);
            return None;
        }
    };
    if !doc.declares(url) {
        v.warn(
            C::KeyOwnership,
            format!(
                "The key document at {} does not declare that URL as its id.",
                quote(url)
            ),
        );
    }
    let Some(pem) = str_at(&doc.value, "publicKeyPem") else {
        v.fail(
            C::Signature,
            format!("The key document at {} has no publicKeyPem.", quote(url)),
        );
        return None;
    };
    match PublicKey::from_pem(pem) {
        Ok(key) => Some((doc.value, key)),
        Err(e) => {
            v.fail(
                C::Signature,
                format!("The key at {} cannot be used. {e}", quote(url)),
            );
            None
        }
    }
}

/// The checks after authentication: badge class, issuer, key ownership or
/// issuer scope, revocation list, dates and recipient.
async fn rest<F: Fetcher>(v: &mut Verifier<'_, F>, assertion: &Value, auth: Auth<'_>) {
    let badge = badge_class(v, assertion).await;
    let issuer = match &badge {
        Some(badge) => issuer(v, badge).await,
        None => {
            v.skip(
                C::Issuer,
                "Not checked, because the badge class could not be read.",
            );
            None
        }
    };
    let no_issuer = "Not checked, because the issuer profile could not be read.";
    match auth {
        Auth::Hosted(id) => {
            v.skip(
                C::KeyOwnership,
                "Hosted badges are not signed; the issuer vouches for them by serving them.",
            );
            match &issuer {
                Some(issuer) => issuer_scope(v, id, issuer),
                None => v.skip(C::IssuerScope, no_issuer),
            }
        }
        Auth::Signed(key_url, key_doc) => {
            v.skip(
                C::IssuerScope,
                "Signed badges are tied to their issuer by the key, not by where they are hosted.",
            );
            match (key_doc, &issuer) {
                (Some(key_doc), Some(issuer)) => key_ownership(v, key_url, key_doc, issuer),
                (None, _) => v.skip(
                    C::KeyOwnership,
                    "Not checked, because the key could not be read.",
                ),
                (_, None) => v.skip(C::KeyOwnership, no_issuer),
            }
            revocation_list(v, assertion, issuer.as_ref()).await;
        }
        Auth::None => {
            let why = "Not checked, because the badge could not be authenticated.";
            v.skip(C::KeyOwnership, why);
            v.skip(C::IssuerScope, why);
            revocation_list(v, assertion, issuer.as_ref()).await;
        }
    }
    expiry(v, assertion);
    recipient(v, assertion);
}

/// The assertion's required fields (Open Badges 2.0 `Assertion`).
fn structure<F: Fetcher>(v: &mut Verifier<'_, F>, a: &Value, hosted: bool) {
    let mut missing: Vec<String> = Vec::new();
    let mut problems: Vec<String> = Vec::new();
    match a.get("id").and_then(Value::as_str) {
        None => missing.push("id".into()),
        Some(id) if hosted && http_url(id).is_none() => problems.push(format!(
            "a hosted assertion's id must be the http(s) URL it is served at, not “{}”",
            quote(id)
        )),
        Some(_) => {}
    }
    if a.get("type").is_none() {
        missing.push("type".into());
    } else if !has_type(a, ASSERTION_TYPES) {
        problems.push("its type is not Assertion".into());
    }
    match a.get("recipient") {
        None => missing.push("recipient".into()),
        Some(r) if !r.is_object() => problems.push("recipient is not an identity object".into()),
        Some(r) => {
            if str_at(r, "type").is_none() {
                missing.push("recipient.type".into());
            }
            match (str_at(r, "identity"), r.get("hashed")) {
                (None, _) => missing.push("recipient.identity".into()),
                (Some(_), Some(h)) if !h.is_boolean() => {
                    problems.push("recipient.hashed is not true or false".into())
                }
                (Some(identity), Some(Value::Bool(true))) if !is_identity_hash(identity) => {
                    problems.push(
                        "recipient.identity is not a sha256$ or md5$ hash although hashed is true"
                            .into(),
                    )
                }
                _ => {}
            }
        }
    }
    match a.get("badge") {
        None | Some(Value::Null) => missing.push("badge".into()),
        Some(Value::String(_) | Value::Object(_)) => {}
        Some(_) => problems.push("badge is neither a URL nor a badge class".into()),
    }
    match a.get("verification") {
        None | Some(Value::Null) => missing.push("verification".into()),
        Some(ver) if str_at(ver, "type").is_none() => missing.push("verification.type".into()),
        Some(_) => {}
    }
    match a.get("issuedOn") {
        None | Some(Value::Null) => missing.push("issuedOn".into()),
        Some(t) => problems.extend(date_problem("issuedOn", t)),
    }
    if let Some(t) = a.get("expires").filter(|t| !t.is_null()) {
        problems.extend(date_problem("expires", t));
    }
    if missing.is_empty() && problems.is_empty() {
        v.pass(
            C::Structure,
            "The assertion has every field Open Badges 2.0 requires.",
        );
        return;
    }
    let mut parts = Vec::new();
    if !missing.is_empty() {
        parts.push(format!("it lacks {}", join_and(&missing)));
    }
    parts.extend(problems);
    v.fail(
        C::Structure,
        format!(
            "The assertion is not valid Open Badges 2.0: {}.",
            parts.join("; ")
        ),
    );
}

/// The badge class: embedded in the assertion, or fetched from its URL.
async fn badge_class<F: Fetcher>(v: &mut Verifier<'_, F>, assertion: &Value) -> Option<Value> {
    let badge = match assertion.get("badge") {
        Some(Value::String(url)) => match v.document(url).await {
            Ok(doc) => {
                if !doc.declares(url) {
                    v.warn(
                        C::Badge,
                        format!(
                            "The badge class at {} does not declare that URL as its id.",
                            quote(url)
                        ),
                    );
                }
                doc.value
            }
            Err(e) => {
                v.fail_doc(C::Badge, "badge class", &e);
                return None;
            }
        },
        Some(badge @ Value::Object(_)) => badge.clone(),
        _ => {
            v.skip(
                C::Badge,
                "Not checked, because the assertion names no badge class.",
            );
            return None;
        }
    };
    v.badge = Some(badge.clone());
    let mut problems = Vec::new();
    let missing = lacking(
        &badge,
        &[
            "id",
            "type",
            "name",
            "description",
            "image",
            "criteria",
            "issuer",
        ],
    );
    if !missing.is_empty() {
        problems.push(format!("it lacks {}", join_and(&missing)));
    }
    if badge.get("type").is_some() && !has_type(&badge, BADGE_CLASS_TYPES) {
        problems.push("its type is not BadgeClass".into());
    }
    if problems.is_empty() {
        v.pass(
            C::Badge,
            format!(
                "The badge is “{}” ({}).",
                quote(str_at(&badge, "name").unwrap_or("")),
                quote(id_of(&badge).unwrap_or(""))
            ),
        );
    } else {
        v.fail(
            C::Badge,
            format!(
                "The badge class is not valid Open Badges 2.0: {}.",
                problems.join("; ")
            ),
        );
    }
    Some(badge)
}

/// The issuer profile, always fetched from the issuer's `id`: a profile
/// embedded in the badge class is not trusted, since its origin policy and
/// key list decide whether the badge is genuine.
async fn issuer<F: Fetcher>(v: &mut Verifier<'_, F>, badge: &Value) -> Option<Value> {
    let Some(id) = badge.get("issuer").and_then(id_of).map(str::to_owned) else {
        v.fail(C::Issuer, "The badge class names no issuer.");
        return None;
    };
    if http_url(&id).is_none() {
        v.fail(
            C::Issuer,
            format!("The issuer's id “{}” is not an http(s) URL, so Laurel cannot fetch the profile the issuer controls.", quote(&id)),
        );
        return None;
    }
    let doc = match v.document(&id).await {
        Ok(doc) => doc,
        Err(e) => {
            v.fail_doc(C::Issuer, "issuer profile", &e);
            return None;
        }
    };
    if !doc.declares(&id) {
        v.fail(
            C::Issuer,
            format!(
                "The issuer profile fetched from {} declares the id “{}”; a profile must be served at its own id.",
                quote(&id),
                quote(str_at(&doc.value, "id").unwrap_or(""))
            ),
        );
        return None;
    }
    let profile = doc.value;
    v.issuer = Some(profile.clone());
    let mut problems = Vec::new();
    let missing = lacking(&profile, &["type", "name", "url"]);
    if !missing.is_empty() {
        problems.push(format!("it lacks {}", join_and(&missing)));
    }
    if profile.get("type").is_some() && !has_type(&profile, ISSUER_TYPES) {
        problems.push("its type is not Issuer or Profile".into());
    }
    if problems.is_empty() {
        v.pass(
            C::Issuer,
            format!(
                "The issuer is “{}” ({}).",
                quote(str_at(&profile, "name").unwrap_or("")),
                quote(&id)
            ),
        );
    } else {
        v.fail(
            C::Issuer,
            format!(
                "The issuer profile is not valid Open Badges 2.0: {}.",
                problems.join("; ")
            ),
        );
    }
    Some(profile)
}

/// Whether the hosted assertion lives where the issuer may vouch for it:
/// the issuer's own origin, or what its `verification` policy allows
/// (`allowedOrigins`: host names, with a port when not the default;
/// `startsWith`: URL prefixes). When both are given, both must hold.
fn issuer_scope<F: Fetcher>(v: &mut Verifier<'_, F>, assertion_id: &str, issuer: &Value) {
    let issuer_id = str_at(issuer, "id").unwrap_or("");
    let policy = issuer.get("verification");
    let strings = |key: &str| -> Vec<String> {
        list_of(policy.and_then(|p| p.get(key)))
            .into_iter()
            .filter_map(Value::as_str)
            .map(str::to_owned)
            .collect()
    };
    let allowed_origins = strings("allowedOrigins");
    let starts_with = strings("startsWith");
    let Some(url) = http_url(assertion_id) else {
        v.fail(
            C::IssuerScope,
            "The assertion's id is not an http(s) URL, so its origin cannot be checked.",
        );
        return;
    };
    let host = url.host_str().unwrap_or("").to_ascii_lowercase();
    let authority = match url.port() {
        Some(port) => format!("{host}:{port}"),
        None => host.clone(),
    };
    let origin_ok = if !allowed_origins.is_empty() {
        allowed_origins.iter().any(|allowed| {
            let allowed = allowed.trim().to_ascii_lowercase();
            if allowed.contains("://") {
                same_origin(&allowed, assertion_id)
            } else {
                allowed == host || allowed == authority
            }
        })
    } else {
        // A startsWith policy on its own names exactly where the issuer's
        // assertions live, which may be another origin (a badge host).
        !starts_with.is_empty() || same_origin(assertion_id, issuer_id)
    };
    let prefix_ok = starts_with.is_empty()
        || starts_with
            .iter()
            .any(|p| assertion_id.starts_with(p.as_str()));
    let shown = quote(assertion_id);
    if origin_ok && prefix_ok {
        let how = if allowed_origins.is_empty() && starts_with.is_empty() {
            "on the issuer's own origin"
        } else {
            "where the issuer's verification policy allows"
        };
        v.pass(
            C::IssuerScope,
            format!("The assertion {shown} is hosted {how}."),
        );
    } else if allowed_origins.is_empty() && starts_with.is_empty() {
        v.fail(
            C::IssuerScope,
            format!(
                "The assertion {shown} is not hosted on the issuer's origin ({}), and the issuer's profile allows no other.",
                quote(&super::util::origin_text(issuer_id).unwrap_or_else(|| issuer_id.to_owned()))
            ),
        );
    } else {
        v.fail(
            C::IssuerScope,
            format!("The assertion {shown} is not hosted where the issuer's verification policy allows."),
        );
    }
}

/// The key ids an issuer profile lists in `publicKey` (URLs, or embedded
/// key objects with an `id`).
fn listed_keys(issuer: &Value) -> Vec<&str> {
    list_of(issuer.get("publicKey"))
        .into_iter()
        .filter_map(id_of)
        .collect()
}

/// The key must name the issuer as its owner, and the issuer must list the
/// key: either alone could be claimed by someone else.
fn key_ownership<F: Fetcher>(
    v: &mut Verifier<'_, F>,
    key_url: &str,
    key_doc: &Value,
    issuer: &Value,
) {
    let issuer_id = str_at(issuer, "id").unwrap_or("");
    let key = quote(key_url);
    let mut problems = Vec::new();
    match str_at(key_doc, "owner") {
        None => problems.push(format!("The key at {key} names no owner.")),
        Some(owner) if owner != issuer_id => problems.push(format!(
            "The key at {key} belongs to {}, not to the issuer {}.",
            quote(owner),
            quote(issuer_id)
        )),
        Some(_) => {}
    }
    if !listed_keys(issuer).contains(&key_url) {
        problems.push(format!(
            "The issuer profile {} does not list the key {key} among its public keys.",
            quote(issuer_id)
        ));
    }
    if problems.is_empty() {
        v.pass(
            C::KeyOwnership,
            format!(
                "The key {key} belongs to the issuer {}, whose profile lists it.",
                quote(issuer_id)
            ),
        );
    } else {
        v.fail(C::KeyOwnership, problems.join(" "));
    }
}

/// The issuer's `revocationList`: the assertion must not be listed by its
/// `id` (or, for entries from older issuers, its `uid`).
async fn revocation_list<F: Fetcher>(
    v: &mut Verifier<'_, F>,
    assertion: &Value,
    issuer: Option<&Value>,
) {
    let Some(issuer) = issuer else {
        v.skip(
            C::Revocation,
            "Not checked, because the issuer profile could not be read.",
        );
        return;
    };
    let url = match issuer.get("revocationList") {
        None | Some(Value::Null) => {
            v.skip(C::Revocation, "The issuer publishes no revocation list.");
            return;
        }
        Some(Value::String(url)) => url.clone(),
        Some(_) => {
            v.fail(C::Revocation, "The issuer's revocationList is not a URL.");
            return;
        }
    };
    let list = match v.document(&url).await {
        Ok(doc) => doc.value,
        Err(e) => {
            v.fail_doc(C::Revocation, "revocation list", &e);
            return;
        }
    };
    let Some(entries) = list.get("revokedAssertions") else {
        v.fail(
            C::Revocation,
            format!(
                "The revocation list at {} has no revokedAssertions.",
                quote(&url)
            ),
        );
        return;
    };
    let id = str_at(assertion, "id");
    let uid = str_at(assertion, "uid");
    let hit = list_of(Some(entries))
        .into_iter()
        .find(|entry| match entry {
            Value::String(s) => Some(s.as_str()) == id,
            Value::Object(_) => {
                (id.is_some() && str_at(entry, "id") == id)
                    || (uid.is_some() && str_at(entry, "uid") == uid)
            }
            _ => false,
        });
    match hit {
        Some(entry) => v.fail(
            C::Revocation,
            revoked_sentence(str_at(entry, "revocationReason")),
        ),
        None => v.pass(
            C::Revocation,
            format!(
                "The issuer's revocation list at {} does not list this badge.",
                quote(&url)
            ),
        ),
    }
}

/// `issuedOn` must not be in the future and `expires` not in the past.
fn expiry<F: Fetcher>(v: &mut Verifier<'_, F>, assertion: &Value) {
    let now = v.options.now;
    let Some(issued) = str_at(assertion, "issuedOn").and_then(parse_datetime) else {
        v.skip(
            C::Expiry,
            "Not checked, because the issue date could not be read.",
        );
        return;
    };
    let expires = match assertion.get("expires") {
        None | Some(Value::Null) => None,
        Some(t) => match t.as_str().and_then(parse_datetime) {
            Some(t) => Some(t),
            None => {
                v.fail(C::Expiry, "The expiry date cannot be read, so Laurel cannot tell whether the badge has expired.");
                return;
            }
        },
    };
    let mut problems = Vec::new();
    if issued > now {
        problems.push(format!(
            "This badge's issue date, {}, is in the future.",
            show_time(issued)
        ));
    }
    if let Some(expires) = expires.filter(|e| *e <= now) {
        problems.push(format!("This badge expired on {}.", show_time(expires)));
    }
    if !problems.is_empty() {
        v.fail(C::Expiry, problems.join(" "));
        return;
    }
    v.pass(
        C::Expiry,
        match expires {
            None => format!(
                "The badge was issued on {} and does not expire.",
                show_time(issued)
            ),
            Some(e) => format!(
                "The badge was issued on {} and is valid until {}.",
                show_time(issued),
                show_time(e)
            ),
        },
    );
}

/// The recipient identity object of an assertion, read leniently (`hashed`
/// may be missing, then the identity's form tells).
fn identity_object(recipient: &Value) -> Option<IdentityObject> {
    let identity = str_at(recipient, "identity")?.to_owned();
    let hashed = recipient
        .get("hashed")
        .and_then(Value::as_bool)
        .unwrap_or_else(|| is_identity_hash(&identity));
    Some(IdentityObject {
        kind: str_at(recipient, "type").unwrap_or("email").to_owned(),
        hashed,
        salt: str_at(recipient, "salt").map(str::to_owned),
        identity,
    })
}

fn recipient<F: Fetcher>(v: &mut Verifier<'_, F>, assertion: &Value) {
    if v.options.recipients.is_empty() {
        v.skip(C::RecipientMatch, "No recipient was given to compare with.");
        return;
    }
    let Some(identity) = assertion.get("recipient").and_then(identity_object) else {
        v.fail(
            C::RecipientMatch,
            "The assertion names no recipient Laurel can compare with.",
        );
        return;
    };
    match v
        .options
        .recipients
        .iter()
        .find(|w| identity_matches(&identity, w))
    {
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
