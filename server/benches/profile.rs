//! Load run: a holder's public profile with 50 public badges, rendered on
//! the server by the real `laurel` binary, under 64 concurrent connections —
//! once on SQLite, once on PostgreSQL. Prints p50, p99 and requests per
//! second for each (the README's table).
//!
//! ```text
//! make bench                                     # with the other load runs
//! cargo bench -p laurel-server --bench profile   # this one
//! LAUREL_BENCH_SECONDS=30 LAUREL_BENCH_CONNECTIONS=64 cargo bench -p laurel-server --bench profile
//! ```
//! PostgreSQL must be reachable at `LAUREL_TEST_POSTGRES_URL` (default
//! `postgres://postgres@127.0.0.1:5432/postgres`); a database is made and
//! dropped for the run.
//!
//! A one-shot load run, not criterion: the load and the server share the
//! machine, so the figures are for comparing runs on one machine. The load
//! is plain blocking HTTP/1.1 keep-alive connections, one thread each (no
//! load-testing crate builds with this toolchain offline; this is the
//! smallest loop that measures what the issue asks).

mod common;

use common::{percentile, setting, start};
use std::sync::Arc;
use std::time::{Duration, Instant};

use chrono::Utc;
use laurel::award::{Award, Holder};
use laurel::crypto::MasterKey;
use laurel::{Email, SocialLinks, Subdomain};
use laurel_service::issuing::{Issuer, Source};
use laurel_service::ServerContext;
use laurel_store::testing::TestDatabase;
use laurel_store::{ProfileUpdate, Store, TemplateDesign};

const BADGES: usize = 50;
const HANDLE: &str = "bench-holder";
const HOLDER: &str = "bench-holder@example.com";
static LINKS: SocialLinks = SocialLinks::NONE;

/// The holder, their profile and 50 public badges (each a real signed
/// award, as issuing makes them).
async fn seed(store: &Store) {
    store.migrate().await.unwrap();
    let ctx = ServerContext::new(
        store.clone(),
        "http://127.0.0.1",
        Arc::new(MasterKey::generate()),
    );
    let org = store
        .ensure_organisation(&Subdomain::parse("bench").unwrap(), "Bench Academy")
        .await
        .unwrap();
    laurel_service::billing::grant_free_trial(store, &org)
        .await
        .unwrap();
    let issuer = Issuer::load(
        store,
        &ctx.master_key,
        &ctx.public_url,
        ctx.urls(&org.subdomain),
        &org,
    )
    .await
    .unwrap();
    let png = include_bytes!("../assets/demo-badge.png");
    let holder = store
        .ensure_holder_account(HOLDER, "Bench Holder", "$argon2id$not-a-login")
        .await
        .unwrap();
    store
        .save_holder_profile(
            holder.id,
            ProfileUpdate {
                handle: HANDLE,
                display_name: "Bench Holder",
                summary: "Fifty public badges.",
                public: true,
                links: &LINKS,
                default_public: true,
            },
        )
        .await
        .unwrap();
    for i in 0..BADGES {
        let name = format!("Bench Badge {i}");
        let (_, class) = store
            .create_template(
                org.id,
                None,
                &format!("bench-{i}"),
                &TemplateDesign {
                    name: &name,
                    description: "A badge of the load run.",
                    criteria_narrative: Some("Be **counted**."),
                    criteria_url: None,
                    image_type: "image/png",
                    image: png,
                    tags: "[]",
                    alignment: "[]",
                    validity_years: 0,
                },
            )
            .await
            .unwrap();
        let award = Award {
            holder: Holder {
                email: Email::parse(HOLDER).unwrap(),
                first_name: "Bench".into(),
                last_name: "Holder".into(),
                last_name_prefix: String::new(),
                is_individual: true,
            },
            achieved_on: Utc::now().date_naive(),
            evidence_url: None,
            evidence_narrative: None,
            template: None,
        };
        // "New badges start public" makes each one public as it is issued.
        issuer
            .issue(None, &class, &award, Source::Demo)
            .await
            .unwrap();
    }
    let shown = store.public_profile(HANDLE).await.unwrap().unwrap().1.len();
    assert_eq!(shown, BADGES, "every seeded badge is public");
}

/// `connections` threads, each requesting the profile for `seconds`.
fn load(url: &str, connections: u64, seconds: u64) -> (Vec<Duration>, Duration) {
    // Warm-up: the first render fills caches and the connection pools.
    for _ in 0..20 {
        let body = ureq::get(url)
            .call()
            .unwrap()
            .into_body()
            .read_to_string()
            .unwrap();
        assert!(
            body.contains("Bench Badge 49"),
            "the profile shows its badges"
        );
    }
    let started = Instant::now();
    let until = started + Duration::from_secs(seconds);
    let threads: Vec<_> = (0..connections)
        .map(|_| {
            let url = url.to_owned();
            std::thread::spawn(move || {
                let agent = ureq::Agent::new_with_defaults();
                let mut times = Vec::new();
                while Instant::now() < until {
                    let t = Instant::now();
                    let res = agent.get(&url).call().expect("profile answered");
                    assert_eq!(res.status(), 200);
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
    let connections = setting("LAUREL_BENCH_CONNECTIONS", 64);
    let seconds = setting("LAUREL_BENCH_SECONDS", 15);
    let rt = tokio::runtime::Runtime::new().unwrap();
    println!(
        "Public profile, {BADGES} public badges, SSR, {connections} connections, {seconds} s each"
    );
    println!("| backend | requests | p50 | p99 | requests/s |");
    println!("|---|---|---|---|---|");
    for backend in ["SQLite", "PostgreSQL"] {
        let db = rt.block_on(async {
            let db = if backend == "SQLite" {
                TestDatabase::sqlite()
            } else {
                TestDatabase::postgres().await
            };
            let store = Store::connect(&db.url).await.unwrap();
            seed(&store).await;
            db
        });
        let data_dir = std::env::temp_dir().join(format!("laurel-bench-{}", std::process::id()));
        std::fs::create_dir_all(&data_dir).unwrap();
        let (server, base) = start(&db.url, &data_dir, &[]);
        let (times, took) = load(&format!("{base}/u/{HANDLE}"), connections, seconds);
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
