use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use crate::error::AppError;

/// The recovery codes of this session, as the recovery-codes page sees them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum RecoveryCodes {
    /// Made for this session and not shown yet: the page offers to show them.
    Waiting,
    /// Shown now, and never again (only their hashes are kept).
    Revealed(Vec<String>),
    /// Already shown, expired, or never made.
    Gone,
}

/// The recovery codes just made for this session. They are revealed, and
/// spent, only while the recovery-codes page answers a POST of its own form
/// (`paths::RECOVERY_CODES`, routed to the page renderer by the server, and
/// under the same-origin check of every POST). A GET of the page — a reload,
/// a link preview, a browser's prefetch — or a call of this function's own
/// endpoint only says whether they wait, so nothing can spend the single
/// showing where the person does not see it.
#[server(endpoint = "security/take_recovery_codes")]
pub async fn take_recovery_codes() -> Result<RecoveryCodes, AppError> {
    use crate::ssr::{auth, context};
    use laurel_service::accounts;
    use laurel_service::mfa;

    let ctx = context()?;
    let user = auth::require_user().await?;
    let Some(session) = auth::session_token() else {
        return Err(AppError::Unauthorized);
    };
    let session_hash = accounts::token_hash(&session);
    let reveal = use_context::<http::request::Parts>().is_some_and(|parts| {
        parts.method == http::Method::POST && parts.uri.path() == crate::paths::RECOVERY_CODES
    });
    if !reveal {
        return Ok(
            if ctx
                .store
                .recovery_codes_waiting(&session_hash, user.user_id)
                .await?
            {
                RecoveryCodes::Waiting
            } else {
                RecoveryCodes::Gone
            },
        );
    }
    match ctx
        .store
        .take_recovery_codes(&session_hash, user.user_id)
        .await?
    {
        Some(sealed) => Ok(RecoveryCodes::Revealed(mfa::open_codes(
            &ctx.master_key,
            &session_hash,
            &sealed,
        )?)),
        None => Ok(RecoveryCodes::Gone),
    }
}
