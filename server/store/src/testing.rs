//! Support for tests that need a real database: a fresh SQLite file or a
//! fresh PostgreSQL database, dropped afterwards. Used by the store and server
//! test suites so both run the same code against both backends.

use std::path::PathBuf;

use sqlx::{Connection, PgConnection};

/// The PostgreSQL server tests use: `LAUREL_TEST_POSTGRES_URL`, by default the
/// local server with trust authentication.
pub fn postgres_admin_url() -> String {
    std::env::var("LAUREL_TEST_POSTGRES_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".to_owned())
}

/// A database made for one test, removed by [`TestDatabase::cleanup`].
pub struct TestDatabase {
    pub url: String,
    kind: Kind,
}

enum Kind {
    Sqlite(PathBuf),
    Postgres { admin_url: String, name: String },
}

fn unique_suffix() -> String {
    use std::sync::atomic::{AtomicU32, Ordering};
    static COUNTER: AtomicU32 = AtomicU32::new(0);
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.subsec_nanos())
        .unwrap_or_default();
    format!(
        "{}_{}_{}",
        std::process::id(),
        COUNTER.fetch_add(1, Ordering::Relaxed),
        nanos
    )
}

impl TestDatabase {
    /// A new SQLite file in a new temporary directory.
    pub fn sqlite() -> Self {
        let dir = std::env::temp_dir().join(format!("laurel-test-{}", unique_suffix()));
        std::fs::create_dir_all(&dir).expect("create temporary directory");
        let file = dir.join("laurel.db");
        Self {
            url: format!("sqlite://{}", file.display()),
            kind: Kind::Sqlite(dir),
        }
    }

    /// A new, empty PostgreSQL database on the test server. Panics with the
    /// reason when the server cannot be reached: a test that needs PostgreSQL
    /// never passes without it.
    pub async fn postgres() -> Self {
        let admin_url = postgres_admin_url();
        let name = format!("laurel_test_{}", unique_suffix());
        let mut admin = PgConnection::connect(&admin_url)
            .await
            .unwrap_or_else(|e| panic!("PostgreSQL at {admin_url} is needed by this test: {e}"));
        sqlx::query(&format!("CREATE DATABASE \"{name}\""))
            .execute(&mut admin)
            .await
            .expect("create test database");
        admin.close().await.ok();
        let base = admin_url
            .rsplit_once('/')
            .map(|(base, _)| base)
            .unwrap_or(&admin_url);
        Self {
            url: format!("{base}/{name}"),
            kind: Kind::Postgres { admin_url, name },
        }
    }

    /// Removes the database (`DROP DATABASE … WITH (FORCE)`) or the file.
    pub async fn cleanup(self) {
        match self.kind {
            Kind::Sqlite(dir) => {
                std::fs::remove_dir_all(dir).ok();
            }
            Kind::Postgres { admin_url, name } => {
                if let Ok(mut admin) = PgConnection::connect(&admin_url).await {
                    sqlx::query(&format!("DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)"))
                        .execute(&mut admin)
                        .await
                        .ok();
                    admin.close().await.ok();
                }
            }
        }
    }
}

/// A migrated store on `db`.
pub async fn open(db: &TestDatabase) -> crate::Store {
    let store = crate::Store::connect(&db.url).await.expect("connect");
    store.migrate().await.expect("migrate");
    store
}

/// Defines two tests that run the async fn `$test(&Store)` on a fresh
/// SQLite database and on a fresh PostgreSQL database (the calling crate
/// needs `tokio` with its test macros).
#[macro_export]
macro_rules! on_both_backends {
    ($sqlite:ident, $postgres:ident, $test:ident) => {
        #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
        async fn $sqlite() {
            let db = $crate::testing::TestDatabase::sqlite();
            $test(&$crate::testing::open(&db).await).await;
            db.cleanup().await;
        }

        #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
        async fn $postgres() {
            let db = $crate::testing::TestDatabase::postgres().await;
            $test(&$crate::testing::open(&db).await).await;
            db.cleanup().await;
        }
    };
}

/// The number of rows in `table` (a name the test writes, never input), for
/// tests that check what a method deleted.
pub async fn count_rows(store: &crate::Store, table: &str) -> i64 {
    let sql = format!("SELECT count(*) FROM {table}");
    crate::with_pool!(store, p => {
        sqlx::query_scalar::<_, i64>(&sql).fetch_one(p).await
    })
    .expect("count rows")
}

/// The payloads of the jobs of `queue` (pending or not), oldest first.
pub async fn job_payloads(store: &crate::Store, queue: &str) -> Vec<serde_json::Value> {
    crate::with_pool!(store, p => {
        sqlx::query_scalar::<_, String>("SELECT payload FROM jobs WHERE queue = $1 ORDER BY id")
            .bind(queue)
            .fetch_all(p)
            .await
    })
    .expect("job payloads")
    .iter()
    .map(|p| serde_json::from_str(p).expect("a job payload is JSON"))
    .collect()
}

/// Runs one SQL statement the test writes (never input), for set-ups no
/// store method makes.
pub async fn execute(store: &crate::Store, sql: &str) {
    crate::with_pool!(store, p => {
        sqlx::query(sql).execute(p).await.map(|_| ())
    })
    .expect("execute");
}

/// Runs one SQL statement the test writes and expects the database to
/// refuse it (a trigger, a constraint).
pub async fn execute_fails(store: &crate::Store, sql: &str) {
    let result = crate::with_pool!(store, p => {
        sqlx::query(sql).execute(p).await.map(|_| ())
    });
    assert!(result.is_err(), "the database took: {sql}");
}
