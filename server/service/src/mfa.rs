//! Two-factor authentication: TOTP codes (RFC 6238 with HMAC-SHA-1, 6 digits,
//! 30-second steps — what Google Authenticator and its kin use), secrets
//! sealed at rest under the master key and single-use recovery codes. The
//! cookie of a sign-in that waits for its second step is the UI crate's
//! (`laurel_app::ssr::auth`).

use chrono::Duration;
use laurel::crypto::MasterKey;
use sha2::{Digest, Sha256};
use totp_rs::{Algorithm, Builder, Secret, Totp};

use laurel::AuditEvent;
use laurel_store::{Audit, Store};

use crate::accounts;
use crate::ServiceError;

/// The issuer shown in authenticator apps.
pub const ISSUER: &str = "Laurel";
/// Random bytes in a TOTP secret (160 bits, as RFC 4226 recommends).
pub const SECRET_BYTES: usize = 20;
/// How many recovery codes are made when 2FA is turned on.
pub const RECOVERY_CODE_COUNT: usize = 10;
/// Characters of a recovery code (base32: 50 bits).
pub const RECOVERY_CODE_CHARS: usize = 10;
/// How long a sign-in may wait for its second step.
pub const CHALLENGE_TTL: Duration = Duration::minutes(10);
/// How long fresh recovery codes wait to be shown.
pub const REVEAL_TTL: Duration = Duration::minutes(10);

/// The message for a code that is not right (whatever the reason).
pub const WRONG_CODE: &str = "That code is not right. Enter the current 6-digit code from your authenticator app, or one of your recovery codes.";

const BASE32: &[u8; 32] = b"abcdefghijklmnopqrstuvwxyz234567";

fn totp(secret: &[u8], account: &str) -> Result<Totp, ServiceError> {
    Builder::new()
        .with_algorithm(Algorithm::SHA1)
        .with_digits(6)
        .with_step_duration(30)
        .with_skew(1)
        .with_secret(secret.to_vec())
        .with_issuer(Some(ISSUER))
        .with_account_name(account.replace(':', ""))
        .build()
        .map_err(|e| {
            tracing::error!(error = %e, "cannot build a TOTP");
            ServiceError::Internal
        })
}

fn random_bytes<const N: usize>() -> [u8; N] {
    let mut bytes = [0u8; N];
    aws_lc_rs::rand::fill(&mut bytes).expect("the system random number generator works");
    bytes
}

/// A new random TOTP secret.
pub fn new_secret() -> Vec<u8> {
    random_bytes::<SECRET_BYTES>().to_vec()
}

/// The secret as people type it into an app: base32 (RFC 4648, no padding).
pub fn secret_base32(secret: &[u8]) -> String {
    Secret::from(secret.to_vec()).to_base32()
}

/// The base32 secret in groups of four, easier to read and type.
pub fn secret_for_display(secret: &[u8]) -> String {
    let b32 = secret_base32(secret);
    b32.as_bytes()
        .chunks(4)
        .map(|c| String::from_utf8_lossy(c).into_owned())
        .collect::<Vec<_>>()
        .join(" ")
}

/// The `otpauth://totp/Laurel:<email>?secret=…&issuer=Laurel` URL as a QR
/// code: a PNG, base64-encoded, for an `<img src="data:image/png;base64,…">`.
pub fn qr_png_base64(secret: &[u8], email: &str) -> Result<String, ServiceError> {
    totp(secret, email)?.to_qr_base64().map_err(|e| {
        tracing::error!(error = %e, "cannot draw the TOTP QR code");
        ServiceError::Internal
    })
}

/// The 6-digit code of `secret` at `unix_time`.
pub fn code_at(secret: &[u8], unix_time: u64) -> Result<String, ServiceError> {
    Ok(totp(secret, "")?.generate(unix_time).to_string())
}

/// The seconds since the epoch now.
pub fn now_unix() -> u64 {
    chrono::Utc::now().timestamp().max(0) as u64
}

