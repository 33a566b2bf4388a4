//! Verifying badges that come from elsewhere: Open Badges 2.0 assertions
//! (hosted or signed) and Open Badges 3.0 credentials (VC-JWT), given as a
//! baked image, JSON, a URL or a JWS.
//!
//! The steps follow the Open Badges 2.0 specification's verification section
//! (and, for 3.0, its VC-JWT and revocation list sections), in the spirit of
//! the official 1EdTech validator (`end2end/badgecheck/README.md`), with a few
//! deliberate differences where the validator is lax:
//!
//! - **Hosted** assertions are fetched again from their `id`, because the copy
//!   the issuer serves is the authoritative one; a `410 Gone` or `revoked:
//!   true` there means revoked. The assertion must live on the issuer's origin
//!   (scheme, host and port) unless the issuer's `verification` policy
//!   (`allowedOrigins`, `startsWith`) allows its location.
//! - **Signed** assertions: only RS256 is accepted (see
//!   [`crate::crypto::jws`]); the key document's `owner` must be the issuer
//!   and the issuer profile must list the key; the issuer's revocation list
//!   is consulted.
//! - **OB 3.0 VC-JWT**: the header `kid` is fetched (a JWK set, a JWK or an
//!   OB 2.0 `CryptographicKey`); the key must be on the issuer's origin; a
//!   `1EdTechRevocationList` status is consulted.
//! - The issuer profile used for trust decisions (origin policy, key list) is
//!   always the one fetched from the issuer's `id`, never a copy embedded in
//!   the badge, which whoever made the badge could have written.
//!
//! Nothing here panics or returns an error: every problem becomes a failed
//! [`Check`] with a sentence, and the [`Report`] says which checks ran.

mod fetch;
mod ob2;
mod ob3;
mod report;
mod util;

#[cfg(test)]
mod tests;

use chrono::{DateTime, Utc};
use serde_json::Value;

use crate::bake::{self, BakedPayload};
use crate::crypto::jws::{self, JwsError};

pub use fetch::{FetchError, Fetched, Fetcher};
pub use report::{Check, CheckName, Outcome, Report};

use util::{json_object, quote, str_at};

/// The largest text input (JSON, URL or JWS) the verifier reads.
pub const MAX_TEXT_BYTES: usize = 1024 * 1024;

/// The `Accept` header of every fetch: Open Badges documents are JSON-LD.
pub const ACCEPT: &str = "application/ld+json, application/json";

/// The most documents one verification fetches. An honest badge needs at
/// most seven (the input URL and one more hop, then the hosted copy, badge
/// class, issuer, key and revocation lists); the cap bounds what a hostile
/// badge can make the server do.
pub const MAX_FETCHES: usize = 12;

/// The longest URL the verifier fetches (longer ones are refused as bad
/// URLs, so a hostile document cannot make messages megabytes long).
pub const MAX_URL_LEN: usize = 2048;

/// How many URLs an input may lead through before the badge itself (a URL
/// whose body is an image baked with another URL, as Open Badges 1.x did).
const MAX_INPUT_HOPS: usize = 2;

/// What the person verifying a badge handed in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Input {
    /// A baked PNG or SVG badge image.
    Image(Vec<u8>),
    /// JSON (an assertion or credential), an http(s) URL, or a compact JWS
    /// (a signed assertion or a VC-JWT): told apart by their first
    /// characters.
    Text(String),
}

/// What to verify the badge against besides the badge itself.
#[derive(Debug, Clone)]
pub struct Options {
    /// The recipients to match, in plain text (email addresses, URLs or
    /// telephone numbers): the badge must be awarded to one of them. Empty
    /// skips the recipient check.
    pub recipients: Vec<String>,
    /// The time expiry and issue dates are compared with (a parameter, so
    /// verification is reproducible and testable).
    pub now: DateTime<Utc>,
}

