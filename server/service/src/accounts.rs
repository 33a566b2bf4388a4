//! Account building blocks: password hashing (argon2id), password strength
//! (zxcvbn), emailed tokens, session lifetimes and rate limits. The cookies
//! and the current user of a request are the UI crate's (`laurel_app::ssr::auth`).

use argon2::{Argon2, PasswordHasher, PasswordVerifier};
use base64::Engine as _;
use chrono::{DateTime, Duration, Utc};
use sha2::{Digest, Sha256};

use laurel_store::Store;

use crate::ServiceError;

/// The longest a session lives, however much it is used: then its user
/// signs in again.
pub const SESSION_MAX: Duration = Duration::days(30);

/// How long a session lives without use (sliding).
pub const SESSION_IDLE: Duration = Duration::days(14);
/// How long an emailed sign-up link stays valid.
pub const SIGNUP_LINK_TTL: Duration = Duration::hours(24);
/// Shortest password accepted, whatever its score.
pub const MIN_PASSWORD_CHARS: usize = 10;

/// Password work at once in this process: argon2id takes about 19 MiB and
/// tens of milliseconds of a core per hash, so it runs on Tokio's blocking
/// threads — never on the async workers that answer every other request,
/// `/readyz` included — and at most one per core at a time. A flood of
/// sign-ins (unknown emails from rotating addresses, say) queues here
/// instead of stalling the server.
fn password_slots() -> &'static tokio::sync::Semaphore {
    static SLOTS: std::sync::OnceLock<tokio::sync::Semaphore> = std::sync::OnceLock::new();
    SLOTS.get_or_init(|| tokio::sync::Semaphore::new(password_slot_count()))
}

/// One slot per core.
fn password_slot_count() -> usize {
    std::thread::available_parallelism().map_or(2, |n| n.get())
}

/// How long a password check waits for a slot before it is refused as busy.
pub const PASSWORD_WAIT: std::time::Duration = std::time::Duration::from_secs(10);

/// Runs `work` on a blocking thread once a password slot is free.
async fn password_work<T: Send + 'static>(
    work: impl FnOnce() -> T + Send + 'static,
) -> Result<T, ServiceError> {
    let permit = tokio::time::timeout(PASSWORD_WAIT, password_slots().acquire())
        .await
        .map_err(|_| {
            tracing::warn!("password checks are queued past their wait: refusing");
            ServiceError::TooMany(
                "Laurel is busy checking passwords. Try again in a minute.".into(),
            )
        })?
        .map_err(|_| ServiceError::Internal)?;
    let result = tokio::task::spawn_blocking(work).await;
    drop(permit);
    result.map_err(|e| {
        tracing::error!(error = %e, "password work failed");
        ServiceError::Internal
    })
}

/// An argon2id hash (PHC string) of `password`, with the crate's defaults
/// (OWASP's recommended m = 19 MiB, t = 2, p = 1) and a random salt. Off
/// the async workers (see [`password_slots`]).
pub async fn hash_password(password: &str) -> Result<String, ServiceError> {
    let password = password.to_owned();
    password_work(move || hash_now(&password)).await?
}

fn hash_now(password: &str) -> Result<String, ServiceError> {
    Argon2::default()
        .hash_password(password.as_bytes())
        .map(|h| h.to_string())
        .map_err(|e| {
            tracing::error!(error = %e, "password hashing failed");
            ServiceError::Internal
        })
}

/// Whether `password` matches `hash`. With no hash (no such account) it
/// checks against a decoy and says no, so a wrong email takes as long as a
/// wrong password (no account enumeration by timing). Off the async
/// workers (see [`password_slots`]).
pub async fn verify_password(hash: Option<&str>, password: &str) -> Result<bool, ServiceError> {
    let hash = hash.map(str::to_owned);
    let password = password.to_owned();
    password_work(move || match hash {
        Some(hash) => verify_now(&hash, &password),
        None => {
            verify_now(dummy_hash(), &password);
            false
        }
    })
    .await
}

fn verify_now(hash: &str, password: &str) -> bool {
    Argon2::default()
        .verify_password(password.as_bytes(), hash)
        .is_ok()
}

/// The decoy hash [`verify_password`] checks against when there is no
/// account.
fn dummy_hash() -> &'static str {
    static DUMMY: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    DUMMY.get_or_init(|| hash_now("not a real password, only a timing decoy").unwrap_or_default())
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
pub async fn choose_password(
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
    hash_password(password).await
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

/// A used session's new expiry: [`SESSION_IDLE`] from `now`, but never past
/// [`SESSION_MAX`] from its start.
pub fn slid_expiry(created_at: DateTime<Utc>, now: DateTime<Utc>) -> DateTime<Utc> {
    (now + SESSION_IDLE).min(created_at + SESSION_MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn passwords_hash_and_verify() {
        let h = hash_password("correct horse battery staple").await.unwrap();
        assert!(h.starts_with("$argon2id$"));
        let check = |hash, password| verify_password(hash, password);
        assert!(check(Some(&h), "correct horse battery staple")
            .await
            .unwrap());
        assert!(!check(Some(&h), "correct horse battery stapler")
            .await
            .unwrap());
        assert!(!check(Some("not a hash"), "x").await.unwrap());
        assert!(!check(None, "correct horse battery staple").await.unwrap());
    }

    /// `#[tokio::test]` runs one worker thread: a task spawned beside a
    /// password check runs before the check ends only if argon2 is not
    /// holding that thread.
    #[tokio::test]
    async fn password_work_leaves_the_async_worker_free() {
        let h = hash_password("correct horse battery staple").await.unwrap();
        for no_account in [false, true] {
            let ran = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
            let flag = ran.clone();
            tokio::spawn(async move { flag.store(true, std::sync::atomic::Ordering::SeqCst) });
            let hash = (!no_account).then_some(h.as_str());
            verify_password(hash, "wrong password").await.unwrap();
            assert!(
                ran.load(std::sync::atomic::Ordering::SeqCst),
                "the other task ran during the check (no account: {no_account})"
            );
        }
    }

    /// With every slot taken, a check waits [`PASSWORD_WAIT`], then is
    /// refused as busy (429) rather than queued without end.
    #[tokio::test(start_paused = true)]
    async fn password_checks_past_the_cap_are_refused_as_busy() {
        let all = u32::try_from(password_slot_count()).unwrap();
        let held = password_slots().acquire_many(all).await.unwrap();
        let started = tokio::time::Instant::now();
        let err = verify_password(None, "x").await.unwrap_err();
        assert!(matches!(err, ServiceError::TooMany(_)), "{err:?}");
        assert!(started.elapsed() >= PASSWORD_WAIT);
        drop(held);
        assert!(!verify_password(None, "x").await.unwrap());
    }

    #[test]
    fn sessions_slide_up_to_their_absolute_lifetime() {
        let start = Utc::now();
        assert_eq!(slid_expiry(start, start), start + SESSION_IDLE);
        let later = start + Duration::days(20);
        assert_eq!(slid_expiry(start, later), start + SESSION_MAX);
        assert_eq!(
            slid_expiry(start, start + Duration::days(40)),
            start + SESSION_MAX
        );
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
