//! The services' one error type. Every variant's text is a sentence for the
//! person who asked; internal details are logged here and never returned.
//! The UI crate turns it into its server-function error (`AppError`), the
//! server's handlers into an HTTP status.

use laurel_store::StoreError;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ServiceError {
    /// The input was refused; the text says why and how to fix it.
    #[error("{0}")]
    Invalid(String),
    /// The input collides with something that exists (a taken name…).
    #[error("{0}")]
    Conflict(String),
    #[error("That was not found.")]
    NotFound,
    #[error("You are not allowed to do that.")]
    Forbidden,
    /// A rate limit was reached; the text says when to try again.
    #[error("{0}")]
    TooMany(String),
    /// Issuing needs an active trial or subscription (or a paid invoice);
    /// the text says what is missing and where to fix it (HTTP 402).
    #[error("{0}")]
    PaymentRequired(String),
    /// The database is unavailable (full, or out of reach); the text says
    /// nothing was saved (HTTP 503).
    #[error("{0}")]
    Unavailable(String),
    #[error("Something went wrong on our side; please try again in a moment.")]
    Internal,
}

impl From<StoreError> for ServiceError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::Conflict(c) => ServiceError::Conflict(c.to_string()),
            other if other.unavailable().is_some() => {
                let why = other
                    .unavailable()
                    .unwrap_or(laurel_store::Unavailable::Unreachable);
                tracing::error!(error = %other, "the database is unavailable");
                ServiceError::Unavailable(why.message().to_owned())
            }
            other => {
                tracing::error!(error = %other, "store error in a service");
                ServiceError::Internal
            }
        }
    }
}

impl From<laurel::ParseError> for ServiceError {
    fn from(e: laurel::ParseError) -> Self {
        ServiceError::Invalid(e.to_string())
    }
}
