//! Accounts, sessions, organisations, profiles and badges, against a real
//! SQLite file and a real PostgreSQL database (fresh for each run, dropped afterwards).

use chrono::{Duration, Utc};
use laurel::AuditEvent;
use laurel::{Role, Subdomain};
use laurel_store::{
    testing::TestDatabase, Activation, Audit, Backend, NewAssertion, NewBadgeClass,
    OrganisationProfile, Store, StoreError, TokenProblem, TokenPurpose,
};

async fn suite(url: &str, backend: Backend) {
    let store = Store::connect(url).await.expect("connect");
    assert_eq!(store.backend(), backend);
    store.migrate().await.expect("migrate");
    store.migrate().await.expect("migrating twice is a no-op");
    store.ping().await.expect("ping");

    // Create and read back.
    let acme = Subdomain::parse("acme").unwrap();
    let created = store
        .create_organisation(&acme, "Acme Academy")
        .await
        .unwrap();
    assert_eq!(created.subdomain, "acme");
    assert_eq!(created.name, "Acme Academy");
    let age = chrono::Utc::now() - created.created_at;
    assert!(age.num_seconds().abs() < 60, "created_at is now: {age}");
    let found = store.organisation_by_subdomain(&acme).await.unwrap();
    assert_eq!(found.as_ref(), Some(&created));

    // A taken subdomain is a conflict with a sentence, and writes nothing.
    let err = store
        .create_organisation(&acme, "Someone Else")
        .await
        .unwrap_err();
    assert!(err.is_conflict(), "{err:?}");
    assert_eq!(
        err.to_string(),
        "The subdomain “acme” is already taken; choose another."
    );
    assert_eq!(store.count_organisations().await.unwrap(), 1);
    let still = store
        .organisation_by_subdomain(&acme)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(still.name, "Acme Academy", "the first owner keeps it");

    // A name the schema refuses is an error and leaves nothing behind.
    let other = Subdomain::parse("other").unwrap();
    let err = store
        .create_organisation(&other, &"n".repeat(201))
        .await
        .unwrap_err();
    assert!(matches!(err, StoreError::Database(_)), "{err:?}");
    assert_eq!(store.count_organisations().await.unwrap(), 1);
    assert_eq!(store.organisation_by_subdomain(&other).await.unwrap(), None);

    // ensure_organisation is idempotent and never renames.
    let demo = Subdomain::parse("demo").unwrap();
    let first = store.ensure_organisation(&demo, "Demo").await.unwrap();
    let second = store.ensure_organisation(&demo, "Renamed").await.unwrap();
    assert_eq!(first, second);
    assert_eq!(store.count_organisations().await.unwrap(), 2);

    badges_and_keys(&store, created.id).await;
    accounts(&store).await;
    profile(&store, created.id).await;
    store.close().await;
}

fn activation<'a>(token_hash: &'a str, subdomain: &'a str, session: &'a str) -> Activation<'a> {
    Activation {
        token_hash,
        organisation_name: "New Org",
        subdomain,
        contact_name: "Ada",
        contact_phone: "+31 20 123",
        password_hash: "$argon2id$fake",
        session_hash: session,
        session_expires: Utc::now() + Duration::days(14),
        ip: "127.0.0.1",
        user_agent: "test",
    }
}

