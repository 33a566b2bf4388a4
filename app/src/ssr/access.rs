//! Who may do what in an organisation. Every organisation-scoped server
//! function starts with [`require_role`]; hiding a button is never the check.
//!
//! Someone who is not a member of the organisation — or names one that does
//! not exist — gets [`AppError::NotFound`] for both, so nobody learns which
//! organisations exist or anything of another organisation's data. A member
//! whose role is too low gets [`AppError::Forbidden`].

use leptos::prelude::*;

use crate::error::AppError;
use laurel::Role;
use laurel_store::{Membership, SessionUser};

/// The signed-in user and their membership in the organisation with this
/// subdomain, when their role includes `needed`.
pub async fn require_role(
    subdomain: &str,
    needed: Role,
) -> Result<(SessionUser, Membership), AppError> {
    let result = check(subdomain, needed).await;
    if let Err(e) = &result {
        refusal_status(e);
    }
    result
}

async fn check(subdomain: &str, needed: Role) -> Result<(SessionUser, Membership), AppError> {
    let user = super::auth::require_user().await?;
    let Ok(subdomain) = laurel::Subdomain::parse(subdomain) else {
        return Err(AppError::NotFound);
    };
    let ctx = super::context()?;
    let Some(membership) = ctx
        .store
        .membership_in(user.user_id, subdomain.as_str())
        .await?
    else {
        tracing::info!(user = user.user_id, subdomain = %subdomain, "not a member: refused");
        return Err(AppError::NotFound);
    };
    if !membership.role.includes(needed) {
        tracing::warn!(
            user = user.user_id,
            subdomain = %subdomain,
            needed = %needed,
            "role too low: refused"
        );
        return Err(AppError::Forbidden);
    }
    Ok((user, membership))
}

/// Gives a refusal its HTTP status (401, 403, 404) — on a page and on a
/// server function called by script or another client. A plain HTML form
/// post is left alone: it is answered with a redirect that carries the error
/// back to the page.
fn refusal_status(e: &AppError) {
    if !matches!(
        e,
        AppError::Unauthorized | AppError::Forbidden | AppError::NotFound
    ) {
        return;
    }
    let status =
        http::StatusCode::from_u16(e.status()).unwrap_or(http::StatusCode::INTERNAL_SERVER_ERROR);
    let form_post = use_context::<http::request::Parts>().is_some_and(|parts| {
        parts.method == http::Method::POST
            && parts
                .headers
                .get(http::header::ACCEPT)
                .and_then(|v| v.to_str().ok())
                .is_some_and(|v| v.contains("text/html"))
    });
    if !form_post {
        super::set_status(status);
    }
}
