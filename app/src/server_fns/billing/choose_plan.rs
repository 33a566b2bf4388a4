use leptos::prelude::*;

use crate::error::AppError;

/// Chooses a plan (privileged members): needs billing details and a
/// payment method; the trial starts now.
#[server(endpoint = "billing/choose_plan")]
pub async fn choose_plan(subdomain: String, plan_id: i64) -> Result<(), AppError> {
    use crate::ssr::{access::require_role, auth, context};
    use laurel::Role;

    let (user, m) = require_role(&subdomain, Role::Privileged).await?;
    let ctx = context()?;
    let org = ctx
        .store
        .organisation_by_id(m.organisation_id)
        .await?
        .ok_or(AppError::NotFound)?;
    laurel_service::billing::choose_plan(
        &ctx,
        &org,
        plan_id,
        user.user_id,
        &auth::client_ip(),
        ctx.clock.now(),
    )
    .await?;
    leptos_axum::redirect(&format!(
        "{}?saved=1",
        crate::paths::portal(&m.subdomain).subscription()
    ));
    Ok(())
}