async fn accounts(store: &Store) {
    let mail =
        serde_json::json!({"to": "new@example.org", "subject": "s", "text": "t", "html": "h"});
    let later = Utc::now() + Duration::hours(24);
    store
        .create_email_token(
            TokenPurpose::Signup,
            "new@example.org",
            "tok-1",
            later,
            None,
            None,
            &mail,
        )
        .await
        .unwrap();
    let t = store
        .usable_token(TokenPurpose::Signup, "tok-1")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(t.email, "new@example.org");
    assert_eq!(
        store
            .usable_token(TokenPurpose::Reset, "tok-1")
            .await
            .unwrap()
            .unwrap_err(),
        TokenProblem::Unknown,
        "a token only works for its purpose"
    );
    assert_eq!(
        store
            .usable_token(TokenPurpose::Signup, "nope")
            .await
            .unwrap()
            .unwrap_err(),
        TokenProblem::Unknown
    );

    // A taken subdomain: a conflict, nothing created, the link still works.
    let err = store
        .activate_signup(&activation("tok-1", "acme", "sess-0"))
        .await
        .unwrap_err();
    assert!(err.is_conflict(), "{err:?}");
    assert!(store
        .user_by_email("new@example.org")
        .await
        .unwrap()
        .is_none());
    assert!(store.session_user("sess-0").await.unwrap().is_none());
    assert!(store
        .usable_token(TokenPurpose::Signup, "tok-1")
        .await
        .unwrap()
        .is_ok());

    // Activation creates organisation, privileged user and session at once.
    let (org, user) = store
        .activate_signup(&activation("tok-1", "new-org", "sess-1"))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(org.subdomain, "new-org");
    assert_eq!(user.email, "new@example.org");
    let memberships = store.memberships(user.id).await.unwrap();
    assert_eq!(memberships.len(), 1);
    assert_eq!(memberships[0].role, Role::Privileged);
    assert_eq!(memberships[0].organisation_name, "New Org");
    assert_eq!(
        store.session_user("sess-1").await.unwrap().unwrap().user_id,
        user.id
    );
    assert_eq!(
        store
            .activate_signup(&activation("tok-1", "other-org", "sess-2"))
            .await
            .unwrap()
            .unwrap_err(),
        TokenProblem::Used,
        "a link works once"
    );
    assert!(store
        .organisation_by_subdomain(&Subdomain::parse("other-org").unwrap())
        .await
        .unwrap()
        .is_none());

    // An expired link.
    store
        .create_email_token(
            TokenPurpose::Signup,
            "late@example.org",
            "tok-old",
            Utc::now() - Duration::seconds(1),
            None,
            None,
            &mail,
        )
        .await
        .unwrap();
    assert_eq!(
        store
            .activate_signup(&activation("tok-old", "late-org", "sess-3"))
            .await
            .unwrap()
            .unwrap_err(),
        TokenProblem::Expired
    );

    // Sessions: rotation replaces, sign out everywhere ends all.
    store
        .create_session(
            user.id,
            "sess-4",
            Utc::now() + Duration::days(1),
            "ip",
            "ua",
            Some("sess-1"),
        )
        .await
        .unwrap();
    assert!(
        store.session_user("sess-1").await.unwrap().is_none(),
        "rotated away"
    );
    assert!(store.session_user("sess-4").await.unwrap().is_some());
    store
        .create_session(
            user.id,
            "sess-5",
            Utc::now() - Duration::seconds(1),
            "ip",
            "ua",
            None,
        )
        .await
        .unwrap();
    assert!(
        store.session_user("sess-5").await.unwrap().is_none(),
        "expired sessions do not count"
    );
    assert_eq!(store.delete_user_sessions(user.id).await.unwrap(), 2);
    assert!(store.session_user("sess-4").await.unwrap().is_none());

    // Rate limits count within the window, reset when cleared.
    for expected in 1..=3 {
        let (count, retry) = store.hit_rate_limit("login:x", 900).await.unwrap();
        assert_eq!(count, expected);
        assert!((1..=900).contains(&retry));
    }
    store.clear_rate_limit("login:x").await.unwrap();
    assert_eq!(store.hit_rate_limit("login:x", 900).await.unwrap().0, 1);
    let (count, _) = store.hit_rate_limit("login:y", 0).await.unwrap();
    assert_eq!(count, 1);
    assert_eq!(
        store.hit_rate_limit("login:y", 0).await.unwrap().0,
        1,
        "an elapsed window starts again"
    );

    // Audit log.
    store
        .audit(Audit {
            organisation_id: Some(org.id),
            user_id: Some(user.id),
            event: AuditEvent::RoleChanged,
            detail: "x".into(),
            ip: "1.2.3.4",
        })
        .await
        .unwrap();
    let events = store.audit_events(org.id, 10).await.unwrap();
    assert_eq!(
        events[0],
        (
            "member.role_changed".to_owned(),
            "x".to_owned(),
            "1.2.3.4".to_owned()
        )
    );
    assert!(events.iter().any(|e| e.0 == "organisation.activated"));
}

