use leptos::prelude::*;
use leptos::server_fn::codec::{MultipartData, MultipartFormData};

use crate::error::AppError;

/// Sets the organisation's profile image from a multipart form (fields
/// `subdomain` and `image`). PNG, JPEG or SVG, at most 512 KB; SVGs with
/// anything active or external are refused. Read in chunks and cut off at
/// the limit, so an oversized upload is never held whole.
#[server(input = MultipartFormData, endpoint = "settings/upload_org_image")]
pub async fn upload_org_image(data: MultipartData) -> Result<(), AppError> {
    use crate::ssr::uploads::{bad_form, read_field};
    use crate::ssr::{access::require_role, auth, context};
    use laurel::image::{check_image, ImageError, ImageRules};
    use laurel::AuditEvent;
    use laurel::Role;
    use laurel_store::Audit;

    let mut form = data.into_inner().ok_or(AppError::Internal)?;
    let limit = ImageRules::PROFILE.max_bytes;
    let mut subdomain = None;
    let mut image = None;
    while let Some(mut field) = form.next_field().await.map_err(bad_form)? {
        match field.name() {
            Some("subdomain") => subdomain = Some(field.text().await.map_err(bad_form)?),
            Some("image") => image = Some(read_field(&mut field, limit).await?),
            _ => {}
        }
    }
    let subdomain = subdomain
        .ok_or_else(|| AppError::Invalid("The form is missing the organisation.".into()))?;
    let (user, membership) = require_role(&subdomain, Role::Privileged).await?;
    let image = image.unwrap_or_default();
    if let Some(bytes) = image.too_big {
        return Err(AppError::Invalid(
            ImageError::TooBig { bytes, max: limit }.to_string(),
        ));
    }
    let image = Some(image.bytes)
        .filter(|b| !b.is_empty())
        .ok_or_else(|| AppError::Invalid("Choose an image file to upload.".into()))?;
    let info =
        check_image(&image, &ImageRules::PROFILE).map_err(|e| AppError::Invalid(e.to_string()))?;
    let ctx = context()?;
    ctx.store
        .set_organisation_image(membership.organisation_id, Some((info.kind.mime(), &image)))
        .await?;
    ctx.store
        .audit(Audit {
            organisation_id: Some(membership.organisation_id),
            user_id: Some(user.user_id),
            event: AuditEvent::ProfileImageChanged,
            detail: info.kind.mime().to_string(),
            ip: &auth::client_ip(),
        })
        .await?;
    leptos_axum::redirect(&format!(
        "{}?saved=1",
        crate::paths::portal(&membership.subdomain).settings()
    ));
    Ok(())
}
