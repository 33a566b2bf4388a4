//! Small readers for the loosely typed JSON of other people's badges: values
//! that may be a string or an array, types that may be one name or several,
//! dates with every timezone notation issuers use, and origins.

use chrono::{DateTime, NaiveDateTime, Utc};
use serde_json::Value;
use url::Url;

/// The longest piece of a stranger's text quoted in a message.
const MAX_QUOTE_CHARS: usize = 200;

/// `value[key]` as a string.
pub(super) fn str_at<'a>(value: &'a Value, key: &str) -> Option<&'a str> {
    value.get(key).and_then(Value::as_str)
}

/// A JSON-LD value that may be one item or an array of items, as a list
/// (`null` and absent are the empty list).
pub(super) fn list_of(value: Option<&Value>) -> Vec<&Value> {
    match value {
        None | Some(Value::Null) => Vec::new(),
        Some(Value::Array(items)) => items.iter().collect(),
        Some(one) => vec![one],
    }
}

/// The names of the `fields` that `object` lacks (absent or `null`).
pub(super) fn lacking(object: &Value, fields: &[&str]) -> Vec<String> {
    fields
        .iter()
        .filter(|f| object.get(**f).is_none_or(Value::is_null))
        .map(|f| (*f).to_owned())
        .collect()
}

/// The names in `value.type` (a string or an array of strings).
pub(super) fn types(value: &Value) -> Vec<&str> {
    list_of(value.get("type"))
        .into_iter()
        .filter_map(Value::as_str)
        .collect()
}

/// Whether `value.type` names any of `wanted`.
pub(super) fn has_type(value: &Value, wanted: &[&str]) -> bool {
    types(value).iter().any(|t| wanted.contains(t))
}

/// The `id` of a value given either as a string or as an object with an `id`.
pub(super) fn id_of(value: &Value) -> Option<&str> {
    match value {
        Value::String(s) => Some(s),
        Value::Object(_) => str_at(value, "id"),
        _ => None,
    }
}

/// `s` parsed as an absolute `http://` or `https://` URL with a host.
pub(super) fn http_url(s: &str) -> Option<Url> {
    let url = Url::parse(s.trim()).ok()?;
    (matches!(url.scheme(), "http" | "https") && url.host().is_some()).then_some(url)
}

/// Whether `a` and `b` are http(s) URLs with the same origin (scheme, host
/// and port, default ports filled in).
pub(super) fn same_origin(a: &str, b: &str) -> bool {
    match (http_url(a), http_url(b)) {
        (Some(a), Some(b)) => a.origin() == b.origin(),
        _ => false,
    }
}

/// The origin of an http(s) URL as text (`https://host:port`), for messages.
pub(super) fn origin_text(s: &str) -> Option<String> {
    http_url(s).map(|u| u.origin().ascii_serialization())
}

/// `url` without its `#fragment`, which is never sent to a server.
pub(super) fn without_fragment(url: &str) -> &str {
    url.split_once('#').map_or(url, |(base, _)| base)
}

/// A date and time with a timezone: RFC 3339 (`…Z`, `…+01:00`), and the
/// `+0100` and `+01` offsets the Open Badges 2.0 validator also accepts. A
/// time without a zone is refused, because it names no instant.
pub(super) fn parse_datetime(s: &str) -> Option<DateTime<Utc>> {
    let s = s.trim();
    if let Ok(t) = DateTime::parse_from_rfc3339(s) {
        return Some(t.with_timezone(&Utc));
    }
    // `%z` accepts `+hhmm` and `+hh:mm`; an `+hh` offset gets its minutes.
    let bytes = s.as_bytes();
    let short_offset = bytes.len() > 3
        && matches!(bytes[bytes.len() - 3], b'+' | b'-')
        && bytes[bytes.len() - 2..].iter().all(u8::is_ascii_digit)
        && s.contains('T');
    let padded;
    let s = if short_offset {
        padded = format!("{s}00");
        padded.as_str()
    } else {
        s
    };
    ["%Y-%m-%dT%H:%M:%S%.f%z", "%Y-%m-%dT%H:%M:%S%z"]
        .iter()
        .find_map(|format| DateTime::parse_from_str(s, format).ok())
        .map(|t| t.with_timezone(&Utc))
}

/// Whether `s` is a date and time but without a timezone (for a clearer
/// message than "not a date").
pub(super) fn is_zoneless_datetime(s: &str) -> bool {
    ["%Y-%m-%dT%H:%M:%S%.f", "%Y-%m-%dT%H:%M:%S"]
        .iter()
        .any(|format| NaiveDateTime::parse_from_str(s.trim(), format).is_ok())
}

/// Why a date field cannot be read, as a clause for a structure message.
pub(super) fn date_problem(field: &str, value: &Value) -> Option<String> {
    let text = value.as_str();
    if text.and_then(parse_datetime).is_some() {
        return None;
    }
    Some(match text {
        Some(s) if is_zoneless_datetime(s) => {
            format!("{field} “{}” has no timezone", quote(s))
        }
        Some(s) => format!("{field} “{}” is not a date and time", quote(s)),
        None => format!("{field} is not a date and time"),
    })
}

/// A JWT `NumericDate` (seconds since the epoch) as a time.
pub(super) fn epoch_seconds(value: Option<&Value>) -> Option<DateTime<Utc>> {
    let value = value?;
    let secs = value
        .as_i64()
        .or_else(|| value.as_f64().filter(|f| f.is_finite()).map(|f| f as i64))?;
    DateTime::from_timestamp(secs, 0)
}

