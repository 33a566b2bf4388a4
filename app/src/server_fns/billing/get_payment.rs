use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use crate::error::AppError;

/// A payment method on file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MethodView {
    pub id: i64,
    /// "Bank transfer against the invoice" or "Visa ending 4242 (12/2030)".
    pub label: String,
    pub is_default: bool,
    /// A card still being confirmed by Stripe.
    pub pending: bool,
}

/// The Payment method page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct PaymentView {
    pub subdomain: String,
    pub legal_name: String,
    pub billing_email: String,
    pub address: String,
    pub vat_id: String,
    pub has_details: bool,
    pub methods: Vec<MethodView>,
    /// Cards can be added (Stripe is configured).
    pub cards: bool,
    /// Bank transfer is among the methods already.
    pub has_invoice_method: bool,
}

/// Privileged members only.
#[server(endpoint = "billing/get_payment")]
pub async fn get_payment(subdomain: String) -> Result<PaymentView, AppError> {
    use crate::ssr::{access::require_role, context};
    use laurel::{MethodStatus, PaymentProvider, Role};

    let (_, m) = require_role(&subdomain, Role::Privileged).await?;
    let ctx = context()?;
    let account = ctx.store.billing_account(m.organisation_id).await?;
    let methods: Vec<MethodView> = ctx
        .store
        .payment_methods(m.organisation_id)
        .await?
        .into_iter()
        .map(|p| MethodView {
            id: p.id,
            label: match p.provider {
                PaymentProvider::Invoice => "Bank transfer against the invoice".to_owned(),
                PaymentProvider::Stripe if p.status == MethodStatus::Pending => {
                    "Card (waiting for confirmation)".to_owned()
                }
                PaymentProvider::Stripe => format!(
                    "{} ending {} ({:02}/{})",
                    p.brand,
                    p.last4,
                    p.exp_month.unwrap_or(0),
                    p.exp_year.unwrap_or(0)
                ),
            },
            is_default: p.is_default,
            pending: p.status == MethodStatus::Pending,
        })
        .collect();
    let has_invoice_method = methods.iter().any(|m| m.label.starts_with("Bank transfer"));
    let mut view = PaymentView {
        subdomain: m.subdomain,
        has_details: account.is_some(),
        methods,
        cards: ctx.billing.stripe.is_some(),
        has_invoice_method,
        ..Default::default()
    };
    if let Some(a) = account {
        view.legal_name = a.legal_name;
        view.billing_email = a.billing_email;
        view.address = a.address;
        view.vat_id = a.vat_id;
    }
    Ok(view)
}
