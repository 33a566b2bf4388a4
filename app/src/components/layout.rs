//! The frame every page shares: header with navigation, main area, footer, and
//! the panel the error boundary shows.

use leptos::prelude::*;
use leptos_router::components::A;

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
                <ul class="ml-auto flex gap-4 text-sm text-stone-700">
                    <li>
                        <A href="/login" attr:class="hover:text-emerald-800">"Sign in"</A>
                    </li>
                    <li>
                        <A href="/signup" attr:class="hover:text-emerald-800">"Start issuing"</A>
                    </li>
                </ul>
            </nav>
        </header>
        <main class="mx-auto max-w-5xl px-4 py-10">{children()}</main>
        <footer class="mx-auto max-w-5xl px-4 py-8 text-xs text-stone-500">
            "Laurel — Open Badges 2.0 and 3.0, issued, hosted and verified."
        </footer>
    }
}

/// Shown by the error boundary: one sentence per error, never a stack trace.
#[component]
pub fn ErrorPanel(errors: ArcRwSignal<Errors>) -> impl IntoView {
    #[cfg(feature = "ssr")]
    if let Some(response) = use_context::<leptos_axum::ResponseOptions>() {
        response.set_status(http::StatusCode::INTERNAL_SERVER_ERROR);
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
