//! The request side of authentication: the session cookie, the client's IP
//! and user agent, and the signed-in user of this request. Passwords, tokens
//! and rate limits are `laurel_service::accounts`.

use chrono::{Duration, Utc};
use cookie::{Cookie, SameSite};
use laurel_service::accounts::{token_hash, SESSION_IDLE};
use laurel_service::mfa::CHALLENGE_TTL;
use laurel_store::SessionUser;
use leptos::prelude::*;

use crate::error::AppError;

/// The session cookie's name.
pub const SESSION_COOKIE: &str = "laurel_session";
/// The cookie of a sign-in waiting for its second step. It is read by the
/// second step only and grants nothing else.
pub const CHALLENGE_COOKIE: &str = "laurel_2fa";

fn response() -> Option<leptos_axum::ResponseOptions> {
    use_context::<leptos_axum::ResponseOptions>()
}

fn request() -> Option<http::request::Parts> {
    use_context::<http::request::Parts>()
}

/// Sets the session cookie: HttpOnly, SameSite=Lax, Secure on https.
pub fn set_session_cookie(token: &str, secure: bool) {
    let cookie = Cookie::build((SESSION_COOKIE, token.to_owned()))
        .path("/")
        .http_only(true)
        .same_site(SameSite::Lax)
        .secure(secure)
        .max_age(cookie::time::Duration::seconds(SESSION_IDLE.num_seconds()))
        .build();
    if let (Some(res), Ok(value)) = (response(), http::HeaderValue::from_str(&cookie.to_string())) {
        res.append_header(http::header::SET_COOKIE, value);
    }
}

pub fn clear_session_cookie(secure: bool) {
    let cookie = Cookie::build((SESSION_COOKIE, ""))
        .path("/")
        .http_only(true)
        .same_site(SameSite::Lax)
        .secure(secure)
        .max_age(cookie::time::Duration::ZERO)
        .build();
    if let (Some(res), Ok(value)) = (response(), http::HeaderValue::from_str(&cookie.to_string())) {
        res.append_header(http::header::SET_COOKIE, value);
    }
}

/// The session token the browser sent, if any.
pub fn session_token() -> Option<String> {
    session_token_in(&request()?.headers)
}

/// The session token in these request headers, if any (for the few axum
/// routes outside Leptos that serve something to its owner only).
pub fn session_token_in(headers: &http::HeaderMap) -> Option<String> {
    headers
        .get_all(http::header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(Cookie::split_parse)
        .filter_map(Result::ok)
        .find(|c| c.name() == SESSION_COOKIE)
        .map(|c| c.value().to_owned())
        .filter(|v| !v.is_empty())
}

/// The client's address: the peer, or — when the server is told to trust
/// its proxy — the last `X-Forwarded-For` hop the proxy added.
pub fn client_ip() -> String {
    let Some(parts) = request() else {
        return String::new();
    };
    let trust_proxy = use_context::<super::ServerContext>().is_some_and(|c| c.trust_forwarded_for);
    if trust_proxy {
        if let Some(ip) = parts
            .headers
            .get("x-forwarded-for")
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.rsplit(',').next())
            .map(str::trim)
            .filter(|v| !v.is_empty())
        {
            return ip.to_owned();
        }
    }
    parts
        .extensions
        .get::<axum::extract::ConnectInfo<std::net::SocketAddr>>()
        .map(|c| c.0.ip().to_string())
        .unwrap_or_default()
}

pub fn user_agent() -> String {
    request()
        .and_then(|p| {
            p.headers
                .get(http::header::USER_AGENT)
                .and_then(|v| v.to_str().ok())
                .map(str::to_owned)
        })
        .unwrap_or_default()
        .chars()
        .take(300)
        .collect()
}

/// The signed-in user of this request, if the session is live.
pub async fn current_user() -> Result<Option<SessionUser>, AppError> {
    let Some(token) = session_token() else {
        return Ok(None);
    };
    let ctx = super::context()?;
    let hash = token_hash(&token);
    let Some(user) = ctx.store.session_user(&hash).await? else {
        return Ok(None);
    };
    // Slide the expiry at most once a minute, not on every request.
    if Utc::now() - user.last_seen_at > Duration::minutes(1) {
        ctx.store
            .touch_session(&hash, Utc::now() + SESSION_IDLE)
            .await?;
    }
    Ok(Some(user))
}

/// Where a sign-in lands: the portal for members of an organisation, the
/// wallet for everyone else (a holder has nothing in the portal).
pub async fn landing(user_id: i64) -> Result<&'static str, AppError> {
    let ctx = super::context()?;
    Ok(if ctx.store.memberships(user_id).await?.is_empty() {
        crate::paths::WALLET
    } else {
        "/portal"
    })
}

/// The signed-in user, or `Unauthorized`.
pub async fn require_user() -> Result<SessionUser, AppError> {
    current_user().await?.ok_or(AppError::Unauthorized)
}

fn set_cookie(cookie: Cookie<'_>) {
    if let (Some(res), Ok(value)) = (
        use_context::<leptos_axum::ResponseOptions>(),
        http::HeaderValue::from_str(&cookie.to_string()),
    ) {
        res.append_header(http::header::SET_COOKIE, value);
    }
}

/// Sets the cookie of a sign-in waiting for its second step (HttpOnly,
/// SameSite=Lax, Secure on https, 10 minutes).
pub fn set_challenge_cookie(token: &str, secure: bool) {
    set_cookie(
        Cookie::build((CHALLENGE_COOKIE, token.to_owned()))
            .path("/")
            .http_only(true)
            .same_site(SameSite::Lax)
            .secure(secure)
            .max_age(cookie::time::Duration::seconds(CHALLENGE_TTL.num_seconds()))
            .build(),
    );
}

pub fn clear_challenge_cookie(secure: bool) {
    set_cookie(
        Cookie::build((CHALLENGE_COOKIE, ""))
            .path("/")
            .http_only(true)
            .same_site(SameSite::Lax)
            .secure(secure)
            .max_age(cookie::time::Duration::ZERO)
            .build(),
    );
}

/// The challenge token the browser sent, if any.
pub fn challenge_token() -> Option<String> {
    let parts = use_context::<http::request::Parts>()?;
    parts
        .headers
        .get_all(http::header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(Cookie::split_parse)
        .filter_map(Result::ok)
        .find(|c| c.name() == CHALLENGE_COOKIE)
        .map(|c| c.value().to_owned())
        .filter(|v| !v.is_empty())
}
