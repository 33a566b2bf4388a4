//! Pieces of the organisation pages (`/portal/:subdomain/…`): navigation,
//! the refusal panel and the subdomain parameter.

use leptos::prelude::*;
use leptos_router::hooks::use_params_map;

use crate::components::style::ALERT;
use crate::error::AppError;
use crate::paths::portal;

/// The error of an action's latest outcome.
pub fn error_of(
    value: impl Get<Value = Option<Result<(), AppError>>> + Send + Sync + 'static,
) -> Signal<Option<AppError>> {
    Signal::derive(move || value.get().and_then(|r| r.err()))
}

/// The `:subdomain` of the current route.
pub fn subdomain_param() -> impl Fn() -> String + Copy + Send + Sync + 'static {
    let params = use_params_map();
    move || params.read().get("subdomain").unwrap_or_default()
}

/// A numeric route parameter (0 when missing or malformed: the server then
/// answers "not found").
pub fn id_param(name: &'static str) -> impl Fn() -> i64 + Copy + Send + Sync + 'static {
    let params = use_params_map();
    move || {
        params
            .read()
            .get(name)
            .and_then(|v| v.parse().ok())
            .unwrap_or(0)
    }
}

/// What a refused page shows: the one sentence of the error, and the way on;
/// the page's HTTP status is the error's.
pub fn refusal(error: AppError) -> AnyView {
    let signed_out = matches!(error, AppError::Unauthorized);
    // On the server, the page's status says it too (401, 403, 404…); the
    // routes render with `SsrMode::Async`, so it is set before the headers.
    #[cfg(feature = "ssr")]
    crate::ssr::set_status(
        http::StatusCode::from_u16(error.status())
            .unwrap_or(http::StatusCode::INTERNAL_SERVER_ERROR),
    );
    view! {
        <section class="mx-auto max-w-md space-y-4">
            <h1 class="text-2xl font-bold">
                {if signed_out { "Please sign in" } else { "Not available" }}
            </h1>
            <p role="alert" class=ALERT>{error.to_string()}</p>
            {if signed_out {
                view! { <p><a href="/login" class="underline">"Sign in"</a></p> }.into_any()
            } else {
                view! { <p><a href="/portal" class="underline">"Back to your portal"</a></p> }.into_any()
            }}
        </section>
    }
    .into_any()
}

/// The page's data once `data` has loaded, rendered by `ok`, or the refusal
/// panel when the server refused (not found, forbidden, not signed in…): the
/// scaffolding of every portal page. The server waits for it
/// (`SsrMode::Async`), so the HTML is complete without JavaScript.
pub fn loaded<T, V, F>(data: Resource<Result<T, AppError>>, ok: F) -> impl IntoView
where
    T: Clone + Send + Sync + 'static,
    V: IntoView + 'static,
    F: Fn(T) -> V + Clone + Send + Sync + 'static,
{
    view! { <Suspense fallback=|| view! { <p>"Loading…"</p> }>{outcome(data, ok)}</Suspense> }
}

/// [`loaded`] for pages whose data reloads after an action: the old content
/// stays until the new one is there (`Transition`).
pub fn reloaded<T, V, F>(data: Resource<Result<T, AppError>>, ok: F) -> impl IntoView
where
    T: Clone + Send + Sync + 'static,
    V: IntoView + 'static,
    F: Fn(T) -> V + Clone + Send + Sync + 'static,
{
    view! { <Transition fallback=|| view! { <p>"Loading…"</p> }>{outcome(data, ok)}</Transition> }
}

/// What [`loaded`] and [`reloaded`] show once `data` is there.
fn outcome<T, V, F>(
    data: Resource<Result<T, AppError>>,
    ok: F,
) -> impl Fn() -> Suspend<AnyView> + Send + Sync + 'static
where
    T: Clone + Send + Sync + 'static,
    V: IntoView + 'static,
    F: Fn(T) -> V + Clone + Send + Sync + 'static,
{
    move || {
        let ok = ok.clone();
        Suspend::new(async move {
            match data.await {
                Ok(value) => ok(value).into_any(),
                Err(e) => refusal(e),
            }
        })
    }
}

/// The organisation's navigation; `current` is the label of this page.
pub fn org_nav(subdomain: &str, current: &'static str) -> impl IntoView {
    let link = |href: String, label: &'static str| {
        let here = label == current;
        view! {
            <a
                href=href
                class=if here { "font-semibold underline" } else { "underline" }
                aria-current=here.then_some("page")
            >
                {label}
            </a>
        }
    };
    view! {
        <nav class="flex flex-wrap gap-4 text-sm" aria-label="Organisation">
            <a href="/portal" class="underline">"Portal"</a>
            {link(portal(subdomain).home(), "Dashboard")}
            {link(portal(subdomain).templates(), "Templates")}
            {link(portal(subdomain).batches(), "CSV batches")}
            {link(portal(subdomain).badges(), "Issued badges")}
            {link(portal(subdomain).analytics(), "Analytics")}
            {link(portal(subdomain).users(), "Users")}
            {link(portal(subdomain).subscription(), "Subscription")}
            {link(portal(subdomain).audit(), "Audit log")}
            {link(portal(subdomain).settings(), "Settings")}
        </nav>
    }
}

/// Why billing refuses issuing, with the way to the Subscription tab
/// (above the issue form, in a CSV batch's preview, on the dashboard).
#[component]
pub fn BillingRefusal(refusal: Option<String>, subscription: String) -> impl IntoView {
    refusal.map(|sentence| {
        view! {
            <div role="alert" class=ALERT data-testid="billing-refusal">
                <p>{sentence}</p>
                <p><a href=subscription class="font-semibold underline">"Open the Subscription tab"</a></p>
            </div>
        }
    })
}
