//! Remote issuing as EXeed defines it (its issuer FAQ, "API Reference"),
//! byte for byte: the request body, the string its clients sign and the
//! check of the `IssuerIntegration` header — so an EXeed client works with
//! Laurel by changing only the URL and the key.
//!
//! The body is JSON with `issuerIntegrationId` (a GUID), `externalTemplateId`,
//! `passedExamDate` (Unix seconds), `holderEmail`, `holderFirstName`,
//! `holderLastName`, `holderLastNamePrefix` and `isHolderIndividual`. The
//! client signs
//!
//! ```text
//! issuerIntegrationId + DomainName + externalTemplateId + holderEmail + holderLastName + ("True" | "False")
//! ```
//!
//! as UTF-16LE bytes (.NET `Encoding.Unicode.GetBytes`, no byte-order mark)
//! with RSASSA-PKCS1-v1_5 over SHA-256, and sends the signature in Base64.
//!
//! Liberal where .NET clients differ: the GUID is matched whatever its case
//! and with or without braces (the signature is tried against the GUID as
//! sent, its lowercase and uppercase forms, each with and without braces);
//! `isHolderIndividual` may be a JSON boolean or the string "true"/"false"
//! in any case; `passedExamDate` may be a number or a string of digits.
//! Everything else is signed and compared exactly as sent.
//!
//! The format has no timestamp or nonce, so a recorded request can be sent
//! again; it then finds the badge it made the first time (the same
//! integration, template, holder and date), never a second one. A client
//! that wants replays refused sends `IssuerIntegration-Timestamp` (Unix
//! seconds), appended to the signed string, and must be within
//! [`TIMESTAMP_SKEW`] of the server's clock.

use base64::engine::general_purpose::STANDARD;
use base64::Engine as _;
use chrono::{DateTime, NaiveDate, Utc};
use serde_json::Value;

use crate::crypto::keys::PublicKey;
use crate::Email;

/// How far `IssuerIntegration-Timestamp` may be from the server's clock.
pub const TIMESTAMP_SKEW: chrono::Duration = chrono::Duration::minutes(5);

/// A new `issuerIntegrationId`: a random GUID, lowercase with hyphens (how
/// Laurel stores and shows it).
pub fn new_integration_id() -> String {
    uuid::Uuid::new_v4().hyphenated().to_string()
}

/// The request, as sent (the signed fields are kept exactly as they came).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RemoteRequest {
    /// The GUID as the client wrote it.
    pub integration_id_sent: String,
    /// The GUID, lowercase with hyphens (how Laurel stores it).
    pub integration_id: String,
    pub external_template_id: String,
    /// The exam date (UTC) from `passedExamDate`.
    pub passed_exam_date: NaiveDate,
    /// `holderEmail` as sent (it is signed as sent).
    pub holder_email_sent: String,
    pub holder_email: Email,
    pub holder_first_name: String,
    pub holder_last_name: String,
    pub holder_last_name_prefix: String,
    pub is_holder_individual: bool,
}

/// One bad or missing field.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct FieldError {
    pub field: &'static str,
    pub message: String,
}

/// Why a body is not a remote-issue request.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RequestError {
    #[error("The body is not a JSON object.")]
    NotJson,
    #[error("Some fields are missing or not valid.")]
    Fields(Vec<FieldError>),
}

fn text<'a>(
    body: &'a serde_json::Map<String, Value>,
    field: &'static str,
    required: bool,
    max: usize,
    errors: &mut Vec<FieldError>,
) -> &'a str {
    let bad = |message: String| FieldError { field, message };
    match body.get(field) {
        None | Some(Value::Null) if required => {
            errors.push(bad(format!("“{field}” is required.")));
            ""
        }
        None | Some(Value::Null) => "",
        Some(Value::String(s)) if required && s.trim().is_empty() => {
            errors.push(bad(format!("“{field}” is required.")));
            ""
        }
        Some(Value::String(s)) if s.chars().count() > max => {
            errors.push(bad(format!("“{field}” can be at most {max} characters.")));
            ""
        }
        Some(Value::String(s)) => s,
        Some(_) => {
            errors.push(bad(format!("“{field}” must be a string.")));
            ""
        }
    }
}

