//! The HTTP surface: Leptos pages and server functions, static files, and the
//! machine endpoints (health and readiness).

use std::sync::Arc;
use std::time::Duration;

use axum::{extract::State, http::StatusCode, middleware, routing::get, Router};
use http::{HeaderValue, Request};
use laurel_app::{error::AppError, shell, App};
use laurel_service::ServerContext;
use leptos::prelude::provide_context;
use leptos_axum::{generate_route_list, LeptosRoutes};
use tower::ServiceBuilder;
use tower_http::{
    compression::{CompressionLayer, CompressionLevel},
    limit::RequestBodyLimitLayer,
    request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer},
    services::ServeDir,
    set_header::SetResponseHeaderLayer,
    timeout::TimeoutLayer,
    trace::TraceLayer,
};

use crate::badges::{self, PageRenderer};
use crate::security::{self, SecurityConfig};
use crate::state::AppState;

const REQUEST_ID: http::HeaderName = http::HeaderName::from_static("x-request-id");

pub fn router(state: AppState, security: SecurityConfig) -> Router {
    crate::queries::init_executor();
    let hosts = state.ctx.base_domain.clone().map(|domain| OrgHosts {
        domain,
        public_url: state.ctx.public_url.clone(),
    });
    let app = site(state, security);
    match hosts {
        // An outer router whose only route is the whole site: its middleware
        // runs before the site routes, so it can rewrite the path.
        Some(hosts) => Router::new()
            .fallback_service(app)
            .layer(middleware::from_fn_with_state(Arc::new(hosts), org_hosts)),
        None => app,
    }
}

/// With a wildcard base domain: `acme.{domain}/assertions/x` is the
/// organisation's document `/o/acme/assertions/x`. Browsers asking for a page
/// there are sent to the same page on the main host, where the application
/// (and its client-side router) lives.
#[derive(Debug)]
struct OrgHosts {
    domain: Arc<str>,
    public_url: Arc<str>,
}

async fn org_hosts(
    State(hosts): State<Arc<OrgHosts>>,
    mut request: axum::extract::Request,
    next: middleware::Next,
) -> axum::response::Response {
    use axum::response::IntoResponse;
    let host = request
        .headers()
        .get(http::header::HOST)
        .and_then(|v| v.to_str().ok())
        .map(|h| {
            h.rsplit_once(':')
                .map_or(h, |(name, _)| name)
                .to_ascii_lowercase()
        })
        .unwrap_or_default();
    let Some(sub) = host.strip_suffix(&format!(".{}", hosts.domain)) else {
        return next.run(request).await;
    };
    if laurel::Subdomain::parse(sub).is_err() {
        return StatusCode::NOT_FOUND.into_response();
    }
    let path = request
        .uri()
        .path_and_query()
        .map(|p| p.as_str())
        .unwrap_or("/");
    let path = if path == "/" {
        String::new()
    } else {
        path.to_owned()
    };
    if request.method() == http::Method::GET && badges::wants_html(request.headers()) {
        let to = format!("{}/o/{sub}{path}", hosts.public_url);
        return axum::response::Redirect::to(&to).into_response();
    }
    match format!("/o/{sub}{path}").parse::<http::Uri>() {
        Ok(uri) => *request.uri_mut() = uri,
        Err(_) => return StatusCode::BAD_REQUEST.into_response(),
    }
    next.run(request).await
}

