use leptos::prelude::*;

use crate::error::AppError;

/// Step one of becoming an issuer: an email address. Sends a single-use,
/// expiring link; answers the same whether or not the address is known.
#[server(endpoint = "account/request_signup")]
pub async fn request_signup(email: String) -> Result<(), AppError> {
    use crate::ssr::{auth, context};
    use laurel_service::accounts;
    use laurel_service::mail;
    use laurel_store::TokenPurpose;

    let email = laurel::Email::parse(&email)?;
    let ctx = context()?;
    let ip = auth::client_ip();
    accounts::rate_limit(&ctx.store, &format!("signup:ip:{ip}"), 10, 3600).await?;
    accounts::rate_limit(&ctx.store, &format!("signup:email:{email}"), 3, 3600).await?;
    let (token, hash) = accounts::new_token();
    let link = ctx.site().activate(&token);
    let message = mail::OutgoingMail {
        to: email.clone(),
        subject: "Confirm your email to start issuing badges with Laurel".into(),
        text: format!(
            "Hello,\n\nSomeone (we hope you) asked to create a Laurel issuer account for this address.\n\
             Open this link within 24 hours to choose your organisation's name, subdomain and password:\n\n\
             {link}\n\nThe link works once. If you did not ask for it, ignore this mail.\n\n— Laurel\n"
        ),
        html: format!(
            "<p>Hello,</p><p>Someone (we hope you) asked to create a Laurel issuer account for this address.</p>\
             <p><a href=\"{link}\">Confirm your email and set up your organisation</a></p>\
             <p>The link works once, for 24 hours. If you did not ask for it, ignore this mail.</p><p>— Laurel</p>"
        ),
    };
    ctx.store
        .create_email_token(
            TokenPurpose::Signup,
            email.as_str(),
            &hash,
            chrono::Utc::now() + accounts::SIGNUP_LINK_TTL,
            None,
            None,
            &mail::mail_job_payload(&message),
        )
        .await?;
    leptos_axum::redirect("/signup/sent");
    Ok(())
}
