//! Remote issuing's integrations and keys, against a real SQLite file and a
//! real PostgreSQL database (fresh for each test, dropped afterwards).

use laurel::{KeyOrigin, Subdomain};
use laurel_store::on_both_backends;
use laurel_store::{Store, StoreError};

on_both_backends!(
    integrations_on_sqlite,
    integrations_on_postgres,
    integrations
);

const ID_A: &str = "3f2504e0-4f89-11d3-9a0c-0305e82c3301";
const ID_B: &str = "9a6c1c2e-7f00-4b8e-8f4e-0b7d2c1a5e11";

async fn integrations(store: &Store) {
    let a = store
        .ensure_organisation(&Subdomain::parse("remote-a").unwrap(), "A")
        .await
        .unwrap();
    let b = store
        .ensure_organisation(&Subdomain::parse("remote-b").unwrap(), "B")
        .await
        .unwrap();
    assert_eq!(store.integration(a.id).await.unwrap(), None);
    assert_eq!(store.integration_by_id(ID_A).await.unwrap(), None);

    // Set up once: a second call keeps the first ID.
    let made = store.ensure_integration(a.id, ID_A).await.unwrap();
    assert_eq!(made.integration_id, ID_A);
    let again = store.ensure_integration(a.id, ID_B).await.unwrap();
    assert_eq!(again.integration_id, ID_A);
    assert_eq!(
        store
            .integration_by_id(ID_A)
            .await
            .unwrap()
            .unwrap()
            .organisation_id,
        a.id
    );
    // An ID is one organisation's: B cannot have A's.
    assert!(store.ensure_integration(b.id, ID_A).await.is_err());
    assert_eq!(store.integration(b.id).await.unwrap(), None);

    // Keys: added, listed, the same key twice is a conflict.
    let k1 = store
        .add_integration_key(a.id, "PEM-1", "fp-1", KeyOrigin::Uploaded)
        .await
        .unwrap();
    let k2 = store
        .add_integration_key(a.id, "PEM-2", "fp-2", KeyOrigin::Generated)
        .await
        .unwrap();
    assert!(matches!(
        store
            .add_integration_key(a.id, "PEM-1", "fp-1", KeyOrigin::Uploaded)
            .await,
        Err(StoreError::Conflict(_))
    ));
    let all = store.integration_keys(a.id).await.unwrap();
    assert_eq!(
        all.iter().map(|k| k.id).collect::<Vec<_>>(),
        [k2.id, k1.id],
        "newest first"
    );
    assert!(all.iter().all(|k| k.last_used_at.is_none()));
    store.touch_integration_key(k1.id).await.unwrap();
    let used = store.integration_keys(a.id).await.unwrap();
    assert!(used
        .iter()
        .find(|k| k.id == k1.id)
        .unwrap()
        .last_used_at
        .is_some());

    // Revoking: B cannot revoke A's key; A can, once.
    assert!(!store.revoke_integration_key(b.id, k1.id).await.unwrap());
    assert!(store.revoke_integration_key(a.id, k1.id).await.unwrap());
    assert!(!store.revoke_integration_key(a.id, k1.id).await.unwrap());
    let active = store.active_integration_keys(a.id).await.unwrap();
    assert_eq!(active.iter().map(|k| k.id).collect::<Vec<_>>(), [k2.id]);
    assert!(store
        .active_integration_keys(b.id)
        .await
        .unwrap()
        .is_empty());

    // A new ID: the old one finds nothing.
    assert!(store.regenerate_integration(a.id, ID_B).await.unwrap());
    assert_eq!(store.integration_by_id(ID_A).await.unwrap(), None);
    assert_eq!(
        store
            .integration_by_id(ID_B)
            .await
            .unwrap()
            .unwrap()
            .organisation_id,
        a.id
    );
    assert!(!store.regenerate_integration(b.id, ID_A).await.unwrap());
}
