use leptos::prelude::*;
use leptos::server_fn::codec::{MultipartData, MultipartFormData};

use crate::error::AppError;

/// Creates a badge template, or saves a new version of one (`template_id`
/// set), from the designer's multipart form. The image is read in chunks
/// and cut off past the 256 KB limit, so an oversized upload is never held
/// whole; on an edit it may be left out to keep the current one. Returns
/// the template's page (where a form post is redirected).
#[server(input = MultipartFormData, endpoint = "templates/save_template")]
pub async fn save_template(data: MultipartData) -> Result<String, AppError> {
    use crate::ssr::uploads::{read_field, read_text, Form, TEXT_LIMIT};
    use crate::ssr::{auth, context};
    use laurel::image::ImageRules;
    use laurel::template::TemplateFields;
    use laurel::AuditEvent;
    use laurel::Role;
    use laurel_service::templates;
    use laurel_store::Audit;

    let (mut form, user, m) = Form::for_organisation(data, Role::Regular).await?;
    let mut template_id = String::new();
    let mut fields = TemplateFields::default();
    let mut image = None;
    let limit = ImageRules::BADGE.max_bytes;
    while let Some(mut field) = form.next().await? {
        let name = field.name().unwrap_or_default().to_owned();
        if name == "image" {
            image = Some(read_field(&mut field, limit).await?);
            continue;
        }
        let text = read_text(&mut field, TEXT_LIMIT).await?;
        match name.as_str() {
            "template_id" => template_id = text,
            "name" => fields.name = text,
            "description" => fields.description = text,
            "criteria_narrative" => fields.criteria_narrative = text,
            "criteria_url" => fields.criteria_url = text,
            "validity_years" => fields.validity_years = text,
            "tags" => fields.tags = text,
            "alignments" => fields.alignments = text,
            "external_id" => fields.external_id = text,
            _ => {}
        }
    }
    let template_id = match template_id.trim() {
        "" => None,
        id => Some(id.parse::<i64>().map_err(|_| AppError::NotFound)?),
    };
    let image = image.unwrap_or_default();
    if let Some(bytes) = image.too_big {
        return Err(AppError::Invalid(
            laurel::image::ImageError::TooBig { bytes, max: limit }.to_string(),
        ));
    }
    let image = match Some(image.bytes).filter(|b| !b.is_empty()) {
        Some(bytes) => Some(templates::badge_image(bytes)?),
        None => None,
    };
    let ctx = context()?;
    let id = templates::save(&ctx.store, m.organisation_id, template_id, &fields, image).await?;
    ctx.store
        .audit(Audit {
            organisation_id: Some(m.organisation_id),
            user_id: Some(user.user_id),
            event: if template_id.is_some() {
                AuditEvent::TemplateUpdated
            } else {
                AuditEvent::TemplateCreated
            },
            detail: fields.name.to_string(),
            ip: &auth::client_ip(),
        })
        .await?;
    let page = format!(
        "{}?saved=1",
        crate::paths::portal(&m.subdomain).template(id)
    );
    leptos_axum::redirect(&page);
    Ok(page)
}