/// Verifies a badge and reports every check. Never panics and never fails:
/// problems are failed checks, and `Report::valid` is false when any check
/// failed.
pub async fn verify<F: Fetcher>(input: Input, fetcher: &F, options: &Options) -> Report {
    let mut v = Verifier::new(fetcher, options);
    let text = match input {
        Input::Image(bytes) => {
            v.image = true;
            let kind = image_kind(&bytes);
            v.pass(
                CheckName::Input,
                format!("The input is {kind} of {} bytes.", bytes.len()),
            );
            v.input_described = true;
            match v.unbake(&bytes) {
                Some(payload) => payload,
                None => return v.finish(),
            }
        }
        Input::Text(text) => {
            if text.len() > MAX_TEXT_BYTES {
                v.fail(
                    CheckName::Input,
                    "The text is larger than 1 MiB, the most Laurel reads.",
                );
                return v.finish();
            }
            Payload { text, ob3: false }
        }
    };
    v.read(text).await;
    v.finish()
}

/// Text to verify, with whether it came out of an OB 3.0 baking slot.
struct Payload {
    text: String,
    ob3: bool,
}

/// What a piece of text is, by its first characters.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum TextKind {
    Json,
    Url,
    Jws,
    Unknown,
}

fn classify(text: &str) -> TextKind {
    let lower = text.get(..8).unwrap_or(text).to_ascii_lowercase();
    if text.starts_with('{') {
        TextKind::Json
    } else if (lower.starts_with("https://") || lower.starts_with("http://"))
        && !text.contains(char::is_whitespace)
    {
        TextKind::Url
    } else if looks_like_jws(text) {
        TextKind::Jws
    } else {
        TextKind::Unknown
    }
}

/// Three dot-separated base64url parts (the signature may be empty, as with
/// `alg: none`, so that such tokens reach the algorithm check and are refused
/// with a precise reason).
fn looks_like_jws(text: &str) -> bool {
    let parts: Vec<&str> = text.split('.').collect();
    let b64url = |p: &str| {
        p.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_' || b == b'=')
    };
    parts.len() == 3
        && !parts[0].is_empty()
        && !parts[1].is_empty()
        && parts.iter().all(|p| b64url(p))
}

fn image_kind(bytes: &[u8]) -> &'static str {
    let body = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    if bake::is_png(bytes) {
        "a PNG image"
    } else if body.iter().find(|b| !b.is_ascii_whitespace()) == Some(&b'<') {
        "an SVG image"
    } else {
        "a file"
    }
}

/// A fetched document that could not be used, before the caller says what
/// the document was for.
#[derive(Debug, Clone)]
enum DocError {
    Fetch(FetchError),
    Status { url: String, status: u16 },
    NotJson { url: String },
}

impl DocError {
    /// A sentence naming the document (`what`: "issuer profile", …).
    fn sentence(&self, what: &str) -> String {
        match self {
            DocError::Fetch(e) => format!("Laurel could not fetch the {what}. {e}"),
            DocError::Status { url, status: 404 } => {
                format!("The {what} at {} was not found (HTTP 404).", quote(url))
            }
            DocError::Status { url, status: 410 } => {
                format!("The {what} at {} is gone (HTTP 410).", quote(url))
            }
            DocError::Status { url, status } => format!(
                "The {what} at {} could not be fetched (HTTP {status}).",
                quote(url)
            ),
            DocError::NotJson { url } => {
                format!("The {what} at {} is not a JSON object.", quote(url))
            }
        }
    }
}

/// A fetched JSON object and where it was finally found.
#[derive(Debug, Clone)]
struct Doc {
    value: Value,
    final_url: String,
}

impl Doc {
    /// Whether the document's `id` is the URL it was asked for or found at
    /// (a document served at one URL but claiming another identity is not
    /// that identity's document).
    fn declares(&self, requested: &str) -> bool {
        str_at(&self.value, "id").is_some_and(|id| id == requested || id == self.final_url)
    }
}

