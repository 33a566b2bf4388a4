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
    #[error("Something went wrong on our side; please try again in a moment.")]
    Internal,
    /// Transport or encoding failures reported by the server-function layer.
    #[error("The server could not be reached or answered oddly ({0}).")]
    ServerFn(String),
}

impl FromServerFnError for AppError {
    type Encoder = JsonEncoding;

    fn from_server_fn_error(value: ServerFnErrorErr) -> Self {
        AppError::ServerFn(value.to_string())
    }
}

#[cfg(feature = "ssr")]
impl From<crate::store::StoreError> for AppError {
    fn from(e: crate::store::StoreError) -> Self {
        match e {
            crate::store::StoreError::Conflict(c) => AppError::Conflict(c.to_string()),
            other => {
                tracing::error!(error = %other, "store error in a server function");
                AppError::Internal
            }
        }
    }
}

impl From<laurel::ParseError> for AppError {
    fn from(e: laurel::ParseError) -> Self {
        AppError::Invalid(e.to_string())
    }
}
