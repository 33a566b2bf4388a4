use leptos::prelude::*;

use crate::error::AppError;

/// The name of the organisation a report-abuse link names, when it exists
/// (its name is public: it is on its profile page).
#[server(endpoint = "public/get_abuse_subject")]
pub async fn get_abuse_subject(org: String) -> Result<Option<String>, AppError> {
    use crate::ssr::context;

    let ctx = context()?;
    Ok(match laurel::Subdomain::parse(&org) {
        Ok(sub) => ctx
            .store
            .organisation_by_subdomain(&sub)
            .await?
            .map(|o| o.name),
        Err(_) => None,
    })
}