fn site(state: AppState, security: SecurityConfig) -> Router {
    // The origin state-changing requests must come from (CSRF).
    let origin: Arc<str> = url::Url::parse(&state.ctx.public_url)
        .map(|u| u.origin().ascii_serialization())
        .unwrap_or_default()
        .into();
    // Pages whose URL is also a machine-readable document are routed by
    // `badges::routes`, which negotiates and hands browsers to `page`.
    let routes: Vec<_> = generate_route_list(App)
        .into_iter()
        .filter(|r| !r.path().contains("/assertions/"))
        .collect();
    let (api_routes, document) = crate::api::routes();
    let page: PageRenderer = {
        let ctx = state.ctx.clone();
        let document = document.clone();
        let options = state.leptos_options.clone();
        let render = leptos_axum::render_app_async_with_context(
            move || {
                provide_context(ctx.clone());
                provide_context(document.clone());
            },
            move || shell(options.clone()),
        );
        Arc::new(move |request| Box::pin(render(request)))
    };
    let leptos_options = state.leptos_options.clone();
    let ctx = state.ctx.clone();
    let api_state = state.clone();
    // The WASM, JS and CSS bundle: `cargo leptos build --release
    // --precompress` leaves a `.br` and a `.gz` beside each file, served as
    // they are to clients that accept them (no compression per request; a
    // development build has none and is served plain). The names carry no
    // hash, so clients revalidate (Last-Modified → 304) rather than cache
    // blindly.
    let pkg_dir = std::path::Path::new(&*state.leptos_options.site_root)
        .join(&*state.leptos_options.site_pkg_dir);
    let pkg = ServiceBuilder::new()
        .layer(SetResponseHeaderLayer::overriding(
            http::header::CACHE_CONTROL,
            HeaderValue::from_static("public, no-cache"),
        ))
        .service(
            ServeDir::new(pkg_dir)
                .precompressed_br()
                .precompressed_gzip(),
        );
    Router::new()
        .nest_service(&format!("/{}", state.leptos_options.site_pkg_dir), pkg)
        .route("/healthz", get(healthz))
        .route("/readyz", get(readyz))
        // The one page answered on POST as well: its own button reveals
        // the new recovery codes (`take_recovery_codes`), which a GET must
        // not spend. The same-origin check below covers it like any POST.
        .route(
            laurel_app::paths::RECOVERY_CODES,
            axum::routing::post({
                let page = page.clone();
                move |request: axum::extract::Request| page(request)
            }),
        )
        .merge(badges::routes(page))
        .merge(if state.leptos_options.env == leptos::config::Env::DEV {
            crate::dev_mail::dev_mail_routes(&state.data_dir)
        } else {
            Router::new()
        })
        .leptos_routes_with_context(
            &state,
            routes,
            move || {
                provide_context(ctx.clone());
                provide_context(document.clone());
            },
            move || shell(leptos_options.clone()),
        )
        .fallback(leptos_axum::file_and_error_handler::<AppState, _>(shell))
        .with_state(state)
        .layer(middleware::from_fn(server_fn_error_status))
        // No request body is read past this: the largest upload is a CSV
        // batch (32 MB) in its multipart envelope.
        .layer(RequestBodyLimitLayer::new(MAX_REQUEST_BODY))
        .layer(middleware::from_fn_with_state(
            origin,
            security::same_origin,
        ))
        // The machines' API: outside the browser CSRF check (it reads no
        // cookie; a request is authenticated by its signature only).
        .merge(
            crate::remote::routes()
                .merge(crate::billing::routes())
                .route("/metrics", get(crate::metrics::scrape))
                .merge(api_routes)
                .with_state(api_state),
        )
        .layer(middleware::from_fn(crate::metrics::track))
        .layer(middleware::from_fn_with_state(security, security::headers))
        // Pages, JSON documents and server-function answers, compressed for
        // clients that accept it (brotli or gzip at a light level: a page is
        // tens of kilobytes, and the CPU is better spent signing). Images
        // and bodies already encoded (the precompressed bundle) pass as
        // they are. No page reflects a secret beside visitor-controlled text
        // (CSRF is checked by Origin, not by a token in the page), so BREACH
        // has nothing to guess.
        .layer(CompressionLayer::new().quality(CompressionLevel::Precise(4)))
        .layer(
            ServiceBuilder::new()
                .layer(SetRequestIdLayer::new(REQUEST_ID, MakeRequestUuid))
                .layer(
                    TraceLayer::new_for_http().make_span_with(|request: &Request<_>| {
                        let id = request
                            .headers()
                            .get(REQUEST_ID)
                            .and_then(|v: &HeaderValue| v.to_str().ok())
                            .unwrap_or("-");
                        tracing::info_span!(
                            "request",
                            method = %request.method(),
                            path = %request.uri().path(),
                            request_id = %id,
                            // Filled in by `metrics::track` (`queries.rs`).
                            route = tracing::field::Empty,
                        )
                    }),
                )
                .layer(PropagateRequestIdLayer::new(REQUEST_ID))
                .layer(TimeoutLayer::with_status_code(
                    StatusCode::REQUEST_TIMEOUT,
                    Duration::from_secs(30),
                )),
        )
}

/// The largest request body accepted, in bytes.
const MAX_REQUEST_BODY: usize = 33 * 1024 * 1024;

/// Gives a server function's error its HTTP status. Server functions answer
/// every error with 500; Laurel's one error type says what kind it is, so a
/// refused input becomes 400, a taken name 409, a rate limit 429 — and only
/// real failures stay 5xx (and are logged as such).
async fn server_fn_error_status(
    request: axum::extract::Request,
    next: middleware::Next,
) -> axum::response::Response {
    let is_server_fn = request.uri().path().starts_with("/api/");
    let response = next.run(request).await;
    if !is_server_fn || response.status() != StatusCode::INTERNAL_SERVER_ERROR {
        return response;
    }
    let (mut parts, body) = response.into_parts();
    let Ok(bytes) = axum::body::to_bytes(body, 64 * 1024).await else {
        parts.status = StatusCode::INTERNAL_SERVER_ERROR;
        return axum::response::Response::from_parts(parts, axum::body::Body::empty());
    };
    if let Ok(error) = serde_json::from_slice::<AppError>(&bytes) {
        parts.status =
            StatusCode::from_u16(error.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    }
    axum::response::Response::from_parts(parts, axum::body::Body::from(bytes))
}

/// The process is up and serving.
async fn healthz() -> &'static str {
    "ok\n"
}

/// The process can serve requests: its database answers.
async fn readyz(State(ctx): State<ServerContext>) -> (StatusCode, &'static str) {
    // Within two seconds: a probe that waits out the pool's acquire timeout
    // would itself time out (Kubernetes' default is one second).
    match tokio::time::timeout(std::time::Duration::from_secs(2), ctx.store.ping()).await {
        Ok(Ok(())) => (StatusCode::OK, "ready\n"),
        Ok(Err(e)) => {
            tracing::warn!(error = %e, "readiness check failed");
            (StatusCode::SERVICE_UNAVAILABLE, "database unreachable\n")
        }
        Err(_) => {
            tracing::warn!("readiness check failed: the database did not answer within 2 s");
            (StatusCode::SERVICE_UNAVAILABLE, "database unreachable\n")
        }
    }
}