/// Parses a request body, naming every bad or missing field at once.
pub fn parse(body: &[u8]) -> Result<RemoteRequest, RequestError> {
    let Ok(Value::Object(body)) = serde_json::from_slice::<Value>(body) else {
        return Err(RequestError::NotJson);
    };
    let mut errors = Vec::new();
    let id_sent = text(&body, "issuerIntegrationId", true, 100, &mut errors).to_owned();
    let integration_id = match uuid::Uuid::parse_str(id_sent.trim()) {
        Ok(id) => id.hyphenated().to_string(),
        Err(_) if id_sent.is_empty() => String::new(),
        Err(_) => {
            errors.push(FieldError {
                field: "issuerIntegrationId",
                message: "“issuerIntegrationId” must be a GUID.".into(),
            });
            String::new()
        }
    };
    let template = text(&body, "externalTemplateId", true, 200, &mut errors).to_owned();
    let date = match body.get("passedExamDate") {
        None | Some(Value::Null) => {
            errors.push(FieldError {
                field: "passedExamDate",
                message: "“passedExamDate” is required.".into(),
            });
            None
        }
        Some(v) => {
            let seconds = match v {
                Value::Number(n) => n.as_i64(),
                Value::String(s) => s.trim().parse::<i64>().ok(),
                _ => None,
            };
            match seconds.and_then(|s| DateTime::<Utc>::from_timestamp(s, 0)) {
                Some(t) if t <= Utc::now() + chrono::Duration::days(1) => Some(t.date_naive()),
                Some(_) => {
                    errors.push(FieldError {
                        field: "passedExamDate",
                        message: "“passedExamDate” is in the future (it is Unix seconds).".into(),
                    });
                    None
                }
                None => {
                    errors.push(FieldError {
                        field: "passedExamDate",
                        message: "“passedExamDate” must be a Unix time in seconds.".into(),
                    });
                    None
                }
            }
        }
    };
    let email_sent = text(&body, "holderEmail", true, 254, &mut errors).to_owned();
    let email = if email_sent.is_empty() {
        None
    } else {
        match Email::parse(&email_sent) {
            Ok(e) => Some(e),
            Err(e) => {
                errors.push(FieldError {
                    field: "holderEmail",
                    message: e.to_string(),
                });
                None
            }
        }
    };
    let first = text(&body, "holderFirstName", false, 100, &mut errors).to_owned();
    let last = text(&body, "holderLastName", true, 200, &mut errors).to_owned();
    let prefix = text(&body, "holderLastNamePrefix", false, 50, &mut errors).to_owned();
    let individual = match body.get("isHolderIndividual") {
        Some(Value::Bool(b)) => Some(*b),
        Some(Value::String(s)) if s.eq_ignore_ascii_case("true") => Some(true),
        Some(Value::String(s)) if s.eq_ignore_ascii_case("false") => Some(false),
        None | Some(Value::Null) => {
            errors.push(FieldError {
                field: "isHolderIndividual",
                message: "“isHolderIndividual” is required.".into(),
            });
            None
        }
        Some(_) => {
            errors.push(FieldError {
                field: "isHolderIndividual",
                message: "“isHolderIndividual” must be true or false.".into(),
            });
            None
        }
    };
    match (date, email, individual) {
        (Some(passed_exam_date), Some(holder_email), Some(is_holder_individual))
            if errors.is_empty() =>
        {
            Ok(RemoteRequest {
                integration_id_sent: id_sent,
                integration_id,
                external_template_id: template,
                passed_exam_date,
                holder_email_sent: email_sent,
                holder_email,
                holder_first_name: first,
                holder_last_name: last,
                holder_last_name_prefix: prefix,
                is_holder_individual,
            })
        }
        _ => Err(RequestError::Fields(errors)),
    }
}

