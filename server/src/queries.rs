//! How many SQL statements each request runs: the
//! `laurel_db_queries_per_request{route}` summary on `/metrics`, so an N+1
//! query (a page that asks once per row) shows as a count that grows with
//! the data, in production as in `server/tests/queries.rs`.
//!
//! - sqlx emits one `sqlx::query` event per statement it runs (`BEGIN` and
//!   `COMMIT` included); [`QueryTally`] counts each against the request span
//!   (`request`, made by `routes.rs`) it happens under, and records the total
//!   when that span closes — after the response and all the work it spawned.
//! - SQLite's driver runs statements on its own thread, under the span of
//!   the caller (sqlx sends it along); PostgreSQL's run in the caller's task.
//! - Leptos renders a page's resources in tasks of their own:
//!   [`init_executor`] makes every such task carry the span that spawned it,
//!   so their statements count for the request (and their traces, when
//!   exported, sit under it).
//! - The route label is the route pattern `metrics::track` records on the
//!   span (never a raw path).
//!
//! Written here because tracing-subscriber has no per-span event counter;
//! the `metrics` facade does the rest.

use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::OnceLock;

use tracing::field::{Field, Visit};
use tracing::span::{Attributes, Id, Record};
use tracing::{Event, Instrument, Metadata, Subscriber};
use tracing_subscriber::layer::{Context, Filter, Layer};
use tracing_subscriber::registry::LookupSpan;

/// The span `routes.rs` opens for each request.
pub const REQUEST_SPAN: &str = "request";
/// The field of [`REQUEST_SPAN`] that `metrics::track` fills with the route
/// pattern.
pub const ROUTE_FIELD: &str = "route";
/// sqlx's target for the event it logs after each statement.
const SQLX_QUERY: &str = "sqlx::query";

/// The statements of one request so far, kept in its span.
struct Tally {
    statements: AtomicU32,
    route: OnceLock<String>,
}

/// The layer (see the module doc).
pub struct QueryTally;

impl QueryTally {
    /// What the layer is shown: the request spans and sqlx's statement
    /// events, whatever `RUST_LOG` says (sqlx logs them at `debug`).
    pub fn filter<S>() -> impl Filter<S> {
        tracing_subscriber::filter::filter_fn(|m: &Metadata<'_>| {
            (m.is_span() && m.name() == REQUEST_SPAN) || m.target() == SQLX_QUERY
        })
    }
}

struct RouteVisitor<'a>(&'a OnceLock<String>);

impl Visit for RouteVisitor<'_> {
    fn record_str(&mut self, field: &Field, value: &str) {
        if field.name() == ROUTE_FIELD {
            let _ = self.0.set(value.to_owned());
        }
    }

    fn record_debug(&mut self, field: &Field, value: &dyn std::fmt::Debug) {
        if field.name() == ROUTE_FIELD {
            let _ = self.0.set(format!("{value:?}"));
        }
    }
}

impl<S> Layer<S> for QueryTally
where
    S: Subscriber + for<'a> LookupSpan<'a>,
{
    fn on_new_span(&self, attrs: &Attributes<'_>, id: &Id, ctx: Context<'_, S>) {
        if attrs.metadata().name() != REQUEST_SPAN {
            return;
        }
        if let Some(span) = ctx.span(id) {
            let tally = Tally {
                statements: AtomicU32::new(0),
                route: OnceLock::new(),
            };
            attrs.record(&mut RouteVisitor(&tally.route));
            span.extensions_mut().insert(tally);
        }
    }

    fn on_record(&self, id: &Id, values: &Record<'_>, ctx: Context<'_, S>) {
        if let Some(span) = ctx.span(id) {
            if let Some(tally) = span.extensions().get::<Tally>() {
                values.record(&mut RouteVisitor(&tally.route));
            }
        }
    }

    fn on_event(&self, event: &Event<'_>, ctx: Context<'_, S>) {
        if event.metadata().target() != SQLX_QUERY {
            return;
        }
        let Some(scope) = ctx.event_scope(event) else {
            return;
        };
        for span in scope {
            if let Some(tally) = span.extensions().get::<Tally>() {
                tally.statements.fetch_add(1, Ordering::Relaxed);
                return;
            }
        }
    }

    fn on_close(&self, id: Id, ctx: Context<'_, S>) {
        let Some(span) = ctx.span(&id) else {
            return;
        };
        let extensions = span.extensions();
        let Some(tally) = extensions.get::<Tally>() else {
            return;
        };
        let route = tally
            .route
            .get()
            .cloned()
            .unwrap_or_else(|| "unmatched".to_owned());
        metrics::histogram!("laurel_db_queries_per_request", "route" => route)
            .record(f64::from(tally.statements.load(Ordering::Relaxed)));
    }
}

/// Leptos's task spawner on Tokio, each task inside the span it was
/// spawned from (Leptos's own Tokio spawner drops it). Call once, before
/// the router is built; `leptos_axum`'s own `init_tokio` then finds this one
/// in place and leaves it.
pub fn init_executor() {
    struct Spanned;
    impl any_spawner::CustomExecutor for Spanned {
        fn spawn(&self, fut: any_spawner::PinnedFuture<()>) {
            tokio::spawn(fut.instrument(tracing::Span::current()));
        }
        fn spawn_local(&self, fut: any_spawner::PinnedLocalFuture<()>) {
            tokio::task::spawn_local(fut.instrument(tracing::Span::current()));
        }
        fn poll_local(&self) {}
    }
    // Already set (tests build several routers in one process): keep it.
    let _ = any_spawner::Executor::init_custom_executor(Spanned);
}
