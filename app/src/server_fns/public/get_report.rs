use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use crate::error::AppError;

/// A public verifier report as its page shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReportView {
    pub valid: bool,
    /// "2.0" or "3.0" once the input was recognised.
    pub version: Option<String>,
    pub badge_name: Option<String>,
    pub issuer_name: Option<String>,
    pub issuer_url: Option<String>,
    /// When the report was made (UTC, `YYYY-MM-DD HH:MM`).
    pub checked_at: String,
    pub checks: Vec<CheckView>,
}

/// One check of a report.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CheckView {
    /// The question, in plain words.
    pub question: String,
    /// `passed`, `failed`, `warning` or `skipped`.
    pub outcome: String,
    pub message: String,
}

/// The report at `/verify/report/{token}`; not found once it expired.
#[server(endpoint = "public/get_report")]
pub async fn get_report(token: String) -> Result<ReportView, AppError> {
    use crate::ssr::context;
    use laurel_service::verification;

    let ctx = context()?;
    let saved = verification::saved_report(&ctx, &token)
        .await?
        .ok_or(AppError::NotFound)?;
    Ok(ReportView::new(&saved.report, saved.created_at))
}

impl ReportView {
    /// A report as pages show it (the public verifier's, and an imported
    /// badge's in the wallet).
    #[cfg(feature = "ssr")]
    pub fn new(r: &laurel::verify::Report, checked_at: chrono::DateTime<chrono::Utc>) -> Self {
        use laurel::verify::Outcome;
        let text = |v: Option<&serde_json::Value>, key: &str| {
            v.and_then(|v| v.get(key))
                .and_then(|v| v.as_str())
                .map(str::to_owned)
        };
        ReportView {
            valid: r.valid,
            version: r.version.clone(),
            badge_name: text(r.badge.as_ref(), "name"),
            issuer_name: text(r.issuer.as_ref(), "name"),
            issuer_url: text(r.issuer.as_ref(), "id")
                .filter(|u| u.starts_with("https://") || u.starts_with("http://")),
            checked_at: checked_at.format("%Y-%m-%d %H:%M UTC").to_string(),
            checks: r
                .checks
                .iter()
                .map(|c| CheckView {
                    question: c.name.question().to_owned(),
                    outcome: match c.outcome {
                        Outcome::Passed => "passed",
                        Outcome::Failed => "failed",
                        Outcome::Warning => "warning",
                        Outcome::Skipped => "skipped",
                    }
                    .to_owned(),
                    message: c.message.clone(),
                })
                .collect(),
        }
    }
}
