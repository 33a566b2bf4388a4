use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use crate::error::AppError;

/// One public key of the remote-issuing integration.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct KeyItem {
    pub id: i64,
    /// Its SHA-256 fingerprint (base64url), as `laurel::crypto::PublicKey::thumbprint`.
    pub fingerprint: String,
    /// "Generated in Laurel" or "Uploaded".
    pub origin: String,
    pub created: String,
    /// When it last signed a request (UTC), if ever.
    pub last_used: Option<String>,
    pub revoked: Option<String>,
}

/// One API token, as the list shows it (never the token itself).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TokenItem {
    pub id: i64,
    pub name: String,
    /// The token's first characters.
    pub prefix: String,
    /// Space-separated scopes.
    pub scopes: String,
    pub created: String,
    pub expires: Option<String>,
    pub last_used: Option<String>,
    /// "active", "expired" or "revoked on …".
    pub state: String,
    pub active: bool,
}

/// Settings → API, as its page shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApiSettings {
    pub subdomain: String,
    pub name: String,
    /// `None` until remote issuing is set up.
    pub integration_id: Option<String>,
    /// The `DomainName` a client signs with: the subdomain.
    pub domain_name: String,
    /// `POST` here.
    pub endpoint: String,
    pub keys: Vec<KeyItem>,
    /// The external template IDs of the active templates (what
    /// `externalTemplateId` may be).
    pub external_ids: Vec<(String, String)>,
    pub tokens: Vec<TokenItem>,
    /// A token just made, shown this once.
    pub new_token: Option<String>,
    /// The OpenAPI document of the REST API.
    pub openapi: String,
}

/// Privileged members only.
#[server(endpoint = "settings/get_api_settings")]
pub async fn get_api_settings(subdomain: String) -> Result<ApiSettings, AppError> {
    use crate::ssr::{access::require_role, auth, context};
    use laurel::{KeyOrigin, Role};

    let (user, m) = require_role(&subdomain, Role::Privileged).await?;
    let ctx = context()?;
    let time = |t: chrono::DateTime<chrono::Utc>| t.format("%Y-%m-%d %H:%M UTC").to_string();
    let keys = ctx
        .store
        .integration_keys(m.organisation_id)
        .await?
        .into_iter()
        .map(|k| KeyItem {
            id: k.id,
            fingerprint: k.fingerprint,
            origin: match k.origin {
                KeyOrigin::Generated => "Generated in Laurel".into(),
                KeyOrigin::Uploaded => "Uploaded".into(),
            },
            created: time(k.created_at),
            last_used: k.last_used_at.map(time),
            revoked: k.revoked_at.map(time),
        })
        .collect();
    let external_ids = ctx
        .store
        .templates(m.organisation_id, false)
        .await?
        .into_iter()
        .filter_map(|t| t.external_id.clone().map(|id| (id, t.name)))
        .collect();
    Ok(ApiSettings {
        integration_id: ctx
            .store
            .integration(m.organisation_id)
            .await?
            .map(|i| i.integration_id),
        domain_name: m.subdomain.clone(),
        endpoint: ctx.site().remote_issue(),
        tokens: ctx
            .store
            .api_tokens(m.organisation_id)
            .await?
            .into_iter()
            .map(|t| {
                let now = chrono::Utc::now();
                let (state, active) = match (t.revoked_at, t.usable_at(now)) {
                    (Some(at), _) => (format!("revoked {}", time(at)), false),
                    (None, false) => ("expired".to_owned(), false),
                    (None, true) => ("active".to_owned(), true),
                };
                TokenItem {
                    id: t.id,
                    name: t.name,
                    prefix: t.prefix,
                    scopes: t.scopes.to_string(),
                    created: time(t.created_at),
                    expires: t.expires_at.map(time),
                    last_used: t.last_used_at.map(time),
                    state,
                    active,
                }
            })
            .collect(),
        new_token: auth::take_token_flash(&ctx, user.user_id),
        openapi: ctx.site().openapi(),
        name: m.organisation_name,
        subdomain: m.subdomain,
        keys,
        external_ids,
    })
}