/// One verification in progress: the checks so far, the documents fetched,
/// and what the report will show.
struct Verifier<'a, F> {
    fetcher: &'a F,
    options: &'a Options,
    /// Whether an image was unbaked (so the `Unbake` check applies).
    image: bool,
    /// Whether the `Input` check already describes the input.
    input_described: bool,
    checks: Vec<Check>,
    /// Every response, by URL: each URL is fetched once per verification
    /// (a hosted assertion given by URL is not downloaded twice).
    fetched: Vec<(String, Result<Fetched, FetchError>)>,
    version: Option<&'static str>,
    assertion: Option<Value>,
    badge: Option<Value>,
    issuer: Option<Value>,
}

impl<'a, F: Fetcher> Verifier<'a, F> {
    fn new(fetcher: &'a F, options: &'a Options) -> Self {
        Self {
            fetcher,
            options,
            image: false,
            input_described: false,
            checks: Vec::new(),
            fetched: Vec::new(),
            version: None,
            assertion: None,
            badge: None,
            issuer: None,
        }
    }

    fn record(&mut self, name: CheckName, outcome: Outcome, message: impl Into<String>) {
        self.checks.push(Check {
            name,
            outcome,
            message: message.into(),
        });
    }

    fn pass(&mut self, name: CheckName, message: impl Into<String>) {
        self.record(name, Outcome::Passed, message);
    }

    fn fail(&mut self, name: CheckName, message: impl Into<String>) {
        self.record(name, Outcome::Failed, message);
    }

    fn skip(&mut self, name: CheckName, message: impl Into<String>) {
        self.record(name, Outcome::Skipped, message);
    }

    fn warn(&mut self, name: CheckName, message: impl Into<String>) {
        self.record(name, Outcome::Warning, message);
    }

    /// Records a document failure under `name`, except that a document that
    /// is not JSON is a `Structure` failure.
    fn fail_doc(&mut self, name: CheckName, what: &str, error: &DocError) {
        let name = match error {
            DocError::NotJson { .. } => CheckName::Structure,
            _ => name,
        };
        self.fail(name, error.sentence(what));
    }

    /// The check that reports problems with the text being read: `Unbake`
    /// for what came out of an image, `Input` otherwise.
    fn source_check(&self) -> CheckName {
        if self.image {
            CheckName::Unbake
        } else {
            CheckName::Input
        }
    }

    /// The response for `url` (fragment removed), fetched at most once.
    async fn response(&mut self, url: &str) -> Result<Fetched, FetchError> {
        let url = util::without_fragment(url.trim());
        if let Some((_, cached)) = self.fetched.iter().find(|(u, _)| u == url) {
            return cached.clone();
        }
        let result = if url.len() > MAX_URL_LEN || util::http_url(url).is_none() {
            Err(FetchError::BadUrl { url: quote(url) })
        } else if self.fetched.len() >= MAX_FETCHES {
            Err(FetchError::Network {
                url: url.to_owned(),
                reason: format!("Laurel fetches at most {MAX_FETCHES} documents for one badge"),
            })
        } else {
            self.fetcher.fetch(url, ACCEPT).await
        };
        self.fetched.push((url.to_owned(), result.clone()));
        result
    }

    /// The JSON object at `url`, which must answer with a 2xx status.
    async fn document(&mut self, url: &str) -> Result<Doc, DocError> {
        let fetched = self.response(url).await.map_err(DocError::Fetch)?;
        if !(200..300).contains(&fetched.status) {
            return Err(DocError::Status {
                url: url.to_owned(),
                status: fetched.status,
            });
        }
        let value = json_object(&fetched.body).ok_or_else(|| DocError::NotJson {
            url: url.to_owned(),
        })?;
        Ok(Doc {
            value,
            final_url: fetched.final_url,
        })
    }

