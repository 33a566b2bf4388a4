use leptos::prelude::*;

use crate::error::AppError;

/// Changes the password of the signed-in user: needs the current one. Every
/// other session ends; this one continues under a new ID.
#[server]
pub async fn change_password(
    current_password: String,
    new_password: String,
    new_password_confirm: String,
) -> Result<(), AppError> {
    use crate::ssr::{auth, context};
    use crate::store::NewSession;

    let ctx = context()?;
    let user = auth::require_user().await?;
    let ip = auth::client_ip();
    auth::rate_limit(&ctx.store, &format!("password:ip:{ip}"), 30, 900).await?;
    let account_key = format!("password:account:{}", user.user_id);
    if let Err(e) = auth::rate_limit(&ctx.store, &account_key, 5, 900).await {
        ctx.store
            .audit(
                None,
                Some(user.user_id),
                "user.locked_out",
                "password change",
                &ip,
            )
            .await?;
        return Err(e);
    }
    let account = ctx
        .store
        .user_by_email(&user.email)
        .await?
        .ok_or(AppError::Unauthorized)?;
    if !auth::verify_password(&account.password_hash, &current_password) {
        ctx.store
            .audit(
                None,
                Some(user.user_id),
                "password.change_failed",
                "wrong current password",
                &ip,
            )
            .await?;
        return Err(AppError::Invalid(
            "The current password is not right.".into(),
        ));
    }
    if new_password != new_password_confirm {
        return Err(AppError::Invalid(
            "The two new passwords are not the same.".into(),
        ));
    }
    if new_password == current_password {
        return Err(AppError::Invalid(
            "Choose a new password that differs from the current one.".into(),
        ));
    }
    auth::check_password_strength(&new_password, &[&user.email, &user.display_name])?;
    let password_hash = auth::hash_password(&new_password)?;
    let (session, session_hash) = auth::new_token();
    ctx.store
        .change_password(
            user.user_id,
            &password_hash,
            &NewSession {
                session_hash: &session_hash,
                expires_at: auth::session_expiry(),
                ip: &ip,
                user_agent: &auth::user_agent(),
            },
        )
        .await?;
    ctx.store.clear_rate_limit(&account_key).await?;
    auth::set_session_cookie(&session, ctx.https());
    leptos_axum::redirect("/account/security?done=password");
    Ok(())
}
