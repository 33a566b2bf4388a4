use leptos::prelude::*;

use crate::error::AppError;

/// Copies a template's current version into a new template ("Copy of …",
/// without the external ID, which must stay unique) and opens its editor.
#[server(endpoint = "templates/duplicate_template")]
pub async fn duplicate_template(subdomain: String, id: i64) -> Result<(), AppError> {
    use crate::ssr::{access::require_role, context};
    use laurel::Role;
    use laurel_service::templates;

    let (_, m) = require_role(&subdomain, Role::Regular).await?;
    let ctx = context()?;
    let (template, class) = ctx
        .store
        .template(m.organisation_id, id)
        .await?
        .ok_or(AppError::NotFound)?;
    let mut fields = templates::fields_of(&template, &class);
    fields.name = format!("Copy of {}", fields.name)
        .chars()
        .take(laurel::template::MAX_NAME)
        .collect();
    fields.external_id.clear();
    let image = Some((
        if class.image_type == "image/svg+xml" {
            "image/svg+xml"
        } else {
            "image/png"
        },
        class.image.clone(),
    ));
    let copy = templates::save(&ctx.store, m.organisation_id, None, &fields, image).await?;
    leptos_axum::redirect(&crate::paths::portal(&m.subdomain).edit_template(copy));
    Ok(())
}
