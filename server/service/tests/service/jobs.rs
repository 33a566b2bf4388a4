//! The durable job queue and its worker, against a real SQLite file and a
//! real PostgreSQL database (fresh for each test, dropped afterwards).

use std::collections::HashSet;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, Utc};
use laurel::Subdomain;
use laurel_service::jobs::{run_pending_once, run_worker, Handlers, WorkerConfig};
use laurel_store::{testing::TestDatabase, Job, Store};
use serde_json::json;

const LEASE: Duration = Duration::from_secs(300);

async fn open(db: &TestDatabase) -> Store {
    let store = Store::connect(&db.url).await.expect("connect");
    store.migrate().await.expect("migrate");
    store
}

/// Runs `test` on a fresh SQLite database and a fresh PostgreSQL database.
macro_rules! on_both_databases {
    ($sqlite:ident, $postgres:ident, $test:ident) => {
        #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
        async fn $sqlite() {
            let db = TestDatabase::sqlite();
            $test(&db).await;
            db.cleanup().await;
        }

        #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
        async fn $postgres() {
            let db = TestDatabase::postgres().await;
            $test(&db).await;
            db.cleanup().await;
        }
    };
}

fn close_to(a: DateTime<Utc>, b: DateTime<Utc>) -> bool {
    // PostgreSQL keeps microseconds, SQLite text keeps nanoseconds.
    (a - b).num_milliseconds().abs() <= 1
}

async fn job(store: &Store, id: i64) -> Job {
    store.job(id).await.unwrap().expect("job exists")
}

on_both_databases!(
    claim_and_complete_sqlite,
    claim_and_complete_postgres,
    claim_and_complete
);
async fn claim_and_complete(db: &TestDatabase) {
    let store = open(db).await;
    let before = Utc::now();
    let id = store
        .enqueue("q", &json!({"hello": "world", "n": 1}), Utc::now())
        .await
        .unwrap();
    let queued = job(&store, id).await;
    assert_eq!(queued.attempts, 0);
    assert_eq!(queued.max_attempts, 8, "the default");
    assert!(queued.is_pending() && queued.locked_by.is_none());
    assert!(queued.created_at >= before - chrono::Duration::seconds(1));
    assert_eq!(store.count_pending("q").await.unwrap(), 1);
    assert_eq!(store.count_pending("other").await.unwrap(), 0);

    // Another queue's claimer does not see it.
    assert!(store.claim("other", "w1", LEASE).await.unwrap().is_none());

    let claimed = store.claim("q", "w1", LEASE).await.unwrap().expect("due");
    assert_eq!(claimed.id, id);
    assert_eq!(claimed.attempts, 1, "a claim counts an attempt");
    assert_eq!(claimed.locked_by.as_deref(), Some("w1"));
    let until = claimed.locked_until.expect("leased");
    let lease_left = until - Utc::now();
    assert!(
        lease_left > chrono::Duration::seconds(290) && lease_left <= chrono::Duration::seconds(300),
        "{lease_left}"
    );
    assert_eq!(
        claimed.payload_json().unwrap(),
        json!({"hello": "world", "n": 1})
    );

    // While leased nobody else gets it, and only the holder may finish it.
    assert!(store.claim("q", "w2", LEASE).await.unwrap().is_none());
    assert!(!store.complete(id, "w2").await.unwrap());
    assert!(store
        .fail(id, "w2", "not mine", Utc::now())
        .await
        .unwrap()
        .is_none());
    assert!(!store.release(id, "w2").await.unwrap());
    assert!(job(&store, id).await.done_at.is_none());

    assert!(store.complete(id, "w1").await.unwrap());
    let done = job(&store, id).await;
    assert!(done.done_at.is_some() && done.failed_at.is_none());
    assert!(done.locked_by.is_none() && done.locked_until.is_none());
    assert!(!done.is_pending());
    assert!(
        !store.complete(id, "w1").await.unwrap(),
        "completing twice is refused"
    );
    assert!(store.claim("q", "w1", LEASE).await.unwrap().is_none());
    assert_eq!(store.count_pending("q").await.unwrap(), 0);

    // Not before run_at; then oldest run_at first.
    let later = store
        .enqueue("q", &json!(2), Utc::now() + chrono::Duration::hours(1))
        .await
        .unwrap();
    assert!(store.claim("q", "w1", LEASE).await.unwrap().is_none());
    let newer = store.enqueue("q", &json!(3), Utc::now()).await.unwrap();
    let older = store
        .enqueue("q", &json!(4), Utc::now() - chrono::Duration::minutes(5))
        .await
        .unwrap();
    assert_eq!(store.count_pending("q").await.unwrap(), 3);
    let first = store.claim("q", "w1", LEASE).await.unwrap().unwrap();
    let second = store.claim("q", "w1", LEASE).await.unwrap().unwrap();
    assert_eq!((first.id, second.id), (older, newer));
    assert!(store.claim("q", "w1", LEASE).await.unwrap().is_none());
    assert_eq!(job(&store, later).await.attempts, 0);

    // A released job is due at once and its attempt is not counted.
    assert!(store.release(first.id, "w1").await.unwrap());
    let released = job(&store, first.id).await;
    assert_eq!(released.attempts, 0);
    assert!(released.locked_by.is_none());
    let again = store.claim("q", "w2", LEASE).await.unwrap().unwrap();
    assert_eq!((again.id, again.attempts), (first.id, 1));

    // Finished jobs can be purged; pending ones never are.
    assert!(store.complete(again.id, "w2").await.unwrap());
    let purged = store
        .purge_finished_jobs(Utc::now() + chrono::Duration::seconds(1))
        .await
        .unwrap();
    assert_eq!(purged, 2, "the two done jobs");
    assert!(store.job(id).await.unwrap().is_none());
    assert!(store.job(later).await.unwrap().is_some());
    assert!(store.job(newer).await.unwrap().is_some(), "still leased");
    store.close().await;
}