fn class<'a>(org: i64, slug: &'a str, image_type: &'a str) -> NewBadgeClass<'a> {
    NewBadgeClass {
        organisation_id: org,
        slug,
        name: "Rust",
        description: "Knows Rust",
        criteria_narrative: Some("Pass the exam"),
        criteria_url: None,
        image_type,
        image: b"\x89PNG fake",
        tags: r#"["a"]"#,
        alignment: "[]",
        validity_years: 2,
    }
}

fn assertion<'a>(org: i64, class: i64, key: i64, slug: &'a str) -> NewAssertion<'a> {
    NewAssertion {
        organisation_id: org,
        badge_class_id: class,
        slug,
        recipient_email: "holder@example.com",
        recipient_name: "Holder",
        salt: "s",
        identity_hash: "sha256$00",
        issued_on: Utc::now() - Duration::days(1),
        expires_at: Some(Utc::now() + Duration::days(700)),
        evidence_url: None,
        evidence_narrative: Some("did it"),
        key_id: key,
        signed_jws: "a.b.c",
        credential_jwt: "d.e.f",
        template_id: None,
        holder_first_name: "",
        holder_last_name: "Holder",
        holder_last_name_prefix: "",
        holder_is_individual: true,
        source: "demo",
        batch_id: None,
        idempotency_key: None,
        claim_token_hash: None,
    }
}

async fn badges_and_keys(store: &Store, org: i64) {
    // Keys: adding one retires the previous, which stays listed.
    let k1 = store
        .add_active_issuer_key(org, "kid-1", "PEM1", b"sealed1")
        .await
        .unwrap();
    assert!(k1.retired_at.is_none());
    let k2 = store
        .add_active_issuer_key(org, "kid-2", "PEM2", b"sealed2")
        .await
        .unwrap();
    let keys = store.issuer_keys(org).await.unwrap();
    assert_eq!(keys.len(), 2);
    assert_eq!(keys[0].kid, "kid-2", "the active key comes first");
    assert!(keys[0].retired_at.is_none());
    assert!(
        keys[1].retired_at.is_some(),
        "the old key is retired, not deleted"
    );
    assert_eq!(keys[0].sealed_private, b"sealed2");
    assert_eq!(
        store
            .issuer_key_by_kid(org, "kid-1")
            .await
            .unwrap()
            .unwrap()
            .id,
        k1.id
    );
    assert!(store
        .issuer_key_by_kid(org, "nope")
        .await
        .unwrap()
        .is_none());
    assert!(
        store
            .add_active_issuer_key(org, "kid-2", "PEM", b"x")
            .await
            .is_err(),
        "kid is unique"
    );
    assert!(
        store
            .issuer_keys(org)
            .await
            .unwrap()
            .iter()
            .any(|k| k.kid == "kid-2" && k.retired_at.is_none()),
        "a refused key leaves the active one active"
    );

    // Badge classes.
    let c = store
        .create_badge_class(&class(org, "rust-1", "image/png"))
        .await
        .unwrap();
    assert_eq!(c.validity_years, 2);
    assert_eq!(
        store.badge_class_by_slug(org, "rust-1").await.unwrap(),
        Some(c.clone())
    );
    assert_eq!(
        store.badge_class_by_id(c.id).await.unwrap(),
        Some(c.clone())
    );
    assert!(
        store
            .badge_class_by_slug(org + 1000, "rust-1")
            .await
            .unwrap()
            .is_none(),
        "scoped to the organisation"
    );
    let err = store
        .create_badge_class(&class(org, "bad", "image/gif"))
        .await;
    assert!(err.is_err(), "only PNG and SVG images");
    assert!(store
        .badge_class_by_slug(org, "bad")
        .await
        .unwrap()
        .is_none());
    assert!(store
        .create_badge_class(&class(org, "rust-1", "image/png"))
        .await
        .is_err());

    // Assertions.
    let a = store
        .create_assertion(&assertion(org, c.id, k2.id, "a1"))
        .await
        .unwrap();
    assert_eq!(a.signed_jws, "a.b.c");
    assert_eq!(
        store.assertion_by_slug(org, "a1").await.unwrap(),
        Some(a.clone())
    );
    assert!(
        store
            .create_assertion(&assertion(org, c.id + 999, k2.id, "a2"))
            .await
            .is_err(),
        "foreign keys are enforced"
    );
    assert!(store.assertion_by_slug(org, "a2").await.unwrap().is_none());
    assert_eq!(
        store
            .assertions_for_recipient(org, c.id, "holder@example.com")
            .await
            .unwrap()
            .len(),
        1
    );

    // Revocation: once, with the first reason.
    assert!(store
        .revoke_assertion(org, "a1", "Issued in error.")
        .await
        .unwrap());
    assert!(!store
        .revoke_assertion(org, "a1", "Another reason")
        .await
        .unwrap());
    assert!(!store.revoke_assertion(org, "missing", "x").await.unwrap());
    let revoked = store.revoked_assertions(org).await.unwrap();
    assert_eq!(
        revoked,
        vec![("a1".to_owned(), Some("Issued in error.".to_owned()))]
    );
    let a = store.assertion_by_slug(org, "a1").await.unwrap().unwrap();
    assert!(a.revoked_at.is_some());
}

