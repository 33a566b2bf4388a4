//! The issued-badge register's filters, from the page's query string to a
//! store query, and its rows as the page shows them.

use chrono::{NaiveDate, Utc};

use super::get_register::{RegisterFilters, RegisterItem};
use crate::error::AppError;
use laurel::{BadgeStatus, RegisterSort};
use laurel_store::{RegisterEntry, RegisterQuery};

/// Checks the filters; a malformed one is a sentence, not an empty page.
pub fn query(f: &RegisterFilters) -> Result<RegisterQuery, AppError> {
    let date = |label: &str, text: &str| -> Result<Option<NaiveDate>, AppError> {
        let text = text.trim();
        if text.is_empty() {
            return Ok(None);
        }
        NaiveDate::parse_from_str(text, "%Y-%m-%d")
            .map(Some)
            .map_err(|_| {
                AppError::Invalid(format!(
                    "The “{label}” date “{text}” is not a date (YYYY-MM-DD)."
                ))
            })
    };
    let midnight = |d: NaiveDate| d.and_hms_opt(0, 0, 0).map(|t| t.and_utc());
    let from = date("from", &f.from)?;
    let to = date("to", &f.to)?;
    if let (Some(a), Some(b)) = (from, to) {
        if a > b {
            return Err(AppError::Invalid(format!(
                "The “from” date {a} is after the “to” date {b}."
            )));
        }
    }
    let template_id = match f.template.trim() {
        "" => None,
        t => Some(
            t.parse::<i64>()
                .map_err(|_| AppError::Invalid("Unknown template.".into()))?,
        ),
    };
    // The query string is text (a forged value gets a sentence, not a
    // decoding error); the words are the shared enums'.
    let status = match f.status.trim() {
        "" | "all" => None,
        other => Some(
            other
                .parse::<BadgeStatus>()
                .map_err(|_| AppError::Invalid(format!("Unknown status “{other}”.")))?,
        ),
    };
    let sort = match f.sort.trim() {
        "" => RegisterSort::default(),
        other => other
            .parse::<RegisterSort>()
            .map_err(|_| AppError::Invalid(format!("Unknown sort order “{other}”.")))?,
    };
    let search = f.q.trim();
    if search.chars().count() > 200 {
        return Err(AppError::Invalid(
            "The search text is too long (at most 200 characters).".into(),
        ));
    }
    Ok(RegisterQuery {
        search: (!search.is_empty()).then(|| search.to_owned()),
        template_id,
        status,
        from: from.and_then(midnight),
        // "to" is inclusive: before the next day.
        until: to.and_then(|d| d.succ_opt()).and_then(midnight),
        sort,
        offset: 0,
        limit: 25,
        ..Default::default()
    })
}

/// A register row as shown and exported.
pub fn item(r: RegisterEntry) -> RegisterItem {
    let status = BadgeStatus::at(r.revoked_at, r.expires_at, Utc::now());
    RegisterItem {
        slug: r.slug,
        email: r.recipient_email,
        name: r.recipient_name,
        badge: r.badge_name,
        issued_on: r.issued_on.format("%Y-%m-%d").to_string(),
        expires: r
            .expires_at
            .map(|e| e.format("%Y-%m-%d").to_string())
            .unwrap_or_default(),
        status,
        claimed: r.claimed_at.is_some(),
    }
}
