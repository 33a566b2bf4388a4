use leptos::prelude::*;
use leptos::server_fn::codec::{MultipartData, MultipartFormData};

use crate::error::AppError;

/// The public verifier's form (`/verify`, multipart: `image`, `text`,
/// `recipient`): verifies the badge through the bounded, SSRF-safe fetcher,
/// keeps the report for a day and redirects to it. No account needed;
/// rate-limited per client address. The image is read in chunks and cut off
/// at the limit, so an oversized upload is never held whole.
#[server(input = MultipartFormData, endpoint = "public/verify_badge")]
pub async fn verify_badge(data: MultipartData) -> Result<(), AppError> {
    use crate::ssr::uploads::{read_field, read_text, Form, TEXT_LIMIT};
    use crate::ssr::{auth, context};
    use laurel_service::verification::{self, MAX_UPLOAD_BYTES};

    let mut form = Form::open(data).await?;
    let (mut image, mut text, mut recipient) = (None, String::new(), String::new());
    while let Some(mut field) = form.next().await? {
        match field.name() {
            Some("image") => image = Some(read_field(&mut field, MAX_UPLOAD_BYTES).await?),
            Some("text") => text = read_text(&mut field, laurel::verify::MAX_TEXT_BYTES).await?,
            Some("recipient") => recipient = read_text(&mut field, TEXT_LIMIT).await?,
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
    let user = auth::current_user().await?.map(|u| u.user_id);
    let token =
        verification::verify_and_keep(&ctx, input, &recipient, &auth::client_ip(), user).await?;
    leptos_axum::redirect(&crate::paths::verifier_report(&token));
    Ok(())
}
