//! Server-side helpers shared by server functions and components: the one
//! place that reads the request context.

pub mod access;
pub mod auth;
pub mod batches;
pub mod documents;
pub mod invitations;
pub mod issuing;
pub mod jobs;
pub mod mail;
pub mod mfa;
pub mod register;
pub mod templates;
pub mod uploads;
pub mod urls;

use std::sync::Arc;

use laurel::crypto::MasterKey;
use laurel::Subdomain;
use leptos::prelude::*;

use crate::error::AppError;
use crate::store::Store;

/// What every server function may use, provided by the server for each
/// request (`leptos_routes_with_context`).
#[derive(Clone)]
pub struct ServerContext {
    pub store: Store,
    /// Public base URL without trailing slash, e.g. `https://badges.example.org`.
    pub public_url: Arc<str>,
    /// Seals and opens issuers' private keys.
    pub master_key: Arc<MasterKey>,
    /// Take the client address from `X-Forwarded-For` (behind a proxy).
    pub trust_forwarded_for: bool,
    /// Wildcard base domain: organisations live at `{subdomain}.{this}`.
    pub base_domain: Option<Arc<str>>,
}

impl ServerContext {
    /// True when the public URL is https (cookies get `Secure`).
    pub fn https(&self) -> bool {
        self.public_url.starts_with("https://")
    }
}

impl ServerContext {
    /// The public base URL of an organisation's pages and badges (path-based).
    pub fn organisation_url(&self, subdomain: &Subdomain) -> String {
        self.urls(subdomain.as_str()).home()
    }

    /// Every public URL of an organisation's badges.
    pub fn urls(&self, subdomain: &str) -> urls::OrgUrls {
        match &self.base_domain {
            Some(domain) => urls::OrgUrls::on_host(&self.public_url, domain, subdomain),
            None => urls::OrgUrls::new(&self.public_url, subdomain),
        }
    }
}

/// The request's [`ServerContext`].
pub fn context() -> Result<ServerContext, AppError> {
    use_context::<ServerContext>().ok_or_else(|| {
        tracing::error!("server context is missing from the request (a wiring bug)");
        AppError::Internal
    })
}

/// A file download answered by a `GetUrl`/`StreamingText` server function:
/// the body is `text`, the headers make the browser save it as `file_name`.
pub fn download(file_name: &str, text: String) -> leptos::server_fn::codec::TextStream<AppError> {
    if let Some(response) = use_context::<leptos_axum::ResponseOptions>() {
        response.insert_header(
            http::header::CONTENT_TYPE,
            http::HeaderValue::from_static("text/csv; charset=utf-8"),
        );
        if let Ok(value) =
            http::HeaderValue::from_str(&format!("attachment; filename=\"{file_name}\""))
        {
            response.insert_header(http::header::CONTENT_DISPOSITION, value);
        }
        response.insert_header(
            http::header::CACHE_CONTROL,
            http::HeaderValue::from_static("no-store"),
        );
    }
    leptos::server_fn::codec::TextStream::from(futures::stream::once(async move { text }))
}

/// Sets the HTTP status of the page being rendered (routes that need it use
/// `SsrMode::Async`, so the status is set before the headers are sent).
pub fn set_status(status: http::StatusCode) {
    if let Some(response) = use_context::<leptos_axum::ResponseOptions>() {
        response.set_status(status);
    }
}

/// Makes the per-request CSP nonce that the server's security middleware put
/// in the request extensions available to `<HydrationScripts>`, so the inline
/// bootstrap script is allowed by `script-src 'nonce-…'` and nothing else is.
pub fn provide_request_nonce() {
    let nonce = use_context::<http::request::Parts>()
        .and_then(|parts| parts.extensions.get::<leptos::nonce::Nonce>().cloned());
    if let Some(nonce) = nonce {
        provide_context(nonce);
    }
}
