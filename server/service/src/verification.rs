//! Verifying any Open Badge for whoever asks on the web (`/verify`): the one
//! place a web request runs the core verifier ([`laurel::verify`]) through
//! the server's bounded, SSRF-safe [`HttpFetcher`](crate::fetch::HttpFetcher).
//!
//! Each verification is counted against the client address (and, when
//! signed in, the account) in the database's rate-limit table, so the
//! limits hold across every Laurel instance: one verification may make up to
//! [`laurel::verify::MAX_FETCHES`] requests to other people's servers. The
//! report is kept for [`REPORT_TTL`] under an unguessable link, so a plain
//! form can redirect to it; only the link's hash is stored.

use chrono::{DateTime, Duration, Utc};
use laurel::verify::{Input, Options, Report, MAX_TEXT_BYTES};

use crate::{accounts, ServerContext, ServiceError};

/// The largest badge image the web form takes (baked PNGs and SVGs are
/// rarely over a few hundred kilobytes).
pub const MAX_UPLOAD_BYTES: usize = 4 * 1024 * 1024;

/// How long a report stays at its link.
pub const REPORT_TTL: Duration = Duration::hours(24);

/// Verifications per client address per hour.
pub const PER_ADDRESS_PER_HOUR: i64 = 30;
/// Verifications per account per hour (imports and re-checks).
pub const PER_ACCOUNT_PER_HOUR: i64 = 60;

/// A report as the public verifier shows it.
#[derive(Debug, Clone, PartialEq)]
pub struct SavedReport {
    pub report: Report,
    pub created_at: DateTime<Utc>,
}

/// What was sent, read into the verifier's input: an image when one was
/// chosen, else the pasted text. Refused, with a sentence, when there is
/// neither or either is too big.
pub fn read_input(image: Option<Vec<u8>>, text: &str) -> Result<Input, ServiceError> {
    if let Some(bytes) = image.filter(|b| !b.is_empty()) {
        if bytes.len() > MAX_UPLOAD_BYTES {
            return Err(too_big_image(bytes.len()));
        }
        return Ok(Input::Image(bytes));
    }
    let text = text.trim();
    if text.is_empty() {
        return Err(ServiceError::Invalid(
            "Choose a badge image (PNG or SVG), or paste the badge's URL, its JSON, a JWS or a VC-JWT."
                .into(),
        ));
    }
    if text.len() > MAX_TEXT_BYTES {
        return Err(ServiceError::Invalid(format!(
            "The pasted text is {} bytes; Laurel reads at most {MAX_TEXT_BYTES}.",
            text.len()
        )));
    }
    Ok(Input::Text(text.to_owned()))
}

/// The sentence for an image over [`MAX_UPLOAD_BYTES`].
pub fn too_big_image(bytes: usize) -> ServiceError {
    ServiceError::Invalid(format!(
        "The image is {} KB; Laurel verifies images of at most {} KB.",
        bytes.div_ceil(1024),
        MAX_UPLOAD_BYTES / 1024
    ))
}

/// The recipient typed on the form, if any (empty means none).
pub fn typed_recipient(text: &str) -> Vec<String> {
    Some(text.trim().to_owned())
        .filter(|t| !t.is_empty())
        .into_iter()
        .collect()
}

/// Verifies `input` for the client at `ip` (and the signed-in account, if
/// any) and keeps the report; returns the token of the report's link.
pub async fn verify_and_keep(
    ctx: &ServerContext,
    input: Input,
    recipient_text: &str,
    ip: &str,
    user_id: Option<i64>,
) -> Result<String, ServiceError> {
    let report = verify(ctx, input, typed_recipient(recipient_text), ip, user_id).await?;
    let (token, hash) = accounts::new_token();
    let json = serde_json::to_string(&report).map_err(|e| {
        tracing::error!(error = %e, "a verification report did not serialise");
        ServiceError::Internal
    })?;
    ctx.store
        .save_report(&hash, report.valid, &json, Utc::now() + REPORT_TTL)
        .await?;
    Ok(token)
}

/// Counts the verification against the limits, then runs the verifier
/// (the badge must be awarded to one of `recipients`, unless empty).
pub async fn verify(
    ctx: &ServerContext,
    input: Input,
    recipients: Vec<String>,
    ip: &str,
    user_id: Option<i64>,
) -> Result<Report, ServiceError> {
    accounts::rate_limit(
        &ctx.store,
        &format!("verify:ip:{}", crate::net::rate_key(ip)),
        PER_ADDRESS_PER_HOUR,
        3600,
    )
    .await?;
    if let Some(id) = user_id {
        accounts::rate_limit(
            &ctx.store,
            &format!("verify:user:{id}"),
            PER_ACCOUNT_PER_HOUR,
            3600,
        )
        .await?;
    }
    let options = Options {
        recipients,
        now: Utc::now(),
    };
    Ok(laurel::verify::verify(input, &ctx.fetcher, &options).await)
}

/// The report at the link with this token, unless it expired.
pub async fn saved_report(
    ctx: &ServerContext,
    token: &str,
) -> Result<Option<SavedReport>, ServiceError> {
    let Some(row) = ctx.store.report(&accounts::token_hash(token)).await? else {
        return Ok(None);
    };
    let report = serde_json::from_str(&row.report).map_err(|e| {
        tracing::error!(error = %e, "a stored verification report does not parse");
        ServiceError::Internal
    })?;
    Ok(Some(SavedReport {
        report,
        created_at: row.created_at,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn inputs_are_read_or_refused_with_a_sentence() {
        assert!(matches!(
            read_input(Some(vec![1, 2, 3]), "ignored"),
            Ok(Input::Image(b)) if b == vec![1, 2, 3]
        ));
        assert!(matches!(
            read_input(Some(Vec::new()), "  https://example.org/a  "),
            Ok(Input::Text(t)) if t == "https://example.org/a"
        ));
        let none = read_input(None, " \n ").unwrap_err().to_string();
        assert!(none.starts_with("Choose a badge image"), "{none}");
        let big = read_input(Some(vec![0; MAX_UPLOAD_BYTES + 1]), "")
            .unwrap_err()
            .to_string();
        assert!(big.contains("at most 4096 KB"), "{big}");
        let long = read_input(None, &"a".repeat(MAX_TEXT_BYTES + 1))
            .unwrap_err()
            .to_string();
        assert!(long.contains("at most 1048576"), "{long}");
        assert!(typed_recipient("  ").is_empty());
        assert_eq!(typed_recipient(" a@b.org "), ["a@b.org"]);
    }
}
