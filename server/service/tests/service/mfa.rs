//! Two-factor authentication, password change and password reset in the
//! store, against a real SQLite file and a real PostgreSQL database (fresh
//! for each test, dropped afterwards).

use chrono::{Duration, Utc};
use laurel::crypto::MasterKey;
use laurel_service::mfa;
use laurel_store::on_both_backends;
use laurel_store::{Activation, EnableTotp, NewSession, Store, TokenProblem, TokenPurpose};

on_both_backends!(totp_on_sqlite, totp_on_postgres, totp_lifecycle);
on_both_backends!(recovery_on_sqlite, recovery_on_postgres, recovery_codes);
on_both_backends!(
    challenges_on_sqlite,
    challenges_on_postgres,
    login_challenges
);
on_both_backends!(
    password_change_on_sqlite,
    password_change_on_postgres,
    password_change
);
on_both_backends!(
    password_reset_on_sqlite,
    password_reset_on_postgres,
    password_reset
);
on_both_backends!(verify_on_sqlite, verify_on_postgres, verify_second_factor);

/// A user made the way sign-up makes one, with one live session `session`.
pub async fn user(store: &Store, name: &str, session: &str) -> i64 {
    let email = format!("{name}@example.org");
    let token = format!("signup-{name}");
    let mail = serde_json::json!({"to": email, "subject": "s", "text": "t", "html": "h"});
    store
        .create_email_token(
            TokenPurpose::Signup,
            &email,
            &token,
            Utc::now() + Duration::hours(1),
            None,
            None,
            &mail,
        )
        .await
        .unwrap();
    let (_, user) = store
        .activate_signup(&Activation {
            token_hash: &token,
            organisation_name: "Org",
            subdomain: name,
            contact_name: "Ada",
            contact_phone: "",
            password_hash: "$argon2id$old",
            session_hash: session,
            session_expires: Utc::now() + Duration::days(1),
            ip: "127.0.0.1",
            user_agent: "test",
        })
        .await
        .unwrap()
        .unwrap();
    user.id
}

fn hashes(user_id: i64, codes: &[String]) -> Vec<String> {
    codes
        .iter()
        .map(|c| mfa::recovery_code_hash(user_id, &mfa::normalize_recovery_code(c).unwrap()))
        .collect()
}

fn enable<'a>(
    user_id: i64,
    sealed: &'a [u8],
    step: i64,
    hashes: &'a [String],
    session: &'a str,
) -> EnableTotp<'a> {
    EnableTotp {
        user_id,
        sealed_secret: sealed,
        step,
        recovery_code_hashes: hashes,
        reveal_session_hash: session,
        sealed_codes: b"sealed codes",
        reveal_expires_at: Utc::now() + Duration::minutes(10),
        ip: "10.0.0.1",
    }
}

async fn events(store: &Store, user_id: i64) -> Vec<String> {
    store
        .user_audit_events(user_id, 100)
        .await
        .unwrap()
        .into_iter()
        .map(|(e, _)| e)
        .collect()
}

