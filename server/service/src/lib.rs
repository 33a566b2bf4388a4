//! Laurel's services: everything the server does that is neither SQL
//! (`laurel_store`) nor a page (`laurel_app`): issuing and signing
//! ([`issuing::Issuer::issue`], the one place an award is made), CSV batches,
//! the durable job worker, mail, the Open Badges documents and every public
//! URL ([`urls::OrgUrls`]), verifying badges from anywhere
//! ([`verification`], through the bounded [`fetch::HttpFetcher`]), templates, invitations, passwords and second
//! factors. No Leptos, no HTTP request: server functions and axum handlers
//! call in with a [`ServerContext`], and get a [`ServiceError`] back.

pub mod accounts;
pub mod analytics;
pub mod api;
pub mod batches;
pub mod billing;
pub mod documents;
pub mod embed;
mod error;
pub mod export;
pub mod fetch;
pub mod hosted;
pub mod imports;
pub mod invitations;
pub mod invoice_pdf;
pub mod issuing;
pub mod jobs;
pub mod mail;
pub mod maintenance;
pub mod mfa;
pub mod net;
pub mod remote;
pub mod sending;
pub mod share_image;
pub mod sitemap;
pub mod stripe;
pub mod templates;
pub mod urls;
pub mod verification;
pub mod webhooks;

use std::sync::{Arc, Mutex};

use chrono::{DateTime, Utc};

use laurel::crypto::MasterKey;
use laurel_store::Store;

pub use error::ServiceError;

/// The default of [`ServerContext::api_per_minute`].
pub const DEFAULT_API_PER_MINUTE: i64 = 600;

/// Days raw analytics events are kept unless configured otherwise.
pub const DEFAULT_ANALYTICS_KEEP_DAYS: i64 = 90;

/// What every request handler and job may use: the store and the server's
/// configuration. The server builds one at start-up; server functions get it
/// from the request context (`laurel_app::ssr::context`).
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
    /// The verifier's bounded, SSRF-safe HTTP client (`/verify`, imports,
    /// webhook deliveries).
    pub fetcher: fetch::HttpFetcher,
    /// Requests a minute the machines' APIs take per organisation (remote
    /// issuing) and per token (REST API): `LAUREL_API_PER_MINUTE`.
    pub api_per_minute: i64,
    /// Payment providers and terms (`LAUREL_STRIPE_*`, bank details).
    pub billing: billing::BillingConfig,
    /// The time billing and issuing go by: the system's, or one a test sets.
    pub clock: Clock,
    /// The public surfaces' analytics events, written in batches off the
    /// request's path.
    pub events: analytics::EventSink,
    /// Days raw analytics events are kept (`LAUREL_ANALYTICS_RETENTION_DAYS`;
    /// the daily rollup is kept for good).
    pub analytics_keep_days: i64,
    /// The hosted Open Badges documents this instance served, kept while
    /// the database's document generation stands (see [`hosted`]).
    pub documents: hosted::DocumentCache,
}

/// The time subscriptions, trials and invoices go by. The server uses the
/// system clock; tests set one and move it through months of billing.
#[derive(Clone, Default)]
pub struct Clock(Option<Arc<Mutex<DateTime<Utc>>>>);

impl Clock {
    /// The system clock.
    pub fn system() -> Self {
        Self(None)
    }

    /// A clock that stands at `at` until [`Clock::set`] or
    /// [`Clock::advance`] moves it (tests).
    pub fn fixed(at: DateTime<Utc>) -> Self {
        Self(Some(Arc::new(Mutex::new(at))))
    }

    pub fn now(&self) -> DateTime<Utc> {
        match &self.0 {
            None => Utc::now(),
            Some(t) => *t.lock().unwrap_or_else(|e| e.into_inner()),
        }
    }

    /// Moves a fixed clock to `at` (no effect on the system clock).
    pub fn set(&self, at: DateTime<Utc>) {
        if let Some(t) = &self.0 {
            *t.lock().unwrap_or_else(|e| e.into_inner()) = at;
        }
    }

    /// Moves a fixed clock on by `by`.
    pub fn advance(&self, by: chrono::Duration) {
        self.set(self.now() + by);
    }
}

impl ServerContext {
    /// A context with every optional setting at its default (no proxy, no
    /// base domain, no payment provider, private addresses refused, the
    /// system clock): what tools, tests and load runs start from, changing
    /// a field with `..ServerContext::new(…)` where they need to.
    pub fn new(store: Store, public_url: &str, master_key: Arc<MasterKey>) -> Self {
        Self {
            events: analytics::EventSink::new(store.clone()),
            store,
            public_url: Arc::from(public_url.trim_end_matches('/')),
            master_key,
            trust_forwarded_for: false,
            base_domain: None,
            fetcher: fetch::HttpFetcher::new(false),
            api_per_minute: DEFAULT_API_PER_MINUTE,
            billing: Default::default(),
            clock: Clock::system(),
            analytics_keep_days: DEFAULT_ANALYTICS_KEEP_DAYS,
            documents: hosted::DocumentCache::new(),
        }
    }

    /// True when the public URL is https (cookies get `Secure`).
    pub fn https(&self) -> bool {
        self.public_url.starts_with("https://")
    }

    /// The links Laurel's mails carry.
    pub fn site(&self) -> urls::SiteUrls {
        urls::SiteUrls::new(&self.public_url)
    }

    /// The host name of the public URL ("badges.example.org").
    pub fn host(&self) -> String {
        url::Url::parse(&self.public_url)
            .ok()
            .and_then(|u| u.host_str().map(str::to_owned))
            .unwrap_or_else(|| self.public_url.to_string())
    }

    /// The 1200×630 share image of a badge class (see [`share_image`]): an
    /// immutable URL whose key changes with what the picture shows.
    pub fn share_image(&self, subdomain: &str, issuer_name: &str, class_slug: &str) -> String {
        let key = share_image::key(class_slug, issuer_name, &self.host());
        self.urls(subdomain).share_image(class_slug, &key)
    }

    /// Every public URL of an organisation's badges.
    pub fn urls(&self, subdomain: &str) -> urls::OrgUrls {
        match &self.base_domain {
            Some(domain) => urls::OrgUrls::on_host(&self.public_url, domain, subdomain),
            None => urls::OrgUrls::new(&self.public_url, subdomain),
        }
    }
}
