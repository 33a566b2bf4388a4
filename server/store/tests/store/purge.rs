//! `Store::purge_expired` deletes what can no longer be used and keeps the
//! rest, on both backends.

use chrono::{Duration, Utc};
use laurel_store::testing::count_rows;
use laurel_store::{on_both_backends, Store, TokenPurpose};

on_both_backends!(purge_on_sqlite, purge_on_postgres, purge);

async fn purge(store: &Store) {
    let now = Utc::now();
    let user = store
        .ensure_holder_account("purge@example.org", "Purge", "x")
        .await
        .unwrap();
    for (hash, expires) in [
        ("live", now + Duration::hours(1)),
        ("dead", now - Duration::minutes(1)),
    ] {
        store
            .create_session(user.id, hash, expires, "ip", "ua", None)
            .await
            .unwrap();
        store
            .create_login_challenge(user.id, &format!("chal-{hash}"), expires, "ip", "ua")
            .await
            .unwrap();
    }
    let mail = serde_json::json!({});
    for (hash, expires) in [
        ("fresh", now + Duration::hours(1)),
        ("lately-expired", now - Duration::days(1)),
        ("long-expired", now - Duration::days(8)),
    ] {
        store
            .create_email_token(
                TokenPurpose::Reset,
                "purge@example.org",
                hash,
                expires,
                None,
                None,
                &mail,
            )
            .await
            .unwrap();
    }
    store.hit_rate_limit("purge:today", 60).await.unwrap();
    laurel_store::testing::execute(
        store,
        &format!(
            "INSERT INTO rate_limits (key, window_start, count) VALUES ('purge:old', {}, 3)",
            now.timestamp() - 2 * 86_400
        ),
    )
    .await;

    assert_eq!(store.purge_expired(now).await.unwrap(), 4);
    assert!(store.session_user("live").await.unwrap().is_some());
    assert_eq!(count_rows(store, "sessions").await, 1);
    assert_eq!(count_rows(store, "login_challenges").await, 1);
    assert_eq!(
        count_rows(
            store,
            "email_tokens WHERE token_hash IN ('fresh', 'lately-expired')"
        )
        .await,
        2,
        "a token a day past its expiry is kept (a late click is told it expired)"
    );
    assert_eq!(count_rows(store, "email_tokens").await, 2);
    assert_eq!(
        count_rows(store, "rate_limits WHERE key = 'purge:today'").await,
        1
    );
    assert_eq!(count_rows(store, "rate_limits").await, 1);
    assert_eq!(
        store.purge_expired(now).await.unwrap(),
        0,
        "nothing left to purge"
    );
}
