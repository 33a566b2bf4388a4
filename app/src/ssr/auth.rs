//! Authentication building blocks: password hashing (argon2id), password
//! strength (zxcvbn), emailed tokens, server-side session cookies, the
//! client's IP, rate limits and the current user of a request.

use argon2::{Argon2, PasswordHasher, PasswordVerifier};
use base64::Engine as _;
use chrono::{DateTime, Duration, Utc};
use cookie::{Cookie, SameSite};
use leptos::prelude::*;
use sha2::{Digest, Sha256};

use crate::error::AppError;
use crate::store::{SessionUser, Store};

/// The session cookie's name.
pub const SESSION_COOKIE: &str = "laurel_session";
/// How long a session lives without use (sliding).
pub const SESSION_IDLE: Duration = Duration::days(14);
/// How long an emailed sign-up link stays valid.
pub const SIGNUP_LINK_TTL: Duration = Duration::hours(24);
/// Shortest password accepted, whatever its score.
pub const MIN_PASSWORD_CHARS: usize = 10;

/// An argon2id hash (PHC string) of `password`, with the crate's defaults
/// (OWASP's recommended m = 19 MiB, t = 2, p = 1) and a random salt.
pub fn hash_password(password: &str) -> Result<String, AppError> {
    Argon2::default()
        .hash_password(password.as_bytes())
        .map(|h| h.to_string())
        .map_err(|e| {
            tracing::error!(error = %e, "password hashing failed");
            AppError::Internal
        })
}

pub fn verify_password(hash: &str, password: &str) -> bool {
    Argon2::default()
        .verify_password(password.as_bytes(), hash)
        .is_ok()
}

/// A hash to verify against when the account does not exist, so a wrong
/// email takes as long as a wrong password (no account enumeration by timing).
pub fn dummy_hash() -> &'static str {
    static DUMMY: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    DUMMY.get_or_init(|| {
        hash_password("not a real password, only a timing decoy").unwrap_or_default()
    })
}

/// Refuses passwords that are short or easy to guess (zxcvbn score < 3),
/// saying why and what would be better.
pub fn check_password_strength(password: &str, user_inputs: &[&str]) -> Result<(), AppError> {
    if password.chars().count() < MIN_PASSWORD_CHARS {
        return Err(AppError::Invalid(format!(
            "Use a password of at least {MIN_PASSWORD_CHARS} characters."
        )));
    }
    if password.chars().count() > 256 {
        return Err(AppError::Invalid(
            "Use a password of at most 256 characters.".into(),
        ));
    }
    let entropy = zxcvbn::zxcvbn(password, user_inputs);
    if (entropy.score() as u8) < 3 {
        let mut message = "This password is too easy to guess.".to_owned();
        if let Some(feedback) = entropy.feedback() {
            if let Some(w) = feedback.warning() {
                message.push(' ');
                message.push_str(&w.to_string());
            }
            for s in feedback.suggestions() {
                message.push(' ');
                message.push_str(&s.to_string());
            }
        }
        if !message.ends_with('.') {
            message.push('.');
        }
        return Err(AppError::Invalid(message));
    }
    Ok(())
}

/// A new random token (256 bits, base64url) and the hash that is stored.
pub fn new_token() -> (String, String) {
    let mut bytes = [0u8; 32];
    aws_lc_rs::rand::fill(&mut bytes).expect("the system random number generator works");
    let token = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes);
    let hash = token_hash(&token);
    (token, hash)
}

/// The stored form of a token: hex SHA-256 (tokens are random, so no salt).
pub fn token_hash(token: &str) -> String {
    hex::encode(Sha256::digest(token.trim().as_bytes()))
}

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
    let parts = request()?;
    parts
        .headers
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

/// Counts an attempt against `key`; refuses with "try again in N s" once
/// more than `limit` attempts were made in the window.
pub async fn rate_limit(
    store: &Store,
    key: &str,
    limit: i64,
    window_secs: i64,
) -> Result<(), AppError> {
    let (count, retry_in) = store.hit_rate_limit(key, window_secs).await?;
    if count > limit {
        tracing::warn!(key, count, "rate limit reached");
        return Err(AppError::TooMany(format!(
            "Too many attempts. Try again in {retry_in} s."
        )));
    }
    Ok(())
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

/// The signed-in user, or `Unauthorized`.
pub async fn require_user() -> Result<SessionUser, AppError> {
    current_user().await?.ok_or(AppError::Unauthorized)
}

/// When a new session made now expires.
pub fn session_expiry() -> DateTime<Utc> {
    Utc::now() + SESSION_IDLE
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_hash_and_verify() {
        let h = hash_password("correct horse battery staple").unwrap();
        assert!(h.starts_with("$argon2id$"));
        assert!(verify_password(&h, "correct horse battery staple"));
        assert!(!verify_password(&h, "correct horse battery stapler"));
        assert!(!verify_password("not a hash", "x"));
    }

    #[test]
    fn weak_passwords_are_refused_with_a_reason() {
        let short = check_password_strength("abc", &[]).unwrap_err().to_string();
        assert!(short.contains("at least 10 characters"), "{short}");
        let weak = check_password_strength("password123", &[])
            .unwrap_err()
            .to_string();
        assert!(
            weak.starts_with("This password is too easy to guess."),
            "{weak}"
        );
        let personal =
            check_password_strength("ada.lovelace@example.org", &["ada.lovelace@example.org"]);
        assert!(personal.is_err(), "user inputs count against the password");
        assert!(check_password_strength("tulip-gravel-orbit-93-lantern", &[]).is_ok());
    }

    #[test]
    fn tokens_are_random_and_stored_hashed() {
        let (t1, h1) = new_token();
        let (t2, _) = new_token();
        assert_ne!(t1, t2);
        assert_eq!(t1.len(), 43);
        assert_eq!(h1, token_hash(&t1));
        assert_eq!(h1.len(), 64);
        assert_ne!(h1, t1);
    }
}
