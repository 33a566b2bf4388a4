//! A template for tests that issue through the real binary. Included by
//! the tests that need it (`#[path]`).

use laurel_store::{BadgeClassRow, Store, TemplateDesign, TemplateRow};

/// A template of the organisation with the demo badge's image, named after
/// its class slug; returns it and its first badge class.
pub async fn template(
    store: &Store,
    organisation_id: i64,
    class_slug: &str,
) -> (TemplateRow, BadgeClassRow) {
    store
        .create_template(
            organisation_id,
            None,
            class_slug,
            &TemplateDesign {
                name: class_slug,
                description: "A badge of the tests.",
                criteria_narrative: Some("Be counted."),
                criteria_url: None,
                image_type: "image/png",
                image: include_bytes!("../../assets/demo-badge.png"),
                tags: "[]",
                alignment: "[]",
                validity_years: 1,
            },
        )
        .await
        .unwrap()
}
