//! The machines' API: `POST /api/remote/v1/issue`, EXeed's remote issuing
//! (`laurel_service::remote`). Outside the browser's CSRF check and without
//! cookies: a request is authenticated by its signature only. The error
//! shape and body reading are the REST API's (`crate::api`).

use axum::{
    body::Body,
    extract::State,
    http::{header, HeaderMap, HeaderValue, StatusCode},
    response::{IntoResponse, Response},
    routing::post,
    Json, Router,
};
use laurel_service::remote::{self, RemoteError};
use laurel_service::ServerContext;
use serde_json::json;

use crate::api::{error, json_body, too_many};
use crate::state::AppState;

/// The largest request body: the JSON of one award is a few hundred bytes.
pub const MAX_BODY: usize = 64 * 1024;

pub fn routes() -> Router<AppState> {
    Router::new().route(laurel_service::urls::REMOTE_ISSUE_PATH, post(issue))
}

fn header_text<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers.get(name).and_then(|v| v.to_str().ok())
}

async fn issue(State(ctx): State<ServerContext>, headers: HeaderMap, body: Body) -> Response {
    let body = match json_body(&headers, body, MAX_BODY).await {
        Ok(b) => b,
        Err(e) => return e.into_response(),
    };
    let outcome = remote::issue(
        &ctx,
        &body,
        header_text(&headers, "IssuerIntegration"),
        header_text(&headers, "IssuerIntegration-Timestamp"),
    )
    .await;
    match outcome {
        Ok(issued) => {
            let urls = ctx.urls(&issued.organisation.subdomain);
            let a = &issued.assertion;
            let status = if issued.created {
                StatusCode::CREATED
            } else {
                StatusCode::OK
            };
            let mut res = (
                status,
                Json(json!({
                    "id": a.slug,
                    "created": issued.created,
                    "url": urls.assertion(&a.slug),
                    "assertion": urls.assertion_json(&a.slug),
                    "credential": urls.credential(&a.slug),
                    "image": urls.baked_png(&a.slug),
                    "issuedOn": a.issued_on.to_rfc3339(),
                })),
            )
                .into_response();
            res.headers_mut()
                .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
            if let Ok(v) = HeaderValue::from_str(&urls.assertion(&a.slug)) {
                res.headers_mut().insert(header::LOCATION, v);
            }
            res
        }
        Err(RemoteError::NotJson) => error(
            StatusCode::BAD_REQUEST,
            "invalid_json",
            "The body is not a JSON object.",
            None,
        ),
        Err(RemoteError::Fields(fields)) => error(
            StatusCode::BAD_REQUEST,
            "invalid_fields",
            "Some fields are missing or not valid.",
            Some(json!(fields)),
        ),
        Err(RemoteError::Unauthorized) => error(
            StatusCode::UNAUTHORIZED,
            "unauthorized",
            "The request is not signed by a key of this integration.",
            None,
        ),
        Err(RemoteError::UnknownTemplate) => error(
            StatusCode::NOT_FOUND,
            "unknown_template",
            "No active template has this externalTemplateId.",
            None,
        ),
        Err(RemoteError::Forbidden(why)) => error(StatusCode::FORBIDDEN, "forbidden", &why, None),
        Err(RemoteError::PaymentRequired(why)) => {
            error(StatusCode::PAYMENT_REQUIRED, "payment_required", &why, None)
        }
        Err(RemoteError::TooMany(seconds)) => too_many(
            seconds,
            &format!("Too many requests a minute for this organisation; try again in {seconds} s."),
        ),
        Err(RemoteError::Limited(why)) => {
            error(StatusCode::TOO_MANY_REQUESTS, "limit_reached", &why, None)
        }
        Err(RemoteError::Unavailable(why)) => {
            error(StatusCode::SERVICE_UNAVAILABLE, "unavailable", &why, None)
        }
        Err(RemoteError::Internal) => error(
            StatusCode::INTERNAL_SERVER_ERROR,
            "internal",
            "Something went wrong on our side; try again in a moment.",
            None,
        ),
    }
}
