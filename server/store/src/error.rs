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
        }
    }
}

impl From<sqlx::Error> for StoreError {
    fn from(e: sqlx::Error) -> Self {
        StoreError::Database(e)
    }
}

impl StoreError {
    /// True when the write was refused by a unique constraint.
    pub fn is_conflict(&self) -> bool {
        matches!(self, StoreError::Conflict(_))
            || matches!(self, StoreError::Database(sqlx::Error::Database(db)) if db.is_unique_violation())
    }
}
