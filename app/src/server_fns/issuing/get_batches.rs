use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use crate::error::AppError;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BatchItem {
    pub id: i64,
    pub file_name: String,
    pub status: laurel::BatchStatus,
    pub rows: i32,
    pub uploaded: String,
}

/// A template to choose in a form.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TemplateChoice {
    pub id: i64,
    pub name: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BatchesView {
    pub subdomain: String,
    pub organisation_name: String,
    pub templates: Vec<TemplateChoice>,
    pub batches: Vec<BatchItem>,
    /// `(column, meaning)` of the CSV format.
    pub columns: Vec<(String, String)>,
}

/// The batch page: the upload form's templates, the CSV columns and the
/// organisation's recent batches.
#[server(endpoint = "issuing/get_batches")]
pub async fn get_batches(subdomain: String) -> Result<BatchesView, AppError> {
    use crate::ssr::{access::require_role, context};
    use laurel::Role;

    let (_, m) = require_role(&subdomain, Role::Regular).await?;
    let ctx = context()?;
    let templates = ctx
        .store
        .template_choices(m.organisation_id, false)
        .await?
        .into_iter()
        .map(|(id, name)| TemplateChoice { id, name })
        .collect();
    let batches = ctx
        .store
        .batches(m.organisation_id, 50)
        .await?
        .into_iter()
        .map(|b| BatchItem {
            id: b.id,
            file_name: b.file_name,
            status: b.status,
            rows: b.total_rows,
            uploaded: b.created_at.format("%Y-%m-%d %H:%M UTC").to_string(),
        })
        .collect();
    Ok(BatchesView {
        subdomain: m.subdomain,
        organisation_name: m.organisation_name,
        templates,
        batches,
        columns: laurel::award::CSV_COLUMNS
            .iter()
            .map(|(c, d)| ((*c).to_owned(), (*d).to_owned()))
            .collect(),
    })
}
