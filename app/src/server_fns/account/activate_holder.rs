use leptos::prelude::*;

use crate::error::AppError;

/// A holder's sign-up, step two (`/join?token=`): a password, and a name if
/// they like. Creates the account and a session in one transaction, then
/// opens the wallet, which already holds every badge issued to the address.
#[server(endpoint = "account/activate_holder")]
pub async fn activate_holder(
    token: String,
    display_name: String,
    password: String,
    password_confirm: String,
) -> Result<(), AppError> {
    use super::check_signup_token::signup_link;
    use super::request_signup::SignupKind;
    use crate::ssr::{auth, context};

    let ctx = context()?;
    let ip = auth::client_ip();
    auth::limit_address("activate", 20, 3600).await?;
    let (token_hash, email) = signup_link(&ctx, SignupKind::Holder, &token).await?;
    let new =
        NewHolder::from_form(&email, &display_name, &password, &password_confirm, &ip).await?;
    if let Err(problem) = ctx
        .store
        .activate_holder(&token_hash, &new.signup())
        .await?
    {
        return Err(problem.into());
    }
    auth::set_session_cookie(&new.session, ctx.https());
    leptos_axum::redirect(crate::paths::WALLET);
    Ok(())
}

/// A new holder's account as typed on a form (the holder's sign-up, the
/// claim page's "create your wallet"): the name (optional, at most 100
/// characters) and the password under the usual rules, hashed, and the
/// session to start with it.
#[cfg(feature = "ssr")]
pub(crate) struct NewHolder {
    display_name: String,
    password_hash: String,
    /// The session token for the cookie.
    pub session: String,
    session_hash: String,
    ip: String,
    user_agent: String,
}

#[cfg(feature = "ssr")]
impl NewHolder {
    pub async fn from_form(
        email: &str,
        display_name: &str,
        password: &str,
        password_confirm: &str,
        ip: &str,
    ) -> Result<Self, AppError> {
        use laurel_service::accounts;
        let display_name = display_name.trim();
        if display_name.chars().count() > 100 {
            return Err(AppError::Invalid(
                "Use a name of at most 100 characters.".into(),
            ));
        }
        let password_hash =
            accounts::choose_password(password, password_confirm, &[email, display_name]).await?;
        let (session, session_hash) = accounts::new_token();
        Ok(Self {
            display_name: display_name.to_owned(),
            password_hash,
            session,
            session_hash,
            ip: ip.to_owned(),
            user_agent: crate::ssr::auth::user_agent(),
        })
    }

    /// What the store writes.
    pub fn signup(&self) -> laurel_store::HolderSignup<'_> {
        laurel_store::HolderSignup {
            display_name: &self.display_name,
            password_hash: &self.password_hash,
            session: laurel_store::NewSession {
                session_hash: &self.session_hash,
                expires_at: laurel_service::accounts::session_expiry(),
                ip: &self.ip,
                user_agent: &self.user_agent,
            },
        }
    }
}
