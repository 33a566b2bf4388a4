//! All of Laurel's SQL, behind one [`Store`] with a SQLite and a PostgreSQL
//! implementation chosen by the database URL's scheme.
//!
//! Each backend has its own migrations (`migrations/sqlite`,
//! `migrations/postgres`). Queries are written once, in the SQL both backends
//! understand (`$1` placeholders, `ON CONFLICT`, `RETURNING`), and the
//! [`with_pool!`] macro compiles each method once per backend against that
//! backend's native sqlx driver, so every type is decoded by the real driver
//! (unlike `sqlx::Any`). Where the dialects differ a method matches on the pool
//! itself.

mod accounts;
mod addresses;
mod analytics;
mod api_tokens;
mod audit;
mod badges;
mod batches;
mod billing;
mod collections;
mod error;
mod holders;
mod imports;
mod issuing;
mod jobs;
mod keys;
mod members;
mod mfa;
mod operations;
mod organisations;
mod profile;
mod remote;
mod sending;
mod sessions;
mod templates;
#[cfg(feature = "testing")]
pub mod testing;
mod wallet;
mod webhooks;

use std::str::FromStr;
use std::time::Duration;

use sqlx::postgres::{PgConnectOptions, PgPool, PgPoolOptions};
use sqlx::sqlite::{
    SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteSynchronous,
};

pub use accounts::{Activation, EmailToken, Membership, TokenProblem, TokenPurpose, User};
pub use addresses::{AddressProblem, UserEmail};
pub use analytics::{DayCount, DayVisitors, NewEvent, Rollup, TemplateCount, TemplateFactsRow};
pub use api_tokens::{ApiToken, NewApiToken};
pub use audit::Audit;
pub use badges::{AssertionRow, BadgeClassRow, BadgeClassSummary, NewAssertion, NewBadgeClass};
pub use batches::{
    batch_job_payload, BatchCounts, BatchResultRow, BatchRow, NewBatchRow, PendingBatchRow,
    BATCH_QUEUE,
};
pub use billing::{
    BillingAccount, CardDetails, CycleStep, DraftInvoice, Invoice, InvoiceLines, InvoiceMail,
    NewPlan, Payment, PaymentMethod, Plan, Subscription,
};
pub use collections::{Collection, CollectionFields, PublicCollection};
pub use error::{Conflict, StoreError, Unavailable};
pub use holders::{HolderSignup, StoredReport};
pub use imports::{ImportRow, NewImport};
pub use issuing::{
    month_key, DashboardCounts, IssueOutcome, IssueRecord, Metering, RegisterEntry, RegisterQuery,
    COUNT_CAP,
};
pub use jobs::{backoff, Job, HOLDER_MAIL_QUEUE, MAIL_QUEUE, MAIL_RETRY_FOR, MAX_ATTEMPTS};
pub use keys::IssuerKeyRow;
pub use members::{
    AcceptProblem, AuditEntry, Invitation, InvitationDetails, InviteSession, Member, MemberProblem,
    NewAccount, NewInvitation, RoleChange,
};
pub use mfa::{EnableTotp, MfaState};
pub use operations::{MigrationStatus, QueueStats};
pub use organisations::Organisation;
pub use profile::OrganisationProfile;
pub use remote::{Integration, IntegrationKey};
pub use sending::{day_key, AbuseReport, DailyLimit, NewAbuseReport};
pub use sessions::{NewSession, SessionUser};
pub use templates::{TemplateDesign, TemplateRow, TemplateSummary};
pub use wallet::{
    HolderProfile, ProfileUpdate, Sitemap, WalletBadge, HANDLE_REDIRECT_DAYS, SITEMAP_LIMIT,
};
pub use webhooks::{Attempt, AttemptOutcome, WebhookDelivery, WebhookEndpoint, WEBHOOK_QUEUE};

