//! No N+1 queries: the SQL statements the real `laurel` binary runs for the
//! register, the verification page and a holder's profile, counted by the
//! server itself (`laurel_db_queries_per_request{route}` on `/metrics`,
//! `server/src/queries.rs`), on SQLite and on PostgreSQL.
//!
//! A list page must cost the same whether it shows one row or twenty: a
//! statement per row would make the twenty-row count larger. Each count is
//! also held under a ceiling, so a page that gains statements fails here and
//! its author decides.

mod common;
#[path = "common/owner.rs"]
mod owner;

use std::sync::Arc;
use std::time::{Duration, Instant};

use chrono::Utc;
use common::*;
use laurel::award::{Award, Holder};
use laurel::crypto::MasterKey;
use laurel::{Email, SocialLinks};
use laurel_service::issuing::{Issuer, Source};
use laurel_service::ServerContext;
use laurel_store::testing::TestDatabase;
use laurel_store::{ProfileUpdate, Store, TemplateDesign};

const METRICS_TOKEN: &str = "queries-test-metrics-token";
const SUBDOMAIN: &str = "queries";
/// Badges on the larger profile and rows in the larger register.
const MANY: usize = 20;
/// The most statements any of these pages may run.
const CEILING: f64 = 12.0;
static LINKS: SocialLinks = SocialLinks::NONE;

/// What the test visits.
struct Seeded {
    /// The owner's session cookie (`laurel_session=…`).
    cookie: String,
    /// Path of one badge's verification page.
    verification: String,
}

