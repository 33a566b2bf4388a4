use leptos::prelude::*;
use leptos::server_fn::codec::{GetUrl, StreamingText, TextStream};

use super::AnalyticsQuery;
use crate::error::AppError;

/// One chart's data as CSV: the rows its table shows.
#[server(input = GetUrl, output = StreamingText, endpoint = "analytics/export_analytics")]
pub async fn export_analytics(
    subdomain: String,
    export: String,
    #[server(default)] query: AnalyticsQuery,
) -> Result<TextStream<AppError>, AppError> {
    use crate::ssr::{access::require_role, context, download};
    use laurel::analytics::Export;
    use laurel::Role;

    let (_, m) = require_role(&subdomain, Role::Regular).await?;
    let export = Export::parse(&export)
        .ok_or_else(|| AppError::Invalid("There is no such chart to export.".into()))?;
    let ctx = context()?;
    let report = super::report::of(&ctx, m.organisation_id, &query, false).await?;
    let name = format!(
        "analytics-{}-{}-{}.csv",
        export.as_str(),
        report.range.from,
        report.range.to
    );
    Ok(download(
        &name,
        laurel_service::analytics::csv(&report, export),
    ))
}
