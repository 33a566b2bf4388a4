use leptos::prelude::*;

use crate::error::AppError;

/// Removes one of the signed-in holder's imported badges (its original and
/// report) from their wallet.
#[server(endpoint = "wallet/remove_import")]
pub async fn remove_import(public_id: String) -> Result<(), AppError> {
    use crate::ssr::{auth, context};
    use laurel::AuditEvent;
    use laurel_store::Audit;

    let user = auth::require_user().await?;
    let ctx = context()?;
    if !ctx.store.delete_import(user.user_id, &public_id).await? {
        return Err(AppError::NotFound);
    }
    ctx.store
        .audit(Audit {
            organisation_id: None,
            user_id: Some(user.user_id),
            event: AuditEvent::ImportRemoved,
            detail: public_id,
            ip: &auth::client_ip(),
        })
        .await?;
    leptos_axum::redirect(crate::paths::WALLET);
    Ok(())
}
