use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use crate::error::AppError;

/// Who is signed in, as the site header shows it on every page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SessionSummary {
    pub email: String,
    /// A member of at least one organisation (the header links the portal).
    pub member: bool,
}

/// The signed-in person of this request, or `None` for a visitor.
#[server(endpoint = "account/get_session")]
pub async fn get_session() -> Result<Option<SessionSummary>, AppError> {
    use crate::ssr::{auth, context};

    let Some(user) = auth::current_user().await? else {
        return Ok(None);
    };
    let member = !context()?.store.memberships(user.user_id).await?.is_empty();
    Ok(Some(SessionSummary {
        email: user.email,
        member,
    }))
}
