//! The Stripe adapter: the few calls of Stripe's REST API that billing
//! needs, with form-encoded bodies as Stripe's API takes them, an
//! idempotency key on every write that could charge or create twice, and
//! the check of the signature on Stripe's webhooks.
//!
//! - Cards are collected in the browser by Stripe's own form: Laurel makes a
//!   SetupIntent ([`Stripe::create_setup_intent`]) and hands its client
//!   secret to Stripe.js; card numbers never reach Laurel. It stores the
//!   PaymentMethod's id, brand, last four digits and expiry only.
//! - An invoice is charged with one PaymentIntent, created with the
//!   idempotency key `laurel-invoice-<number>` (a retried request returns
//!   the same PaymentIntent, never a second charge); a retry after a
//!   declined card confirms that same PaymentIntent again with the key
//!   `laurel-invoice-<number>-attempt-<n>`.
//!
//! There is no official Stripe crate that is kept for this Rust and
//! async runtime without pulling in every API object, so these calls are
//! written here, on `reqwest`; each maps to one documented endpoint.
//! `LAUREL_STRIPE_API_BASE` points them at a local stub in tests.

use std::time::Duration;

use serde::Deserialize;

/// Stripe's configuration (`LAUREL_STRIPE_*`).
#[derive(Clone)]
pub struct Stripe {
    api_base: String,
    secret_key: String,
    webhook_secret: String,
    /// For Stripe.js in the browser (`pk_…`).
    pub publishable_key: String,
    client: reqwest::Client,
}

impl std::fmt::Debug for Stripe {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Stripe")
            .field("api_base", &self.api_base)
            .finish_non_exhaustive()
    }
}

/// A Stripe call that did not do what was asked.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum StripeError {
    /// Stripe refused: a declined card (`card_error`), a bad request…; the
    /// message is Stripe's, for the organisation.
    #[error("{message}")]
    Refused {
        status: u16,
        kind: String,
        code: String,
        message: String,
        /// The PaymentIntent a declined charge left (to retry later).
        payment_intent: Option<Box<PaymentIntent>>,
    },
    /// Stripe could not be reached or answered something unreadable.
    #[error("Stripe could not be reached ({0}).")]
    Unavailable(String),
}

#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct SetupIntent {
    pub id: String,
    pub status: String,
    pub client_secret: Option<String>,
    pub payment_method: Option<String>,
    pub customer: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct Card {
    pub brand: String,
    pub last4: String,
    pub exp_month: i32,
    pub exp_year: i32,
}

#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct PaymentMethod {
    pub id: String,
    pub card: Option<Card>,
}

#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct PaymentError {
    pub code: Option<String>,
    pub message: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct PaymentIntent {
    pub id: String,
    /// `succeeded`, `processing`, `requires_payment_method` (declined),
    /// `requires_action` (the bank wants the cardholder), `canceled`…
    pub status: String,
    pub amount: i64,
    pub currency: String,
    pub last_payment_error: Option<PaymentError>,
}

/// A webhook event (`data.object` is left as JSON for the handler).
#[derive(Debug, Clone, Deserialize)]
pub struct Event {
    pub id: String,
    #[serde(rename = "type")]
    pub kind: String,
    pub data: EventData,
}

#[derive(Debug, Clone, Deserialize)]
pub struct EventData {
    pub object: serde_json::Value,
}

#[derive(Deserialize)]
struct ErrorBody {
    error: ErrorDetail,
}

#[derive(Deserialize)]
struct ErrorDetail {
    #[serde(rename = "type", default)]
    kind: String,
    #[serde(default)]
    code: Option<String>,
    #[serde(default)]
    message: Option<String>,
    #[serde(default)]
    payment_intent: Option<PaymentIntent>,
}

#[derive(Deserialize)]
struct Created {
    id: String,
}

/// How old a webhook's timestamp may be (Stripe's libraries use 5 minutes).
pub const WEBHOOK_TOLERANCE_SECONDS: i64 = 300;

impl Stripe {
    pub fn new(
        api_base: &str,
        secret_key: &str,
        webhook_secret: &str,
        publishable_key: &str,
    ) -> Result<Self, String> {
        let client = reqwest::Client::builder()
            .timeout(Duration::from_secs(30))
            .connect_timeout(Duration::from_secs(10))
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .map_err(|e| format!("cannot build the Stripe client: {e}"))?;
        Ok(Self {
            api_base: api_base.trim_end_matches('/').to_owned(),
            secret_key: secret_key.to_owned(),
            webhook_secret: webhook_secret.to_owned(),
            publishable_key: publishable_key.to_owned(),
            client,
        })
    }

