use leptos::prelude::*;

use crate::error::AppError;

/// Sends a single-use link (valid for an hour) to choose a new password.
/// Answers the same, in about the same time, whether or not the address has
/// an account, so it cannot be used to find out who has one.
#[server(endpoint = "security/request_password_reset")]
pub async fn request_password_reset(email: String) -> Result<(), AppError> {
    use crate::ssr::{auth, context};
    use laurel::AuditEvent;
    use laurel_service::accounts;
    use laurel_service::mail;
    use laurel_store::Audit;
    use laurel_store::TokenPurpose;

    /// Every answer takes at least this long (the work differs when the
    /// address has an account: a token and a mail are stored).
    const ANSWER_TIME: std::time::Duration = std::time::Duration::from_millis(400);
    let started = tokio::time::Instant::now();

    let email = laurel::Email::parse(&email)?;
    let ctx = context()?;
    let ip = auth::client_ip();
    auth::limit_address("reset", 10, 3600).await?;
    accounts::rate_limit(&ctx.store, &format!("reset:email:{email}"), 3, 3600).await?;
    let (token, hash) = accounts::new_token();
    let link = ctx.site().password_reset(&token);
    let message = mail::OutgoingMail {
        to: email.clone(),
        subject: "Choose a new Laurel password".into(),
        text: format!(
            "Hello,\n\nSomeone (we hope you) asked to reset the password of the Laurel account of this address.\n\
             Open this link within an hour to choose a new password:\n\n{link}\n\n\
             The link works once. Once the password is changed, every device signed in to the account is signed out.\n\
             If you did not ask for it, ignore this mail: your password stays as it is.\n\n— Laurel\n"
        ),
        html: format!(
            "<p>Hello,</p><p>Someone (we hope you) asked to reset the password of the Laurel account of this address.</p>\
             <p><a href=\"{link}\">Choose a new password</a></p>\
             <p>The link works once, for an hour. Once the password is changed, every device signed in to the account is signed out.</p>\
             <p>If you did not ask for it, ignore this mail: your password stays as it is.</p><p>— Laurel</p>"
        ),
    };
    let payload = mail::mail_job_payload(&ctx.master_key, &message);
    if let Some(user) = ctx.store.user_by_email(email.as_str()).await? {
        ctx.store
            .create_email_token(
                TokenPurpose::Reset,
                email.as_str(),
                &hash,
                chrono::Utc::now() + chrono::Duration::hours(1),
                None,
                None,
                &payload,
            )
            .await?;
        ctx.store
            .audit(Audit {
                organisation_id: None,
                user_id: Some(user.id),
                event: AuditEvent::PasswordResetRequested,
                detail: String::new(),
                ip: &ip,
            })
            .await?;
    }
    tokio::time::sleep_until(started + ANSWER_TIME).await;
    leptos_axum::redirect("/password/forgot/sent");
    Ok(())
}
