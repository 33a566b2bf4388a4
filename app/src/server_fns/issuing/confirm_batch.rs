use leptos::prelude::*;

use crate::error::AppError;

/// Starts issuing a previewed batch (`action` "confirm"), discards it
/// (`action` "cancel"), or resumes one whose job stopped (`action`
/// "resume", `laurel_service::batches::resume`).
#[server(endpoint = "issuing/confirm_batch")]
pub async fn confirm_batch(subdomain: String, id: i64, action: String) -> Result<(), AppError> {
    use crate::ssr::{access::require_role, auth, context};
    use laurel::AuditEvent;
    use laurel::Role;
    use laurel_store::Audit;

    let (user, m) = require_role(&subdomain, Role::Regular).await?;
    let ctx = context()?;
    if action == "confirm" {
        // Billing first: the whole batch must fit (the trial's quota), or
        // nothing starts.
        ctx.store
            .batch(m.organisation_id, id)
            .await?
            .ok_or(AppError::NotFound)?;
        let pending = ctx.store.batch_counts(id).await?.pending;
        if let Some(why) = laurel_service::billing::refusal(
            &ctx.store,
            m.organisation_id,
            ctx.clock.now(),
            pending.max(1),
        )
        .await?
        {
            return Err(AppError::PaymentRequired(why));
        }
    }
    let done = match action.as_str() {
        "confirm" => ctx.store.confirm_batch(m.organisation_id, id).await?,
        "cancel" => ctx.store.cancel_batch(m.organisation_id, id).await?,
        "resume" => {
            laurel_service::batches::resume(&ctx.store, m.organisation_id, id).await?;
            true
        }
        _ => return Err(AppError::Invalid("Unknown action.".into())),
    };
    if !done {
        return Err(AppError::Conflict(
            "This batch is no longer waiting for confirmation.".into(),
        ));
    }
    ctx.store
        .audit(Audit {
            organisation_id: Some(m.organisation_id),
            user_id: Some(user.user_id),
            event: match action.as_str() {
                "confirm" => AuditEvent::BatchConfirmed,
                "resume" => AuditEvent::BatchResumed,
                _ => AuditEvent::BatchCancelled,
            },
            detail: id.to_string(),
            ip: &auth::client_ip(),
        })
        .await?;
    leptos_axum::redirect(&crate::paths::portal(&m.subdomain).batch(id));
    Ok(())
}
