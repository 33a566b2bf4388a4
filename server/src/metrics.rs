//! Prometheus metrics for operators: `GET /metrics`, answered only with
//! `Authorization: Bearer $LAUREL_METRICS_TOKEN` (404 while no token is
//! set, so the route is not there at all). The `metrics` facade collects;
//! the exporter renders the text format.
//!
//! - `laurel_http_requests_total{method, route, status}` and
//!   `laurel_http_request_duration_seconds{method, route}` (a histogram),
//!   by route pattern (never the raw path: no ids, no unbounded labels);
//! - `laurel_jobs_pending{queue}`, `laurel_job_oldest_age_seconds{queue}`
//!   (read from the database at each scrape, so every instance reports the
//!   shared queue), `laurel_job_failures_total{queue}` (mail and webhook
//!   failures among them), `laurel_jobs_given_up_total{queue}`,
//!   `laurel_job_duration_seconds{queue}`;
//! - `laurel_badges_issued_total{source}` (two signatures each),
//!   `laurel_batch_rows_pending` (rows of running batches);
//! - `laurel_db_pool_connections`, `laurel_db_pool_idle`;
//! - `laurel_db_queries_per_request{route}` (a summary: the SQL statements
//!   each request ran, `queries.rs`).

use std::sync::{Arc, OnceLock};
use std::time::Instant;

use axum::extract::{MatchedPath, Request, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use metrics_exporter_prometheus::{Matcher, PrometheusBuilder, PrometheusHandle};

use crate::state::AppState;

/// The process's recorder, installed once (tests start several routers).
static HANDLE: OnceLock<PrometheusHandle> = OnceLock::new();

/// Installs the Prometheus recorder (idempotent) and returns its handle.
pub fn install() -> PrometheusHandle {
    HANDLE
        .get_or_init(|| {
            let buckets = [
                0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0,
            ];
            let builder = PrometheusBuilder::new()
                .set_buckets_for_metric(Matcher::Suffix("_seconds".into()), &buckets)
                .unwrap_or_else(|_| PrometheusBuilder::new());
            match builder.install_recorder() {
                Ok(handle) => handle,
                Err(e) => {
                    // Another recorder is in place: render an empty one.
                    tracing::warn!(error = %e, "metrics recorder not installed");
                    PrometheusBuilder::new().build_recorder().handle()
                }
            }
        })
        .clone()
}

/// Who may scrape: the token, and the renderer.
#[derive(Clone)]
pub struct Metrics {
    pub token: Option<Arc<str>>,
    pub handle: PrometheusHandle,
}

/// Counts and times every request by its route pattern.
pub async fn track(request: Request, next: Next) -> Response {
    let started = Instant::now();
    let method = request.method().as_str().to_owned();
    let route = request
        .extensions()
        .get::<MatchedPath>()
        .map(|p| p.as_str().to_owned())
        .unwrap_or_else(|| "unmatched".to_owned());
    tracing::Span::current().record(crate::queries::ROUTE_FIELD, route.as_str());
    let response = next.run(request).await;
    let status = response.status().as_u16().to_string();
    metrics::counter!("laurel_http_requests_total", "method" => method.clone(), "route" => route.clone(), "status" => status)
        .increment(1);
    metrics::histogram!("laurel_http_request_duration_seconds", "method" => method, "route" => route)
        .record(started.elapsed().as_secs_f64());
    response
}

/// `GET /metrics`.
pub async fn scrape(State(state): State<AppState>, headers: HeaderMap) -> Response {
    let Some(token) = state.metrics.token.as_deref() else {
        return StatusCode::NOT_FOUND.into_response();
    };
    let given = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .unwrap_or_default();
    // Compared as digests: the time taken says nothing about the token.
    use sha2::{Digest, Sha256};
    if Sha256::digest(given.as_bytes()) != Sha256::digest(token.as_bytes()) {
        return (
            StatusCode::UNAUTHORIZED,
            [(header::WWW_AUTHENTICATE, "Bearer")],
            "send Authorization: Bearer $LAUREL_METRICS_TOKEN\n",
        )
            .into_response();
    }
    let store = &state.ctx.store;
    let now = chrono::Utc::now();
    match store.queue_stats().await {
        Ok(queues) => {
            for q in queues {
                metrics::gauge!("laurel_jobs_pending", "queue" => q.queue.clone())
                    .set(q.pending as f64);
                let age = q
                    .oldest_run_at
                    .map_or(0.0, |t| (now - t).num_milliseconds().max(0) as f64 / 1000.0);
                metrics::gauge!("laurel_job_oldest_age_seconds", "queue" => q.queue).set(age);
            }
        }
        Err(e) => tracing::warn!(error = %e, "metrics: cannot read the job queues"),
    }
    if let Ok(rows) = store.pending_rows_of_running_batches().await {
        metrics::gauge!("laurel_batch_rows_pending").set(rows as f64);
    }
    let (size, idle) = store.pool_stats();
    metrics::gauge!("laurel_db_pool_connections").set(f64::from(size));
    metrics::gauge!("laurel_db_pool_idle").set(idle as f64);
    (
        [
            (
                header::CONTENT_TYPE,
                "text/plain; version=0.0.4; charset=utf-8",
            ),
            (header::CACHE_CONTROL, "no-store"),
        ],
        state.metrics.handle.render(),
    )
        .into_response()
}
