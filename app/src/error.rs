//! The one error type of Laurel's server functions. Every variant's text is a
//! sentence for the person using the page; internal details are logged on the
//! server and never sent to the browser.

use leptos::server_fn::codec::JsonEncoding;
use leptos::server_fn::error::{FromServerFnError, ServerFnErrorErr};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
pub enum AppError {
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
    #[error("Please sign in first.")]
    Unauthorized,
    /// A rate limit was reached; the text says when to try again.
    #[error("{0}")]
    TooMany(String),
    /// Issuing needs a plan (or a paid invoice); the text says what to do
    /// on the Subscription tab.
    #[error("{0}")]
    PaymentRequired(String),
    /// The database is unavailable (its storage full, or out of reach):
    /// nothing was saved; try again later (503).
    #[error("{0}")]
    Unavailable(String),
    #[error("Something went wrong on our side; please try again in a moment.")]
    Internal,
    /// Transport or encoding failures reported by the server-function layer.
    #[error("The server could not be reached or answered oddly ({0}).")]
    ServerFn(String),
}

impl AppError {
    /// The HTTP status this error is answered with (the server's error
    /// mapping and the pages' status both call this): a refused input 400, a
    /// taken name 409, a rate limit 429; only real failures are 5xx.
    pub fn status(&self) -> u16 {
        match self {
            AppError::Invalid(_) => 400,
            AppError::Unauthorized => 401,
            AppError::PaymentRequired(_) => 402,
            AppError::Forbidden => 403,
            AppError::NotFound => 404,
            AppError::Conflict(_) => 409,
            AppError::TooMany(_) => 429,
            AppError::Internal | AppError::ServerFn(_) => 500,
            AppError::Unavailable(_) => 503,
        }
    }
}

impl FromServerFnError for AppError {
    type Encoder = JsonEncoding;

    fn from_server_fn_error(value: ServerFnErrorErr) -> Self {
        match value {
            // A request whose arguments cannot be read (a field missing, a
            // number that is not one): the asker's mistake, 400 — not a
            // server failure.
            ServerFnErrorErr::Args(why) | ServerFnErrorErr::MissingArg(why) => AppError::Invalid(
                format!("The form could not be read ({why}); reload the page and send it again."),
            ),
            other => AppError::ServerFn(other.to_string()),
        }
    }
}

/// A service's refusal keeps its sentence and its kind.
#[cfg(feature = "ssr")]
impl From<laurel_service::ServiceError> for AppError {
    fn from(e: laurel_service::ServiceError) -> Self {
        use laurel_service::ServiceError as S;
        match e {
            S::Invalid(text) => AppError::Invalid(text),
            S::Conflict(text) => AppError::Conflict(text),
            S::NotFound => AppError::NotFound,
            S::Forbidden => AppError::Forbidden,
            S::TooMany(text) => AppError::TooMany(text),
            S::PaymentRequired(text) => AppError::PaymentRequired(text),
            S::Unavailable(text) => AppError::Unavailable(text),
            S::Internal => AppError::Internal,
        }
    }
}

/// A refused emailed link (unknown, used, expired): its sentence, as a
/// refused input.
#[cfg(feature = "ssr")]
impl From<laurel_store::TokenProblem> for AppError {
    fn from(p: laurel_store::TokenProblem) -> Self {
        AppError::Invalid(p.message().to_owned())
    }
}

/// An invitation that cannot be accepted as asked: a refused input.
#[cfg(feature = "ssr")]
impl From<laurel_store::AcceptProblem> for AppError {
    fn from(p: laurel_store::AcceptProblem) -> Self {
        AppError::Invalid(p.message().to_owned())
    }
}

/// A membership change that collides with the organisation's state (the
/// last privileged user, an existing member…): a conflict.
#[cfg(feature = "ssr")]
impl From<laurel_store::MemberProblem> for AppError {
    fn from(p: laurel_store::MemberProblem) -> Self {
        AppError::Conflict(p.message().to_owned())
    }
}

#[cfg(feature = "ssr")]
impl From<laurel_store::StoreError> for AppError {
    fn from(e: laurel_store::StoreError) -> Self {
        match e {
            laurel_store::StoreError::Conflict(c) => AppError::Conflict(c.to_string()),
            other => match other.unavailable() {
                Some(why) => {
                    tracing::error!(error = %other, "the database is unavailable");
                    AppError::Unavailable(why.message().to_owned())
                }
                None => {
                    tracing::error!(error = %other, "store error in a server function");
                    AppError::Internal
                }
            },
        }
    }
}

impl From<laurel::ParseError> for AppError {
    fn from(e: laurel::ParseError) -> Self {
        AppError::Invalid(e.to_string())
    }
}
