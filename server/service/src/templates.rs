//! Saving badge templates: the designer's fields checked by
//! [`laurel::template`], the image by [`laurel::image::check_image`] with the
//! badge rules, and a new immutable version stored for every save.

use laurel::image::{check_image, ImageRules};
use laurel::ob2::AlignmentObject;
use laurel::template::{alignment_lines, TemplateContent, TemplateFields};

use crate::issuing::new_slug;
use crate::ServiceError;
use laurel_store::{BadgeClassRow, Store, TemplateDesign, TemplateRow};

/// The form fields of a saved version.
pub fn fields_of(template: &TemplateRow, class: &BadgeClassRow) -> TemplateFields {
    let tags: Vec<String> = serde_json::from_str(&class.tags).unwrap_or_default();
    let alignment: Vec<AlignmentObject> =
        serde_json::from_str(&class.alignment).unwrap_or_default();
    TemplateFields {
        name: class.name.clone(),
        description: class.description.clone(),
        criteria_narrative: class.criteria_narrative.clone().unwrap_or_default(),
        criteria_url: class.criteria_url.clone().unwrap_or_default(),
        validity_years: class.validity_years.to_string(),
        tags: tags.join(", "),
        alignments: alignment_lines(&alignment),
        external_id: template.external_id.clone().unwrap_or_default(),
    }
}

/// An uploaded badge image, checked: `(mime type, bytes)`.
pub fn badge_image(bytes: Vec<u8>) -> Result<(&'static str, Vec<u8>), ServiceError> {
    let info = check_image(&bytes, &ImageRules::BADGE)
        .map_err(|e| ServiceError::Invalid(e.to_string()))?;
    Ok((info.kind.mime(), bytes))
}

/// Creates a template (`template_id == None`) or saves a new version of
/// one. Without a new image, an edit keeps the current one. Returns the
/// template's id.
pub async fn save(
    store: &Store,
    organisation_id: i64,
    template_id: Option<i64>,
    fields: &TemplateFields,
    image: Option<(&'static str, Vec<u8>)>,
) -> Result<i64, ServiceError> {
    let content: TemplateContent = fields
        .parse()
        .map_err(|p| ServiceError::Invalid(p.join(" ")))?;
    let current = match template_id {
        Some(id) => Some(
            store
                .template(organisation_id, id)
                .await?
                .ok_or(ServiceError::NotFound)?,
        ),
        None => None,
    };
    let (image_type, image) = match (image, &current) {
        (Some((mime, bytes)), _) => (mime.to_owned(), bytes),
        (None, Some((_, class))) => (class.image_type.clone(), class.image.clone()),
        (None, None) => {
            return Err(ServiceError::Invalid(
                "Choose the badge image (PNG or SVG, square, at least 90 px, at most 256 KB)."
                    .into(),
            ))
        }
    };
    let tags = serde_json::to_string(&content.tags).map_err(|_| ServiceError::Internal)?;
    let alignment =
        serde_json::to_string(&content.alignment).map_err(|_| ServiceError::Internal)?;
    let design = TemplateDesign {
        name: &content.name,
        description: &content.description,
        criteria_narrative: content.criteria_narrative.as_deref(),
        criteria_url: content.criteria_url.as_deref(),
        image_type: &image_type,
        image: &image,
        tags: &tags,
        alignment: &alignment,
        validity_years: content.validity_years,
    };
    let slug = new_slug();
    let external = content.external_id.as_deref();
    let result = match template_id {
        None => store
            .create_template(organisation_id, external, &slug, &design)
            .await
            .map(|(t, _)| Some(t.id)),
        Some(id) => store
            .update_template(organisation_id, id, external, &slug, &design)
            .await
            .map(|found| found.map(|(t, _)| t.id)),
    };
    match result {
        Ok(Some(id)) => Ok(id),
        Ok(None) => Err(ServiceError::NotFound),
        Err(e) if e.is_conflict() => Err(ServiceError::Conflict(format!(
            "Another template already has the external ID “{}”; external IDs are unique within the organisation.",
            external.unwrap_or_default()
        ))),
        Err(e) => Err(e.into()),
    }
}
