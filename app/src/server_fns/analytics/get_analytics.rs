use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use super::AnalyticsQuery;
use crate::error::AppError;

/// The analytics page's data: the report with its charts drawn.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AnalyticsView {
    pub subdomain: String,
    /// The preset the range is (`DateRange::preset`), if any.
    pub preset: Option<i64>,
    pub report: laurel::analytics::Report,
}

/// The organisation's analytics over the asked range (every member).
#[server(endpoint = "analytics/get_analytics")]
pub async fn get_analytics(
    subdomain: String,
    #[server(default)] query: AnalyticsQuery,
) -> Result<AnalyticsView, AppError> {
    use crate::ssr::{access::require_role, context};
    use laurel::Role;

    let (_, m) = require_role(&subdomain, Role::Regular).await?;
    let ctx = context()?;
    let report = super::report::of(&ctx, m.organisation_id, &query, true).await?;
    Ok(AnalyticsView {
        subdomain: m.subdomain,
        preset: report.range.preset(ctx.clock.now().date_naive()),
        report,
    })
}
