//! Pieces of the organisation pages (`/portal/:subdomain/…`): navigation,
//! the refusal panel, the subdomain parameter and shared classes.

use leptos::prelude::*;
use leptos_router::hooks::use_params_map;

use crate::error::AppError;

pub const SECONDARY: &str = "rounded border border-stone-300 px-3 py-1 text-sm";
pub const CARD: &str = "space-y-4 rounded border border-stone-200 bg-white p-4";
pub const ALERT: &str = "rounded border border-red-200 bg-red-50 px-3 py-2 text-red-800";
pub const NOTICE: &str =
    "rounded border border-emerald-200 bg-emerald-50 px-3 py-2 text-sm text-emerald-900";
pub const TABLE: &str = "w-full border-collapse text-left text-sm";
pub const CELL: &str = "border-b border-stone-200 px-2 py-2 align-top";
pub const INPUT: &str = "mt-1 w-full rounded border border-stone-300 px-3 py-2";
pub const LABEL: &str = "block text-sm font-semibold";

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

/// What a refused page shows: the one sentence of the error, and the way on.
pub fn refusal(error: AppError) -> AnyView {
    let signed_out = matches!(error, AppError::Unauthorized);
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
            {link(format!("/portal/{subdomain}"), "Dashboard")}
            {link(format!("/portal/{subdomain}/templates"), "Templates")}
            {link(format!("/portal/{subdomain}/batches"), "CSV batches")}
            {link(format!("/portal/{subdomain}/badges"), "Issued badges")}
            {link(format!("/portal/{subdomain}/users"), "Users")}
            {link(format!("/portal/{subdomain}/audit"), "Audit log")}
            {link(format!("/portal/{subdomain}/settings"), "Settings")}
        </nav>
    }
}
