//! The request side of the server: the one place that reads the Leptos
//! request context — the [`ServerContext`] the server provides, the session
//! cookie and the signed-in user ([`auth`]), organisation roles ([`access`]),
//! multipart uploads ([`uploads`]), downloads, the page's HTTP status and the
//! CSP nonce. Everything else the server does is `laurel_service`, and all
//! SQL is `laurel_store`.

pub mod access;
pub mod auth;
pub mod uploads;

use laurel_service::ServerContext;
use leptos::prelude::*;

use crate::error::AppError;

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
    set_attachment("text/csv; charset=utf-8", file_name);
    leptos::server_fn::codec::TextStream::from(futures::stream::once(async move { text }))
}

/// Sets the HTTP status of the page being rendered (routes that need it use
/// `SsrMode::Async`, so the status is set before the headers are sent).
pub fn set_status(status: http::StatusCode) {
    if let Some(response) = use_context::<leptos_axum::ResponseOptions>() {
        response.set_status(status);
    }
}

/// Answers the page being rendered with `302 Found` to `location` (a path
/// of this site); like [`set_status`], for `SsrMode::Async` routes.
pub fn set_redirect(location: &str) {
    if let (Some(response), Ok(value)) = (
        use_context::<leptos_axum::ResponseOptions>(),
        http::HeaderValue::from_str(location),
    ) {
        response.set_status(http::StatusCode::FOUND);
        response.insert_header(http::header::LOCATION, value);
    }
}

/// Marks a server function's answer as a file to download, never cached:
/// `filename` must be a plain ASCII name.
pub fn set_attachment(content_type: &'static str, filename: &str) {
    let Some(response) = use_context::<leptos_axum::ResponseOptions>() else {
        return;
    };
    response.insert_header(
        http::header::CONTENT_TYPE,
        http::HeaderValue::from_static(content_type),
    );
    if let Ok(value) = http::HeaderValue::from_str(&format!("attachment; filename=\"{filename}\""))
    {
        response.insert_header(http::header::CONTENT_DISPOSITION, value);
    }
    response.insert_header(
        http::header::CACHE_CONTROL,
        http::HeaderValue::from_static("no-store"),
    );
}

/// The path of the page being rendered ("" outside a request).
pub fn request_path() -> String {
    use_context::<http::request::Parts>()
        .map(|parts| parts.uri.path().to_owned())
        .unwrap_or_default()
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
