//! The frame every page shares: header with navigation, main area, footer, and
//! the panel the error boundary shows.
//!
//! The header reflects the session: a visitor sees "Sign in" and "Start
//! issuing"; a signed-in person sees their email, the portal and "Sign out".
//! Every route renders with `SsrMode::Async`, so the header is complete in the
//! server's HTML (no streamed fragment that only JavaScript would put in place).

use leptos::prelude::*;
use leptos_router::{components::A, hooks::use_location};

use crate::server_fns::{
    account::get_session::{get_session, SessionSummary},
    account::logout::Logout,
};

#[component]
pub fn Layout(children: Children) -> impl IntoView {
    view! {
        <header class="border-b border-stone-200 bg-white">
            <nav
                class="mx-auto flex max-w-5xl items-center gap-6 px-4 py-3"
                aria-label="Main"
            >
                <A href="/" attr:class="flex items-center gap-2 text-lg font-semibold text-emerald-800">
                    <img src="/favicon.svg" alt="" width="28" height="28" />
                    "Laurel"
                </A>
                <ul class="flex gap-4 text-sm text-stone-700">
                    <li>
                        <A href="/" attr:class="hover:text-emerald-800">"Home"</A>
                    </li>
                    <li>
                        <A href="/o/demo" attr:class="hover:text-emerald-800">"Demo issuer"</A>
                    </li>
                </ul>
                <SessionLinks />
            </nav>
        </header>
        <main class="mx-auto max-w-5xl px-4 py-10">{children()}</main>
        <footer class="mx-auto max-w-5xl px-4 py-8 text-xs text-stone-500">
            "Laurel — Open Badges 2.0 and 3.0, issued, hosted and verified."
        </footer>
    }
}

/// The right-hand side of the header. Fetched again after every navigation
/// and after "Sign out", so signing in or out shows at once when hydrated.
#[component]
fn SessionLinks() -> impl IntoView {
    let location = use_location();
    let logout = ServerAction::<Logout>::new();
    let session = Resource::new(
        move || (location.pathname.get(), logout.version().get()),
        |_| get_session(),
    );
    let signed_out = || {
        view! {
            <ul class="ml-auto flex gap-4 text-sm text-stone-700">
                <li>
                    <A href=crate::paths::VERIFIER attr:class="hover:text-emerald-800">"Verify a badge"</A>
                </li>
                <li>
                    <A href="/login" attr:class="hover:text-emerald-800">"Sign in"</A>
                </li>
                <li>
                    <A href="/signup" attr:class="hover:text-emerald-800">"Start issuing"</A>
                </li>
            </ul>
        }
        .into_any()
    };
    let signed_in = move |s: SessionSummary| {
        let title = s.email.clone();
        let member = s.member;
        view! {
            <ul class="ml-auto flex items-center gap-4 text-sm text-stone-700">
                <li class="max-w-[16rem] truncate" data-testid="header-who" title=title>
                    {s.email}
                </li>
                <li>
                    <A href=crate::paths::VERIFIER attr:class="hover:text-emerald-800">"Verify a badge"</A>
                </li>
                <li>
                    <A href=crate::paths::WALLET attr:class="hover:text-emerald-800">"Wallet"</A>
                </li>
                {member.then(|| view! {
                    <li>
                        <A href="/portal" attr:class="hover:text-emerald-800">"Portal"</A>
                    </li>
                })}
                <li>
                    <ActionForm action=logout>
                        <button type="submit" class="hover:text-emerald-800 underline-offset-2 hover:underline">
                            "Sign out"
                        </button>
                    </ActionForm>
                </li>
            </ul>
        }
        .into_any()
    };
    view! {
        <Transition fallback=signed_out>
            {move || Suspend::new(async move {
                match session.await {
                    Ok(Some(s)) => signed_in(s),
                    // A visitor, or the session could not be read: the
                    // links a visitor needs (the page itself says more).
                    _ => signed_out(),
                }
            })}
        </Transition>
    }
}

/// Shown by the error boundary: one sentence per error, never a stack trace.
/// The page's status is the errors' own (`AppError::status`: a database
/// that is unavailable answers 503, with `Retry-After`), else 500.
#[component]
pub fn ErrorPanel(errors: ArcRwSignal<Errors>) -> impl IntoView {
    #[cfg(feature = "ssr")]
    if let Some(response) = use_context::<leptos_axum::ResponseOptions>() {
        let status = errors
            .read_untracked()
            .iter()
            .filter_map(|(_, e)| (**e).downcast_ref::<crate::error::AppError>())
            .map(crate::error::AppError::status)
            .max()
            .unwrap_or(500);
        let status =
            http::StatusCode::from_u16(status).unwrap_or(http::StatusCode::INTERNAL_SERVER_ERROR);
        if status == http::StatusCode::SERVICE_UNAVAILABLE {
            response.insert_header(
                http::header::RETRY_AFTER,
                http::HeaderValue::from_static("5"),
            );
        }
        response.set_status(status);
    }
    view! {
        <section role="alert" class="rounded-lg border border-red-200 bg-red-50 p-6">
            <h1 class="text-xl font-semibold text-red-900">"Something went wrong"</h1>
            <ul class="mt-3 list-disc pl-6 text-red-800">
                {move || {
                    errors
                        .get()
                        .into_iter()
                        .map(|(_, e)| view! { <li>{e.to_string()}</li> })
                        .collect_view()
                }}
            </ul>
            <p class="mt-4 text-sm text-red-900">
                <a href="/" class="underline">"Back to the home page"</a>
            </p>
        </section>
    }
}
