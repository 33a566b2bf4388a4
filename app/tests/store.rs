//! The store's integration suite, run against a real SQLite file and a real
//! PostgreSQL database (fresh for each run, dropped afterwards).

use laurel::Subdomain;
use laurel_app::store::{testing::TestDatabase, Backend, Store, StoreError};

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

    store.close().await;
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
