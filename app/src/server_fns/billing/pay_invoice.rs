use leptos::prelude::*;

use crate::error::AppError;

/// Charges an open card invoice now (privileged members), e.g. after
/// replacing a declined card.
#[server(endpoint = "billing/pay_invoice")]
pub async fn pay_invoice(subdomain: String, number: i64) -> Result<(), AppError> {
    use crate::ssr::{access::require_role, context};
    use laurel::Role;

    let (_, m) = require_role(&subdomain, Role::Privileged).await?;
    let ctx = context()?;
    laurel_service::accounts::rate_limit(
        &ctx.store,
        &format!("pay:org:{}", m.organisation_id),
        10,
        3600,
    )
    .await?;
    let paid =
        laurel_service::billing::pay_now(&ctx, m.organisation_id, number, ctx.clock.now()).await?;
    if !paid {
        return Err(AppError::Invalid(
            "The charge did not go through; the payment history says why.".into(),
        ));
    }
    leptos_axum::redirect(&format!(
        "{}?paid=1",
        crate::paths::portal(&m.subdomain).invoice(number)
    ));
    Ok(())
}