on_both_databases!(lease_expiry_sqlite, lease_expiry_postgres, lease_expiry);
async fn lease_expiry(db: &TestDatabase) {
    let store = open(db).await;
    let id = store.enqueue("q", &json!({}), Utc::now()).await.unwrap();
    // w1 claims with a short lease, then "crashes" (kill -9: never answers).
    // Long enough that w2's first try falls inside it on a busy machine.
    let short = Duration::from_secs(3);
    let first = store.claim("q", "w1", short).await.unwrap().unwrap();
    assert_eq!(first.attempts, 1);
    assert!(
        store.claim("q", "w2", LEASE).await.unwrap().is_none(),
        "still leased"
    );
    tokio::time::sleep(Duration::from_millis(3100)).await;
    let second = store
        .claim("q", "w2", LEASE)
        .await
        .unwrap()
        .expect("the expired lease makes it claimable again");
    assert_eq!(second.id, id);
    assert_eq!(second.attempts, 2);
    assert_eq!(second.locked_by.as_deref(), Some("w2"));
    // The first worker comes back: it no longer holds the job.
    assert!(!store.complete(id, "w1").await.unwrap());
    assert!(store
        .fail(id, "w1", "late", Utc::now())
        .await
        .unwrap()
        .is_none());
    assert!(store.complete(id, "w2").await.unwrap());

    // A job whose workers die on every attempt is given up, not kept forever.
    let doomed = store.enqueue("q", &json!({}), Utc::now()).await.unwrap();
    for attempt in 1..=8 {
        let claimed = store
            .claim("q", &format!("w{attempt}"), Duration::from_millis(1))
            .await
            .unwrap()
            .expect("claimable after the lease ends");
        assert_eq!(claimed.attempts, attempt);
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    assert!(
        store.claim("q", "w9", LEASE).await.unwrap().is_none(),
        "no attempts left"
    );
    assert_eq!(store.count_pending("q").await.unwrap(), 1);
    assert_eq!(store.give_up_abandoned_jobs("other").await.unwrap(), 0);
    assert_eq!(store.give_up_abandoned_jobs("q").await.unwrap(), 1);
    let gave_up = job(&store, doomed).await;
    assert!(gave_up.failed_at.is_some());
    assert!(gave_up.last_error.unwrap().contains("lease expired"));
    assert_eq!(store.count_pending("q").await.unwrap(), 0);
    // A job still within its lease on the last attempt is left alone.
    let busy = store.enqueue("q", &json!({}), Utc::now()).await.unwrap();
    for _ in 1..=7 {
        store
            .claim("q", "w", Duration::from_millis(1))
            .await
            .unwrap()
            .unwrap();
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    store.claim("q", "w", LEASE).await.unwrap().unwrap();
    assert_eq!(store.give_up_abandoned_jobs("q").await.unwrap(), 0);
    assert!(job(&store, busy).await.is_pending());
    store.close().await;
}

on_both_databases!(
    fail_and_backoff_sqlite,
    fail_and_backoff_postgres,
    fail_and_backoff
);
async fn fail_and_backoff(db: &TestDatabase) {
    let store = open(db).await;
    let id = store.enqueue("q", &json!({}), Utc::now()).await.unwrap();
    store.claim("q", "w", LEASE).await.unwrap().unwrap();
    let retry_at = Utc::now() + chrono::Duration::minutes(10);
    let failed = store
        .fail(id, "w", "SMTP: connection refused", retry_at)
        .await
        .unwrap()
        .expect("w holds it");
    assert_eq!(failed.attempts, 1);
    assert!(close_to(failed.run_at, retry_at), "{:?}", failed.run_at);
    assert_eq!(
        failed.last_error.as_deref(),
        Some("SMTP: connection refused")
    );
    assert!(failed.locked_by.is_none() && failed.failed_at.is_none());
    assert!(failed.is_pending());
    assert_eq!(job(&store, id).await, failed);
    assert!(
        store.claim("q", "w", LEASE).await.unwrap().is_none(),
        "not before the retry time"
    );
    assert_eq!(store.count_pending("q").await.unwrap(), 1);

    // With the retry due at once, it runs max_attempts (8) times, then stops.
    let id = store.enqueue("q2", &json!({}), Utc::now()).await.unwrap();
    let long_error = "x".repeat(5000);
    for attempt in 1..=8 {
        let claimed = store.claim("q2", "w", LEASE).await.unwrap().unwrap();
        assert_eq!(claimed.attempts, attempt);
        let failed = store
            .fail(
                id,
                "w",
                &long_error,
                Utc::now() - chrono::Duration::seconds(1),
            )
            .await
            .unwrap()
            .unwrap();
        assert_eq!(failed.attempts, attempt);
        assert_eq!(
            failed.failed_at.is_some(),
            attempt == 8,
            "gives up exactly after the 8th attempt"
        );
        assert_eq!(failed.last_error.unwrap().len(), 2000, "errors are cut");
    }
    assert!(store.claim("q2", "w", LEASE).await.unwrap().is_none());
    assert_eq!(store.count_pending("q2").await.unwrap(), 0);
    let gave_up = job(&store, id).await;
    assert!(gave_up.failed_at.is_some() && gave_up.done_at.is_none());
    assert!(
        !store.complete(id, "w").await.unwrap(),
        "a failed job stays failed"
    );
    store.close().await;
}

on_both_databases!(
    mail_is_retried_by_age_sqlite,
    mail_is_retried_by_age_postgres,
    mail_is_retried_by_age
);
/// Mail is retried for 48 hours whatever the attempts (an SMTP server down
/// for a night loses nothing); past that, the next failure gives it up, and
/// the operator's retry brings it back. Other queues keep their 8 attempts.
async fn mail_is_retried_by_age(db: &TestDatabase) {
    let store = open(db).await;
    let set_age = |id: i64, hours: i64| {
        let at = (Utc::now() - chrono::Duration::hours(hours))
            .to_rfc3339_opts(chrono::SecondsFormat::Micros, false);
        format!("UPDATE jobs SET created_at = '{at}' WHERE id = {id}")
    };
    let fail_once = |queue: &'static str, id: i64| {
        let store = store.clone();
        async move {
            let claimed = store.claim(queue, "w", LEASE).await.unwrap().unwrap();
            assert_eq!(claimed.id, id);
            store
                .fail(
                    id,
                    "w",
                    "SMTP: connection refused",
                    Utc::now() - chrono::Duration::seconds(1),
                )
                .await
                .unwrap()
                .unwrap()
        }
    };
    for queue in [laurel_store::MAIL_QUEUE, laurel_store::HOLDER_MAIL_QUEUE] {
        let id = store.enqueue(queue, &json!({}), Utc::now()).await.unwrap();
        laurel_store::testing::execute(&store, &set_age(id, 47)).await;
        for _ in 0..20 {
            let failed = fail_once(queue, id).await;
            assert!(
                failed.failed_at.is_none(),
                "{queue}: still retried after {} attempts",
                failed.attempts
            );
        }
        laurel_store::testing::execute(&store, &set_age(id, 49)).await;
        let failed = fail_once(queue, id).await;
        assert!(
            failed.failed_at.is_some(),
            "{queue}: given up past 48 hours"
        );
    }
    let failed = store.failed_jobs().await.unwrap();
    let queues: Vec<(&str, i64)> = failed.iter().map(|(q, n, _)| (q.as_str(), *n)).collect();
    assert_eq!(queues, [("mail", 1), ("mail-holder", 1)]);
    assert_eq!(failed[0].2.as_deref(), Some("SMTP: connection refused"));
    // The operator's retry, of one queue: pending again, its age afresh.
    assert_eq!(store.retry_failed_jobs(Some("mail")).await.unwrap(), 1);
    assert_eq!(store.count_pending("mail").await.unwrap(), 1);
    assert_eq!(store.count_pending("mail-holder").await.unwrap(), 0);
    let retried = store.claim("mail", "w", LEASE).await.unwrap().unwrap();
    let again = store
        .fail(retried.id, "w", "still down", Utc::now())
        .await
        .unwrap()
        .unwrap();
    assert!(
        again.failed_at.is_none() && again.attempts == 1,
        "{again:?}"
    );
    assert_eq!(
        store.retry_failed_jobs(None).await.unwrap(),
        1,
        "the holder mail"
    );
    // Delivered mail keeps no payload; other queues keep theirs.
    for (queue, kept) in [("mail-holder", false), ("q", true)] {
        let sealed = json!({"sealed": "c2VhbGVk"});
        let id = store.enqueue(queue, &sealed, Utc::now()).await.unwrap();
        while let Some(claimed) = store.claim(queue, "w", LEASE).await.unwrap() {
            assert!(store.complete(claimed.id, "w").await.unwrap());
        }
        let payload = job(&store, id).await.payload_json().unwrap();
        assert_eq!(payload == sealed, kept, "{queue}: {payload}");
        assert_eq!(payload == json!({}), !kept, "{queue}: {payload}");
    }
    store.close().await;
}

on_both_databases!(
    concurrent_claimers_sqlite,
    concurrent_claimers_postgres,
    concurrent_claimers
);
/// Eight claimers, each with its own connection pool (as separate processes
/// would have), race over 200 jobs: each job is claimed exactly once.
async fn concurrent_claimers(db: &TestDatabase) {
    let store = open(db).await;
    let mut ids = HashSet::new();
    for n in 0..200 {
        ids.insert(store.enqueue("race", &json!(n), Utc::now()).await.unwrap());
    }
    let mut tasks = Vec::new();
    for worker in 0..8 {
        let url = db.url.clone();
        tasks.push(tokio::spawn(async move {
            let store = Store::connect(&url).await.unwrap();
            let name = format!("worker-{worker}");
            let mut mine = Vec::new();
            loop {
                match store.claim("race", &name, LEASE).await.unwrap() {
                    Some(job) => {
                        assert_eq!(job.locked_by.as_deref(), Some(name.as_str()));
                        mine.push(job.id);
                        assert!(store.complete(job.id, &name).await.unwrap());
                    }
                    // Others may still hold jobs they are about to complete;
                    // stop only when nothing is left at all.
                    None if store.count_pending("race").await.unwrap() == 0 => break,
                    None => tokio::time::sleep(Duration::from_millis(2)).await,
                }
            }
            store.close().await;
            mine
        }));
    }
    let mut claimed = Vec::new();
    let mut workers_with_work = 0;
    for task in tasks {
        let mine = task.await.unwrap();
        workers_with_work += usize::from(!mine.is_empty());
        claimed.extend(mine);
    }
    assert_eq!(claimed.len(), 200, "200 claims in all");
    let unique: HashSet<i64> = claimed.iter().copied().collect();
    assert_eq!(unique, ids, "every job claimed, none twice");
    assert!(workers_with_work >= 2, "the claimers did race");
    for id in ids {
        let job = job(&store, id).await;
        assert_eq!(job.attempts, 1, "job {id} was claimed more than once");
        assert!(job.done_at.is_some());
    }
    store.close().await;
}

on_both_databases!(
    outbox_transaction_sqlite,
    outbox_transaction_postgres,
    outbox_transaction
);
/// A row and its job are written in one transaction: when either statement
/// fails, neither is stored.
async fn outbox_transaction(db: &TestDatabase) {
    let store = open(db).await;
    let acme = Subdomain::parse("acme").unwrap();
    let payload = json!({"welcome": "acme"});
    let org = store
        .create_organisation_with_job(&acme, "Acme", "mail", &payload)
        .await
        .unwrap();
    assert_eq!(org.subdomain, "acme");
    assert_eq!(store.count_pending("mail").await.unwrap(), 1);
    let job = store.claim("mail", "w", LEASE).await.unwrap().unwrap();
    assert_eq!(job.payload_json().unwrap(), payload);

    // The second statement (the job: an empty queue name breaks its CHECK)
    // fails: the organisation inserted before it in the transaction is gone.
    let beta = Subdomain::parse("beta").unwrap();
    let err = store
        .create_organisation_with_job(&beta, "Beta", "", &payload)
        .await
        .unwrap_err();
    assert!(!err.is_conflict(), "{err:?}");
    assert_eq!(store.organisation_by_subdomain(&beta).await.unwrap(), None);
    assert_eq!(store.count_organisations().await.unwrap(), 1);
    assert_eq!(store.count_pending("").await.unwrap(), 0);

    // The first statement fails (the subdomain is taken): no job either.
    let err = store
        .create_organisation_with_job(&acme, "Acme again", "mail", &payload)
        .await
        .unwrap_err();
    assert!(err.is_conflict(), "{err:?}");
    assert_eq!(
        store.count_pending("mail").await.unwrap(),
        1,
        "only the first job"
    );

    // And the happy path once more, to show the failures left nothing locked.
    store
        .create_organisation_with_job(&beta, "Beta", "mail", &payload)
        .await
        .unwrap();
    assert_eq!(store.count_organisations().await.unwrap(), 2);
    assert_eq!(store.count_pending("mail").await.unwrap(), 2);
    store.close().await;
}

fn test_config(worker: &str) -> WorkerConfig {
    WorkerConfig {
        worker_id: worker.to_owned(),
        idle_sleep: Duration::from_millis(50),
        ..WorkerConfig::default()
    }
}

on_both_databases!(
    worker_runs_handlers_sqlite,
    worker_runs_handlers_postgres,
    worker_runs_handlers
);
async fn worker_runs_handlers(db: &TestDatabase) {
    let store = open(db).await;
    let ran = Arc::new(AtomicUsize::new(0));
    let counter = Arc::clone(&ran);
    let handlers = Handlers::new()
        .on("ok", move |payload| {
            let counter = Arc::clone(&counter);
            async move {
                assert_eq!(payload["n"], 7);
                counter.fetch_add(1, Ordering::SeqCst);
                Ok(())
            }
        })
        .on("bad", |_| async { Err("boom".to_owned()) })
        .on("panics", |_| async { panic!("handler bug") });
    let config = test_config("once");
    let ok = store
        .enqueue("ok", &json!({"n": 7}), Utc::now())
        .await
        .unwrap();
    let bad = store.enqueue("bad", &json!({}), Utc::now()).await.unwrap();
    let panics = store
        .enqueue("panics", &json!({}), Utc::now())
        .await
        .unwrap();
    let unknown = store
        .enqueue("nobody", &json!({}), Utc::now())
        .await
        .unwrap();

    let started = Utc::now();
    assert_eq!(
        run_pending_once(&store, &handlers, &config).await.unwrap(),
        3
    );
    assert_eq!(ran.load(Ordering::SeqCst), 1);
    assert!(job(&store, ok).await.done_at.is_some());
    // A failure is retried after base × 2^0 with jitter: 5–10 s by default.
    let bad = job(&store, bad).await;
    assert_eq!(bad.attempts, 1);
    assert_eq!(bad.last_error.as_deref(), Some("boom"));
    assert!(bad.locked_by.is_none() && bad.is_pending());
    let delay = bad.run_at - started;
    assert!(
        delay >= chrono::Duration::milliseconds(4900) && delay <= chrono::Duration::seconds(11),
        "backoff {delay}"
    );
    let panicked = job(&store, panics).await;
    assert_eq!(panicked.last_error.as_deref(), Some("the handler panicked"));
    assert_eq!(
        job(&store, unknown).await.attempts,
        0,
        "no handler, untouched"
    );
    // Nothing is due any more.
    assert_eq!(
        run_pending_once(&store, &handlers, &config).await.unwrap(),
        0
    );

    // The long-running worker: picks up jobs as they come, stops on request.
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let worker = tokio::spawn(run_worker(
        store.clone(),
        handlers.clone(),
        test_config("loop"),
        async move {
            let _ = stopped.await;
        },
    ));
    let mut ids = Vec::new();
    for _ in 0..5 {
        ids.push(
            store
                .enqueue("ok", &json!({"n": 7}), Utc::now())
                .await
                .unwrap(),
        );
    }
    let deadline = std::time::Instant::now() + Duration::from_secs(10);
    while store.count_pending("ok").await.unwrap() > 0 {
        assert!(
            std::time::Instant::now() < deadline,
            "worker did not run the jobs"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert_eq!(ran.load(Ordering::SeqCst), 6);
    for id in ids {
        assert_eq!(job(&store, id).await.locked_by, None);
    }
    stop.send(()).unwrap();
    tokio::time::timeout(Duration::from_secs(5), worker)
        .await
        .expect("the worker stops on request")
        .unwrap();
    store.close().await;
}

on_both_databases!(
    shutdown_releases_sqlite,
    shutdown_releases_postgres,
    shutdown_releases
);
/// A job still running when the worker must stop gets the grace period, then
/// is stopped and given back: due at once, the attempt not counted. A handler
/// that runs past its time limit is a failed attempt.
async fn shutdown_releases(db: &TestDatabase) {
    let store = open(db).await;
    let started = Arc::new(tokio::sync::Notify::new());
    let notify = Arc::clone(&started);
    let handlers = Handlers::new().on("slow", move |_| {
        let notify = Arc::clone(&notify);
        async move {
            notify.notify_one();
            tokio::time::sleep(Duration::from_secs(3600)).await;
            Ok(())
        }
    });
    let id = store.enqueue("slow", &json!({}), Utc::now()).await.unwrap();
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let config = WorkerConfig {
        shutdown_grace: Duration::from_millis(200),
        ..test_config("stopping")
    };
    let worker = tokio::spawn(run_worker(
        store.clone(),
        handlers.clone(),
        config,
        async move {
            let _ = stopped.await;
        },
    ));
    tokio::time::timeout(Duration::from_secs(10), started.notified())
        .await
        .expect("the job started");
    assert_eq!(job(&store, id).await.locked_by.as_deref(), Some("stopping"));
    stop.send(()).unwrap();
    tokio::time::timeout(Duration::from_secs(5), worker)
        .await
        .expect("stops after the grace period")
        .unwrap();
    let released = job(&store, id).await;
    assert!(released.locked_by.is_none() && released.is_pending());
    assert_eq!(released.attempts, 0);
    assert!(released.run_at <= Utc::now());

    // Past its time limit (80 % of the lease) a handler is a failure.
    let config = WorkerConfig {
        lease: Duration::from_millis(500),
        ..test_config("timeout")
    };
    assert_eq!(
        run_pending_once(&store, &handlers, &config).await.unwrap(),
        1
    );
    let timed_out = job(&store, id).await;
    assert_eq!(timed_out.attempts, 1);
    assert!(
        timed_out
            .last_error
            .as_deref()
            .unwrap()
            .contains("did not finish within"),
        "{:?}",
        timed_out.last_error
    );
    store.close().await;
}
