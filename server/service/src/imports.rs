//! Importing badges from other issuers into a holder's wallet: the one place
//! an import is made or re-checked. The badge goes through the verifier
//! ([`crate::verification::verify`], with its rate limits and the SSRF-safe
//! fetcher) against the holder's address, and is kept only when it is theirs
//! and authentic:
//!
//! - awarded to someone else (the recipient check failed) → refused, with
//!   that reason;
//! - not an Open Badge, or not authentic (structure, signature, key, issuer
//!   scope) → refused, with the verifier's sentence;
//! - revoked or expired → kept, with the report that says so (a holder may
//!   keep the record of a badge that lapsed).
//!
//! The original is stored as given, with the report; "check again" runs the
//! verifier on the original and stores the new report.

use laurel::verify::{CheckName, Input, Outcome, Report};
use laurel::ImportKind;
use laurel_store::{ImportRow, NewImport};
use serde_json::Value;
use sha2::{Digest, Sha256};

use crate::{accounts, verification, ServerContext, ServiceError};

/// The holder an import is for.
#[derive(Debug, Clone, Copy)]
pub struct Holder<'a> {
    pub user_id: i64,
    /// The account's verified addresses: the badge must be awarded to one.
    pub addresses: &'a [String],
}

/// The checks whose failure means "not this holder's authentic badge".
const REFUSING: [CheckName; 7] = [
    CheckName::Input,
    CheckName::Unbake,
    CheckName::Structure,
    CheckName::Signature,
    CheckName::KeyOwnership,
    CheckName::IssuerScope,
    CheckName::RecipientMatch,
];

/// Verifies `input` for `holder` and stores it in their wallet.
pub async fn import(
    ctx: &ServerContext,
    holder: Holder<'_>,
    input: Input,
    ip: &str,
) -> Result<ImportRow, ServiceError> {
    let (kind, original) = match &input {
        Input::Image(bytes) if bytes.starts_with(b"\x89PNG") => (ImportKind::Png, bytes.clone()),
        Input::Image(bytes) => (ImportKind::Svg, bytes.clone()),
        Input::Text(text) => (ImportKind::Text, text.as_bytes().to_vec()),
    };
    let report = verification::verify(
        ctx,
        input,
        holder.addresses.to_vec(),
        ip,
        Some(holder.user_id),
    )
    .await?;
    if let Some(refused) = refusal(&report, holder.addresses) {
        return Err(refused);
    }
    let json = to_json(&report)?;
    let (public_id, _) = accounts::new_token();
    let public_id: String = public_id.chars().take(22).collect();
    let fingerprint = fingerprint(&report, &original);
    let row = ctx
        .store
        .insert_import(&NewImport {
            public_id: &public_id,
            user_id: holder.user_id,
            fingerprint: &fingerprint,
            kind,
            original: &original,
            version: report.version.as_deref(),
            badge_name: &text_at(report.badge.as_ref(), &["name"])
                .unwrap_or_else(|| "Unnamed badge".into()),
            issuer_name: &text_at(report.issuer.as_ref(), &["name"])
                .or_else(|| text_at(report.issuer.as_ref(), &["id"]))
                .unwrap_or_else(|| "Unknown issuer".into()),
            issued_on: issued_on(&report).as_deref(),
            valid: report.valid,
            report: &json,
        })
        .await?;
    // A badge of this Laurel's issuers, imported: counted for its issuer.
    if let Some(id) = text_at(report.assertion.as_ref(), &["id"]) {
        crate::analytics::record_import(ctx, &id).await;
    }
    Ok(row)
}

/// Verifies one of the holder's imports again, from its original, and
/// stores the new report. Not found when it is not theirs.
pub async fn check_again(
    ctx: &ServerContext,
    holder: Holder<'_>,
    public_id: &str,
    ip: &str,
) -> Result<Report, ServiceError> {
    let (kind, original) = ctx
        .store
        .import_original(holder.user_id, public_id)
        .await?
        .ok_or(ServiceError::NotFound)?;
    let input = match kind {
        ImportKind::Text => Input::Text(String::from_utf8_lossy(&original).into_owned()),
        ImportKind::Png | ImportKind::Svg => Input::Image(original),
    };
    let report = verification::verify(
        ctx,
        input,
        holder.addresses.to_vec(),
        ip,
        Some(holder.user_id),
    )
    .await?;
    let json = to_json(&report)?;
    if !ctx
        .store
        .update_import_report(holder.user_id, public_id, report.valid, &json)
        .await?
    {
        return Err(ServiceError::NotFound);
    }
    Ok(report)
}

/// How long an import's last report counts as fresh: opening it later
/// verifies it again (the issuer may have revoked it, or its key gone).
pub const FRESH_FOR: chrono::Duration = chrono::Duration::minutes(10);

