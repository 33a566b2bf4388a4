//! Outbound webhooks: events to an organisation's endpoints, signed
//! Stripe-style, delivered by durable jobs with retries for more than a day.
//!
//! - A body is `{"id", "type", "created", "organisation", "data"}`; the
//!   `id` is the event's (the same for each endpoint), so a receiver can drop
//!   a repeat: delivery is at least once.
//! - `Laurel-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<body>")>`
//!   ([`signature`]); receivers check it and that `t` is recent.
//! - A delivery is tried at once, then after [`RETRY_AFTER`] (about 25
//!   hours in all); after the last it is given up, the endpoint is marked
//!   failing and the organisation's privileged members are mailed.
//! - Every target goes through the verifier's SSRF-safe client
//!   ([`crate::fetch::HttpFetcher`]): no loopback or private address unless
//!   `LAUREL_FETCH_ALLOW_PRIVATE`.

use std::time::{Duration, Instant};

use chrono::Utc;
use laurel::WebhookEvent;
use laurel_store::{Attempt, AttemptOutcome, Store};

use crate::mail::{html_escape, mail_job_payload, OutgoingMail};
use crate::{ServerContext, ServiceError};

/// The waits between tries: 10 s, 1 min, 5 min, 15 min, 30 min, 1 h, 1 h,
/// 2 h, 4 h, 8 h, 8 h — 12 tries over about 24.9 hours.
pub const RETRY_AFTER: [Duration; 11] = [
    Duration::from_secs(10),
    Duration::from_secs(60),
    Duration::from_secs(5 * 60),
    Duration::from_secs(15 * 60),
    Duration::from_secs(30 * 60),
    Duration::from_secs(60 * 60),
    Duration::from_secs(60 * 60),
    Duration::from_secs(2 * 60 * 60),
    Duration::from_secs(4 * 60 * 60),
    Duration::from_secs(8 * 60 * 60),
    Duration::from_secs(8 * 60 * 60),
];

/// Endpoints an organisation may have.
pub const MAX_ENDPOINTS: usize = 10;

/// The signing secret of a new endpoint (`whsec_` + 43 random characters).
pub fn new_secret() -> String {
    format!("whsec_{}", crate::accounts::new_token().0)
}

fn seal_context(organisation_id: i64) -> String {
    format!("webhook-secret:{organisation_id}")
}

/// The `Laurel-Signature` header of `body` sent at `t` (Unix seconds).
pub fn signature(secret: &str, t: i64, body: &str) -> String {
    use aws_lc_rs::hmac;
    let key = hmac::Key::new(hmac::HMAC_SHA256, secret.as_bytes());
    let tag = hmac::sign(&key, format!("{t}.{body}").as_bytes());
    format!("t={t},v1={}", hex::encode(tag.as_ref()))
}

/// Checks a webhook URL and makes the endpoint; returns it with its secret.
pub async fn create(
    ctx: &ServerContext,
    organisation_id: i64,
    url: &str,
    events: &[WebhookEvent],
) -> Result<(laurel_store::WebhookEndpoint, String), ServiceError> {
    let url = url.trim();
    let parsed = url::Url::parse(url)
        .ok()
        .filter(|u| matches!(u.scheme(), "http" | "https") && u.host().is_some())
        .ok_or_else(|| ServiceError::Invalid("The URL must be an http or https address.".into()))?;
    if url.len() > 2000 {
        return Err(ServiceError::Invalid(
            "The URL can be at most 2,000 characters.".into(),
        ));
    }
    if !parsed.username().is_empty() || parsed.password().is_some() {
        return Err(ServiceError::Invalid(
            "Put no user name or password in the URL; check the signature instead.".into(),
        ));
    }
    if events.is_empty() {
        return Err(ServiceError::Invalid("Choose at least one event.".into()));
    }
    if let Err(why) = ctx.fetcher.check_target(url).await {
        return Err(ServiceError::Invalid(format!(
            "Laurel does not deliver to that address: {why}."
        )));
    }
    if ctx.store.webhooks(organisation_id).await?.len() >= MAX_ENDPOINTS {
        return Err(ServiceError::Invalid(format!(
            "An organisation can have at most {MAX_ENDPOINTS} endpoints."
        )));
    }
    let secret = new_secret();
    let sealed = ctx
        .master_key
        .seal(secret.as_bytes(), &seal_context(organisation_id));
    let words: Vec<&str> = events.iter().map(|e| e.as_str()).collect();
    let endpoint = ctx
        .store
        .create_webhook(organisation_id, url, &sealed, &words.join(" "))
        .await?;
    Ok((endpoint, secret))
}