/// Runs `$body` with `$pool` bound to the concrete pool of either backend.
macro_rules! with_pool {
    ($store:expr, $pool:ident => $body:expr) => {
        match &$store.pool {
            $crate::Pool::Sqlite($pool) => $body,
            $crate::Pool::Postgres($pool) => $body,
        }
    };
}
pub(crate) use with_pool;

/// Every write transaction of the store starts here (`p.begin_write()`, never
/// `p.begin()`). On SQLite it is `BEGIN IMMEDIATE`: the write lock is taken
/// at the start, waiting under the busy timeout, so a transaction that
/// reads before it writes cannot fail with `SQLITE_BUSY` (or
/// `SQLITE_BUSY_SNAPSHOT`) because another connection wrote in between —
/// which a deferred `BEGIN` does, at once and without waiting. On
/// PostgreSQL it is a plain `BEGIN`.
pub(crate) trait BeginWrite {
    type Db: sqlx::Database;
    fn begin_write(
        &self,
    ) -> impl std::future::Future<Output = Result<sqlx::Transaction<'static, Self::Db>, sqlx::Error>>
           + Send;
}

impl BeginWrite for SqlitePool {
    type Db = sqlx::Sqlite;
    fn begin_write(
        &self,
    ) -> impl std::future::Future<Output = Result<sqlx::Transaction<'static, Self::Db>, sqlx::Error>>
           + Send {
        self.begin_with("BEGIN IMMEDIATE")
    }
}

impl BeginWrite for PgPool {
    type Db = sqlx::Postgres;
    fn begin_write(
        &self,
    ) -> impl std::future::Future<Output = Result<sqlx::Transaction<'static, Self::Db>, sqlx::Error>>
           + Send {
        self.begin()
    }
}

#[derive(Clone, Debug)]
pub(crate) enum Pool {
    Sqlite(SqlitePool),
    Postgres(PgPool),
}

/// Which database a [`Store`] talks to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

impl Backend {
    /// Picks the backend from a database URL's scheme.
    pub fn from_url(url: &str) -> Result<Self, StoreError> {
        let scheme = url.split_once(':').map(|(s, _)| s).unwrap_or_default();
        match scheme {
            "sqlite" => Ok(Self::Sqlite),
            "postgres" | "postgresql" => Ok(Self::Postgres),
            _ => Err(StoreError::UnsupportedUrl {
                url: redact_url(url),
            }),
        }
    }
}

/// The database: cheap to clone (it holds a connection pool).
#[derive(Clone, Debug)]
pub struct Store {
    pub(crate) pool: Pool,
}

impl Store {
    /// Connects to the database named by `url` (`sqlite:` or `postgres://`).
    /// A SQLite file is created when missing. Fails with a sentence naming
    /// the URL (password redacted) when the database cannot be reached.
    pub async fn connect(url: &str) -> Result<Self, StoreError> {
        let unreachable = |e: sqlx::Error| StoreError::Unreachable {
            url: redact_url(url),
            reason: describe(&e),
        };
        let pool = match Backend::from_url(url)? {
            Backend::Sqlite => {
                let options = SqliteConnectOptions::from_str(url)
                    .map_err(|e| StoreError::UnsupportedUrl {
                        url: format!("{} ({})", redact_url(url), describe(&e)),
                    })?
                    .create_if_missing(true)
                    .journal_mode(SqliteJournalMode::Wal)
                    .synchronous(SqliteSynchronous::Normal)
                    .foreign_keys(true)
                    .busy_timeout(Duration::from_secs(10));
                let pool = SqlitePoolOptions::new()
                    .max_connections(8)
                    .acquire_timeout(Duration::from_secs(10))
                    // A connection still counted in a transaction once its
                    // queued rollback has run (the ping flushes it) is not
                    // taken back. SQLite rolls a transaction back by itself
                    // on some errors (SQLITE_FULL among them); sqlx's own
                    // ROLLBACK then fails and leaves the connection's
                    // transaction depth at one, so every later BEGIN on it
                    // would fail ("non-zero transaction depth"): found by
                    // server/tests/faults.rs filling the disk.
                    .after_release(|conn, _| {
                        Box::pin(async move {
                            use sqlx::Connection as _;
                            conn.ping().await?;
                            Ok(!conn.is_in_transaction())
                        })
                    })
                    .connect_with(options)
                    .await
                    .map_err(unreachable)?;
                Pool::Sqlite(pool)
            }
            Backend::Postgres => {
                let options =
                    PgConnectOptions::from_str(url).map_err(|e| StoreError::UnsupportedUrl {
                        url: format!("{} ({})", redact_url(url), describe(&e)),
                    })?;
                let pool = PgPoolOptions::new()
                    .max_connections(16)
                    .acquire_timeout(Duration::from_secs(5))
                    .connect_with(options)
                    .await
                    .map_err(unreachable)?;
                Pool::Postgres(pool)
            }
        };
        Ok(Self { pool })
    }

