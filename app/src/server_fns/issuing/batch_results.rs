use leptos::prelude::*;
use leptos::server_fn::codec::{GetUrl, StreamingText, TextStream};

use crate::error::AppError;

/// A batch's per-row result file (CSV): line, email, status, message,
/// badge URL. A plain link downloads it.
#[server(input = GetUrl, output = StreamingText, endpoint = "issuing/batch_results")]
pub async fn batch_results(subdomain: String, id: i64) -> Result<TextStream<AppError>, AppError> {
    use crate::ssr::{access::require_role, context, download};
    use laurel::Role;

    let (_, m) = require_role(&subdomain, Role::Regular).await?;
    let ctx = context()?;
    let batch = ctx
        .store
        .batch(m.organisation_id, id)
        .await?
        .ok_or(AppError::NotFound)?;
    let urls = ctx.urls(&m.subdomain);
    let rows = ctx.store.batch_results(batch.id, None, i64::MAX).await?;
    let csv = laurel::award::write_csv(
        &["line", "email", "name", "status", "message", "badge_url"],
        rows.into_iter().map(|r| {
            vec![
                r.line.to_string(),
                r.email,
                r.recipient_name.unwrap_or_default(),
                r.status.to_string(),
                r.message,
                r.assertion_slug
                    .map(|s| urls.assertion(&s))
                    .unwrap_or_default(),
            ]
        }),
    );
    Ok(download(&format!("batch-{id}-results.csv"), csv))
}
