//! Shared by the store suites that run every scenario on both backends.

use laurel_app::store::{testing::TestDatabase, Store};

/// A migrated store on `db`.
pub async fn open(db: &TestDatabase) -> Store {
    let store = Store::connect(&db.url).await.expect("connect");
    store.migrate().await.expect("migrate");
    store
}

/// Runs `test` on a fresh SQLite database and a fresh PostgreSQL database.
#[macro_export]
macro_rules! on_both_backends {
    ($sqlite:ident, $postgres:ident, $test:ident) => {
        #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
        async fn $sqlite() {
            let db = laurel_app::store::testing::TestDatabase::sqlite();
            $test(&common::open(&db).await).await;
            db.cleanup().await;
        }

        #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
        async fn $postgres() {
            let db = laurel_app::store::testing::TestDatabase::postgres().await;
            $test(&common::open(&db).await).await;
            db.cleanup().await;
        }
    };
}
