//! The request side of authentication: the session cookie, the client's IP
//! and user agent, and the signed-in user of this request. Passwords, tokens
//! and rate limits are `laurel_service::accounts`.

use chrono::{Duration, Utc};
use cookie::{Cookie, SameSite};
use laurel_service::accounts::{slid_expiry, token_hash, SESSION_IDLE};
use laurel_service::mfa::CHALLENGE_TTL;
use laurel_store::SessionUser;
use leptos::prelude::*;

use crate::error::AppError;

/// The session cookie's name (on plain http; see [`cookie_name`]).
pub const SESSION_COOKIE: &str = "laurel_session";
/// The cookie of a sign-in waiting for its second step. It is read by the
/// second step only and grants nothing else.
pub const CHALLENGE_COOKIE: &str = "laurel_2fa";

/// The one place a cookie's name is chosen. On https every cookie Laurel
/// sets is `__Host-` prefixed: browsers then accept it only with `Secure`,
/// `Path=/` and no `Domain`, so neither a neighbouring subdomain nor a
/// plain-http response (a network attacker's) can plant or overwrite it;
/// and only the prefixed name is read, so an unprefixed cookie planted that
/// way is ignored. Plain http (development, tests) keeps the bare name,
/// since browsers refuse the prefix without `Secure`.
pub fn cookie_name(base: &str, https: bool) -> String {
    if https {
        format!("__Host-{base}")
    } else {
        base.to_owned()
    }
}

/// Whether this server's public URL is https (cookies get `Secure` and
/// the `__Host-` prefix).
fn https() -> bool {
    super::context().is_ok_and(|ctx| ctx.https())
}

fn response() -> Option<leptos_axum::ResponseOptions> {
    use_context::<leptos_axum::ResponseOptions>()
}

fn request() -> Option<http::request::Parts> {
    use_context::<http::request::Parts>()
}

/// Sets the session cookie of a new session: HttpOnly, SameSite=Lax, Secure
/// on https.
pub fn set_session_cookie(token: &str, secure: bool) {
    set_session_cookie_for(token, secure, SESSION_IDLE);
}

/// The session cookie, kept by the browser for `lifetime` (the session's
/// own expiry, which slides as it is used).
fn set_session_cookie_for(token: &str, secure: bool, lifetime: Duration) {
    let cookie = Cookie::build((cookie_name(SESSION_COOKIE, secure), token.to_owned()))
        .path("/")
        .http_only(true)
        .same_site(SameSite::Lax)
        .secure(secure)
        .max_age(cookie::time::Duration::seconds(
            lifetime.num_seconds().max(0),
        ))
        .build();
    if let (Some(res), Ok(value)) = (response(), http::HeaderValue::from_str(&cookie.to_string())) {
        res.append_header(http::header::SET_COOKIE, value);
    }
}

pub fn clear_session_cookie(secure: bool) {
    let cookie = Cookie::build((cookie_name(SESSION_COOKIE, secure), ""))
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
    session_token_in(&request()?.headers, https())
}

/// The session token in these request headers, if any (for the few axum
/// routes outside Leptos that serve something to its owner only).
pub fn session_token_in(headers: &http::HeaderMap, https: bool) -> Option<String> {
    cookie_in(headers, &cookie_name(SESSION_COOKIE, https))
}

/// The client's address: the peer, or — when the server is told to trust
/// its proxy — the hop that proxy added (`laurel_service::net::client_addr`).
pub fn client_ip() -> String {
    let Some(parts) = request() else {
        return String::new();
    };
    let trust_proxy = use_context::<super::ServerContext>().is_some_and(|c| c.trust_forwarded_for);
    let peer = parts
        .extensions
        .get::<axum::extract::ConnectInfo<std::net::SocketAddr>>()
        .map(|c| c.0.ip());
    let forwarded_for = parts
        .headers
        .get_all("x-forwarded-for")
        .iter()
        .filter_map(|v| v.to_str().ok());
    laurel_service::net::client_addr(forwarded_for, peer, trust_proxy)
        .map(|ip| ip.to_string())
        .unwrap_or_default()
}

/// What per-address rate limits count this client under (its IPv6 /64,
/// `laurel_service::net::rate_key`).
pub fn client_net() -> String {
    laurel_service::net::rate_key(&client_ip())
}

/// The password attempts of one account: the counters [`limit_password`]
/// keeps, cleared together after a right password.
pub struct PasswordAttempts([String; 2]);

impl PasswordAttempts {
    /// Forgets the failed attempts (the password was right).
    pub async fn clear(&self) -> Result<(), AppError> {
        let ctx = super::context()?;
        for key in &self.0 {
            ctx.store.clear_rate_limit(key).await?;
        }
        Ok(())
    }
}

/// Counts a password attempt for the account of `email`: five wrong ones
/// from one network lock that account for that network for 15 minutes — so
/// a stranger guessing from elsewhere cannot lock its owner out — and 50
/// from all networks together slow a guesser who rotates them. Every
/// sign-in with a password (`account/login`, `members/accept_invite_existing`)
/// counts here.
pub async fn limit_password(email: &str) -> Result<PasswordAttempts, AppError> {
    let ctx = super::context()?;
    let keys = [
        format!("login:account:{email}:from:{}", client_net()),
        format!("login:account:{email}"),
    ];
    for (key, limit) in keys.iter().zip([5, 50]) {
        laurel_service::accounts::rate_limit(&ctx.store, key, limit, 900).await?;
    }
    Ok(PasswordAttempts(keys))
}

