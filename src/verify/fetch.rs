//! How the verifier reaches the documents a badge points to (hosted
//! assertions, badge classes, issuer profiles, keys, revocation lists).
//!
//! The verifier never opens a connection itself: everything goes through a
//! [`Fetcher`]. The server implements it with a bounded HTTP client (timeouts,
//! a size limit, a redirect limit, no private or loopback addresses), because
//! every URL here comes from a stranger's badge; tests use an in-memory map.

use std::future::Future;

/// Where the verifier gets documents from.
///
/// `accept` is the HTTP `Accept` header to send. The verifier only asks for
/// `http://` and `https://` URLs, without fragments, and at most once per URL
/// and verification.
pub trait Fetcher {
    fn fetch(
        &self,
        url: &str,
        accept: &str,
    ) -> impl Future<Output = Result<Fetched, FetchError>> + Send;
}

/// A response, whatever its status: the verifier decides what a 404 or a 410
/// means (a 410 Gone is how issuers revoke hosted badges).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fetched {
    pub status: u16,
    pub content_type: Option<String>,
    pub body: Vec<u8>,
    /// The URL after redirects (the requested one when there were none).
    pub final_url: String,
}

/// Why a document could not be fetched. Each `Display` is a sentence naming
/// the URL, meant to be shown as is.
#[derive(thiserror::Error, Debug, Clone, PartialEq, Eq)]
pub enum FetchError {
    #[error(
        "Laurel did not fetch {url}, because it leads to a private or loopback address ({reason})."
    )]
    Blocked { url: String, reason: String },
    #[error("The document at {url} is larger than {limit} bytes, the most Laurel fetches.")]
    TooLarge { url: String, limit: usize },
    #[error("The server at {url} did not answer in time.")]
    Timeout { url: String },
    #[error("The server at {url} redirected too many times.")]
    TooManyRedirects { url: String },
    #[error("Laurel could not reach {url} ({reason}).")]
    Network { url: String, reason: String },
    #[error("“{url}” is not an http:// or https:// URL Laurel can fetch.")]
    BadUrl { url: String },
}

impl FetchError {
    /// The URL that could not be fetched.
    pub fn url(&self) -> &str {
        match self {
            FetchError::Blocked { url, .. }
            | FetchError::TooLarge { url, .. }
            | FetchError::Timeout { url }
            | FetchError::TooManyRedirects { url }
            | FetchError::Network { url, .. }
            | FetchError::BadUrl { url } => url,
        }
    }
}