/// The secret of an endpoint (to show to its privileged members).
pub fn secret_of(
    ctx: &ServerContext,
    endpoint: &laurel_store::WebhookEndpoint,
) -> Result<String, ServiceError> {
    let plain = ctx
        .master_key
        .open(&endpoint.secret_sealed, &seal_context(endpoint.organisation_id))
        .map_err(|e| {
            tracing::error!(endpoint = endpoint.id, error = %e, "cannot open a webhook secret: is LAUREL_MASTER_KEY the one it was sealed with?");
            ServiceError::Internal
        })?;
    String::from_utf8(plain).map_err(|_| ServiceError::Internal)
}

/// An event's body, and its id.
pub fn body(event: WebhookEvent, organisation: &str, data: serde_json::Value) -> (String, String) {
    let id = format!("evt_{}", crate::accounts::new_token().0);
    let body = serde_json::json!({
        "id": id,
        "type": event.as_str(),
        "created": Utc::now().timestamp(),
        "organisation": organisation,
        "data": data,
    });
    (id, body.to_string())
}

/// Queues an event for the organisation's endpoints that want it. Errors
/// are logged, never in the way of what caused the event.
pub async fn emit(
    store: &Store,
    organisation_id: i64,
    subdomain: &str,
    event: WebhookEvent,
    data: serde_json::Value,
) {
    let (id, body) = body(event, subdomain, data);
    if let Err(e) = store
        .queue_webhook_event(organisation_id, event, &id, &body)
        .await
    {
        tracing::error!(organisation_id, error = %e, "could not queue a webhook event");
    }
}

/// Sends a test event (`ping`) to one endpoint.
pub async fn send_test(
    ctx: &ServerContext,
    organisation_id: i64,
    subdomain: &str,
    endpoint_id: i64,
) -> Result<(), ServiceError> {
    let (id, body) = body(
        WebhookEvent::Ping,
        subdomain,
        serde_json::json!({ "message": "A test event from Laurel." }),
    );
    ctx.store
        .queue_webhook_delivery(
            organisation_id,
            endpoint_id,
            WebhookEvent::Ping.as_str(),
            &id,
            &body,
        )
        .await?
        .ok_or(ServiceError::NotFound)?;
    Ok(())
}

/// Sends a delivery again, as a new delivery of the same event and body.
pub async fn redeliver(
    ctx: &ServerContext,
    organisation_id: i64,
    delivery_id: i64,
) -> Result<(), ServiceError> {
    let d = ctx
        .store
        .webhook_delivery(organisation_id, delivery_id)
        .await?
        .ok_or(ServiceError::NotFound)?;
    // The same event (same id and body: a receiver that had it may drop
    // it) in a delivery of its own, with its own tries.
    ctx.store
        .queue_webhook_delivery(
            organisation_id,
            d.endpoint_id,
            &d.event,
            &d.event_id,
            &d.body,
        )
        .await?
        .ok_or(ServiceError::NotFound)?;
    Ok(())
}

/// The delivery job: one try, then what follows (see the module's text).
pub async fn deliver(ctx: &ServerContext, delivery_id: i64) -> Result<(), String> {
    let Some((d, endpoint)) = ctx
        .store
        .webhook_delivery_for_job(delivery_id)
        .await
        .map_err(|e| e.to_string())?
    else {
        return Ok(()); // the endpoint was deleted
    };
    if d.delivered_at.is_some() || d.failed_at.is_some() {
        return Ok(());
    }
    let secret = secret_of(ctx, &endpoint).map_err(|e| e.to_string())?;
    let t = Utc::now().timestamp();
    let started = Instant::now();
    let answer = ctx
        .fetcher
        .post_json(
            &endpoint.url,
            &d.body,
            &[
                ("Laurel-Signature", signature(&secret, t, &d.body)),
                ("Laurel-Event", d.event.clone()),
                ("Laurel-Delivery", d.id.to_string()),
            ],
        )
        .await;
    let duration_ms = started.elapsed().as_millis() as i64;
    let (status, error) = match &answer {
        Ok(status) => (Some(i32::from(*status)), None),
        Err(e) => (None, Some(e.to_string())),
    };
    let ok = status.is_some_and(|s| (200..300).contains(&s));
    let tried = usize::try_from(d.attempts).unwrap_or(0);
    let outcome = if ok {
        AttemptOutcome::Delivered
    } else if let Some(wait) = RETRY_AFTER.get(tried) {
        AttemptOutcome::RetryAt(Utc::now() + chrono::Duration::from_std(*wait).unwrap_or_default())
    } else {
        AttemptOutcome::GiveUp(
            failing_mail(ctx, &endpoint)
                .await
                .map_err(|e| e.to_string())?,
        )
    };
    ctx.store
        .record_webhook_attempt(Attempt {
            delivery_id: d.id,
            status,
            duration_ms,
            error: error.as_deref(),
            outcome,
        })
        .await
        .map_err(|e| e.to_string())
}

