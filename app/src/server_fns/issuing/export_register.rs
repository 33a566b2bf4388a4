use leptos::prelude::*;
use leptos::server_fn::codec::{GetUrl, StreamingText, TextStream};

use super::get_register::RegisterFilters;
use crate::error::AppError;

/// The register's filtered list as CSV (every matching badge, not one page).
#[server(input = GetUrl, output = StreamingText, endpoint = "issuing/export_register")]
pub async fn export_register(
    subdomain: String,
    #[server(default)] filters: RegisterFilters,
) -> Result<TextStream<AppError>, AppError> {
    use super::register;
    use crate::ssr::{access::require_role, context, download};
    use laurel::Role;

    /// The most rows one export holds; narrower filters export the rest.
    const EXPORT_MAX: i64 = 100_000;

    let (_, m) = require_role(&subdomain, Role::Regular).await?;
    let ctx = context()?;
    let urls = ctx.urls(&m.subdomain);
    let mut query = register::query(&filters)?;
    query.limit = EXPORT_MAX;
    let (rows, _) = ctx.store.register(m.organisation_id, &query).await?;
    let csv = laurel::award::write_csv(
        &[
            "email",
            "name",
            "badge",
            "issued_on",
            "expires",
            "status",
            "claimed",
            "source",
            "url",
        ],
        rows.into_iter().map(|r| {
            let source = r.source.clone();
            let url = urls.assertion(&r.slug);
            let item = register::item(r);
            vec![
                item.email,
                item.name,
                item.badge,
                item.issued_on,
                item.expires,
                item.status.to_string(),
                if item.claimed { "yes" } else { "no" }.to_owned(),
                source,
                url,
            ]
        }),
    );
    Ok(download("badges.csv", csv))
}
