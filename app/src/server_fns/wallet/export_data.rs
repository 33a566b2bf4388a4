use leptos::prelude::*;
use leptos::server_fn::codec::{ByteStream, GetUrl, Streaming};

use crate::error::AppError;

/// "Export all my data": the signed-in holder's zip (account, addresses,
/// profile, collections, every badge's OB 2.0 and OB 3.0 documents and baked
/// image, imported originals; see `laurel_service::export`), as a download.
#[server(input = GetUrl, output = Streaming, endpoint = "wallet/export_data")]
pub async fn export_data() -> Result<ByteStream<AppError>, AppError> {
    use crate::ssr::{auth, context};

    let user = auth::require_user().await?;
    let ctx = context()?;
    laurel_service::accounts::rate_limit(
        &ctx.store,
        &format!("export:user:{}", user.user_id),
        10,
        3600,
    )
    .await?;
    let zip = laurel_service::export::export_zip(&ctx, user.user_id, &user.email).await?;
    crate::ssr::set_attachment("application/zip", "laurel-export.zip");
    Ok(ByteStream::new(futures::stream::once(async move {
        Ok::<_, AppError>(zip)
    })))
}
