use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use crate::error::AppError;

/// Who is signed in, as the site header shows it on every page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SessionSummary {
    pub email: String,
}

/// The signed-in person of this request, or `None` for a visitor.
#[server(endpoint = "account/get_session")]
pub async fn get_session() -> Result<Option<SessionSummary>, AppError> {
    use crate::ssr::auth;

    Ok(auth::current_user()
        .await?
        .map(|user| SessionSummary { email: user.email }))
}