/// A time as messages show it (`2026-11-23T10:00:00Z`).
pub(super) fn show_time(t: DateTime<Utc>) -> String {
    crate::ob2::datetime(t)
}

/// A stranger's text made safe to put in a message: control characters
/// become spaces and anything past 200 characters is cut, so a hostile
/// document cannot flood or garble the report.
pub(super) fn quote(s: &str) -> String {
    let mut out: String = s
        .chars()
        .take(MAX_QUOTE_CHARS)
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    if s.chars().nth(MAX_QUOTE_CHARS).is_some() {
        out.push('…');
    }
    out
}

/// "The issuer revoked this badge: <reason>." (or without a reason).
pub(super) fn revoked_sentence(reason: Option<&str>) -> String {
    match reason.map(str::trim).filter(|r| !r.is_empty()) {
        None => "The issuer revoked this badge.".to_owned(),
        Some(reason) => {
            let reason = quote(reason);
            let stop = if reason.ends_with(['.', '!', '?', '…']) {
                ""
            } else {
                "."
            };
            format!("The issuer revoked this badge: {reason}{stop}")
        }
    }
}

/// A JSON object from a document body (a UTF-8 byte-order mark is allowed).
pub(super) fn json_object(body: &[u8]) -> Option<Value> {
    let body = body.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(body);
    serde_json::from_slice::<Value>(body)
        .ok()
        .filter(Value::is_object)
}

/// Whether a recipient identity is `sha256$<64 hex>` or `md5$<32 hex>`.
pub(super) fn is_identity_hash(identity: &str) -> bool {
    let Some((algorithm, hex)) = identity.split_once('$') else {
        return false;
    };
    let len = match algorithm.to_ascii_lowercase().as_str() {
        "sha256" => 64,
        "md5" => 32,
        _ => return false,
    };
    hex.len() == len && hex.bytes().all(|b| b.is_ascii_hexdigit())
}

/// `"a, b and c"`.
pub(super) fn join_and(items: &[String]) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [init @ .., last] => format!("{} and {last}", init.join(", ")),
    }
}

/// The recipients asked about, quoted: "“a”", or "any of “a”, “b”".
pub(super) fn recipient_list(recipients: &[String]) -> String {
    let quoted: Vec<String> = recipients.iter().map(|r| quote(r.trim())).collect();
    match quoted.as_slice() {
        [one] => one.clone(),
        many => format!("any of {}", many.join(", ")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn dates_need_a_timezone_in_any_common_notation() {
        let want = parse_datetime("2026-01-02T03:04:05Z").unwrap();
        for s in [
            "2026-01-02T03:04:05Z",
            "2026-01-02T03:04:05.000Z",
            "2026-01-02T04:04:05+01:00",
            "2026-01-02T04:04:05+0100",
            "2026-01-02T04:04:05+01",
            "2026-01-02T04:04:05.5+01",
        ] {
            let got = parse_datetime(s).unwrap_or_else(|| panic!("{s}"));
            assert_eq!(got.timestamp(), want.timestamp(), "{s}");
        }
        for s in [
            "2026-01-02T03:04:05",
            "2026-01-02",
            "yesterday",
            "",
            "+01",
            "T+01",
        ] {
            assert_eq!(parse_datetime(s), None, "{s}");
        }
        assert!(date_problem("issuedOn", &json!("2026-01-02T03:04:05"))
            .unwrap()
            .contains("no timezone"));
        assert!(date_problem("issuedOn", &json!(5)).is_some());
    }

    #[test]
    fn origins_compare_scheme_host_and_port() {
        assert!(same_origin(
            "https://a.example/x",
            "https://a.example:443/y"
        ));
        assert!(!same_origin("https://a.example/x", "http://a.example/x"));
        assert!(!same_origin(
            "https://a.example/x",
            "https://a.example:8443/x"
        ));
        assert!(!same_origin("https://a.example/x", "https://b.example/x"));
        assert!(!same_origin("urn:uuid:1", "urn:uuid:1"));
        assert_eq!(
            origin_text("https://A.example:443/x").unwrap(),
            "https://a.example"
        );
    }

    #[test]
    fn quoting_cuts_and_cleans() {
        assert_eq!(quote("a\nb"), "a b");
        let long = "é".repeat(500);
        assert_eq!(quote(&long).chars().count(), MAX_QUOTE_CHARS + 1);
        assert_eq!(
            revoked_sentence(Some("Issued in error")),
            "The issuer revoked this badge: Issued in error."
        );
        assert_eq!(
            revoked_sentence(Some("Oops!")),
            "The issuer revoked this badge: Oops!"
        );
        assert_eq!(
            revoked_sentence(Some(" ")),
            "The issuer revoked this badge."
        );
        assert_eq!(
            join_and(&["a".into(), "b".into(), "c".into()]),
            "a, b and c"
        );
    }

    #[test]
    fn identity_hashes_are_recognised() {
        assert!(is_identity_hash(&format!("sha256${}", "a".repeat(64))));
        assert!(is_identity_hash(&format!("MD5${}", "F".repeat(32))));
        assert!(!is_identity_hash(&format!("sha256${}", "a".repeat(63))));
        assert!(!is_identity_hash("holder@example.com"));
    }
}
