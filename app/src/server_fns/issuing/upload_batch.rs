use leptos::prelude::*;
use leptos::server_fn::codec::{MultipartData, MultipartFormData};

use crate::error::AppError;

/// Uploads a CSV batch (fields `subdomain`, `template_id`, `file`) and opens
/// its preview. Nothing is issued until the preview is confirmed.
#[server(input = MultipartFormData, endpoint = "issuing/upload_batch")]
pub async fn upload_batch(data: MultipartData) -> Result<(), AppError> {
    use crate::ssr::uploads::{read_field, read_text, Form, Upload};
    use crate::ssr::{auth, context};
    use laurel::AuditEvent;
    use laurel::Role;
    use laurel_service::batches::{self, MAX_BYTES};
    use laurel_store::Audit;

    let (mut form, user, m) = Form::for_organisation(data, Role::Regular).await?;
    let mut template_id = String::new();
    let mut file: Option<(String, Upload)> = None;
    while let Some(mut field) = form.next().await? {
        match field.name() {
            Some("template_id") => template_id = read_text(&mut field, 32).await?,
            Some("file") => {
                let name = field.file_name().unwrap_or("batch.csv").to_owned();
                file = Some((name, read_field(&mut field, MAX_BYTES).await?));
            }
            _ => {}
        }
    }
    if file.as_ref().is_some_and(|(_, f)| f.too_big.is_some()) {
        return Err(AppError::Invalid(format!(
            "The file is larger than {} MB; split it into several batches.",
            MAX_BYTES / (1024 * 1024)
        )));
    }
    let (file_name, bytes) = file
        .map(|(name, f)| (name, f.bytes))
        .filter(|(_, b)| !b.is_empty())
        .ok_or_else(|| AppError::Invalid("Choose a CSV file to upload.".into()))?;
    let template_id: i64 = template_id
        .trim()
        .parse()
        .map_err(|_| AppError::Invalid("Choose the template to issue.".into()))?;
    let ctx = context()?;
    let (template, _) = ctx
        .store
        .template(m.organisation_id, template_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let id = batches::create_batch(
        &ctx.store,
        m.organisation_id,
        &template,
        Some(user.user_id),
        &file_name,
        &bytes,
    )
    .await?;
    ctx.store
        .audit(Audit {
            organisation_id: Some(m.organisation_id),
            user_id: Some(user.user_id),
            event: AuditEvent::BatchUploaded,
            detail: file_name.to_string(),
            ip: &auth::client_ip(),
        })
        .await?;
    leptos_axum::redirect(&crate::paths::portal(&m.subdomain).batch(id));
    Ok(())
}