async fn totp_lifecycle(store: &Store) {
    let id = user(store, "totp-org", "sess-a").await;
    let state = store.mfa_state(id).await.unwrap().unwrap();
    assert!(!state.enabled());
    assert_eq!(state.totp_pending, None);
    assert_eq!(state.recovery_codes_left, 0);
    assert_eq!(store.mfa_state(id + 1000).await.unwrap(), None);

    // Nothing to confirm before a set-up was started.
    let codes = mfa::new_recovery_codes();
    let hs = hashes(id, &codes);
    assert!(!store
        .enable_totp(&enable(id, b"secret-1", 100, &hs, "sess-a"))
        .await
        .unwrap());
    assert!(!store.mfa_state(id).await.unwrap().unwrap().enabled());

    assert!(store
        .set_totp_pending(id, Some(b"pending-1"))
        .await
        .unwrap());
    assert!(
        store
            .set_totp_pending(id, Some(b"pending-2"))
            .await
            .unwrap(),
        "starting again replaces it"
    );
    let state = store.mfa_state(id).await.unwrap().unwrap();
    assert_eq!(state.totp_pending.as_deref(), Some(&b"pending-2"[..]));
    assert!(!state.enabled(), "pending is not on");

    // Another device of the same account, and a bystander's session.
    store
        .create_session(
            id,
            "sess-other",
            Utc::now() + Duration::days(1),
            "ip",
            "ua",
            None,
        )
        .await
        .unwrap();
    let bystander = user(store, "totp-bystander", "sess-bystander").await;
    assert!(store
        .enable_totp(&enable(id, b"secret-1", 100, &hs, "sess-a"))
        .await
        .unwrap());
    assert_eq!(
        store.session_user("sess-a").await.unwrap().unwrap().user_id,
        id,
        "the session that turned it on stays"
    );
    assert!(
        store.session_user("sess-other").await.unwrap().is_none(),
        "every other session of the account ended"
    );
    assert_eq!(
        store
            .session_user("sess-bystander")
            .await
            .unwrap()
            .unwrap()
            .user_id,
        bystander
    );
    let state = store.mfa_state(id).await.unwrap().unwrap();
    assert!(state.enabled());
    assert_eq!(state.totp_secret.as_deref(), Some(&b"secret-1"[..]));
    assert_eq!(state.totp_pending, None, "the set-up is over");
    assert_eq!(
        state.totp_last_step,
        Some(100),
        "the confirming code is spent"
    );
    assert_eq!(state.recovery_codes_left, 10);
    assert!(state.totp_enabled_at.is_some());
    assert!(events(store, id).await.contains(&"mfa.enabled".to_owned()));

    // Once on, it cannot be set up or turned on again over itself.
    assert!(!store
        .set_totp_pending(id, Some(b"pending-3"))
        .await
        .unwrap());
    assert!(!store
        .enable_totp(&enable(id, b"secret-2", 200, &hs, "sess-a"))
        .await
        .unwrap());
    assert_eq!(
        store
            .mfa_state(id)
            .await
            .unwrap()
            .unwrap()
            .totp_secret
            .as_deref(),
        Some(&b"secret-1"[..])
    );

    // Each time step is accepted once, and never an older one.
    assert!(!store.accept_totp_step(id, 100).await.unwrap(), "replayed");
    assert!(!store.accept_totp_step(id, 99).await.unwrap(), "older");
    assert!(store.accept_totp_step(id, 101).await.unwrap());
    assert!(!store.accept_totp_step(id, 101).await.unwrap());
    // Two requests racing with one code: exactly one wins.
    let (a, b) = tokio::join!(
        store.accept_totp_step(id, 102),
        store.accept_totp_step(id, 102)
    );
    assert!(
        a.unwrap() ^ b.unwrap(),
        "exactly one of two racing uses passes"
    );

    // The codes made at enabling are shown once, to that session only;
    // asking whether they wait takes nothing.
    assert!(store.recovery_codes_waiting("sess-a", id).await.unwrap());
    assert!(store.recovery_codes_waiting("sess-a", id).await.unwrap());
    assert!(!store
        .recovery_codes_waiting("sess-a", id + 1)
        .await
        .unwrap());
    assert!(!store
        .recovery_codes_waiting("sess-other", id)
        .await
        .unwrap());
    assert_eq!(
        store.take_recovery_codes("sess-a", id + 1).await.unwrap(),
        None,
        "another user"
    );
    assert_eq!(
        store.take_recovery_codes("sess-other", id).await.unwrap(),
        None,
        "another session"
    );
    assert_eq!(
        store
            .take_recovery_codes("sess-a", id)
            .await
            .unwrap()
            .as_deref(),
        Some(&b"sealed codes"[..])
    );
    assert_eq!(
        store.take_recovery_codes("sess-a", id).await.unwrap(),
        None,
        "only once"
    );
    assert!(!store.recovery_codes_waiting("sess-a", id).await.unwrap());

    // Off: secret, steps and codes go; it can be set up anew.
    assert!(store.disable_totp(id, "10.0.0.1").await.unwrap());
    let state = store.mfa_state(id).await.unwrap().unwrap();
    assert!(!state.enabled());
    assert_eq!(state.totp_last_step, None);
    assert_eq!(state.recovery_codes_left, 0);
    assert!(
        !store.disable_totp(id, "10.0.0.1").await.unwrap(),
        "already off"
    );
    assert!(
        !store.accept_totp_step(id, 500).await.unwrap(),
        "no secret, no code"
    );
    assert!(events(store, id).await.contains(&"mfa.disabled".to_owned()));
    assert!(store
        .set_totp_pending(id, Some(b"pending-4"))
        .await
        .unwrap());
    // An expired reveal is not shown.
    let mut late = enable(id, b"secret-3", 300, &hs, "sess-a");
    late.reveal_expires_at = Utc::now() - Duration::seconds(1);
    assert!(store.enable_totp(&late).await.unwrap());
    assert!(!store.recovery_codes_waiting("sess-a", id).await.unwrap());
    assert_eq!(
        store.take_recovery_codes("sess-a", id).await.unwrap(),
        None,
        "expired"
    );
}

