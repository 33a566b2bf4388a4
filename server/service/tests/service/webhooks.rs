//! Webhooks against a real SQLite file and a real PostgreSQL database: the
//! SSRF guard refuses private targets, events reach only the endpoints that
//! want them, an attempt that gets no answer is recorded and retried by a
//! new job, and a given-up delivery marks the endpoint failing and mails.

use laurel::WebhookEvent;
use laurel_service::webhooks;
use laurel_service::ServiceError;
use laurel_store::on_both_backends;
use laurel_store::{Attempt, AttemptOutcome, Store, MAIL_QUEUE, WEBHOOK_QUEUE};

use crate::issuing::{ctx, org};

on_both_backends!(webhooks_on_sqlite, webhooks_on_postgres, hooks);

async fn hooks(store: &Store) {
    let o = org(store, "hooks").await;
    // The guard on (production): private and loopback targets are refused.
    let guarded = ctx(store);
    for url in [
        "http://127.0.0.1:9/x",
        "http://localhost/x",
        "http://10.0.0.1/x",
        "http://[::1]/x",
        "http://169.254.169.254/latest/meta-data",
    ] {
        match webhooks::create(&guarded, o.id, url, &[WebhookEvent::BadgeIssued]).await {
            Err(ServiceError::Invalid(m)) => assert!(m.contains("does not deliver"), "{url}: {m}"),
            other => panic!("{url}: {other:?}"),
        }
    }
    for (url, events, why) in [
        (
            "ftp://example.org/x",
            vec![WebhookEvent::BadgeIssued],
            "http or https",
        ),
        (
            "https://user:pw@example.org/x",
            vec![WebhookEvent::BadgeIssued],
            "no user name",
        ),
        ("https://example.org/x", vec![], "at least one event"),
    ] {
        match webhooks::create(&guarded, o.id, url, &events).await {
            Err(ServiceError::Invalid(m)) => assert!(m.contains(why), "{url}: {m}"),
            other => panic!("{url}: {other:?}"),
        }
    }
    assert!(
        store.webhooks(o.id).await.unwrap().is_empty(),
        "nothing stored"
    );
    assert!(guarded
        .fetcher
        .post_json("http://127.0.0.1:9/x", "{}", &[])
        .await
        .is_err());

    // The guard off (tests, intranets): a local endpoint that answers nothing.
    let mut open = ctx(store);
    open.fetcher = laurel_service::fetch::HttpFetcher::new(true);
    let (endpoint, secret) = webhooks::create(
        &open,
        o.id,
        "http://127.0.0.1:9/hooks",
        &[WebhookEvent::BadgeIssued, WebhookEvent::BadgeRevoked],
    )
    .await
    .unwrap();
    assert!(secret.starts_with("whsec_"));
    assert_eq!(webhooks::secret_of(&open, &endpoint).unwrap(), secret);
    let other = org(store, "hooks-other").await;
    assert!(store.webhooks(other.id).await.unwrap().is_empty());

    // Only the events it wants.
    let (id, body) = webhooks::body(WebhookEvent::BadgeShared, "hooks", serde_json::json!({}));
    assert_eq!(
        store
            .queue_webhook_event(o.id, WebhookEvent::BadgeShared, &id, &body)
            .await
            .unwrap(),
        0
    );
    let (id, body) = webhooks::body(
        WebhookEvent::BadgeIssued,
        "hooks",
        serde_json::json!({"x": 1}),
    );
    let jobs_before = store.count_pending(WEBHOOK_QUEUE).await.unwrap();
    assert_eq!(
        store
            .queue_webhook_event(o.id, WebhookEvent::BadgeIssued, &id, &body)
            .await
            .unwrap(),
        1
    );
    assert_eq!(
        store.count_pending(WEBHOOK_QUEUE).await.unwrap(),
        jobs_before + 1
    );
    let delivery = store
        .webhook_deliveries(o.id, endpoint.id, 10)
        .await
        .unwrap()[0]
        .clone();
    assert_eq!(delivery.body, body);
    assert!(store
        .webhook_deliveries(other.id, endpoint.id, 10)
        .await
        .unwrap()
        .is_empty());

    // One try: no answer (port 9 is closed) → recorded, retried by a new job.
    webhooks::deliver(&open, delivery.id).await.unwrap();
    let tried = store
        .webhook_delivery(o.id, delivery.id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(tried.attempts, 1);
    assert_eq!(tried.last_status, None);
    assert!(tried.last_error.is_some());
    assert!(tried.delivered_at.is_none() && tried.failed_at.is_none());
    assert_eq!(
        store.count_pending(WEBHOOK_QUEUE).await.unwrap(),
        jobs_before + 2
    );

    // Given up: the endpoint is failing and the organisation is mailed.
    let mails_before = store.count_pending(MAIL_QUEUE).await.unwrap();
    store
        .record_webhook_attempt(Attempt {
            delivery_id: delivery.id,
            status: Some(503),
            duration_ms: 12,
            error: None,
            outcome: AttemptOutcome::GiveUp(vec![serde_json::json!({"to": "a@example.org"})]),
        })
        .await
        .unwrap();
    let given_up = store
        .webhook_delivery(o.id, delivery.id)
        .await
        .unwrap()
        .unwrap();
    assert!(given_up.failed_at.is_some());
    assert_eq!(given_up.last_status, Some(503));
    assert!(store
        .webhook(o.id, endpoint.id)
        .await
        .unwrap()
        .unwrap()
        .failing_since
        .is_some());
    assert_eq!(
        store.count_pending(MAIL_QUEUE).await.unwrap(),
        mails_before + 1
    );
    // A delivery that ended is not tried again by a stale job.
    webhooks::deliver(&open, delivery.id).await.unwrap();
    assert_eq!(
        store
            .webhook_delivery(o.id, delivery.id)
            .await
            .unwrap()
            .unwrap()
            .attempts,
        2
    );

    // Another organisation cannot delete it; its own can.
    assert!(!store.delete_webhook(other.id, endpoint.id).await.unwrap());
    assert!(store.delete_webhook(o.id, endpoint.id).await.unwrap());
    assert!(store
        .webhook_delivery(o.id, delivery.id)
        .await
        .unwrap()
        .is_none());
}