    /// Unbakes an image, recording the `Unbake` check.
    fn unbake(&mut self, bytes: &[u8]) -> Option<Payload> {
        self.image = true;
        match bake::unbake(bytes) {
            Err(e) => {
                self.fail(CheckName::Unbake, e.to_string());
                None
            }
            Ok(None) => {
                self.fail(CheckName::Unbake, "This image carries no Open Badges data.");
                None
            }
            Ok(Some(payload)) => {
                let (version, ob3) = match payload {
                    BakedPayload::Ob2(_) => ("2.0", false),
                    BakedPayload::Ob3(_) => ("3.0", true),
                };
                self.pass(
                    CheckName::Unbake,
                    format!("The image carries Open Badges {version} data."),
                );
                let text = match payload {
                    BakedPayload::Ob2(text) | BakedPayload::Ob3(text) => text,
                };
                Some(Payload { text, ob3 })
            }
        }
    }

    /// Reads text (typed in, fetched, or unbaked) and verifies what it is.
    async fn read(&mut self, payload: Payload) {
        let Payload { mut text, ob3 } = payload;
        let mut hops = 0;
        loop {
            let trimmed = text.trim_start_matches('\u{FEFF}').trim();
            match classify(trimmed) {
                TextKind::Json => {
                    let value = match serde_json::from_str::<Value>(trimmed) {
                        Ok(value @ Value::Object(_)) => value,
                        Ok(_) => {
                            self.fail(self.source_check(), "The JSON is not an object.");
                            return;
                        }
                        Err(e) => {
                            self.fail(
                                self.source_check(),
                                format!("The text is not valid JSON ({e})."),
                            );
                            return;
                        }
                    };
                    self.describe_input("The input is a JSON document.");
                    if ob3::is_ob3(&value) || ob3 {
                        ob3::verify_json(self, value).await;
                    } else {
                        ob2::verify_json(self, value).await;
                    }
                    return;
                }
                TextKind::Jws => {
                    self.describe_input("The input is a signed badge (a compact JWS).");
                    self.verify_jws(trimmed, ob3).await;
                    return;
                }
                TextKind::Url if hops < MAX_INPUT_HOPS => {
                    hops += 1;
                    let url = trimmed.to_owned();
                    match self.fetch_input(&url).await {
                        Some(next) => text = next.text,
                        None => return,
                    }
                }
                TextKind::Url => {
                    self.fail(
                        self.source_check(),
                        "The badge leads from URL to URL without reaching an assertion.",
                    );
                    return;
                }
                TextKind::Unknown => {
                    let what = if self.image {
                        "The image's Open Badges data"
                    } else {
                        "The text"
                    };
                    self.fail(
                        self.source_check(),
                        format!("{what} is not JSON, an http(s) URL or a signed badge (JWS), so Laurel cannot read it as a badge."),
                    );
                    return;
                }
            }
        }
    }

    fn describe_input(&mut self, message: &str) {
        if !self.input_described {
            self.input_described = true;
            self.pass(CheckName::Input, message);
        }
    }

