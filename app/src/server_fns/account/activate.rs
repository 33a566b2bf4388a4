use leptos::prelude::*;

use crate::error::AppError;

/// Step two: the organisation's name, its permanent subdomain, a contact
/// and a password. Creates the organisation, the first (privileged) user and
/// a session in one transaction, then opens the portal.
#[server(endpoint = "account/activate")]
pub async fn activate(
    token: String,
    organisation_name: String,
    subdomain: String,
    contact_name: String,
    contact_phone: String,
    password: String,
    password_confirm: String,
) -> Result<(), AppError> {
    use super::check_signup_token::signup_link;
    use super::request_signup::SignupKind;
    use crate::ssr::{auth, context};
    use laurel_service::accounts;
    use laurel_store::Activation;

    let ctx = context()?;
    let ip = auth::client_ip();
    auth::limit_address("activate", 20, 3600).await?;
    let (token_hash, email) = signup_link(&ctx, SignupKind::Issuer, &token).await?;
    let organisation_name = organisation_name.trim();
    if organisation_name.is_empty() || organisation_name.chars().count() > 200 {
        return Err(AppError::Invalid(
            "Enter your organisation's name (at most 200 characters).".into(),
        ));
    }
    let subdomain = laurel::Subdomain::parse(&subdomain)?;
    let contact_name = contact_name.trim();
    if contact_name.is_empty() || contact_name.chars().count() > 200 {
        return Err(AppError::Invalid(
            "Enter a contact name (at most 200 characters).".into(),
        ));
    }
    let contact_phone = contact_phone.trim();
    if contact_phone.chars().count() > 40
        || !contact_phone
            .chars()
            .all(|c| c.is_ascii_digit() || " +-().".contains(c))
    {
        return Err(AppError::Invalid(
            "Enter the phone number with digits, spaces and + - ( ) only.".into(),
        ));
    }
    let password_hash = accounts::choose_password(
        &password,
        &password_confirm,
        &[&email, organisation_name, subdomain.as_str(), contact_name],
    )
    .await?;
    let (session, session_hash) = accounts::new_token();
    let outcome = ctx
        .store
        .activate_signup(&Activation {
            token_hash: &token_hash,
            organisation_name,
            subdomain: subdomain.as_str(),
            contact_name,
            contact_phone,
            password_hash: &password_hash,
            session_hash: &session_hash,
            session_expires: accounts::session_expiry(),
            ip: &ip,
            user_agent: &auth::user_agent(),
        })
        .await?;
    if let Err(problem) = outcome {
        return Err(problem.into());
    }
    auth::set_session_cookie(&session, ctx.https());
    leptos_axum::redirect("/portal");
    Ok(())
}
