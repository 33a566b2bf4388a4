use leptos::prelude::*;

use crate::error::AppError;

/// Schedules what the next cycle start does (privileged members):
/// `change` is a plan id ("plan:7"), "end" or "stay".
#[server(endpoint = "billing/change_plan")]
pub async fn change_plan(subdomain: String, change: String) -> Result<(), AppError> {
    use crate::ssr::{access::require_role, auth, context};
    use laurel::Role;
    use laurel_service::billing::{schedule_change, Change};

    let (user, m) = require_role(&subdomain, Role::Privileged).await?;
    let change = match change.as_str() {
        "end" => Change::End,
        "stay" => Change::Stay,
        other => Change::Plan(
            other
                .strip_prefix("plan:")
                .and_then(|id| id.parse().ok())
                .ok_or_else(|| {
                    AppError::Invalid("Choose a plan, or to end or keep yours.".into())
                })?,
        ),
    };
    let ctx = context()?;
    schedule_change(
        &ctx.store,
        m.organisation_id,
        change,
        user.user_id,
        &auth::client_ip(),
    )
    .await?;
    leptos_axum::redirect(&format!(
        "{}?saved=1",
        crate::paths::portal(&m.subdomain).subscription()
    ));
    Ok(())
}