    async fn call<T: serde::de::DeserializeOwned>(
        &self,
        method: reqwest::Method,
        path: &str,
        form: &[(&str, String)],
        idempotency_key: Option<&str>,
    ) -> Result<T, StripeError> {
        let mut request = self
            .client
            .request(method.clone(), format!("{}{path}", self.api_base))
            .bearer_auth(&self.secret_key);
        if let Some(key) = idempotency_key {
            request = request.header("Idempotency-Key", key);
        }
        if method == reqwest::Method::POST {
            let body = url::form_urlencoded::Serializer::new(String::new())
                .extend_pairs(form.iter().map(|(k, v)| (*k, v.as_str())))
                .finish();
            request = request
                .header("Content-Type", "application/x-www-form-urlencoded")
                .body(body);
        }
        let response = request
            .send()
            .await
            .map_err(|e| StripeError::Unavailable(e.without_url().to_string()))?;
        let status = response.status().as_u16();
        let bytes = response
            .bytes()
            .await
            .map_err(|e| StripeError::Unavailable(e.without_url().to_string()))?;
        if (200..300).contains(&status) {
            return serde_json::from_slice(&bytes)
                .map_err(|e| StripeError::Unavailable(format!("unreadable answer: {e}")));
        }
        match serde_json::from_slice::<ErrorBody>(&bytes) {
            Ok(ErrorBody { error }) => Err(StripeError::Refused {
                status,
                kind: error.kind,
                code: error.code.unwrap_or_default(),
                message: error
                    .message
                    .unwrap_or_else(|| format!("Stripe answered {status}.")),
                payment_intent: error.payment_intent.map(Box::new),
            }),
            Err(_) if status >= 500 => Err(StripeError::Unavailable(format!("HTTP {status}"))),
            Err(_) => Err(StripeError::Refused {
                status,
                kind: String::new(),
                code: String::new(),
                message: format!("Stripe answered {status}."),
                payment_intent: None,
            }),
        }
    }

    /// A customer for an organisation (`POST /v1/customers`), once: the
    /// idempotency key names the organisation.
    pub async fn create_customer(
        &self,
        organisation_id: i64,
        name: &str,
        email: &str,
    ) -> Result<String, StripeError> {
        let created: Created = self
            .call(
                reqwest::Method::POST,
                "/v1/customers",
                &[
                    ("name", name.to_owned()),
                    ("email", email.to_owned()),
                    ("metadata[laurel_organisation]", organisation_id.to_string()),
                ],
                Some(&format!("laurel-customer-{organisation_id}")),
            )
            .await?;
        Ok(created.id)
    }

    /// A SetupIntent that saves a card for later charges
    /// (`POST /v1/setup_intents`, `usage=off_session`).
    pub async fn create_setup_intent(&self, customer: &str) -> Result<SetupIntent, StripeError> {
        self.call(
            reqwest::Method::POST,
            "/v1/setup_intents",
            &[
                ("customer", customer.to_owned()),
                ("usage", "off_session".to_owned()),
                ("payment_method_types[]", "card".to_owned()),
            ],
            None,
        )
        .await
    }

    pub async fn setup_intent(&self, id: &str) -> Result<SetupIntent, StripeError> {
        self.call(
            reqwest::Method::GET,
            &format!("/v1/setup_intents/{}", path_part(id)?),
            &[],
            None,
        )
        .await
    }

    pub async fn payment_method(&self, id: &str) -> Result<PaymentMethod, StripeError> {
        self.call(
            reqwest::Method::GET,
            &format!("/v1/payment_methods/{}", path_part(id)?),
            &[],
            None,
        )
        .await
    }

    /// Charges a saved card off-session for invoice `number`
    /// (`POST /v1/payment_intents`, `confirm=true`), once per invoice.
    pub async fn charge(
        &self,
        number: &str,
        amount: i64,
        currency: &str,
        customer: &str,
        payment_method: &str,
    ) -> Result<PaymentIntent, StripeError> {
        self.call(
            reqwest::Method::POST,
            "/v1/payment_intents",
            &[
                ("amount", amount.to_string()),
                ("currency", currency.to_ascii_lowercase()),
                ("customer", customer.to_owned()),
                ("payment_method", payment_method.to_owned()),
                ("confirm", "true".to_owned()),
                ("off_session", "true".to_owned()),
                ("description", format!("Laurel invoice {number}")),
                ("metadata[laurel_invoice]", number.to_owned()),
            ],
            Some(&format!("laurel-invoice-{number}")),
        )
        .await
    }

    pub async fn payment_intent(&self, id: &str) -> Result<PaymentIntent, StripeError> {
        self.call(
            reqwest::Method::GET,
            &format!("/v1/payment_intents/{}", path_part(id)?),
            &[],
            None,
        )
        .await
    }

