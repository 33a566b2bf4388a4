//! Badges a holder imported from other issuers: the original as given and
//! the verifier's last report. Every read and write names the holder's
//! `user_id` in its `WHERE`, so one holder never reaches another's imports.

use chrono::{DateTime, Utc};
use laurel::ImportKind;

use super::error::Conflict;
use super::{with_pool, Store, StoreError};

/// An imported badge, without its original (see [`Store::import_original`]).
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct ImportRow {
    pub public_id: String,
    #[sqlx(try_from = "String")]
    pub kind: ImportKind,
    pub version: Option<String>,
    pub badge_name: String,
    pub issuer_name: String,
    pub issued_on: Option<String>,
    pub valid: bool,
    /// The last report, as JSON (`laurel::verify::Report`).
    pub report: String,
    pub verified_at: DateTime<Utc>,
    pub created_at: DateTime<Utc>,
}

const IMPORT_COLUMNS: &str = "public_id, kind, version, badge_name, issuer_name, issued_on, \
    valid, report, verified_at, created_at";

/// An import to store.
#[derive(Debug, Clone)]
pub struct NewImport<'a> {
    pub public_id: &'a str,
    pub user_id: i64,
    pub fingerprint: &'a str,
    pub kind: ImportKind,
    pub original: &'a [u8],
    pub version: Option<&'a str>,
    pub badge_name: &'a str,
    pub issuer_name: &'a str,
    pub issued_on: Option<&'a str>,
    pub valid: bool,
    pub report: &'a str,
}

impl Store {
    /// Stores an import. The same badge twice for one holder is a
    /// [`Conflict`]; nothing is written then.
    pub async fn insert_import(&self, i: &NewImport<'_>) -> Result<ImportRow, StoreError> {
        let now = Utc::now();
        let sql = format!(
            "INSERT INTO imported_badges (public_id, user_id, fingerprint, kind, original, version, \
             badge_name, issuer_name, issued_on, valid, report, verified_at, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $12) RETURNING {IMPORT_COLUMNS}"
        );
        let row = with_pool!(self, p => {
            sqlx::query_as::<_, ImportRow>(&sql)
                .bind(i.public_id)
                .bind(i.user_id)
                .bind(i.fingerprint)
                .bind(i.kind.as_str())
                .bind(i.original)
                .bind(i.version)
                .bind(i.badge_name)
                .bind(i.issuer_name)
                .bind(i.issued_on)
                .bind(i.valid)
                .bind(i.report)
                .bind(now)
                .fetch_one(p)
                .await
        });
        match row {
            Err(sqlx::Error::Database(db)) if db.is_unique_violation() => {
                Err(StoreError::Conflict(Conflict::AlreadyImported))
            }
            other => Ok(other?),
        }
    }

    /// The holder's imports, newest first.
    pub async fn imports(&self, user_id: i64) -> Result<Vec<ImportRow>, StoreError> {
        let sql = format!(
            "SELECT {IMPORT_COLUMNS} FROM imported_badges WHERE user_id = $1 ORDER BY id DESC"
        );
        Ok(with_pool!(self, p => {
            sqlx::query_as::<_, ImportRow>(&sql).bind(user_id).fetch_all(p).await
        })?)
    }

    /// One of the holder's imports; `None` when it is not theirs.
    pub async fn import(
        &self,
        user_id: i64,
        public_id: &str,
    ) -> Result<Option<ImportRow>, StoreError> {
        let sql = format!(
            "SELECT {IMPORT_COLUMNS} FROM imported_badges WHERE user_id = $1 AND public_id = $2"
        );
        Ok(with_pool!(self, p => {
            sqlx::query_as::<_, ImportRow>(&sql)
                .bind(user_id)
                .bind(public_id)
                .fetch_optional(p)
                .await
        })?)
    }

    /// The original of one of the holder's imports, with its kind.
    pub async fn import_original(
        &self,
        user_id: i64,
        public_id: &str,
    ) -> Result<Option<(ImportKind, Vec<u8>)>, StoreError> {
        #[derive(sqlx::FromRow)]
        struct Original {
            #[sqlx(try_from = "String")]
            kind: ImportKind,
            original: Vec<u8>,
        }
        let row = with_pool!(self, p => {
            sqlx::query_as::<_, Original>(
                "SELECT kind, original FROM imported_badges WHERE user_id = $1 AND public_id = $2",
            )
            .bind(user_id)
            .bind(public_id)
            .fetch_optional(p)
            .await
        })?;
        Ok(row.map(|o| (o.kind, o.original)))
    }

    /// Records a new report for one of the holder's imports. False when it
    /// is not theirs (nothing is written).
    pub async fn update_import_report(
        &self,
        user_id: i64,
        public_id: &str,
        valid: bool,
        report: &str,
    ) -> Result<bool, StoreError> {
        let affected = with_pool!(self, p => {
            sqlx::query(
                "UPDATE imported_badges SET valid = $1, report = $2, verified_at = $3 \
                 WHERE user_id = $4 AND public_id = $5",
            )
            .bind(valid)
            .bind(report)
            .bind(Utc::now())
            .bind(user_id)
            .bind(public_id)
            .execute(p)
            .await
            .map(|r| r.rows_affected())
        })?;
        Ok(affected == 1)
    }

    /// Deletes one of the holder's imports. False when it is not theirs.
    pub async fn delete_import(&self, user_id: i64, public_id: &str) -> Result<bool, StoreError> {
        let affected = with_pool!(self, p => {
            sqlx::query("DELETE FROM imported_badges WHERE user_id = $1 AND public_id = $2")
                .bind(user_id)
                .bind(public_id)
                .execute(p)
                .await
                .map(|r| r.rows_affected())
        })?;
        Ok(affected == 1)
    }
}