    /// Fetches a badge given by URL. A JSON or JWS body is returned as text;
    /// an image is unbaked; a 410 Gone is a revoked hosted assertion.
    async fn fetch_input(&mut self, url: &str) -> Option<Payload> {
        let source = self.source_check();
        let fetched = match self.response(url).await {
            Ok(fetched) => fetched,
            Err(e) => {
                self.fail(source, format!("Laurel could not fetch the badge. {e}"));
                return None;
            }
        };
        let shown = quote(url);
        if fetched.status == 410 {
            self.describe_input(&format!("Laurel fetched the badge from {shown}."));
            self.version = Some("2.0");
            let body = json_object(&fetched.body);
            let reason = body.as_ref().and_then(|b| str_at(b, "revocationReason"));
            self.fail(CheckName::Revocation, util::revoked_sentence(reason));
            return None;
        }
        if !(200..300).contains(&fetched.status) {
            let error = DocError::Status {
                url: url.to_owned(),
                status: fetched.status,
            };
            self.fail(source, error.sentence("badge"));
            return None;
        }
        self.describe_input(&format!("Laurel fetched the badge from {shown}."));
        let html = fetched
            .content_type
            .as_deref()
            .is_some_and(|t| t.trim().to_ascii_lowercase().starts_with("text/html"));
        if html && !bake::is_png(&fetched.body) {
            self.fail(
                source,
                format!("The page at {shown} is a web page, not a badge (JSON, a signed badge or a badge image)."),
            );
            return None;
        }
        let image = bake::is_png(&fetched.body)
            || fetched
                .content_type
                .as_deref()
                .is_some_and(|t| t.to_ascii_lowercase().starts_with("image/"))
            || fetched
                .body
                .iter()
                .find(|b| !b.is_ascii_whitespace())
                .is_some_and(|b| *b == b'<');
        if image {
            return self.unbake(&fetched.body);
        }
        match String::from_utf8(fetched.body) {
            Ok(text) if text.len() <= MAX_TEXT_BYTES => Some(Payload { text, ob3: false }),
            Ok(_) => {
                self.fail(
                    source,
                    format!("The badge at {shown} is larger than 1 MiB, the most Laurel reads."),
                );
                None
            }
            Err(_) => {
                self.fail(
                    source,
                    format!("The badge at {shown} is neither JSON, a signed badge (JWS) nor a PNG or SVG image."),
                );
                None
            }
        }
    }

    /// A compact JWS: an OB 2.0 signed assertion or an OB 3.0 VC-JWT.
    async fn verify_jws(&mut self, compact: &str, ob3_hint: bool) {
        match jws::parse(compact) {
            Ok(parsed) => {
                if ob3::is_ob3(&parsed.payload) || ob3_hint {
                    ob3::verify_jwt(self, &parsed).await;
                } else {
                    ob2::verify_jws(self, &parsed).await;
                }
            }
            Err(e) => {
                // The version is still worth reporting when the token is refused.
                let peeked = peek_payload(compact);
                self.version = match &peeked {
                    Some(p) if ob3::is_ob3(p) || ob3_hint => Some("3.0"),
                    Some(_) => Some("2.0"),
                    None => None,
                };
                let name = match e {
                    JwsError::Algorithm(_) | JwsError::Signature => CheckName::Signature,
                    JwsError::BadHeader | JwsError::BadPayload => CheckName::Structure,
                    JwsError::Malformed | JwsError::TooLarge => self.source_check(),
                };
                self.fail(name, e.to_string());
            }
        }
    }

    /// Completes the report: checks that never ran are listed as skipped,
    /// and the checks are put in [`CheckName`] order.
    fn finish(mut self) -> Report {
        let any_failed = self.checks.iter().any(|c| c.outcome == Outcome::Failed);
        for name in CheckName::ALL {
            if (name == CheckName::Unbake && !self.image)
                || self.checks.iter().any(|c| c.name == name)
            {
                continue;
            }
            let message = if name == CheckName::RecipientMatch && self.options.recipients.is_empty()
            {
                "No recipient was given to compare with."
            } else if any_failed {
                "Not checked, because an earlier check failed."
            } else {
                "Not checked."
            };
            self.skip(name, message);
        }
        self.checks.sort_by_key(|c| c.name);
        Report {
            valid: !any_failed,
            version: self.version.map(str::to_owned),
            checks: self.checks,
            assertion: self.assertion,
            badge: self.badge,
            issuer: self.issuer,
        }
    }
}

/// The payload of a JWS, decoded without checking anything (only to name
/// the version of a token that is refused).
fn peek_payload(compact: &str) -> Option<Value> {
    use base64::engine::general_purpose::URL_SAFE_NO_PAD;
    use base64::Engine as _;
    let part = compact.split('.').nth(1)?;
    let bytes = URL_SAFE_NO_PAD.decode(part.trim_end_matches('=')).ok()?;
    json_object(&bytes)
}
