use leptos::prelude::*;

use crate::error::AppError;

/// Where Stripe returns after its card form: confirms the organisation's
/// pending card from the SetupIntent (its webhook does the same; the second
/// finds it done). Returns the sentence to show.
#[server(endpoint = "billing/finish_card")]
pub async fn finish_card(subdomain: String, setup_intent: String) -> Result<String, AppError> {
    use crate::ssr::{access::require_role, context};
    use laurel::Role;

    let (_, m) = require_role(&subdomain, Role::Privileged).await?;
    let ctx = context()?;
    laurel_service::billing::finish_card(
        &ctx,
        Some(m.organisation_id),
        &setup_intent,
        ctx.clock.now(),
    )
    .await?;
    Ok("The card is saved.".into())
}