    /// Retries a declined PaymentIntent with the card on file
    /// (`POST /v1/payment_intents/{id}/confirm`), once per attempt.
    pub async fn retry(
        &self,
        number: &str,
        attempt: i32,
        payment_intent: &str,
        payment_method: &str,
    ) -> Result<PaymentIntent, StripeError> {
        self.call(
            reqwest::Method::POST,
            &format!("/v1/payment_intents/{}/confirm", path_part(payment_intent)?),
            &[
                ("payment_method", payment_method.to_owned()),
                ("off_session", "true".to_owned()),
            ],
            Some(&format!("laurel-invoice-{number}-attempt-{attempt}")),
        )
        .await
    }

    /// Checks a webhook's `Stripe-Signature` header (`t=…,v1=…[,v1=…]`:
    /// HMAC-SHA256 of `t.payload` under the endpoint's secret, within
    /// [`WEBHOOK_TOLERANCE_SECONDS`] of `now`) and parses the event.
    pub fn verify_event(&self, payload: &[u8], header: &str, now: i64) -> Result<Event, String> {
        verify_signature(&self.webhook_secret, payload, header, now)?;
        serde_json::from_slice(payload).map_err(|e| format!("not a Stripe event: {e}"))
    }
}

/// The signature check of [`Stripe::verify_event`].
pub fn verify_signature(
    secret: &str,
    payload: &[u8],
    header: &str,
    now: i64,
) -> Result<(), String> {
    use aws_lc_rs::hmac;
    let mut timestamp = None;
    let mut signatures = Vec::new();
    for part in header.split(',') {
        match part.trim().split_once('=') {
            Some(("t", t)) => timestamp = t.parse::<i64>().ok(),
            Some(("v1", v)) => signatures.extend(hex::decode(v).ok()),
            _ => {}
        }
    }
    let t = timestamp.ok_or("the Stripe-Signature header has no timestamp")?;
    if (now - t).abs() > WEBHOOK_TOLERANCE_SECONDS {
        return Err("the Stripe-Signature timestamp is too old or in the future".into());
    }
    let key = hmac::Key::new(hmac::HMAC_SHA256, secret.as_bytes());
    let mut signed = format!("{t}.").into_bytes();
    signed.extend_from_slice(payload);
    if signatures
        .iter()
        .any(|s| hmac::verify(&key, &signed, s).is_ok())
    {
        Ok(())
    } else {
        Err("no v1 signature in the Stripe-Signature header matches".into())
    }
}

/// The `Stripe-Signature` header Stripe would send for `payload` at `t`
/// (tests, and the stub's webhooks).
pub fn sign_event(secret: &str, payload: &[u8], t: i64) -> String {
    use aws_lc_rs::hmac;
    let key = hmac::Key::new(hmac::HMAC_SHA256, secret.as_bytes());
    let mut signed = format!("{t}.").into_bytes();
    signed.extend_from_slice(payload);
    format!(
        "t={t},v1={}",
        hex::encode(hmac::sign(&key, &signed).as_ref())
    )
}

/// An id placed in a URL path: Stripe's ids are `prefix_` + alphanumerics.
fn path_part(id: &str) -> Result<&str, StripeError> {
    if !id.is_empty()
        && id.len() <= 255
        && id.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_')
    {
        Ok(id)
    } else {
        Err(StripeError::Refused {
            status: 400,
            kind: "invalid_request_error".into(),
            code: "laurel_bad_id".into(),
            message: "That is not a Stripe id.".into(),
            payment_intent: None,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn webhook_signatures_are_checked() {
        let body = br#"{"id":"evt_1","type":"ping","data":{"object":{}}}"#;
        let header = sign_event("whsec_test", body, 1_700_000_000);
        assert!(verify_signature("whsec_test", body, &header, 1_700_000_010).is_ok());
        // Another secret, another body, a stale or missing timestamp.
        assert!(verify_signature("whsec_other", body, &header, 1_700_000_010).is_err());
        assert!(verify_signature("whsec_test", b"{}", &header, 1_700_000_010).is_err());
        assert!(verify_signature("whsec_test", body, &header, 1_700_000_400).is_err());
        let no_t = header.split(',').nth(1).unwrap();
        assert!(verify_signature("whsec_test", body, no_t, 1_700_000_000).is_err());
        // Several v1 signatures (a rolled secret): one match is enough.
        let both = format!("{header},v1={}", "00".repeat(32));
        assert!(verify_signature("whsec_test", body, &both, 1_700_000_000).is_ok());
    }

    #[test]
    fn ids_in_paths_are_plain() {
        assert!(path_part("pi_3Abc123").is_ok());
        for bad in ["", "pi_1/../../v1/charges", "pi 1", "pi_1?x=1"] {
            assert!(path_part(bad).is_err(), "{bad}");
        }
    }
}