/// The string an EXeed client signs, for one spelling of the GUID.
pub fn string_to_sign(req: &RemoteRequest, guid: &str, domain: &str) -> String {
    format!(
        "{guid}{domain}{}{}{}{}",
        req.external_template_id,
        req.holder_email_sent,
        req.holder_last_name,
        if req.is_holder_individual {
            "True"
        } else {
            "False"
        }
    )
}

/// .NET's `Encoding.Unicode.GetBytes`: UTF-16 little-endian, no BOM.
pub fn utf16le(s: &str) -> Vec<u8> {
    s.encode_utf16().flat_map(u16::to_le_bytes).collect()
}

/// The spellings of the GUID a .NET client may have signed.
fn guid_spellings(req: &RemoteRequest) -> Vec<String> {
    let lower = req.integration_id.clone();
    let upper = lower.to_uppercase();
    let mut out = vec![req.integration_id_sent.clone()];
    for g in [
        lower.clone(),
        upper.clone(),
        format!("{{{lower}}}"),
        format!("{{{upper}}}"),
    ] {
        if !out.contains(&g) {
            out.push(g);
        }
    }
    out
}

/// Why a signature is refused. Callers answer the same 401 for each: the
/// variants are for logs, never for the client.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SignatureProblem {
    Missing,
    NotBase64,
    BadTimestamp,
    NoKeyMatches,
}

