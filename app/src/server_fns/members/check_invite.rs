use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use crate::error::AppError;

/// What an invitation link offers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InviteView {
    pub email: String,
    pub organisation_name: String,
    pub role: laurel::Role,
    /// The address has a Laurel account: accept with its password.
    pub has_account: bool,
}

/// Whether an invitation link can still be used, and what it offers.
#[server(endpoint = "members/check_invite")]
pub async fn check_invite(token: String) -> Result<InviteView, AppError> {
    use crate::ssr::context;
    use laurel_service::accounts;

    let ctx = context()?;
    match ctx
        .store
        .invitation_details(&accounts::token_hash(&token))
        .await?
    {
        Ok(d) => Ok(InviteView {
            email: d.email,
            organisation_name: d.organisation_name,
            role: d.role,
            has_account: d.has_account,
        }),
        Err(problem) => Err(problem.into()),
    }
}
