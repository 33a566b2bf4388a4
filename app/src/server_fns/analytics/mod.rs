//! Issuer analytics: the report of a range (figures, charts, tables) and
//! each chart's data as CSV.

pub mod export_analytics;
pub mod get_analytics;

/// What the page's query asked for, as typed (checked by the server fns).
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(default)]
pub struct AnalyticsQuery {
    /// A preset number of days, or `custom` for `from`/`to`.
    pub days: String,
    pub from: String,
    pub to: String,
    /// A template id, or empty for all.
    pub template: String,
}

#[cfg(feature = "ssr")]
mod report {
    use laurel::analytics::{DateRange, Report};

    use super::AnalyticsQuery;
    use crate::error::AppError;

    /// The report `query` asks for, of the member's organisation: the range
    /// parsed, the template one of the organisation's.
    pub async fn of(
        ctx: &laurel_service::ServerContext,
        organisation_id: i64,
        query: &AnalyticsQuery,
        draw: bool,
    ) -> Result<Report, AppError> {
        let today = ctx.clock.now().date_naive();
        let range = DateRange::parse(&query.days, &query.from, &query.to, today)
            .map_err(AppError::Invalid)?;
        let template = match query.template.trim() {
            "" => None,
            t => Some(t.parse::<i64>().map_err(|_| unknown_template())?),
        };
        let report =
            laurel_service::analytics::report(ctx, organisation_id, template, range, draw).await?;
        if let Some(t) = template {
            if !report.templates.iter().any(|l| l.id == t) {
                return Err(unknown_template());
            }
        }
        Ok(report)
    }

    fn unknown_template() -> AppError {
        AppError::Invalid("That template is not one of this organisation's.".into())
    }
}