/// Checks the `IssuerIntegration` header (`signature`) of `req` for the
/// organisation whose domain name is `domain`, against its active keys.
/// `timestamp` is the `IssuerIntegration-Timestamp` header, when sent.
/// Returns the index of the key that signed.
pub fn verify(
    req: &RemoteRequest,
    domain: &str,
    signature: Option<&str>,
    timestamp: Option<&str>,
    keys: &[PublicKey],
    now: DateTime<Utc>,
) -> Result<usize, SignatureProblem> {
    let signature = signature
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .ok_or(SignatureProblem::Missing)?;
    let signature: String = signature.chars().filter(|c| !c.is_whitespace()).collect();
    let signature = STANDARD
        .decode(&signature)
        .map_err(|_| SignatureProblem::NotBase64)?;
    let suffix = match timestamp.map(str::trim) {
        None => String::new(),
        Some(t) => {
            let seconds: i64 = t.parse().map_err(|_| SignatureProblem::BadTimestamp)?;
            let at = DateTime::<Utc>::from_timestamp(seconds, 0)
                .ok_or(SignatureProblem::BadTimestamp)?;
            if (now - at).abs() > TIMESTAMP_SKEW {
                return Err(SignatureProblem::BadTimestamp);
            }
            t.to_owned()
        }
    };
    for guid in guid_spellings(req) {
        let message = utf16le(&(string_to_sign(req, &guid, domain) + &suffix));
        if let Some(i) = keys
            .iter()
            .position(|k| k.verify_rs256(&message, &signature))
        {
            return Ok(i);
        }
    }
    Err(SignatureProblem::NoKeyMatches)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::crypto::keys::SigningKey;

    fn body(id: &str) -> Vec<u8> {
        serde_json::json!({
            "issuerIntegrationId": id,
            "externalTemplateId": "EXAM-1",
            "passedExamDate": 1_700_000_000,
            "holderEmail": "Ada@Example.com",
            "holderFirstName": "Ada",
            "holderLastName": "Lovelace",
            "holderLastNamePrefix": "",
            "isHolderIndividual": true,
        })
        .to_string()
        .into_bytes()
    }

    const GUID: &str = "3f2504e0-4f89-11d3-9a0c-0305e82c3301";

    #[test]
    fn the_signed_string_is_the_faqs_formula_in_utf16le() {
        let req = parse(&body(GUID)).unwrap();
        assert_eq!(
            string_to_sign(&req, GUID, "acme"),
            format!("{GUID}acmeEXAM-1Ada@Example.comLovelaceTrue")
        );
        assert_eq!(utf16le("Aé"), [0x41, 0x00, 0xE9, 0x00]);
        assert_eq!(req.holder_email.as_str(), "ada@example.com");
        assert_eq!(
            req.passed_exam_date,
            NaiveDate::from_ymd_opt(2023, 11, 14).unwrap()
        );
    }

    #[test]
    fn a_signature_verifies_for_any_guid_spelling_and_nothing_else() {
        let key = SigningKey::generate().unwrap();
        let other = SigningKey::generate().unwrap();
        let keys = [other.public_key(), key.public_key()];
        let now = Utc::now();
        for (sent, signed) in [
            (GUID.to_uppercase(), GUID.to_owned()),
            (format!("{{{GUID}}}"), GUID.to_uppercase()),
            (GUID.to_owned(), format!("{{{GUID}}}")),
        ] {
            let req = parse(&body(&sent)).unwrap();
            let sig = STANDARD.encode(key.sign_rs256(&utf16le(&format!(
                "{signed}acmeEXAM-1Ada@Example.comLovelaceTrue"
            ))));
            assert_eq!(verify(&req, "acme", Some(&sig), None, &keys, now), Ok(1));
            assert_eq!(
                verify(&req, "other", Some(&sig), None, &keys, now),
                Err(SignatureProblem::NoKeyMatches)
            );
        }
        let req = parse(&body(GUID)).unwrap();
        assert_eq!(
            verify(&req, "acme", None, None, &keys, now),
            Err(SignatureProblem::Missing)
        );
        assert_eq!(
            verify(&req, "acme", Some("%%%"), None, &keys, now),
            Err(SignatureProblem::NotBase64)
        );
        // With a timestamp: covered by the signature, and it must be recent.
        let t = now.timestamp().to_string();
        let sig = STANDARD.encode(key.sign_rs256(&utf16le(&format!(
            "{GUID}acmeEXAM-1Ada@Example.comLovelaceTrue{t}"
        ))));
        assert_eq!(
            verify(&req, "acme", Some(&sig), Some(&t), &keys, now),
            Ok(1)
        );
        let later = now + chrono::Duration::minutes(6);
        assert_eq!(
            verify(&req, "acme", Some(&sig), Some(&t), &keys, later),
            Err(SignatureProblem::BadTimestamp)
        );
        assert_eq!(
            verify(&req, "acme", Some(&sig), None, &keys, now),
            Err(SignatureProblem::NoKeyMatches)
        );
    }

    #[test]
    fn every_bad_field_is_named() {
        assert_eq!(parse(b"[1]"), Err(RequestError::NotJson));
        assert_eq!(parse(b"not json"), Err(RequestError::NotJson));
        let Err(RequestError::Fields(errors)) = parse(
            serde_json::json!({
                "issuerIntegrationId": "not-a-guid",
                "passedExamDate": "yesterday",
                "holderEmail": "nobody",
                "holderLastName": 5,
                "isHolderIndividual": "maybe",
            })
            .to_string()
            .as_bytes(),
        ) else {
            panic!("expected field errors")
        };
        let fields: Vec<_> = errors.iter().map(|e| e.field).collect();
        assert_eq!(
            fields,
            [
                "issuerIntegrationId",
                "externalTemplateId",
                "passedExamDate",
                "holderEmail",
                "holderLastName",
                "isHolderIndividual"
            ]
        );
        // Liberal forms: a string date, a string flag.
        let mut v: Value = serde_json::from_slice(&body(GUID)).unwrap();
        v["passedExamDate"] = "1700000000".into();
        v["isHolderIndividual"] = "False".into();
        let req = parse(v.to_string().as_bytes()).unwrap();
        assert!(!req.is_holder_individual);
    }
}
