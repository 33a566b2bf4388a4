use std::fmt;

/// Everything the store can fail with. The `Display` text is a sentence for
/// an operator or a user; details of internal failures go to the log only.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("DATABASE_URL must start with sqlite:, postgres:// or postgresql:// (got “{url}”).")]
    UnsupportedUrl { url: String },
    #[error("Could not connect to the database at DATABASE_URL={url}: {reason}.")]
    Unreachable { url: String, reason: String },
    #[error("Could not apply the database migrations: {0}")]
    Migration(String),
    /// A unique constraint refused the write; the text says what is taken.
    #[error("{0}")]
    Conflict(Conflict),
    #[error("database error: {0}")]
    Database(#[source] sqlx::Error),
}

/// Which uniqueness rule a write broke, as a user-facing sentence.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Conflict {
    SubdomainTaken(String),
    /// The holder imported this badge before.
    AlreadyImported,
    /// The address is the holder's already (their account's, or verified).
    AddressInWallet,
    Other(String),
    /// The trial's badge quota is used up (counted in the issuing
    /// transaction, so concurrent issuers cannot pass it).
    TrialQuotaReached,
    /// An unverified organisation's daily limit of badges or mails would be
    /// passed (counted in the sending transaction).
    DailyLimitReached,
}

impl fmt::Display for Conflict {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Conflict::SubdomainTaken(s) => {
                write!(f, "The subdomain “{s}” is already taken; choose another.")
            }
            Conflict::AlreadyImported => write!(f, "This badge is already in your wallet."),
            Conflict::AddressInWallet => write!(f, "This address is already one of yours."),
            Conflict::Other(what) => write!(f, "{what} already exists."),
            Conflict::TrialQuotaReached => write!(f, "The trial's badge quota is used up."),
            Conflict::DailyLimitReached => write!(f, "Today's sending limit is reached."),
        }
    }
}

impl From<sqlx::Error> for StoreError {
    fn from(e: sqlx::Error) -> Self {
        StoreError::Database(e)
    }
}

/// Why the database could not do its work just now — not the request's
/// fault, and not a bug: the answer is 503 with a sentence, and the same
/// request succeeds once the operator or the database has recovered.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unavailable {
    /// The disk under the database is full (SQLite `SQLITE_FULL`,
    /// PostgreSQL `disk_full`): the failed transaction was rolled back
    /// whole.
    StorageFull,
    /// The database cannot be reached (restarting, shutting down, the
    /// connection pool found no live connection in time).
    Unreachable,
}

impl Unavailable {
    /// The sentence for the person who asked.
    pub fn message(self) -> &'static str {
        match self {
            Unavailable::StorageFull => {
                "The server's storage is full, so this could not be saved. Please try again later."
            }
            Unavailable::Unreachable => {
                "The database cannot be reached just now, so this could not be saved. Please try again in a moment."
            }
        }
    }
}

impl StoreError {
    /// Whether the failure is the database being unavailable (see
    /// [`Unavailable`]) rather than a bug or a refused input. The one place
    /// database error codes are read for this.
    pub fn unavailable(&self) -> Option<Unavailable> {
        let StoreError::Database(e) = self else {
            return matches!(self, StoreError::Unreachable { .. })
                .then_some(Unavailable::Unreachable);
        };
        match e {
            sqlx::Error::PoolTimedOut | sqlx::Error::PoolClosed | sqlx::Error::Io(_) => {
                Some(Unavailable::Unreachable)
            }
            sqlx::Error::Database(db) => {
                let code = db.code();
                match code.as_deref() {
                    // SQLite 13, SQLITE_FULL (it has no extended codes);
                    // PostgreSQL's SQLSTATE 53100, disk_full.
                    Some("13" | "53100") => Some(Unavailable::StorageFull),
                    // PostgreSQL: 57P01 admin_shutdown, 57P02 crash_shutdown,
                    // 57P03 cannot_connect_now; class 08, connection
                    // exceptions.
                    Some(c) if c.starts_with("57P") || c.starts_with("08") => {
                        Some(Unavailable::Unreachable)
                    }
                    _ => None,
                }
            }
            _ => None,
        }
    }

    /// True when the write was refused by a unique constraint.
    pub fn is_conflict(&self) -> bool {
        matches!(self, StoreError::Conflict(_))
            || matches!(self, StoreError::Database(sqlx::Error::Database(db)) if db.is_unique_violation())
    }
}