async fn recovery_codes(store: &Store) {
    let id = user(store, "recovery-org", "sess-r").await;
    let other = user(store, "other-org", "sess-o").await;
    let codes = mfa::new_recovery_codes();
    let hs = hashes(id, &codes);
    store.set_totp_pending(id, Some(b"p")).await.unwrap();
    assert!(store
        .enable_totp(&enable(id, b"s", 1, &hs, "sess-r"))
        .await
        .unwrap());

    assert!(store
        .use_recovery_code(id, &hs[0], "10.0.0.2")
        .await
        .unwrap());
    assert!(
        !store
            .use_recovery_code(id, &hs[0], "10.0.0.2")
            .await
            .unwrap(),
        "a used code never works again"
    );
    assert_eq!(
        store
            .mfa_state(id)
            .await
            .unwrap()
            .unwrap()
            .recovery_codes_left,
        9
    );
    let audit = store.user_audit_events(id, 10).await.unwrap();
    assert_eq!(
        audit[0],
        ("mfa.recovery_code_used".to_owned(), "9 left".to_owned())
    );
    // Not a code, or another user's.
    assert!(!store
        .use_recovery_code(id, "0".repeat(64).as_str(), "ip")
        .await
        .unwrap());
    assert!(
        !store.use_recovery_code(other, &hs[1], "ip").await.unwrap(),
        "codes belong to their user"
    );
    // Two racing uses of one code: exactly one passes.
    let (a, b) = tokio::join!(
        store.use_recovery_code(id, &hs[1], "ip"),
        store.use_recovery_code(id, &hs[1], "ip")
    );
    assert!(
        a.unwrap() ^ b.unwrap(),
        "exactly one of two racing uses passes"
    );
    assert_eq!(
        store
            .mfa_state(id)
            .await
            .unwrap()
            .unwrap()
            .recovery_codes_left,
        8
    );

    // Turning off and on again replaces every old code.
    store.disable_totp(id, "ip").await.unwrap();
    store.set_totp_pending(id, Some(b"p")).await.unwrap();
    let fresh = hashes(id, &mfa::new_recovery_codes());
    assert!(store
        .enable_totp(&enable(id, b"s", 1, &fresh, "sess-r"))
        .await
        .unwrap());
    assert!(
        !store.use_recovery_code(id, &hs[2], "ip").await.unwrap(),
        "old codes are gone"
    );
    assert!(store.use_recovery_code(id, &fresh[2], "ip").await.unwrap());
}

async fn login_challenges(store: &Store) {
    let id = user(store, "challenge-org", "sess-c").await;
    store
        .create_login_challenge(id, "chal-1", Utc::now() + Duration::minutes(10), "ip", "ua")
        .await
        .unwrap();
    store
        .create_login_challenge(
            id,
            "chal-old",
            Utc::now() - Duration::seconds(1),
            "ip",
            "ua",
        )
        .await
        .unwrap();
    assert_eq!(
        store.login_challenge_user("chal-1").await.unwrap(),
        Some(id)
    );
    assert_eq!(
        store.login_challenge_user("chal-old").await.unwrap(),
        None,
        "expired"
    );
    assert_eq!(store.login_challenge_user("nope").await.unwrap(), None);
    // A challenge is not a session.
    assert!(store.session_user("chal-1").await.unwrap().is_none());

    let session = |hash| NewSession {
        session_hash: hash,
        expires_at: Utc::now() + Duration::days(1),
        ip: "ip",
        user_agent: "ua",
    };
    assert_eq!(
        store
            .complete_login_challenge("chal-old", &session("sess-x"), None)
            .await
            .unwrap(),
        None
    );
    assert!(
        store.session_user("sess-x").await.unwrap().is_none(),
        "no session from an expired challenge"
    );
    assert_eq!(
        store
            .complete_login_challenge("chal-1", &session("sess-full"), Some("sess-c"))
            .await
            .unwrap(),
        Some(id)
    );
    assert_eq!(
        store
            .session_user("sess-full")
            .await
            .unwrap()
            .unwrap()
            .user_id,
        id
    );
    assert!(
        store.session_user("sess-c").await.unwrap().is_none(),
        "the browser's old session was rotated away"
    );
    assert_eq!(
        store.login_challenge_user("chal-1").await.unwrap(),
        None,
        "used up"
    );
    assert_eq!(
        store
            .complete_login_challenge("chal-1", &session("sess-y"), None)
            .await
            .unwrap(),
        None,
        "a challenge opens one session"
    );
    // A new challenge forgets the expired ones.
    store
        .create_login_challenge(id, "chal-2", Utc::now() + Duration::minutes(10), "ip", "ua")
        .await
        .unwrap();
    assert_eq!(
        store
            .complete_login_challenge("chal-old", &session("sess-z"), None)
            .await
            .unwrap(),
        None
    );
}

