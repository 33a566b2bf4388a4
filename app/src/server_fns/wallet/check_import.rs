use leptos::prelude::*;

use crate::error::AppError;

/// Verifies one of the signed-in holder's imported badges again (from its
/// stored original) and keeps the new report.
#[server(endpoint = "wallet/check_import")]
pub async fn check_import(public_id: String) -> Result<(), AppError> {
    use crate::ssr::{auth, context};
    use laurel_service::imports::{self, Holder};

    let user = auth::require_user().await?;
    let ctx = context()?;
    let addresses = ctx.store.holder_addresses(user.user_id).await?;
    let holder = Holder {
        user_id: user.user_id,
        addresses: &addresses,
    };
    imports::check_again(&ctx, holder, &public_id, &auth::client_ip()).await?;
    leptos_axum::redirect(&crate::paths::wallet_import(&public_id));
    Ok(())
}