    pub fn backend(&self) -> Backend {
        match self.pool {
            Pool::Sqlite(_) => Backend::Sqlite,
            Pool::Postgres(_) => Backend::Postgres,
        }
    }

    /// Applies the backend's pending migrations (embedded at compile time).
    pub async fn migrate(&self) -> Result<(), StoreError> {
        let result = match &self.pool {
            Pool::Sqlite(p) => sqlx::migrate!("../../migrations/sqlite").run(p).await,
            Pool::Postgres(p) => sqlx::migrate!("../../migrations/postgres").run(p).await,
        };
        result.map_err(|e| StoreError::Migration(e.to_string()))
    }

    /// Succeeds when the database answers a trivial query (`/readyz`).
    pub async fn ping(&self) -> Result<(), StoreError> {
        with_pool!(self, p => sqlx::query("SELECT 1").execute(p).await.map(|_| ()))?;
        Ok(())
    }

    /// Closes every connection (graceful shutdown, tests).
    pub async fn close(&self) {
        with_pool!(self, p => p.close().await)
    }
}

/// A database URL with any password replaced by `***`, fit for messages and
/// logs.
pub fn redact_url(url: &str) -> String {
    // scheme://user:password@host/… → scheme://user:***@host/…
    if let Some((scheme, rest)) = url.split_once("://") {
        if let Some((userinfo, host)) = rest.split_once('@') {
            if let Some((user, _password)) = userinfo.split_once(':') {
                return format!("{scheme}://{user}:***@{host}");
            }
        }
    }
    url.to_owned()
}

/// The human part of a sqlx error (no Debug noise).
fn describe(e: &sqlx::Error) -> String {
    match e {
        sqlx::Error::Io(io) => io.to_string(),
        sqlx::Error::Database(db) => db.message().to_owned(),
        sqlx::Error::PoolTimedOut => "timed out waiting for a connection".to_owned(),
        other => other.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backend_follows_the_scheme() {
        assert_eq!(
            Backend::from_url("sqlite://data/l.db").unwrap(),
            Backend::Sqlite
        );
        assert_eq!(
            Backend::from_url("sqlite::memory:").unwrap(),
            Backend::Sqlite
        );
        assert_eq!(
            Backend::from_url("postgres://u@h/d").unwrap(),
            Backend::Postgres
        );
        assert_eq!(
            Backend::from_url("postgresql://u@h/d").unwrap(),
            Backend::Postgres
        );
        let err = Backend::from_url("mysql://root:secret@h/d").unwrap_err();
        let msg = err.to_string();
        assert!(msg.contains("DATABASE_URL"), "{msg}");
        assert!(!msg.contains("secret"), "password leaked: {msg}");
    }

    #[test]
    fn passwords_are_redacted() {
        assert_eq!(
            redact_url("postgres://u:pw@h:5432/d"),
            "postgres://u:***@h:5432/d"
        );
        assert_eq!(redact_url("postgres://u@h/d"), "postgres://u@h/d");
        assert_eq!(redact_url("sqlite://data/x.db"), "sqlite://data/x.db");
    }
}
