use leptos::prelude::*;
use leptos::server_fn::codec::{MultipartData, MultipartFormData};

use crate::error::AppError;

/// Imports a badge from another issuer into the signed-in holder's wallet
/// (multipart: `image` or `text`): verified against the account's address
/// through the SSRF-safe fetcher, rate-limited per account and address,
/// stored with its report; refused with the reason when it is someone
/// else's or not authentic. Lands on the imported badge in the wallet.
#[server(input = MultipartFormData, endpoint = "wallet/import_badge")]
pub async fn import_badge(data: MultipartData) -> Result<(), AppError> {
    use crate::ssr::uploads::{read_field, read_text, Form};
    use crate::ssr::{auth, context};
    use laurel::AuditEvent;
    use laurel_service::imports::{self, Holder};
    use laurel_service::verification::{self, MAX_UPLOAD_BYTES};
    use laurel_store::Audit;

    let (mut form, user) = Form::for_user(data).await?;
    let (mut image, mut text) = (None, String::new());
    while let Some(mut field) = form.next().await? {
        match field.name() {
            Some("image") => image = Some(read_field(&mut field, MAX_UPLOAD_BYTES).await?),
            Some("text") => text = read_text(&mut field, laurel::verify::MAX_TEXT_BYTES).await?,
            _ => {}
        }
    }
    let image = match image {
        Some(upload) => match upload.too_big {
            Some(bytes) => return Err(verification::too_big_image(bytes).into()),
            None => Some(upload.bytes),
        },
        None => None,
    };
    let input = verification::read_input(image, &text)?;
    let ctx = context()?;
    let ip = auth::client_ip();
    let addresses = ctx.store.holder_addresses(user.user_id).await?;
    let holder = Holder {
        user_id: user.user_id,
        addresses: &addresses,
    };
    let row = imports::import(&ctx, holder, input, &ip).await?;
    ctx.store
        .audit(Audit {
            organisation_id: None,
            user_id: Some(user.user_id),
            event: AuditEvent::BadgeImported,
            detail: row.badge_name.clone(),
            ip: &ip,
        })
        .await?;
    leptos_axum::redirect(&crate::paths::wallet_import(&row.public_id));
    Ok(())
}
