use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use crate::error::AppError;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InvoiceSummary {
    pub number: i64,
    /// "INV-000042".
    pub label: String,
    /// "Invoice" or "Credit note".
    pub kind: String,
    pub issued: String,
    pub total: String,
    pub status: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PaymentSummary {
    pub invoice: String,
    pub when: String,
    pub amount: String,
    pub status: String,
    pub message: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct HistoryView {
    pub subdomain: String,
    pub invoices: Vec<InvoiceSummary>,
    pub payments: Vec<PaymentSummary>,
}

/// Payment history: every invoice and payment (privileged members).
#[server(endpoint = "billing/get_history")]
pub async fn get_history(subdomain: String) -> Result<HistoryView, AppError> {
    use crate::ssr::{access::require_role, context};
    use laurel::billing::format_amount;
    use laurel::{InvoiceKind, Role};
    use laurel_service::billing::invoice_number;

    let (_, m) = require_role(&subdomain, Role::Privileged).await?;
    let ctx = context()?;
    let invoices = ctx.store.invoices(m.organisation_id).await?;
    let numbers: std::collections::HashMap<i64, i64> =
        invoices.iter().map(|i| (i.id, i.number)).collect();
    let payments = ctx
        .store
        .payments(m.organisation_id)
        .await?
        .into_iter()
        .map(|p| {
            let currency = invoices
                .iter()
                .find(|i| i.id == p.invoice_id)
                .map(|i| i.currency);
            PaymentSummary {
                invoice: numbers
                    .get(&p.invoice_id)
                    .map(|n| invoice_number(*n))
                    .unwrap_or_default(),
                when: p.created_at.format("%-d %B %Y %H:%M UTC").to_string(),
                amount: currency
                    .map(|c| format_amount(p.amount, c))
                    .unwrap_or_default(),
                status: p.status.to_string(),
                message: p.message,
            }
        })
        .collect();
    Ok(HistoryView {
        subdomain: m.subdomain,
        invoices: invoices
            .into_iter()
            .map(|i| InvoiceSummary {
                number: i.number,
                label: invoice_number(i.number),
                kind: match i.kind {
                    InvoiceKind::Invoice => "Invoice".into(),
                    InvoiceKind::CreditNote => "Credit note".into(),
                },
                issued: i.issued_at.format("%-d %B %Y").to_string(),
                total: format_amount(i.total, i.currency),
                status: i.status.to_string(),
            })
            .collect(),
        payments,
    })
}