/// Checks a 6-digit code against `secret` at `unix_time`, allowing one step
/// of clock skew either way. Returns the matching time step, which the caller
/// must record so the same code cannot be used twice.
pub fn check_code(secret: &[u8], code: &str, unix_time: u64) -> Option<i64> {
    let digits: String = code.chars().filter(|c| !c.is_whitespace()).collect();
    if digits.len() != 6 || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let totp = totp(secret, "").ok()?;
    totp.check(&digits, unix_time)
        .and_then(|step| i64::try_from(step).ok())
}

fn seal_context(user_id: i64) -> String {
    format!("laurel totp secret of user {user_id}")
}

/// Seals a TOTP secret for storage; bound to its user.
pub fn seal_secret(master: &MasterKey, user_id: i64, secret: &[u8]) -> Vec<u8> {
    master.seal(secret, &seal_context(user_id))
}

/// Opens a stored TOTP secret.
pub fn open_secret(
    master: &MasterKey,
    user_id: i64,
    sealed: &[u8],
) -> Result<Vec<u8>, ServiceError> {
    master.open(sealed, &seal_context(user_id)).map_err(|e| {
        tracing::error!(user_id, error = %e, "cannot open a TOTP secret: is LAUREL_MASTER_KEY the one it was sealed with?");
        ServiceError::Internal
    })
}

fn codes_context(session_hash: &str) -> String {
    format!("laurel recovery codes for session {session_hash}")
}

/// Seals fresh recovery codes until their one showing, bound to a session.
pub fn seal_codes(master: &MasterKey, session_hash: &str, codes: &[String]) -> Vec<u8> {
    master.seal(codes.join("\n").as_bytes(), &codes_context(session_hash))
}

pub fn open_codes(
    master: &MasterKey,
    session_hash: &str,
    sealed: &[u8],
) -> Result<Vec<String>, ServiceError> {
    let plain = master
        .open(sealed, &codes_context(session_hash))
        .map_err(|e| {
            tracing::error!(error = %e, "cannot open sealed recovery codes");
            ServiceError::Internal
        })?;
    Ok(String::from_utf8_lossy(&plain)
        .lines()
        .map(str::to_owned)
        .collect())
}

/// Ten new recovery codes such as `k7qd2-mx4pa` (10 random base32
/// characters: 50 bits each).
pub fn new_recovery_codes() -> Vec<String> {
    (0..RECOVERY_CODE_COUNT)
        .map(|_| {
            let raw: String = random_bytes::<RECOVERY_CODE_CHARS>()
                .iter()
                .map(|b| BASE32[usize::from(b & 31)] as char)
                .collect();
            format!("{}-{}", &raw[..5], &raw[5..])
        })
        .collect()
}

/// A recovery code as typed (any case, with or without the hyphen and
/// spaces) in its canonical form, or `None` when it cannot be one.
pub fn normalize_recovery_code(input: &str) -> Option<String> {
    let code: String = input
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '-')
        .map(|c| c.to_ascii_lowercase())
        .collect();
    (code.len() == RECOVERY_CODE_CHARS && code.bytes().all(|b| BASE32.contains(&b))).then_some(code)
}

/// What is stored of a recovery code: SHA-256 over the user's id and the
/// canonical code (the codes are random, so no slow hash is needed; the id
/// keeps one guess from being tried against every user at once).
pub fn recovery_code_hash(user_id: i64, canonical: &str) -> String {
    hex::encode(Sha256::digest(
        format!("laurel recovery code\n{user_id}\n{canonical}").as_bytes(),
    ))
}

/// What someone typed into the second-factor field.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SecondFactor {
    /// Six digits from an authenticator app.
    Totp(String),
    /// A recovery code, canonical.
    Recovery(String),
}

impl SecondFactor {
    pub fn parse(input: &str) -> Option<Self> {
        let compact: String = input.chars().filter(|c| !c.is_whitespace()).collect();
        if compact.len() == 6 && compact.bytes().all(|b| b.is_ascii_digit()) {
            return Some(SecondFactor::Totp(compact));
        }
        normalize_recovery_code(input).map(SecondFactor::Recovery)
    }
}