/// An organisation with a signed-in owner, a holder with one public badge
/// (`/u/one-badge`) and one with [`MANY`] (`/u/many-badges`).
async fn seed(store: &Store, base: &str, key: Arc<MasterKey>) -> Seeded {
    let ctx = ServerContext::new(store.clone(), base, key);
    let (org, cookie) = owner::signed_in_owner(store, SUBDOMAIN).await;
    let issuer = Issuer::of(&ctx, &org).await.unwrap();
    let (template, class) = store
        .create_template(
            org.id,
            None,
            "queries-class",
            &TemplateDesign {
                name: "Counted",
                description: "A badge whose pages are counted.",
                criteria_narrative: Some("Be **counted**."),
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
    let mut slug = String::new();
    for (handle, badges) in [("one-badge", 1), ("many-badges", MANY)] {
        let email = format!("{handle}@queries.example");
        let holder = store
            .ensure_holder_account(&email, handle, "$argon2id$not-a-login")
            .await
            .unwrap();
        store
            .save_holder_profile(
                holder.id,
                ProfileUpdate {
                    handle,
                    display_name: handle,
                    summary: "Counted.",
                    public: true,
                    links: &LINKS,
                    default_public: true,
                },
            )
            .await
            .unwrap();
        // One a day: the same holder, template and date would be one badge.
        for day in 0..badges {
            let award = Award {
                holder: Holder {
                    email: Email::parse(&email).unwrap(),
                    first_name: "Counted".into(),
                    last_name: "Holder".into(),
                    last_name_prefix: String::new(),
                    is_individual: true,
                },
                achieved_on: Utc::now().date_naive() - chrono::Days::new(day as u64),
                evidence_url: None,
                evidence_narrative: None,
                template: None,
            };
            let outcome = issuer
                .issue(Some(template.id), &class, &award, Source::Demo)
                .await
                .unwrap();
            slug = outcome.assertion().slug.clone();
        }
        let shown = store.public_profile(handle).await.unwrap().unwrap().1.len();
        assert_eq!(shown, badges, "{handle}: every badge is public");
    }
    let verification = ctx.urls(SUBDOMAIN).assertion(&slug);
    Seeded {
        cookie,
        verification: verification.trim_start_matches(base).to_owned(),
    }
}

/// `(sum, count)` of `laurel_db_queries_per_request` for `route`.
fn tally(server: &Server, route: &str) -> (f64, f64) {
    let text = agent()
        .get(format!("{}/metrics", server.base))
        .header("Authorization", format!("Bearer {METRICS_TOKEN}"))
        .call()
        .unwrap()
        .into_body()
        .read_to_string()
        .unwrap();
    let value = |suffix: &str| {
        let prefix = format!("laurel_db_queries_per_request_{suffix}{{route=\"{route}\"}} ");
        text.lines()
            .find_map(|l| l.strip_prefix(prefix.as_str()))
            .map_or(0.0, |v| v.trim().parse::<f64>().unwrap())
    };
    (value("sum"), value("count"))
}

/// The statements one GET of `path` ran, as the server counted them under
/// `route` (recorded when the request's work is all done, so waited for).
fn statements(server: &Server, cookie: Option<&str>, path: &str, route: &str) -> f64 {
    let (sum, count) = tally(server, route);
    // As a browser asks (the assertion URL answers JSON to verifiers).
    let mut request = agent()
        .get(format!("{}{path}", server.base))
        .header("Accept", "text/html");
    if let Some(cookie) = cookie {
        request = request.header("Cookie", cookie);
    }
    let mut response = request.call().unwrap();
    let body = response.body_mut().read_to_string().unwrap();
    assert_eq!(response.status(), 200, "{path}: {body}");
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let (sum_after, count_after) = tally(server, route);
        if count_after > count {
            assert_eq!(count_after, count + 1.0, "{route}: one request counted");
            let n = sum_after - sum;
            println!("{route} {path}: {n} statements");
            assert!(n >= 1.0, "{path}: the page reads the database");
            assert!(n <= CEILING, "{path}: {n} statements (at most {CEILING})");
            return n;
        }
        assert!(Instant::now() < deadline, "{route}: never counted");
        std::thread::sleep(Duration::from_millis(20));
    }
}

async fn pages_cost_the_same_for_one_row_or_many(db: TestDatabase) {
    let port = free_port();
    let base = format!("http://127.0.0.1:{port}");
    let key = Arc::new(MasterKey::generate());
    let store = laurel_store::testing::open(&db).await;
    let seeded = seed(&store, &base, key.clone()).await;
    store.close().await;

    let dir = temp_dir("queries");
    let mut cmd = laurel(&dir);
    cmd.env("DATABASE_URL", &db.url)
        .env("LAUREL_MASTER_KEY", key.to_hex())
        .env("LAUREL_METRICS_TOKEN", METRICS_TOKEN);
    let server = tokio::task::spawn_blocking(move || {
        let server = Server::start_with(cmd, port);
        let cookie = Some(seeded.cookie.as_str());
        // Once each first: the first render of a page warms caches.
        for (path, route, cookie) in [
            ("/u/one-badge", "/u/{handle}", None),
            (
                seeded.verification.as_str(),
                "/o/{sub}/assertions/{file}",
                None,
            ),
            (
                "/portal/queries/badges",
                "/portal/{subdomain}/badges",
                cookie,
            ),
        ] {
            statements(&server, cookie, path, route);
        }

        let one = statements(&server, None, "/u/one-badge", "/u/{handle}");
        let many = statements(&server, None, "/u/many-badges", "/u/{handle}");
        assert_eq!(
            one, many,
            "a profile of {MANY} badges costs what one of 1 does"
        );

        let route = "/portal/{subdomain}/badges";
        let filtered = "/portal/queries/badges?q=one-badge%40queries.example";
        let one = statements(&server, cookie, filtered, route);
        let many = statements(&server, cookie, "/portal/queries/badges", route);
        assert_eq!(
            one,
            many,
            "a register of {} rows costs what one of 1 does",
            MANY + 1
        );

        statements(
            &server,
            None,
            &seeded.verification,
            "/o/{sub}/assertions/{file}",
        );
        server
    })
    .await
    .unwrap();
    server.stop();
    db.cleanup().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn sqlite_pages_cost_the_same_for_one_row_or_many() {
    pages_cost_the_same_for_one_row_or_many(TestDatabase::sqlite()).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn postgres_pages_cost_the_same_for_one_row_or_many() {
    pages_cost_the_same_for_one_row_or_many(TestDatabase::postgres().await).await;
}
