use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use crate::error::AppError;

/// Who signs up: a holder (an account with a wallet) or an issuer (an
/// account and a new organisation). The form's radio buttons send it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SignupKind {
    Holder,
    Issuer,
}

/// Step one of signing up, for holders and issuers alike: an email address.
/// Sends a single-use, expiring link (to `/join` for a holder, `/activate`
/// for an issuer); answers the same whether or not the address is known. A
/// holder whose address already has an account gets a mail saying so (one
/// account holds every role), not a second account.
#[server(endpoint = "account/request_signup")]
pub async fn request_signup(email: String, kind: SignupKind) -> Result<(), AppError> {
    use crate::ssr::{auth, context};
    use laurel_service::accounts;
    use laurel_service::mail;
    use laurel_store::TokenPurpose;

    let email = laurel::Email::parse(&email)?;
    let ctx = context()?;
    auth::limit_address("signup", 10, 3600).await?;
    accounts::rate_limit(&ctx.store, &format!("signup:email:{email}"), 3, 3600).await?;
    let site = ctx.site();
    if kind == SignupKind::Holder && ctx.store.user_by_email(email.as_str()).await?.is_some() {
        let (login, forgot) = (site.login(), site.forgot_password());
        let message = mail::OutgoingMail {
            to: email.clone(),
            subject: "You already have a Laurel account".into(),
            text: format!(
                "Hello,\n\nSomeone (we hope you) asked to create a Laurel wallet for this address, \
                 but it already has a Laurel account, which holds your badges too.\n\n\
                 Sign in: {login}\nForgot your password? {forgot}\n\n\
                 If you did not ask, ignore this mail.\n\n— Laurel\n"
            ),
            html: format!(
                "<p>Hello,</p><p>Someone (we hope you) asked to create a Laurel wallet for this address, \
                 but it already has a Laurel account, which holds your badges too.</p>\
                 <p><a href=\"{login}\">Sign in</a> · <a href=\"{forgot}\">Forgot your password?</a></p>\
                 <p>If you did not ask, ignore this mail.</p><p>— Laurel</p>"
            ),
        };
        mail::enqueue_mail(&ctx.store, &ctx.master_key, &message).await?;
        leptos_axum::redirect("/signup/sent");
        return Ok(());
    }
    let (token, hash) = accounts::new_token();
    let (purpose, message) = match kind {
        SignupKind::Holder => {
            let link = site.join(&token);
            (
                TokenPurpose::Holder,
                mail::OutgoingMail {
                    to: email.clone(),
                    subject: "Confirm your email to create your Laurel wallet".into(),
                    text: format!(
                        "Hello,\n\nSomeone (we hope you) asked to create a Laurel wallet for this address.\n\
                         Open this link within 24 hours to choose your password:\n\n{link}\n\n\
                         Every badge issued to this address will be in your wallet, private until you choose.\n\
                         The link works once. If you did not ask for it, ignore this mail.\n\n— Laurel\n"
                    ),
                    html: format!(
                        "<p>Hello,</p><p>Someone (we hope you) asked to create a Laurel wallet for this address.</p>\
                         <p><a href=\"{link}\">Confirm your email and choose your password</a></p>\
                         <p>Every badge issued to this address will be in your wallet, private until you choose.</p>\
                         <p>The link works once, for 24 hours. If you did not ask for it, ignore this mail.</p><p>— Laurel</p>"
                    ),
                },
            )
        }
        SignupKind::Issuer => {
            let link = site.activate(&token);
            (
                TokenPurpose::Signup,
                mail::OutgoingMail {
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
                },
            )
        }
    };
    ctx.store
        .create_email_token(
            purpose,
            email.as_str(),
            &hash,
            chrono::Utc::now() + accounts::SIGNUP_LINK_TTL,
            None,
            None,
            &mail::mail_job_payload(&ctx.master_key, &message),
        )
        .await?;
    leptos_axum::redirect("/signup/sent");
    Ok(())
}