async fn password_change(store: &Store) {
    let id = user(store, "password-org", "sess-1").await;
    let other = user(store, "bystander-org", "sess-b").await;
    store
        .create_session(
            id,
            "sess-2",
            Utc::now() + Duration::days(1),
            "ip",
            "ua",
            None,
        )
        .await
        .unwrap();
    store
        .create_login_challenge(id, "chal-p", Utc::now() + Duration::minutes(10), "ip", "ua")
        .await
        .unwrap();
    // Reset links asked for before the change, the user's and a bystander's.
    let hour = Utc::now() + Duration::hours(1);
    for (email, token) in [
        ("password-org@example.org", "reset-mine"),
        ("bystander-org@example.org", "reset-theirs"),
    ] {
        let mail = serde_json::json!({"to": email, "subject": "s", "text": "t", "html": "h"});
        store
            .create_email_token(TokenPurpose::Reset, email, token, hour, None, None, &mail)
            .await
            .unwrap();
    }
    store
        .change_password(
            id,
            "$argon2id$new",
            &NewSession {
                session_hash: "sess-3",
                expires_at: Utc::now() + Duration::days(1),
                ip: "10.0.0.3",
                user_agent: "ua",
            },
        )
        .await
        .unwrap();
    let user = store
        .user_by_email("password-org@example.org")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(user.password_hash, "$argon2id$new");
    assert!(
        store.session_user("sess-1").await.unwrap().is_none(),
        "this session rotated"
    );
    assert!(
        store.session_user("sess-2").await.unwrap().is_none(),
        "other sessions ended"
    );
    assert_eq!(
        store.session_user("sess-3").await.unwrap().unwrap().user_id,
        id
    );
    assert_eq!(
        store.login_challenge_user("chal-p").await.unwrap(),
        None,
        "pending sign-ins ended"
    );
    assert!(
        store.session_user("sess-b").await.unwrap().is_some(),
        "other users are untouched"
    );
    assert_eq!(
        store
            .usable_token(TokenPurpose::Reset, "reset-mine")
            .await
            .unwrap()
            .err(),
        Some(TokenProblem::Used),
        "a reset link from before the change no longer works"
    );
    assert!(store
        .usable_token(TokenPurpose::Reset, "reset-theirs")
        .await
        .unwrap()
        .is_ok());
    let audit = store.user_audit_events(id, 1).await.unwrap();
    assert_eq!(
        audit[0],
        (
            "password.changed".to_owned(),
            "1 other sessions ended".to_owned()
        )
    );
    assert!(events(store, other)
        .await
        .iter()
        .all(|e| e != "password.changed"));
}

