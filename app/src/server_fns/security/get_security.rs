use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use crate::error::AppError;

/// A TOTP secret being set up: the QR code to scan and the secret to type.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TotpSetup {
    /// PNG, base64, for `<img src="data:image/png;base64,…">`.
    pub qr_png_base64: String,
    /// The base32 secret in groups of four characters.
    pub secret: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SecurityView {
    pub email: String,
    pub mfa_enabled: bool,
    pub recovery_codes_left: i64,
    /// Present while two-factor authentication is being set up.
    pub setup: Option<TotpSetup>,
}

/// The signed-in user's security settings, or `None` when nobody is signed in.
#[server(endpoint = "security/get_security")]
pub async fn get_security() -> Result<Option<SecurityView>, AppError> {
    use crate::ssr::{auth, context};
    use laurel_service::mfa;

    let Some(user) = auth::current_user().await? else {
        return Ok(None);
    };
    let ctx = context()?;
    let state = ctx
        .store
        .mfa_state(user.user_id)
        .await?
        .ok_or(AppError::Unauthorized)?;
    let setup = match (&state.totp_secret, &state.totp_pending) {
        (None, Some(sealed)) => {
            let secret = mfa::open_secret(&ctx.master_key, user.user_id, sealed)?;
            Some(TotpSetup {
                qr_png_base64: mfa::qr_png_base64(&secret, &user.email)?,
                secret: mfa::secret_for_display(&secret),
            })
        }
        _ => None,
    };
    Ok(Some(SecurityView {
        email: user.email,
        mfa_enabled: state.enabled(),
        recovery_codes_left: state.recovery_codes_left,
        setup,
    }))
}
