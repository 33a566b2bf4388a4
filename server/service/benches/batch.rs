//! Load run: a 100,000-row CSV batch on SQLite and on PostgreSQL (upload and
//! preview, then issuing with signing, mail outbox and usage counts, exactly
//! as the job worker does), then the register's queries — on PostgreSQL at
//! 1,000,000 badges.
//!
//! ```text
//! cargo bench -p laurel-service --bench batch                  # 100,000 rows
//! LAUREL_BENCH_ROWS=10000 cargo bench -p laurel-service --bench batch
//! ```
//! PostgreSQL must be reachable at `LAUREL_TEST_POSTGRES_URL` (default
//! `postgres://postgres@127.0.0.1:5432/postgres`); a database is made and
//! dropped for the run.
//! A one-shot load run, not criterion: one run of 100,000 rows is the
//! measurement; repeating it would take an hour and tell nothing new.

use std::sync::Arc;
use std::time::{Duration, Instant};

use laurel::crypto::MasterKey;
use laurel::Subdomain;
use laurel::{BadgeStatus, RegisterSort};
use laurel_service::batches::{create_batch, run_batch};
use laurel_service::ServerContext;
use laurel_store::testing::TestDatabase;
use laurel_store::{RegisterQuery, Store, TemplateDesign};

fn rows() -> usize {
    std::env::var("LAUREL_BENCH_ROWS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(100_000)
}

fn csv(n: usize) -> String {
    let mut out = String::from("email,first_name,last_name,achievement_date,evidence_url\n");
    for i in 0..n {
        out.push_str(&format!(
            "holder{i}@example.com,Holder,Number {i},2025-{:02}-{:02},https://example.com/e/{i}\n",
            1 + i % 12,
            1 + i % 28
        ));
    }
    out
}

async fn batch_run(store: &Store, label: &str, n: usize) -> (i64, i64) {
    let ctx = ServerContext::new(
        store.clone(),
        "https://badges.example.org",
        Arc::new(MasterKey::generate()),
    );
    let org = store
        .ensure_organisation(&Subdomain::parse("bench").unwrap(), "Bench Ltd")
        .await
        .unwrap();
    laurel_service::billing::grant_free_trial(store, &org)
        .await
        .unwrap();
    let (template, _) = store
        .create_template(
            org.id,
            None,
            "bench-class",
            &TemplateDesign {
                name: "Bench",
                description: "Load run.",
                criteria_narrative: Some("Be in the file."),
                criteria_url: None,
                image_type: "image/png",
                image: b"png",
                tags: "[]",
                alignment: "[]",
                validity_years: 3,
            },
        )
        .await
        .unwrap();
    let file = csv(n);
    let t = Instant::now();
    let batch = create_batch(store, org.id, &template, None, "bench.csv", file.as_bytes())
        .await
        .unwrap();
    let preview = t.elapsed();
    assert!(store.confirm_batch(org.id, batch).await.unwrap());
    let t = Instant::now();
    let mut jobs = 1;
    while !run_batch(&ctx, batch, Duration::from_secs(5))
        .await
        .unwrap()
    {
        jobs += 1;
    }
    let issuing = t.elapsed();
    let c = store.batch_counts(batch).await.unwrap();
    assert_eq!(c.issued, n as i64, "{c:?}");
    println!(
        "{label:<10} {n} rows ({:.1} MB): upload+preview {:.1} s ({:.0} rows/s); issuing {:.1} s ({:.0} badges/s, {jobs} jobs)",
        file.len() as f64 / 1e6,
        preview.as_secs_f64(),
        n as f64 / preview.as_secs_f64(),
        issuing.as_secs_f64(),
        n as f64 / issuing.as_secs_f64(),
    );
    (org.id, template.id)
}

/// Median of five runs of each register query, in milliseconds.
async fn register_queries(store: &Store, label: &str, org: i64, template: i64) {
    let page = |f: fn(&mut RegisterQuery)| {
        let mut q = RegisterQuery {
            limit: 25,
            ..Default::default()
        };
        f(&mut q);
        q
    };
    let queries: Vec<(&str, RegisterQuery)> = vec![
        ("first page, newest", page(|_| {})),
        ("page 200, newest", page(|q| q.offset = 200 * 25)),
        ("sorted by name", page(|q| q.sort = RegisterSort::Name)),
        (
            "search \"holder4242\"",
            page(|q| q.search = Some("holder4242".into())),
        ),
        (
            "search \"number 77\"",
            page(|q| q.search = Some("number 77".into())),
        ),
        (
            "template filter",
            RegisterQuery {
                template_id: Some(template),
                ..page(|_| {})
            },
        ),
        (
            "revoked only",
            page(|q| q.status = Some(BadgeStatus::Revoked)),
        ),
        (
            "active only",
            page(|q| q.status = Some(BadgeStatus::Active)),
        ),
    ];
    for (name, q) in queries {
        let mut times = Vec::new();
        let mut total = 0;
        for _ in 0..5 {
            let t = Instant::now();
            total = store.register(org, &q).await.unwrap().1;
            times.push(t.elapsed().as_secs_f64() * 1000.0);
        }
        times.sort_by(|a, b| a.total_cmp(b));
        println!(
            "{label:<10} register {name:<22} {:>8.1} ms  (count {total})",
            times[2]
        );
    }
}

/// Grows the organisation's badges to `target` by copying the issued ones
/// (new slugs, names and dates; PostgreSQL only).
async fn grow_to(url: &str, org: i64, target: i64) {
    let pool = sqlx::PgPool::connect(url).await.unwrap();
    let have: i64 =
        sqlx::query_scalar("SELECT count(*) FROM assertions WHERE organisation_id = $1")
            .bind(org)
            .fetch_one(&pool)
            .await
            .unwrap();
    let copies = (target / have.max(1)) - 1;
    let t = Instant::now();
    sqlx::query(
        "INSERT INTO assertions (organisation_id, badge_class_id, slug, recipient_email, recipient_name, \
         salt, identity_hash, issued_on, expires_at, evidence_url, key_id, signed_jws, credential_jwt, \
         created_at, template_id, holder_first_name, holder_last_name, source, revoked_at) \
         SELECT organisation_id, badge_class_id, slug || '-' || g, 'c' || g || '.' || recipient_email, \
         recipient_name || ' copy ' || g, salt, identity_hash, issued_on - make_interval(days => g::int), \
         expires_at, evidence_url, key_id, signed_jws, credential_jwt, created_at, template_id, \
         holder_first_name, holder_last_name, 'batch', CASE WHEN random() < 0.001 THEN now() END \
         FROM assertions a, generate_series(1, $2) g WHERE a.organisation_id = $1",
    )
    .bind(org)
    .bind(copies)
    .execute(&pool)
    .await
    .unwrap();
    sqlx::query("ANALYZE assertions")
        .execute(&pool)
        .await
        .unwrap();
    println!(
        "postgres   grew the register to {} badges in {:.0} s",
        have * (copies + 1),
        t.elapsed().as_secs_f64()
    );
    pool.close().await;
}

#[tokio::main]
async fn main() {
    let n = rows();
    let db = TestDatabase::sqlite();
    let store = Store::connect(&db.url).await.unwrap();
    store.migrate().await.unwrap();
    let (org, template) = batch_run(&store, "sqlite", n).await;
    register_queries(&store, "sqlite", org, template).await;
    store.close().await;
    db.cleanup().await;

    let db = TestDatabase::postgres().await;
    let store = Store::connect(&db.url).await.unwrap();
    store.migrate().await.unwrap();
    let (org, template) = batch_run(&store, "postgres", n).await;
    register_queries(&store, "postgres", org, template).await;
    grow_to(&db.url, org, 1_000_000).await;
    register_queries(&store, "postgres", org, template).await;
    store.close().await;
    db.cleanup().await;
}
