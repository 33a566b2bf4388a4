//! Load run: signed remote-issue requests (EXeed's format) against the real
//! `laurel` binary, 16 concurrent clients, each request a new badge (a new
//! holder address) — once on SQLite, once on PostgreSQL. Prints the
//! requests, p50, p99 and badges per second (the README's table).
//!
//! ```text
//! make bench                                    # with the other load runs
//! cargo bench -p laurel-server --bench remote   # this one
//! LAUREL_BENCH_SECONDS=30 LAUREL_BENCH_CLIENTS=16 cargo bench -p laurel-server --bench remote
//! ```
//! PostgreSQL must be reachable at `LAUREL_TEST_POSTGRES_URL`; a database
//! is made and dropped for the run. The rate limit is lifted for the run
//! (`LAUREL_API_PER_MINUTE`), so the figure is issuing's, not the limit's.
//!
//! The clients sign in their own threads on the same machine (RSA-2048, as
//! an exam system would), so the server gets less than both cores; the
//! figures are for comparing runs on one machine. Plain blocking keep-alive
//! HTTP/1.1, one thread per client, as in `profile.rs`.

mod common;

use common::{percentile, setting, start};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use base64::Engine as _;
use laurel::crypto::SigningKey;
use laurel::{KeyOrigin, Subdomain};
use laurel_store::testing::TestDatabase;
use laurel_store::{Store, TemplateDesign};

const TEMPLATE: &str = "BENCH-EXAM";

/// The organisation, its template, integration and key; returns the
/// integration ID.
async fn seed(store: &Store, key: &SigningKey) -> String {
    store.migrate().await.unwrap();
    let org = store
        .ensure_organisation(&Subdomain::parse("bench").unwrap(), "Bench Academy")
        .await
        .unwrap();
    laurel_service::billing::grant_free_trial(store, &org)
        .await
        .unwrap();
    store
        .create_template(
            org.id,
            Some(TEMPLATE),
            "bench-exam",
            &TemplateDesign {
                name: "Bench Exam",
                description: "A badge of the load run.",
                criteria_narrative: Some("Pass."),
                criteria_url: None,
                image_type: "image/png",
                image: include_bytes!("../assets/demo-badge.png"),
                tags: "[]",
                alignment: "[]",
                validity_years: 0,
            },
        )
        .await
        .unwrap();
    let integration = store
        .ensure_integration(org.id, &laurel::remote::new_integration_id())
        .await
        .unwrap();
    let public = key.public_key();
    store
        .add_integration_key(
            org.id,
            &public.to_pem(),
            &public.thumbprint(),
            KeyOrigin::Generated,
        )
        .await
        .unwrap();
    integration.integration_id
}

/// One signed request for a new holder: the body and its `IssuerIntegration`.
fn request(key: &SigningKey, id: &str, n: u64) -> (String, String) {
    let email = format!("bench-{n}@example.org");
    let body = serde_json::json!({
        "issuerIntegrationId": id,
        "externalTemplateId": TEMPLATE,
        "passedExamDate": chrono::Utc::now().timestamp() - 86_400,
        "holderEmail": email,
        "holderFirstName": "Bench",
        "holderLastName": "Holder",
        "holderLastNamePrefix": "",
        "isHolderIndividual": true,
    })
    .to_string();
    let signed = format!("{id}bench{TEMPLATE}{email}HolderTrue");
    let signature = key.sign_rs256(&laurel::remote::utf16le(&signed));
    (
        body,
        base64::engine::general_purpose::STANDARD.encode(signature),
    )
}

fn load(
    url: &str,
    key: Arc<SigningKey>,
    id: &str,
    clients: u64,
    seconds: u64,
) -> (Vec<Duration>, Duration) {
    let next = Arc::new(AtomicU64::new(0));
    // Warm-up: one badge, answered 201.
    let (body, sig) = request(&key, id, u64::MAX);
    let res = ureq::post(url)
        .header("Content-Type", "application/json")
        .header("IssuerIntegration", &sig)
        .send(&body)
        .unwrap();
    assert_eq!(res.status(), 201);
    let started = Instant::now();
    let until = started + Duration::from_secs(seconds);
    let threads: Vec<_> = (0..clients)
        .map(|_| {
            let (url, key, id, next) = (url.to_owned(), key.clone(), id.to_owned(), next.clone());
            std::thread::spawn(move || {
                let agent = ureq::Agent::new_with_defaults();
                let mut times = Vec::new();
                while Instant::now() < until {
                    let (body, sig) = request(&key, &id, next.fetch_add(1, Ordering::Relaxed));
                    let t = Instant::now();
                    let res = agent
                        .post(&url)
                        .header("Content-Type", "application/json")
                        .header("IssuerIntegration", &sig)
                        .send(&body)
                        .expect("remote issue answered");
                    assert_eq!(res.status(), 201, "a new badge each time");
                    res.into_body().read_to_vec().unwrap();
                    times.push(t.elapsed());
                }
                times
            })
        })
        .collect();
    let mut all: Vec<Duration> = threads
        .into_iter()
        .flat_map(|t| t.join().unwrap())
        .collect();
    all.sort();
    (all, started.elapsed())
}

fn main() {
    let clients = setting("LAUREL_BENCH_CLIENTS", 16);
    let seconds = setting("LAUREL_BENCH_SECONDS", 15);
    let rt = tokio::runtime::Runtime::new().unwrap();
    let key = Arc::new(SigningKey::generate().unwrap());
    println!("Signed remote issuing (EXeed format), a new badge per request, {clients} clients, {seconds} s each");
    println!("| backend | badges | p50 | p99 | badges/s |");
    println!("|---|---|---|---|---|");
    for backend in ["SQLite", "PostgreSQL"] {
        let (db, id) = rt.block_on(async {
            let db = if backend == "SQLite" {
                TestDatabase::sqlite()
            } else {
                TestDatabase::postgres().await
            };
            let store = Store::connect(&db.url).await.unwrap();
            let id = seed(&store, &key).await;
            store.close().await;
            (db, id)
        });
        let data_dir =
            std::env::temp_dir().join(format!("laurel-bench-remote-{}", std::process::id()));
        std::fs::create_dir_all(&data_dir).unwrap();
        let (server, base) = start(
            &db.url,
            &data_dir,
            &[("LAUREL_API_PER_MINUTE", "100000000")],
        );
        let (times, took) = load(
            &format!("{base}/api/remote/v1/issue"),
            key.clone(),
            &id,
            clients,
            seconds,
        );
        drop(server);
        std::fs::remove_dir_all(&data_dir).ok();
        rt.block_on(db.cleanup());
        println!(
            "| {backend} | {} | {:.1} ms | {:.1} ms | {:.0} |",
            times.len(),
            percentile(&times, 0.50).as_secs_f64() * 1000.0,
            percentile(&times, 0.99).as_secs_f64() * 1000.0,
            times.len() as f64 / took.as_secs_f64()
        );
    }
}
