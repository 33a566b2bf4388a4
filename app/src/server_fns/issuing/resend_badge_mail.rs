use leptos::prelude::*;

use crate::error::AppError;

/// Sends the holder's mail again, with a new claim link (the old one stops
/// working): at most `sending::RESENDS_PER_BADGE` times a day per badge,
/// and within a new organisation's daily mail limit.
#[server(endpoint = "issuing/resend_badge_mail")]
pub async fn resend_badge_mail(subdomain: String, slug: String) -> Result<(), AppError> {
    use crate::ssr::{access::require_role, auth, context};
    use laurel::AuditEvent;
    use laurel::Role;
    use laurel_service::accounts;
    use laurel_service::issuing::holder_mail;
    use laurel_service::mail::mail_job_payload;
    use laurel_store::Audit;

    let (user, m) = require_role(&subdomain, Role::Regular).await?;
    let ctx = context()?;
    let a = ctx
        .store
        .assertion_by_slug(m.organisation_id, &slug)
        .await?
        .ok_or(AppError::NotFound)?;
    if a.revoked_at.is_some() {
        return Err(AppError::Invalid(
            "This badge is revoked; its holder is not mailed again.".into(),
        ));
    }
    let class = ctx
        .store
        .badge_class_by_id(a.badge_class_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let org = ctx
        .store
        .organisation_by_id(m.organisation_id)
        .await?
        .ok_or(AppError::NotFound)?;
    laurel_service::sending::count_resend(&ctx.store, &org, &slug).await?;
    laurel_service::sending::count_mail(&ctx.store, org.id, ctx.clock.now()).await?;
    let to = laurel::Email::parse(&a.recipient_email)?;
    let (token, hash) = accounts::new_token();
    let mail = holder_mail(
        &ctx.public_url,
        &ctx.urls(&org.subdomain),
        &org,
        &class,
        &a.slug,
        &to,
        &a.recipient_name,
        &token,
    );
    ctx.store
        .renew_claim_token(
            m.organisation_id,
            &slug,
            &hash,
            &mail_job_payload(&ctx.master_key, &mail),
        )
        .await?;
    ctx.store
        .audit(Audit {
            organisation_id: Some(m.organisation_id),
            user_id: Some(user.user_id),
            event: AuditEvent::BadgeMailResent,
            detail: slug.to_string(),
            ip: &auth::client_ip(),
        })
        .await?;
    leptos_axum::redirect(&format!(
        "{}?resent=1",
        crate::paths::portal(&m.subdomain).badge(slug)
    ));
    Ok(())
}
