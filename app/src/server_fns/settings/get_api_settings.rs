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

/// A webhook endpoint with its latest deliveries.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WebhookItem {
    pub id: i64,
    pub url: String,
    /// Space-separated event words.
    pub events: String,
    /// The signing secret (privileged members see it).
    pub secret: String,
    pub failing_since: Option<String>,
    pub deliveries: Vec<DeliveryItem>,
}

/// One delivery in the log.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeliveryItem {
    pub id: i64,
    pub event: String,
    pub created: String,
    pub attempts: i32,
    /// "200", "no answer: …", or "—" before the first try.
    pub last_answer: String,
    /// "123 ms" or "—".
    pub duration: String,
    /// `delivered`, `retrying`, `failed` or `queued`.
    pub state: String,
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
    pub webhooks: Vec<WebhookItem>,
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
        webhooks: {
            let mut items = Vec::new();
            for w in ctx.store.webhooks(m.organisation_id).await? {
                let deliveries = ctx
                    .store
                    .webhook_deliveries(m.organisation_id, w.id, 20)
                    .await?
                    .into_iter()
                    .map(|d| DeliveryItem {
                        id: d.id,
                        state: if d.delivered_at.is_some() {
                            "delivered"
                        } else if d.failed_at.is_some() {
                            "failed"
                        } else if d.attempts > 0 {
                            "retrying"
                        } else {
                            "queued"
                        }
                        .into(),
                        event: d.event,
                        created: time(d.created_at),
                        attempts: d.attempts,
                        last_answer: match (d.last_status, d.last_error) {
                            (Some(s), _) => s.to_string(),
                            (None, Some(e)) => format!("no answer: {e}"),
                            (None, None) => "—".into(),
                        },
                        duration: d
                            .last_duration_ms
                            .map_or_else(|| "—".into(), |ms| format!("{ms} ms")),
                    })
                    .collect();
                items.push(WebhookItem {
                    id: w.id,
                    secret: laurel_service::webhooks::secret_of(&ctx, &w)?,
                    url: w.url,
                    events: w.events,
                    failing_since: w.failing_since.map(time),
                    deliveries,
                });
            }
            items
        },
        openapi: ctx.site().openapi(),
        name: m.organisation_name,
        subdomain: m.subdomain,
        keys,
        external_ids,
    })
}
