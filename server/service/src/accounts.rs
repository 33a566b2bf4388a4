//! Account building blocks: password hashing (argon2id), password strength
//! (zxcvbn), emailed tokens, session lifetimes and rate limits. The cookies
//! and the current user of a request are the UI crate's (`laurel_app::ssr::auth`).

use argon2::{Argon2, PasswordHasher, PasswordVerifier};
use base64::Engine as _;
use chrono::{DateTime, Duration, Utc};
use sha2::{Digest, Sha256};

use laurel_store::Store;

use crate::ServiceError;

/// How long a session lives without use (sliding).
pub const SESSION_IDLE: Duration = Duration::days(14);
/// How long an emailed sign-up link stays valid.
pub const SIGNUP_LINK_TTL: Duration = Duration::hours(24);
/// Shortest password accepted, whatever its score.
pub const MIN_PASSWORD_CHARS: usize = 10;

/// An argon2id hash (PHC string) of `password`, with the crate's defaults
/// (OWASP's recommended m = 19 MiB, t = 2, p = 1) and a random salt.
pub fn hash_password(password: &str) -> Result<String, ServiceError> {
    Argon2::default()
        .hash_password(password.as_bytes())
        .map(|h| h.to_string())
        .map_err(|e| {
            tracing::error!(error = %e, "password hashing failed");
            ServiceError::Internal
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
pub fn check_password_strength(password: &str, user_inputs: &[&str]) -> Result<(), ServiceError> {
    if password.chars().count() < MIN_PASSWORD_CHARS {
        return Err(ServiceError::Invalid(format!(
            "Use a password of at least {MIN_PASSWORD_CHARS} characters."
        )));
    }
    if password.chars().count() > 256 {
        return Err(ServiceError::Invalid(
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
        return Err(ServiceError::Invalid(message));
    }
    Ok(())
}

/// A new password as typed twice on a form: the same both times, strong
/// enough (see [`check_password_strength`]), then hashed. Every form that
/// sets a password (activation, holder sign-up, invitation, reset) goes
/// through here.
pub fn choose_password(
    password: &str,
    password_confirm: &str,
    user_inputs: &[&str],
) -> Result<String, ServiceError> {
    if password != password_confirm {
        return Err(ServiceError::Invalid(
            "The two passwords are not the same.".into(),
        ));
    }
    check_password_strength(password, user_inputs)?;
    hash_password(password)
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

/// Counts an attempt against `key`; refuses with "try again in N s" once
/// more than `limit` attempts were made in the window.
pub async fn rate_limit(
    store: &Store,
    key: &str,
    limit: i64,
    window_secs: i64,
) -> Result<(), ServiceError> {
    let (count, retry_in) = store.hit_rate_limit(key, window_secs).await?;
    if count > limit {
        tracing::warn!(key, count, "rate limit reached");
        return Err(ServiceError::TooMany(format!(
            "Too many attempts. Try again in {retry_in} s."
        )));
    }
    Ok(())
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
