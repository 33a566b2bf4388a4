use leptos::prelude::*;
use leptos::server_fn::codec::{ByteStream, PostUrl, Streaming};

use crate::error::AppError;

/// Generates an RSA-2048 key pair for remote issuing: the public key is
/// added to the organisation's keys, the private key is handed over once —
/// a zip with it as .NET XML (what `RSACryptoServiceProvider.FromXmlString`
/// reads) and as PKCS#8 PEM — and not kept anywhere. A plain form post:
/// the browser saves the download, with or without JavaScript.
#[server(input = PostUrl, output = Streaming, endpoint = "settings/generate_integration_key")]
pub async fn generate_integration_key(subdomain: String) -> Result<ByteStream<AppError>, AppError> {
    use crate::ssr::{access::require_role, auth, context};
    use laurel::crypto::SigningKey;
    use laurel::{AuditEvent, KeyOrigin, Role};
    use laurel_store::Audit;

    let (user, m) = require_role(&subdomain, Role::Privileged).await?;
    let ctx = context()?;
    let Some(integration) = ctx.store.integration(m.organisation_id).await? else {
        return Err(AppError::Invalid("Set up remote issuing first.".into()));
    };
    let key = SigningKey::generate().map_err(|_| AppError::Internal)?;
    let public = key.public_key();
    let fingerprint = public.thumbprint();
    ctx.store
        .add_integration_key(
            m.organisation_id,
            &public.to_pem(),
            &fingerprint,
            KeyOrigin::Generated,
        )
        .await?;
    ctx.store
        .audit(Audit {
            organisation_id: Some(m.organisation_id),
            user_id: Some(user.user_id),
            event: AuditEvent::IntegrationKeyAdded,
            detail: fingerprint.clone(),
            ip: &auth::client_ip(),
        })
        .await?;
    let zip = laurel_service::remote::key_bundle(
        &key,
        &integration.integration_id,
        &m.subdomain,
        &ctx.site().remote_issue(),
    )
    .map_err(|_| AppError::Internal)?;
    crate::ssr::set_attachment("application/zip", "laurel-integration-key.zip");
    Ok(ByteStream::new(futures::stream::once(async move {
        Ok::<_, AppError>(zip)
    })))
}
