use leptos::prelude::*;

use crate::error::AppError;

/// Starts setting up two-factor authentication: a new secret is kept
/// (sealed) and the security page shows it as a QR code and as text until a
/// code from the app confirms it.
#[server(endpoint = "security/start_mfa_setup")]
pub async fn start_mfa_setup() -> Result<(), AppError> {
    use crate::ssr::{auth, context};
    use laurel_service::mfa;

    let ctx = context()?;
    let user = auth::require_user().await?;
    let sealed = mfa::seal_secret(&ctx.master_key, user.user_id, &mfa::new_secret());
    if !ctx
        .store
        .set_totp_pending(user.user_id, Some(&sealed))
        .await?
    {
        return Err(AppError::Invalid(
            "Two-factor authentication is already on.".into(),
        ));
    }
    leptos_axum::redirect("/account/security");
    Ok(())
}
