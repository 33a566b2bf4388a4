use leptos::prelude::*;
use leptos::server_fn::codec::{ByteStream, GetUrl, Streaming};

use crate::error::AppError;

/// An invoice or credit note as a PDF download (privileged members).
#[server(input = GetUrl, output = Streaming, endpoint = "billing/invoice_pdf")]
pub async fn invoice_pdf(subdomain: String, number: i64) -> Result<ByteStream<AppError>, AppError> {
    use crate::ssr::{access::require_role, context};
    use laurel::Role;
    use laurel_service::billing::invoice_number;
    use laurel_service::invoice_pdf::{render, Seller};

    let (_, m) = require_role(&subdomain, Role::Privileged).await?;
    let ctx = context()?;
    let invoice = ctx
        .store
        .invoice(m.organisation_id, number)
        .await?
        .ok_or(AppError::NotFound)?;
    let seller = Seller {
        name: &ctx.host(),
        bank_details: &ctx.billing.bank_details,
    };
    let pdf = render(&invoice, &m.organisation_name, &seller);
    crate::ssr::set_attachment(
        "application/pdf",
        &format!("{}.pdf", invoice_number(invoice.number)),
    );
    Ok(ByteStream::new(futures::stream::once(async move {
        Ok::<_, AppError>(pdf)
    })))
}
