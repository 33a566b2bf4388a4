use leptos::prelude::*;
use leptos::server_fn::codec::{MultipartData, MultipartFormData};

use crate::error::AppError;

/// Sets the organisation's profile image from a multipart form (fields
/// `subdomain` and `image`). PNG, JPEG or SVG, at most 512 KB; SVGs with
/// anything active or external are refused. Read in chunks and cut off at
/// the limit, so an oversized upload is never held whole.
#[server(input = MultipartFormData, endpoint = "settings/upload_org_image")]
pub async fn upload_org_image(data: MultipartData) -> Result<(), AppError> {
    use crate::ssr::uploads::{profile_image, Form};
    use crate::ssr::{auth, context};
    use laurel::AuditEvent;
    use laurel::Role;
    use laurel_store::Audit;

    let (form, user, membership) = Form::for_organisation(data, Role::Privileged).await?;
    let (mime, image) = profile_image(form).await?;
    let ctx = context()?;
    ctx.store
        .set_organisation_image(membership.organisation_id, Some((mime, &image)))
        .await?;
    ctx.store
        .audit(Audit {
            organisation_id: Some(membership.organisation_id),
            user_id: Some(user.user_id),
            event: AuditEvent::ProfileImageChanged,
            detail: mime.to_string(),
            ip: &auth::client_ip(),
        })
        .await?;
    leptos_axum::redirect(&format!(
        "{}?saved=1",
        crate::paths::portal(&membership.subdomain).settings()
    ));
    Ok(())
}
