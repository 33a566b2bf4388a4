use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use crate::error::AppError;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LineView {
    pub description: String,
    pub quantity: i64,
    pub unit: String,
    pub net: String,
    pub vat: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct InvoiceView {
    pub subdomain: String,
    pub number: i64,
    pub title: String,
    pub issued: String,
    pub period: Option<String>,
    pub due: Option<String>,
    pub bill_to: Vec<String>,
    pub lines: Vec<LineView>,
    pub net: String,
    pub vat: String,
    pub total: String,
    pub status: String,
    /// How to pay (bank transfer) or how it was paid.
    pub how_to_pay: Vec<String>,
    /// An open card invoice the organisation can pay now.
    pub can_pay_now: bool,
}

/// One invoice or credit note (privileged members).
#[server(endpoint = "billing/get_invoice")]
pub async fn get_invoice(subdomain: String, number: i64) -> Result<InvoiceView, AppError> {
    use crate::ssr::{access::require_role, context};
    use laurel::billing::format_amount;
    use laurel::{InvoiceKind, InvoiceStatus, PaymentProvider, Role};
    use laurel_service::billing::invoice_number;

    let (_, m) = require_role(&subdomain, Role::Privileged).await?;
    let ctx = context()?;
    let i = ctx
        .store
        .invoice(m.organisation_id, number)
        .await?
        .ok_or(AppError::NotFound)?;
    let money = |v: i64| format_amount(v, i.currency);
    let day = |t: chrono::DateTime<chrono::Utc>| t.format("%-d %B %Y").to_string();
    let title = match i.kind {
        InvoiceKind::Invoice => format!("Invoice {}", invoice_number(i.number)),
        InvoiceKind::CreditNote => format!("Credit note {}", invoice_number(i.number)),
    };
    let mut how_to_pay = Vec::new();
    match (i.kind, i.provider, i.status) {
        (_, _, InvoiceStatus::Paid) => how_to_pay.push(match i.paid_at {
            Some(t) => format!("Paid on {}.", day(t)),
            None => "Paid.".into(),
        }),
        (_, _, InvoiceStatus::Void) => how_to_pay.push("Cancelled by a credit note.".into()),
        (InvoiceKind::Invoice, PaymentProvider::Invoice, InvoiceStatus::Open) => {
            how_to_pay.push(format!(
                "Please pay by bank transfer by {}, quoting {}.",
                day(i.due_at),
                invoice_number(i.number)
            ));
            how_to_pay.extend(ctx.billing.bank_details.lines().map(str::to_owned));
        }
        (_, PaymentProvider::Stripe, InvoiceStatus::Open) => how_to_pay.push(format!(
            "Charged to the card on file; unpaid so far. Issuing is suspended if it is still unpaid on {}.",
            day(i.grace_until)
        )),
        _ => {}
    }
    Ok(InvoiceView {
        subdomain: m.subdomain,
        number: i.number,
        title,
        issued: day(i.issued_at),
        period: i
            .period_start
            .zip(i.period_end)
            .map(|(s, e)| format!("{} – {}", day(s), day(e - chrono::Duration::days(1)))),
        due: (i.kind == InvoiceKind::Invoice).then(|| day(i.due_at)),
        bill_to: i.bill_to.lines().map(str::to_owned).collect(),
        lines: i
            .lines
            .iter()
            .map(|l| LineView {
                description: l.description.clone(),
                quantity: l.quantity,
                unit: money(l.unit_amount),
                net: money(l.net),
                vat: match l.vat_rate {
                    Some(r) => format!("{} ({r})", money(l.vat)),
                    None => "none".into(),
                },
            })
            .collect(),
        net: money(i.net),
        vat: money(i.vat),
        total: money(i.total),
        status: i.status.to_string(),
        how_to_pay,
        can_pay_now: i.status == InvoiceStatus::Open
            && i.provider == PaymentProvider::Stripe
            && ctx.billing.stripe.is_some(),
    })
}
