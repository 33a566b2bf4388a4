use leptos::prelude::*;

use crate::error::AppError;

/// Adds a further address to the signed-in holder's wallet and mails it a
/// link to confirm (single-use, 24 hours). Until confirmed it changes
/// nothing. Rate-limited per account and address.
#[server(endpoint = "wallet/add_address")]
pub async fn add_address(email: String) -> Result<(), AppError> {
    use crate::ssr::{auth, context};
    use laurel_service::{accounts, mail};
    use laurel_store::TokenPurpose;

    let user = auth::require_user().await?;
    let email = laurel::Email::parse(&email)?;
    let ctx = context()?;
    accounts::rate_limit(
        &ctx.store,
        &format!("address:user:{}", user.user_id),
        10,
        3600,
    )
    .await?;
    accounts::rate_limit(&ctx.store, &format!("address:email:{email}"), 3, 3600).await?;
    if ctx.store.user_emails(user.user_id).await?.len() >= MAX_ADDRESSES {
        return Err(AppError::Invalid(format!(
            "A wallet holds at most {MAX_ADDRESSES} further addresses; remove one first."
        )));
    }
    ctx.store.add_address(user.user_id, email.as_str()).await?;
    let (token, hash) = accounts::new_token();
    let link = ctx.site().confirm_address(&token);
    let message = mail::OutgoingMail {
        to: email.clone(),
        subject: "Confirm this address for your Laurel wallet".into(),
        text: format!(
            "Hello,\n\n{who} asked to add this address to their Laurel wallet, so that every badge \
             issued to it appears there.\nOpen this link within 24 hours, signed in to that account, to confirm:\n\n\
             {link}\n\nIf you did not ask for it, ignore this mail: nothing changes.\n\n— Laurel\n",
            who = user.email,
        ),
        html: format!(
            "<p>Hello,</p><p>{who} asked to add this address to their Laurel wallet, so that every badge \
             issued to it appears there.</p><p><a href=\"{link}\">Confirm this address</a> (within 24 hours, \
             signed in to that account)</p><p>If you did not ask for it, ignore this mail: nothing changes.</p><p>— Laurel</p>",
            who = mail::html_escape(&user.email),
        ),
    };
    ctx.store
        .create_email_token(
            TokenPurpose::Address,
            email.as_str(),
            &hash,
            chrono::Utc::now() + accounts::SIGNUP_LINK_TTL,
            None,
            None,
            &mail::mail_job_payload(&ctx.master_key, &message),
        )
        .await?;
    leptos_axum::redirect(&format!(
        "{}?address_sent=1#addresses",
        crate::paths::WALLET
    ));
    Ok(())
}

/// The most further addresses one wallet holds.
#[cfg(feature = "ssr")]
const MAX_ADDRESSES: usize = 10;
