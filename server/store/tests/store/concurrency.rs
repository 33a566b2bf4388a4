//! Transactions under concurrent writers, on a real SQLite file and a real
//! PostgreSQL database: a transaction that reads before it writes must wait
//! for the other writers, never fail because one of them committed first
//! (SQLite answers a deferred `BEGIN` that way with `SQLITE_BUSY` at once;
//! the store begins every transaction with `BEGIN IMMEDIATE` there).

use laurel_store::{on_both_backends, Store};
use tokio::task::JoinSet;

on_both_backends!(
    concurrent_writers_on_sqlite,
    concurrent_writers_on_postgres,
    read_then_write_under_concurrent_writers
);

async fn read_then_write_under_concurrent_writers(store: &Store) {
    let user = store
        .ensure_holder_account("busy@example.com", "Busy", "not a hash")
        .await
        .unwrap();
    // `add_address` reads the account and its addresses, then inserts: 40
    // of them at once, each racing the others' commits.
    let mut tasks = JoinSet::new();
    for i in 0..40 {
        let store = store.clone();
        tasks.spawn(async move {
            store
                .add_address(user.id, &format!("busy{i}@example.com"))
                .await
        });
    }
    let mut failures = Vec::new();
    while let Some(done) = tasks.join_next().await {
        if let Err(e) = done.unwrap() {
            failures.push(e.to_string());
        }
    }
    assert!(
        failures.is_empty(),
        "{} failed: {failures:?}",
        failures.len()
    );
    let added = store
        .user_emails(user.id)
        .await
        .unwrap()
        .into_iter()
        .filter(|e| e.email != "busy@example.com")
        .count();
    assert_eq!(added, 40);
}