/// Counts this request against the per-address limit `what` (`limit`
/// attempts per `window_secs`, by [`client_net`]): every per-address limit
/// of a server function goes through here.
pub async fn limit_address(what: &str, limit: i64, window_secs: i64) -> Result<(), AppError> {
    let ctx = super::context()?;
    laurel_service::accounts::rate_limit(
        &ctx.store,
        &format!("{what}:ip:{}", client_net()),
        limit,
        window_secs,
    )
    .await
    .map_err(Into::into)
}

/// What analytics may know of this request's visitor (held in memory only:
/// hashed with the day's salt, the referrer reduced to a class).
pub fn visit() -> laurel_service::analytics::Visit {
    let parts = request();
    let via_embed = parts
        .as_ref()
        .and_then(|p| p.uri.query())
        .is_some_and(|q| q.split('&').any(|pair| pair == "via=embed"));
    let referer = parts.as_ref().and_then(|p| {
        p.headers
            .get(http::header::REFERER)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned)
    });
    laurel_service::analytics::Visit {
        ip: client_ip(),
        user_agent: user_agent(),
        referer,
        via_embed,
    }
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
    // Slide the expiry at most once a minute, not on every request — never
    // past the session's absolute lifetime — and the cookie's with it.
    let now = Utc::now();
    if now - user.last_seen_at > Duration::minutes(1) {
        let expires = slid_expiry(user.created_at, now);
        ctx.store.touch_session(&hash, expires).await?;
        set_session_cookie_for(&token, ctx.https(), expires - now);
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

/// Asks for the signed-in user's own password again before a change to
/// how the account is protected (its password, two-factor authentication).
/// A wrong one is audited as `event` and answered with `wrong`. The caller
/// limits the attempts first.
pub async fn confirm_password(
    user: &SessionUser,
    password: &str,
    event: laurel::AuditEvent,
    wrong: &str,
) -> Result<(), AppError> {
    let ctx = super::context()?;
    let account = ctx
        .store
        .user_by_email(&user.email)
        .await?
        .ok_or(AppError::Unauthorized)?;
    if laurel_service::accounts::verify_password(Some(&account.password_hash), password).await? {
        return Ok(());
    }
    ctx.store
        .audit(laurel_store::Audit {
            organisation_id: None,
            user_id: Some(user.user_id),
            event,
            detail: "wrong password".into(),
            ip: &client_ip(),
        })
        .await?;
    Err(AppError::Invalid(wrong.to_owned()))
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

/// The cookie that carries a new API token to the one page load that shows
/// it: sealed with the master key for this user
/// (`laurel_service::api::seal_new_token`), HttpOnly, SameSite=Strict, two
/// minutes.
const TOKEN_FLASH_COOKIE: &str = "laurel_new_token";
const TOKEN_FLASH_TTL: i64 = 120;

fn token_flash_cookie(value: String, ttl: i64, secure: bool) -> Cookie<'static> {
    Cookie::build((cookie_name(TOKEN_FLASH_COOKIE, secure), value))
        .path("/")
        .http_only(true)
        .same_site(SameSite::Strict)
        .secure(secure)
        .max_age(cookie::time::Duration::seconds(ttl))
        .build()
}

pub fn set_token_flash(ctx: &laurel_service::ServerContext, user_id: i64, token: &str) {
    let sealed = laurel_service::api::seal_new_token(&ctx.master_key, user_id, token);
    set_cookie(token_flash_cookie(sealed, TOKEN_FLASH_TTL, ctx.https()));
}

/// The new token waiting to be shown to `user_id`, once: the cookie is
/// cleared in the same response.
pub fn take_token_flash(ctx: &laurel_service::ServerContext, user_id: i64) -> Option<String> {
    let sealed = cookie_in(
        &request()?.headers,
        &cookie_name(TOKEN_FLASH_COOKIE, ctx.https()),
    )?;
    set_cookie(token_flash_cookie(String::new(), 0, ctx.https()));
    laurel_service::api::open_new_token(&ctx.master_key, user_id, &sealed)
}

/// A cookie of these request headers, by name (an empty value is none).
fn cookie_in(headers: &http::HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(http::header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(Cookie::split_parse)
        .filter_map(Result::ok)
        .find(|c| c.name() == name)
        .map(|c| c.value().to_owned())
        .filter(|v| !v.is_empty())
}

/// Sets the cookie of a sign-in waiting for its second step (HttpOnly,
/// SameSite=Lax, Secure on https, 10 minutes).
pub fn set_challenge_cookie(token: &str, secure: bool) {
    set_cookie(
        Cookie::build((cookie_name(CHALLENGE_COOKIE, secure), token.to_owned()))
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
        Cookie::build((cookie_name(CHALLENGE_COOKIE, secure), ""))
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
    cookie_in(&request()?.headers, &cookie_name(CHALLENGE_COOKIE, https()))
}