#[tokio::test]
async fn store_on_sqlite() {
    let db = TestDatabase::sqlite();
    suite(&db.url, Backend::Sqlite).await;
    db.cleanup().await;
}

#[tokio::test]
async fn store_on_postgres() {
    let db = TestDatabase::postgres().await;
    suite(&db.url, Backend::Postgres).await;
    db.cleanup().await;
}

#[tokio::test]
async fn unreachable_postgres_is_one_sentence() {
    let err = Store::connect("postgres://laurel:hunter2@127.0.0.1:1/laurel")
        .await
        .unwrap_err();
    let msg = err.to_string();
    assert!(
        msg.starts_with("Could not connect to the database at DATABASE_URL=postgres://laurel:***@127.0.0.1:1/laurel:"),
        "{msg}"
    );
    assert!(!msg.contains("hunter2"), "password leaked: {msg}");
}

#[tokio::test]
async fn unsupported_scheme_is_refused() {
    let err = Store::connect("mysql://root@localhost/laurel")
        .await
        .unwrap_err();
    assert!(matches!(err, StoreError::UnsupportedUrl { .. }));
    assert!(err
        .to_string()
        .starts_with("DATABASE_URL must start with sqlite:"));
}

async fn profile(store: &Store, org: i64) {
    let empty = store.organisation_profile(org).await.unwrap().unwrap();
    assert_eq!(empty, OrganisationProfile::default());
    assert_eq!(store.linkedin_org_id(org).await.unwrap(), None);
    let p = OrganisationProfile {
        summary: "We teach.".into(),
        links: laurel::SocialLinks {
            linkedin_url: "https://www.linkedin.com/company/x".into(),
            linkedin_visible: true,
            twitter_url: "https://x.com/x".into(),
            ..Default::default()
        },
        contact_email: "badges@example.org".into(),
        linkedin_org_id: "1337".into(),
        ..Default::default()
    };
    store.save_organisation_profile(org, &p).await.unwrap();
    assert_eq!(store.organisation_profile(org).await.unwrap().unwrap(), p);
    assert_eq!(
        store.linkedin_org_id(org).await.unwrap().as_deref(),
        Some("1337")
    );
    assert!(store.organisation_image(org).await.unwrap().is_none());
    store
        .set_organisation_image(org, Some(("image/png", b"png bytes")))
        .await
        .unwrap();
    assert_eq!(
        store.organisation_image(org).await.unwrap(),
        Some(("image/png".to_owned(), b"png bytes".to_vec()))
    );
    assert!(
        store
            .set_organisation_image(org, Some(("image/gif", b"gif")))
            .await
            .is_err(),
        "only PNG, JPEG and SVG are stored"
    );
    assert_eq!(
        store.organisation_image(org).await.unwrap().unwrap().0,
        "image/png",
        "the refused write changed nothing"
    );
    store.set_organisation_image(org, None).await.unwrap();
    assert!(store.organisation_image(org).await.unwrap().is_none());
    assert!(store
        .organisation_profile(org + 999)
        .await
        .unwrap()
        .is_none());
}