async fn password_reset(store: &Store) {
    let id = user(store, "reset-org", "sess-1").await;
    let email = "reset-org@example.org";
    let mail = serde_json::json!({"to": email, "subject": "s", "text": "t", "html": "h"});
    let hour = Utc::now() + Duration::hours(1);
    for token in ["reset-1", "reset-2"] {
        store
            .create_email_token(TokenPurpose::Reset, email, token, hour, None, None, &mail)
            .await
            .unwrap();
    }
    store
        .create_email_token(
            TokenPurpose::Reset,
            email,
            "reset-old",
            Utc::now() - Duration::seconds(1),
            None,
            None,
            &mail,
        )
        .await
        .unwrap();
    store
        .create_email_token(
            TokenPurpose::Reset,
            "nobody@example.org",
            "reset-nobody",
            hour,
            None,
            None,
            &mail,
        )
        .await
        .unwrap();
    store
        .create_login_challenge(id, "chal-r", Utc::now() + Duration::minutes(10), "ip", "ua")
        .await
        .unwrap();

    assert_eq!(
        store.reset_password("nope", "$h", "ip").await.unwrap(),
        Err(TokenProblem::Unknown)
    );
    assert_eq!(
        store.reset_password("reset-old", "$h", "ip").await.unwrap(),
        Err(TokenProblem::Expired)
    );
    assert_eq!(
        store
            .reset_password("signup-reset-org", "$h", "ip")
            .await
            .unwrap(),
        Err(TokenProblem::Unknown),
        "a sign-up link is not a reset link"
    );
    assert_eq!(
        store
            .reset_password("reset-nobody", "$h", "ip")
            .await
            .unwrap(),
        Err(TokenProblem::Unknown),
        "no account, nothing changes"
    );
    assert_eq!(
        store
            .user_by_email(email)
            .await
            .unwrap()
            .unwrap()
            .password_hash,
        "$argon2id$old"
    );

    assert_eq!(
        store
            .reset_password("reset-1", "$argon2id$reset", "10.0.0.4")
            .await
            .unwrap(),
        Ok(id)
    );
    assert_eq!(
        store
            .user_by_email(email)
            .await
            .unwrap()
            .unwrap()
            .password_hash,
        "$argon2id$reset"
    );
    assert!(
        store.session_user("sess-1").await.unwrap().is_none(),
        "every session ends"
    );
    assert_eq!(store.login_challenge_user("chal-r").await.unwrap(), None);
    assert_eq!(
        store
            .reset_password("reset-1", "$again", "ip")
            .await
            .unwrap(),
        Err(TokenProblem::Used),
        "single use"
    );
    assert_eq!(
        store
            .usable_token(TokenPurpose::Reset, "reset-2")
            .await
            .unwrap()
            .unwrap_err(),
        TokenProblem::Used,
        "older links of the address die with the reset"
    );
    assert_eq!(
        store
            .user_by_email(email)
            .await
            .unwrap()
            .unwrap()
            .password_hash,
        "$argon2id$reset"
    );
    let audit = store.user_audit_events(id, 1).await.unwrap();
    assert_eq!(
        audit[0],
        ("password.reset".to_owned(), "1 sessions ended".to_owned())
    );
}

/// The whole check a sign-in does: a real TOTP code against the sealed
/// secret, spent once; a recovery code as typed, spent once.
async fn verify_second_factor(store: &Store) {
    let master = MasterKey::generate();
    let id = user(store, "verify-org", "sess-v").await;
    let secret = mfa::new_secret();
    let sealed = mfa::seal_secret(&master, id, &secret);
    let codes = mfa::new_recovery_codes();
    let hs = hashes(id, &codes);
    store.set_totp_pending(id, Some(&sealed)).await.unwrap();
    // Turned on with the step before the current one, as if confirmed 30 s ago.
    let now = mfa::now_unix();
    let step = (now / 30) as i64;
    assert!(store
        .enable_totp(&enable(id, &sealed, step - 1, &hs, "sess-v"))
        .await
        .unwrap());

    let code = mfa::code_at(&secret, now).unwrap();
    let verify = |input: String| {
        let master = master.clone();
        let sealed = sealed.clone();
        async move {
            mfa::verify(store, &master, id, &sealed, &input, "ip")
                .await
                .unwrap()
        }
    };
    assert_eq!(verify(code.clone()).await, Some(mfa::Verified::Totp));
    assert_eq!(verify(code).await, None, "a code works once");
    assert_eq!(verify("12345".into()).await, None);
    assert_eq!(verify("not a code".into()).await, None);

    let typed = codes[3].to_uppercase().replace('-', " ");
    assert_eq!(verify(typed.clone()).await, Some(mfa::Verified::Recovery));
    assert_eq!(
        verify(typed).await,
        None,
        "a used recovery code never works again"
    );
    assert_eq!(
        verify(codes[4].clone()).await,
        Some(mfa::Verified::Recovery)
    );
    // The secret is sealed for this user; another's id cannot open it.
    assert!(mfa::open_secret(&master, id + 1, &sealed).is_err());
}
