use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use crate::error::AppError;

/// What Stripe's card form needs in the browser.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CardSetup {
    pub publishable_key: String,
    pub client_secret: String,
    /// Where Stripe sends the browser back (absolute).
    pub return_url: String,
}

/// Starts adding a card (privileged members; Stripe configured): a
/// SetupIntent for Stripe's own form.
#[server(endpoint = "billing/start_card")]
pub async fn start_card(subdomain: String) -> Result<CardSetup, AppError> {
    use crate::ssr::{access::require_role, context};
    use laurel::Role;

    let (_, m) = require_role(&subdomain, Role::Privileged).await?;
    let ctx = context()?;
    let stripe = ctx.billing.stripe.clone().ok_or(AppError::NotFound)?;
    laurel_service::accounts::rate_limit(
        &ctx.store,
        &format!("card:org:{}", m.organisation_id),
        20,
        3600,
    )
    .await?;
    let org = ctx
        .store
        .organisation_by_id(m.organisation_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let client_secret = laurel_service::billing::start_card(&ctx, &org, ctx.clock.now()).await?;
    Ok(CardSetup {
        publishable_key: stripe.publishable_key.clone(),
        client_secret,
        return_url: format!(
            "{}{}",
            ctx.public_url,
            crate::paths::portal(&m.subdomain).card_done()
        ),
    })
}