/// One of the holder's imports as its page shows it: verified again first
/// when its report is older than [`FRESH_FOR`]. When that cannot be done
/// now (the verifier's rate limit, or an issuer that does not answer) the
/// stored report is shown with the reason (the second value). Not found
/// when it is not theirs.
pub async fn on_view(
    ctx: &ServerContext,
    holder: Holder<'_>,
    public_id: &str,
    ip: &str,
) -> Result<(ImportRow, Option<String>), ServiceError> {
    let row = ctx
        .store
        .import(holder.user_id, public_id)
        .await?
        .ok_or(ServiceError::NotFound)?;
    if chrono::Utc::now() - row.verified_at < FRESH_FOR {
        return Ok((row, None));
    }
    let note = match check_again(ctx, holder, public_id, ip).await {
        Ok(_) => None,
        Err(ServiceError::NotFound) => return Err(ServiceError::NotFound),
        Err(e) => Some(format!("It could not be checked again just now: {e}")),
    };
    let row = ctx
        .store
        .import(holder.user_id, public_id)
        .await?
        .ok_or(ServiceError::NotFound)?;
    Ok((row, note))
}

/// The first failed check's sentence of a stored report (what the wallet
/// shows under a badge that is not valid).
pub fn problem(report_json: &str) -> Option<String> {
    let report: Report = serde_json::from_str(report_json).ok()?;
    report
        .checks
        .into_iter()
        .find(|c| c.outcome == Outcome::Failed)
        .map(|c| c.message)
}

/// Why `report` may not go into the wallet of the holder of `addresses`,
/// if it may not.
fn refusal(report: &Report, addresses: &[String]) -> Option<ServiceError> {
    if report.failure(CheckName::RecipientMatch).is_some() {
        let addresses = addresses.join(", ");
        return Some(ServiceError::Invalid(format!(
            "This badge was awarded to someone else: its recipient is none of your verified addresses ({addresses}), so it cannot go in your wallet."
        )));
    }
    let failed = report
        .checks
        .iter()
        .find(|c| c.outcome == Outcome::Failed && REFUSING.contains(&c.name))?;
    Some(ServiceError::Invalid(format!(
        "This badge did not verify, so it was not imported: {}",
        failed.message
    )))
}

fn to_json(report: &Report) -> Result<String, ServiceError> {
    serde_json::to_string(report).map_err(|e| {
        tracing::error!(error = %e, "a verification report did not serialise");
        ServiceError::Internal
    })
}

/// One copy per holder and badge: the SHA-256 of the assertion's or
/// credential's `id`, or of the original when it has none.
fn fingerprint(report: &Report, original: &[u8]) -> String {
    match text_at(report.assertion.as_ref(), &["id"]) {
        Some(id) => hex::encode(Sha256::digest(id.as_bytes())),
        None => hex::encode(Sha256::digest(original)),
    }
}

/// The first string found at one of `keys` of `value`.
fn text_at(value: Option<&Value>, keys: &[&str]) -> Option<String> {
    let value = value?;
    keys.iter()
        .find_map(|k| value.get(*k).and_then(Value::as_str))
        .map(str::to_owned)
}

/// The award date (`YYYY-MM-DD`): OB 2.0 `issuedOn`, OB 3.0 `validFrom`
/// (or the VC 1.1 `issuanceDate`).
fn issued_on(report: &Report) -> Option<String> {
    text_at(
        report.assertion.as_ref(),
        &["issuedOn", "validFrom", "issuanceDate"],
    )
    .map(|d| d.chars().take(10).collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    use laurel::verify::Check;

    fn report(failed: &[CheckName]) -> Report {
        Report {
            valid: failed.is_empty(),
            version: Some("2.0".into()),
            checks: CheckName::ALL
                .iter()
                .map(|&name| Check {
                    name,
                    outcome: if failed.contains(&name) {
                        Outcome::Failed
                    } else {
                        Outcome::Passed
                    },
                    message: format!("{name:?} said so."),
                })
                .collect(),
            assertion: Some(
                serde_json::json!({"id": "https://x.example/a/1", "issuedOn": "2026-03-01T00:00:00Z"}),
            ),
            badge: None,
            issuer: None,
        }
    }

    #[test]
    fn what_is_refused_and_what_is_kept() {
        let mine = ["a@b.org".to_owned(), "c@d.org".to_owned()];
        assert!(refusal(&report(&[]), &mine).is_none());
        let someone_else = refusal(&report(&[CheckName::RecipientMatch]), &mine)
            .unwrap()
            .to_string();
        assert!(
            someone_else.contains("awarded to someone else"),
            "{someone_else}"
        );
        assert!(
            someone_else.contains("(a@b.org, c@d.org)"),
            "{someone_else}"
        );
        let forged = refusal(&report(&[CheckName::Signature]), &mine)
            .unwrap()
            .to_string();
        assert_eq!(
            forged,
            "This badge did not verify, so it was not imported: Signature said so."
        );
        // A revoked or expired badge is kept, with its report.
        assert!(refusal(&report(&[CheckName::Revocation, CheckName::Expiry]), &mine).is_none());
    }

    #[test]
    fn summaries_and_fingerprints() {
        let r = report(&[CheckName::Expiry]);
        assert_eq!(issued_on(&r).as_deref(), Some("2026-03-01"));
        assert_eq!(
            fingerprint(&r, b"x"),
            fingerprint(&r, b"something else"),
            "by id"
        );
        let mut no_id = r.clone();
        no_id.assertion = None;
        assert_ne!(fingerprint(&no_id, b"x"), fingerprint(&no_id, b"y"));
        let json = serde_json::to_string(&r).unwrap();
        assert_eq!(problem(&json).as_deref(), Some("Expiry said so."));
        assert_eq!(problem(&serde_json::to_string(&report(&[])).unwrap()), None);
    }
}