/// The mails telling an organisation's privileged members that an
/// endpoint is failing (outbox payloads).
async fn failing_mail(
    ctx: &ServerContext,
    endpoint: &laurel_store::WebhookEndpoint,
) -> Result<Vec<serde_json::Value>, ServiceError> {
    let org = ctx
        .store
        .organisation_by_id(endpoint.organisation_id)
        .await?
        .ok_or(ServiceError::NotFound)?;
    let settings = format!(
        "{}/portal/{}/settings/api#webhooks",
        ctx.public_url.trim_end_matches('/'),
        org.subdomain
    );
    let text = format!(
        "Laurel could not deliver webhook events to {url} for about a day (every try failed), \
         so it stopped trying these deliveries and marked the endpoint as failing.\n\n\
         See each attempt's answer, send a test event and redeliver in Settings → API:\n{settings}\n",
        url = endpoint.url
    );
    let html = format!(
        "<p>Laurel could not deliver webhook events to <code>{url}</code> for about a day (every try failed), \
         so it stopped trying these deliveries and marked the endpoint as failing.</p>\
         <p><a href=\"{settings}\">See each attempt's answer, send a test event and redeliver</a>.</p>",
        url = html_escape(&endpoint.url),
        settings = html_escape(&settings),
    );
    Ok(ctx
        .store
        .members(org.id)
        .await?
        .into_iter()
        .filter(|m| m.role == laurel::Role::Privileged)
        .filter_map(|m| laurel::Email::parse(&m.email).ok())
        .map(|to| {
            mail_job_payload(
                &ctx.master_key,
                &OutgoingMail {
                    to,
                    subject: format!("{}: a webhook endpoint is failing", org.name),
                    text: text.clone(),
                    html: html.clone(),
                },
            )
        })
        .collect())
}

/// A badge as webhook events describe it.
#[allow(clippy::too_many_arguments)]
pub fn badge_data(
    urls: &crate::urls::OrgUrls,
    slug: &str,
    template_id: Option<i64>,
    name: &str,
    recipient_email: &str,
    recipient_name: &str,
    issued_on: chrono::DateTime<Utc>,
    expires_at: Option<chrono::DateTime<Utc>>,
    source: &str,
) -> serde_json::Value {
    serde_json::json!({
        "id": slug,
        "templateId": template_id,
        "name": name,
        "recipient": { "email": recipient_email, "name": recipient_name },
        "issuedOn": issued_on.to_rfc3339(),
        "expiresAt": expires_at.map(|e| e.to_rfc3339()),
        "source": source,
        "url": urls.assertion(slug),
    })
}

/// Queues `event` about an issued badge (claimed, revoked, shared), with
/// `extra` fields beside `badge` in `data`. Errors are logged only.
pub async fn emit_badge(
    ctx: &ServerContext,
    event: WebhookEvent,
    a: &laurel_store::AssertionRow,
    extra: serde_json::Value,
) {
    let found = async {
        let org = ctx.store.organisation_by_id(a.organisation_id).await?;
        let class = ctx.store.badge_class_by_id(a.badge_class_id).await?;
        Ok::<_, laurel_store::StoreError>(org.zip(class))
    }
    .await;
    let (org, class) = match found {
        Ok(Some(found)) => found,
        Ok(None) => return,
        Err(e) => {
            tracing::error!(error = %e, "could not read a badge for its webhook event");
            return;
        }
    };
    let mut data = serde_json::json!({
        "badge": badge_data(
            &ctx.urls(&org.subdomain),
            &a.slug,
            a.template_id,
            &class.name,
            &a.recipient_email,
            &a.recipient_name,
            a.issued_on,
            a.expires_at,
            &a.source,
        )
    });
    if let (Some(data), serde_json::Value::Object(extra)) = (data.as_object_mut(), extra) {
        data.extend(extra);
    }
    emit(&ctx.store, org.id, &org.subdomain, event, data).await;
}

/// Registers the delivery job's handler.
pub fn register(ctx: ServerContext, handlers: crate::jobs::Handlers) -> crate::jobs::Handlers {
    handlers.on(laurel_store::WEBHOOK_QUEUE, move |payload| {
        let ctx = ctx.clone();
        async move {
            let id = payload["delivery"]
                .as_i64()
                .ok_or_else(|| "the job names no delivery".to_owned())?;
            deliver(&ctx, id).await
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_signature_is_hmac_sha256_of_t_dot_body_in_hex() {
        // Computed independently: Python's hmac module.
        assert_eq!(
            signature("whsec_test", 1_700_000_000, r#"{"a":1}"#),
            "t=1700000000,v1=38877139021993b830af32feea6e18a8da83eb2f6e49ee50bd9e4cf4ca4d3789"
        );
    }

    #[test]
    fn retries_last_more_than_a_day() {
        let total: Duration = RETRY_AFTER.iter().sum();
        assert!(total > Duration::from_secs(24 * 60 * 60), "{total:?}");
        assert!(total < Duration::from_secs(26 * 60 * 60), "{total:?}");
    }
}