/// Counts a second-factor attempt against the client's IP (30 in 15
/// minutes) and the account (5 in 15 minutes); a lockout is audited. Returns
/// the account's key, to be cleared after a success.
pub async fn limit_attempts(store: &Store, user_id: i64, ip: &str) -> Result<String, ServiceError> {
    accounts::rate_limit(
        store,
        &format!("mfa:ip:{}", crate::net::rate_key(ip)),
        30,
        900,
    )
    .await?;
    let key = format!("mfa:account:{user_id}");
    if let Err(e) = accounts::rate_limit(store, &key, 5, 900).await {
        store
            .audit(Audit {
                organisation_id: None,
                user_id: Some(user_id),
                event: AuditEvent::LockedOut,
                detail: "second factor".into(),
                ip,
            })
            .await?;
        return Err(e);
    }
    Ok(key)
}

/// Which kind of second factor was accepted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verified {
    Totp,
    Recovery,
}

/// Checks what was typed against the user's TOTP secret (sealed) or their
/// unused recovery codes, and uses it up: a TOTP step or a recovery code is
/// accepted once. `None` when it is not right; the caller audits that.
pub async fn verify(
    store: &Store,
    master: &MasterKey,
    user_id: i64,
    sealed_secret: &[u8],
    input: &str,
    ip: &str,
) -> Result<Option<Verified>, ServiceError> {
    Ok(match SecondFactor::parse(input) {
        Some(SecondFactor::Totp(code)) => {
            let secret = open_secret(master, user_id, sealed_secret)?;
            match check_code(&secret, &code, now_unix()) {
                Some(step) if store.accept_totp_step(user_id, step).await? => Some(Verified::Totp),
                _ => None,
            }
        }
        Some(SecondFactor::Recovery(code)) => {
            let hash = recovery_code_hash(user_id, &code);
            store
                .use_recovery_code(user_id, &hash, ip)
                .await?
                .then_some(Verified::Recovery)
        }
        None => None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The RFC 6238 appendix B seed for HMAC-SHA-1.
    const RFC_SEED: &[u8] = b"12345678901234567890";

    #[test]
    fn rfc_6238_sha1_vectors() {
        // Appendix B lists 8-digit codes; a 6-digit code is the last six.
        for (time, eight) in [
            (59, "94287082"),
            (1_111_111_109, "07081804"),
            (1_111_111_111, "14050471"),
            (1_234_567_890, "89005924"),
            (2_000_000_000, "69279037"),
            (20_000_000_000, "65353130"),
        ] {
            assert_eq!(code_at(RFC_SEED, time).unwrap(), eight[2..], "T = {time}");
            let step = check_code(RFC_SEED, &eight[2..], time);
            assert_eq!(step, Some((time / 30) as i64), "T = {time}");
        }
    }

    #[test]
    fn codes_are_accepted_one_step_either_way_and_no_further() {
        let secret = new_secret();
        let now = 1_700_000_015; // the middle of a step
        let step = (now / 30) as i64;
        let at = |t: u64| code_at(&secret, t).unwrap();
        assert_eq!(check_code(&secret, &at(now), now), Some(step));
        assert_eq!(
            check_code(&secret, &at(now - 30), now),
            Some(step - 1),
            "a slow phone"
        );
        assert_eq!(
            check_code(&secret, &at(now + 30), now),
            Some(step + 1),
            "a fast phone"
        );
        for far in [now - 60, now + 60, now - 3600] {
            let code = at(far);
            if [at(now - 30), at(now), at(now + 30)].contains(&code) {
                continue; // a one-in-a-million collision with an accepted code
            }
            assert_eq!(check_code(&secret, &code, now), None, "T = {far}");
        }
        // Spaces are forgiven; anything but six digits is not a code.
        let code = at(now);
        assert_eq!(
            check_code(&secret, &format!("{} {}", &code[..3], &code[3..]), now),
            Some(step)
        );
        assert_eq!(check_code(&secret, "12345", now), None);
        assert_eq!(check_code(&secret, "abcdef", now), None);
        assert_eq!(check_code(&secret, &format!("{code}0"), now), None);
        // Another secret's code does not pass.
        let other = new_secret();
        assert_ne!(secret, other);
        let foreign = code_at(&other, now).unwrap();
        if ![at(now - 30), at(now), at(now + 30)].contains(&foreign) {
            assert_eq!(check_code(&secret, &foreign, now), None);
        }
    }

    #[test]
    fn secrets_are_base32_and_the_qr_code_is_a_png() {
        let secret = new_secret();
        assert_eq!(secret.len(), 20);
        let b32 = secret_base32(&secret);
        assert_eq!(b32.len(), 32);
        assert!(
            b32.bytes()
                .all(|b| b.is_ascii_uppercase() || (b'2'..=b'7').contains(&b)),
            "{b32}"
        );
        assert_eq!(secret_for_display(&secret).replace(' ', ""), b32);
        assert_eq!(secret_base32(RFC_SEED), "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ");
        let png = qr_png_base64(&secret, "ada@example.org").unwrap();
        use base64::Engine as _;
        let bytes = base64::engine::general_purpose::STANDARD
            .decode(&png)
            .unwrap();
        assert!(bytes.starts_with(b"\x89PNG\r\n\x1a\n"), "a PNG");
    }

    #[test]
    fn secrets_are_sealed_per_user() {
        let master = MasterKey::generate();
        let secret = new_secret();
        let sealed = seal_secret(&master, 7, &secret);
        assert!(
            !sealed.windows(secret.len()).any(|w| w == secret.as_slice()),
            "not in clear"
        );
        assert_eq!(open_secret(&master, 7, &sealed).unwrap(), secret);
        assert!(
            open_secret(&master, 8, &sealed).is_err(),
            "bound to its user"
        );
        assert!(open_secret(&MasterKey::generate(), 7, &sealed).is_err());
        let codes = new_recovery_codes();
        let sealed = seal_codes(&master, "sess", &codes);
        assert_eq!(open_codes(&master, "sess", &sealed).unwrap(), codes);
        assert!(open_codes(&master, "other", &sealed).is_err());
    }

    #[test]
    fn recovery_codes_are_random_readable_and_hashed() {
        let codes = new_recovery_codes();
        assert_eq!(codes.len(), 10);
        let unique: std::collections::HashSet<_> = codes.iter().collect();
        assert_eq!(unique.len(), 10);
        for code in &codes {
            assert_eq!(code.len(), 11, "{code}");
            assert_eq!(&code[5..6], "-");
            let canonical = normalize_recovery_code(code).unwrap();
            assert_eq!(canonical, code.replace('-', ""));
            // However it is typed, it is the same code.
            assert_eq!(
                normalize_recovery_code(&code.to_uppercase()).as_deref(),
                Some(canonical.as_str())
            );
            assert_eq!(
                normalize_recovery_code(&format!(" {} {} ", &code[..5], &code[6..])).as_deref(),
                Some(canonical.as_str())
            );
            assert_eq!(
                SecondFactor::parse(code),
                Some(SecondFactor::Recovery(canonical.clone()))
            );
            let hash = recovery_code_hash(1, &canonical);
            assert_eq!(hash.len(), 64);
            assert!(!hash.contains(&canonical));
            assert_ne!(
                hash,
                recovery_code_hash(2, &canonical),
                "salted with the user"
            );
        }
        assert_eq!(normalize_recovery_code("abcde-fghi"), None, "too short");
        assert_eq!(
            normalize_recovery_code("abcde-fgh18"),
            None,
            "1 and 8 are not base32"
        );
        assert_eq!(
            SecondFactor::parse(" 123 456 "),
            Some(SecondFactor::Totp("123456".into()))
        );
        assert_eq!(SecondFactor::parse("12345"), None);
        assert_eq!(SecondFactor::parse(""), None);
    }
}
