use leptos::prelude::*;

use crate::error::AppError;

/// Saves who invoices are made out to (privileged members).
#[server(endpoint = "billing/save_billing_details")]
pub async fn save_billing_details(
    subdomain: String,
    legal_name: String,
    billing_email: String,
    address: String,
    vat_id: String,
) -> Result<(), AppError> {
    use crate::ssr::{access::require_role, context};
    use laurel::Role;
    use laurel_service::billing::{save_details, BillingDetails};

    let (_, m) = require_role(&subdomain, Role::Privileged).await?;
    let ctx = context()?;
    save_details(
        &ctx.store,
        m.organisation_id,
        &BillingDetails {
            legal_name,
            billing_email,
            address,
            vat_id,
        },
        ctx.clock.now(),
    )
    .await?;
    leptos_axum::redirect(&format!(
        "{}?saved=1",
        crate::paths::portal(&m.subdomain).payment()
    ));
    Ok(())
}
