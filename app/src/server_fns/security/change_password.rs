use leptos::prelude::*;

use crate::error::AppError;

/// Changes the password of the signed-in user: needs the current one. Every
/// other session ends; this one continues under a new ID.
#[server(endpoint = "security/change_password")]
pub async fn change_password(
    current_password: String,
    new_password: String,
    new_password_confirm: String,
) -> Result<(), AppError> {
    use crate::ssr::{auth, context};
    use laurel::AuditEvent;
    use laurel_service::accounts;
    use laurel_store::Audit;
    use laurel_store::NewSession;

    let ctx = context()?;
    let user = auth::require_user().await?;
    let ip = auth::client_ip();
    auth::limit_address("password", 30, 900).await?;
    let account_key = format!("password:account:{}", user.user_id);
    if let Err(e) = accounts::rate_limit(&ctx.store, &account_key, 5, 900).await {
        ctx.store
            .audit(Audit {
                organisation_id: None,
                user_id: Some(user.user_id),
                event: AuditEvent::LockedOut,
                detail: "password change".into(),
                ip: &ip,
            })
            .await?;
        return Err(e.into());
    }
    auth::confirm_password(
        &user,
        &current_password,
        AuditEvent::PasswordChangeFailed,
        "The current password is not right.",
    )
    .await?;
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
    accounts::check_password_strength(&new_password, &[&user.email, &user.display_name])?;
    let password_hash = accounts::hash_password(&new_password).await?;
    let (session, session_hash) = accounts::new_token();
    ctx.store
        .change_password(
            user.user_id,
            &password_hash,
            &NewSession {
                session_hash: &session_hash,
                expires_at: accounts::session_expiry(),
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
