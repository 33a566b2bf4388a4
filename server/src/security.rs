//! Response headers that every answer carries: a Content-Security-Policy with
//! a fresh nonce per request (the only inline script allowed is Leptos'
//! hydration bootstrap, which carries that nonce), and the usual hardening
//! headers.

use axum::{
    extract::{Request, State},
    middleware::Next,
    response::Response,
};
use http::{header, HeaderName, HeaderValue};
use leptos::nonce::Nonce;

/// Settings the middleware needs (taken from the configuration at start).
#[derive(Clone, Copy, Debug)]
pub struct SecurityConfig {
    /// Send `Strict-Transport-Security` (the public URL is https).
    pub hsts: bool,
    /// Stripe is configured: its card form (script, frames, API) is let in.
    pub stripe: bool,
}

pub async fn headers(
    State(config): State<SecurityConfig>,
    mut request: Request,
    next: Next,
) -> Response {
    let nonce = Nonce::new();
    request.extensions_mut().insert(nonce.clone());
    let private = is_private_path(request.uri().path());
    let mut response = next.run(request).await;
    let h = response.headers_mut();
    // Pages and answers for one signed-in person (and the sign-in, reset and
    // invitation pages, which carry tokens in their URLs) stay out of every
    // cache, the browser's back-forward one included.
    if private && !h.contains_key(header::CACHE_CONTROL) {
        h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    // `img-src blob:`: the designer previews a chosen image from an object
    // URL before upload. Only the page's own (nonce-checked) scripts can make
    // blob URLs, so this lets in nothing from elsewhere.
    // Stripe's card form (Stripe.js, its frames and API) only when Stripe
    // is configured.
    let (stripe_script, stripe_frame, stripe_connect) = if config.stripe {
        (
            " https://js.stripe.com",
            "; frame-src https://js.stripe.com https://hooks.stripe.com",
            " https://api.stripe.com",
        )
    } else {
        ("", "", "")
    };
    let csp = format!(
        "default-src 'self'; script-src 'self' 'nonce-{nonce}' 'wasm-unsafe-eval'{stripe_script}; \
         style-src 'self'; img-src 'self' data: blob: https:; font-src 'self'; connect-src 'self'{stripe_connect}; \
         object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'{stripe_frame}"
    );
    // A handler's own policy stands (an SVG image's `sandbox`, stricter than
    // the pages'): the site-wide one only fills in where there is none.
    if !h.contains_key(header::CONTENT_SECURITY_POLICY) {
        if let Ok(value) = HeaderValue::from_str(&csp) {
            h.insert(header::CONTENT_SECURITY_POLICY, value);
        }
    }
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    h.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("strict-origin-when-cross-origin"),
    );
    h.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    h.insert(
        HeaderName::from_static("cross-origin-opener-policy"),
        HeaderValue::from_static("same-origin"),
    );
    h.insert(
        HeaderName::from_static("permissions-policy"),
        HeaderValue::from_static("camera=(), microphone=(), geolocation=(), payment=()"),
    );
    if config.hsts {
        h.insert(
            header::STRICT_TRANSPORT_SECURITY,
            HeaderValue::from_static("max-age=31536000; includeSubDomains"),
        );
    }
    response
}

/// Paths whose answers are someone's own (or carry a one-time token):
/// the portal, the wallet, account and security pages, sign-in, sign-up,
/// activation, invitations, claims, password reset, and every server
/// function (`/api/…`, except the public REST API's documents, which set
/// their own caching).
fn is_private_path(path: &str) -> bool {
    const PREFIXES: &[&str] = &[
        "/portal",
        "/wallet",
        "/account",
        "/login",
        "/signup",
        "/activate",
        "/join",
        "/invite",
        "/claim",
        "/password",
        "/api/",
    ];
    PREFIXES.iter().any(|p| {
        path.strip_prefix(p)
            .is_some_and(|rest| p.ends_with('/') || rest.is_empty() || rest.starts_with('/'))
    }) && !path.starts_with("/api/v1/")
}

/// Refuses state-changing requests from other sites (CSRF): a POST, PUT,
/// PATCH or DELETE must come from Laurel's own origin, shown by `Origin`
/// (every current browser sends it on such requests) or, failing that,
/// `Referer`. The session cookie is also `SameSite=Lax`; this is the second,
/// independent lock.
pub async fn same_origin(
    State(allowed): State<std::sync::Arc<str>>,
    request: Request,
    next: Next,
) -> Response {
    use axum::response::IntoResponse;
    let method = request.method();
    let safe = matches!(
        *method,
        http::Method::GET | http::Method::HEAD | http::Method::OPTIONS
    );
    if safe {
        return next.run(request).await;
    }
    // Computed before any await: the request body is not `Sync`, so no
    // borrow of the request may live across one.
    // A present `Origin` decides alone: `Origin: null` (a sandboxed frame,
    // a data: URL, a redirect from elsewhere) is refused even when the
    // `Referer` names Laurel. Only without it is `Referer` asked.
    let origin = if request.headers().contains_key(header::ORIGIN) {
        origin_of(request.headers(), header::ORIGIN)
    } else {
        origin_of(request.headers(), header::REFERER)
    };
    match origin {
        Some(o) if o == *allowed => next.run(request).await,
        other => {
            tracing::warn!(
                origin = other.as_deref().unwrap_or("none"),
                path = %request.uri().path(),
                "cross-site request refused"
            );
            (
                http::StatusCode::FORBIDDEN,
                "Cross-site request refused: this form must be sent from Laurel's own pages.\n",
            )
                .into_response()
        }
    }
}

fn origin_of(headers: &http::HeaderMap, name: header::HeaderName) -> Option<String> {
    headers
        .get(name)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| url::Url::parse(v).ok())
        .map(|u| u.origin().ascii_serialization())
}
